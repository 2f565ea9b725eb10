/**
 * Decides whether a file may be opened as a Storydesk library before anything writes to it:
 * reads the SQLite header with plain file I/O, then checks schema and integrity through a
 * read-only connection. A file that fails is refused with a reason and left untouched.
 */
import fs from 'node:fs';
import path, { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { LibraryUnusableError } from '../../shared/errors';
import { APPLICATION_ID, LATEST_VERSION } from './migrations/index';

const SQLITE_MAGIC = 'SQLite format 3\u0000';

// better-sqlite3 reads `file:` URIs only when this is set before its first connection opens
// (its addon reads it once, when it loads). openReadOnly needs one for `immutable=1`. Nothing
// else is affected: Storydesk passes absolute paths, never names that begin with `file:`.
process.env.SQLITE_USE_URI ??= '1';

/**
 * Files up to this size get a full `PRAGMA quick_check` before they are opened (it reads every
 * page: about 8 ms per MiB on a small machine, so larger libraries open without it).
 */
export const QUICK_CHECK_LIMIT_BYTES = 8 * 1024 * 1024;

export type LibraryFileState =
  | { kind: 'missing' }
  | { kind: 'empty' }
  | { kind: 'library'; version: number; byteLength: number };

export interface SqliteHeader {
  pageSize: number;
  pageCount: number;
  pageCountValid: boolean;
  userVersion: number;
  applicationId: number;
}

export function readSqliteHeader(bytes: Uint8Array): SqliteHeader | undefined {
  if (bytes.length < 100) return undefined;
  if (String.fromCharCode(...bytes.subarray(0, 16)) !== SQLITE_MAGIC) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rawPageSize = view.getUint16(16);
  return {
    pageSize: rawPageSize === 1 ? 65536 : rawPageSize,
    pageCount: view.getUint32(28),
    // The page count is trustworthy only when written by a version that maintains it.
    pageCountValid: view.getUint32(24) === view.getUint32(92),
    userVersion: view.getUint32(60),
    applicationId: view.getUint32(68),
  };
}

function readHead(path: string): { head: Uint8Array; byteLength: number } {
  const descriptor = fs.openSync(path, 'r');
  try {
    const byteLength = fs.fstatSync(descriptor).size;
    const head = new Uint8Array(100);
    const read = fs.readSync(descriptor, head, 0, 100, 0);
    return { head: head.subarray(0, read), byteLength };
  } finally {
    fs.closeSync(descriptor);
  }
}

function refuse(path: string, why: string, details: Record<string, unknown> = {}): never {
  throw new LibraryUnusableError(`${path} cannot be opened as a Storydesk library: ${why}. The file was not changed.`, {
    path,
    ...details,
  });
}

/** Checks a file without opening it for writing. Throws LibraryUnusableError with the reason. */
export function inspectLibraryFile(path: string, options: { quickCheck?: boolean } = {}): LibraryFileState {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    refuse(path, `it cannot be read (${(error as Error).message})`);
  }
  if (stat.isDirectory()) refuse(path, 'it is a folder, not a file');
  if (stat.size === 0) return { kind: 'empty' };

  let head: Uint8Array;
  try {
    head = readHead(path).head;
  } catch (error) {
    refuse(path, `it cannot be read (${(error as Error).message})`);
  }
  const header = readSqliteHeader(head);
  if (!header) refuse(path, 'it is not a Storydesk library (not an SQLite database)', { reason: 'not-a-library' });
  if (header.applicationId !== APPLICATION_ID) {
    refuse(path, 'it is an SQLite database, but not a Storydesk library', { reason: 'not-a-library' });
  }
  if (header.userVersion > LATEST_VERSION) {
    refuse(
      path,
      `it was written by a newer version of Storydesk (library format ${header.userVersion}; this version reads formats up to ${LATEST_VERSION}). Update Storydesk to open it`,
      { reason: 'newer-version', version: header.userVersion, supported: LATEST_VERSION },
    );
  }
  // A WAL beside the file may hold the pages past its end: a checkpoint stopped by a full disk
  // writes the header of the grown library before the file could grow. SQLite reads those pages
  // from the WAL (checkStructure below reads them the same way), so the file is short only if
  // its WAL is too short to hold them.
  const missingPages = header.pageCount - Math.floor(stat.size / header.pageSize);
  if (header.pageCountValid && missingPages > 0 && walByteLength(path) < WAL_HEADER_BYTES + missingPages * (WAL_FRAME_HEADER_BYTES + header.pageSize)) {
    refuse(path, `it is damaged: the file is shorter than its own header says (${stat.size} of ${header.pageSize * header.pageCount} bytes)`, {
      reason: 'damaged',
    });
  }
  checkStructure(path, options.quickCheck ?? stat.size <= QUICK_CHECK_LIMIT_BYTES);
  return { kind: 'library', version: header.userVersion, byteLength: stat.size };
}

/**
 * What of the library this process may not write — the file, or the folder it is in (where
 * SQLite keeps the -wal and -shm files beside it) — in words; undefined when it may write both.
 */
export function cannotWrite(file: string): string | undefined {
  const may = (target: string) => {
    try {
      fs.accessSync(target, fs.constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  const folder = path.dirname(file);
  if (!may(folder)) return `its folder ${folder}`;
  if (!may(file)) return 'the file';
  return undefined;
}

/**
 * A read-only connection to the library at `file` that leaves no file behind it can't remove.
 *
 * A library in WAL mode is read through its -shm file, which a reader creates beside the library
 * when it is missing (SQLite removes it on a clean close). That is harmless where Storydesk may
 * write; elsewhere it fails (a read-only folder), or leaves a -shm file that keeps the library
 * read-only after its permissions are mended (SQLite gives it the library's permissions). So a
 * library this process may not write is opened `immutable`: no -shm, no locks, no WAL. That
 * reads it exactly only when its WAL is empty, as after a clean close; a WAL with content (an
 * app that stopped, a checkpoint stopped by a full disk) is read through the files beside it,
 * which must exist then, since nothing can create them.
 */
export function openReadOnly(file: string): Database.Database {
  if (cannotWrite(file) === undefined || walByteLength(file) > 0) return new Database(file, { readonly: true, fileMustExist: true });
  return new Database(`${pathToFileURL(file).href}?immutable=1`, { readonly: true });
}

/** A WAL file begins with a header of 32 bytes; each page in it follows a frame header of 24. */
const WAL_HEADER_BYTES = 32;
const WAL_FRAME_HEADER_BYTES = 24;

/** The size of the library's write-ahead log; 0 when there is none. */
function walByteLength(path: string): number {
  try {
    return fs.statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}

/**
 * Opens the file read-only and checks that SQLite can read its schema and, when asked, every
 * page of it. A read-only connection never writes the file (for a library in WAL mode SQLite
 * may create its empty -wal and -shm companions, as any reader does).
 */
function checkStructure(path: string, quickCheck: boolean): void {
  let db: Database.Database | undefined;
  try {
    db = openReadOnly(path);
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    if (quickCheck) {
      const problems = db.pragma('quick_check(5)', { simple: false }) as { quick_check: string }[];
      const messages = problems.map((row) => row.quick_check).filter((message) => message !== 'ok');
      if (messages.length > 0) throw new Error(messages.join('; '));
    }
  } catch (error) {
    if (error instanceof LibraryUnusableError) throw error;
    const denied = isCorruptionError(error) ? undefined : cannotWrite(path);
    if (denied !== undefined) {
      // Only a WAL with content is read through files beside the library (see openReadOnly).
      const why =
        walByteLength(path) > 0
          ? `it holds changes not yet written into it (in ${basename(path)}-wal), which SQLite can read only with the ${basename(path)}-shm file beside it`
          : 'it cannot be read';
      refuse(path, `${why} (SQLite reports: ${(error as Error).message}), and Storydesk may not write ${denied}. Make them writable for you and open it again`, {
        reason: 'read-only',
      });
    }
    refuse(path, `it is damaged (SQLite reports: ${(error as Error).message}). Restore it from a backup (storydesk restore-backup)`, {
      reason: 'damaged',
    });
  } finally {
    db?.close();
  }
}

/** True for SQLite errors that mean the file itself is damaged or not a database. */
export function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}
