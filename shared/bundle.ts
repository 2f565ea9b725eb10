/**
 * The bundle formats (DESIGN §5, docs/formats/README.md): a `.storybundle` is a zip that holds one
 * story (`story.json`) or many (`library.json`), their hero images under `assets/` and each
 * story's rendered page. Writing is deterministic, so export → import → export gives the same
 * bytes; reading trusts nothing in the file and checks all of it before returning anything, so
 * that an import either takes the whole bundle or refuses it with the reason and the place.
 *
 * Both directions stream: a bundle is written entry by entry into a sink (a file, or memory) and
 * read through random access to its bytes, so that a library of any size passes through memory
 * one story at a time.
 *
 * Pure: works on bytes and plain objects. The caller supplies SHA-256 (shared/ has no crypto), the
 * sink and the source, and may supply a faster inflater.
 */
import { deflateSync, Inflate, strFromU8, strToU8 } from 'fflate';
import { z } from 'zod';
import { formatPath, InvalidInputError, NotFoundError, parseOrThrow, StorydeskError, type FieldProblem } from './errors';
import { readImageInfo, type ImageInfo } from './image-info';
import { AssetRefSchema, IdSchema, StorySchema, type AssetRef, type ImageMediaType, type Story } from './model';
import { renderStoryPage, type StoryPageOptions } from './page-html';

// ---------------------------------------------------------------------------------------------
// The formats

export const STORY_FORMAT = 'storydesk-story';
export const LIBRARY_FORMAT = 'storydesk-library';
/** The format version this code writes. */
export const BUNDLE_FORMAT_VERSION = 1;
/** Every format version this code reads. */
export const SUPPORTED_FORMAT_VERSIONS: readonly number[] = [1];

/** The file extension of both kinds of bundle; the root file (story.json or library.json) tells them apart. */
export const BUNDLE_EXTENSION = '.storybundle';
export const BUNDLE_MEDIA_TYPE = 'application/zip';

/** What a file given to import is, from its name and its first four bytes. */
export type ImportFileKind =
  /** A zip: read as a bundle, whatever the file is called. */
  | 'bundle'
  /** Anything else: read as a page copied as text. */
  | 'text'
  /** Named as a bundle but not a zip: damaged, or not a bundle at all. Not read as text. */
  | 'not-a-bundle';

export const NOT_A_BUNDLE_REASON = `it is named as a bundle (${BUNDLE_EXTENSION}) but is not a zip archive: it is damaged or not a bundle, so nothing was imported from it`;

export function importFileKind(fileName: string, start: Uint8Array): ImportFileKind {
  // "PK" then 3 4 (a local file header), or 5 6 (the end record of an empty zip).
  const zip = start[0] === 0x50 && start[1] === 0x4b && (start[2] === 0x03 || start[2] === 0x05) && (start[3] === 0x04 || start[3] === 0x06);
  if (zip) return 'bundle';
  return fileName.toLowerCase().endsWith(BUNDLE_EXTENSION) ? 'not-a-bundle' : 'text';
}

/** A story as a bundle carries it: without `revision`, which is the library's own count. */
export type BundledStory = Omit<Story, 'revision'>;

/** Image bytes with what the library knows of them. */
export interface BundleAsset {
  asset: AssetRef;
  data: Uint8Array;
}

const EXTENSION_OF: Record<ImageMediaType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

/** Where an asset lives in a bundle: `assets/<sha256>.<ext>`. */
export function assetPath(asset: Pick<AssetRef, 'sha256' | 'mediaType'>): string {
  return `assets/${asset.sha256}.${EXTENSION_OF[asset.mediaType]}`;
}

const { revision: _revision, ...bundledStoryShape } = StorySchema.shape;

const BundledStoryFieldsSchema = z.strictObject(bundledStoryShape);

/** What identifies a problem, to tell one already reported. */
const issueKey = (issue: { path: PropertyKey[]; message: string }) => JSON.stringify([issue.path.map(String), issue.message]);

/**
 * The story without `revision`. StorySchema's own checks (ids used once per list) run too: they
 * cannot be carried over by `.omit()`, so the bundled story is checked by StorySchema as well.
 * This refinement also runs after problems that do not stop parsing (a slug of the wrong form),
 * which StorySchema finds again: only the problems the fields' own checks did not report are added.
 */
export const BundledStorySchema = BundledStoryFieldsSchema.superRefine((story, context) => {
  const result = StorySchema.safeParse({ ...story, revision: 0 });
  if (result.success) return;
  const reported = new Set(BundledStoryFieldsSchema.safeParse(story).error?.issues.map(issueKey));
  for (const issue of result.error.issues) {
    if (!reported.has(issueKey(issue))) context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
});

export const BundledAssetSchema = AssetRefSchema.extend({
  path: z
    .string()
    .regex(/^assets\/[0-9a-f]{64}\.(png|jpg|webp|gif)$/, 'must be assets/<sha256>.<png|jpg|webp|gif>')
    .describe('Where the bytes are in the bundle: assets/<sha256>.<ext>, the extension by media type.'),
});
export type BundledAsset = z.infer<typeof BundledAssetSchema>;

export const StoryDocumentSchema = z
  .strictObject({
    format: z.literal(STORY_FORMAT),
    formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
    story: BundledStorySchema,
    assets: z.array(BundledAssetSchema).describe('Every image the story uses (its hero), each once, in path order.'),
  })
  .meta({
    title: 'Storydesk story (story.json)',
    description:
      'One story of a .storybundle: the story without its library-local revision, and the images it uses. See docs/formats/README.md.',
  });
export type StoryDocument = z.infer<typeof StoryDocumentSchema>;

/**
 * Validating a story with BundledStorySchema walks it twice (its own fields, then all of
 * StorySchema again for StorySchema's checks), which made validation the largest cost of a bundle
 * after deflate. A valid story needs one walk: StorySchema itself, with `revision` set to 0 and
 * taken off again. Its output is what BundledStorySchema gives (the same fields, checks and key
 * order). Returns undefined for anything StorySchema refuses; the caller then asks
 * BundledStorySchema, so that what is reported is exactly that schema's problems.
 */
function parseBundledStory(value: unknown): BundledStory | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.hasOwn(value, 'revision')) return undefined;
  const result = StorySchema.safeParse({ ...value, revision: 0 });
  if (!result.success) return undefined;
  const { revision: _revision, ...story } = result.data;
  return story;
}

/** StoryDocumentSchema with the story left to parseBundledStory. */
const StoryDocumentShellSchema = StoryDocumentSchema.extend({ story: z.unknown() });

/** StoryDocumentSchema.safeParse, with a valid story walked once (parseBundledStory). */
function parseStoryDocument(value: unknown): z.ZodSafeParseResult<StoryDocument> {
  const shell = StoryDocumentShellSchema.safeParse(value);
  if (shell.success) {
    const story = parseBundledStory(shell.data.story);
    if (story) return { success: true, data: { ...shell.data, story } };
  }
  return StoryDocumentSchema.safeParse(value);
}

export const LibraryDocumentSchema = z
  .strictObject({
    format: z.literal(LIBRARY_FORMAT),
    formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
    stories: z
      .array(
        z.strictObject({
          id: IdSchema,
          path: z
            .string()
            .regex(/^stories\/[A-Za-z0-9][A-Za-z0-9_-]{0,63}\/story\.json$/, 'must be stories/<id>/story.json')
            .describe('Where the story is: stories/<id>/story.json, with the same id.'),
        }),
      )
      .describe('The stories of the bundle, in id order.'),
  })
  .meta({
    title: 'Storydesk library bundle (library.json)',
    description: 'The table of contents of a library .storybundle: one story.json per story under stories/<id>/. See docs/formats/README.md.',
  });
export type LibraryDocument = z.infer<typeof LibraryDocumentSchema>;

/** The JSON Schemas kept in docs/formats/, generated from the zod schemas above. */
export function bundleJsonSchemas(): Record<string, unknown> {
  return {
    'storybundle.schema.json': z.toJSONSchema(StoryDocumentSchema, { target: 'draft-2020-12' }),
    'library-bundle.schema.json': z.toJSONSchema(LibraryDocumentSchema, { target: 'draft-2020-12' }),
  };
}

/** How every JSON file of a bundle is written: 2-space indent, a final newline, UTF-8. */
export function bundleJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// Limits

export interface BundleLimits {
  /** Entries in the zip. */
  maxEntries: number;
  /** Unpacked bytes of one entry. */
  maxEntryBytes: number;
  /** Unpacked bytes of all entries together. */
  maxTotalBytes: number;
  /** Unpacked bytes per packed byte of one entry, once it unpacks to more than 1 MiB. */
  maxCompressionRatio: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_BUNDLE_LIMITS: Readonly<BundleLimits> = {
  // The most a zip without ZIP64 extensions can hold; a library of 30,000 stories fits.
  maxEntries: 65_535,
  maxEntryBytes: 64 * MiB,
  maxTotalBytes: 512 * MiB,
  maxCompressionRatio: 100,
};

/** Small entries may compress as well as they like: text of a few kilobytes often does. */
const RATIO_GRACE_BYTES = MiB;

// ---------------------------------------------------------------------------------------------
// Errors

/** One thing wrong with a bundle: the entry (`story.json`), the place in it, and what. */
export interface BundleProblem extends FieldProblem {
  /** The zip entry the problem is in; absent when it concerns the zip as a whole. */
  file?: string;
}

/** Shows an entry name as is, or quoted when it holds anything but plain printable ASCII. */
function shownName(name: string): string {
  return /^[\x21-\x7e]+$/.test(name) ? name : JSON.stringify(name);
}

function describeProblem(problem: BundleProblem): string {
  const where = [problem.file !== undefined ? shownName(problem.file) : '', problem.path ? `at ${problem.path}` : ''].filter(Boolean).join(' ');
  return where ? `${where}: ${problem.message}` : problem.message;
}

/** A bundle refused: every problem found, each with its entry and JSON path. */
export class InvalidBundleError extends InvalidInputError {
  declare readonly problems: BundleProblem[];

  constructor(problems: BundleProblem[]) {
    super('bundle', problems);
    this.name = 'InvalidBundleError';
    const listed = problems.slice(0, 5).map(describeProblem).join('; ');
    const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
    this.message = `invalid bundle: ${listed}${more}`;
  }
}

/**
 * Collects problems as the checks go, so that one refusal lists everything found — each once,
 * however many entries share it (a name that appears three times, two entries with no name).
 */
class ProblemList {
  readonly items: BundleProblem[] = [];
  private readonly listed = new Set<string>();

  add(file: string | undefined, path: string, message: string): void {
    const key = JSON.stringify([file, path, message]);
    if (this.listed.has(key)) return;
    this.listed.add(key);
    this.items.push(file === undefined ? { path, message } : { file, path, message });
  }

  throwIfAny(): void {
    if (this.items.length > 0) throw new InvalidBundleError(this.items);
  }
}

/** Refuses at once: for problems after which nothing else can be checked. */
function refuse(file: string | undefined, message: string): never {
  throw new InvalidBundleError([file === undefined ? { path: '', message } : { file, path: '', message }]);
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Where a bundle's bytes go as they are written: a file, or memory. The writer hands over each
 * chunk once and never changes it afterwards, so a sink may keep it rather than copy it.
 */
export interface ByteSink {
  write(chunk: Uint8Array): void;
}

/** Runs `write` into memory and returns the bytes it wrote. */
export function collectBytes(write: (sink: ByteSink) => void): Uint8Array {
  const chunks: Uint8Array[] = [];
  let length = 0;
  write({
    write(chunk) {
      chunks.push(chunk);
      length += chunk.byteLength;
    },
  });
  return joinChunks(chunks, length);
}

/** `chunks` one after another in one array of `length` bytes (their total). */
function joinChunks(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]?.byteLength === length) return chunks[0];
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/** The stored image with this SHA-256; throws NotFoundError when there is none. */
export type AssetLookup = (sha256: string) => BundleAsset;

function lookupIn(assets: ReadonlyMap<string, BundleAsset>): AssetLookup {
  return (sha256) => {
    const stored = assets.get(sha256);
    if (!stored) throw new NotFoundError('asset', sha256);
    return stored;
  };
}

/** The story as a bundle holds it: without `revision`, its keys in the schema's order. */
function canonicalStory(story: Story | BundledStory): BundledStory {
  const { revision: _ignored, ...rest } = story as Story;
  return parseBundledStory(rest) ?? parseOrThrow(BundledStorySchema, rest, `story ${JSON.stringify(story.id)}`);
}

/** The images a story uses: today, its hero only. */
function assetsOfStory(story: BundledStory): AssetRef[] {
  return story.hero ? [story.hero.asset] : [];
}

/** The stored bytes of `asset`, checked against what the story says of them. */
function assetBytes(asset: AssetRef, lookup: AssetLookup): Uint8Array {
  const stored = lookup(asset.sha256);
  const same = (['mediaType', 'width', 'height', 'byteLength'] as const).every((key) => stored.asset[key] === asset[key]);
  if (!same || stored.data.byteLength !== asset.byteLength) {
    throw new InvalidInputError('asset', [{ path: asset.sha256, message: 'the stored image does not match what the story says of it (type, size or length)' }]);
  }
  return stored.data;
}

function storyDocument(story: BundledStory): StoryDocument {
  const assets = assetsOfStory(story)
    .map((asset) => ({ ...asset, path: assetPath(asset) }))
    .sort((a, b) => compareText(a.path, b.path));
  return { format: STORY_FORMAT, formatVersion: BUNDLE_FORMAT_VERSION, story, assets };
}

/** The page of a bundled story. The library's revision is not the bundle's: it renders as 0. */
function storyPage(story: BundledStory, options: StoryPageOptions): Uint8Array {
  return strToU8(renderStoryPage({ ...story, revision: 0 }, options));
}

/**
 * Writes a story bundle: `story.json`, `index.html` (the page, its hero as a data: URI), then the
 * images under `assets/` in path order.
 */
export function writeStoryBundle(sink: ByteSink, story: Story | BundledStory, asset: AssetLookup): void {
  const bundled = canonicalStory(story);
  const document = storyDocument(bundled);
  const heroBytes = bundled.hero ? assetBytes(bundled.hero.asset, asset) : undefined;
  const zip = new ZipWriter(sink, dosTimeOf([bundled.updatedAt]));
  zip.add('story.json', strToU8(bundleJson(document)), true);
  zip.add('index.html', storyPage(bundled, heroBytes ? { hero: { kind: 'data', bytes: heroBytes } } : {}), true);
  for (const listed of document.assets) zip.add(listed.path, assetBytes(listed, asset), false);
  zip.finish();
}

/** A story bundle in memory (writeStoryBundle). */
export function buildStoryBundle(story: Story | BundledStory, assets: ReadonlyMap<string, BundleAsset>): Uint8Array {
  return collectBytes((sink) => writeStoryBundle(sink, story, lookupIn(assets)));
}

/** What a library bundle is written from: its stories, read one at a time. */
export interface LibraryBundleInput {
  /**
   * Every story of the bundle, with its `updatedAt`, known before any story is read: each zip
   * entry carries the newest `updatedAt` as its time, and the first entry is written first.
   */
  stories: readonly { id: string; updatedAt: string }[];
  /** The story with this id (its `updatedAt` must be the one listed). */
  story: (id: string) => Story | BundledStory;
  asset: AssetLookup;
}

/**
 * Writes a library bundle: `library.json`, then for each story in id order
 * `stories/<id>/story.json` and `stories/<id>/index.html` (its hero linked as `../../assets/…`),
 * then every image once. Holds one story at a time, and of the zip only its directory records;
 * `onProgress` hears of each story written.
 */
export function writeLibraryBundle(sink: ByteSink, input: LibraryBundleInput, onProgress?: (done: number, total: number) => void): void {
  const listed = [...input.stories].sort((a, b) => compareText(a.id, b.id));
  const repeated = listed.find((story, index) => index > 0 && listed[index - 1]?.id === story.id);
  if (repeated) throw new InvalidInputError('library bundle', [{ path: 'stories', message: `the story "${repeated.id}" is listed twice` }]);

  const zip = new ZipWriter(sink, dosTimeOf(listed.map((story) => story.updatedAt)));
  const library: LibraryDocument = {
    format: LIBRARY_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    stories: listed.map(({ id }) => ({ id, path: `stories/${id}/story.json` })),
  };
  zip.add('library.json', strToU8(bundleJson(library)), true);
  const used = new Map<string, AssetRef>();
  listed.forEach(({ id, updatedAt }, index) => {
    const story = canonicalStory(input.story(id));
    if (story.id !== id || story.updatedAt !== updatedAt) {
      // The entries written so far carry a time taken from the listing: they would be wrong.
      throw new StorydeskError('conflict', `story "${id}" changed while the bundle was being written: export it again`, { storyId: id });
    }
    const document = storyDocument(story);
    const hero = story.hero ? { hero: { kind: 'url' as const, url: `../../${assetPath(story.hero.asset)}` } } : {};
    zip.add(`stories/${id}/story.json`, strToU8(bundleJson(document)), true);
    zip.add(`stories/${id}/index.html`, storyPage(story, hero), true);
    for (const asset of document.assets) used.set(asset.path, asset);
    onProgress?.(index + 1, listed.length);
  });
  for (const path of [...used.keys()].sort(compareText)) {
    const asset = used.get(path) as AssetRef;
    zip.add(path, assetBytes(asset, input.asset), false);
  }
  zip.finish();
}

/** A library bundle in memory (writeLibraryBundle), from stories already read. */
export function buildLibraryBundle(stories: readonly (Story | BundledStory)[], assets: ReadonlyMap<string, BundleAsset>): Uint8Array {
  const byId = new Map(stories.map((story) => [story.id, story]));
  const input: LibraryBundleInput = {
    stories: stories.map(({ id, updatedAt }) => ({ id, updatedAt })),
    story: (id) => byId.get(id) as Story | BundledStory,
    asset: lookupIn(assets),
  };
  return collectBytes((sink) => writeLibraryBundle(sink, input));
}

/** Code-unit order, the same everywhere (localeCompare is not). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Random access to a bundle's bytes: a file read at offsets, or bytes in memory. */
export interface RandomAccessSource {
  /** The bundle's length in bytes. */
  readonly size: number;
  /** Exactly `length` bytes from `offset`; a source that cannot give them (a file cut short meanwhile) throws. */
  read(offset: number, length: number): Uint8Array;
}

/** Bytes in memory as a source. What it reads shares their memory. */
export function bytesSource(bytes: Uint8Array): RandomAccessSource {
  return {
    size: bytes.byteLength,
    read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > bytes.byteLength) throw new RangeError(`bytes ${offset}–${offset + length} are outside the bundle`);
      return bytes.subarray(offset, offset + length);
    },
  };
}

/**
 * Unpacks raw deflate data into at most `limit` bytes: returns them, or undefined as soon as the
 * data turns out to unpack to more. Throws when the data is damaged.
 */
export type Inflater = (packed: Uint8Array, limit: number) => Uint8Array | undefined;

export interface ReadBundleOptions {
  /** SHA-256 of bytes as lowercase hex: every asset is checked against its name. */
  sha256: (bytes: Uint8Array) => string;
  limits?: Partial<BundleLimits>;
  /** How deflated entries are unpacked; by default `inflateInSteps` (fflate). */
  inflate?: Inflater;
  /** Hears of each zip entry checked: `done` of `total`. */
  onProgress?: (done: number, total: number) => void;
}

export interface BundleContents {
  kind: 'story' | 'library';
  /** In the bundle's order (library bundles: id order). */
  stories: BundledStory[];
  /** Every image the stories use, by SHA-256, each checked against its bytes. */
  assets: Map<string, BundleAsset>;
}

/** A story of a checked bundle: what an import plans with, without the story itself. */
export interface BundledStoryListing {
  id: string;
  title: string;
  /** The SHA-256 of each image the story uses. */
  assets: readonly string[];
  /** Its story.json in the zip. */
  file: string;
}

const ASSET_NAME = /^assets\/([0-9a-f]{64})\.(png|jpg|webp|gif)$/;
const STORY_ENTRY = /^stories\/([A-Za-z0-9][A-Za-z0-9_-]{0,63})\/(story\.json|index\.html)$/;
const STORY_FOLDER = /^stories\/([A-Za-z0-9][A-Za-z0-9_-]{0,63})\/$/;

/**
 * Reads and checks a bundle of either kind, in memory. Everything is checked before anything is
 * returned: see checkBundle, which this reads the stories and images of.
 */
export function readBundle(bytes: Uint8Array, options: ReadBundleOptions): BundleContents {
  const bundle = checkBundle(bytesSource(bytes), options);
  return {
    kind: bundle.kind,
    stories: bundle.stories.map((story) => bundle.readStory(story)),
    assets: new Map([...bundle.assets.keys()].map((sha256) => [sha256, bundle.readAsset(sha256)])),
  };
}

/**
 * Checks a bundle of either kind, reading it once from start to end: the zip's structure, every
 * entry name, the unpacked sizes (counted while unpacking, never taken from the headers), each
 * entry's CRC-32, the JSON files against their schemas, every image against its name (SHA-256),
 * its media type and pixel size. Throws InvalidBundleError (an InvalidInputError) that names the
 * entry and the JSON path of each problem.
 *
 * Keeps only the zip's directory and a listing of the stories: a story or an image is read again,
 * one at a time, when asked for (CheckedBundle), so that a bundle of any size can be imported.
 */
export function checkBundle(source: RandomAccessSource, options: ReadBundleOptions): CheckedBundle {
  const limits: BundleLimits = { ...DEFAULT_BUNDLE_LIMITS, ...options.limits };
  const entries = readZipDirectory(source, limits);
  const kind = checkLayout(entries);
  const reader = new EntryReader(source, limits, options.inflate ?? inflateInSteps);
  const scanned = scanEntries(reader, entries, kind, options);
  const checked = kind === 'story' ? checkStoryBundle(scanned) : checkLibraryBundle(scanned);
  return new CheckedBundle(kind, checked, reader, entries, options.sha256);
}

/** What the checks found: the stories' listings and what the stories say of their images. */
interface CheckedContents {
  stories: { listing: BundledStoryListing; digest: StoryDigest }[];
  /** By SHA-256, in the order the stories first use them. */
  assets: Map<string, AssetRef>;
}

const CHANGED_SINCE_CHECKED = 'changed while the bundle was being imported: it no longer matches what was checked. Import the bundle again';

/**
 * A bundle that checkBundle found sound. Its stories and images are read from the source again
 * when asked for, and refused if they are no longer what was checked (a file changed meanwhile).
 */
export class CheckedBundle {
  readonly kind: 'story' | 'library';
  /** In the bundle's order (library bundles: id order). */
  readonly stories: readonly BundledStoryListing[];
  /** Every image the stories use, by SHA-256, as the stories describe it. */
  readonly assets: ReadonlyMap<string, AssetRef>;
  private readonly digests: ReadonlyMap<string, StoryDigest>;
  private readonly entries: ReadonlyMap<string, ZipEntry>;

  constructor(
    kind: 'story' | 'library',
    checked: CheckedContents,
    private readonly reader: EntryReader,
    entries: readonly ZipEntry[],
    private readonly sha256: (bytes: Uint8Array) => string,
  ) {
    this.kind = kind;
    this.stories = checked.stories.map(({ listing }) => listing);
    this.digests = new Map(checked.stories.map(({ listing, digest }) => [listing.file, digest]));
    this.assets = checked.assets;
    // Of the directory, only the entries that may be read again: each story.json and image.
    const readable = new Set([...this.digests.keys(), ...[...this.assets.values()].map(assetPath)]);
    this.entries = new Map(entries.filter((entry) => readable.has(entry.name)).map((entry) => [entry.name, entry]));
  }

  /** The story, read and checked again. */
  readStory(listing: BundledStoryListing): BundledStory {
    const document = checkStoryJson(this.readAgain(listing.file), listing.file).value;
    const digest = this.digests.get(listing.file);
    if (!document || !digest || !sameDigest(digestOf(document), digest)) refuse(listing.file, CHANGED_SINCE_CHECKED);
    return document.story;
  }

  /** The image, read and checked again. */
  readAsset(sha256: string): BundleAsset {
    const asset = this.assets.get(sha256);
    if (!asset) throw new NotFoundError('asset', sha256);
    const file = assetPath(asset);
    const data = this.readAgain(file);
    if (this.sha256(data) !== sha256) refuse(file, CHANGED_SINCE_CHECKED);
    return { asset, data };
  }

  private readAgain(file: string): Uint8Array {
    const entry = this.entries.get(file);
    if (!entry) throw new NotFoundError('bundle entry', file);
    const data = this.reader.unpack(entry, this.reader.limits.maxTotalBytes);
    if (!isIntact(entry, data)) refuse(file, CHANGED_SINCE_CHECKED);
    return data;
  }
}

/** Entry names: safe paths first, then the layout of the bundle's kind. Returns the kind. */
function checkLayout(entries: readonly ZipEntry[]): 'story' | 'library' {
  const problems = new ProblemList();
  const seen = new Set<string>();
  for (const entry of entries) {
    const unsafe = unsafeNameReason(entry.name);
    if (unsafe) problems.add(entry.name, '', unsafe);
    else if (seen.has(entry.name)) problems.add(entry.name, '', 'appears twice in the zip');
    seen.add(entry.name);
  }
  problems.throwIfAny();

  const isStory = seen.has('story.json');
  const isLibrary = seen.has('library.json');
  if (isStory && isLibrary) refuse(undefined, 'the bundle holds both story.json and library.json; it must hold one (story.json for one story, library.json for several)');
  if (!isStory && !isLibrary) {
    refuse('story.json', 'is missing: a story bundle holds story.json at its root (a library bundle, library.json); this is not a Storydesk bundle, or it is incomplete');
  }

  for (const entry of entries) {
    const name = entry.name;
    const known = isStory
      ? name === 'story.json' || name === 'index.html' || name === 'assets/' || ASSET_NAME.test(name)
      : name === 'library.json' || name === 'assets/' || name === 'stories/' || ASSET_NAME.test(name) || STORY_ENTRY.test(name) || STORY_FOLDER.test(name);
    if (!known) {
      problems.add(
        name,
        '',
        isStory
          ? 'is not part of a story bundle, which holds only story.json, index.html and assets/<sha256>.<png|jpg|webp|gif>'
          : 'is not part of a library bundle, which holds only library.json, stories/<id>/story.json, stories/<id>/index.html and assets/<sha256>.<png|jpg|webp|gif>',
      );
    } else if (name.endsWith('/') && entry.size !== 0) {
      problems.add(name, '', 'is a folder entry but holds data');
    }
  }
  problems.throwIfAny();
  return isStory ? 'story' : 'library';
}

/** Why a name is not a safe relative path inside the bundle, or undefined when it is. */
function unsafeNameReason(name: string): string | undefined {
  if (name === '') return 'an entry has an empty name';
  if (name.includes('\0')) return 'the name contains a NUL character';
  if ([...name].some((character) => character < ' ' || character === '\x7f')) return 'the name contains a control character';
  if (name.includes('\\')) return 'the name contains a backslash (zip entry names separate folders with "/")';
  if (name.startsWith('/')) return 'the name is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'the name starts with a drive letter';
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  if (segments.includes('..')) return 'the name climbs out of the bundle with ".."';
  if (segments.some((segment) => segment === '' || segment === '.')) return 'the name has an empty or "." folder';
  return undefined;
}

// The entries, read once from start to end. The checks of the JSON files and images run on each
// entry as it is unpacked, and what they find is kept (problems, and the little that the
// cross-checks need) rather than the entry: the cross-checks below then report it in the order
// they always have, and a bundle is never held in memory whole.

/** A JSON file checked against its schema: the problems found, or its value. */
interface CheckedJson<T> {
  problems: BundleProblem[];
  value: T | undefined;
}

/** What the cross-checks and an import need of a story.json: not the story itself. */
interface StoryDigest {
  id: string;
  title: string;
  /** The images the story uses (its hero), as it describes them. */
  references: AssetRef[];
  /** Its `assets` list. */
  assets: BundledAsset[];
}

/** What the cross-checks need of an image entry. */
interface ImageFacts {
  sha256: string;
  byteLength: number;
  info: ImageInfo | undefined;
}

interface ScannedEntries {
  /** The zip's files (folder entries left out), in its order. */
  names: Set<string>;
  library: CheckedJson<LibraryDocument> | undefined;
  /** Each story.json, by entry name. */
  stories: Map<string, CheckedJson<StoryDigest>>;
  /** Each image, by entry name. */
  images: Map<string, ImageFacts>;
}

/** Unpacks every entry, counting bytes as they come out and stopping at the first limit passed, and checks each as it comes. */
function scanEntries(reader: EntryReader, entries: readonly ZipEntry[], kind: 'story' | 'library', options: ReadBundleOptions): ScannedEntries {
  const limits = reader.limits;
  let declaredTotal = 0;
  for (const entry of entries) {
    const problem = declaredSizeProblem(entry, limits);
    if (problem) refuse(entry.name, problem);
    declaredTotal += entry.size;
  }
  if (declaredTotal > limits.maxTotalBytes) refuse(undefined, `the bundle would unpack to ${declaredTotal} bytes; a bundle may hold at most ${limits.maxTotalBytes}`);

  const scanned: ScannedEntries = { names: new Set(), library: undefined, stories: new Map(), images: new Map() };
  const storyJson = kind === 'story' ? /^story\.json$/ : /^stories\/[^/]+\/story\.json$/;
  let total = 0;
  entries.forEach((entry, index) => {
    const data = reader.unpack(entry, limits.maxTotalBytes - total);
    total += data.byteLength;
    if (data.byteLength !== entry.size) refuse(entry.name, `is damaged: it unpacks to ${data.byteLength} bytes, but the zip says ${entry.size}`);
    if (crc32(data) !== entry.crc) refuse(entry.name, 'is damaged: its CRC-32 does not match its contents');
    const name = entry.name;
    if (!name.endsWith('/')) {
      scanned.names.add(name);
      if (kind === 'library' && name === 'library.json') scanned.library = checkJson(data, name, LIBRARY_FORMAT, (value) => LibraryDocumentSchema.safeParse(value));
      else if (storyJson.test(name)) {
        const { problems, value } = checkStoryJson(data, name);
        scanned.stories.set(name, { problems, value: value && digestOf(value) });
      } else if (ASSET_NAME.test(name)) scanned.images.set(name, { sha256: options.sha256(data), byteLength: data.byteLength, info: readImageInfo(data) });
    }
    options.onProgress?.(index + 1, entries.length);
  });
  return scanned;
}

function checkStoryJson(data: Uint8Array, name: string): CheckedJson<StoryDocument> {
  return checkJson(data, name, STORY_FORMAT, parseStoryDocument);
}

function digestOf(document: StoryDocument): StoryDigest {
  return { id: document.story.id, title: document.story.title, references: assetsOfStory(document.story), assets: document.assets };
}

function sameDigest(a: StoryDigest, b: StoryDigest): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A JSON file of the bundle: UTF-8, JSON, its format and version, then its schema. */
function checkJson<T>(data: Uint8Array, name: string, format: string, parse: (value: unknown) => z.ZodSafeParseResult<T>): CheckedJson<T> {
  const problems = new ProblemList();
  const value = checkDocument(parseJson(data, name, problems), name, format, parse, problems);
  return { problems: problems.items, value };
}

/** What was found in a JSON file: its problems go to `problems`; returns its value. */
function recorded<T>(checked: CheckedJson<T> | undefined, name: string, problems: ProblemList): T | undefined {
  if (!checked) {
    problems.add(name, '', 'is missing');
    return undefined;
  }
  for (const problem of checked.problems) problems.add(problem.file, problem.path, problem.message);
  return checked.value;
}

/** Parses one JSON entry, or records why it cannot be read. */
function parseJson(data: Uint8Array, name: string, problems: ProblemList): unknown {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
    problems.add(name, '', 'starts with a byte-order mark; bundle JSON is UTF-8 without one');
    return undefined;
  }
  const text = strFromU8(data);
  // A lossless round trip is how a decoder without a "fatal" mode proves the bytes were UTF-8.
  if (!sameBytes(strToU8(text), data)) {
    problems.add(name, '', 'is not valid UTF-8 text');
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    problems.add(name, '', `is not valid JSON (${(error as Error).message})`);
    return undefined;
  }
}

/**
 * A value found in a bundle, for a message: a short one as JSON, a long string cut, and a list
 * or an object by its kind alone — it may be nested too deep to write out, or be huge.
 */
function shownValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  if (typeof value === 'string' && value.length > 60) return `${JSON.stringify(value.slice(0, 60)).slice(0, -1)}…"`;
  return JSON.stringify(value) ?? String(value);
}

/**
 * Checks a parsed JSON file against its schema, after its format and version, so that a file of
 * another kind or version is reported as such rather than as a list of schema errors.
 */
function checkDocument<T>(
  value: unknown,
  name: string,
  format: string,
  parse: (value: unknown) => z.ZodSafeParseResult<T>,
  problems: ProblemList,
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.add(name, '', 'must be a JSON object');
    return undefined;
  }
  const header = value as { format?: unknown; formatVersion?: unknown };
  if (header.format !== format) {
    problems.add(name, 'format', `must be "${format}", found ${header.format === undefined ? 'nothing' : shownValue(header.format)}`);
    return undefined;
  }
  if (!SUPPORTED_FORMAT_VERSIONS.includes(header.formatVersion as number)) {
    const newer = typeof header.formatVersion === 'number' && header.formatVersion > BUNDLE_FORMAT_VERSION;
    problems.add(
      name,
      'formatVersion',
      `format version ${shownValue(header.formatVersion ?? null)} is not supported: this version of Storydesk reads format version ` +
        `${SUPPORTED_FORMAT_VERSIONS.join(', ')}${newer ? ' (the bundle was written by a newer Storydesk: update Storydesk to import it)' : ''}`,
    );
    return undefined;
  }
  const result = parse(value);
  if (!result.success) {
    for (const issue of result.error.issues) problems.add(name, formatPath(issue.path), issue.message);
    return undefined;
  }
  return result.data;
}

/**
 * Checks one story.json against the bundle: its assets list names exactly the images the story
 * uses, as the story describes them, and each is in the bundle. Returns the paths it uses.
 */
function checkStoryAssets(story: StoryDigest, name: string, files: ReadonlySet<string>, problems: ProblemList): Map<string, BundledAsset> {
  const used = new Map<string, BundledAsset>();
  const listed = new Map<string, number>();
  story.assets.forEach((asset, index) => {
    const where = `assets[${index}]`;
    if (listed.has(asset.sha256)) {
      problems.add(name, `${where}.sha256`, `lists the image ${asset.sha256} a second time`);
      return;
    }
    listed.set(asset.sha256, index);
    if (asset.path !== assetPath(asset)) {
      problems.add(name, `${where}.path`, `must be ${assetPath(asset)} for a ${asset.mediaType} image with this SHA-256, found ${asset.path}`);
      return;
    }
    const reference = story.references.find((candidate) => candidate.sha256 === asset.sha256);
    if (!reference) {
      problems.add(name, where, `lists ${asset.path}, which the story does not use`);
      return;
    }
    for (const key of ['mediaType', 'width', 'height', 'byteLength'] as const) {
      if (reference[key] !== asset[key]) problems.add(name, `${where}.${key}`, `is ${JSON.stringify(asset[key])}, but story.hero.asset.${key} is ${JSON.stringify(reference[key])}`);
    }
    if (!files.has(asset.path)) {
      problems.add(name, `${where}.path`, `names ${asset.path}, which is not in the bundle`);
      return;
    }
    used.set(asset.path, asset);
  });
  for (const reference of story.references) {
    if (!listed.has(reference.sha256)) problems.add(name, 'story.hero.asset', `the hero image ${assetPath(reference)} is not listed in assets`);
  }
  return used;
}

/** Checks each image's bytes against its name and listing: SHA-256, length, type, pixel size. */
function checkAssetBytes(used: ReadonlyMap<string, BundledAsset>, images: ReadonlyMap<string, ImageFacts>, problems: ProblemList): Map<string, AssetRef> {
  const assets = new Map<string, AssetRef>();
  for (const [path, listed] of used) {
    const facts = images.get(path) as ImageFacts;
    const { path: _path, ...asset } = listed;
    const problemsBefore = problems.items.length;
    if (facts.sha256 !== listed.sha256) problems.add(path, '', `its bytes do not match its name: their SHA-256 is ${facts.sha256}`);
    else {
      if (facts.byteLength !== listed.byteLength) problems.add(path, '', `holds ${facts.byteLength} bytes, but story.json says ${listed.byteLength}`);
      const info = facts.info;
      if (!info) problems.add(path, '', 'is not a PNG, JPEG, GIF or WebP image');
      else if (info.mediaType !== listed.mediaType) problems.add(path, '', `is a ${info.mediaType} image, but story.json says ${listed.mediaType}`);
      else if (info.width !== listed.width || info.height !== listed.height) {
        problems.add(path, '', `is ${info.width}×${info.height} pixels, but story.json says ${listed.width}×${listed.height}`);
      }
    }
    if (problems.items.length === problemsBefore) assets.set(listed.sha256, asset);
  }
  return assets;
}

/** Every asset entry in the bundle must be used: a bundle holds nothing it does not need. */
function checkNoStrayAssets(files: ReadonlySet<string>, used: ReadonlyMap<string, BundledAsset>, problems: ProblemList): void {
  const bySha = new Map<string, string>();
  for (const name of files) {
    const match = ASSET_NAME.exec(name);
    if (!match) continue;
    const sha = match[1] as string;
    const other = bySha.get(sha);
    if (other !== undefined) problems.add(name, '', `holds the same image as ${other}`);
    else if (!used.has(name)) problems.add(name, '', 'is not used by any story in the bundle');
    bySha.set(sha, name);
  }
}

function listingOf(story: StoryDigest, file: string): { listing: BundledStoryListing; digest: StoryDigest } {
  return { listing: { id: story.id, title: story.title, assets: story.references.map((asset) => asset.sha256), file }, digest: story };
}

function checkStoryBundle(scanned: ScannedEntries): CheckedContents {
  const problems = new ProblemList();
  const story = recorded(scanned.stories.get('story.json'), 'story.json', problems);
  if (!scanned.names.has('index.html')) problems.add('index.html', '', 'is missing: a story bundle holds the rendered page beside story.json');
  problems.throwIfAny();
  if (!story) return refuse('story.json', 'could not be read');

  const used = checkStoryAssets(story, 'story.json', scanned.names, problems);
  checkNoStrayAssets(scanned.names, used, problems);
  problems.throwIfAny();
  const assets = checkAssetBytes(used, scanned.images, problems);
  problems.throwIfAny();
  return { stories: [listingOf(story, 'story.json')], assets };
}

function checkLibraryBundle(scanned: ScannedEntries): CheckedContents {
  const problems = new ProblemList();
  const library = recorded(scanned.library, 'library.json', problems);
  problems.throwIfAny();
  if (!library) return refuse('library.json', 'could not be read');

  const listed = new Set<string>();
  library.stories.forEach((entry, index) => {
    if (listed.has(entry.id)) problems.add('library.json', `stories[${index}].id`, `lists the story "${entry.id}" a second time`);
    else if (entry.path !== `stories/${entry.id}/story.json`) problems.add('library.json', `stories[${index}].path`, `must be stories/${entry.id}/story.json, found ${entry.path}`);
    listed.add(entry.id);
  });
  for (const name of scanned.names) {
    const id = STORY_ENTRY.exec(name)?.[1] ?? STORY_FOLDER.exec(name)?.[1];
    if (id !== undefined && !listed.has(id)) problems.add(name, '', `belongs to a story "${id}" that library.json does not list`);
  }
  problems.throwIfAny();

  const stories: CheckedContents['stories'] = [];
  const used = new Map<string, { asset: BundledAsset; file: string }>();
  for (const { id, path } of library.stories) {
    const story = recorded(scanned.stories.get(path), path, problems);
    if (!scanned.names.has(`stories/${id}/index.html`)) problems.add(`stories/${id}/index.html`, '', 'is missing: each story of a library bundle has its rendered page');
    if (!story) continue;
    if (story.id !== id) problems.add(path, 'story.id', `is "${story.id}", but the story is filed under stories/${id}/`);
    for (const [assetName, asset] of checkStoryAssets(story, path, scanned.names, problems)) {
      // Stories that share an image must describe it alike: only then does one check of the bytes cover them all.
      const earlier = used.get(assetName);
      if (earlier && (['mediaType', 'width', 'height', 'byteLength'] as const).some((key) => earlier.asset[key] !== asset[key])) {
        problems.add(path, 'assets', `describes ${assetName} otherwise than ${earlier.file} does`);
      } else if (!earlier) used.set(assetName, { asset, file: path });
    }
    stories.push(listingOf(story, path));
  }
  const listings = new Map([...used].map(([assetName, { asset }]) => [assetName, asset]));
  checkNoStrayAssets(scanned.names, listings, problems);
  problems.throwIfAny();
  const assets = checkAssetBytes(listings, scanned.images, problems);
  problems.throwIfAny();
  return { stories, assets };
}

// ---------------------------------------------------------------------------------------------
// The zip container. Written and read here rather than by a zip library's convenience functions:
// writing must be byte-for-byte deterministic (fflate's zipSync stamps local time), and reading
// must trust no header (sizes are counted while unpacking, entries may not overlap).

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const STORED = 0;
const DEFLATED = 8;
/** The deflate level every bundle is written with: part of what makes the bytes reproducible. */
const DEFLATE_LEVEL = 6;
/** Unix, zip spec 2.0; with regular-file mode 0644 in the external attributes. */
const VERSION_MADE_BY = (3 << 8) | 20;
const FILE_ATTRIBUTES = (0o100644 << 16) >>> 0;
/** The largest offset or size a zip without ZIP64 can say. */
const ZIP_MAX_BYTES = 0xffffffff;

interface DosDateTime {
  time: number;
  date: number;
}

/**
 * The modification time written on every entry: the newest `updatedAt` of the bundle's stories,
 * in UTC (zip times have no zone), to 2 seconds, within the years zip can say (1980–2107).
 */
function dosTimeOf(timestamps: readonly string[]): DosDateTime {
  const newest = timestamps.reduce((latest, value) => (value > latest ? value : latest), '');
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(newest);
  if (!match) return { date: (1 << 5) | 1, time: 0 };
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  if (year < 1980) return { date: (1 << 5) | 1, time: 0 };
  if (year > 2107) return { date: (127 << 9) | (12 << 5) | 31, time: (23 << 11) | (59 << 5) | 29 };
  return { date: ((year - 1980) << 9) | (month << 5) | day, time: (hour << 11) | (minute << 5) | (second >> 1) };
}

/** What the zip's directory says of an entry written: kept until the end, so kept small (the name as text). */
interface WrittenEntry {
  name: string;
  nameLength: number;
  method: number;
  crc: number;
  packedSize: number;
  size: number;
  offset: number;
}

function bundleTooLarge(message: string): InvalidInputError {
  return new InvalidInputError('bundle', [{ path: '', message: `${message}: export fewer stories at a time` }]);
}

/**
 * Writes a zip entry by entry into a sink: each entry's local header and data at once, then the
 * directory at the end. Never writes what readBundle would refuse with its default limits.
 */
class ZipWriter {
  private readonly written: WrittenEntry[] = [];
  private offset = 0;
  private unpacked = 0;

  constructor(
    private readonly sink: ByteSink,
    private readonly modified: DosDateTime,
  ) {}

  /** Adds an entry: deflated (text), or stored as it is (images, compressed already). */
  add(name: string, data: Uint8Array, compress: boolean): void {
    const limits = DEFAULT_BUNDLE_LIMITS;
    this.unpacked += data.byteLength;
    if (this.unpacked > limits.maxTotalBytes || data.byteLength > limits.maxEntryBytes || this.written.length >= limits.maxEntries) {
      throw bundleTooLarge(
        `the bundle would hold more than ${this.unpacked - data.byteLength} bytes in ${this.written.length + 1} files; a bundle holds at most ` +
          `${limits.maxTotalBytes} bytes (${limits.maxEntryBytes} per file) in ${limits.maxEntries} files`,
      );
    }
    const nameBytes = strToU8(name);
    const body = compress ? deflateSync(data, { level: DEFLATE_LEVEL }) : data;
    const entry: WrittenEntry = { name, nameLength: nameBytes.length, method: compress ? DEFLATED : STORED, crc: crc32(data), packedSize: body.length, size: data.byteLength, offset: this.offset };
    const header = new Uint8Array(30 + nameBytes.length);
    const view = new DataView(header.buffer);
    view.setUint32(0, LOCAL_HEADER, true);
    view.setUint16(4, entry.method === DEFLATED ? 20 : 10, true);
    view.setUint16(6, 0, true);
    view.setUint16(8, entry.method, true);
    view.setUint16(10, this.modified.time, true);
    view.setUint16(12, this.modified.date, true);
    view.setUint32(14, entry.crc, true);
    view.setUint32(18, entry.packedSize, true);
    view.setUint32(22, entry.size, true);
    view.setUint16(26, nameBytes.length, true);
    view.setUint16(28, 0, true);
    header.set(nameBytes, 30);
    if (this.offset + header.length + body.length > ZIP_MAX_BYTES) throw bundleTooLarge('the bundle would be larger than a zip file can be (4 GiB)');
    this.sink.write(header);
    this.sink.write(body);
    this.offset += header.length + body.length;
    this.written.push(entry);
  }

  /** Writes the directory and the end record. */
  finish(): void {
    const directorySize = this.written.reduce((sum, entry) => sum + 46 + entry.nameLength, 0);
    if (this.offset + directorySize + 22 > ZIP_MAX_BYTES) throw bundleTooLarge('the bundle would be larger than a zip file can be (4 GiB)');
    const out = new Uint8Array(directorySize + 22);
    const view = new DataView(out.buffer);
    let at = 0;
    for (const entry of this.written) {
      const nameBytes = strToU8(entry.name);
      view.setUint32(at, CENTRAL_HEADER, true);
      view.setUint16(at + 4, VERSION_MADE_BY, true);
      view.setUint16(at + 6, entry.method === DEFLATED ? 20 : 10, true);
      view.setUint16(at + 8, 0, true);
      view.setUint16(at + 10, entry.method, true);
      view.setUint16(at + 12, this.modified.time, true);
      view.setUint16(at + 14, this.modified.date, true);
      view.setUint32(at + 16, entry.crc, true);
      view.setUint32(at + 20, entry.packedSize, true);
      view.setUint32(at + 24, entry.size, true);
      view.setUint16(at + 28, nameBytes.length, true);
      // Extra field, comment, disk number and internal attributes stay 0.
      view.setUint32(at + 38, FILE_ATTRIBUTES, true);
      view.setUint32(at + 42, entry.offset, true);
      out.set(nameBytes, at + 46);
      at += 46 + nameBytes.length;
    }
    view.setUint32(at, END_OF_DIRECTORY, true);
    view.setUint16(at + 8, this.written.length, true);
    view.setUint16(at + 10, this.written.length, true);
    view.setUint32(at + 12, directorySize, true);
    view.setUint32(at + 16, this.offset, true);
    this.sink.write(out);
  }
}

interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  /** Packed bytes, as the directory says. */
  packedSize: number;
  /** Unpacked bytes, as the directory says: checked, never trusted. */
  size: number;
  dataStart: number;
}

function uint16(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

function uint32(bytes: Uint8Array, at: number): number {
  return (uint16(bytes, at) | (uint16(bytes, at + 2) << 16)) >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) return false;
  return true;
}

/** Bytes of a zip's directory read a window at a time: its records are parsed one after another. */
class WindowedReader {
  private start = 0;
  private window: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly source: RandomAccessSource,
    private readonly end: number,
  ) {}

  /** `length` bytes at `at`, which the caller has checked lie before the end. */
  bytes(at: number, length: number): Uint8Array {
    if (at < this.start || at + length > this.start + this.window.length) {
      this.start = at;
      this.window = this.source.read(at, Math.min(this.end - at, Math.max(length, 1024 * 1024)));
    }
    return this.window.subarray(at - this.start, at - this.start + length);
  }
}

/** Finds the end-of-directory record: the last one whose comment runs exactly to the end. Returns its offset in the source. */
function findEndOfDirectory(source: RandomAccessSource): number {
  const tailLength = Math.min(source.size, 22 + 0xffff);
  const tail = source.read(source.size - tailLength, tailLength);
  for (let at = tail.length - 22; at >= 0; at -= 1) {
    if (uint32(tail, at) === END_OF_DIRECTORY && at + 22 + uint16(tail, at + 20) === tail.length) return source.size - tailLength + at;
  }
  if (source.size === 0) return refuse(undefined, 'the file is empty');
  if (uint32(source.read(0, Math.min(4, source.size)), 0) === LOCAL_HEADER) {
    return refuse(undefined, 'the zip is truncated or damaged: its directory (at the end of the file) is missing. The file was cut short? Export it again');
  }
  return refuse(undefined, 'the file is not a zip archive (a .storybundle is a zip file)');
}

/** Reads the zip's directory and each entry's local header, checking that they agree. */
function readZipDirectory(source: RandomAccessSource, limits: BundleLimits): ZipEntry[] {
  const end = findEndOfDirectory(source);
  const record = source.read(end, 22);
  const count = uint16(record, 10);
  const directorySize = uint32(record, 12);
  const directoryStart = uint32(record, 16);
  if (uint16(record, 4) !== 0 || uint16(record, 6) !== 0 || uint16(record, 8) !== count) {
    refuse(undefined, 'the zip is split across several files, which bundles never are');
  }
  if (count === 0xffff || directorySize === 0xffffffff || directoryStart === 0xffffffff) {
    refuse(undefined, 'the zip uses ZIP64 extensions, which bundles never need');
  }
  if (directoryStart + directorySize !== end) {
    refuse(undefined, 'the zip is damaged: its directory is not where its end record says (truncated, or data was added or removed)');
  }
  if (count > limits.maxEntries) refuse(undefined, `the zip holds ${count} entries; a bundle may hold at most ${limits.maxEntries}`);

  const directory = new WindowedReader(source, end);
  const entries: (ZipEntry & { localStart: number })[] = [];
  let at = directoryStart;
  for (let index = 0; index < count; index += 1) {
    if (at + 46 > end || uint32(directory.bytes(at, 4), 0) !== CENTRAL_HEADER) refuse(undefined, `the zip is damaged: directory record ${index + 1} of ${count} is malformed`);
    const header = directory.bytes(at, 46);
    const flags = uint16(header, 8);
    const method = uint16(header, 10);
    const nameLength = uint16(header, 28);
    const recordEnd = at + 46 + nameLength + uint16(header, 30) + uint16(header, 32);
    if (recordEnd > end) refuse(undefined, `the zip is damaged: directory record ${index + 1} of ${count} runs past the directory`);
    const nameBytes = directory.bytes(at + 46, nameLength).slice();
    const name = strFromU8(nameBytes);
    const entry = {
      name,
      method,
      crc: uint32(header, 16),
      packedSize: uint32(header, 20),
      size: uint32(header, 24),
      localStart: uint32(header, 42),
      dataStart: 0,
    };
    if (flags & 0x41) refuse(name, 'is encrypted; bundles are never encrypted');
    if (method !== STORED && method !== DEFLATED) refuse(name, `uses compression method ${method}; bundles use only stored (0) or deflate (8)`);
    if (method === STORED && entry.packedSize !== entry.size) refuse(name, 'is damaged: stored without compression, yet its packed and unpacked sizes differ');

    const localStart = entry.localStart;
    if (localStart + 30 > directoryStart) refuse(name, 'is damaged: its local header is missing or malformed');
    // The local header and, where it should be, the name: both are compared with the directory's.
    const local = source.read(localStart, Math.min(30 + nameLength, source.size - localStart));
    if (uint32(local, 0) !== LOCAL_HEADER) refuse(name, 'is damaged: its local header is missing or malformed');
    const localNameLength = uint16(local, 26);
    entry.dataStart = localStart + 30 + localNameLength + uint16(local, 28);
    if (uint16(local, 8) !== method || localNameLength !== nameLength || !sameBytes(local.subarray(30, 30 + nameLength), nameBytes)) {
      refuse(name, 'is damaged: its local header does not match the zip directory');
    }
    const usesDataDescriptor = (uint16(local, 6) & 0x08) !== 0;
    if (!usesDataDescriptor && (uint32(local, 14) !== entry.crc || uint32(local, 18) !== entry.packedSize || uint32(local, 22) !== entry.size)) {
      refuse(name, 'is damaged: its local header does not match the zip directory');
    }
    if (entry.dataStart + entry.packedSize > directoryStart) refuse(name, 'is damaged: its data runs past the end of the entries (the zip is truncated?)');
    entries.push(entry);
    at = recordEnd;
  }
  if (at !== end) refuse(undefined, 'the zip is damaged: its directory holds more than its end record says');

  // Entries that share bytes are how some zip bombs multiply their size: none may overlap.
  const byPosition = [...entries].sort((a, b) => a.localStart - b.localStart);
  byPosition.forEach((entry, index) => {
    const next = byPosition[index + 1];
    if (next && entry.dataStart + entry.packedSize > next.localStart) refuse(entry.name, `overlaps ${shownName(next.name)} in the zip`);
  });
  return entries.map(({ localStart: _localStart, ...entry }) => entry);
}

/** Why an entry may not be unpacked, judged by its headers (they are checked again while unpacking). */
function declaredSizeProblem(entry: ZipEntry, limits: BundleLimits): string | undefined {
  if (entry.size > limits.maxEntryBytes) return `would unpack to ${entry.size} bytes; an entry may hold at most ${limits.maxEntryBytes}`;
  if (entry.size > RATIO_GRACE_BYTES && entry.size > entry.packedSize * limits.maxCompressionRatio) {
    return `would unpack ${entry.packedSize} bytes to ${entry.size} (more than ${limits.maxCompressionRatio} times): refused as a possible zip bomb`;
  }
  return undefined;
}

/** Whether unpacked bytes are what the zip's directory says of them: length and CRC-32. */
function isIntact(entry: ZipEntry, data: Uint8Array): boolean {
  return data.byteLength === entry.size && crc32(data) === entry.crc;
}

/** Reads entries from the source and unpacks them, within the limits: the one way entry bytes are read. */
class EntryReader {
  constructor(
    private readonly source: RandomAccessSource,
    readonly limits: BundleLimits,
    private readonly inflate: Inflater,
  ) {}

  /**
   * The entry's bytes, unpacked, stopping (and refusing) as soon as they pass what the zip says,
   * `remaining` (what the bundle may still unpack to) or the compression ratio allowed. Their
   * length and CRC-32 are the caller's to check.
   */
  unpack(entry: ZipEntry, remaining: number): Uint8Array {
    if (entry.packedSize === 0) return new Uint8Array(0);
    const packed = this.source.read(entry.dataStart, entry.packedSize);
    if (entry.method === STORED) return packed;

    const ratio = this.limits.maxCompressionRatio;
    const limit = Math.min(entry.size, remaining, Math.max(RATIO_GRACE_BYTES, packed.length * ratio));
    let data: Uint8Array | undefined;
    try {
      data = this.inflate(packed, limit);
    } catch (error) {
      refuse(entry.name, `is damaged: its compressed data cannot be unpacked (${(error as Error).message || 'invalid deflate data'})`);
    }
    if (data !== undefined) return data;
    if (limit === entry.size) refuse(entry.name, `unpacks to more than the ${entry.size} bytes the zip says: refused as a possible zip bomb`);
    if (limit === remaining) refuse(entry.name, `takes the bundle past ${this.limits.maxTotalBytes} unpacked bytes, the most a bundle may hold`);
    return refuse(entry.name, `unpacks to more than ${ratio} times its packed size: refused as a possible zip bomb`);
  }
}

/** Why inflateInSteps stops: the limit passed. Thrown from inside the inflater's callback. */
class UnpackStopped extends Error {}

/** Bytes handed to the inflater at a time: bounds what one step can produce (deflate expands at most ~1,032×). */
const INFLATE_STEP = 16 * 1024;

/** The default Inflater: fflate's streaming inflater, fed 16 KiB at a time, counting what comes out. */
export function inflateInSteps(packed: Uint8Array, limit: number): Uint8Array | undefined {
  const chunks: Uint8Array[] = [];
  let produced = 0;
  const inflater = new Inflate((chunk) => {
    produced += chunk.length;
    if (produced > limit) throw new UnpackStopped();
    if (chunk.length > 0) chunks.push(chunk);
  });
  try {
    for (let at = 0; at < packed.length; at += INFLATE_STEP) {
      inflater.push(packed.subarray(at, at + INFLATE_STEP), at + INFLATE_STEP >= packed.length);
    }
  } catch (error) {
    if (error instanceof UnpackStopped) return undefined;
    throw error;
  }
  return joinChunks(chunks, produced);
}

/** CRC-32 (IEEE) tables for eight bytes at a time ("slicing by 8"): table k is for a byte k places back. */
const CRC_TABLES = (() => {
  const tables = new Uint32Array(8 * 256);
  for (let index = 0; index < 256; index += 1) {
    let value = index;
    for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
    tables[index] = value >>> 0;
  }
  for (let index = 0; index < 256; index += 1) {
    let value = tables[index]!;
    for (let table = 1; table < 8; table += 1) {
      value = tables[value & 0xff]! ^ (value >>> 8);
      tables[table * 256 + index] = value >>> 0;
    }
  }
  return tables;
})();

/** The zip's checksum (CRC-32, IEEE), eight bytes a step: a bundle's text is checksummed once on writing and twice on reading. */
function crc32(bytes: Uint8Array): number {
  const t = CRC_TABLES;
  let crc = 0xffffffff;
  let index = 0;
  for (const whole = bytes.length - (bytes.length % 8); index < whole; index += 8) {
    const low = (crc ^ (bytes[index]! | (bytes[index + 1]! << 8) | (bytes[index + 2]! << 16) | (bytes[index + 3]! << 24))) >>> 0;
    crc =
      t[1792 + (low & 0xff)]! ^
      t[1536 + ((low >>> 8) & 0xff)]! ^
      t[1280 + ((low >>> 16) & 0xff)]! ^
      t[1024 + (low >>> 24)]! ^
      t[768 + bytes[index + 4]!]! ^
      t[512 + bytes[index + 5]!]! ^
      t[256 + bytes[index + 6]!]! ^
      t[bytes[index + 7]!]!;
  }
  for (; index < bytes.length; index += 1) crc = t[(crc ^ bytes[index]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
