/**
 * The service: the API contract (shared/api.ts) implemented once over the library store. It is
 * transport-agnostic — IPC, HTTP and the command line all call these same handlers — and it
 * validates every request on arrival, whoever sent it.
 */
import { createHash, randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import { api, API_METHODS, MAX_ASSET_BYTES, type Api, type ApiHandlers, type ApiMethod, type ApiResponse, type RevisionSummary } from '../shared/api';
import { blockersOf, reviewCoverage, rulesForStory } from '../shared/coverage';
import { CoverageRulesPatchSchema, mergeCoverageRules, type CoverageRulesPatch } from '../shared/coverage-schema';
import { InvalidInputError, NotFoundError, parseOrThrow, PublishBlockedError } from '../shared/errors';
import { readImageInfo } from '../shared/image-info';
import type { AssetRef, Story } from '../shared/model';
import { slugFromTitle } from '../shared/story-text';
import { IMPORT_PLACEHOLDER_IMAGE, importStoryText } from '../shared/text-import';
import { exportLibraryBundle, importBundle, slugOfCopy } from './bundles';
import { exportStory } from './exports';
import { backupLibrary, listBackups, type BackupPolicy } from './store/backups';
import type { LibraryStore, StoredRevision, StoryHead } from './store/store';

export interface ServiceOptions {
  /** Who revisions are attributed to when a request names no author. */
  author?: string;
  now?: () => Date;
  newId?: () => string;
  backupPolicy?: BackupPolicy;
}

/** Where the library keeps its coverage rules (`library_meta`). */
const COVERAGE_RULES_SETTING = 'coverage-rules';
const LIBRARY_ID_SETTING = 'library-id';
/** What a story says of its hero image, each of which must be what the stored image is. */
const HERO_ASSET_FACTS = ['mediaType', 'width', 'height', 'byteLength'] as const;

type Implementation = {
  [Method in ApiMethod]: (request: z.output<Api[Method]['request']>) => ApiResponse<Method> | Promise<ApiResponse<Method>>;
};

function defaultAuthor(): string {
  try {
    return os.userInfo().username || 'editor';
  } catch {
    return 'editor';
  }
}

function revisionSummary(revision: StoredRevision): RevisionSummary {
  return { ...revision };
}

export function createService(store: LibraryStore, options: ServiceOptions = {}): ApiHandlers {
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  const fallbackAuthor = options.author ?? defaultAuthor();
  const timestamp = () => now().toISOString();

  /**
   * The library's coverage rules. A stored value that no longer validates (written by a newer
   * version, say) is ignored rather than blocking every review; setCoverageRules replaces it.
   */
  function libraryRules(): CoverageRulesPatch {
    const parsed = CoverageRulesPatchSchema.safeParse(store.getSetting(COVERAGE_RULES_SETTING) ?? {});
    return parsed.success ? parsed.data : {};
  }

  /**
   * The library's lasting id, made on first request. A library that cannot be written to (read
   * only) gets one derived from its path instead, the same on every run.
   */
  function libraryId(): string {
    const stored = store.getSetting(LIBRARY_ID_SETTING);
    if (typeof stored === 'string' && stored !== '') return stored;
    const made = randomUUID();
    try {
      store.putSetting(LIBRARY_ID_SETTING, made);
      return made;
    } catch {
      return createHash('sha256').update(store.path).digest('hex').slice(0, 32);
    }
  }

  function coverageSettings() {
    const library = libraryRules();
    return { library, effective: mergeCoverageRules(library) };
  }

  /**
   * Saves `next` as the revision after `baseRevision`, unless it is the stored revision already
   * (compared as stored JSON, so an autosave of unchanged text costs no revision).
   */
  function saveRevision(head: StoryHead, next: Story, baseRevision: number, meta: { author?: string; summary: string; overrideReason?: string }): Story {
    if (baseRevision === head.revision && !meta.overrideReason) {
      const stored = store.getStoryText(head.id);
      if (JSON.stringify({ ...next, revision: head.revision, updatedAt: head.updatedAt }) === stored) return JSON.parse(stored) as Story;
    }
    const story: Story = { ...next, revision: baseRevision + 1, updatedAt: timestamp() };
    return store.saveStory(story, baseRevision, {
      author: meta.author ?? fallbackAuthor,
      summary: meta.summary,
      ...(meta.overrideReason ? { overrideReason: meta.overrideReason } : {}),
    });
  }

  /**
   * Refuses a story whose hero shows an image the library does not hold, or describes a stored
   * one otherwise than it is (another size or type): the save would succeed and then every export
   * of the story fail.
   */
  function checkHeroImage(story: Story, what: string, at: string): void {
    const asset = story.hero?.asset;
    if (!asset) return;
    let held: AssetRef;
    try {
      held = store.getAssetRef(asset.sha256);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      throw new InvalidInputError(what, [{ path: `${at}.hero.asset.sha256`, message: 'the library holds no image with this SHA-256: store the image (putAsset) before using it' }]);
    }
    const problems = HERO_ASSET_FACTS.filter((key) => held[key] !== asset[key]).map((key) => ({
      path: `${at}.hero.asset.${key}`,
      message: `is ${JSON.stringify(asset[key])}, but the stored image's is ${JSON.stringify(held[key])}`,
    }));
    if (problems.length > 0) throw new InvalidInputError(what, problems);
  }

  /** A story as the client sent it, with what only the library decides taken from `head`. */
  function withStoredFacts(story: Story, head: StoryHead): Story {
    const next: Story = { ...story, status: head.status, createdAt: head.createdAt };
    if (head.publishedAt) next.publishedAt = head.publishedAt;
    else delete next.publishedAt;
    return next;
  }

  /**
   * The publish gate: throws PublishBlockedError while the story has blockers, unless the editor
   * gave a reason (the caller keeps it with a revision).
   */
  function passPublishGate(story: Story, overrideReason: string | undefined, action?: string): void {
    if (overrideReason) return;
    const blockers = blockersOf(reviewCoverage(story, rulesForStory(story, libraryRules())));
    if (blockers.length > 0) throw new PublishBlockedError(story.id, blockers.map(({ code, message, place }) => ({ code, message, place })), action);
  }

  const implementation: Implementation = {
    listStories: (request) => store.listStories(request),

    listFeeds: (request) => store.listFeeds(request.in),

    searchStories: (request) => store.searchStories(request.query, { limit: request.limit, in: request.in }),

    createStory: (request) => {
      const created = timestamp();
      const title = request.title ?? '';
      const story: Story = {
        id: newId(),
        slug: slugFromTitle(title || 'untitled story'),
        title,
        feed: request.feed ?? '',
        ...(request.dek !== undefined ? { dek: request.dek } : {}),
        status: 'draft',
        sections: [],
        sources: [],
        timeline: [],
        citationOrder: 'newest-first',
        citationStyle: 'separate',
        createdAt: created,
        updatedAt: created,
        revision: 1,
      };
      return store.insertStory(story, { author: request.author ?? fallbackAuthor, summary: 'Created the story' });
    },

    getStory: (request) => store.getStory(request.id),

    saveStory: (request) => {
      const { story } = request;
      const head = store.getStoryHead(story.id);
      checkHeroImage(story, 'request to saveStory', 'story');
      if (request.baseRevision === head.revision && story.status !== head.status) {
        throw new InvalidInputError('request to saveStory', [
          { path: 'story.status', message: `a save cannot change the status (${head.status} → ${story.status}); use setStoryStatus, which applies the publish gate` },
        ]);
      }
      return saveRevision(head, withStoredFacts(story, head), request.baseRevision, { author: request.author, summary: request.summary ?? 'Saved' });
    },

    duplicateStory: (request) => {
      const original = store.getStory(request.id);
      if (request.content && request.content.id !== original.id) {
        throw new InvalidInputError('request to duplicateStory', [
          { path: 'content.id', message: `the content is story ${JSON.stringify(request.content.id)}, not ${JSON.stringify(original.id)}` },
        ]);
      }
      if (request.content) checkHeroImage(request.content, 'request to duplicateStory', 'content');
      const created = timestamp();
      const copy: Story = {
        ...(request.content ?? original),
        id: newId(),
        slug: slugOfCopy((request.content ?? original).slug),
        title: `${(request.content ?? original).title} (copy)`,
        status: 'draft',
        createdAt: created,
        updatedAt: created,
        revision: 1,
      };
      delete copy.publishedAt;
      return store.insertStory(copy, { author: request.author ?? fallbackAuthor, summary: `Duplicated from “${original.title}”` });
    },

    trashStory: (request) => store.trashStory(request.id),
    restoreStory: (request) => store.restoreStory(request.id),
    purgeStory: (request) => {
      store.purgeStory(request.id);
      return { id: request.id };
    },

    listRevisions: (request) => store.listRevisions(request.storyId).map(revisionSummary),

    getRevision: (request) => {
      const { revision, story } = store.getRevision(request.storyId, request.revision);
      return { revision: revisionSummary(revision), story };
    },

    restoreRevision: (request) => {
      const head = store.getStoryHead(request.storyId);
      const { story: earlier } = store.getRevision(request.storyId, request.revision);
      return saveRevision(head, withStoredFacts(earlier, head), request.baseRevision, { author: request.author, summary: `Restored revision ${request.revision}` });
    },

    putAsset: (request) => {
      const bytes = new Uint8Array(Buffer.from(request.data, 'base64'));
      if (bytes.byteLength === 0) throw new InvalidInputError('image', [{ path: 'data', message: 'the image is empty' }]);
      if (bytes.byteLength > MAX_ASSET_BYTES) {
        throw new InvalidInputError('image', [{ path: 'data', message: `the image is ${bytes.byteLength} bytes; the limit is ${MAX_ASSET_BYTES}` }]);
      }
      const info = readImageInfo(bytes);
      if (!info) throw new InvalidInputError('image', [{ path: 'data', message: 'not a PNG, JPEG, GIF or WebP image' }]);
      if (info.mediaType !== request.mediaType) {
        throw new InvalidInputError('image', [{ path: 'mediaType', message: `declared ${request.mediaType}, but the bytes are ${info.mediaType}` }]);
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      return store.putAsset({ sha256, mediaType: info.mediaType, width: info.width, height: info.height, byteLength: bytes.byteLength }, bytes);
    },

    getAsset: (request) => {
      const { asset, data } = store.getAsset(request.sha256);
      return { asset, data: Buffer.from(data).toString('base64') };
    },

    setStoryStatus: (request) => {
      const current = store.getStory(request.id);
      const head = store.getStoryHead(request.id);
      const next: Story = { ...current, status: request.status };
      if (request.status === 'published') {
        // The gate: a stale base revision fails as a conflict in the save below instead, so the
        // editor never overrides blockers of a version they have not seen.
        if (current.revision === request.baseRevision) passPublishGate(current, request.overrideReason);
        if (current.status !== 'published') next.publishedAt = timestamp();
      }
      return saveRevision(head, next, request.baseRevision, {
        author: request.author,
        summary: `Status: ${current.status} → ${request.status}`,
        ...(request.overrideReason ? { overrideReason: request.overrideReason } : {}),
      });
    },

    reviewStory: (request) => {
      const story = store.getStory(request.id);
      return reviewCoverage(story, rulesForStory(story, libraryRules(), request.rules));
    },

    getCoverageRules: () => coverageSettings(),

    setCoverageRules: (request) => {
      store.putSetting(COVERAGE_RULES_SETTING, request.rules);
      return coverageSettings();
    },

    exportStory: (request) => {
      const story = store.getStory(request.id);
      if (request.final) {
        passPublishGate(story, request.overrideReason, 'exporting it as final');
        // An overridden gate is recorded like an overridden publish: a revision with the reason.
        if (request.overrideReason) {
          saveRevision(store.getStoryHead(story.id), story, story.revision, {
            author: request.author,
            summary: `Exported as final (${request.format}) over the coverage review's blockers`,
            overrideReason: request.overrideReason,
          });
        }
      }
      const file = exportStory(store, story, request.format);
      return { fileName: file.fileName, mediaType: file.mediaType, data: Buffer.from(file.bytes).toString('base64'), notes: file.notes };
    },

    exportLibraryBundle: (request) => {
      const bytes = exportLibraryBundle(store, request.ids ?? 'all');
      return { fileName: 'library.storybundle', mediaType: 'application/zip', data: Buffer.from(bytes).toString('base64'), notes: [] };
    },

    importBundle: (request) =>
      importBundle(store, new Uint8Array(Buffer.from(request.data, 'base64')), {
        onConflict: request.onConflict,
        author: request.author ?? fallbackAuthor,
        newId,
        now,
      }),

    importText: (request) => {
      const { story, notes } = importStoryText(request.text, { now: timestamp(), id: newId() });
      // A page copied as text carries no image: a found hero shows a placeholder until the editor attaches one.
      if (story.hero?.asset.sha256 === IMPORT_PLACEHOLDER_IMAGE.asset.sha256) store.putAsset(IMPORT_PLACEHOLDER_IMAGE.asset, IMPORT_PLACEHOLDER_IMAGE.data);
      const created = store.insertStory({ ...story, revision: 1 }, { author: request.author ?? fallbackAuthor, summary: 'Imported from a page copied as text' });
      return { story: created, notes: notes.map((note) => (note.line === undefined ? note.message : `Line ${note.line}: ${note.message}`)) };
    },

    backupLibrary: () => backupLibrary(store, { now: now(), ...(options.backupPolicy ? { policy: options.backupPolicy } : {}) }),

    getLibraryInfo: () => ({ id: libraryId(), path: store.path, name: path.basename(store.path).replace(/\.storydesk$/, ''), readOnly: store.readOnly }),

    verifyLibrary: () => ({ path: store.path, problems: store.checkIntegrity() }),

    listBackups: () =>
      listBackups(store.path).map((backup) => ({ path: backup.path, createdAt: backup.createdAt.toISOString(), byteLength: backup.byteLength })),
  };

  const service: Partial<Record<ApiMethod, (request: unknown) => Promise<unknown>>> = {};
  for (const method of API_METHODS) {
    const handler = implementation[method] as (request: unknown) => unknown;
    service[method] = async (request: unknown) => handler(parseOrThrow(api[method].request, request, `request to ${method}`));
  }
  return service as ApiHandlers;
}

