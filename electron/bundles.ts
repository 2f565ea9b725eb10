/**
 * Bundles at the I/O edge: exporting stories of the library as `.storybundle` bytes or files,
 * writing a file so that it appears whole or not at all, and importing a bundle into the library
 * in one transaction. The format itself — writing, reading, every check — is shared/bundle.ts.
 *
 * The file variants stream: an export writes one story at a time into a temporary file, and an
 * import reads the file at the offsets its zip directory gives, checking it all in a first pass
 * and reading each story again as the second pass writes it. Neither holds the bundle in memory.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  bytesSource,
  checkBundle,
  collectBytes,
  InvalidBundleError,
  writeLibraryBundle,
  writeStoryBundle,
  type BundleAsset,
  type BundledStory,
  type BundledStoryListing,
  type BundleLimits,
  type ByteSink,
  type CheckedBundle,
  type LibraryBundleInput,
  type RandomAccessSource,
} from '../shared/bundle';
import type { Story } from '../shared/model';
import type { LibraryStore, StoryImport } from './store/store';

/** SHA-256 as lowercase hex: what assets are named by. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Export

/** Hears of each story written: `done` of `total`. */
export type ExportProgress = (done: number, total: number) => void;

/** The stories to export, read from the library one at a time as the bundle is written. */
function libraryInput(store: LibraryStore, ids: readonly string[] | 'all'): LibraryBundleInput {
  const stories =
    ids === 'all'
      ? store.listStories().map(({ id, updatedAt }) => ({ id, updatedAt }))
      : [...new Set(ids)].map((id) => ({ id, updatedAt: store.getSummary(id).updatedAt }));
  return { stories, story: (id) => store.getStory(id), asset: (sha256) => store.getAsset(sha256) };
}

/** One story (trashed or not) as a story bundle. */
export function exportStoryBundle(store: LibraryStore, id: string): Uint8Array {
  return collectBytes((sink) => writeStoryBundle(sink, store.getStory(id), (sha256) => store.getAsset(sha256)));
}

/**
 * Several stories as a library bundle: the ones named (trashed or not), or with `'all'` every
 * story outside the trash. The bytes depend only on the stories, not on the order asked for.
 */
export function exportLibraryBundle(store: LibraryStore, ids: readonly string[] | 'all'): Uint8Array {
  return collectBytes((sink) => writeLibraryBundle(sink, libraryInput(store, ids)));
}

/** exportStoryBundle into `file`, which appears complete or not at all (as writeFileAtomically). */
export function exportStoryBundleToFile(store: LibraryStore, id: string, file: string): void {
  writeAtomically(file, (sink) => writeStoryBundle(sink, store.getStory(id), (sha256) => store.getAsset(sha256)));
}

/**
 * exportLibraryBundle into `file`, the same bytes, written one story at a time: the bundle is
 * never in memory. The file appears complete or not at all (as writeFileAtomically).
 */
export function exportLibraryBundleToFile(store: LibraryStore, ids: readonly string[] | 'all', file: string, options: { onProgress?: ExportProgress } = {}): void {
  writeAtomically(file, (sink) => writeLibraryBundle(sink, libraryInput(store, ids), options.onProgress));
}

/** A temporary file beside `target`, named so that it is hidden and shows where it belongs. */
function temporaryPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(6).toString('hex')}.partial`);
}

/**
 * Writes `bytes` to `file` so that the file is either its old self or complete: a temporary file
 * in the same folder, flushed to disk, then renamed over the target. A failure removes the
 * temporary file and leaves the target as it was.
 */
export async function writeFileAtomically(file: string, bytes: Uint8Array): Promise<void> {
  writeAtomically(file, (sink) => sink.write(bytes));
}

/**
 * writeFileAtomically for a file written piece by piece: `write` fills a temporary file in the
 * target's folder, which is then flushed and renamed over the target. If `write` or anything
 * after it fails, the temporary file is removed and the target is left as it was. Synchronous,
 * like the export it serves: the library cannot change between two stories of one bundle.
 */
function writeAtomically(file: string, write: (sink: ByteSink) => void): void {
  const target = path.resolve(file);
  const folder = path.dirname(target);
  const temporary = temporaryPathFor(target);
  let descriptor: number | undefined;
  try {
    descriptor = fs.openSync(temporary, 'wx', 0o644);
    const sink = new FileSink(descriptor);
    write(sink);
    sink.flush();
    fs.fsyncSync(descriptor);
    fs.closeSync(descriptor);
    descriptor = undefined;
    fs.renameSync(temporary, target);
  } catch (error) {
    // The first failure is the one to report; cleaning up after it is best effort.
    try {
      if (descriptor !== undefined) fs.closeSync(descriptor);
      fs.rmSync(temporary, { force: true });
    } catch {
      // Nothing more can be done here: the failure that matters is `error`.
    }
    throw error;
  }
  syncFolderNow(folder);
}

/** Makes the rename itself durable where the system allows it (not on Windows, where folders cannot be opened). */
function syncFolderNow(folder: string): void {
  let descriptor: number | undefined;
  try {
    descriptor = fs.openSync(folder, 'r');
    fs.fsyncSync(descriptor);
  } catch {
    // As in syncFolder: the file is complete and in place either way.
  } finally {
    if (descriptor !== undefined) fs.closeSync(descriptor);
  }
}

/** Writes to an open file through a 1 MiB buffer: a bundle's entries are a few kilobytes each. */
class FileSink implements ByteSink {
  private readonly buffer = Buffer.allocUnsafe(1024 * 1024);
  private used = 0;

  constructor(private readonly descriptor: number) {}

  write(chunk: Uint8Array): void {
    if (this.used + chunk.byteLength > this.buffer.length) this.flush();
    if (chunk.byteLength >= this.buffer.length) writeAll(this.descriptor, chunk);
    else {
      this.buffer.set(chunk, this.used);
      this.used += chunk.byteLength;
    }
  }

  flush(): void {
    writeAll(this.descriptor, this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

function writeAll(descriptor: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.byteLength; ) at += fs.writeSync(descriptor, bytes, at, bytes.byteLength - at);
}

// ---------------------------------------------------------------------------------------------
// Import

export type ImportConflictChoice = 'copy' | 'replace' | 'skip';

/** Hears how an import goes: zip entries checked (first pass), then stories written (second). */
export type ImportProgress = (done: number, total: number, stage: 'checking' | 'writing') => void;

export interface ImportOptions {
  /** What to do with a story whose id the library holds already (in the trash or not). */
  onConflict: ImportConflictChoice;
  /** Who the new revisions are attributed to. */
  author?: string;
  /** The id of a copy. */
  newId?: () => string;
  /** The time of a copy's creation. */
  now?: () => Date;
  limits?: Partial<BundleLimits>;
  onProgress?: ImportProgress;
}

export interface ImportedStory {
  /** The story's id in the library (a copy's new id). */
  id: string;
  title: string;
  as: 'new' | 'copy' | 'replaced';
}

export interface SkippedStory {
  id: string;
  title: string;
  reason: string;
}

export interface ImportResult {
  imported: ImportedStory[];
  skipped: SkippedStory[];
}

function defaultAuthor(): string {
  try {
    return os.userInfo().username || 'editor';
  } catch {
    return 'editor';
  }
}

/**
 * The slug of a copy: the story's own with "-copy", cut so that the whole stays within a slug's
 * 120 characters and never ends or doubles a hyphen where the cut falls.
 */
export function slugOfCopy(slug: string): string {
  return `${slug.slice(0, 115).replace(/-+$/, '')}-copy`;
}

/** A copy is a new draft, like a duplicated story: new id, "-copy" slug, " (copy)" title, dated now. */
function copyOf(story: BundledStory, id: string, created: string): Story {
  const copy: Story = {
    ...story,
    id,
    slug: slugOfCopy(story.slug),
    title: `${story.title} (copy)`,
    status: 'draft',
    createdAt: created,
    updatedAt: created,
    revision: 1,
  };
  delete copy.publishedAt;
  return copy;
}

/**
 * Imports a story or library bundle. The whole bundle is checked first (checkBundle: it throws an
 * InvalidInputError naming each problem's entry and JSON path); then every image and story is
 * written in one transaction, so a refused or failed import changes nothing. Stories keep the
 * bundle's dates and status, so exporting them again gives the same bytes; a story whose id the
 * library holds already is copied, replaced (a new revision) or skipped, as `onConflict` says.
 */
export function importBundle(store: LibraryStore, bytes: Uint8Array, options: ImportOptions): ImportResult {
  return importFrom(store, bytesSource(bytes), options);
}

/**
 * importBundle from a file, read at the offsets its zip directory gives: the bundle is never in
 * memory, only its directory and one story or image at a time. If the file changes between the
 * check and the writing, the import fails and changes nothing.
 */
export function importBundleFile(store: LibraryStore, file: string, options: ImportOptions): ImportResult {
  const source = FileSource.open(file);
  try {
    return importFrom(store, source, options);
  } finally {
    source.close();
  }
}

/** How one story of the bundle is to be written, decided before the transaction. */
interface PlannedWrite {
  listing: BundledStoryListing;
  as: ImportedStory['as'];
  /** For a replacement: the library's revision it follows. */
  replacesRevision?: number;
  /** For a copy: its id and its time of creation. */
  copy?: { id: string; created: string };
}

function importFrom(store: LibraryStore, source: RandomAccessSource, options: ImportOptions): ImportResult {
  const { onProgress } = options;
  const bundle = checkBundle(source, {
    sha256: sha256Hex,
    inflate: inflateWithZlib,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(onProgress ? { onProgress: (done: number, total: number) => onProgress(done, total, 'checking') } : {}),
  });
  const author = options.author ?? defaultAuthor();
  const newId = options.newId ?? randomUUID;
  const now = options.now ?? (() => new Date());

  const plan: PlannedWrite[] = [];
  const imported: ImportedStory[] = [];
  const skipped: SkippedStory[] = [];
  for (const listing of bundle.stories) {
    const { id, title } = listing;
    if (!store.hasStory(id)) {
      plan.push({ listing, as: 'new' });
      imported.push({ id, title, as: 'new' });
    } else if (options.onConflict === 'skip') {
      skipped.push({ id, title, reason: 'the library already holds a story with this id' });
    } else if (options.onConflict === 'replace') {
      plan.push({ listing, as: 'replaced', replacesRevision: store.getStoryHead(id).revision });
      imported.push({ id, title, as: 'replaced' });
    } else {
      const copy = { id: newId(), created: now().toISOString() };
      plan.push({ listing, as: 'copy', copy });
      imported.push({ id: copy.id, title: `${title} (copy)`, as: 'copy' });
    }
  }

  if (plan.length > 0) {
    const needed = new Set(plan.flatMap(({ listing }) => listing.assets));
    const assets = [...bundle.assets.keys()].filter((sha256) => needed.has(sha256));
    store.importStories(assetsToWrite(bundle, assets), storiesToWrite(bundle, plan, author, onProgress));
  }
  return { imported, skipped };
}

/** The images an import writes, each read (and checked) again as the transaction takes it. */
function* assetsToWrite(bundle: CheckedBundle, sha256s: readonly string[]): Generator<BundleAsset> {
  for (const sha256 of sha256s) yield bundle.readAsset(sha256);
}

/** The stories an import writes, each read (and checked) again as the transaction takes it. */
function* storiesToWrite(bundle: CheckedBundle, plan: readonly PlannedWrite[], author: string, onProgress: ImportProgress | undefined): Generator<StoryImport> {
  for (const [index, write] of plan.entries()) {
    const story = bundle.readStory(write.listing);
    if (write.copy) {
      yield { story: copyOf(story, write.copy.id, write.copy.created), meta: { author, summary: `Imported as a copy of “${story.title}”` } };
    } else if (write.replacesRevision !== undefined) {
      const revision = write.replacesRevision;
      yield { story: { ...story, revision: revision + 1 }, meta: { author, summary: 'Replaced by import' }, replacesRevision: revision };
    } else {
      yield { story: { ...story, revision: 1 }, meta: { author, summary: 'Imported from a bundle' } };
    }
    onProgress?.(index + 1, plan.length, 'writing');
  }
}

/**
 * Unpacks with Node's zlib, which stops as soon as the output passes `limit`: five times faster
 * than fflate's streaming inflater, the default of shared/bundle.ts.
 */
function inflateWithZlib(packed: Uint8Array, limit: number): Uint8Array | undefined {
  let data: Buffer;
  try {
    data = zlib.inflateRawSync(packed, { maxOutputLength: limit + 1 });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    throw error;
  }
  return data.byteLength > limit ? undefined : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A bundle file, read at offsets. */
class FileSource implements RandomAccessSource {
  private constructor(
    private descriptor: number | undefined,
    readonly size: number,
  ) {}

  static open(file: string): FileSource {
    const descriptor = fs.openSync(file, 'r');
    try {
      return new FileSource(descriptor, fs.fstatSync(descriptor).size);
    } catch (error) {
      fs.closeSync(descriptor);
      throw error;
    }
  }

  read(offset: number, length: number): Uint8Array {
    if (this.descriptor === undefined) throw new Error('the bundle file is closed');
    const bytes = Buffer.allocUnsafe(length);
    for (let done = 0; done < length; ) {
      const read = fs.readSync(this.descriptor, bytes, done, length - done, offset + done);
      if (read === 0) {
        throw new InvalidBundleError([
          { path: '', message: 'the file changed while the bundle was being imported: it is shorter than it was. Import the bundle again' },
        ]);
      }
      done += read;
    }
    return new Uint8Array(bytes.buffer, bytes.byteOffset, length);
  }

  close(): void {
    if (this.descriptor !== undefined) fs.closeSync(this.descriptor);
    this.descriptor = undefined;
  }
}
