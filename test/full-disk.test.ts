// A library that runs out of room: held to its page limit (`PRAGMA max_page_count`) and on a
// small tmpfs filled to the brim, so that SQLite meets ENOSPC for real. A save that does not
// fit fails with reason 'disk-full' and a message that says so; it leaves the story exactly as
// it was; the search index and the WAL checkpoint, which cannot run either, break neither later
// saves nor closing nor reopening; and once there is room again the same save lands. Exports
// into a full disk fail the same clean way and leave no partial file.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../shared/api';
import { LibraryUnusableError } from '../shared/errors';
import type { Story } from '../shared/model';
import { main } from '../electron/cli';
import { openLibraryService } from '../electron/library';
import { readSqliteHeader } from '../electron/store/library-file';
import type { LibraryStore } from '../electron/store/store';
import { freshFolder, sampleStory } from './helpers/library';

const SAMPLE_ID = sampleStory().id;

// ---------------------------------------------------------------------------------------------
// A small disk: a tmpfs mounted for the test (root only), unmounted after it.

const mounted: string[] = [];

afterEach(() => {
  for (const folder of mounted.splice(0)) execFileSync('umount', [folder]);
});

/** Why a tmpfs cannot be mounted here, or undefined when it can. */
function whyNoTmpfs(): string | undefined {
  if (process.platform !== 'linux') return 'tmpfs is Linux only';
  const probe = freshFolder('storydesk-tmpfs-probe-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe]);
    return undefined;
  } catch (error) {
    return `mounting a tmpfs is not permitted here (${String((error as { stderr?: unknown }).stderr ?? error).trim()})`;
  }
}

const noTmpfs = whyNoTmpfs();
const onTmpfs = (name: string) => (noTmpfs ? `${name} (skipped: ${noTmpfs})` : name);

/** A folder on a fresh tmpfs of `bytes`. */
function smallDisk(bytes: number): string {
  const folder = freshFolder('storydesk-small-disk-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', folder]);
  mounted.push(folder);
  return folder;
}

/** Fills the disk of `folder` with a file, leaving about `room` bytes free; returns the file. */
function fillDisk(folder: string, room = 0): string {
  const filler = path.join(folder, 'filler');
  const descriptor = fs.openSync(filler, 'w');
  const block = Buffer.alloc(64 * 1024, 7);
  try {
    for (;;) fs.writeSync(descriptor, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(descriptor);
  }
  // Small blocks to the very end, so that "full" means full.
  const small = Buffer.alloc(512, 7);
  try {
    for (;;) fs.appendFileSync(filler, small);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  if (room > 0) fs.truncateSync(filler, Math.max(0, fs.statSync(filler).size - room));
  return filler;
}

// ---------------------------------------------------------------------------------------------
// Saving until the library is full.

/** Text of `kilobytes` KiB that differs from save to save. */
const textOf = (kilobytes: number, mark: number) => `Ledgerline${mark}: ${'A full library keeps what it has. '.repeat(Math.ceil((kilobytes * 1024) / 34))}`.slice(0, kilobytes * 1024);

interface Filled {
  /** The story as it was before the save that failed. */
  lastSaved: Story;
  /** The stored JSON of that revision, byte for byte. */
  lastSavedText: string;
  /** The save that failed, to try again. */
  refused: Story;
  error: unknown;
  saves: number;
}

/** Saves the sample story with a dek a little longer each time, until a save fails. */
async function saveUntilFull(store: LibraryStore, service: ApiHandlers, maxSaves = 200): Promise<Filled> {
  for (let saves = 0; saves < maxSaves; saves++) {
    const lastSaved = await service.getStory({ id: SAMPLE_ID });
    const lastSavedText = store.getStoryText(SAMPLE_ID);
    const next = { ...lastSaved, dek: textOf(4 + saves * 2, saves) };
    try {
      await service.saveStory({ story: next, baseRevision: lastSaved.revision });
    } catch (error) {
      return { lastSaved, lastSavedText, refused: next, error, saves };
    }
  }
  throw new Error(`${maxSaves} saves fitted: the library never filled up`);
}

/** The failure a full library must give: a LibraryUnusableError that says what happened and what to do. */
function expectDiskFull(error: unknown, file: string): void {
  expect(error).toBeInstanceOf(LibraryUnusableError);
  expect((error as LibraryUnusableError).details).toEqual({ path: file, reason: 'disk-full' });
  expect((error as Error).message).toBe(`the library ${file} could not be written: the disk is full. Nothing was saved; free some space and try again`);
}

/** Every revision of the sample story, as stored JSON, by number. */
function history(store: LibraryStore): Map<number, string> {
  return new Map(store.listRevisions(SAMPLE_ID).map((revision) => [revision.revision, JSON.stringify(store.getRevision(SAMPLE_ID, revision.revision).story)]));
}

describe('a library held to its page limit', () => {
  it('refuses the save that does not fit as disk-full, changes nothing, and takes the same save once there is room', async () => {
    const file = path.join(freshFolder(), 'desk.storydesk');
    const { store, service } = openLibraryService(file, { author: 'Editor' });
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    store.db.pragma(`max_page_count = ${pages + 24}`);

    const filled = await saveUntilFull(store, service);
    expect(filled.saves).toBeGreaterThan(0);
    expectDiskFull(filled.error, file);
    const before = history(store);
    expect([...before.keys()]).toEqual(Array.from({ length: filled.saves + 1 }, (_, index) => filled.saves + 1 - index));

    // Nothing half-saved: the story is the revision before, byte for byte, and so is its history.
    expect(store.getStoryText(SAMPLE_ID)).toBe(filled.lastSavedText);
    expect(store.getSummary(SAMPLE_ID).revision).toBe(filled.lastSaved.revision);
    expect(history(store)).toEqual(before);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');

    // Trying again while still full fails the same way, and still changes nothing.
    await expect(service.saveStory({ story: filled.refused, baseRevision: filled.lastSaved.revision })).rejects.toThrow(/the disk is full/);
    expect(store.getStoryText(SAMPLE_ID)).toBe(filled.lastSavedText);

    // Room again: the very save that was refused lands, as the next revision, exactly as sent.
    store.db.pragma('max_page_count = 1073741823');
    const saved = await service.saveStory({ story: filled.refused, baseRevision: filled.lastSaved.revision });
    expect(saved.revision).toBe(filled.lastSaved.revision + 1);
    expect(await service.getStory({ id: SAMPLE_ID })).toEqual(saved);
    expect(saved.dek).toBe(filled.refused.dek);
    expect(new Map([...history(store)].filter(([revision]) => revision <= filled.lastSaved.revision))).toEqual(before);
    expect(store.checkIntegrity()).toEqual([]);
    store.close();
  });

  it('keeps searching and closing when the search index cannot catch up for lack of room, and catches up later', async () => {
    const file = path.join(freshFolder(), 'desk.storydesk');
    const { store, service } = openLibraryService(file, { author: 'Editor' });
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    store.db.pragma(`max_page_count = ${pages + 24}`);
    const filled = await saveUntilFull(store, service);
    expectDiskFull(filled.error, file);
    const word = filled.lastSaved.dek?.split(':')[0] ?? '';
    expect(word).toMatch(/^Ledgerline\d+$/);
    // Not a page to spare, even for the index (the limit cannot go below the pages in use).
    store.db.pragma('max_page_count = 1');
    expect(store.db.pragma('freelist_count', { simple: true })).toBe(0);

    // The index cannot catch up now: the idle work swallows that, a search still answers (as far
    // as its index goes), and the library closes.
    expect(() => store.flushSearchIndex()).toThrow(LibraryUnusableError);
    expect(() => store.runIdleWork()).not.toThrow();
    await expect(service.searchStories({ query: 'Korea' })).resolves.toEqual([expect.objectContaining({ story: expect.objectContaining({ id: SAMPLE_ID }) })]);
    expect(() => store.close()).not.toThrow();

    // Opened again, without the limit: the index catches up and finds the last save, and saves land.
    const again = openLibraryService(file, { author: 'Editor' });
    expect(again.store.getStoryText(SAMPLE_ID)).toBe(filled.lastSavedText);
    expect((await again.service.searchStories({ query: word })).map((hit) => hit.story.id)).toEqual([SAMPLE_ID]);
    await expect(again.service.saveStory({ story: filled.refused, baseRevision: filled.lastSaved.revision })).resolves.toMatchObject({ dek: filled.refused.dek });
    expect(again.store.checkIntegrity()).toEqual([]);
    again.store.close();
  });
});

describe('a library on a disk that fills up', () => {
  it.skipIf(noTmpfs)(onTmpfs('refuses the save that does not fit, survives a checkpoint that cannot run, reopens while full, and saves once space returns'), async () => {
    const disk = smallDisk(2 * 1024 * 1024);
    const file = path.join(disk, 'desk.storydesk');
    const { store, service } = openLibraryService(file, { author: 'Editor' });
    // Room for a few saves into the WAL, not for copying them back into the library.
    const filler = fillDisk(disk, 48 * 1024);

    const filled = await saveUntilFull(store, service);
    expect(filled.saves).toBeGreaterThan(0);
    expectDiskFull(filled.error, file);
    expect(store.getStoryText(SAMPLE_ID)).toBe(filled.lastSavedText);
    const before = history(store);
    expect(before.size).toBe(filled.saves + 1);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');

    // Neither the index nor the checkpoint can run; later saves still fail cleanly, and closing works.
    expect(() => store.flushSearchIndex()).toThrow(/the disk is full/);
    expect(() => store.db.pragma('wal_checkpoint(TRUNCATE)')).toThrow(/full/);
    expect(() => store.runIdleWork()).not.toThrow();
    await expect(service.saveStory({ story: filled.refused, baseRevision: filled.lastSaved.revision })).rejects.toThrow(LibraryUnusableError);
    expect(() => store.close()).not.toThrow();

    // Opened afresh on the full disk: the stopped checkpoint left the library's header ahead of
    // its file, with the rest in the WAL, and that is not damage. Everything saved is there.
    const header = readSqliteHeader(fs.readFileSync(file).subarray(0, 100));
    expect((header?.pageSize ?? 0) * (header?.pageCount ?? 0)).toBeGreaterThan(fs.statSync(file).size);
    const full = openLibraryService(file, { author: 'Editor' });
    expect(full.store.getStoryText(SAMPLE_ID)).toBe(filled.lastSavedText);
    expect(history(full.store)).toEqual(before);
    await expect(full.service.saveStory({ story: filled.refused, baseRevision: filled.lastSaved.revision })).rejects.toThrow(/the disk is full/);

    // Space returns: the refused save lands, and the library is whole.
    fs.rmSync(filler);
    const saved = await full.service.saveStory({ story: filled.refused, baseRevision: filled.lastSaved.revision });
    expect(saved).toMatchObject({ revision: filled.lastSaved.revision + 1, dek: filled.refused.dek });
    expect(full.store.checkIntegrity()).toEqual([]);
    full.store.close();
    // A clean close copies the WAL back and removes it.
    expect(fs.readdirSync(disk)).toEqual(['desk.storydesk']);
    const reopened = openLibraryService(file, { author: 'Editor' });
    expect(await reopened.service.getStory({ id: SAMPLE_ID })).toEqual(saved);
    reopened.store.close();
  });

  it.skipIf(noTmpfs)(onTmpfs('refuses to create a library on a full disk, and leaves nothing behind'), () => {
    const disk = smallDisk(256 * 1024);
    fillDisk(disk);
    const file = path.join(disk, 'new.storydesk');
    let error: unknown;
    try {
      openLibraryService(file).store.close();
    } catch (caught) {
      error = caught;
    }
    expectDiskFull(error, file);
    expect(fs.readdirSync(disk)).toEqual(['filler']);
  });
});

// ---------------------------------------------------------------------------------------------
// Exports into a full disk, through the command line.

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function storydesk(argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: { HOME: '/nonexistent' },
    isTerminal: false,
  });
  return { code, stdout, stderr };
}

/** A library with the sample story and a second story, in an ordinary folder. */
async function libraryOfTwo(): Promise<string> {
  const file = path.join(freshFolder(), 'desk.storydesk');
  const { store, service } = openLibraryService(file, { author: 'Editor' });
  const sample = await service.getStory({ id: SAMPLE_ID });
  await service.createStory({ title: 'A second story', feed: 'World', author: 'Editor' });
  await service.saveStory({ story: { ...sample, dek: textOf(64, 1) }, baseRevision: sample.revision });
  store.close();
  return file;
}

describe('an export into a full disk', () => {
  it.skipIf(noTmpfs)(onTmpfs('fails with the destination named, exit 1, no partial file, and the file that was there unchanged'), async () => {
    const library = await libraryOfTwo();
    const disk = smallDisk(256 * 1024);
    const existing = path.join(disk, 'story.html');
    fs.writeFileSync(existing, 'an older export');
    fillDisk(disk);
    const listing = fs.readdirSync(disk).sort();

    const cases: { argv: string[]; destination: string }[] = [
      { argv: ['export', SAMPLE_ID, '--format', 'html', '--out', existing], destination: existing },
      { argv: ['export', '--all', '--format', 'bundle', '--out', path.join(disk, 'library.storybundle')], destination: path.join(disk, 'library.storybundle') },
      { argv: ['export', '--all', '--format', 'site', '--out', path.join(disk, 'site')], destination: path.join(disk, 'site') },
      { argv: ['export', '--all', '--format', 'ninjs', '--out', disk], destination: disk },
    ];
    for (const { argv, destination } of cases) {
      const run = await storydesk([...argv, '--library', library]);
      expect(run.code, argv.join(' ')).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^storydesk: could not write /);
      expect(run.stderr).toContain(destination);
      expect(run.stderr).toMatch(/the disk is full/);
      expect(run.stderr).not.toMatch(/\.partial/);
      expect(fs.readdirSync(disk).sort()).toEqual(listing);
      expect(fs.readFileSync(existing, 'utf8')).toBe('an older export');
    }
  });
});
