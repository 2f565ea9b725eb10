/**
 * The story model: what a story cluster is, as zod schemas with the TypeScript types inferred
 * from them. Every layer (store, service, command line, editor, exports) speaks this model, and
 * anything that crosses a boundary is checked against it with `parseStory` and friends.
 *
 * Text is stored exactly as typed: no normalisation, so U+2011, U+202F and the like survive.
 */
import { z } from 'zod';
import { CoverageRulesPatchSchema } from './coverage-schema';

/** Ids are opaque, URL-safe strings chosen by whoever creates the object. */
export const IdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1–64 letters, digits, "-" or "_"');
export type Id = z.infer<typeof IdSchema>;

/** An instant, as ISO 8601 in UTC with milliseconds: `2026-02-02T09:30:00.000Z`. */
export const TimestampSchema = z.iso.datetime({ offset: false, precision: 3 });
export type Timestamp = z.infer<typeof TimestampSchema>;

/** A full or partial calendar date: `2026`, `2026-02` or `2026-02-02`. */
export const PartialDateSchema = z
  .string()
  .regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/, 'must be a date such as 2026, 2026-02 or 2026-02-02');

/** Only these schemes become links anywhere in Storydesk. */
export const WebUrlSchema = z
  .string()
  .max(2048)
  .refine((value) => /^https?:\/\/[^\s/?#]+/i.test(value), 'must be an http:// or https:// address');

export const STORY_STATUSES = ['draft', 'review', 'published'] as const;
export const StoryStatusSchema = z.enum(STORY_STATUSES);
export type StoryStatus = z.infer<typeof StoryStatusSchema>;

/** How display numbers are assigned to sources (DESIGN §3). Text never stores numbers. */
export const CITATION_ORDERS = ['newest-first', 'first-appearance', 'manual'] as const;
export const CitationOrderSchema = z.enum(CITATION_ORDERS);
export type CitationOrder = z.infer<typeof CitationOrderSchema>;

/** How one marker citing several sources is written: `[2][5]` or `[2, 5]`. */
export const CitationStyleSchema = z.enum(['separate', 'combined']);
export type CitationStyle = z.infer<typeof CitationStyleSchema>;

// ---------------------------------------------------------------------------------------------
// Inline rich content

export const MarkSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('bold') }),
  z.strictObject({ type: z.literal('italic') }),
  z.strictObject({ type: z.literal('link'), href: WebUrlSchema }),
]);
export type Mark = z.infer<typeof MarkSchema>;

export const TextRunSchema = z.strictObject({
  type: z.literal('text'),
  text: z.string().min(1, 'a text run cannot be empty'),
  marks: z
    .array(MarkSchema)
    .refine((marks) => new Set(marks.map((mark) => mark.type)).size === marks.length, 'a mark may appear once per run')
    .optional(),
});
export type TextRun = z.infer<typeof TextRunSchema>;

/** A citation marker: points at sources by id; its number is derived when rendered. */
export const CitationSchema = z.strictObject({
  type: z.literal('citation'),
  sources: z
    .array(IdSchema)
    .min(1, 'a citation cites at least one source')
    .refine((ids) => new Set(ids).size === ids.length, 'a citation lists each source once'),
});
export type Citation = z.infer<typeof CitationSchema>;

export const InlineSchema = z.discriminatedUnion('type', [TextRunSchema, CitationSchema]);
export type Inline = z.infer<typeof InlineSchema>;

export const ParagraphSchema = z.strictObject({
  type: z.literal('paragraph'),
  content: z.array(InlineSchema),
});
export type Paragraph = z.infer<typeof ParagraphSchema>;

// ---------------------------------------------------------------------------------------------
// Parts of a story

export const SectionSchema = z.strictObject({
  id: IdSchema,
  heading: z.string(),
  body: z.array(ParagraphSchema),
});
export type Section = z.infer<typeof SectionSchema>;

/** A person's name in CSL-JSON's form: family/given, or one literal string. */
export const PersonNameSchema = z.union([
  z.strictObject({ family: z.string().min(1), given: z.string().optional() }),
  z.strictObject({ literal: z.string().min(1) }),
]);
export type PersonName = z.infer<typeof PersonNameSchema>;

export const SOURCE_ROLES = ['cited', 'related'] as const;

/**
 * An article the story draws on. Field names follow CSL-JSON where one fits (`URL`, `title`,
 * `container-title` for the outlet, `author`, `issued`, `accessed`, `language`, `note`), so that
 * sources travel to and from reference managers; dates are ISO strings rather than CSL's
 * `date-parts`, converted at export. URL, title and outlet are optional because a draft may not
 * know them yet: the coverage review reports what is missing.
 */
export const SourceSchema = z.strictObject({
  id: IdSchema,
  URL: WebUrlSchema.optional(),
  title: z.string().optional(),
  'container-title': z.string().optional(),
  author: z.array(PersonNameSchema).optional(),
  issued: PartialDateSchema.optional(),
  accessed: PartialDateSchema.optional(),
  language: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en or ko-KR').optional(),
  note: z.string().optional(),
  /** `related` sources are listed but need not be cited. */
  role: z.enum(SOURCE_ROLES),
});
export type Source = z.infer<typeof SourceSchema>;

/**
 * A timeline date: `label` is exactly what the editor typed and the page shows; `edtf` is its
 * machine form (EDTF, ISO 8601-2), absent while the label cannot be read.
 */
export const TimelineDateSchema = z.strictObject({
  label: z.string().min(1, 'a timeline date needs a label'),
  edtf: z
    .string()
    .regex(/^[0-9XYSE?~%./\-+[\]{},]+$/, 'must be an EDTF date such as 2025-12-04, 2024-41 or 1950/1953')
    .optional(),
});
export type TimelineDate = z.infer<typeof TimelineDateSchema>;

export const TimelineEntrySchema = z.strictObject({
  id: IdSchema,
  date: TimelineDateSchema,
  body: z.array(InlineSchema),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const IMAGE_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export const ImageMediaTypeSchema = z.enum(IMAGE_MEDIA_TYPES);
export type ImageMediaType = z.infer<typeof ImageMediaTypeSchema>;

/** Points at image bytes stored once, content-addressed by their SHA-256. */
export const AssetRefSchema = z.strictObject({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256'),
  mediaType: ImageMediaTypeSchema,
  width: z.int().positive(),
  height: z.int().positive(),
  byteLength: z.int().positive(),
});
export type AssetRef = z.infer<typeof AssetRefSchema>;

export const HeroImageSchema = z.strictObject({
  asset: AssetRefSchema,
  alt: z.string(),
  caption: z.string(),
  credit: z.string(),
  usageTerms: z.string(),
  sourceUrl: WebUrlSchema.optional(),
  fullSizeUrl: WebUrlSchema.optional(),
});
export type HeroImage = z.infer<typeof HeroImageSchema>;

// ---------------------------------------------------------------------------------------------
// The story

function duplicates(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const id of ids) (seen.has(id) ? repeated : seen).add(id);
  return [...repeated];
}

export const StorySchema = z
  .strictObject({
    id: IdSchema,
    slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase letters and digits joined by single hyphens').max(120),
    title: z.string(),
    feed: z.string(),
    dek: z.string().optional(),
    status: StoryStatusSchema,
    hero: HeroImageSchema.optional(),
    sections: z.array(SectionSchema),
    sources: z.array(SourceSchema),
    timeline: z.array(TimelineEntrySchema),
    citationOrder: CitationOrderSchema,
    citationStyle: CitationStyleSchema,
    /** The story's own coverage rules, laid over the library's (DESIGN §4). */
    coverageRules: CoverageRulesPatchSchema.optional(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
    publishedAt: TimestampSchema.optional(),
    /** The number of the saved revision this content is (0 before the first save). */
    revision: z.int().nonnegative(),
  })
  .superRefine((story, context) => {
    const lists = [
      ['sections', story.sections],
      ['sources', story.sources],
      ['timeline', story.timeline],
    ] as const;
    for (const [key, items] of lists) {
      for (const id of duplicates(items.map((item) => item.id))) {
        const index = items.findLastIndex((item) => item.id === id);
        context.addIssue({ code: 'custom', path: [key, index, 'id'], message: `the id "${id}" is used twice` });
      }
    }
  });
export type Story = z.infer<typeof StorySchema>;

/** The short form of a story that lists and search results carry. */
export const StorySummarySchema = z.strictObject({
  id: IdSchema,
  slug: z.string(),
  title: z.string(),
  feed: z.string(),
  status: StoryStatusSchema,
  revision: z.int().nonnegative(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  /** Derived: the number of sources, as "Updated (6 articles)" shows it. */
  sourceCount: z.int().nonnegative(),
  trashedAt: TimestampSchema.optional(),
});
export type StorySummary = z.infer<typeof StorySummarySchema>;
