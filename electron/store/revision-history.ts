/**
 * Applies the revision history policy (shared/revision-history.ts) to a library, so history
 * does not grow without bound on a story edited all day.
 */
import type Database from 'better-sqlite3';
import { DEFAULT_HISTORY_POLICY, revisionsToPrune, type HistoryPolicy, type RevisionFacts } from '../../shared/revision-history';

export interface PruneResult {
  /** Revisions removed. */
  removed: number;
  /** Bytes of story content they held (the file reuses the space for new revisions). */
  bytesFreed: number;
}

/**
 * Applies the policy to the whole library in one transaction. Only stories with revisions old
 * enough to be thinned are read, and of them only the columns the policy needs.
 */
export function pruneRevisionHistory(db: Database.Database, now: Date, policy: HistoryPolicy = DEFAULT_HISTORY_POLICY): PruneResult {
  const cutoff = new Date(now.getTime() - policy.keepAllForMs).toISOString();
  const prune = db.transaction((): PruneResult => {
    const rows = db
      .prepare(
        `SELECT revisions.story_id AS storyId, revisions.revision AS revision, revisions.saved_at AS savedAt,
                json_extract(revisions.content, '$.status') AS status, revisions.override_reason AS overrideReason,
                stories.revision AS head
         FROM revisions JOIN stories ON stories.id = revisions.story_id
         WHERE revisions.story_id IN (
           SELECT story_id FROM revisions WHERE saved_at < ? GROUP BY story_id HAVING count(*) > 1
         )`,
      )
      .all(cutoff) as RevisionFacts[];
    const doomed = revisionsToPrune(rows, now, policy);
    if (doomed.length === 0) return { removed: 0, bytesFreed: 0 };
    const sizeOf = db.prepare('SELECT length(CAST(content AS BLOB)) FROM revisions WHERE story_id = ? AND revision = ?').pluck();
    const remove = db.prepare('DELETE FROM revisions WHERE story_id = ? AND revision = ?');
    let bytesFreed = 0;
    for (const revision of doomed) {
      bytesFreed += (sizeOf.get(revision.storyId, revision.revision) as number | undefined) ?? 0;
      remove.run(revision.storyId, revision.revision);
    }
    return { removed: doomed.length, bytesFreed };
  });
  return prune.immediate();
}
