/**
 * The bundle formats (DESIGN §5, docs/formats/README.md): a `.storybundle` is a zip that holds one
 * story (`story.json`) or many (`library.json`), their hero images under `assets/` and each
 * story's rendered page. Writing is deterministic, so export → import → export gives the same
 * bytes; reading trusts nothing in the file and checks all of it before returning anything, so
 * that an import either takes the whole bundle or refuses it with the reason and the place.
 *
 * Pure: works on bytes and plain objects. The caller supplies SHA-256 (shared/ has no crypto).
 */
import { deflateSync, Inflate, strFromU8, strToU8 } from 'fflate';
import { z } from 'zod';
import { formatPath, InvalidInputError, NotFoundError, parseOrThrow, type FieldProblem } from './errors';
import { readImageInfo } from './image-info';
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

/**
 * The story without `revision`. StorySchema's own checks (ids used once per list) run too: they
 * cannot be carried over by `.omit()`, so the bundled story is checked by StorySchema as well.
 */
export const BundledStorySchema = z.strictObject(bundledStoryShape).superRefine((story, context) => {
  const result = StorySchema.safeParse({ ...story, revision: 0 });
  if (result.success) return;
  for (const issue of result.error.issues) context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
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

/** Collects problems as the checks go, so that one refusal lists everything found. */
class ProblemList {
  readonly items: BundleProblem[] = [];

  add(file: string | undefined, path: string, message: string): void {
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

/** The story as a bundle holds it: without `revision`, its keys in the schema's order. */
function canonicalStory(story: Story | BundledStory): BundledStory {
  const { revision: _ignored, ...rest } = story as Story;
  return parseOrThrow(BundledStorySchema, rest, `story ${JSON.stringify(story.id)}`);
}

/** The images a story uses: today, its hero only. */
function assetsOfStory(story: BundledStory): AssetRef[] {
  return story.hero ? [story.hero.asset] : [];
}

/** The stored bytes of `asset`, checked against what the story says of them. */
function assetBytes(asset: AssetRef, assets: ReadonlyMap<string, BundleAsset>): Uint8Array {
  const stored = assets.get(asset.sha256);
  if (!stored) throw new NotFoundError('asset', asset.sha256);
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
 * A story bundle: `story.json`, `index.html` (the page, its hero as a data: URI), then the
 * images under `assets/` in path order.
 */
export function buildStoryBundle(story: Story | BundledStory, assets: ReadonlyMap<string, BundleAsset>): Uint8Array {
  const bundled = canonicalStory(story);
  const document = storyDocument(bundled);
  const heroBytes = bundled.hero ? assetBytes(bundled.hero.asset, assets) : undefined;
  const entries: ZipEntryInput[] = [
    { name: 'story.json', data: strToU8(bundleJson(document)), compress: true },
    { name: 'index.html', data: storyPage(bundled, heroBytes ? { hero: { kind: 'data', bytes: heroBytes } } : {}), compress: true },
  ];
  for (const asset of document.assets) entries.push({ name: asset.path, data: assetBytes(asset, assets), compress: false });
  return writeZip(entries, dosTimeOf([bundled.updatedAt]));
}

/**
 * A library bundle: `library.json`, then for each story in id order `stories/<id>/story.json` and
 * `stories/<id>/index.html` (its hero linked as `../../assets/…`), then every image once.
 */
export function buildLibraryBundle(stories: readonly (Story | BundledStory)[], assets: ReadonlyMap<string, BundleAsset>): Uint8Array {
  const bundled = stories.map(canonicalStory).sort((a, b) => compareText(a.id, b.id));
  const repeated = bundled.find((story, index) => index > 0 && bundled[index - 1]?.id === story.id);
  if (repeated) throw new InvalidInputError('library bundle', [{ path: 'stories', message: `the story "${repeated.id}" is listed twice` }]);

  const library: LibraryDocument = {
    format: LIBRARY_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    stories: bundled.map((story) => ({ id: story.id, path: `stories/${story.id}/story.json` })),
  };
  const entries: ZipEntryInput[] = [{ name: 'library.json', data: strToU8(bundleJson(library)), compress: true }];
  const used = new Map<string, AssetRef>();
  for (const story of bundled) {
    const document = storyDocument(story);
    const hero = story.hero ? { hero: { kind: 'url' as const, url: `../../${assetPath(story.hero.asset)}` } } : {};
    entries.push({ name: `stories/${story.id}/story.json`, data: strToU8(bundleJson(document)), compress: true });
    entries.push({ name: `stories/${story.id}/index.html`, data: storyPage(story, hero), compress: true });
    for (const asset of document.assets) used.set(asset.path, asset);
  }
  for (const path of [...used.keys()].sort(compareText)) {
    const asset = used.get(path) as AssetRef;
    entries.push({ name: path, data: assetBytes(asset, assets), compress: false });
  }
  return writeZip(entries, dosTimeOf(bundled.map((story) => story.updatedAt)));
}

/** Code-unit order, the same everywhere (localeCompare is not). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface ReadBundleOptions {
  /** SHA-256 of bytes as lowercase hex: every asset is checked against its name. */
  sha256: (bytes: Uint8Array) => string;
  limits?: Partial<BundleLimits>;
}

export interface BundleContents {
  kind: 'story' | 'library';
  /** In the bundle's order (library bundles: id order). */
  stories: BundledStory[];
  /** Every image the stories use, by SHA-256, each checked against its bytes. */
  assets: Map<string, BundleAsset>;
}

const ASSET_NAME = /^assets\/([0-9a-f]{64})\.(png|jpg|webp|gif)$/;
const STORY_ENTRY = /^stories\/([A-Za-z0-9][A-Za-z0-9_-]{0,63})\/(story\.json|index\.html)$/;
const STORY_FOLDER = /^stories\/([A-Za-z0-9][A-Za-z0-9_-]{0,63})\/$/;

/**
 * Reads and checks a bundle of either kind. Everything is checked before anything is returned:
 * the zip's structure, every entry name, the unpacked sizes (counted while unpacking, never
 * taken from the headers), each entry's CRC-32, the JSON files against their schemas, every
 * image against its name (SHA-256), its media type and pixel size. Throws InvalidBundleError
 * (an InvalidInputError) that names the entry and the JSON path of each problem.
 */
export function readBundle(bytes: Uint8Array, options: ReadBundleOptions): BundleContents {
  const limits: BundleLimits = { ...DEFAULT_BUNDLE_LIMITS, ...options.limits };
  const entries = readZipDirectory(bytes, limits);
  const kind = checkLayout(entries);
  const files = unpackEntries(bytes, entries, limits);
  return kind === 'story' ? readStoryBundle(files, options) : readLibraryBundle(files, options);
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

/** Parses one JSON entry, or records why it cannot be read. */
function parseJsonEntry(files: ReadonlyMap<string, Uint8Array>, name: string, problems: ProblemList): unknown {
  const data = files.get(name);
  if (data === undefined) {
    problems.add(name, '', 'is missing');
    return undefined;
  }
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
 * Checks a parsed JSON file against its schema, after its format and version, so that a file of
 * another kind or version is reported as such rather than as a list of schema errors.
 */
function checkDocument<Schema extends z.ZodType>(
  value: unknown,
  name: string,
  format: string,
  schema: Schema,
  problems: ProblemList,
): z.output<Schema> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.add(name, '', 'must be a JSON object');
    return undefined;
  }
  const header = value as { format?: unknown; formatVersion?: unknown };
  if (header.format !== format) {
    problems.add(name, 'format', `must be "${format}", found ${header.format === undefined ? 'nothing' : JSON.stringify(header.format)}`);
    return undefined;
  }
  if (!SUPPORTED_FORMAT_VERSIONS.includes(header.formatVersion as number)) {
    const newer = typeof header.formatVersion === 'number' && header.formatVersion > BUNDLE_FORMAT_VERSION;
    problems.add(
      name,
      'formatVersion',
      `format version ${JSON.stringify(header.formatVersion ?? null)} is not supported: this version of Storydesk reads format version ` +
        `${SUPPORTED_FORMAT_VERSIONS.join(', ')}${newer ? ' (the bundle was written by a newer Storydesk: update Storydesk to import it)' : ''}`,
    );
    return undefined;
  }
  const result = schema.safeParse(value);
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
function checkStoryAssets(document: StoryDocument, name: string, files: ReadonlyMap<string, Uint8Array>, problems: ProblemList): Map<string, BundledAsset> {
  const used = new Map<string, BundledAsset>();
  const references = assetsOfStory(document.story);
  const listed = new Map<string, number>();
  document.assets.forEach((asset, index) => {
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
    const reference = references.find((candidate) => candidate.sha256 === asset.sha256);
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
  for (const reference of references) {
    if (!listed.has(reference.sha256)) problems.add(name, 'story.hero.asset', `the hero image ${assetPath(reference)} is not listed in assets`);
  }
  return used;
}

/** Checks each image's bytes against its name and listing: SHA-256, length, type, pixel size. */
function checkAssetBytes(
  used: ReadonlyMap<string, BundledAsset>,
  files: ReadonlyMap<string, Uint8Array>,
  sha256: (bytes: Uint8Array) => string,
  problems: ProblemList,
): Map<string, BundleAsset> {
  const assets = new Map<string, BundleAsset>();
  for (const [path, listed] of used) {
    const data = files.get(path) as Uint8Array;
    const { path: _path, ...asset } = listed;
    const problemsBefore = problems.items.length;
    const actual = sha256(data);
    if (actual !== listed.sha256) problems.add(path, '', `its bytes do not match its name: their SHA-256 is ${actual}`);
    else {
      if (data.byteLength !== listed.byteLength) problems.add(path, '', `holds ${data.byteLength} bytes, but story.json says ${listed.byteLength}`);
      const info = readImageInfo(data);
      if (!info) problems.add(path, '', 'is not a PNG, JPEG, GIF or WebP image');
      else if (info.mediaType !== listed.mediaType) problems.add(path, '', `is a ${info.mediaType} image, but story.json says ${listed.mediaType}`);
      else if (info.width !== listed.width || info.height !== listed.height) {
        problems.add(path, '', `is ${info.width}×${info.height} pixels, but story.json says ${listed.width}×${listed.height}`);
      }
    }
    if (problems.items.length === problemsBefore) assets.set(listed.sha256, { asset, data });
  }
  return assets;
}

/** Every asset entry in the bundle must be used: a bundle holds nothing it does not need. */
function checkNoStrayAssets(files: ReadonlyMap<string, Uint8Array>, used: ReadonlyMap<string, BundledAsset>, problems: ProblemList): void {
  const bySha = new Map<string, string>();
  for (const name of files.keys()) {
    const match = ASSET_NAME.exec(name);
    if (!match) continue;
    const sha = match[1] as string;
    const other = bySha.get(sha);
    if (other !== undefined) problems.add(name, '', `holds the same image as ${other}`);
    else if (!used.has(name)) problems.add(name, '', 'is not used by any story in the bundle');
    bySha.set(sha, name);
  }
}

function readStoryBundle(files: ReadonlyMap<string, Uint8Array>, options: ReadBundleOptions): BundleContents {
  const problems = new ProblemList();
  const document = checkDocument(parseJsonEntry(files, 'story.json', problems), 'story.json', STORY_FORMAT, StoryDocumentSchema, problems);
  if (!files.has('index.html')) problems.add('index.html', '', 'is missing: a story bundle holds the rendered page beside story.json');
  problems.throwIfAny();
  if (!document) return refuse('story.json', 'could not be read');

  const used = checkStoryAssets(document, 'story.json', files, problems);
  checkNoStrayAssets(files, used, problems);
  problems.throwIfAny();
  const assets = checkAssetBytes(used, files, options.sha256, problems);
  problems.throwIfAny();
  return { kind: 'story', stories: [document.story], assets };
}

function readLibraryBundle(files: ReadonlyMap<string, Uint8Array>, options: ReadBundleOptions): BundleContents {
  const problems = new ProblemList();
  const library = checkDocument(parseJsonEntry(files, 'library.json', problems), 'library.json', LIBRARY_FORMAT, LibraryDocumentSchema, problems);
  problems.throwIfAny();
  if (!library) return refuse('library.json', 'could not be read');

  const listed = new Set<string>();
  library.stories.forEach((entry, index) => {
    if (listed.has(entry.id)) problems.add('library.json', `stories[${index}].id`, `lists the story "${entry.id}" a second time`);
    else if (entry.path !== `stories/${entry.id}/story.json`) problems.add('library.json', `stories[${index}].path`, `must be stories/${entry.id}/story.json, found ${entry.path}`);
    listed.add(entry.id);
  });
  for (const name of files.keys()) {
    const id = STORY_ENTRY.exec(name)?.[1] ?? STORY_FOLDER.exec(name)?.[1];
    if (id !== undefined && !listed.has(id)) problems.add(name, '', `belongs to a story "${id}" that library.json does not list`);
  }
  problems.throwIfAny();

  const stories: BundledStory[] = [];
  const used = new Map<string, { asset: BundledAsset; file: string }>();
  for (const { id, path } of library.stories) {
    const document = checkDocument(parseJsonEntry(files, path, problems), path, STORY_FORMAT, StoryDocumentSchema, problems);
    if (!files.has(`stories/${id}/index.html`)) problems.add(`stories/${id}/index.html`, '', 'is missing: each story of a library bundle has its rendered page');
    if (!document) continue;
    if (document.story.id !== id) problems.add(path, 'story.id', `is "${document.story.id}", but the story is filed under stories/${id}/`);
    for (const [assetName, asset] of checkStoryAssets(document, path, files, problems)) {
      // Stories that share an image must describe it alike: only then does one check of the bytes cover them all.
      const earlier = used.get(assetName);
      if (earlier && (['mediaType', 'width', 'height', 'byteLength'] as const).some((key) => earlier.asset[key] !== asset[key])) {
        problems.add(path, 'assets', `describes ${assetName} otherwise than ${earlier.file} does`);
      } else if (!earlier) used.set(assetName, { asset, file: path });
    }
    stories.push(document.story);
  }
  const listings = new Map([...used].map(([assetName, { asset }]) => [assetName, asset]));
  checkNoStrayAssets(files, listings, problems);
  problems.throwIfAny();
  const assets = checkAssetBytes(listings, files, options.sha256, problems);
  problems.throwIfAny();
  return { kind: 'library', stories, assets };
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

interface ZipEntryInput {
  name: string;
  data: Uint8Array;
  /** Deflate text; images are compressed already and are stored as they are. */
  compress: boolean;
}

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

function writeZip(entries: readonly ZipEntryInput[], modified: DosDateTime): Uint8Array {
  const records = entries.map((entry) => {
    const body = entry.compress ? deflateSync(entry.data, { level: DEFLATE_LEVEL }) : entry.data;
    return { name: strToU8(entry.name), body, method: entry.compress ? DEFLATED : STORED, crc: crc32(entry.data), size: entry.data.byteLength };
  });
  // Never write what readBundle would refuse with its default limits.
  const unpacked = records.reduce((sum, record) => sum + record.size, 0);
  const largest = records.reduce((most, record) => Math.max(most, record.size), 0);
  if (unpacked > DEFAULT_BUNDLE_LIMITS.maxTotalBytes || largest > DEFAULT_BUNDLE_LIMITS.maxEntryBytes || records.length > DEFAULT_BUNDLE_LIMITS.maxEntries) {
    throw new InvalidInputError('bundle', [
      {
        path: '',
        message:
          `the bundle would hold ${unpacked} bytes in ${records.length} files; a bundle holds at most ${DEFAULT_BUNDLE_LIMITS.maxTotalBytes} bytes ` +
          `(${DEFAULT_BUNDLE_LIMITS.maxEntryBytes} per file): export fewer stories at a time`,
      },
    ]);
  }
  const localBytes = records.reduce((sum, record) => sum + 30 + record.name.length + record.body.length, 0);
  const centralBytes = records.reduce((sum, record) => sum + 46 + record.name.length, 0);
  const total = localBytes + centralBytes + 22;
  if (total > 0xffffffff || records.length > 0xffff) {
    throw new InvalidInputError('bundle', [{ path: '', message: 'the bundle would be larger than a zip file can be (4 GiB, 65,535 files): export fewer stories at a time' }]);
  }

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const offsets: number[] = [];
  let at = 0;
  for (const record of records) {
    offsets.push(at);
    view.setUint32(at, LOCAL_HEADER, true);
    view.setUint16(at + 4, record.method === DEFLATED ? 20 : 10, true);
    view.setUint16(at + 6, 0, true);
    view.setUint16(at + 8, record.method, true);
    view.setUint16(at + 10, modified.time, true);
    view.setUint16(at + 12, modified.date, true);
    view.setUint32(at + 14, record.crc, true);
    view.setUint32(at + 18, record.body.length, true);
    view.setUint32(at + 22, record.size, true);
    view.setUint16(at + 26, record.name.length, true);
    view.setUint16(at + 28, 0, true);
    out.set(record.name, at + 30);
    out.set(record.body, at + 30 + record.name.length);
    at += 30 + record.name.length + record.body.length;
  }
  const directoryStart = at;
  records.forEach((record, index) => {
    view.setUint32(at, CENTRAL_HEADER, true);
    view.setUint16(at + 4, VERSION_MADE_BY, true);
    view.setUint16(at + 6, record.method === DEFLATED ? 20 : 10, true);
    view.setUint16(at + 8, 0, true);
    view.setUint16(at + 10, record.method, true);
    view.setUint16(at + 12, modified.time, true);
    view.setUint16(at + 14, modified.date, true);
    view.setUint32(at + 16, record.crc, true);
    view.setUint32(at + 20, record.body.length, true);
    view.setUint32(at + 24, record.size, true);
    view.setUint16(at + 28, record.name.length, true);
    // Extra field, comment, disk number and internal attributes stay 0.
    view.setUint32(at + 38, FILE_ATTRIBUTES, true);
    view.setUint32(at + 42, offsets[index] ?? 0, true);
    out.set(record.name, at + 46);
    at += 46 + record.name.length;
  });
  view.setUint32(at, END_OF_DIRECTORY, true);
  view.setUint16(at + 8, records.length, true);
  view.setUint16(at + 10, records.length, true);
  view.setUint32(at + 12, at - directoryStart, true);
  view.setUint32(at + 16, directoryStart, true);
  return out;
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

/** Finds the end-of-directory record: the last one whose comment runs exactly to the end. */
function findEndOfDirectory(bytes: Uint8Array): number {
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at -= 1) {
    if (uint32(bytes, at) === END_OF_DIRECTORY && at + 22 + uint16(bytes, at + 20) === bytes.length) return at;
  }
  if (bytes.length === 0) return refuse(undefined, 'the file is empty');
  if (uint32(bytes, 0) === LOCAL_HEADER) {
    return refuse(undefined, 'the zip is truncated or damaged: its directory (at the end of the file) is missing. The file was cut short? Export it again');
  }
  return refuse(undefined, 'the file is not a zip archive (a .storybundle is a zip file)');
}

/** Reads the zip's directory and each entry's local header, checking that they agree. */
function readZipDirectory(bytes: Uint8Array, limits: BundleLimits): ZipEntry[] {
  const end = findEndOfDirectory(bytes);
  const count = uint16(bytes, end + 10);
  const directorySize = uint32(bytes, end + 12);
  const directoryStart = uint32(bytes, end + 16);
  if (uint16(bytes, end + 4) !== 0 || uint16(bytes, end + 6) !== 0 || uint16(bytes, end + 8) !== count) {
    refuse(undefined, 'the zip is split across several files, which bundles never are');
  }
  if (count === 0xffff || directorySize === 0xffffffff || directoryStart === 0xffffffff) {
    refuse(undefined, 'the zip uses ZIP64 extensions, which bundles never need');
  }
  if (directoryStart + directorySize !== end) {
    refuse(undefined, 'the zip is damaged: its directory is not where its end record says (truncated, or data was added or removed)');
  }
  if (count > limits.maxEntries) refuse(undefined, `the zip holds ${count} entries; a bundle may hold at most ${limits.maxEntries}`);

  const entries: (ZipEntry & { localStart: number })[] = [];
  let at = directoryStart;
  for (let index = 0; index < count; index += 1) {
    if (at + 46 > end || uint32(bytes, at) !== CENTRAL_HEADER) refuse(undefined, `the zip is damaged: directory record ${index + 1} of ${count} is malformed`);
    const flags = uint16(bytes, at + 8);
    const method = uint16(bytes, at + 10);
    const nameLength = uint16(bytes, at + 28);
    const recordEnd = at + 46 + nameLength + uint16(bytes, at + 30) + uint16(bytes, at + 32);
    if (recordEnd > end) refuse(undefined, `the zip is damaged: directory record ${index + 1} of ${count} runs past the directory`);
    const nameBytes = bytes.subarray(at + 46, at + 46 + nameLength);
    const name = strFromU8(nameBytes);
    const entry = {
      name,
      method,
      crc: uint32(bytes, at + 16),
      packedSize: uint32(bytes, at + 20),
      size: uint32(bytes, at + 24),
      localStart: uint32(bytes, at + 42),
      dataStart: 0,
    };
    if (flags & 0x41) refuse(name, 'is encrypted; bundles are never encrypted');
    if (method !== STORED && method !== DEFLATED) refuse(name, `uses compression method ${method}; bundles use only stored (0) or deflate (8)`);
    if (method === STORED && entry.packedSize !== entry.size) refuse(name, 'is damaged: stored without compression, yet its packed and unpacked sizes differ');

    const local = entry.localStart;
    if (local + 30 > directoryStart || uint32(bytes, local) !== LOCAL_HEADER) refuse(name, 'is damaged: its local header is missing or malformed');
    const localNameLength = uint16(bytes, local + 26);
    entry.dataStart = local + 30 + localNameLength + uint16(bytes, local + 28);
    if (uint16(bytes, local + 8) !== method || !sameBytes(bytes.subarray(local + 30, local + 30 + localNameLength), nameBytes)) {
      refuse(name, 'is damaged: its local header does not match the zip directory');
    }
    const usesDataDescriptor = (uint16(bytes, local + 6) & 0x08) !== 0;
    if (!usesDataDescriptor && (uint32(bytes, local + 14) !== entry.crc || uint32(bytes, local + 18) !== entry.packedSize || uint32(bytes, local + 22) !== entry.size)) {
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

/** Why unpacking stops: a limit passed. Thrown from inside the inflater's callback. */
class UnpackStopped extends Error {}

/** Unpacks every entry, counting bytes as they come out and stopping at the first limit passed. */
function unpackEntries(bytes: Uint8Array, entries: readonly ZipEntry[], limits: BundleLimits): Map<string, Uint8Array> {
  let declaredTotal = 0;
  for (const entry of entries) {
    const problem = declaredSizeProblem(entry, limits);
    if (problem) refuse(entry.name, problem);
    declaredTotal += entry.size;
  }
  if (declaredTotal > limits.maxTotalBytes) refuse(undefined, `the bundle would unpack to ${declaredTotal} bytes; a bundle may hold at most ${limits.maxTotalBytes}`);

  const files = new Map<string, Uint8Array>();
  let total = 0;
  for (const entry of entries) {
    const data = unpackEntry(bytes, entry, limits, limits.maxTotalBytes - total);
    total += data.byteLength;
    if (data.byteLength !== entry.size) refuse(entry.name, `is damaged: it unpacks to ${data.byteLength} bytes, but the zip says ${entry.size}`);
    if (crc32(data) !== entry.crc) refuse(entry.name, 'is damaged: its CRC-32 does not match its contents');
    if (!entry.name.endsWith('/')) files.set(entry.name, data);
  }
  return files;
}

/** Bytes handed to the inflater at a time: bounds what one step can produce (deflate expands at most ~1,032×). */
const INFLATE_STEP = 16 * 1024;

function unpackEntry(bytes: Uint8Array, entry: ZipEntry, limits: BundleLimits, remaining: number): Uint8Array {
  const packed = bytes.subarray(entry.dataStart, entry.dataStart + entry.packedSize);
  if (entry.method === STORED) return packed.slice();

  const chunks: Uint8Array[] = [];
  let produced = 0;
  const inflater = new Inflate((chunk) => {
    produced += chunk.length;
    if (produced > entry.size) throw new UnpackStopped(`unpacks to more than the ${entry.size} bytes the zip says: refused as a possible zip bomb`);
    if (produced > remaining) throw new UnpackStopped(`takes the bundle past ${limits.maxTotalBytes} unpacked bytes, the most a bundle may hold`);
    if (produced > RATIO_GRACE_BYTES && produced > packed.length * limits.maxCompressionRatio) {
      throw new UnpackStopped(`unpacks to more than ${limits.maxCompressionRatio} times its packed size: refused as a possible zip bomb`);
    }
    if (chunk.length > 0) chunks.push(chunk);
  });
  try {
    if (packed.length === 0) inflater.push(packed, true);
    for (let at = 0; at < packed.length; at += INFLATE_STEP) {
      inflater.push(packed.subarray(at, at + INFLATE_STEP), at + INFLATE_STEP >= packed.length);
    }
  } catch (error) {
    if (error instanceof UnpackStopped) refuse(entry.name, error.message);
    refuse(entry.name, `is damaged: its compressed data cannot be unpacked (${(error as Error).message || 'invalid deflate data'})`);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const data = new Uint8Array(produced);
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.length;
  }
  return data;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let index = 0; index < 256; index += 1) {
    let value = index;
    for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
    table[index] = value >>> 0;
  }
  return table;
})();

/** The zip's checksum (CRC-32, IEEE). */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let index = 0; index < bytes.length; index += 1) crc = (CRC_TABLE[(crc ^ (bytes[index] ?? 0)) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
