/**
 * The library's upkeep while the app runs: automatic online backups and the thinning of old
 * revisions. A backup is taken when the library has changed since the newest backup and that
 * backup is older than the interval, so an editor who works all day gets one every half hour
 * and an idle library none; old backups go by the retention policy (backups.ts).
 */
import Database from 'better-sqlite3';
import { AUTOMATIC_BACKUP_INTERVAL_MS, type BackupPolicy } from '../../shared/backup-policy';
import { backupLibrary, listBackups } from './backups';
import { DEFAULT_HISTORY_POLICY, type HistoryPolicy } from '../../shared/revision-history';
import { pruneRevisionHistory, type PruneResult } from './revision-history';
import { translateError, type LibraryStore } from './store';

export interface MaintenanceOptions {
  now?: () => Date;
  /** The longest a change waits for a backup. Default 30 minutes. */
  backupEveryMs?: number;
  /** How often the library is looked at. Default one minute. */
  checkEveryMs?: number;
  /** How often old revisions are thinned. Default one hour (and once soon after opening). */
  pruneEveryMs?: number;
  backupPolicy?: BackupPolicy;
  historyPolicy?: HistoryPolicy;
  /** Where failures are reported; maintenance never throws into the app. */
  log?: (message: string) => void;
}

export interface MaintenanceRun {
  /** The backup written, when one was due. */
  backup?: { path: string; byteLength: number; removed: string[] };
  /** The revisions thinned, when thinning was due. */
  pruned?: PruneResult;
  /** What went wrong; the next run tries again. */
  failures: string[];
}

export interface Maintenance {
  /** Does whatever is due now (what the timer calls); one run at a time. */
  runDue(): Promise<MaintenanceRun>;
  /**
   * Stops the timer. The promise settles when a run in progress has ended; closing the library
   * without waiting for it is safe too: a backup cut short leaves no file behind.
   */
  stop(): Promise<void>;
}

const MINUTE_MS = 60_000;

/**
 * A summary of the library's content that changes whenever its content does: every save,
 * import, restore and status change adds a revision, and trash, purge, images and settings
 * show in the counts and the settings' text. Read in one statement, so it is consistent.
 */
export function contentMarker(db: Database.Database): string {
  const row = db
    .prepare(
      `SELECT (SELECT coalesce(max(id), 0) FROM revisions) AS lastRevision,
              (SELECT count(*) FROM revisions) AS revisions,
              (SELECT count(*) FROM stories) AS stories,
              (SELECT count(*) FROM stories WHERE trashed_at IS NOT NULL) AS trashed,
              (SELECT count(*) FROM assets) AS assets,
              (SELECT coalesce(group_concat(key || '=' || value, ';'), '') FROM (SELECT key, value FROM library_meta ORDER BY key)) AS settings`,
    )
    .get();
  return JSON.stringify(row);
}

/** The marker of a backup file, or undefined when it cannot be read. */
function markerOfFile(file: string): string | undefined {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return contentMarker(db);
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

export function startMaintenance(store: LibraryStore, options: MaintenanceOptions = {}): Maintenance {
  const now = options.now ?? (() => new Date());
  const backupEveryMs = options.backupEveryMs ?? AUTOMATIC_BACKUP_INTERVAL_MS;
  const pruneEveryMs = options.pruneEveryMs ?? 60 * MINUTE_MS;
  const historyPolicy = options.historyPolicy ?? DEFAULT_HISTORY_POLICY;
  const log = options.log ?? ((message: string) => console.error(message));

  // What the newest backup holds, read once from the file; then kept as backups are made.
  let backedUp: { at: number; marker: string | undefined } | undefined;
  let lastPruneAt: number | undefined;
  let running: Promise<MaintenanceRun> | undefined;
  let stopped = false;

  function newestBackup(): { at: number; marker: string | undefined } | undefined {
    const newest = listBackups(store.path).find((backup) => !backup.path.includes('-before-restore'));
    return newest && { at: newest.createdAt.getTime(), marker: markerOfFile(newest.path) };
  }

  async function run(): Promise<MaintenanceRun> {
    const result: MaintenanceRun = { failures: [] };
    const time = now();
    if (lastPruneAt === undefined || time.getTime() - lastPruneAt >= pruneEveryMs) {
      lastPruneAt = time.getTime();
      try {
        result.pruned = pruneRevisionHistory(store.db, time, historyPolicy);
      } catch (error) {
        result.failures.push(`thinning old revisions failed: ${translateError(error, store.path).message}`);
      }
    }
    try {
      backedUp ??= newestBackup() ?? { at: -Infinity, marker: undefined };
      const marker = contentMarker(store.db);
      if (marker !== backedUp.marker && time.getTime() - backedUp.at >= backupEveryMs) {
        result.backup = await backupLibrary(store, { now: time, ...(options.backupPolicy ? { policy: options.backupPolicy } : {}) });
        // The backup may hold saves made while it was taken; the next run then backs up again.
        backedUp = { at: time.getTime(), marker };
      }
    } catch (error) {
      result.failures.push(`the automatic backup failed: ${translateError(error, store.path).message}`);
    }
    // A backup cut short because the library was closed is discarded quietly (backups.ts).
    if (!stopped) for (const failure of result.failures) log(`storydesk: ${failure}`);
    return result;
  }

  function runDue(): Promise<MaintenanceRun> {
    if (stopped) return Promise.resolve({ failures: [] });
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  }

  const timer = setInterval(() => void runDue(), options.checkEveryMs ?? MINUTE_MS);
  timer.unref?.();

  return {
    runDue,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
