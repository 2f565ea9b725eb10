/**
 * Exports at the I/O edge: a story of the library as a file of each format (the formats
 * themselves are pure code in shared/), and a set of stories as a static site written to a
 * folder that appears whole or not at all.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ExportFormat } from '../shared/api';
import { BUNDLE_MEDIA_TYPE } from '../shared/bundle';
import { toCslJson, toNinjs, toTimelineJs } from '../shared/interchange';
import type { Story } from '../shared/model';
import { renderStoryPage } from '../shared/page-html';
import { buildSite, type SiteAsset } from '../shared/site';
import { exportStoryBundle } from './bundles';
import type { LibraryStore } from './store/store';

export interface ExportedBytes {
  fileName: string;
  mediaType: string;
  bytes: Uint8Array;
  /** What the format could not carry. */
  notes: string[];
}

/** Each format's file name ending, after the story's slug. */
export const EXPORT_FILE_ENDINGS: Record<ExportFormat, string> = {
  html: '.html',
  bundle: '.storybundle',
  timelinejs: '.timeline.json',
  ninjs: '.ninjs.json',
  csl: '.csl.json',
};

/**
 * The identifier ninjs requires: an absolute URI. Storydesk has no public address for a story,
 * so it names it by its id under a URN namespace of its own; a publishing pipeline maps it.
 */
export function ninjsUri(story: Pick<Story, 'id'>): string {
  return `urn:storydesk:story:${story.id}`;
}

const encoder = new TextEncoder();

function json(value: unknown): Uint8Array {
  return encoder.encode(`${JSON.stringify(value, null, 2)}\n`);
}

/** The hero image's bytes, for a page that carries them inline. */
function heroOf(store: LibraryStore, story: Story): { kind: 'data'; bytes: Uint8Array } | undefined {
  return story.hero ? { kind: 'data', bytes: store.getAsset(story.hero.asset.sha256).data } : undefined;
}

/** A story as one file of `format`. */
export function exportStory(store: LibraryStore, story: Story, format: ExportFormat): ExportedBytes {
  const fileName = `${story.slug || story.id}${EXPORT_FILE_ENDINGS[format]}`;
  switch (format) {
    case 'html': {
      const hero = heroOf(store, story);
      return { fileName, mediaType: 'text/html; charset=utf-8', bytes: encoder.encode(renderStoryPage(story, hero ? { hero } : {})), notes: [] };
    }
    case 'bundle':
      return { fileName, mediaType: BUNDLE_MEDIA_TYPE, bytes: exportStoryBundle(store, story.id), notes: [] };
    case 'timelinejs': {
      const { data, skipped } = toTimelineJs(story);
      const notes = skipped.map((entry) => `Timeline entry “${entry.label}” was left out: ${entry.reason}.`);
      if (data.events.length === 0) notes.push('No timeline entry has a date that can be read, and TimelineJS shows nothing without one.');
      return { fileName, mediaType: 'application/json', bytes: json(data), notes };
    }
    case 'ninjs':
      return { fileName, mediaType: 'application/json', bytes: json(toNinjs(story, { uri: ninjsUri })), notes: [] };
    case 'csl':
      return { fileName, mediaType: 'application/json', bytes: json(toCslJson(story)), notes: [] };
  }
}

/**
 * Writes a static site of `stories` into `folder`, which must not exist or be empty: the site is
 * built in a temporary folder beside it and renamed into place, so a failure leaves nothing
 * behind and never mixes old files with new ones.
 */
export async function writeSite(store: LibraryStore, stories: readonly Story[], folder: string, options: { title?: string } = {}): Promise<{ folder: string; files: number }> {
  const target = path.resolve(folder);
  const existing = await fs.readdir(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing && existing.length > 0) throw new Error(`${target} is not empty; export the site to a new or empty folder`);
  const assets = new Map<string, SiteAsset>();
  for (const story of stories) {
    const sha256 = story.hero?.asset.sha256;
    if (sha256 !== undefined && !assets.has(sha256)) assets.set(sha256, store.getAsset(sha256));
  }
  const files = buildSite(stories, assets, options);
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(6).toString('hex')}.partial`);
  try {
    for (const [relative, content] of files) {
      const file = path.join(temporary, ...relative.split('/'));
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, content);
    }
    if (existing) await fs.rmdir(target);
    await fs.rename(temporary, target);
  } catch (error) {
    await fs.rm(temporary, { recursive: true, force: true });
    throw error;
  }
  return { folder: target, files: files.size };
}
