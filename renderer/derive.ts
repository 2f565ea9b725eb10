/**
 * What the editor shows beside a draft, computed from it: the coverage review, the finished page
 * (the export function itself) and the fields that break the model. The same functions run in a
 * worker while the editor types (derive-worker.ts), so that a large story's review and page never
 * hold up a keystroke, and in place where no worker exists (the state tests in Node).
 */
import { reviewCoverage, rulesForStory } from '../shared/coverage';
import type { CoverageReport, CoverageRulesPatch } from '../shared/coverage-schema';
import { formatPath } from '../shared/errors';
import { StorySchema, type Story } from '../shared/model';
import { renderStoryPage } from '../shared/page-html';
import type { StoryList } from '../shared/story-edits';

/** The problems that keep `story` from being saved, by path ("slug", "sources[2].URL"). */
export function problemsOf(story: Story): Record<string, string> {
  const parsed = StorySchema.safeParse(story);
  if (parsed.success) return {};
  const problems: Record<string, string> = {};
  for (const issue of parsed.error.issues) problems[formatPath(issue.path)] ??= issue.message;
  return problems;
}

export function reviewOf(story: Story, libraryRules: CoverageRulesPatch): CoverageReport {
  return reviewCoverage(story, rulesForStory(story, libraryRules));
}

/** The finished page, with the hero image inline when its bytes (as base64) are at hand. */
export function pageOf(story: Story, heroBase64: string | undefined): string {
  return renderStoryPage(story, heroBase64 !== undefined ? { hero: { kind: 'base64', data: heroBase64 } } : {});
}

/**
 * A draft as it crosses to the worker: whole the first time, then as what changed since the draft
 * sent before. A list that changed is sent as its items, each either the index of the same item
 * in the list sent before or the new item itself, so a keystroke sends one section, not the story.
 */
export type DraftPatch =
  | { whole: Story }
  | {
      fields: Omit<Story, StoryList>;
      lists: { [L in StoryList]?: (number | Story[L][number])[] };
    };

/** A draft to derive from, as the worker receives it. */
export interface DeriveRequest {
  seq: number;
  draft: DraftPatch;
  libraryRules: CoverageRulesPatch;
  /** The hero's bytes, sent once per image: the worker keeps the last few. */
  hero?: { sha256: string; base64: string };
}

const LISTS: readonly StoryList[] = ['sections', 'sources', 'timeline'];

/** What to send for `story` when the worker holds `sent` (or nothing yet). */
export function draftPatch(story: Story, sent: Story | undefined): DraftPatch {
  if (!sent || sent.id !== story.id) return { whole: story };
  const { sections: _sections, sources: _sources, timeline: _timeline, ...fields } = story;
  const lists: Extract<DraftPatch, { lists: unknown }>['lists'] = {};
  for (const list of LISTS) {
    if (story[list] === sent[list]) continue;
    const before = new Map<object, number>(sent[list].map((item, index) => [item, index]));
    lists[list] = (story[list] as Story[typeof list][number][]).map((item) => before.get(item) ?? item) as never;
  }
  return { fields, lists };
}

/** The draft a patch describes, given the draft sent before it. */
export function applyDraftPatch(patch: DraftPatch, sent: Story | undefined): Story {
  if ('whole' in patch) return patch.whole;
  if (!sent) throw new Error('a change to a draft the review worker never received');
  const story = { ...patch.fields, sections: sent.sections, sources: sent.sources, timeline: sent.timeline } as Story;
  for (const list of LISTS) {
    const items = patch.lists[list];
    if (!items) continue;
    const previous = sent[list] as unknown[];
    (story as Record<StoryList, unknown[]>)[list] = items.map((item) => (typeof item === 'number' ? previous[item] : item));
  }
  return story;
}

/** The worker answers each request twice: the review first (the panel waits on it), then the page and the problems. */
export type DeriveAnswer =
  | { seq: number; kind: 'review'; report: CoverageReport }
  | { seq: number; kind: 'page'; previewHtml: string | null; problems: Record<string, string> }
  | { seq: number; kind: 'failed'; message: string };
