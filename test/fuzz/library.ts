/**
 * Libraries for the fuzz tests and the long fuzz run: a library in its own temporary folder, and
 * two ways to tell that a refused request wrote nothing — the count of rows its connection has
 * changed (cheap enough for every case), and a hash of everything the library holds (its tables,
 * its backups) for a stricter comparison. Free of vitest, so that `tsx test/fuzz/long-run.ts` can
 * use it too.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLibraryService } from '../../electron/library';
import { tickingClock } from '../helpers/clock';

export type FuzzLibrary = ReturnType<typeof openFuzzLibrary>;

/** Folders of libraries not closed yet: a run that stops at a failure still removes them as it exits. */
const openFolders = new Set<string>();
process.once('exit', () => {
  for (const folder of openFolders) fs.rmSync(folder, { recursive: true, force: true });
});

/** A new library holding the sample story, in a folder of its own that `close` removes. */
export function openFuzzLibrary(options: { withSample?: boolean } = {}) {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'storydesk-fuzz-'));
  openFolders.add(folder);
  let next = 0;
  const { store, service } = openLibraryService(path.join(folder, 'library.storydesk'), {
    author: 'Fuzz Tester',
    now: tickingClock(),
    newId: () => `fuzz-${++next}`,
    withSample: options.withSample ?? true,
  });
  return {
    folder,
    store,
    service,
    close() {
      store.close();
      fs.rmSync(folder, { recursive: true, force: true });
      openFolders.delete(folder);
    },
  };
}

/**
 * Rows inserted, changed or deleted through the store's connection since it was opened. The
 * store is the only writer of its file, so an unchanged count means nothing was written — not
 * even a change rolled back afterwards, which SQLite counts too.
 */
export function writesSoFar(library: FuzzLibrary): number {
  return library.store.db.prepare('SELECT total_changes()').pluck().get() as number;
}

/** The tables that hold what an editor has; the search index is derived from them and left out. */
const CONTENT_QUERIES = [
  'SELECT key, value FROM library_meta ORDER BY key',
  'SELECT * FROM stories ORDER BY id',
  'SELECT story_id, revision, saved_at, author, summary, override_reason, content FROM revisions ORDER BY story_id, revision',
  'SELECT sha256, media_type, width, height, byte_length, created_at, data FROM assets ORDER BY sha256',
];

/**
 * A hash of everything the library holds: every row of its content tables, and the name and size
 * of every other file in its folder (backups). Equal before and after a request: nothing changed.
 */
export function libraryFingerprint(library: FuzzLibrary): string {
  const hash = createHash('sha256');
  for (const sql of CONTENT_QUERIES) {
    hash.update(`\n${sql}\n`);
    for (const row of library.store.db.prepare(sql).raw(true).iterate() as Iterable<unknown[]>) {
      for (const value of row) {
        if (value instanceof Uint8Array) hash.update(value);
        else hash.update(JSON.stringify(value) ?? 'undefined');
        hash.update('\u0000');
      }
      hash.update('\n');
    }
  }
  const libraryFile = path.basename(library.store.path);
  for (const file of filesUnder(library.folder)) {
    if (file === libraryFile || file === `${libraryFile}-wal` || file === `${libraryFile}-shm`) continue;
    hash.update(`${file}\u0000${fs.statSync(path.join(library.folder, file)).size}\n`);
  }
  return hash.digest('hex');
}

/** Every file below `folder`, as paths relative to it, sorted. */
function filesUnder(folder: string): string[] {
  return (fs.readdirSync(folder, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}
