/**
 * Story and library bundles (DESIGN §5, docs/formats/README.md) on real library files: export →
 * import → export gives the same bytes, the JSON matches the committed JSON Schemas, conflicts
 * are copied, replaced or skipped, and every bad bundle is refused with the entry and the JSON
 * path of what is wrong, leaving the library exactly as it was.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { deflateSync, strFromU8, strToU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleJson,
  bundleJsonSchemas,
  buildStoryBundle,
  bytesSource,
  checkBundle,
  InvalidBundleError,
  readBundle,
  writeLibraryBundle,
  type RandomAccessSource,
} from '../shared/bundle';
import { InvalidInputError, StorydeskError } from '../shared/errors';
import type { Story } from '../shared/model';
import {
  exportLibraryBundle,
  exportLibraryBundleToFile,
  exportStoryBundle,
  exportStoryBundleToFile,
  importBundle,
  importBundleFile,
  sha256Hex,
  writeFileAtomically,
  type ImportOptions,
  type ImportResult,
} from '../electron/bundles';
import { openLibrary, openLibraryService } from '../electron/library';
import type { LibraryStore } from '../electron/store/store';
import { fileBytes, freshFolder, freshLibraryPath, sampleStory, tickingClock } from './helpers/library';

const SAMPLE_ID = 'sample-korea-poland-security-dialogue';
const SAMPLE_HERO_SHA = sampleStory().hero?.asset.sha256 ?? '';
const SAMPLE_HERO_PATH = `assets/${SAMPLE_HERO_SHA}.png`;
const SCHEMA_FOLDER = path.join(import.meta.dirname, '..', 'docs', 'formats');

function idSequence(): () => string {
  let next = 0;
  return () => `story-${++next}`;
}

/** A new library holding the sample story (with its hero image). */
function sampleLibrary() {
  return openLibraryService(freshLibraryPath(), { author: 'tester', now: tickingClock(), newId: idSequence() });
}

function emptyLibrary(): LibraryStore {
  return openLibrary(freshLibraryPath(), { withSample: false, now: tickingClock() });
}

const importOptions = { author: 'importer', newId: idSequence(), now: tickingClock('2026-11-28T12:00:00.000Z') };

let sampleBundleBytes: Uint8Array | undefined;

/** The sample story as a story bundle, exported from a fresh library (once: it is the same bytes every time). */
function sampleBundle(): Uint8Array {
  if (!sampleBundleBytes) {
    const store = openLibrary(freshLibraryPath());
    sampleBundleBytes = exportStoryBundle(store, SAMPLE_ID);
    store.close();
  }
  return sampleBundleBytes.slice();
}

function withoutRevision(story: Story): Omit<Story, 'revision'> {
  const { revision: _revision, ...rest } = story;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// Zips made by hand, for the bundles Storydesk never writes

interface RawEntry {
  name: string;
  data?: Uint8Array;
  /** The packed bytes, when not simply `data` deflated. */
  packed?: Uint8Array;
  /** The unpacked size the headers claim. */
  size?: number;
  crc?: number;
}

/** A zip of deflated entries, in the order given, duplicates and odd names allowed. */
function rawZip(entries: readonly RawEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = entry.data ?? new Uint8Array();
    const packed = entry.packed ?? deflateSync(data);
    const name = strToU8(entry.name);
    const crc = entry.crc ?? zlib.crc32(data);
    const size = entry.size ?? data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(20, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(8, 10);
    record.writeUInt32LE(crc, 16);
    record.writeUInt32LE(packed.length, 20);
    record.writeUInt32LE(size, 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt32LE(offset, 42);
    parts.push(local, name, packed);
    central.push(record, name);
    offset += 30 + name.length + packed.length;
  }
  const directorySize = central.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directorySize, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, ...central, end]));
}

/** The entries of a bundle, in order, to change and pack again with rawZip. */
function entriesOf(bundle: Uint8Array): RawEntry[] {
  return Object.entries(unzipSync(bundle)).map(([name, data]) => ({ name, data }));
}

function jsonOf(entries: readonly RawEntry[], name: string): Record<string, unknown> {
  const entry = entries.find((candidate) => candidate.name === name);
  if (!entry?.data) throw new Error(`no ${name}`);
  return JSON.parse(strFromU8(entry.data)) as Record<string, unknown>;
}

function withJson(entries: readonly RawEntry[], name: string, change: (document: Record<string, unknown> & { story: Story }) => void): RawEntry[] {
  const document = jsonOf(entries, name) as Record<string, unknown> & { story: Story };
  change(document);
  return entries.map((entry) => (entry.name === name ? { name, data: strToU8(bundleJson(document)) } : entry));
}

/**
 * A deflate stream of `length` zeros, written directly (fixed Huffman codes: a literal 0, then
 * copies of 258 bytes at distance 1): 1 GiB costs 6.5 MB and a few milliseconds, not a gigabyte.
 */
function deflatedZeros(length: number): Uint8Array {
  const copies = Math.floor((length - 1) / 258);
  const out = new Uint8Array(Math.ceil((3 + 8 + copies * 13 + 7 + 7) / 8));
  let bit = 0;
  const write = (value: number, count: number) => {
    for (let index = 0; index < count; index += 1, bit += 1) if ((value >> index) & 1) out[bit >> 3] = (out[bit >> 3] ?? 0) | (1 << (bit & 7));
  };
  /** Huffman codes go most significant bit first. */
  const writeCode = (code: number, count: number) => {
    for (let index = count - 1; index >= 0; index -= 1, bit += 1) if ((code >> index) & 1) out[bit >> 3] = (out[bit >> 3] ?? 0) | (1 << (bit & 7));
  };
  write(1, 1); // the last block
  write(1, 2); // fixed Huffman codes
  writeCode(0x30, 8); // literal 0
  for (let copy = 0; copy < copies; copy += 1) {
    writeCode(0xc5, 8); // length 258 (code 285)
    writeCode(0, 5); // distance 1
  }
  writeCode(0, 7); // end of block
  return out;
}

// ---------------------------------------------------------------------------------------------
// What "nothing written" means

interface LibrarySnapshot {
  stories: unknown;
  revisions: unknown;
  assets: unknown;
  /** SHA-256 of the library file and its WAL (comparing megabytes element by element is slow). */
  files: string[];
}

function snapshot(store: LibraryStore): LibrarySnapshot {
  store.runIdleWork();
  const wal = `${store.path}-wal`;
  return {
    stories: [...store.listStories({ in: 'active' }), ...store.listStories({ in: 'trash' })],
    revisions: store.db.prepare('SELECT story_id, revision, saved_at, author, summary, content FROM revisions ORDER BY story_id, revision').all(),
    assets: store.db.prepare('SELECT sha256, media_type, width, height, byte_length, hex(data) AS data FROM assets ORDER BY sha256').all(),
    files: [store.path, wal].filter((file) => fs.existsSync(file)).map((file) => sha256Hex(fileBytes(file))),
  };
}

/** Where a refusal must point (entry, JSON path) and what it must say. */
interface ExpectedProblem {
  file?: string;
  path?: string;
  message: RegExp;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** How a test hands a bundle to the library: as bytes (importBundle) or as a file (importBundleFile). */
type Importer = (store: LibraryStore, bytes: Uint8Array, options: ImportOptions) => ImportResult;

/** importBundleFile, on `bytes` written to a file first. */
function importAsFile(store: LibraryStore, bytes: Uint8Array, options: ImportOptions): ImportResult {
  const file = path.join(freshFolder(), 'import.storybundle');
  fs.writeFileSync(file, bytes);
  return importBundleFile(store, file, options);
}

/** Imports `bytes`, expects a refusal with a problem like `expected`, and checks that nothing was written. */
function expectRefused(store: LibraryStore, bytes: Uint8Array, expected: ExpectedProblem, importer: Importer = importBundle): InvalidBundleError {
  const before = snapshot(store);
  let refusal: unknown;
  try {
    importer(store, bytes, { onConflict: 'replace', ...importOptions });
  } catch (error) {
    refusal = error;
  }
  expect(refusal).toBeInstanceOf(InvalidBundleError);
  const error = refusal as InvalidBundleError;
  expect(error).toBeInstanceOf(InvalidInputError);
  expect(error.code).toBe('invalid-input');
  const { message, ...where } = expected;
  expect(error.problems).toContainEqual(expect.objectContaining({ ...where, message: expect.stringMatching(message) }));
  expect(error.message).toMatch(message);
  if (expected.file) expect(error.message).toMatch(new RegExp(`${escapeRegex(expected.file)}|${escapeRegex(JSON.stringify(expected.file))}`));
  if (expected.path) expect(error.message).toContain(expected.path);
  expect(snapshot(store)).toEqual(before);
  return error;
}

// ---------------------------------------------------------------------------------------------

describe('a story bundle', () => {
  it('holds story.json, index.html and the hero image, in that order', () => {
    const bundle = sampleBundle();
    expect(Object.keys(unzipSync(bundle))).toEqual(['story.json', 'index.html', SAMPLE_HERO_PATH]);
    const document = jsonOf(entriesOf(bundle), 'story.json');
    expect(document).toMatchObject({ format: 'storydesk-story', formatVersion: 1, story: { id: SAMPLE_ID } });
    expect(document.story).not.toHaveProperty('revision');
    expect(document.assets).toEqual([{ ...sampleStory().hero?.asset, path: SAMPLE_HERO_PATH }]);
    // The hero image is the library's bytes, stored as they are.
    expect(Buffer.from(unzipSync(bundle)[SAMPLE_HERO_PATH] ?? []).equals(fs.readFileSync('shared/sample/sample-hero.png'))).toBe(true);
  });

  it('writes JSON with 2-space indents and a final newline, keeping every character as typed', () => {
    const text = strFromU8(unzipSync(sampleBundle())['story.json'] ?? new Uint8Array());
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "format": "storydesk-story",');
    for (const character of ['\u2011', '\u2019', '\u202f']) expect(text).toContain(character);
  });

  it('is the same bytes however often and from whatever key order it is written', () => {
    const { store } = sampleLibrary();
    const first = exportStoryBundle(store, SAMPLE_ID);
    expect(Buffer.from(exportStoryBundle(store, SAMPLE_ID)).equals(Buffer.from(first))).toBe(true);
    const story = store.getStory(SAMPLE_ID);
    const reversed = Object.fromEntries(Object.entries(story).reverse()) as Story;
    const assets = new Map([[SAMPLE_HERO_SHA, store.getAsset(SAMPLE_HERO_SHA)]]);
    expect(Buffer.from(buildStoryBundle({ ...reversed, revision: 42 }, assets)).equals(Buffer.from(first))).toBe(true);
    store.close();
  });

  it('survives export → import into a new library → export byte for byte', () => {
    const original = sampleBundle();
    const store = emptyLibrary();
    const result = importBundle(store, original, { onConflict: 'skip', ...importOptions });
    expect(result).toEqual({ imported: [{ id: SAMPLE_ID, title: sampleStory().title, as: 'new' }], skipped: [] });
    expect(store.listRevisions(SAMPLE_ID)).toEqual([expect.objectContaining({ revision: 1, author: 'importer', summary: 'Imported from a bundle' })]);
    expect(withoutRevision(store.getStory(SAMPLE_ID))).toEqual(withoutRevision(sampleStory()));
    expect(store.getAsset(SAMPLE_HERO_SHA).asset).toEqual(sampleStory().hero?.asset);
    expect(Buffer.from(exportStoryBundle(store, SAMPLE_ID)).equals(Buffer.from(original))).toBe(true);
    // The imported story is searchable like any other.
    expect(store.searchStories('Kupiecki').map((hit) => hit.story.id)).toEqual([SAMPLE_ID]);
    store.close();
  });

  it('keeps the status and dates of the bundle', async () => {
    const { store, service } = sampleLibrary();
    await service.setStoryStatus({ id: SAMPLE_ID, status: 'review', baseRevision: 1 });
    const exported = exportStoryBundle(store, SAMPLE_ID);
    const before = store.getStory(SAMPLE_ID);
    const target = emptyLibrary();
    importBundle(target, exported, { onConflict: 'skip', ...importOptions });
    expect(target.getStory(SAMPLE_ID)).toMatchObject({ status: 'review', createdAt: before.createdAt, updatedAt: before.updatedAt });
    expect(Buffer.from(exportStoryBundle(target, SAMPLE_ID)).equals(Buffer.from(exported))).toBe(true);
    store.close();
    target.close();
  });
});

describe('a library bundle', () => {
  async function libraryOfSeveral() {
    const library = sampleLibrary();
    const { service } = library;
    await service.duplicateStory({ id: SAMPLE_ID });
    await service.duplicateStory({ id: SAMPLE_ID });
    await service.createStory({ title: 'No picture yet', feed: 'Desk' });
    const trashed = await service.createStory({ title: 'Thrown away' });
    await service.trashStory({ id: trashed.id });
    return { ...library, trashedId: trashed.id };
  }

  it('holds every story once, each image once, and leaves out the trash', async () => {
    const { store, trashedId } = await libraryOfSeveral();
    const bundle = exportLibraryBundle(store, 'all');
    const ids = ['sample-korea-poland-security-dialogue', 'story-1', 'story-2', 'story-3'].sort();
    expect(Object.keys(unzipSync(bundle))).toEqual([
      'library.json',
      ...ids.flatMap((id) => [`stories/${id}/story.json`, `stories/${id}/index.html`]),
      SAMPLE_HERO_PATH,
    ]);
    expect(jsonOf(entriesOf(bundle), 'library.json')).toEqual({
      format: 'storydesk-library',
      formatVersion: 1,
      stories: ids.map((id) => ({ id, path: `stories/${id}/story.json` })),
    });
    expect(ids).not.toContain(trashedId);
    store.close();
  });

  it('does not depend on the order the stories are asked for', async () => {
    const { store } = await libraryOfSeveral();
    const forward = exportLibraryBundle(store, [SAMPLE_ID, 'story-1', 'story-3']);
    const backward = exportLibraryBundle(store, ['story-3', 'story-1', SAMPLE_ID, 'story-1']);
    expect(Buffer.from(backward).equals(Buffer.from(forward))).toBe(true);
    store.close();
  });

  it('survives export → import into a new library → export byte for byte', async () => {
    const { store } = await libraryOfSeveral();
    const original = exportLibraryBundle(store, 'all');
    const target = emptyLibrary();
    const result = importBundle(target, original, { onConflict: 'skip', ...importOptions });
    expect(result.imported.map((story) => story.as)).toEqual(['new', 'new', 'new', 'new']);
    expect(target.db.prepare('SELECT count(*) AS n FROM assets').get()).toEqual({ n: 1 });
    expect(Buffer.from(exportLibraryBundle(target, 'all')).equals(Buffer.from(original))).toBe(true);
    for (const { id } of result.imported) expect(withoutRevision(target.getStory(id))).toEqual(withoutRevision(store.getStory(id)));
    store.close();
    target.close();
  });

  it('is read back as the stories and the one shared image', async () => {
    const { store } = await libraryOfSeveral();
    const read = readBundle(exportLibraryBundle(store, 'all'), { sha256: sha256Hex });
    expect(read.kind).toBe('library');
    expect(read.stories.map((story) => story.id)).toEqual(['sample-korea-poland-security-dialogue', 'story-1', 'story-2', 'story-3']);
    expect([...read.assets.keys()]).toEqual([SAMPLE_HERO_SHA]);
    store.close();
  });
});

describe('the JSON Schemas in docs/formats', () => {
  const generated = bundleJsonSchemas();

  it('are the ones generated from the zod schemas', () => {
    const stale: string[] = [];
    for (const [name, schema] of Object.entries(generated)) {
      const file = path.join(SCHEMA_FOLDER, name);
      const text = bundleJson(schema);
      if (process.env.UPDATE_SCHEMAS === '1') fs.writeFileSync(file, text);
      else if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) stale.push(`docs/formats/${name}`);
    }
    expect(
      stale,
      `${stale.join(', ')} differ from the zod schemas in shared/bundle.ts. If the change is intended, regenerate them with ` +
        '`UPDATE_SCHEMAS=1 npx vitest run test/bundle.test.ts`, and record the change in docs/formats/CHANGELOG.md',
    ).toEqual([]);
  });

  it('accept what Storydesk exports', async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    const validate = (name: string) => ajv.compile(JSON.parse(fs.readFileSync(path.join(SCHEMA_FOLDER, name), 'utf8')) as object);
    const validateStory = validate('storybundle.schema.json');
    const validateLibrary = validate('library-bundle.schema.json');

    const { store, service } = sampleLibrary();
    await service.createStory({ title: 'No picture yet' });
    const storyDocument = jsonOf(entriesOf(exportStoryBundle(store, SAMPLE_ID)), 'story.json');
    expect(validateStory(storyDocument), JSON.stringify(validateStory.errors)).toBe(true);

    const library = entriesOf(exportLibraryBundle(store, 'all'));
    expect(validateLibrary(jsonOf(library, 'library.json')), JSON.stringify(validateLibrary.errors)).toBe(true);
    for (const entry of library.filter(({ name }) => name.endsWith('/story.json'))) {
      expect(validateStory(jsonOf(library, entry.name)), JSON.stringify(validateStory.errors)).toBe(true);
    }
    // And refuse what Storydesk refuses.
    expect(validateStory({ ...storyDocument, formatVersion: 2 })).toBe(false);
    expect(validateStory({ ...storyDocument, story: { ...(storyDocument.story as object), revision: 3 } })).toBe(false);
    store.close();
  });
});

describe('importing a story the library holds already', () => {
  it('skips it when asked, writing nothing', () => {
    const bundle = sampleBundle();
    const { store } = sampleLibrary();
    const before = snapshot(store);
    const result = importBundle(store, bundle, { onConflict: 'skip', ...importOptions });
    expect(result).toEqual({ imported: [], skipped: [{ id: SAMPLE_ID, title: sampleStory().title, reason: expect.stringMatching(/already holds/) }] });
    expect(snapshot(store)).toEqual(before);
    store.close();
  });

  it('replaces it with a new revision, keeping the history', async () => {
    const bundle = sampleBundle();
    const { store, service } = sampleLibrary();
    const edited = { ...(await service.getStory({ id: SAMPLE_ID })), title: 'Edited here' };
    await service.saveStory({ story: edited, baseRevision: 1 });
    const result = importBundle(store, bundle, { onConflict: 'replace', ...importOptions });
    expect(result).toEqual({ imported: [{ id: SAMPLE_ID, title: sampleStory().title, as: 'replaced' }], skipped: [] });
    expect(store.listRevisions(SAMPLE_ID).map(({ revision, summary }) => ({ revision, summary }))).toEqual([
      { revision: 3, summary: 'Replaced by import' },
      { revision: 2, summary: 'Saved' },
      { revision: 1, summary: 'Sample story: the seed page' },
    ]);
    expect(store.getStory(SAMPLE_ID)).toEqual({ ...sampleStory(), revision: 3 });
    expect(Buffer.from(exportStoryBundle(store, SAMPLE_ID)).equals(Buffer.from(bundle))).toBe(true);
    expect(store.db.prepare('SELECT count(*) AS n FROM assets').get()).toEqual({ n: 1 });
    store.close();
  });

  it('keeps it as a copy: a new draft with its own id, the original untouched', () => {
    const bundle = sampleBundle();
    const { store } = sampleLibrary();
    const original = store.getStory(SAMPLE_ID);
    const result = importBundle(store, bundle, { onConflict: 'copy', ...importOptions, newId: () => 'imported-copy' });
    expect(result).toEqual({ imported: [{ id: 'imported-copy', title: `${original.title} (copy)`, as: 'copy' }], skipped: [] });
    const copy = store.getStory('imported-copy');
    expect(copy).toMatchObject({ slug: `${original.slug}-copy`, status: 'draft', revision: 1, sections: original.sections, hero: original.hero });
    expect(copy.createdAt).toBe('2026-11-28T12:00:00.000Z');
    expect(store.getStory(SAMPLE_ID)).toEqual(original);
    expect(store.listRevisions('imported-copy')).toEqual([expect.objectContaining({ summary: `Imported as a copy of “${original.title}”` })]);
    expect(store.db.prepare('SELECT count(*) AS n FROM assets').get()).toEqual({ n: 1 });
    store.close();
  });

  it('treats each story of a library bundle on its own', async () => {
    const { store, service } = sampleLibrary();
    await service.createStory({ title: 'Only in the bundle' });
    const bundle = exportLibraryBundle(store, 'all');
    store.close();
    const target = sampleLibrary().store;
    const result = importBundle(target, bundle, { onConflict: 'skip', ...importOptions });
    expect(result.imported).toEqual([{ id: 'story-1', title: 'Only in the bundle', as: 'new' }]);
    expect(result.skipped.map((story) => story.id)).toEqual([SAMPLE_ID]);
    target.close();
  });
});

describe('a bad bundle is refused, precisely, and nothing is written', () => {
  const valid = sampleBundle();
  // One library for every refusal (each test checks that it was left exactly as it was). Its
  // folder is made here rather than by freshLibraryPath, which removes folders after each test.
  let folder: string;
  let store: LibraryStore;
  beforeAll(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'storydesk-bundle-refusals-'));
    store = openLibrary(path.join(folder, 'library.storydesk'), { now: tickingClock() });
  });
  afterAll(() => {
    store.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  function check(bytes: Uint8Array, expected: ExpectedProblem) {
    return expectRefused(store, bytes, expected);
  }

  it('refuses a file that is not a zip', () => {
    check(strToU8('{"format": "storydesk-story"}'), { message: /not a zip archive/ });
    check(new Uint8Array(), { message: /empty/ });
  });

  it('refuses a truncated zip', () => {
    check(valid.subarray(0, valid.length - 10), { message: /truncated/ });
    check(valid.subarray(0, Math.floor(valid.length / 2)), { message: /truncated/ });
  });

  it('refuses a zip whose directory disagrees with its entries', () => {
    const damaged = valid.slice();
    const view = Buffer.from(damaged.buffer);
    const directory = view.readUInt32LE(damaged.length - 6);
    view.writeUInt32LE(view.readUInt32LE(directory + 42) + 1, directory + 42); // the first entry's offset, off by one
    check(damaged, { file: 'story.json', message: /local header/ });
  });

  it('refuses an entry whose contents do not match its checksum', () => {
    const entries = entriesOf(valid).map((entry) => (entry.name === 'index.html' ? { ...entry, crc: 1234 } : entry));
    check(rawZip(entries), { file: 'index.html', message: /CRC-32/ });
  });

  it('refuses a zip bomb that claims to be small, without unpacking it', () => {
    const bomb = deflatedZeros(1024 * 1024 * 1024);
    const entries = entriesOf(valid).map((entry) => (entry.name === 'index.html' ? { name: 'index.html', packed: bomb, size: 1000, crc: 0 } : entry));
    const started = performance.now();
    check(rawZip(entries), { file: 'index.html', message: /more than the 1000 bytes the zip says: refused as a possible zip bomb/ });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('refuses a zip bomb that says how big it is', () => {
    const entries = entriesOf(valid).map((entry) =>
      entry.name === 'index.html' ? { name: 'index.html', packed: deflatedZeros(1024 * 1024 * 1024), size: 1024 * 1024 * 1024, crc: 0 } : entry,
    );
    check(rawZip(entries), { file: 'index.html', message: /would unpack to 1073741824 bytes; an entry may hold at most 67108864/ });
  });

  it('refuses an entry that compresses too well', () => {
    const zeros = new Uint8Array(4 * 1024 * 1024);
    const entries = entriesOf(valid).map((entry) => (entry.name === 'index.html' ? { name: 'index.html', data: zeros } : entry));
    check(rawZip(entries), { file: 'index.html', message: /more than 100 times.*zip bomb/ });
  });

  it('refuses a bundle larger than the limits it is read with', () => {
    expect(() => readBundle(valid, { sha256: sha256Hex, limits: { maxTotalBytes: 10_000 } })).toThrow(/a bundle may hold at most 10000/);
    expect(() => readBundle(valid, { sha256: sha256Hex, limits: { maxEntries: 2 } })).toThrow(/holds 3 entries; a bundle may hold at most 2/);
  });

  it.each([
    ['../evil', /climbs out of the bundle/],
    ['/abs', /absolute path/],
    ['assets/../../x', /climbs out of the bundle/],
    ['C:\\x', /backslash/],
    ['C:/x', /drive letter/],
    ['story.json\0.png', /NUL/],
    ['assets//x.png', /empty or "\." folder/],
  ])('refuses the entry name %j', (name, message) => {
    check(rawZip([...entriesOf(valid), { name, data: strToU8('x') }]), { file: name, message });
  });

  it('refuses names outside the layout of a story bundle', () => {
    const error = check(rawZip([...entriesOf(valid), { name: 'notes.txt', data: strToU8('x') }]), { file: 'notes.txt', message: /not part of a story bundle/ });
    expect(error.message).toContain('story.json, index.html and assets/<sha256>');
  });

  it('refuses duplicate entries', () => {
    const entries = entriesOf(valid);
    check(rawZip([...entries, entries[0] as RawEntry]), { file: 'story.json', message: /appears twice/ });
  });

  it('refuses a bundle without story.json', () => {
    check(rawZip(entriesOf(valid).filter((entry) => entry.name !== 'story.json')), { file: 'story.json', message: /is missing/ });
  });

  it('refuses a bundle without index.html', () => {
    check(rawZip(entriesOf(valid).filter((entry) => entry.name !== 'index.html')), { file: 'index.html', message: /is missing/ });
  });

  it('refuses story.json that is not JSON, naming the file', () => {
    const entries = entriesOf(valid).map((entry) => (entry.name === 'story.json' ? { name: 'story.json', data: strToU8('{"format": "storydesk-story",') } : entry));
    check(rawZip(entries), { file: 'story.json', path: '', message: /is not valid JSON/ });
  });

  it('refuses story.json that is not UTF-8', () => {
    const entries = entriesOf(valid).map((entry) => (entry.name === 'story.json' ? { name: 'story.json', data: new Uint8Array([0x22, 0xff, 0x22]) } : entry));
    check(rawZip(entries), { file: 'story.json', message: /not valid UTF-8/ });
  });

  it('refuses story.json that fails the schema, naming the JSON path', () => {
    const entries = withJson(entriesOf(valid), 'story.json', (document) => {
      (document.story.sections[2] as unknown as { heading: unknown }).heading = 42;
    });
    const error = check(rawZip(entries), { file: 'story.json', path: 'story.sections[2].heading', message: /expected string/ });
    expect(error.message).toContain('story.json at story.sections[2].heading');
  });

  it('refuses a story that carries a library revision', () => {
    const entries = withJson(entriesOf(valid), 'story.json', (document) => {
      (document.story as Story).revision = 4;
    });
    check(rawZip(entries), { file: 'story.json', path: 'story', message: /revision/ });
  });

  it('refuses an unknown format version, saying which it reads', () => {
    const entries = withJson(entriesOf(valid), 'story.json', (document) => {
      document.formatVersion = 2;
    });
    check(rawZip(entries), { file: 'story.json', path: 'formatVersion', message: /format version 2 is not supported: this version of Storydesk reads format version 1 .*newer Storydesk/ });
  });

  it('refuses a story.json of another format', () => {
    const entries = withJson(entriesOf(valid), 'story.json', (document) => {
      document.format = 'storydesk-library';
    });
    check(rawZip(entries), { file: 'story.json', path: 'format', message: /must be "storydesk-story", found "storydesk-library"/ });
  });

  it('refuses an image whose bytes do not match its name', () => {
    const entries = entriesOf(valid).map((entry) => {
      if (entry.name !== SAMPLE_HERO_PATH || !entry.data) return entry;
      const data = entry.data.slice();
      data[data.length - 20] = (data[data.length - 20] ?? 0) ^ 0xff;
      return { name: entry.name, data };
    });
    check(rawZip(entries), { file: SAMPLE_HERO_PATH, message: /do not match its name: their SHA-256 is [0-9a-f]{64}/ });
  });

  it('refuses a bundle without the image its story uses', () => {
    check(rawZip(entriesOf(valid).filter((entry) => entry.name !== SAMPLE_HERO_PATH)), {
      file: 'story.json',
      path: 'assets[0].path',
      message: /not in the bundle/,
    });
  });

  it('refuses an image of another type than the story says', () => {
    const jpegPath = `assets/${SAMPLE_HERO_SHA}.jpg`;
    const entries = withJson(entriesOf(valid), 'story.json', (document) => {
      const hero = document.story.hero;
      if (hero) hero.asset.mediaType = 'image/jpeg';
      document.assets = [{ ...sampleStory().hero?.asset, mediaType: 'image/jpeg', path: jpegPath }];
    }).map((entry) => (entry.name === SAMPLE_HERO_PATH ? { ...entry, name: jpegPath } : entry));
    check(rawZip(entries), { file: jpegPath, message: /is a image\/png image, but story.json says image\/jpeg/ });
  });

  it('refuses an assets list that disagrees with the story', () => {
    const entries = withJson(entriesOf(valid), 'story.json', (document) => {
      (document.assets as { width: number }[])[0]!.width = 999;
    });
    check(rawZip(entries), { file: 'story.json', path: 'assets[0].width', message: /is 999, but story.hero.asset.width is 480/ });
  });

  it('refuses an image no story uses', () => {
    const png = fs.readFileSync('shared/sample/sample-hero.png');
    const other = Buffer.concat([png, Buffer.from([0])]);
    const name = `assets/${sha256Hex(other)}.png`;
    check(rawZip([...entriesOf(valid), { name, data: new Uint8Array(other) }]), { file: name, message: /not used by any story/ });
  });

  it('refuses a library bundle whose story is filed under another id', async () => {
    const source = sampleLibrary();
    await source.service.createStory({ title: 'Second' });
    const entries = withJson(entriesOf(exportLibraryBundle(source.store, 'all')), 'stories/story-1/story.json', (document) => {
      document.story.id = 'story-9';
    });
    source.store.close();
    check(rawZip(entries), { file: 'stories/story-1/story.json', path: 'story.id', message: /filed under stories\/story-1\// });
  });

  it('refuses a library bundle with stories library.json does not list', () => {
    const source = sampleLibrary().store;
    const entries = entriesOf(exportLibraryBundle(source, 'all'));
    source.close();
    const extra = entries
      .filter((entry) => entry.name.startsWith(`stories/${SAMPLE_ID}/`))
      .map((entry) => ({ ...entry, name: entry.name.replace(SAMPLE_ID, 'unlisted') }));
    check(rawZip([...entries, ...extra]), { file: 'stories/unlisted/story.json', message: /does not list/ });
  });

  it('refuses stories that describe their shared image differently', async () => {
    const source = sampleLibrary();
    await source.service.duplicateStory({ id: SAMPLE_ID });
    const entries = withJson(entriesOf(exportLibraryBundle(source.store, 'all')), 'stories/story-1/story.json', (document) => {
      const hero = document.story.hero;
      if (hero) hero.asset.width = 481;
      (document.assets as { width: number }[])[0]!.width = 481;
    });
    source.store.close();
    check(rawZip(entries), { file: 'stories/story-1/story.json', path: 'assets', message: /describes assets\/[0-9a-f]{64}\.png otherwise than stories\/sample/ });
  });

  it('lists every problem it finds, not only the first', () => {
    const entries = withJson(entriesOf(valid), 'story.json', (document) => {
      document.story.title = 1 as unknown as string;
      document.story.status = 'done' as Story['status'];
    });
    const error = check(rawZip(entries), { file: 'story.json', path: 'story.title', message: /expected string/ });
    expect(error.problems.map((problem) => problem.path)).toEqual(['story.title', 'story.status']);
  });
});

describe('an import that fails while writing', () => {
  it('writes nothing at all', () => {
    const { store } = sampleLibrary();
    const before = snapshot(store);
    const fresh: Story = { ...sampleStory(), id: 'fresh', revision: 1, hero: undefined };
    delete fresh.hero;
    const image = fs.readFileSync('shared/sample/sample-hero.png');
    const other = new Uint8Array(Buffer.concat([image, Buffer.from([1])]));
    const asset = { sha256: sha256Hex(other), mediaType: 'image/png' as const, width: 480, height: 270, byteLength: other.length };
    // The second story exists already: the whole import fails, the first story and the image included.
    expect(() =>
      store.importStories(
        [{ asset, data: other }],
        [
          { story: fresh, meta: { author: 'importer', summary: 'Imported from a bundle' } },
          { story: { ...sampleStory(), revision: 1 }, meta: { author: 'importer', summary: 'Imported from a bundle' } },
        ],
      ),
    ).toThrow(StorydeskError);
    expect(store.hasStory('fresh')).toBe(false);
    expect(snapshot(store)).toEqual(before);
    store.close();
  });
});

describe('random damage to a bundle', () => {
  it('is either refused as invalid input, changing nothing, or imported exactly', () => {
    const valid = sampleBundle();
    const original = readBundle(valid, { sha256: sha256Hex }).stories[0];
    const store = emptyLibrary();
    importBundle(store, valid, { onConflict: 'replace', ...importOptions });
    const directoryStart = Buffer.from(valid.buffer, valid.byteOffset).readUInt32LE(valid.length - 6);
    const offset = fc.oneof(
      fc.nat({ max: valid.length - 1 }),
      // The headers, where one changed byte is more often harmful than not…
      fc.nat({ max: 120 }),
      fc.integer({ min: directoryStart, max: valid.length - 1 }),
      // …and the first entry's time and date, where it is harmless: so both outcomes are exercised.
      fc.integer({ min: 10, max: 13 }),
    );
    let imported = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(offset, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.option(fc.nat({ max: valid.length }), { freq: 8 }), (changes, cut) => {
        const damaged = valid.slice(0, cut ?? valid.length);
        for (const [at, value] of changes) if (at < damaged.length) damaged[at] = value;
        const revisions = store.listRevisions(SAMPLE_ID).length;
        try {
          importBundle(store, damaged, { onConflict: 'replace', ...importOptions });
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error;
          expect(store.listStories()).toHaveLength(1);
          expect(store.listRevisions(SAMPLE_ID)).toHaveLength(revisions);
          return;
        }
        imported += 1;
        expect(store.listStories()).toHaveLength(1);
        expect(store.listRevisions(SAMPLE_ID)).toHaveLength(revisions + 1);
        expect(withoutRevision(store.getStory(SAMPLE_ID))).toEqual(original);
        expect(Buffer.from(store.getAsset(SAMPLE_HERO_SHA).data).equals(fs.readFileSync('shared/sample/sample-hero.png'))).toBe(true);
      }),
      { numRuns: 300 },
    );
    // Some damage is harmless (a timestamp, a file mode): such bundles import as the original.
    expect(imported).toBeGreaterThan(0);
    store.close();
  });
});

describe('writing a file atomically', () => {
  it('writes the bytes, replacing a file that was there', async () => {
    const folder = freshFolder();
    const file = path.join(folder, 'story.storybundle');
    fs.writeFileSync(file, 'old');
    await writeFileAtomically(file, strToU8('new bytes'));
    expect(fs.readFileSync(file, 'utf8')).toBe('new bytes');
    expect(fs.readdirSync(folder)).toEqual(['story.storybundle']);
  });

  it('leaves no partial file when it fails', async () => {
    const folder = freshFolder();
    const target = path.join(folder, 'taken');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside'), 'x');
    await expect(writeFileAtomically(target, strToU8('bytes'))).rejects.toThrow();
    expect(fs.readdirSync(folder)).toEqual(['taken']);
    await expect(writeFileAtomically(path.join(folder, 'missing-folder', 'file'), strToU8('bytes'))).rejects.toThrow();
    expect(fs.readdirSync(folder)).toEqual(['taken']);
  });
});

// ---------------------------------------------------------------------------------------------
// Bundle files: written and read a piece at a time

/** A library of the sample story and `count` more: copies of it (sharing its image) and stories without one. */
async function libraryOf(count: number) {
  const library = sampleLibrary();
  for (let index = 0; index < count; index += 1) {
    if (index % 2 === 0) await library.service.duplicateStory({ id: SAMPLE_ID });
    else await library.service.createStory({ title: `Story ${index}`, feed: 'Desk' });
  }
  return library;
}

/** What a library holds, without its files' bytes (two libraries with the same stories differ in those). */
function contentsOf(store: LibraryStore): Omit<LibrarySnapshot, 'files'> {
  const { files: _files, ...contents } = snapshot(store);
  return contents;
}

describe('a bundle file', () => {
  it('is exported as the bytes exported into memory, and nothing else is left in its folder', async () => {
    const { store } = await libraryOf(4);
    const folder = freshFolder();
    const file = path.join(folder, 'desk.storybundle');
    fs.writeFileSync(file, 'an older export');
    const progress: number[][] = [];
    exportLibraryBundleToFile(store, 'all', file, { onProgress: (done, total) => progress.push([done, total]) });
    expect(fs.readFileSync(file).equals(Buffer.from(exportLibraryBundle(store, 'all')))).toBe(true);
    expect(progress).toEqual([1, 2, 3, 4, 5].map((done) => [done, 5]));
    expect(fs.readdirSync(folder)).toEqual(['desk.storybundle']);

    exportLibraryBundleToFile(store, ['story-3', SAMPLE_ID, 'story-3'], file);
    expect(fs.readFileSync(file).equals(Buffer.from(exportLibraryBundle(store, [SAMPLE_ID, 'story-3'])))).toBe(true);
    const single = path.join(folder, 'sample.storybundle');
    exportStoryBundleToFile(store, SAMPLE_ID, single);
    expect(fs.readFileSync(single).equals(Buffer.from(exportStoryBundle(store, SAMPLE_ID)))).toBe(true);
    expect(fs.readdirSync(folder).sort()).toEqual(['desk.storybundle', 'sample.storybundle']);
    store.close();
  });

  it('is written a story at a time: each story is in the file before the next is read', async () => {
    const { store } = await libraryOf(3);
    let written = 0;
    const writtenWhenRead: number[] = [];
    writeLibraryBundle(
      { write: (chunk) => (written += chunk.byteLength) },
      {
        stories: store.listStories().map(({ id, updatedAt }) => ({ id, updatedAt })),
        story: (id) => {
          writtenWhenRead.push(written);
          return store.getStory(id);
        },
        asset: (sha256) => store.getAsset(sha256),
      },
    );
    expect(writtenWhenRead).toHaveLength(4);
    writtenWhenRead.forEach((bytes, index) => {
      if (index > 0) expect(bytes).toBeGreaterThan(writtenWhenRead[index - 1] ?? 0);
    });
    store.close();
  });

  it('is imported as the same bytes are, reporting its progress', async () => {
    const { store } = await libraryOf(4);
    const bytes = exportLibraryBundle(store, 'all');
    store.close();
    const fromBytes = emptyLibrary();
    const fromFile = emptyLibrary();
    const stages: string[] = [];
    const byBytes = importBundle(fromBytes, bytes, { onConflict: 'skip', ...importOptions });
    const byFile = importAsFile(fromFile, bytes, { onConflict: 'skip', ...importOptions, onProgress: (done, total, stage) => stages.push(`${stage} ${done}/${total}`) });
    expect(byFile).toEqual(byBytes);
    expect(byFile.imported).toHaveLength(5);
    expect(contentsOf(fromFile)).toEqual(contentsOf(fromBytes));
    // 12 entries: library.json, a story.json and an index.html for each of the 5 stories, the image.
    expect(stages).toEqual([
      ...Array.from({ length: 12 }, (_, index) => `checking ${index + 1}/12`),
      ...Array.from({ length: 5 }, (_, index) => `writing ${index + 1}/5`),
    ]);
    fromBytes.close();
    fromFile.close();
  });

  it('is read at offsets, a piece at a time, never whole', async () => {
    const { store } = await libraryOf(40);
    const bytes = exportLibraryBundle(store, 'all');
    store.close();
    const reads: number[] = [];
    const source = bytesSource(bytes);
    const counting: RandomAccessSource = {
      size: source.size,
      read: (offset, length) => {
        reads.push(length);
        return source.read(offset, length);
      },
    };
    const bundle = checkBundle(counting, { sha256: sha256Hex });
    const stories = bundle.stories.map((listing) => bundle.readStory(listing));
    expect(stories).toEqual(readBundle(bytes, { sha256: sha256Hex }).stories);
    expect(bytes.length).toBeGreaterThan(3 * 65_557);
    // The largest read is the end of the file, where the zip's end record is looked for (it may
    // carry a comment of up to 64 KiB); every other read is one entry or a window of the directory.
    expect(Math.max(...reads)).toBeLessThanOrEqual(65_557);
  });
});

describe('a bad bundle file is refused as the same bytes are', () => {
  const valid = sampleBundle();
  let folder: string;
  let store: LibraryStore;
  beforeAll(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'storydesk-bundle-file-refusals-'));
    store = openLibrary(path.join(folder, 'library.storydesk'), { now: tickingClock() });
  });
  afterAll(() => {
    store.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  const damagedImage = () =>
    entriesOf(valid).map((entry) => {
      if (entry.name !== SAMPLE_HERO_PATH || !entry.data) return entry;
      const data = entry.data.slice();
      data[data.length - 20] = (data[data.length - 20] ?? 0) ^ 0xff;
      return { name: entry.name, data };
    });
  const cases: [string, () => Uint8Array, ExpectedProblem][] = [
    ['a name that climbs out of the bundle', () => rawZip([...entriesOf(valid), { name: '../evil', data: strToU8('x') }]), { file: '../evil', message: /climbs out of the bundle/ }],
    [
      'a zip bomb that claims to be small',
      () =>
        rawZip(entriesOf(valid).map((entry) => (entry.name === 'index.html' ? { name: 'index.html', packed: deflatedZeros(1024 * 1024 * 1024), size: 1000, crc: 0 } : entry))),
      { file: 'index.html', message: /more than the 1000 bytes the zip says: refused as a possible zip bomb/ },
    ],
    [
      'story.json that is not JSON',
      () => rawZip(entriesOf(valid).map((entry) => (entry.name === 'story.json' ? { name: 'story.json', data: strToU8('{"format": "storydesk-story",') } : entry))),
      { file: 'story.json', path: '', message: /is not valid JSON/ },
    ],
    ['an image whose bytes do not match its name', () => rawZip(damagedImage()), { file: SAMPLE_HERO_PATH, message: /do not match its name: their SHA-256 is [0-9a-f]{64}/ }],
    ['a truncated zip', () => valid.subarray(0, valid.length - 10), { message: /truncated/ }],
  ];

  it.each(cases)('refuses %s, writing nothing', (_what, bundle, expected) => {
    const bytes = bundle();
    const fromFile = expectRefused(store, bytes, expected, importAsFile);
    expect(fromFile.problems).toEqual(expectRefused(store, bytes, expected).problems);
  });
});

describe('an import from a file that fails while writing', () => {
  /** A library bundle file of 5 stories, and a library holding one of them (so that it is replaced). */
  async function bundleAndLibrary() {
    const { store } = await libraryOf(4);
    const file = path.join(freshFolder(), 'desk.storybundle');
    exportLibraryBundleToFile(store, 'all', file);
    store.close();
    return { file, target: sampleLibrary().store };
  }

  it('writes nothing when the library fails on the third story', async () => {
    const { file, target } = await bundleAndLibrary();
    const insertStory = target.insertStory.bind(target);
    let inserted = 0;
    target.insertStory = (story, meta) => {
      inserted += 1;
      if (inserted === 3) throw new Error('the disk is full');
      return insertStory(story, meta);
    };
    const before = snapshot(target);
    expect(() => importBundleFile(target, file, { onConflict: 'replace', ...importOptions })).toThrow('the disk is full');
    expect(inserted).toBe(3);
    expect(snapshot(target)).toEqual(before);
    target.close();
  });

  it('writes nothing when the file is cut short after it was checked', async () => {
    const { file, target } = await bundleAndLibrary();
    const before = snapshot(target);
    let written = 0;
    const cutShort = () => fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
    expect(() =>
      importBundleFile(target, file, {
        onConflict: 'replace',
        ...importOptions,
        onProgress: (done, _total, stage) => {
          if (stage !== 'writing') return;
          written = done;
          if (done === 1) cutShort();
        },
      }),
    ).toThrow(/the file changed while the bundle was being imported: it is shorter than it was/);
    // Some stories were written inside the transaction before the cut showed: all were undone.
    expect(written).toBeGreaterThanOrEqual(1);
    expect(snapshot(target)).toEqual(before);
    target.close();
  });

  it('writes nothing when the file changes after it was checked', async () => {
    const { file, target } = await bundleAndLibrary();
    const before = snapshot(target);
    // A byte of the image, which is stored as it is: its CRC-32 no longer matches.
    const imageAt = fs.readFileSync(file).indexOf(SAMPLE_HERO_PATH) + SAMPLE_HERO_PATH.length + 100;
    const change = () => {
      const descriptor = fs.openSync(file, 'r+');
      fs.writeSync(descriptor, Buffer.from([0]), 0, 1, imageAt);
      fs.closeSync(descriptor);
    };
    let refusal: unknown;
    try {
      importBundleFile(target, file, {
        onConflict: 'replace',
        ...importOptions,
        onProgress: (done, total, stage) => {
          if (stage === 'checking' && done === total) change();
        },
      });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(InvalidBundleError);
    expect((refusal as InvalidBundleError).problems).toEqual([
      { file: SAMPLE_HERO_PATH, path: '', message: expect.stringMatching(/changed while the bundle was being imported/) },
    ]);
    expect(snapshot(target)).toEqual(before);
    target.close();
  });
});

describe('an export into a file that fails', () => {
  it('leaves no temporary file, and the file that was there as it was', async () => {
    const { store } = await libraryOf(3);
    const folder = freshFolder();
    const file = path.join(folder, 'desk.storybundle');
    fs.writeFileSync(file, 'an older export');
    const getStory = store.getStory.bind(store);
    let read = 0;
    store.getStory = (id) => {
      read += 1;
      if (read === 3) throw new Error('the story cannot be read');
      return getStory(id);
    };
    expect(() => exportLibraryBundleToFile(store, 'all', file)).toThrow('the story cannot be read');
    expect(fs.readdirSync(folder)).toEqual(['desk.storybundle']);
    expect(fs.readFileSync(file, 'utf8')).toBe('an older export');

    expect(() => exportLibraryBundleToFile(store, 'all', path.join(folder, 'missing-folder', 'desk.storybundle'))).toThrow(/ENOENT/);
    const taken = path.join(folder, 'taken');
    fs.mkdirSync(taken);
    fs.writeFileSync(path.join(taken, 'inside'), 'x');
    expect(() => exportLibraryBundleToFile(store, 'all', taken)).toThrow();
    expect(fs.readdirSync(folder).sort()).toEqual(['desk.storybundle', 'taken']);
    store.close();
  });

  // A folder the editor may not write: test/read-only-library.test.ts, run as an unprivileged user.
});
