/**
 * The API contract: every method the back end offers, by name, with zod schemas for its request
 * and its response. The service implements it once (electron/service.ts); each transport (IPC,
 * HTTP in browser mode, the command line) carries exactly these methods and validates every
 * request on arrival against these schemas.
 */
import { z } from 'zod';
import {
  AssetRefSchema,
  IdSchema,
  ImageMediaTypeSchema,
  StorySchema,
  StoryStatusSchema,
  StorySummarySchema,
  TimestampSchema,
} from './model';
import { CoverageReportSchema, CoverageRulesPatchSchema, CoverageRulesSchema } from './coverage-schema';

const StoryRef = z.strictObject({ id: IdSchema });

/** Who saved a revision; the service fills in the signed-in user when absent. */
const Author = z.string().min(1).max(200).optional();

export const STORY_SORTS = ['updated-desc', 'updated-asc', 'created-desc', 'title-asc'] as const;

export const ListStoriesRequestSchema = z.strictObject({
  /** `active` (the default) lists stories outside the trash; `trash` lists the trash. */
  in: z.enum(['active', 'trash']).optional(),
  status: StoryStatusSchema.optional(),
  feed: z.string().optional(),
  sort: z.enum(STORY_SORTS).optional(),
  /** At most this many stories (one page); every story when absent. */
  limit: z.int().min(1).optional(),
  /**
   * Keyset paging: the page starts after the story with this sort key and id, the last of the
   * previous page. `key` is the field the sort orders by: `updatedAt` for the `updated-` sorts,
   * `createdAt` for `created-desc`, `title` for `title-asc`.
   */
  after: z.strictObject({ key: z.string(), id: IdSchema }).optional(),
});
export type ListStoriesRequest = z.infer<typeof ListStoriesRequestSchema>;

/** A snippet as segments, so no layer has to trust markup: `match` parts are highlighted. */
export const SnippetSchema = z.array(z.strictObject({ text: z.string(), match: z.boolean() }));
export type Snippet = z.infer<typeof SnippetSchema>;

export const SearchHitSchema = z.strictObject({
  story: StorySummarySchema,
  /** Where the best match is: the story's title, dek, sections, timeline or sources. */
  field: z.enum(['title', 'dek', 'sections', 'timeline', 'sources']),
  snippet: SnippetSchema,
  /** Higher is better; only the order is meaningful. */
  score: z.number(),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const RevisionSummarySchema = z.strictObject({
  storyId: IdSchema,
  revision: z.int().positive(),
  savedAt: TimestampSchema,
  author: z.string(),
  summary: z.string(),
  /** The editor's written reason when a gate (publishing with blockers) was overridden. */
  overrideReason: z.string().optional(),
  byteLength: z.int().nonnegative(),
});
export type RevisionSummary = z.infer<typeof RevisionSummarySchema>;

const Base64 = z.base64();

export const NewStorySchema = z.strictObject({
  title: z.string().max(500).optional(),
  feed: z.string().max(200).optional(),
  dek: z.string().optional(),
});

/** What a single story can be exported as (a static site is a folder: the command line writes it). */
export const EXPORT_FORMATS = ['html', 'bundle', 'timelinejs', 'ninjs', 'csl'] as const;
export const ExportFormatSchema = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

/** An exported file, for the client to save where the editor chooses. */
export const ExportedFileSchema = z.strictObject({
  fileName: z.string(),
  mediaType: z.string(),
  data: z.base64(),
  /** What the format could not carry, e.g. timeline entries whose date cannot be read. */
  notes: z.array(z.string()),
});
export type ExportedFile = z.infer<typeof ExportedFileSchema>;

export const IMPORT_CONFLICT_CHOICES = ['copy', 'replace', 'skip'] as const;

export const ImportResultSchema = z.strictObject({
  imported: z.array(z.strictObject({ id: IdSchema, title: z.string(), as: z.enum(['new', 'copy', 'replaced']) })),
  skipped: z.array(z.strictObject({ id: IdSchema, title: z.string(), reason: z.string() })),
});
export type ImportResult = z.infer<typeof ImportResultSchema>;

/** The library's own coverage rules, and the rules they make with the defaults. */
export const CoverageSettingsSchema = z.strictObject({ library: CoverageRulesPatchSchema, effective: CoverageRulesSchema });

/** The largest image Storydesk stores (decoded bytes); `putAsset` refuses larger ones. */
export const MAX_ASSET_BYTES = 32 * 1024 * 1024;

export const api = {
  listStories: {
    request: ListStoriesRequestSchema,
    response: z.array(StorySummarySchema),
  },
  /** The feeds of the stories in the library or in the trash (the feed filter's choices), sorted. */
  listFeeds: {
    request: z.strictObject({ in: z.enum(['active', 'trash']).optional() }),
    response: z.array(z.string()),
  },
  searchStories: {
    request: z.strictObject({
      query: z.string().max(1000),
      limit: z.int().min(1).max(200).optional(),
      in: z.enum(['active', 'trash', 'all']).optional(),
    }),
    response: z.array(SearchHitSchema),
  },
  createStory: {
    request: NewStorySchema.extend({ author: Author }),
    response: StorySchema,
  },
  getStory: {
    request: StoryRef,
    response: StorySchema,
  },
  /** Saves a new revision; refused as a conflict unless `baseRevision` is the latest. */
  saveStory: {
    request: z.strictObject({
      story: StorySchema,
      baseRevision: z.int().nonnegative(),
      summary: z.string().max(500).optional(),
      author: Author,
    }),
    response: StorySchema,
  },
  /**
   * A new draft copied from a story. With `content`, the copy holds that version instead of the
   * stored one: how an editor keeps their own version after a conflict ("keep mine as a copy").
   */
  duplicateStory: {
    request: StoryRef.extend({ content: StorySchema.optional(), author: Author }),
    response: StorySchema,
  },
  trashStory: {
    request: StoryRef,
    response: StorySummarySchema,
  },
  restoreStory: {
    request: StoryRef,
    response: StorySummarySchema,
  },
  /** Deletes a story in the trash for good, with its history. Refused outside the trash. */
  purgeStory: {
    request: StoryRef,
    response: z.strictObject({ id: IdSchema }),
  },
  listRevisions: {
    request: z.strictObject({ storyId: IdSchema }),
    response: z.array(RevisionSummarySchema),
  },
  getRevision: {
    request: z.strictObject({ storyId: IdSchema, revision: z.int().positive() }),
    response: z.strictObject({ revision: RevisionSummarySchema, story: StorySchema }),
  },
  /** Makes an earlier revision's content the newest revision; history is never rewritten. */
  restoreRevision: {
    request: z.strictObject({
      storyId: IdSchema,
      revision: z.int().positive(),
      baseRevision: z.int().nonnegative(),
      author: Author,
    }),
    response: StorySchema,
  },
  putAsset: {
    request: z.strictObject({ mediaType: ImageMediaTypeSchema, data: Base64 }),
    response: AssetRefSchema,
  },
  getAsset: {
    request: z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    response: z.strictObject({ asset: AssetRefSchema, data: Base64 }),
  },
  setStoryStatus: {
    request: z.strictObject({
      id: IdSchema,
      status: StoryStatusSchema,
      baseRevision: z.int().nonnegative(),
      /**
       * Required to publish a story whose coverage review has blockers (without it the request
       * fails with `publish-blocked`, listing them); kept with the revision.
       */
      overrideReason: z.string().min(1).max(2000).optional(),
      author: Author,
    }),
    response: StorySchema,
  },
  /**
   * The coverage review of a saved story under the library's rules, the story's own and, when
   * given, `rules` laid over both (to try a rule out without saving it).
   */
  reviewStory: {
    request: StoryRef.extend({ rules: CoverageRulesPatchSchema.optional() }),
    response: CoverageReportSchema,
  },
  getCoverageRules: {
    request: z.strictObject({}),
    response: CoverageSettingsSchema,
  },
  /** Replaces the library's coverage rules (a story's own rules still apply over them). */
  setCoverageRules: {
    request: z.strictObject({ rules: CoverageRulesPatchSchema }),
    response: CoverageSettingsSchema,
  },
  /**
   * One story as a file. `final: true` is an export for publication: it passes the publish gate
   * (blockers need `overrideReason`, which is kept with a new revision of the story).
   */
  exportStory: {
    request: StoryRef.extend({
      format: ExportFormatSchema,
      final: z.boolean().optional(),
      overrideReason: z.string().min(1).max(2000).optional(),
      author: Author,
    }),
    response: ExportedFileSchema,
  },
  /** Several stories (all active ones when `ids` is absent) as one library bundle. */
  exportLibraryBundle: {
    request: z.strictObject({ ids: z.array(IdSchema).min(1).optional() }),
    response: ExportedFileSchema,
  },
  /**
   * A story or library bundle, validated in full before anything is written, then written in
   * one transaction. A story whose id exists already is kept as a copy, replaces it, or is skipped.
   */
  importBundle: {
    request: z.strictObject({ data: Base64, onConflict: z.enum(IMPORT_CONFLICT_CHOICES), author: Author }),
    response: ImportResultSchema,
  },
  /** A page copied as text becomes a new draft story; `notes` say what was guessed or kept unsorted. */
  importText: {
    request: z.strictObject({ text: z.string().min(1).max(5_000_000), author: Author }),
    response: z.strictObject({ story: StorySchema, notes: z.array(z.string()) }),
  },
  backupLibrary: {
    request: z.strictObject({}),
    response: z.strictObject({
      path: z.string(),
      byteLength: z.int().nonnegative(),
      /** Backups the retention policy deleted after this one was made. */
      removed: z.array(z.string()),
    }),
  },
  /**
   * Which library this is: a lasting random id (kept in the library file, so a copy of the file is
   * the same library), its file, and its name for a window title.
   */
  getLibraryInfo: {
    request: z.strictObject({}),
    response: z.strictObject({
      id: z.string().min(1),
      path: z.string(),
      name: z.string(),
      /** Open read-only: Storydesk may not write the file or its folder, so saves are refused until it may. */
      readOnly: z.boolean(),
    }),
  },
  /** Reads the whole library to find damage; slow on a large library (seconds). */
  verifyLibrary: {
    request: z.strictObject({}),
    response: z.strictObject({ path: z.string(), problems: z.array(z.string()) }),
  },
  listBackups: {
    request: z.strictObject({}),
    response: z.array(z.strictObject({ path: z.string(), createdAt: TimestampSchema, byteLength: z.int().nonnegative() })),
  },
} as const;

export type Api = typeof api;
export type ApiMethod = keyof Api;
export type ApiRequest<Method extends ApiMethod> = z.input<Api[Method]['request']>;
export type ApiResponse<Method extends ApiMethod> = z.output<Api[Method]['response']>;

/** What a back end implements and what a client calls: one async function per method. */
export type ApiHandlers = { [Method in ApiMethod]: (request: ApiRequest<Method>) => Promise<ApiResponse<Method>> };

export const API_METHODS = Object.keys(api) as ApiMethod[];
