/**
 * Bundles at the I/O edge: exporting stories of the library as `.storybundle` bytes, writing a
 * file so that it appears whole or not at all, and importing a bundle into the library in one
 * transaction. The format itself — writing, reading, every check — is shared/bundle.ts.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildLibraryBundle, buildStoryBundle, readBundle, type BundleAsset, type BundledStory, type BundleLimits } from '../shared/bundle';
import type { Story } from '../shared/model';
import type { LibraryStore, StoryImport } from './store/store';

/** SHA-256 as lowercase hex: what assets are named by. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The images `stories` use, read from the library. */
function assetsOf(store: LibraryStore, stories: readonly Story[]): Map<string, BundleAsset> {
  const assets = new Map<string, BundleAsset>();
  for (const story of stories) {
    const sha256 = story.hero?.asset.sha256;
    if (sha256 !== undefined && !assets.has(sha256)) assets.set(sha256, store.getAsset(sha256));
  }
  return assets;
}

/** One story (trashed or not) as a story bundle. */
export function exportStoryBundle(store: LibraryStore, id: string): Uint8Array {
  const story = store.getStory(id);
  return buildStoryBundle(story, assetsOf(store, [story]));
}

/**
 * Several stories as a library bundle: the ones named (trashed or not), or with `'all'` every
 * story outside the trash. The bytes depend only on the stories, not on the order asked for.
 */
export function exportLibraryBundle(store: LibraryStore, ids: readonly string[] | 'all'): Uint8Array {
  const chosen = ids === 'all' ? store.listStories().map((summary) => summary.id) : [...new Set(ids)];
  const stories = chosen.map((id) => store.getStory(id));
  return buildLibraryBundle(stories, assetsOf(store, stories));
}

/**
 * Writes `bytes` to `file` so that the file is either its old self or complete: a temporary file
 * in the same folder, flushed to disk, then renamed over the target. A failure removes the
 * temporary file and leaves the target as it was.
 */
export async function writeFileAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const target = path.resolve(file);
  const folder = path.dirname(target);
  const temporary = path.join(folder, `.${path.basename(target)}.${process.pid}-${randomBytes(6).toString('hex')}.partial`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temporary, 'wx', 0o644);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temporary, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncFolder(folder);
}

/** Makes the rename itself durable where the system allows it (not on Windows, where folders cannot be opened). */
async function syncFolder(folder: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(folder, 'r');
    await handle.sync();
  } catch {
    // The file is complete and in place either way; only its survival of a power cut is at stake.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

export type ImportConflictChoice = 'copy' | 'replace' | 'skip';

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

/** A copy is a new draft, like a duplicated story: new id, "-copy" slug, " (copy)" title, dated now. */
function copyOf(story: BundledStory, id: string, created: string): Story {
  const copy: Story = {
    ...story,
    id,
    slug: `${story.slug.slice(0, 115).replace(/-+$/, '')}-copy`,
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
 * Imports a story or library bundle. The whole bundle is checked first (readBundle: it throws an
 * InvalidInputError naming each problem's entry and JSON path); then every image and story is
 * written in one transaction, so a refused or failed import changes nothing. Stories keep the
 * bundle's dates and status, so exporting them again gives the same bytes; a story whose id the
 * library holds already is copied, replaced (a new revision) or skipped, as `onConflict` says.
 */
export function importBundle(store: LibraryStore, bytes: Uint8Array, options: ImportOptions): ImportResult {
  const bundle = readBundle(bytes, { sha256: sha256Hex, ...(options.limits ? { limits: options.limits } : {}) });
  const author = options.author ?? defaultAuthor();
  const newId = options.newId ?? randomUUID;
  const now = options.now ?? (() => new Date());

  const writes: StoryImport[] = [];
  const imported: ImportedStory[] = [];
  const skipped: SkippedStory[] = [];
  for (const story of bundle.stories) {
    if (!store.hasStory(story.id)) {
      writes.push({ story: { ...story, revision: 1 }, meta: { author, summary: 'Imported from a bundle' } });
      imported.push({ id: story.id, title: story.title, as: 'new' });
    } else if (options.onConflict === 'skip') {
      skipped.push({ id: story.id, title: story.title, reason: 'the library already holds a story with this id' });
    } else if (options.onConflict === 'replace') {
      const { revision } = store.getStoryHead(story.id);
      writes.push({ story: { ...story, revision: revision + 1 }, meta: { author, summary: 'Replaced by import' }, replacesRevision: revision });
      imported.push({ id: story.id, title: story.title, as: 'replaced' });
    } else {
      const copy = copyOf(story, newId(), now().toISOString());
      writes.push({ story: copy, meta: { author, summary: `Imported as a copy of “${story.title}”` } });
      imported.push({ id: copy.id, title: copy.title, as: 'copy' });
    }
  }

  if (writes.length > 0) {
    const needed = new Set(writes.flatMap(({ story }) => (story.hero ? [story.hero.asset.sha256] : [])));
    const assets = [...bundle.assets.values()].filter(({ asset }) => needed.has(asset.sha256));
    store.importStories(assets, writes);
  }
  return { imported, skipped };
}
