/**
 * The coverage review (DESIGN §4): a pure function of a story and the rules in force that says
 * what an editor must fix before publishing (blockers), should look at (warnings) or may like
 * to know (notes), each with a location precise enough to jump to, plus the figures at the top
 * of the coverage panel. The editor runs it live, the service runs it as the publish gate, and
 * `storydesk check` runs it headless.
 */
import { citationNumbers } from './citations';
import {
  DEFAULT_SEVERITIES,
  mergeCoverageRules,
  SEVERITIES,
  type CoverageFigures,
  type CoverageReport,
  type CoverageRules,
  type CoverageRulesPatch,
  type Finding,
  type FindingCode,
  type FindingLocation,
  type Severity,
} from './coverage-schema';
import type { Citation, Inline, Source, Story, TimelineEntry } from './model';
import { splitSentences, type Sentence } from './sentences';
import { parseTimelineDate, readEdtf, timelineOrderProblems, type ParsedTimelineDate } from './timeline-dates';
import { urlIdentity } from './urls';

export interface ReviewOptions {
  /** Rules laid over the defaults, in order (library, then story, then e.g. a command-line file). */
  rules?: readonly (CoverageRulesPatch | undefined)[];
}

/** The rules in force for a story: defaults, then the library's, then the story's own. */
export function rulesForStory(story: Pick<Story, 'coverageRules'>, libraryRules?: CoverageRulesPatch, extra?: CoverageRulesPatch): CoverageRules {
  return mergeCoverageRules(libraryRules, story.coverageRules, extra);
}

/** Longest quotation of a sentence in a message; the location pins down the rest. */
const QUOTE_LENGTH = 80;

function quote(text: string): string {
  const trimmed = text.trim();
  return `“${trimmed.length > QUOTE_LENGTH ? `${trimmed.slice(0, QUOTE_LENGTH - 1).trimEnd()}…` : trimmed}”`;
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The date a relative timeline label is read against: when the story was published, or last saved. */
export function storyReferenceDate(story: Pick<Story, 'publishedAt' | 'updatedAt'>): string {
  return (story.publishedAt ?? story.updatedAt).slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Dates read once

/**
 * Timeline labels and EDTF dates already read. The editor reviews the story after every pause in
 * typing, and a timeline of a thousand entries was read anew each time though at most one label had
 * changed. Keyed by the text (and the reference date a label was read against), so that an answer
 * is never stale; the reading is a pure function of those. Starts over beyond the limit.
 */
const datesRead = new Map<string, ParsedTimelineDate>();
const DATES_KEPT = 20_000;

function rememberedDate(key: string, read: () => ParsedTimelineDate): ParsedTimelineDate {
  let date = datesRead.get(key);
  if (date === undefined) {
    if (datesRead.size >= DATES_KEPT) datesRead.clear();
    date = read();
    datesRead.set(key, date);
  }
  return date;
}

function edtfDate(edtf: string): ParsedTimelineDate {
  return rememberedDate(`edtf\u0000${edtf}`, () => readEdtf(edtf));
}

function labelDate(label: string, referenceDate?: string): ParsedTimelineDate {
  const key = referenceDate === undefined ? `label\u0000${label}` : `label\u0000${label}\u0000${referenceDate}`;
  return rememberedDate(key, () => parseTimelineDate(label, referenceDate === undefined ? {} : { referenceDate }));
}

/**
 * What the review read from one entry's date, found again by the date object itself (an edit
 * elsewhere leaves it as it was) and used while its label and EDTF are the same strings.
 */
interface EntryDateReading {
  label: string;
  edtf: string | undefined;
  date: ParsedTimelineDate;
  /** The label read against the story's date, once asked for. */
  fromLabel?: { referenceDate: string; date: ParsedTimelineDate };
}

const entryDatesRead = new WeakMap<TimelineEntry['date'], EntryDateReading>();

function readingOf(date: TimelineEntry['date']): EntryDateReading {
  let reading = entryDatesRead.get(date);
  if (reading === undefined || reading.label !== date.label || reading.edtf !== date.edtf) {
    reading = { label: date.label, edtf: date.edtf, date: date.edtf !== undefined && date.edtf !== '' ? edtfDate(date.edtf) : labelDate(date.label) };
    entryDatesRead.set(date, reading);
  }
  return reading;
}

/** `timelineEntryDate`, from the dates already read: the stored EDTF when present, else the label. */
function entryDate(date: TimelineEntry['date']): ParsedTimelineDate {
  return readingOf(date).date;
}

/** The entry's label read against the story's date, from the dates already read. */
function entryLabelDate(date: TimelineEntry['date'], referenceDate: string): ParsedTimelineDate {
  const reading = readingOf(date);
  if (reading.fromLabel?.referenceDate !== referenceDate) reading.fromLabel = { referenceDate, date: labelDate(date.label, referenceDate) };
  return reading.fromLabel.date;
}

// ---------------------------------------------------------------------------------------------
// Places in words

function sectionName(story: Story, sectionIndex: number): string {
  const heading = story.sections[sectionIndex]?.heading.trim() ?? '';
  return `Section ${sectionIndex + 1}${heading === '' ? '' : ` «${heading}»`}`;
}

function entryName(story: Story, entryIndex: number): string {
  const label = story.timeline[entryIndex]?.date.label.trim() ?? '';
  return `Timeline entry ${entryIndex + 1}${label === '' ? '' : ` «${label}»`}`;
}

function sourceName(source: Source, number: number | undefined): string {
  const title = source.title?.trim();
  return `Source [${number ?? '?'}] ${title ? `«${title}»` : `(${source.id})`}`;
}

const HERO_FIELD_NAMES = { image: 'image', alt: 'alt text', credit: 'credit', caption: 'caption', sourceUrl: 'source link' } as const;

// ---------------------------------------------------------------------------------------------
// The review

interface Tally {
  /** Source references by source id (known sources only). */
  bySource: Map<string, number>;
  total: number;
}

/** Known source ids cited by these citation nodes, each once, in order. */
function knownSources(citations: readonly Citation[], known: ReadonlySet<string>): string[] {
  const ids = new Set<string>();
  for (const citation of citations) for (const id of citation.sources) if (known.has(id)) ids.add(id);
  return [...ids];
}

function citationsAt(inlines: readonly Inline[], indexes: readonly number[]): Citation[] {
  return indexes.flatMap((index) => {
    const inline = inlines[index];
    return inline?.type === 'citation' ? [inline] : [];
  });
}

function allCitations(inlines: readonly Inline[]): Citation[] {
  return inlines.filter((inline): inline is Citation => inline.type === 'citation');
}

class Review {
  readonly findings: Finding[] = [];
  readonly known: ReadonlySet<string>;
  readonly numbers: ReadonlyMap<string, number>;
  readonly tally: Tally = { bySource: new Map(), total: 0 };
  /** Timeline entries whose date cannot be read (counted as the review meets them). */
  undatedEntries = 0;
  readonly figures: CoverageFigures = {
    sentences: { cited: 0, total: 0 },
    paragraphs: { cited: 0, total: 0 },
    timelineEntries: { cited: 0, total: 0 },
    sources: { cited: 0, total: 0 },
    timelineOrder: { direction: 'oldest-first', inOrder: true, misplaced: 0, undated: 0 },
    distinctOutlets: 0,
    citations: 0,
    largestSourceShare: null,
    largestOutletShare: null,
  };

  constructor(
    readonly story: Story,
    readonly rules: CoverageRules,
  ) {
    this.known = new Set(story.sources.map((source) => source.id));
    this.numbers = citationNumbers(story);
  }

  severityOf(code: FindingCode): Severity | 'off' {
    return this.rules.severities[code] ?? DEFAULT_SEVERITIES[code];
  }

  add(code: FindingCode, message: string, location: FindingLocation, place: string): void {
    const severity = this.severityOf(code);
    if (severity === 'off') return;
    this.findings.push({ code, severity, message, location, place });
  }

  /** `[1]`, or `[1], [3]` for several. */
  markers(ids: readonly string[]): string {
    return ids.map((id) => `[${this.numbers.get(id) ?? '?'}]`).join(', ');
  }

  count(citations: readonly Citation[]): void {
    for (const citation of citations) {
      for (const id of citation.sources) {
        if (!this.known.has(id)) continue;
        this.tally.bySource.set(id, (this.tally.bySource.get(id) ?? 0) + 1);
        this.tally.total++;
      }
    }
  }

  /** Reports each citation in `content` that names a source not in the list. */
  dangling(content: readonly Inline[], location: (inline: number) => FindingLocation, place: string): void {
    for (let index = 0; index < content.length; index++) {
      const inline = content[index];
      if (inline?.type !== 'citation') continue;
      for (const id of inline.sources) {
        if (this.known.has(id)) continue;
        this.add('citation-dangling', `A citation points at a source that is not in the sources list (${JSON.stringify(id)}).`, location(index), place);
      }
    }
  }

  // -- the title and the hero -------------------------------------------------------------------

  reviewHeader(): void {
    const { story } = this;
    if (story.title.trim() === '') this.add('title-missing', 'The story has no headline.', { part: 'story', field: 'title' }, 'Headline');
    const { hero } = story;
    const heroPlace = (field: keyof typeof HERO_FIELD_NAMES) => `Hero image, ${HERO_FIELD_NAMES[field]}`;
    if (!hero) {
      this.add('hero-missing', 'The story has no hero image.', { part: 'hero', field: 'image' }, heroPlace('image'));
      return;
    }
    if (hero.alt.trim() === '') {
      this.add('hero-alt-missing', 'The hero image has no alt text, so readers who cannot see it learn nothing from it.', { part: 'hero', field: 'alt' }, heroPlace('alt'));
    }
    if (hero.credit.trim() === '') {
      this.add('hero-credit-missing', 'The hero image has no credit; say who made or supplied it.', { part: 'hero', field: 'credit' }, heroPlace('credit'));
    }
    if (hero.caption.trim() === '') {
      this.add('hero-caption-missing', 'The hero image has no caption.', { part: 'hero', field: 'caption' }, heroPlace('caption'));
    }
    if (hero.sourceUrl === undefined) {
      this.add('hero-link-missing', 'The hero image has no source link.', { part: 'hero', field: 'sourceUrl' }, heroPlace('sourceUrl'));
    }
  }

  // -- sections ---------------------------------------------------------------------------------

  reviewSections(): void {
    const { story, rules } = this;
    const summarySources = new Set<string>();
    let sectionsWithCitations = 0;
    story.sections.forEach((section, sectionIndex) => {
      const name = sectionName(story, sectionIndex);
      if (section.heading.trim() === '') {
        this.add('section-heading-missing', 'This section has no heading.', { part: 'section', sectionId: section.id, field: 'heading' }, name);
      }
      const manyParagraphs = section.body.length > 1;
      const sectionSources = new Set<string>();
      let sentenceCount = 0;
      section.body.forEach((paragraph, paragraphIndex) => {
        const content = paragraph.content;
        const citations = allCitations(content);
        this.count(citations);
        for (const id of knownSources(citations, this.known)) sectionSources.add(id);
        const paragraphPlace = manyParagraphs ? `${name}, paragraph ${paragraphIndex + 1}` : name;
        this.dangling(
          content,
          (inline) => ({ part: 'section', sectionId: section.id, field: 'body', paragraph: paragraphIndex, inline }),
          paragraphPlace,
        );
        const sentences = splitSentences(content);
        if (sentences.length === 0) return;
        sentenceCount += sentences.length;
        const paragraphCited = knownSources(citations, this.known).length > 0;
        this.figures.paragraphs.total++;
        if (paragraphCited) this.figures.paragraphs.cited++;
        if (rules.citationUnit === 'paragraph' && !paragraphCited) {
          this.add(
            'paragraph-uncited',
            `This paragraph has no citation: it begins ${quote(sentences[0]?.text ?? '')}.`,
            { part: 'section', sectionId: section.id, field: 'body', paragraph: paragraphIndex },
            manyParagraphs ? paragraphPlace : `${name}, paragraph 1`,
          );
        }
        for (const sentence of sentences) this.reviewSentence(sentence, content, sectionIndex, paragraphIndex, manyParagraphs);
      });
      if (sentenceCount === 0) {
        this.add('section-empty', 'This section has no text.', { part: 'section', sectionId: section.id, field: 'body' }, name);
      }
      if (sectionSources.size > 0) sectionsWithCitations++;
      for (const id of sectionSources) summarySources.add(id);
      const [only] = sectionSources;
      if (sectionSources.size === 1 && only !== undefined && story.sources.length >= rules.singleSourceThreshold) {
        this.add(
          'section-single-source',
          `Every citation in this section points at one source, ${this.markers([only])}, though the story has ${story.sources.length} sources.`,
          { part: 'section', sectionId: section.id, field: 'body' },
          name,
        );
      }
    });
    const [only] = summarySources;
    if (summarySources.size === 1 && only !== undefined && sectionsWithCitations > 1 && story.sources.length >= rules.singleSourceThreshold) {
      const first = story.sections[0];
      if (first) {
        this.add(
          'summary-single-source',
          `The whole summary rests on one source, ${this.markers([only])}, of the story's ${story.sources.length}.`,
          { part: 'section', sectionId: first.id, field: 'body' },
          'All sections',
        );
      }
    }
  }

  reviewSentence(sentence: Sentence, content: readonly Inline[], sectionIndex: number, paragraphIndex: number, manyParagraphs: boolean): void {
    const section = this.story.sections[sectionIndex];
    if (!section) return;
    this.figures.sentences.total++;
    const cited = knownSources(citationsAt(content, sentence.citations), this.known).length > 0;
    if (cited) {
      this.figures.sentences.cited++;
      return;
    }
    if (this.rules.citationUnit !== 'sentence') return;
    const place = `${sectionName(this.story, sectionIndex)}${manyParagraphs ? `, paragraph ${paragraphIndex + 1}` : ''}, sentence ${sentence.index + 1}`;
    this.add(
      'sentence-uncited',
      `This sentence has no citation: ${quote(sentence.text)}.`,
      {
        part: 'section',
        sectionId: section.id,
        field: 'body',
        paragraph: paragraphIndex,
        sentence: { index: sentence.index, start: sentence.start, end: sentence.end },
      },
      place,
    );
  }

  // -- the timeline -----------------------------------------------------------------------------

  reviewTimeline(): void {
    const { story } = this;
    const referenceDate = storyReferenceDate(story);
    const issuedEnd = new Map<string, string>();
    for (const source of story.sources) {
      if (source.issued === undefined) continue;
      const read = edtfDate(source.issued);
      if (read.ok) issuedEnd.set(source.id, read.latest);
    }
    story.timeline.forEach((entry, entryIndex) => {
      const name = entryName(story, entryIndex);
      const citations = allCitations(entry.body);
      this.count(citations);
      this.dangling(
        entry.body,
        (inline) => ({ part: 'timeline', entryId: entry.id, field: 'body', inline }),
        name,
      );
      const cited = knownSources(citations, this.known);
      this.figures.timelineEntries.total++;
      if (cited.length > 0) this.figures.timelineEntries.cited++;
      else this.add('timeline-entry-uncited', 'This timeline entry has no citation.', { part: 'timeline', entryId: entry.id, field: 'body' }, name);
      this.reviewEntryDate(entry, name, referenceDate, cited, issuedEnd);
    });
    const problems = timelineOrderProblems(story.timeline, { direction: this.rules.timelineOrder, referenceDate });
    this.figures.timelineOrder = {
      direction: this.rules.timelineOrder,
      inOrder: problems.length === 0,
      misplaced: problems.length,
      undated: this.undatedEntries,
    };
    for (const problem of problems) {
      const entry = story.timeline[problem.index];
      if (!entry) continue;
      this.add('timeline-out-of-order', `${problem.message}.`.replace(/\.\.$/, '.'), { part: 'timeline', entryId: entry.id, field: 'date' }, entryName(story, problem.index));
    }
  }

  reviewEntryDate(entry: TimelineEntry, name: string, referenceDate: string, cited: readonly string[], issuedEnd: ReadonlyMap<string, string>): void {
    const location: FindingLocation = { part: 'timeline', entryId: entry.id, field: 'date' };
    const label = entry.date.label;
    const date = entryDate(entry.date);
    if (!date.ok) {
      this.undatedEntries++;
      if (date.relative) {
        const resolved = entryLabelDate(entry.date, referenceDate);
        const reading = resolved.ok ? ` (against the story's date, ${referenceDate}, it reads as ${resolved.edtf})` : '';
        this.add('timeline-date-relative', `The date “${label}” is relative; fix it to a date${reading}.`, location, name);
      } else {
        this.add('timeline-date-unreadable', `The date “${label}” cannot be read (${date.reason}), so this entry cannot be placed by date.`, location, name);
      }
      return;
    }
    if (entry.date.edtf !== undefined) {
      const fromLabel = entryLabelDate(entry.date, referenceDate);
      if (fromLabel.ok && (fromLabel.earliest !== date.earliest || fromLabel.latest !== date.latest)) {
        this.add('timeline-date-mismatch', `The label “${label}” reads as ${fromLabel.edtf}, but the entry is stored as ${entry.date.edtf}.`, location, name);
      }
    }
    const ends = cited.map((id) => issuedEnd.get(id));
    if (cited.length > 0 && ends.every((end) => end !== undefined && end < date.earliest)) {
      this.add(
        'timeline-cited-before-event',
        `Every source cited for this entry, ${this.markers(cited)}, was published before “${label}”, so none of them can report it.`,
        { part: 'timeline', entryId: entry.id, field: 'body' },
        name,
      );
    }
  }

  // -- sources ----------------------------------------------------------------------------------

  reviewSources(): void {
    const { story } = this;
    const seenUrls = new Map<string, Source>();
    const outletCitations = new Map<string, { outlet: string; citations: number }>();
    story.sources.forEach((source) => {
      const number = this.numbers.get(source.id);
      const name = sourceName(source, number);
      const location = (field?: 'URL' | 'title' | 'container-title' | 'issued' | 'role'): FindingLocation =>
        field ? { part: 'source', sourceId: source.id, field } : { part: 'source', sourceId: source.id };
      const citations = this.tally.bySource.get(source.id) ?? 0;
      this.figures.sources.total++;
      if (citations > 0) this.figures.sources.cited++;
      else if (source.role === 'cited') {
        this.add('source-uncited', 'This source is cited nowhere; cite it, or mark it as related.', location('role'), name);
      }
      if (source.URL === undefined) this.add('source-url-missing', 'This source has no URL.', location('URL'), name);
      else {
        const identity = urlIdentity(source.URL);
        const earlier = identity === undefined ? undefined : seenUrls.get(identity);
        if (earlier) {
          this.add(
            'source-duplicate-url',
            `This source is the same article as source [${this.numbers.get(earlier.id) ?? '?'}] (${source.URL}); merge them.`,
            location('URL'),
            name,
          );
        } else if (identity !== undefined) seenUrls.set(identity, source);
      }
      if ((source.title ?? '').trim() === '') this.add('source-title-missing', 'This source has no title.', location('title'), name);
      const outlet = (source['container-title'] ?? '').trim();
      if (outlet === '') this.add('source-outlet-missing', 'This source has no outlet (the publication it appeared in).', location('container-title'), name);
      else {
        const key = outlet.toLocaleLowerCase('en');
        const entry = outletCitations.get(key) ?? { outlet, citations: 0 };
        entry.citations += citations;
        outletCitations.set(key, entry);
      }
      if (source.issued === undefined) {
        this.add(
          'source-date-missing',
          'This source has no publication date, so it cannot be numbered by date or checked against the timeline.',
          location('issued'),
          name,
        );
      }
    });
    this.figures.distinctOutlets = outletCitations.size;
    this.reviewShares(outletCitations);
  }

  reviewShares(outletCitations: ReadonlyMap<string, { outlet: string; citations: number }>): void {
    const { story, rules, tally } = this;
    this.figures.citations = tally.total;
    if (tally.total === 0) return;
    let largest: { id: string; citations: number } | undefined;
    for (const [id, citations] of tally.bySource) if (!largest || citations > largest.citations) largest = { id, citations };
    if (largest) {
      const share = largest.citations / tally.total;
      const number = this.numbers.get(largest.id) ?? 0;
      this.figures.largestSourceShare = { sourceId: largest.id, number, citations: largest.citations, share };
      const source = story.sources.find((candidate) => candidate.id === largest.id);
      if (source && tally.total >= rules.shareMinimumCitations && share > rules.sourceShareLimit && story.sources.length > 1) {
        this.add(
          'source-dominant',
          `Source [${number}] holds ${largest.citations} of the story's ${plural(tally.total, 'citation')} (${percent(share)}), more than the ${percent(rules.sourceShareLimit)} limit.`,
          { part: 'source', sourceId: largest.id },
          sourceName(source, number),
        );
      }
    }
    let largestOutlet: { outlet: string; citations: number } | undefined;
    for (const entry of outletCitations.values()) if (entry.citations > 0 && (!largestOutlet || entry.citations > largestOutlet.citations)) largestOutlet = entry;
    if (largestOutlet) {
      const share = largestOutlet.citations / tally.total;
      this.figures.largestOutletShare = { outlet: largestOutlet.outlet, citations: largestOutlet.citations, share };
      const firstSource = story.sources.find((source) => (source['container-title'] ?? '').trim().toLocaleLowerCase('en') === largestOutlet.outlet.toLocaleLowerCase('en'));
      if (firstSource && tally.total >= rules.shareMinimumCitations && share > rules.outletShareLimit && outletCitations.size > 1) {
        this.add(
          'outlet-dominant',
          `${largestOutlet.outlet} holds ${largestOutlet.citations} of the story's ${plural(tally.total, 'citation')} (${percent(share)}), more than the ${percent(rules.outletShareLimit)} limit.`,
          { part: 'source', sourceId: firstSource.id, field: 'container-title' },
          `Outlet «${largestOutlet.outlet}»`,
        );
      }
    }
  }

  report(): CoverageReport {
    const rank = (severity: Severity) => SEVERITIES.indexOf(severity);
    const findings = this.findings.map((finding, order) => ({ finding, order }));
    findings.sort((a, b) => rank(a.finding.severity) - rank(b.finding.severity) || a.order - b.order);
    const counts = { blocker: 0, warning: 0, info: 0 };
    for (const { finding } of findings) counts[finding.severity]++;
    return { findings: findings.map(({ finding }) => finding), counts, figures: this.figures, rules: this.rules };
  }
}

/**
 * Reviews a story's citation coverage under `rules` (the defaults when omitted; see
 * `rulesForStory` for the library's and the story's own). Never throws on a valid story.
 */
export function reviewCoverage(story: Story, rules: CoverageRules = rulesForStory(story)): CoverageReport {
  const review = new Review(story, rules);
  review.reviewHeader();
  review.reviewSections();
  review.reviewTimeline();
  review.reviewSources();
  return review.report();
}

/** The blockers of a review, as the publish gate reports them. */
export function blockersOf(report: CoverageReport): Finding[] {
  return report.findings.filter((finding) => finding.severity === 'blocker');
}

/** Findings of one severity as "2 blockers, 5 warnings, 1 note". */
export function summariseCounts(counts: CoverageReport['counts']): string {
  return [plural(counts.blocker, 'blocker'), plural(counts.warning, 'warning'), plural(counts.info, 'note')].join(', ');
}
