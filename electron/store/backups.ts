/**
 * Library backups: consistent online copies made with SQLite's backup API, kept in a folder
 * beside the library under a retention policy, and restored without ever losing the library
 * that was there before (it is backed up, or moved aside when damaged, first).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_BACKUP_POLICY, type BackupPolicy } from '../../shared/backup-policy';
import { LibraryUnusableError, StorydeskError } from '../../shared/errors';
import { inspectLibraryFile } from './library-file';
import { isProcessRunning } from './process-alive';
import { LibraryStore } from './store';


export type { BackupPolicy } from '../../shared/backup-policy';

export interface BackupFile {
  path: string;
  createdAt: Date;
  byteLength: number;
}

const BACKUP_EXTENSION = '.storydesk';
const STAMP = /-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z)(-[a-z-]+)?\.storydesk$/;
/**
 * A backup being written: `<backup>.<pid>.partial`, with SQLite's `-journal`, `-wal` or `-shm`
 * beside it while it is open. Earlier versions wrote `<backup>.partial`, without the pid.
 */
const PARTIAL = /\.storydesk(?:\.(\d+))?\.partial(?:-journal|-wal|-shm)?$/;
/** A partial file without a pid is taken for abandoned once untouched for this long. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/** `/x/library.storydesk` → `/x/library.backups`. */
export function backupFolder(libraryPath: string): string {
  const parsed = path.parse(path.resolve(libraryPath));
  return path.join(parsed.dir, `${parsed.name}.backups`);
}

function stampOf(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

function dateOfStamp(stamp: string): Date {
  const [day, time] = stamp.split('T') as [string, string];
  const [hours, minutes, seconds, millis] = time.replace('Z', '').split('-');
  return new Date(`${day}T${hours}:${minutes}:${seconds}.${millis}Z`);
}

/** The backups of a library, newest first. */
export function listBackups(libraryPath: string): BackupFile[] {
  const folder = backupFolder(libraryPath);
  const prefix = `${path.parse(libraryPath).name}-`;
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return [];
  }
  const backups: BackupFile[] = [];
  for (const name of names) {
    const match = STAMP.exec(name);
    if (!name.startsWith(prefix) || !match?.[1]) continue;
    const file = path.join(folder, name);
    backups.push({ path: file, createdAt: dateOfStamp(match[1]), byteLength: fs.statSync(file).size });
  }
  return backups.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.path.localeCompare(a.path));
}

function dayKey(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function weekKey(date: Date): string {
  // Weeks counted from the Unix epoch (a Thursday): stable and enough to tell weeks apart.
  return String(Math.floor((date.getTime() / 86_400_000 + 3) / 7));
}

/** Which backups the policy lets go. Pure: `backups` may be in any order. */
export function backupsToRemove(backups: readonly BackupFile[], policy: BackupPolicy = DEFAULT_BACKUP_POLICY): BackupFile[] {
  const newestFirst = [...backups].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const keep = new Set<BackupFile>(newestFirst.slice(0, policy.keepLast));
  const keepNewestPer = (key: (date: Date) => string, count: number) => {
    const seen = new Set<string>();
    for (const backup of newestFirst) {
      const period = key(backup.createdAt);
      if (seen.has(period)) continue;
      if (seen.size >= count) break;
      seen.add(period);
      keep.add(backup);
    }
  };
  keepNewestPer(dayKey, policy.keepDaily);
  keepNewestPer(weekKey, policy.keepWeekly);
  return newestFirst.filter((backup) => !keep.has(backup));
}

/**
 * Removes what backups of processes that died mid-way (killed, crashed, power cut) left in the
 * folder: partial copies listBackups never shows, each as large as the library. A partial file
 * is abandoned when the process its name gives is gone. Pids are of this machine only, which is
 * enough: a library in WAL mode cannot be shared between machines.
 */
function removeAbandonedBackups(folder: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const match = PARTIAL.exec(name);
    if (!match) continue;
    const file = path.join(folder, name);
    try {
      const writer = match[1] === undefined ? undefined : Number(match[1]);
      const abandoned = writer === undefined ? Date.now() - fs.statSync(file).mtimeMs > ABANDONED_AFTER_MS : writer !== process.pid && !isProcessRunning(writer);
      if (abandoned) fs.rmSync(file, { force: true });
    } catch {
      // Clearing leftovers is housekeeping: a file that cannot be removed now is tried again by
      // the next backup, and must not stop this one.
    }
  }
}

/**
 * Backs up an open library into its backup folder, checks the copy, and applies the policy.
 * The copy is written under a temporary name and renamed only once it is complete and sound;
 * what killed backups left under such names is removed first.
 */
export async function backupLibrary(
  store: LibraryStore,
  options: { now?: Date; policy?: BackupPolicy; label?: string } = {},
): Promise<{ path: string; byteLength: number; removed: string[] }> {
  const now = options.now ?? new Date();
  const folder = backupFolder(store.path);
  fs.mkdirSync(folder, { recursive: true });
  const label = options.label ? `-${options.label}` : '';
  const finalPath = path.join(folder, `${path.parse(store.path).name}-${stampOf(now)}${label}${BACKUP_EXTENSION}`);
  const partial = `${finalPath}.${process.pid}.partial`;
  removeAbandonedBackups(folder);
  try {
    await store.backupTo(partial);
    // A backup is one self-contained file: no write-ahead log beside it.
    const copy = new Database(partial, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    inspectLibraryFile(partial, { quickCheck: true });
    fs.renameSync(partial, finalPath);
  } catch (error) {
    for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(`${partial}${suffix}`, { force: true });
    if (error instanceof StorydeskError) throw error;
    throw new LibraryUnusableError(`the backup could not be written to ${folder}: ${(error as Error).message}`, { path: folder });
  }
  const removed = backupsToRemove(listBackups(store.path).filter((backup) => !backup.path.includes('-before-restore')), options.policy);
  for (const backup of removed) fs.rmSync(backup.path, { force: true });
  return { path: finalPath, byteLength: fs.statSync(finalPath).size, removed: removed.map((backup) => backup.path) };
}

/**
 * Replaces the library at `libraryPath` with the backup at `backupPath`. The library that was
 * there is kept first: backed up when it can be opened, moved aside when it is damaged.
 * Returns where that previous library now is.
 */
export async function restoreBackup(libraryPath: string, backupPath: string, now = new Date()): Promise<{ previous?: string }> {
  const library = path.resolve(libraryPath);
  const backup = path.resolve(backupPath);
  const state = inspectLibraryFile(backup, { quickCheck: true });
  if (state.kind !== 'library') {
    const why = state.kind === 'missing' ? 'there is no such file' : 'the file is empty';
    throw new LibraryUnusableError(`${backup} cannot be restored: ${why}. The library was not changed.`, { path: backup, reason: state.kind });
  }

  let previous: string | undefined;
  let current: LibraryStore | undefined;
  try {
    current = LibraryStore.open(library, { quickCheck: true });
  } catch (error) {
    if (!(error instanceof LibraryUnusableError)) throw error;
  }

  if (current) {
    try {
      previous = (await backupLibrary(current, { now, label: 'before-restore', policy: { keepLast: Infinity, keepDaily: 0, keepWeekly: 0 } })).path;
      // The backup API copies page by page into the live file under SQLite's locks, so a
      // Storydesk window that has the library open sees the restored content, not a torn file.
      const source = new Database(backup, { readonly: true, fileMustExist: true });
      try {
        current.close();
        await source.backup(library);
      } finally {
        source.close();
      }
    } finally {
      current.close();
    }
  } else {
    if (fs.existsSync(library)) {
      previous = `${library}.damaged-${stampOf(now)}`;
      for (const suffix of ['', '-wal', '-shm']) {
        if (fs.existsSync(library + suffix)) fs.renameSync(library + suffix, previous + suffix);
      }
    }
    const partial = `${library}.restoring`;
    fs.copyFileSync(backup, partial);
    fs.renameSync(partial, library);
  }
  // Opening migrates a backup from an earlier version and proves the result is a sound library.
  LibraryStore.open(library, { quickCheck: true }).close();
  return previous === undefined ? {} : { previous };
}
