/**
 * Fuzzing bundle import, as the tests and the long run share it. Valid story and library bundles
 * are damaged at the byte level (bytes changed, cut, inserted, repeated) and taken apart and put
 * together wrong (story.json mutated field by field, entries renamed out of the bundle or
 * doubled, headers that lie, a modest zip bomb), then imported into one library through the
 * service's own import. Each is either refused with an InvalidInputError that says what and
 * where, writing nothing at all, or imported exactly: the library then holds what the bundle's
 * story.json says, and what the bundle reader (readBundle) makes of it.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { strFromU8, strToU8 } from 'fflate';
import { bundleJson, readBundle, type BundledStory } from '../../shared/bundle';
import { InvalidInputError, StorydeskError } from '../../shared/errors';
import { StorySchema } from '../../shared/model';
import { exportLibraryBundle, exportStoryBundle, importBundle, sha256Hex, type ImportConflictChoice, type ImportResult } from '../../electron/bundles';
import { mutateRequest, mutationsArbitrary, type Mutation } from './json-mutations';
import { tickingClock } from '../helpers/clock';
import { libraryFingerprint, openFuzzLibrary, writesSoFar, type FuzzLibrary } from './library';
import { SAMPLE_ID } from './api-requests';
import { concatenated, entriesOf, zipOf, type ZipEntrySpec } from './zip-entries';

// ---------------------------------------------------------------------------------------------
// The valid bundles that are damaged

export interface BaseBundles {
  story: Uint8Array;
  /** The sample, a story without a hero and a copy of the sample sharing its image. */
  library: Uint8Array;
}

/** Bundles exported from a library of their own (the sample, a story without a hero, a copy sharing the hero). */
export function makeBaseBundles(): BaseBundles {
  const source = openFuzzLibrary();
  try {
    const { hero: _hero, ...withoutHero } = source.store.getStory(SAMPLE_ID);
    source.store.insertStory({ ...withoutHero, id: 'plain-story', slug: 'plain-story', title: 'A story without a hero', revision: 1 }, { author: 'Fuzz', summary: 'made for fuzzing' });
    source.store.insertStory({ ...source.store.getStory(SAMPLE_ID), id: 'sample-copy', slug: 'sample-copy', revision: 1 }, { author: 'Fuzz', summary: 'copy' });
    return { story: exportStoryBundle(source.store, SAMPLE_ID), library: exportLibraryBundle(source.store, 'all') };
  } finally {
    source.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Damage at the byte level

export type ByteMutation =
  | { kind: 'set'; at: number; fromEnd: boolean; value: number }
  | { kind: 'xor'; at: number; fromEnd: boolean; mask: number }
  | { kind: 'truncate'; at: number; fromEnd: boolean }
  | { kind: 'insert'; at: number; fromEnd: boolean; bytes: Uint8Array }
  | { kind: 'repeat'; at: number; fromEnd: boolean; length: number }
  | { kind: 'delete'; at: number; fromEnd: boolean; length: number };

/** Places anywhere, but often in the headers at the start or the directory at the end, where a change matters most. */
const position = { at: fc.oneof(fc.nat(), fc.nat({ max: 64 }), fc.nat({ max: 400 })), fromEnd: fc.boolean() };

export const byteMutationArbitrary: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), ...position, value: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 0xff, 0x50, 0x4b)) }),
  fc.record({ kind: fc.constant('xor' as const), ...position, mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), ...position }),
  fc.record({ kind: fc.constant('insert' as const), ...position, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('repeat' as const), ...position, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('delete' as const), ...position, length: fc.integer({ min: 1, max: 64 }) }),
);

function damageBytes(bytes: Uint8Array, mutation: ByteMutation): Uint8Array {
  if (bytes.length === 0) return bytes;
  const offset = mutation.at % bytes.length;
  const at = mutation.fromEnd ? bytes.length - 1 - offset : offset;
  switch (mutation.kind) {
    case 'set':
    case 'xor': {
      const copy = bytes.slice();
      copy[at] = mutation.kind === 'set' ? mutation.value : (copy[at] as number) ^ mutation.mask;
      return copy;
    }
    case 'truncate':
      return bytes.slice(0, at);
    case 'insert':
      return concatenated([bytes.subarray(0, at), mutation.bytes, bytes.subarray(at)]);
    case 'repeat':
      return concatenated([bytes.subarray(0, at + mutation.length), bytes.subarray(at, at + mutation.length), bytes.subarray(at + mutation.length)]);
    case 'delete':
      return concatenated([bytes.subarray(0, at), bytes.subarray(at + mutation.length)]);
  }
}

export function damagedBytes(bytes: Uint8Array, mutations: readonly ByteMutation[]): Uint8Array {
  return mutations.reduce(damageBytes, bytes);
}

// ---------------------------------------------------------------------------------------------
// Damage to the entries

const ODD_NAMES = [
  '../story.json',
  '../../x',
  '/story.json',
  'C:/story.json',
  'assets\\x.png',
  'story.json\u0000.png',
  'a\u0001b',
  './story.json',
  'assets//x.png',
  'assets/',
  'stories/',
  'story.json',
  'index.html',
  'library.json',
  'assets/../story.json',
  `assets/${'0'.repeat(64)}.png`,
  'stories/x/story.json',
  'stories/x/',
  'stories/sample-copy/story.json',
  'STORY.JSON',
  'story.json/',
  '\u202estory.json',
  'é.json',
];

/** A modest zip bomb: 4 MiB of zeros, which deflate to a few kilobytes (made once). */
let zeros: Uint8Array | undefined;
function bombData(): Uint8Array {
  zeros ??= new Uint8Array(4 * 1024 * 1024);
  return zeros;
}

export type StoryEdit = 'new-id' | 'dangling-citation' | 'hero-sha' | 'hero-width' | 'drop-hero' | 'drop-hero-and-asset' | 'junk-title' | 'repeat-source' | 'revision';

export type EntryMutation =
  | { kind: 'json'; entry: number; mutations: Mutation[] }
  | { kind: 'story-edit'; entry: number; edit: StoryEdit; text: string }
  | { kind: 'text-bytes'; entry: number; variant: 'bom' | 'invalid-utf8' | 'trailing-garbage' | 'cut' | 'utf16' | 'not-an-object' }
  | { kind: 'rename'; entry: number; name: string }
  | { kind: 'directory-name'; entry: number; name: string }
  | { kind: 'duplicate-entry'; entry: number }
  | { kind: 'remove-entry'; entry: number }
  | { kind: 'swap-data'; entry: number; other: number }
  | { kind: 'add-entry'; name: string; data: Uint8Array }
  | { kind: 'move'; entry: number; to: number }
  | { kind: 'method'; entry: number }
  | { kind: 'crc'; entry: number; xor: number }
  | { kind: 'size'; entry: number; delta: number }
  | { kind: 'bomb'; entry: number };

const entry = fc.nat();
const oddName = fc.oneof(fc.constantFrom(...ODD_NAMES), fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 12 }));

export const entryMutationArbitrary: fc.Arbitrary<EntryMutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('json' as const), entry, mutations: mutationsArbitrary(2) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('story-edit' as const),
      entry,
      edit: fc.constantFrom<StoryEdit>('new-id', 'dangling-citation', 'hero-sha', 'hero-width', 'drop-hero', 'drop-hero-and-asset', 'junk-title', 'repeat-source', 'revision'),
      text: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom('\u2011\u202f', '\ud800', '')),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('text-bytes' as const), entry, variant: fc.constantFrom('bom' as const, 'invalid-utf8' as const, 'trailing-garbage' as const, 'cut' as const, 'utf16' as const, 'not-an-object' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), entry, name: oddName }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('directory-name' as const), entry, name: oddName }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate-entry' as const), entry }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove-entry' as const), entry }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swap-data' as const), entry, other: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add-entry' as const), name: oddName, data: fc.uint8Array({ maxLength: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), entry, to: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('method' as const), entry }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crc' as const), entry, xor: fc.integer({ min: 1, max: 0xffffffff }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('size' as const), entry, delta: fc.oneof(fc.integer({ min: -64, max: 64 }).filter((delta) => delta !== 0), fc.constantFrom(2 ** 31, 2 ** 32 - 1)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bomb' as const), entry }) },
);

function isJsonEntry(spec: ZipEntrySpec): boolean {
  return typeof spec.name === 'string' && spec.name.endsWith('.json');
}

function nameOf(spec: ZipEntrySpec): string {
  return typeof spec.name === 'string' ? spec.name : strFromU8(spec.name);
}

/** The story JSON documents of the entries (story.json files): the ones story edits apply to. */
function storyDocuments(entries: readonly ZipEntrySpec[]): ZipEntrySpec[] {
  return entries.filter((spec) => isJsonEntry(spec) && nameOf(spec).endsWith('story.json'));
}

type StoryDocumentLike = { story?: Record<string, unknown>; assets?: { sha256?: string; path?: string }[] } & Record<string, unknown>;

/** Makes `edit` to the story of `spec`; an edit that does not fit a document mutated before is left out. */
function editStory(entries: ZipEntrySpec[], spec: ZipEntrySpec, edit: StoryEdit, text: string): ZipEntrySpec[] {
  try {
    return editedStory(entries, spec, edit, text);
  } catch {
    return entries;
  }
}

function editedStory(entries: ZipEntrySpec[], spec: ZipEntrySpec, edit: StoryEdit, text: string): ZipEntrySpec[] {
  let document: StoryDocumentLike;
  try {
    document = JSON.parse(strFromU8(spec.data)) as StoryDocumentLike;
  } catch {
    return entries;
  }
  const story = typeof document === 'object' && document !== null ? document.story : undefined;
  if (!story || typeof story !== 'object') return entries;
  const heroAsset = (story.hero as { asset?: unknown } | undefined)?.asset;
  const hero = typeof heroAsset === 'object' && heroAsset !== null ? (story.hero as { asset: { sha256: string; width: number } }) : undefined;
  let next = entries;
  switch (edit) {
    case 'new-id':
      story.id = `fuzzed-${text.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40) || 'id'}`;
      break;
    case 'dangling-citation': {
      const sections = story.sections as { body?: { content?: unknown }[] }[] | undefined;
      const content = Array.isArray(sections) ? sections[0]?.body?.[0]?.content : undefined;
      if (Array.isArray(content)) content.push({ type: 'citation', sources: ['no-such-source'] });
      break;
    }
    case 'hero-sha':
      if (hero) hero.asset.sha256 = 'f'.repeat(64);
      break;
    case 'hero-width':
      if (hero) hero.asset.width += 1;
      break;
    case 'drop-hero':
      delete story.hero;
      break;
    case 'drop-hero-and-asset': {
      // A consistent story without its image: it must import when no other story uses the image.
      const dropped = new Set((document.assets ?? []).map((asset) => asset.path));
      delete story.hero;
      document.assets = [];
      const stillUsed = new Set(
        storyDocuments(entries)
          .filter((other) => other !== spec)
          .flatMap((other) => {
            try {
              return ((JSON.parse(strFromU8(other.data)) as StoryDocumentLike).assets ?? []).map((asset) => asset.path);
            } catch {
              return [];
            }
          }),
      );
      next = entries.filter((candidate) => !dropped.has(nameOf(candidate)) || stillUsed.has(nameOf(candidate)));
      break;
    }
    case 'junk-title':
      story.title = text;
      break;
    case 'repeat-source': {
      const sources = story.sources as unknown[] | undefined;
      if (sources?.[0]) sources.push(structuredClone(sources[0]));
      break;
    }
    case 'revision':
      story.revision = 3;
      break;
  }
  let json: string;
  try {
    json = bundleJson(document);
  } catch {
    // Nesting too deep for JSON.stringify (an earlier mutation): the edit is left out.
    return entries;
  }
  const edited = { ...spec, data: strToU8(json) };
  return next.map((candidate) => (candidate === spec ? edited : candidate));
}

function damageText(spec: ZipEntrySpec, variant: Extract<EntryMutation, { kind: 'text-bytes' }>['variant']): ZipEntrySpec {
  const data = spec.data;
  switch (variant) {
    case 'bom':
      return { ...spec, data: concatenated([new Uint8Array([0xef, 0xbb, 0xbf]), data]) };
    case 'invalid-utf8':
      return { ...spec, data: concatenated([data.subarray(0, data.length >> 1), new Uint8Array([0xc3, 0x28, 0xff]), data.subarray(data.length >> 1)]) };
    case 'trailing-garbage':
      return { ...spec, data: concatenated([data, strToU8('}{"x":1}')]) };
    case 'cut':
      return { ...spec, data: data.subarray(0, data.length >> 1) };
    case 'utf16':
      return { ...spec, data: new Uint8Array(Buffer.from(strFromU8(data), 'utf16le')) };
    case 'not-an-object':
      return { ...spec, data: strToU8('[1, 2, 3]\n') };
  }
}

function damageEntries(entries: ZipEntrySpec[], mutation: EntryMutation): ZipEntrySpec[] {
  if (mutation.kind === 'add-entry') return [...entries, { name: mutation.name, data: mutation.data, method: 8 }];
  if (entries.length === 0) return entries;
  const index = mutation.entry % entries.length;
  const target = entries[index] as ZipEntrySpec;
  const replaced = (spec: ZipEntrySpec) => entries.map((candidate, at) => (at === index ? spec : candidate));
  switch (mutation.kind) {
    case 'json': {
      const documents = entries.filter(isJsonEntry);
      const chosen = documents[mutation.entry % Math.max(1, documents.length)];
      if (!chosen) return entries;
      let value: unknown;
      try {
        value = JSON.parse(strFromU8(chosen.data));
      } catch {
        return entries;
      }
      let data: Uint8Array;
      try {
        data = strToU8(mutateRequest(value, mutation.mutations).text);
      } catch {
        // A document an earlier mutation nested too deep to walk: the mutation is left out.
        return entries;
      }
      return entries.map((candidate) => (candidate === chosen ? { ...chosen, data } : candidate));
    }
    case 'story-edit': {
      const documents = storyDocuments(entries);
      const chosen = documents[mutation.entry % Math.max(1, documents.length)];
      return chosen ? editStory(entries, chosen, mutation.edit, mutation.text) : entries;
    }
    case 'text-bytes': {
      const documents = entries.filter(isJsonEntry);
      const chosen = documents[mutation.entry % Math.max(1, documents.length)];
      return chosen ? entries.map((candidate) => (candidate === chosen ? damageText(chosen, mutation.variant) : candidate)) : entries;
    }
    case 'rename':
      return replaced({ ...target, name: mutation.name });
    case 'directory-name':
      return replaced({ ...target, directoryName: mutation.name });
    case 'duplicate-entry':
      return [...entries.slice(0, index + 1), { ...target }, ...entries.slice(index + 1)];
    case 'remove-entry':
      return entries.filter((_, at) => at !== index);
    case 'swap-data': {
      const other = entries[mutation.other % entries.length] as ZipEntrySpec;
      return entries.map((candidate, at) => (at === index ? { ...target, data: other.data } : candidate === other ? { ...other, data: target.data } : candidate));
    }
    case 'move': {
      const rest = entries.filter((_, at) => at !== index);
      const to = mutation.to % (rest.length + 1);
      return [...rest.slice(0, to), target, ...rest.slice(to)];
    }
    case 'method':
      return replaced({ ...target, method: target.method === 8 ? 0 : 8 });
    case 'crc':
      return replaced({ ...target, crcXor: mutation.xor });
    case 'size':
      return replaced({ ...target, sizeDelta: mutation.delta });
    case 'bomb':
      return replaced({ ...target, data: bombData(), method: 8 });
  }
}

/** Each valid bundle's entries, unpacked once: mutations never change an entry in place. */
const unpacked = new WeakMap<Uint8Array, ZipEntrySpec[]>();

export function damagedEntries(bundle: Uint8Array, mutations: readonly EntryMutation[]): ZipEntrySpec[] {
  let entries = unpacked.get(bundle);
  if (entries === undefined) {
    entries = entriesOf(bundle);
    unpacked.set(bundle, entries);
  }
  return mutations.reduce(damageEntries, entries);
}

// ---------------------------------------------------------------------------------------------
// Importing, and judging what happened

export interface BundleFuzzStats {
  cases: number;
  refused: number;
  imported: number;
  /** Refusals by their first problem's message, shortened: what the fuzzing reached. */
  reasons: Map<string, number>;
}

const CHOICES: readonly ImportConflictChoice[] = ['copy', 'replace', 'skip'];

/** Imports bundles into one library and judges each outcome. */
export class BundleImportJudge {
  readonly stats: BundleFuzzStats = { cases: 0, refused: 0, imported: 0, reasons: new Map() };
  private readonly now = tickingClock('2027-01-01T00:00:00.000Z');
  private copies = 0;

  constructor(
    readonly library: FuzzLibrary,
    /** Every how many cases the whole library is hashed before and after, on top of the count of writes. */
    private readonly fullCheckEvery = 250,
  ) {}

  /**
   * Imports `bytes` with the `choice` for stories the library holds. `entries`, when the bundle was
   * put together here, are what it holds, for comparing with the library after an import;
   * `original` is the story that a bundle damaged byte by byte must import as, if it imports.
   */
  judge(bytes: Uint8Array, choiceIndex: number, facts: { entries?: readonly ZipEntrySpec[]; original?: BundledStory[] }): void {
    const { store } = this.library;
    const choice = CHOICES[choiceIndex % CHOICES.length] as ImportConflictChoice;
    this.stats.cases += 1;
    const fullCheck = this.stats.cases % this.fullCheckEvery === 0;
    const fingerprint = fullCheck ? libraryFingerprint(this.library) : undefined;
    const writes = writesSoFar(this.library);
    let result: ImportResult;
    try {
      result = importBundle(store, bytes, { onConflict: choice, author: 'Fuzz', newId: () => `fuzz-copy-${++this.copies}`, now: this.now });
    } catch (error) {
      this.refused(error, bytes);
      assert.equal(writesSoFar(this.library), writes, 'a refused import wrote to the library');
      if (fingerprint !== undefined) assert.equal(libraryFingerprint(this.library), fingerprint, 'a refused import changed the library');
      return;
    }
    this.stats.imported += 1;
    if (result.imported.length === 0) assert.equal(writesSoFar(this.library), writes, 'an import that skipped every story wrote to the library');
    this.checkImported(bytes, result, choice, facts);
  }

  private refused(error: unknown, bytes: Uint8Array): void {
    this.stats.refused += 1;
    if (!(error instanceof InvalidInputError)) {
      const detail = error instanceof StorydeskError ? `${error.code}: ${error.message}` : error instanceof Error ? (error.stack ?? error.message) : String(error);
      assert.fail(`a bundle of ${bytes.length} bytes was refused with something other than an InvalidInputError: ${detail}`);
    }
    assert.ok(error.problems.length > 0, `a refusal without problems: ${error.message}`);
    for (const problem of error.problems) assert.ok(typeof problem.path === 'string' && typeof problem.message === 'string' && problem.message.length > 0, error.message);
    const listed = error.problems.map((problem) => JSON.stringify(problem));
    assert.equal(new Set(listed).size, listed.length, `a refusal lists a problem twice: ${error.message}`);
    assert.ok(error.message.startsWith('invalid bundle: '), error.message);
    const reason = (error.problems[0]?.message ?? '').replace(/[0-9a-f]{64}/g, '<sha>').replace(/\d+/g, 'N').slice(0, 60);
    this.stats.reasons.set(reason, (this.stats.reasons.get(reason) ?? 0) + 1);
  }

  private checkImported(
    bytes: Uint8Array,
    result: ImportResult,
    choice: ImportConflictChoice,
    facts: { entries?: readonly ZipEntrySpec[]; original?: BundledStory[] },
  ): void {
    const { store } = this.library;
    // What the bundle reader makes of the same bytes: it must accept them too.
    const read = readBundle(bytes, { sha256: sha256Hex });
    assert.equal(result.imported.length + result.skipped.length, read.stories.length, 'every story of the bundle is imported or skipped');
    if (choice === 'skip') assert.ok(result.imported.every((story) => story.as === 'new'), 'skip imports only new stories');
    // Imported and skipped stories are listed in the bundle's order.
    const importedInOrder = [...result.imported];
    const skipped = new Set(result.skipped.map((story) => story.id));
    for (const bundled of read.stories) {
      if (skipped.has(bundled.id)) {
        assert.equal(choice, 'skip', `skipped ${bundled.id} though asked to ${choice}`);
        continue;
      }
      const imported = importedInOrder.shift();
      assert.ok(imported, `the bundle's ${bundled.id} was neither imported nor skipped`);
      assert.equal(imported.as === 'copy' ? imported.title : imported.id, imported.as === 'copy' ? `${bundled.title} (copy)` : bundled.id);
      const stored = store.getStory(imported.id);
      assert.ok(StorySchema.safeParse(stored).success, `the library holds an invalid story after importing ${imported.id}`);
      const { revision: _revision, ...content } = stored;
      if (imported.as === 'copy') {
        const { id: _id, slug: _slug, title: _title, status: _status, createdAt: _created, updatedAt: _updated, publishedAt: _published, ...rest } = content;
        const { id: _bid, slug: _bslug, title: _btitle, status: _bstatus, createdAt: _bcreated, updatedAt: _bupdated, publishedAt: _bpublished, ...bundledRest } = bundled;
        assert.deepEqual(rest, bundledRest, `the copy ${imported.id} is not the bundle's story`);
        assert.equal(content.status, 'draft');
        assert.equal(content.title, `${bundled.title} (copy)`);
        continue;
      }
      assert.deepEqual(content, bundled, `the library's ${imported.id} is not exactly the bundle's story`);
      // Independently of the reader: what the zip's story.json says, as written into it here.
      const written = facts.entries ? storyJsonOf(facts.entries, read.kind, bundled.id) : undefined;
      if (written !== undefined) assert.deepEqual(content, written, `the library's ${imported.id} is not what the bundle's story.json says`);
      const original = facts.original?.find((story) => story.id === bundled.id);
      if (facts.original) assert.deepEqual(content, original, `a bundle damaged byte by byte imported as another story (${imported.id})`);
    }
    for (const [sha256, asset] of read.assets) assert.ok(Buffer.from(store.getAsset(sha256).data).equals(asset.data), `the image ${sha256} is not the bundle's`);
  }
}

/** The story a zip's story.json holds, parsed from its bytes as they were zipped. */
function storyJsonOf(entries: readonly ZipEntrySpec[], kind: 'story' | 'library', id: string): unknown {
  const name = kind === 'story' ? 'story.json' : `stories/${id}/story.json`;
  const found = entries.filter((spec) => nameOf(spec) === name && spec.directoryName === undefined);
  if (found.length !== 1) return undefined;
  return (JSON.parse(strFromU8((found[0] as ZipEntrySpec).data)) as { story: unknown }).story;
}

export interface BundleFuzzOptions {
  /** Cases damaged byte by byte, and cases put together wrong. */
  byteRuns: number;
  entryRuns: number;
  seed?: number;
}

/** Runs both kinds of damage on both kinds of bundle into one library; throws on the first failure. */
export function fuzzBundles(options: BundleFuzzOptions, library: FuzzLibrary = openFuzzLibrary()): BundleFuzzStats {
  const bases = makeBaseBundles();
  const originals = {
    story: readBundle(bases.story, { sha256: sha256Hex }).stories,
    library: readBundle(bases.library, { sha256: sha256Hex }).stories,
  };
  const judge = new BundleImportJudge(library);
  const seeded = options.seed === undefined ? {} : { seed: options.seed };
  // Library bundles cost three stories a case: story bundles are fuzzed twice as often.
  const kind = fc.constantFrom('story' as const, 'story' as const, 'library' as const);

  fc.assert(
    fc.property(kind, fc.array(byteMutationArbitrary, { minLength: 1, maxLength: 4 }), fc.nat(), (which, mutations, choice) => {
      judge.judge(damagedBytes(bases[which], mutations), choice, { original: originals[which] });
    }),
    { numRuns: options.byteRuns, ...seeded },
  );
  fc.assert(
    fc.property(kind, fc.array(entryMutationArbitrary, { minLength: 1, maxLength: 3 }), fc.nat(), (which, mutations, choice) => {
      const entries = damagedEntries(bases[which], mutations);
      judge.judge(zipOf(entries), choice, { entries });
    }),
    { numRuns: options.entryRuns, ...seeded },
  );
  return judge.stats;
}
