/**
 * How long revision history lasts. Autosave makes a revision at every pause in typing, so a
 * story edited all day gathers thousands; old ones are thinned by age: every revision of the
 * last day is kept, then the last revision of each hour for a month, then the last of each day.
 * A story's current revision is never removed, nor one that changed the story's status (a
 * publication and its override reason are part of the record). Pure: the store applies it
 * (electron/store/revision-history.ts) and the history dialog says it in words.
 */

export interface HistoryPolicy {
  /** Every revision younger than this is kept. */
  keepAllForMs: number;
  /** Up to this age, the last revision of each hour is kept; beyond it, the last of each day. */
  keepHourlyForMs: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const DEFAULT_HISTORY_POLICY: HistoryPolicy = { keepAllForMs: DAY_MS, keepHourlyForMs: 30 * DAY_MS };

/** The policy in words, for the history dialog and the docs. */
export function describeHistoryPolicy(policy: HistoryPolicy = DEFAULT_HISTORY_POLICY): string {
  return `every revision of the last ${durationInWords(policy.keepAllForMs)}, then the last of each hour up to ${durationInWords(policy.keepHourlyForMs)}, then the last of each day`;
}

function durationInWords(ms: number): string {
  if (ms % DAY_MS === 0) return ms === DAY_MS ? 'day' : `${ms / DAY_MS} days`;
  return ms === HOUR_MS ? 'hour' : `${Math.round(ms / HOUR_MS)} hours`;
}

/** What the policy needs to know of one revision. */
export interface RevisionFacts {
  storyId: string;
  revision: number;
  savedAt: string;
  status: string;
  overrideReason: string | null;
  /** The story's current revision. */
  head: number;
}

/**
 * The revisions the policy lets go, from the revisions of any number of stories (in any order).
 * Pure. A revision is removed only when a later revision of the same story falls in its period
 * (hour or day), so each period of a story's history keeps its last state.
 */
export function revisionsToPrune(revisions: readonly RevisionFacts[], now: Date, policy: HistoryPolicy = DEFAULT_HISTORY_POLICY): RevisionFacts[] {
  const byStory = new Map<string, RevisionFacts[]>();
  for (const revision of revisions) {
    const list = byStory.get(revision.storyId);
    if (list) list.push(revision);
    else byStory.set(revision.storyId, [revision]);
  }
  const pruned: RevisionFacts[] = [];
  for (const list of byStory.values()) {
    list.sort((a, b) => a.revision - b.revision);
    const keptPeriods = new Set<string>();
    // Newest first, so the first revision met in a period is the one that period keeps.
    for (let index = list.length - 1; index >= 0; index -= 1) {
      const revision = list[index]!;
      const previous = list[index - 1];
      const age = now.getTime() - Date.parse(revision.savedAt);
      const alwaysKept =
        revision.revision === revision.head ||
        revision.overrideReason !== null ||
        (previous !== undefined && previous.status !== revision.status) ||
        !(age >= policy.keepAllForMs);
      const period = age < policy.keepHourlyForMs ? `h${revision.savedAt.slice(0, 13)}` : `d${revision.savedAt.slice(0, 10)}`;
      if (alwaysKept || !keptPeriods.has(period)) keptPeriods.add(period);
      else pruned.push(revision);
    }
  }
  return pruned;
}
