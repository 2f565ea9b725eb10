/**
 * The shapes of the coverage review (DESIGN §4): the rules a library or a story sets, and the
 * report the review returns. Zod schemas, so the rules can be stored in a story or a library and
 * the report can cross the API, both checked like everything else.
 */
import { z } from 'zod';

export const SEVERITIES = ['blocker', 'warning', 'info'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/** Every finding the review can make, with its severity unless the rules say otherwise. */
export const DEFAULT_SEVERITIES = {
  'title-missing': 'blocker',
  'section-heading-missing': 'warning',
  'section-empty': 'warning',
  'sentence-uncited': 'blocker',
  'paragraph-uncited': 'blocker',
  'section-single-source': 'warning',
  'summary-single-source': 'warning',
  'timeline-entry-uncited': 'blocker',
  'timeline-date-unreadable': 'warning',
  'timeline-date-relative': 'warning',
  'timeline-date-mismatch': 'warning',
  'timeline-out-of-order': 'warning',
  'timeline-cited-before-event': 'warning',
  'citation-dangling': 'blocker',
  'source-uncited': 'warning',
  'source-duplicate-url': 'warning',
  'source-url-missing': 'blocker',
  'source-title-missing': 'blocker',
  'source-outlet-missing': 'blocker',
  'source-date-missing': 'warning',
  'source-dominant': 'warning',
  'outlet-dominant': 'warning',
  'hero-missing': 'info',
  'hero-alt-missing': 'blocker',
  'hero-credit-missing': 'blocker',
  'hero-caption-missing': 'warning',
  'hero-link-missing': 'info',
} as const satisfies Record<string, Severity>;

export type FindingCode = keyof typeof DEFAULT_SEVERITIES;
export const FINDING_CODES = Object.keys(DEFAULT_SEVERITIES) as [FindingCode, ...FindingCode[]];
export const FindingCodeSchema = z.enum(FINDING_CODES);

// ---------------------------------------------------------------------------------------------
// Rules

export const CoverageRulesSchema = z.strictObject({
  /** Whether every sentence or only every paragraph of a section needs a citation. */
  citationUnit: z.enum(['sentence', 'paragraph']),
  /** A section that cites one source only is reported once the story has this many sources. */
  singleSourceThreshold: z.int().min(2).max(10_000),
  /** One source holding more than this share of all citations is reported (0.5 = half). */
  sourceShareLimit: z.number().gt(0).max(1),
  /** One outlet holding more than this share of all citations is reported. */
  outletShareLimit: z.number().gt(0).max(1),
  /** Shares are judged only once the story has at least this many citations. */
  shareMinimumCitations: z.int().min(1).max(1_000_000),
  /** The order the timeline is meant to run in. */
  timelineOrder: z.enum(['oldest-first', 'newest-first']),
  /** A different severity for a finding, or `off` to leave it out. */
  severities: z.partialRecord(FindingCodeSchema, z.enum([...SEVERITIES, 'off'])),
});
export type CoverageRules = z.infer<typeof CoverageRulesSchema>;

/** Rules as a library or a story sets them: any subset, laid over the defaults. */
export const CoverageRulesPatchSchema = CoverageRulesSchema.partial();
export type CoverageRulesPatch = z.infer<typeof CoverageRulesPatchSchema>;

export const DEFAULT_COVERAGE_RULES: CoverageRules = {
  citationUnit: 'sentence',
  singleSourceThreshold: 2,
  sourceShareLimit: 0.5,
  outletShareLimit: 0.5,
  shareMinimumCitations: 4,
  timelineOrder: 'oldest-first',
  severities: {},
};

/** The defaults with each patch laid over them in turn (later ones win, severities by code). */
export function mergeCoverageRules(...patches: readonly (CoverageRulesPatch | undefined)[]): CoverageRules {
  let rules = DEFAULT_COVERAGE_RULES;
  for (const patch of patches) {
    if (!patch) continue;
    const { severities, ...rest } = patch;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
    rules = { ...rules, ...defined, severities: { ...rules.severities, ...severities } };
  }
  return rules;
}

// ---------------------------------------------------------------------------------------------
// The report

const SentenceRangeSchema = z.strictObject({
  /** 0-based within the paragraph. */
  index: z.int().nonnegative(),
  /** Character range in the paragraph's text (UTF-16 units; citations take no room). */
  start: z.int().nonnegative(),
  end: z.int().nonnegative(),
});

/** Where a finding is, precisely enough for the editor to scroll to it and select it. */
export const FindingLocationSchema = z.discriminatedUnion('part', [
  z.strictObject({ part: z.literal('story'), field: z.enum(['title']) }),
  z.strictObject({
    part: z.literal('section'),
    sectionId: z.string(),
    field: z.enum(['heading', 'body']),
    /** 0-based paragraph index within the section. */
    paragraph: z.int().nonnegative().optional(),
    sentence: SentenceRangeSchema.optional(),
    /** Index of the citation node in the paragraph's inline content. */
    inline: z.int().nonnegative().optional(),
  }),
  z.strictObject({
    part: z.literal('timeline'),
    entryId: z.string(),
    field: z.enum(['date', 'body']),
    inline: z.int().nonnegative().optional(),
  }),
  z.strictObject({
    part: z.literal('source'),
    sourceId: z.string(),
    field: z.enum(['URL', 'title', 'container-title', 'issued', 'role']).optional(),
  }),
  z.strictObject({ part: z.literal('hero'), field: z.enum(['image', 'alt', 'credit', 'caption', 'sourceUrl']) }),
]);
export type FindingLocation = z.infer<typeof FindingLocationSchema>;

export const FindingSchema = z.strictObject({
  code: FindingCodeSchema,
  severity: SeveritySchema,
  /** One sentence an editor understands. */
  message: z.string(),
  location: FindingLocationSchema,
  /** The location in words: "Section 2 «Senior Officials Lead Negotiations», sentence 3". */
  place: z.string(),
});
export type Finding = z.infer<typeof FindingSchema>;

const Fraction = z.strictObject({ cited: z.int().nonnegative(), total: z.int().nonnegative() });

export const CoverageFiguresSchema = z.strictObject({
  sentences: Fraction,
  paragraphs: Fraction,
  timelineEntries: Fraction,
  sources: Fraction,
  /** Whether the timeline runs in date order: entries out of place, and entries whose date cannot be read. */
  timelineOrder: z.strictObject({
    direction: z.enum(['oldest-first', 'newest-first']),
    inOrder: z.boolean(),
    misplaced: z.int().nonnegative(),
    undated: z.int().nonnegative(),
  }),
  /** Outlets (`container-title`) among the sources, compared without case. */
  distinctOutlets: z.int().nonnegative(),
  /** Source references in all citations (a marker citing two sources counts two); dangling ones excluded. */
  citations: z.int().nonnegative(),
  largestSourceShare: z
    .strictObject({ sourceId: z.string(), number: z.int().positive(), citations: z.int().positive(), share: z.number() })
    .nullable(),
  largestOutletShare: z.strictObject({ outlet: z.string(), citations: z.int().positive(), share: z.number() }).nullable(),
});
export type CoverageFigures = z.infer<typeof CoverageFiguresSchema>;

export const CoverageReportSchema = z.strictObject({
  /** Blockers first, then warnings, then notes; within each, in reading order. */
  findings: z.array(FindingSchema),
  counts: z.strictObject({ blocker: z.int().nonnegative(), warning: z.int().nonnegative(), info: z.int().nonnegative() }),
  figures: CoverageFiguresSchema,
  /** The rules the review applied. */
  rules: CoverageRulesSchema,
});
export type CoverageReport = z.infer<typeof CoverageReportSchema>;
