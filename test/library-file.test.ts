/**
 * Opening library files: what is refused (not a library, damaged, from a newer version) is left
 * byte for byte as it was; migrations bring every earlier format up to date in one transaction.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LibraryUnusableError } from '../shared/errors';
import { openLibrary, openLibraryService } from '../electron/library';
import { APPLICATION_ID, LATEST_VERSION, MIGRATIONS, migrate } from '../electron/store/migrations/index';
import { LibraryStore } from '../electron/store/store';
import { freshFolder, freshLibraryPath, sampleStory } from './helpers/library';

/** Expects opening `file` to be refused with a message matching `reason`, and the file untouched. */
function expectRefusedUntouched(file: string, reason: RegExp): LibraryUnusableError {
  const before = fs.readFileSync(file);
  let refusal: unknown;
  try {
    openLibrary(file).close();
  } catch (error) {
    refusal = error;
  }
  expect(refusal).toBeInstanceOf(LibraryUnusableError);
  expect((refusal as Error).message).toMatch(reason);
  expect((refusal as Error).message).toContain(file);
  expect((refusal as Error).message).toContain('The file was not changed');
  expect(fs.readFileSync(file).equals(before)).toBe(true);
  return refusal as LibraryUnusableError;
}

/** A closed library with the sample, as one self-contained file (no write-ahead log). */
function closedLibrary(): string {
  const file = freshLibraryPath();
  openLibrary(file).close();
  const db = new Database(file);
  db.pragma('journal_mode = DELETE');
  db.close();
  return file;
}

describe('files that are not libraries', () => {
  it('refuses a text file', () => {
    const file = path.join(freshFolder(), 'notes.storydesk');
    fs.writeFileSync(file, 'Meeting notes: call the Warsaw bureau.\n');
    const refusal = expectRefusedUntouched(file, /not a Storydesk library \(not an SQLite database\)/);
    expect(refusal.details).toMatchObject({ reason: 'not-a-library' });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['notes.storydesk']);
  });

  it('refuses another program’s SQLite database without opening it', () => {
    const file = path.join(freshFolder(), 'photos.db');
    const other = new Database(file);
    other.exec("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos (name) VALUES ('warsaw.jpg')");
    other.close();
    expectRefusedUntouched(file, /is an SQLite database, but not a Storydesk library/);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['photos.db']);
  });

  it('refuses a folder', () => {
    const folder = freshFolder();
    expect(() => openLibrary(folder)).toThrow(/is a folder, not a file/);
  });

  it('treats an empty file as a new library', () => {
    const file = path.join(freshFolder(), 'new.storydesk');
    fs.writeFileSync(file, '');
    const store = openLibrary(file);
    expect(store.listStories()).toHaveLength(1);
    store.close();
  });
});

describe('damaged libraries', () => {
  it('refuses a library whose pages were overwritten, and leaves it as it was', () => {
    const file = closedLibrary();
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    // Scribble over the second and third pages (the start of the schema's tables).
    for (let offset = pageSize; offset < pageSize * 3; offset += 1) bytes[offset] = (offset * 7919) % 251;
    fs.writeFileSync(file, bytes);
    const refusal = expectRefusedUntouched(file, /is damaged \(SQLite reports: .+\)\. Restore it from a backup/);
    expect(refusal.details).toMatchObject({ reason: 'damaged' });
  });

  it('refuses a truncated library', () => {
    const file = closedLibrary();
    const size = fs.statSync(file).size;
    fs.truncateSync(file, Math.floor(size / 2));
    expectRefusedUntouched(file, /is damaged: the file is shorter than its own header says/);
  });

  it('refuses a library whose header was damaged', () => {
    const file = closedLibrary();
    const bytes = fs.readFileSync(file);
    bytes.write('SQLite format 2', 0, 'latin1');
    fs.writeFileSync(file, bytes);
    expectRefusedUntouched(file, /not an SQLite database/);
  });
});

describe('which library this is', () => {
  it('has a lasting id of its own, kept in the file, and a name from its file', async () => {
    const file = freshLibraryPath();
    const first = openLibraryService(file);
    const info = await first.service.getLibraryInfo({});
    expect(info).toMatchObject({ path: first.store.path, name: 'library' });
    expect(info.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await first.service.getLibraryInfo({})).id).toBe(info.id);
    first.store.close();

    const again = openLibraryService(file);
    expect((await again.service.getLibraryInfo({})).id).toBe(info.id);
    again.store.close();

    const other = openLibraryService(freshLibraryPath());
    expect((await other.service.getLibraryInfo({})).id).not.toBe(info.id);
    other.store.close();
  });
});

describe('verifying a library', () => {
  it('finds no damage in a sound library, search index included', async () => {
    const { store, service } = openLibraryService(freshLibraryPath());
    await service.createStory({ title: 'Checked story' });
    expect(await service.verifyLibrary({})).toEqual({ path: store.path, problems: [] });
    store.close();
  });

  it('finds damage in pages that opening without the full check never reads', async () => {
    const file = closedLibrary();
    const probe = new Database(file, { readonly: true });
    const page = probe.prepare("SELECT pageno FROM dbstat WHERE name = 'revisions' AND pagetype = 'leaf' LIMIT 1").pluck().get() as number;
    const pageSize = probe.pragma('page_size', { simple: true }) as number;
    probe.close();
    const bytes = fs.readFileSync(file);
    bytes.fill(0xa5, (page - 1) * pageSize + 8, page * pageSize);
    fs.writeFileSync(file, bytes);

    const { store, service } = openLibraryService(file, { quickCheck: false });
    const { problems } = await service.verifyLibrary({});
    expect(problems.length).toBeGreaterThan(0);
    store.db.close();
  });
});

describe('versions', () => {
  it('refuses a library written by a newer Storydesk, naming both versions', () => {
    const file = closedLibrary();
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    const refusal = expectRefusedUntouched(file, new RegExp(`newer version of Storydesk \\(library format ${LATEST_VERSION + 1}; this version reads formats up to ${LATEST_VERSION}\\)`));
    expect(refusal.details).toMatchObject({ reason: 'newer-version', version: LATEST_VERSION + 1, supported: LATEST_VERSION });
  });

  it('numbers the migrations 1, 2, … without gaps', () => {
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual(MIGRATIONS.map((_, index) => index + 1));
  });

  it('creates a new library at the latest version, marked as a Storydesk library', () => {
    const store = openLibrary(freshLibraryPath());
    expect(store.formatVersion).toBe(LATEST_VERSION);
    expect(store.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(store.checkIntegrity()).toEqual([]);
    store.close();
  });

  for (let version = 1; version < LATEST_VERSION; version += 1) {
    it(`upgrades a library of format ${version} with its stories intact`, () => {
      const file = freshLibraryPath();
      const old = new Database(file);
      migrate(old, version);
      const story = { ...sampleStory(), revision: 1 };
      old
        .prepare(
          `INSERT INTO stories (id, revision, slug, title, feed, status, source_count, created_at, updated_at)
           VALUES (?, 1, ?, ?, ?, 'draft', 6, ?, ?)`,
        )
        .run(story.id, story.slug, story.title, story.feed, story.createdAt, story.updatedAt);
      old
        .prepare("INSERT INTO revisions (story_id, revision, saved_at, author, summary, content) VALUES (?, 1, ?, 'old app', 'Saved', ?)")
        .run(story.id, story.updatedAt, JSON.stringify(story));
      expect(old.pragma('user_version', { simple: true })).toBe(version);
      old.close();

      const store = openLibrary(file);
      expect(store.formatVersion).toBe(LATEST_VERSION);
      expect(store.getStory(story.id)).toEqual(story);
      expect(store.searchStories('Kupiecki').map((hit) => hit.story.id)).toEqual([story.id]);
      expect(store.listRevisions(story.id)[0]).toMatchObject({ author: 'old app' });
      store.close();
    });
  }

  it('applies migrations in one transaction: a failing step leaves the library at its old version', () => {
    const file = freshLibraryPath();
    const db = new Database(file);
    migrate(db, 1);
    // A table in the way makes migration 2 fail halfway.
    db.exec('CREATE TABLE story_search (x)');
    expect(() => migrate(db)).toThrow(/already exists/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });
});

describe('the library file in use', () => {
  it('keeps working when two stores share one file (two windows)', () => {
    const file = freshLibraryPath();
    const first = openLibrary(file);
    const second = LibraryStore.open(file);
    const story = first.getStory('sample-korea-poland-security-dialogue');
    first.saveStory({ ...story, title: 'Changed in the first window', revision: 2 }, 1, { author: 'a', summary: 'edit' });
    expect(second.getStory(story.id).title).toBe('Changed in the first window');
    expect(() => second.saveStory({ ...story, revision: 2 }, 1, { author: 'b', summary: 'edit' })).toThrow(/based on revision 1, but the library holds revision 2/);
    first.close();
    second.close();
  });
});
