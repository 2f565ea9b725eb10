/**
 * Interchange exports (DESIGN §5): the timeline as Knight Lab TimelineJS JSON (newsrooms embed
 * it), the story as IPTC ninjs 3.1 (what publishing pipelines ingest) and the sources as CSL-JSON
 * (what reference managers read). Each is a pure function of a story that returns plain data,
 * built key by key in a fixed order so that the same story always serialises to the same bytes.
 *
 * Text is kept exactly as typed. Wherever a format carries HTML, every user string is escaped and
 * only http(s) addresses become links; elsewhere strings stay plain text, marked as such.
 */
import { citationMarker, citationNumbers } from './citations';
import { InvalidInputError } from './errors';
import type { AssetRef, Citation, CitationStyle, HeroImage, Inline, PersonName, Source, Story } from './model';
import { escapeHtml } from './page-html';
import { timelineEntryDate, type ReadTimelineDate } from './timeline-dates';

type SourceId = Source['id'];

// ---------------------------------------------------------------------------------------------
// HTML and addresses
// ---------------------------------------------------------------------------------------------

/** The check the model applies to every stored address (WebUrlSchema): an http(s) scheme and a host. */
const WEB_URL_START = /^https?:\/\/[^\s/?#]+/i;
const AUTHORITY = /^(https?:\/\/[^/?#]*)(.*)$/is;
/** Characters a URI may hold as they are (RFC 3986); `[` and `]` only in the host. */
const NOT_URI_CHARACTER = /%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]/gu;
const NOT_AUTHORITY_CHARACTER = /%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~:/?#@!$&'()*+,;=%[\]]/gu;

function percentEncode(character: string): string {
  if (character === '%') return '%25';
  try {
    return encodeURIComponent(character);
  } catch {
    // A lone surrogate cannot be encoded as UTF-8: it stands for a character that is not there.
    return '%EF%BF%BD';
  }
}

/**
 * An http(s) address as a valid URI (spaces, quotes and non-ASCII characters percent-encoded,
 * existing escapes kept), or undefined for anything else: `javascript:`, `data:`, relative paths.
 * The model only stores http(s) addresses, but exports check again rather than trust their input.
 */
export function webUri(value: string | undefined): string | undefined {
  if (value === undefined || !WEB_URL_START.test(value)) return undefined;
  const [, authority = '', rest = ''] = AUTHORITY.exec(value) ?? [];
  return authority.replace(NOT_AUTHORITY_CHARACTER, percentEncode) + rest.replace(NOT_URI_CHARACTER, percentEncode);
}

// ---------------------------------------------------------------------------------------------
// Inline content, as HTML and as plain text
// ---------------------------------------------------------------------------------------------

/** What rendering citation markers needs: the display numbers, the marker style, where each source lives. */
interface CitationContext {
  numbers: ReadonlyMap<SourceId, number>;
  style: CitationStyle;
  /** The http(s) address of each source that has one; markers link to it when `linkCitations`. */
  urls: ReadonlyMap<SourceId, string>;
  linkCitations: boolean;
}

function citationContext(story: Story, style: CitationStyle, linkCitations: boolean): CitationContext {
  const urls = new Map<SourceId, string>();
  for (const source of story.sources) {
    const url = webUri(source.URL);
    if (url !== undefined) urls.set(source.id, url);
  }
  return { numbers: citationNumbers(story), style, urls, linkCitations };
}

/**
 * One citation as HTML: the marker citationMarker writes (`[2][5]` or `[2, 5]`, numbers
 * ascending, `?` for a dangling id), in `<sup>`, each number linked to its source's address when
 * there is one. Its text content is exactly citationMarker's.
 */
function citationHtml(citation: Citation, context: CitationContext): string {
  const numbered = citation.sources
    .flatMap((id) => {
      const number = context.numbers.get(id);
      return number === undefined ? [] : [{ number, url: context.linkCitations ? context.urls.get(id) : undefined }];
    })
    .sort((a, b) => a.number - b.number);
  const dangling = citation.sources.filter((id) => !context.numbers.has(id)).length;
  const linked = (text: string, url: string | undefined) => (url === undefined ? text : `<a href="${escapeHtml(url)}">${text}</a>`);
  const parts = [
    ...numbered.map((entry) => ({ label: String(entry.number), url: entry.url })),
    ...Array.from({ length: dangling }, () => ({ label: '?', url: undefined })),
  ];
  const marker =
    context.style === 'combined'
      ? `[${parts.map((part) => linked(part.label, part.url)).join(', ')}]`
      : parts.map((part) => linked(`[${part.label}]`, part.url)).join('');
  return `<sup>${marker}</sup>`;
}

/** A text run as HTML: italic inside bold inside a link, the link only for an http(s) address. */
function textRunHtml(run: Extract<Inline, { type: 'text' }>): string {
  let html = escapeHtml(run.text);
  const marks = run.marks ?? [];
  if (marks.some((mark) => mark.type === 'italic')) html = `<em>${html}</em>`;
  if (marks.some((mark) => mark.type === 'bold')) html = `<strong>${html}</strong>`;
  const link = marks.find((mark) => mark.type === 'link');
  const href = link?.type === 'link' ? webUri(link.href) : undefined;
  if (href !== undefined) html = `<a href="${escapeHtml(href)}">${html}</a>`;
  return html;
}

function inlineHtml(content: readonly Inline[], context: CitationContext): string {
  return content.map((inline) => (inline.type === 'text' ? textRunHtml(inline) : citationHtml(inline, context))).join('');
}

/** Inline content as plain text, markers written as the seed page shows them when copied: "sentence [1]." */
function inlineText(content: readonly Inline[], context: CitationContext): string {
  let text = '';
  for (const inline of content) {
    if (inline.type === 'text') text += inline.text;
    else text += `${text === '' || /\s$/.test(text) ? '' : ' '}${citationMarker(inline, context.numbers, context.style)}`;
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

const PARTIAL_DATE = /^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$/;

/** A partial ISO date ('2026', '2026-02', '2026-02-02') as numbers [year, month?, day?], or undefined. */
function partialDateNumbers(value: string | undefined): number[] | undefined {
  const match = value === undefined ? null : PARTIAL_DATE.exec(value);
  if (!match) return undefined;
  return match.slice(1).flatMap((part) => (part === undefined ? [] : [Number(part)]));
}

// ---------------------------------------------------------------------------------------------
// TimelineJS
// ---------------------------------------------------------------------------------------------

/** A TimelineJS date: the year always, the month and day only as far as the entry's precision goes. */
export interface TimelineJsDate {
  year: number;
  month?: number;
  day?: number;
}

export interface TimelineJsEvent {
  /** The timeline entry's id: TimelineJS uses it as the slide's element id. */
  unique_id: string;
  start_date: TimelineJsDate;
  /** Absent when the entry's date is one day, month or year (TimelineJS drops an end equal to the start). */
  end_date?: TimelineJsDate;
  /** The label as typed, encoded for TimelineJS: see timelineJsDisplayDate. */
  display_date: string;
  /** `text` is the entry's body as HTML; there is no headline (the page has none either). */
  text: { text: string };
  /** Off, so that TimelineJS does not rewrite the body's text into links. */
  autolink: false;
}

export interface TimelineJsTitleSlide {
  unique_id: string;
  /** The story's title and its dek, as HTML. */
  text: { headline: string; text: string };
  autolink: false;
}

/** The document `new TL.Timeline(element, data, options)` takes. */
export interface TimelineJsDocument {
  title?: TimelineJsTitleSlide;
  events: TimelineJsEvent[];
}

/** A timeline entry left out of the export because its date cannot be read. */
export interface SkippedTimelineEntry {
  entryId: string;
  label: string;
  /** Why, in timelineEntryDate's words ('relative: needs a reference date', ...). */
  reason: string;
}

/**
 * The export and what it left out. `data.events` holds one event per readable entry, in the
 * story's order (TimelineJS sorts by date itself); `skipped` lists the other entries in order.
 * A timeline with no readable entry gives no events, which TimelineJS refuses to show.
 */
export interface TimelineJsExport {
  data: TimelineJsDocument;
  skipped: SkippedTimelineEntry[];
}

export interface TimelineJsOptions {
  /** A title slide with the story's title and dek (default true). */
  title?: boolean;
  /** Each citation number links to its source's address, when it has one (default true). */
  linkCitations?: boolean;
  /** Overrides the story's own `citationStyle`. */
  citationStyle?: CitationStyle;
  /**
   * The date relative labels ("Friday") resolve against, ISO 'YYYY-MM-DD'. Without it they are
   * skipped, as the coverage review flags them (DESIGN §2: resolved only when the editor asks).
   */
  referenceDate?: string;
}

/** [year, month, day] of an ISO instant such as '2024-07-01T00:00:00.000Z'. */
function instantParts(instant: string): [number, number, number] {
  return [Number(instant.slice(0, 4)), Number(instant.slice(5, 7)), Number(instant.slice(8, 10))];
}

/** The bound at the entry's precision: a day to the day, a month or season to the month, coarser to the year. */
function timelineJsDate(instant: string, precision: ReadTimelineDate['precision']): TimelineJsDate {
  const [year, month, day] = instantParts(instant);
  if (precision === 'day') return { year, month, day };
  if (precision === 'month' || precision === 'season') return { year, month };
  return { year };
}

const sameDate = (a: TimelineJsDate, b: TimelineJsDate): boolean => a.year === b.year && a.month === b.month && a.day === b.day;

/**
 * Start and end of an event from the bounds of its EDTF interval. An interval open at one end
 * ('2010/..', '../1950') has no bound there worth drawing (the year 9999, the year 1), so the
 * event is the one end that is known.
 */
function eventDates(date: ReadTimelineDate): Pick<TimelineJsEvent, 'start_date' | 'end_date'> {
  const ends = date.edtf.includes('/') ? date.edtf.split('/') : undefined;
  const openStart = ends !== undefined && (ends[0] === '..' || ends[0] === '');
  const openEnd = ends !== undefined && (ends[1] === '..' || ends[1] === '');
  if (openStart) return { start_date: timelineJsDate(date.latest, date.precision) };
  const start = timelineJsDate(date.earliest, date.precision);
  if (openEnd) return { start_date: start };
  const end = timelineJsDate(date.latest, date.precision);
  return sameDate(start, end) ? { start_date: start } : { start_date: start, end_date: end };
}

/**
 * A label as TimelineJS's `display_date` must carry it to show it literally: TimelineJS first
 * strips markup from the field (parsing it as HTML and keeping its text, which decodes entities
 * once) and then inserts the result into the slide as HTML (which decodes them again). So the
 * label is escaped twice; a label without & < > " ' comes out exactly as typed.
 */
function timelineJsDisplayDate(label: string): string {
  return escapeHtml(escapeHtml(label));
}

/** An id for the title slide that no entry uses (TimelineJS renames a clashing event otherwise). */
function titleSlideId(story: Story): string {
  const used = new Set(story.timeline.map((entry) => entry.id));
  let id = `${story.id}-title`;
  while (used.has(id)) id += '-slide';
  return id;
}

/**
 * The story's timeline as a TimelineJS document. Each entry whose date can be read (its stored
 * EDTF, else its label) becomes an event dated by the bounds of its interval at its precision:
 * "1950‑53" runs from 1950 to 1953, "Late 2024" from July to December 2024, "Dec 4, 2025" is a
 * day. Its `display_date` is the label; its text the body as HTML, with the page's citation
 * markers. Entries whose date cannot be read are reported in `skipped`.
 */
export function toTimelineJs(story: Story, options: TimelineJsOptions = {}): TimelineJsExport {
  const context = citationContext(story, options.citationStyle ?? story.citationStyle, options.linkCitations ?? true);
  const dateOptions = options.referenceDate === undefined ? {} : { referenceDate: options.referenceDate };
  const events: TimelineJsEvent[] = [];
  const skipped: SkippedTimelineEntry[] = [];
  for (const entry of story.timeline) {
    const date = timelineEntryDate(entry.date, dateOptions);
    if (!date.ok) {
      skipped.push({ entryId: entry.id, label: entry.date.label, reason: date.reason });
      continue;
    }
    events.push({
      unique_id: entry.id,
      ...eventDates(date),
      display_date: timelineJsDisplayDate(entry.date.label),
      text: { text: `<p>${inlineHtml(entry.body, context)}</p>` },
      autolink: false,
    });
  }
  const title: TimelineJsTitleSlide = {
    unique_id: titleSlideId(story),
    text: { headline: escapeHtml(story.title), text: story.dek ? `<p>${escapeHtml(story.dek)}</p>` : '' },
    autolink: false,
  };
  return { data: options.title === false ? { events } : { title, events }, skipped };
}

// ---------------------------------------------------------------------------------------------
// ninjs 3.1
// ---------------------------------------------------------------------------------------------

export const NINJS_SCHEMA_URI = 'http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#';

/** A headline, body or description: `value` in the format `contentType` names. */
export interface NinjsText {
  role?: string;
  contentType?: string;
  value: string;
}

export interface NinjsRendition {
  name: string;
  href?: string;
  contentType?: string;
  width?: number;
  height?: number;
  sizeInBytes?: number;
}

/** The part of the ninjs 3.1 object that these exports fill in. */
export interface NinjsItem {
  uri: string;
  standard?: { name: string; version: string; schema: string };
  type?: 'text' | 'picture';
  representationType?: 'full' | 'partial';
  profile?: string;
  version?: string;
  altIds?: { role: string; value: string }[];
  firstCreated?: string;
  versionCreated?: string;
  pubStatus?: 'usable' | 'withheld' | 'canceled';
  language?: string;
  by?: string;
  usageTerms?: string;
  edNote?: string;
  slugline?: string;
  headlines?: NinjsText[];
  descriptions?: NinjsText[];
  subjects?: { name: string; rel: string }[];
  infoSources?: { name: string; role: string }[];
  bodies?: NinjsText[];
  renditions?: NinjsRendition[];
  associations?: NinjsAssociation[];
}

/** An associated ninjs object: `name` says what it is to the story ('hero', 'source-3'). */
export interface NinjsAssociation extends NinjsItem {
  name: string;
  rel?: string;
}

export interface NinjsOptions {
  /**
   * The story's global identifier in the receiving system, an absolute URI (ninjs requires one
   * and Storydesk has none of its own): a string, or a function of the story.
   */
  uri: string | ((story: Story) => string);
  /** The story's language as a BCP 47 tag ('en'); the model has no field for it. */
  language?: string;
  /** An absolute URI where the receiver fetches the hero image's bytes (the 'original' rendition). */
  heroHref?: string;
  /** Overrides the story's own `citationStyle`. */
  citationStyle?: CitationStyle;
  /** The heading over the timeline in the bodies (default 'Timeline'). */
  timelineHeading?: string;
}

/** The object without its undefined properties, keys in the order they were written. */
function defined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/** A list, or undefined when it is empty (ninjs arrays are optional; empty ones say nothing). */
const nonEmpty = <T>(items: T[]): T[] | undefined => (items.length === 0 ? undefined : items);
const plainText = (role: string, value: string): NinjsText => ({ role, contentType: 'text/plain', value });

/** An absolute URI as the schema's `format: uri` reads it: a scheme, then no whitespace. */
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/;

/**
 * An absolute URI given in the options, as the schema's `format: uri` accepts it (an http(s)
 * address percent-encoded where needed), or an InvalidInputError naming the option.
 */
function absoluteUri(given: string, option: string, example: string): string {
  const uri = webUri(given) ?? given;
  if (!ABSOLUTE_URI.test(uri) || /[^\x21-\x7e]/.test(uri)) {
    throw new InvalidInputError('ninjs export options', [
      { path: option, message: `must be an absolute URI such as ${example}, not ${JSON.stringify(given)}` },
    ]);
  }
  return uri;
}

/** A full-day ISO date as the start of that day in UTC; coarser dates have no ninjs date-time. */
function dayStart(value: string | undefined): string | undefined {
  const parts = partialDateNumbers(value);
  return parts?.length === 3 ? `${value}T00:00:00Z` : undefined;
}

function personName(name: PersonName): string {
  return 'literal' in name ? name.literal : [name.given, name.family].filter(Boolean).join(' ');
}

/** The HTML body: sections as <h2> and <p>, then the timeline as a list, citations as superscript links. */
function bodyHtml(story: Story, context: CitationContext, timelineHeading: string): string {
  const blocks: string[] = [];
  for (const section of story.sections) {
    if (section.heading !== '') blocks.push(`<h2>${escapeHtml(section.heading)}</h2>`);
    for (const paragraph of section.body) {
      if (paragraph.content.length > 0) blocks.push(`<p>${inlineHtml(paragraph.content, context)}</p>`);
    }
  }
  if (story.timeline.length > 0) {
    blocks.push(`<h2>${escapeHtml(timelineHeading)}</h2>`, '<ul>');
    for (const entry of story.timeline) {
      blocks.push(`<li><strong>${escapeHtml(entry.date.label)}</strong> – ${inlineHtml(entry.body, context)}</li>`);
    }
    blocks.push('</ul>');
  }
  return blocks.join('\n');
}

/** The same body as plain text: headings and paragraphs apart by blank lines, timeline entries "label – text". */
function bodyText(story: Story, context: CitationContext, timelineHeading: string): string {
  const blocks: string[] = [];
  for (const section of story.sections) {
    if (section.heading !== '') blocks.push(section.heading);
    for (const paragraph of section.body) {
      if (paragraph.content.length > 0) blocks.push(inlineText(paragraph.content, context));
    }
  }
  if (story.timeline.length > 0) {
    blocks.push(timelineHeading, story.timeline.map((entry) => `${entry.date.label} – ${inlineText(entry.body, context)}`).join('\n'));
  }
  return blocks.join('\n\n');
}

/** RFC 6920's human-readable named-information URI: the image is identified by its bytes. */
const assetUri = (asset: AssetRef): string => `nih:sha-256;${asset.sha256}`;

function heroAssociation(hero: HeroImage, heroHref: string | undefined): NinjsAssociation {
  const href = heroHref === undefined ? undefined : absoluteUri(heroHref, 'heroHref', `https://news.example/images/${hero.asset.sha256}.png`);
  const fullSize = webUri(hero.fullSizeUrl);
  const sourcePage = webUri(hero.sourceUrl);
  return defined<NinjsAssociation>({
    name: 'hero',
    uri: assetUri(hero.asset),
    type: 'picture',
    altIds: sourcePage === undefined ? undefined : [{ role: 'source-page', value: sourcePage }],
    // ninjs 3.1 has no credit line: `by` is its natural-language statement of who made the content.
    by: hero.credit === '' ? undefined : hero.credit,
    usageTerms: hero.usageTerms === '' ? undefined : hero.usageTerms,
    descriptions: nonEmpty([
      ...(hero.alt === '' ? [] : [plainText('alt', hero.alt)]),
      ...(hero.caption === '' ? [] : [plainText('caption', hero.caption)]),
    ]),
    renditions: [
      defined<NinjsRendition>({
        name: 'original',
        href,
        contentType: hero.asset.mediaType,
        width: hero.asset.width,
        height: hero.asset.height,
        sizeInBytes: hero.asset.byteLength,
      }),
      ...(fullSize === undefined ? [] : [{ name: 'full-size', href: fullSize }]),
    ],
  });
}

/**
 * A source as an associated text item. Its uri is its address; a source without an http(s)
 * address gets one inside the story's own URI (`<story uri>#source-<id>`), since ninjs requires it.
 */
function sourceAssociation(source: Source, number: number, storyUriValue: string): NinjsAssociation {
  const authors = (source.author ?? []).map(personName).filter((name) => name !== '');
  return defined<NinjsAssociation>({
    name: `source-${number}`,
    rel: source.role,
    uri: webUri(source.URL) ?? `${storyUriValue.split('#')[0]}#source-${encodeURIComponent(source.id)}`,
    type: 'text',
    altIds: [{ role: 'storydesk-source-id', value: source.id }],
    firstCreated: dayStart(source.issued),
    language: source.language,
    by: nonEmpty(authors)?.join(', '),
    edNote: source.note,
    headlines: source.title ? [plainText('main', source.title)] : undefined,
    infoSources: source['container-title'] ? [{ name: source['container-title'], role: 'publisher' }] : undefined,
  });
}

/** Sources in display-number order, each with its number (citationNumbers lists them in that order). */
function numberedSources(story: Story): { source: Source; number: number }[] {
  const byId = new Map(story.sources.map((source) => [source.id, source]));
  return [...citationNumbers(story)].flatMap(([id, number]) => {
    const source = byId.get(id);
    return source === undefined ? [] : [{ source, number }];
  });
}

/**
 * The story as an IPTC ninjs 3.1 news item (type "text"): headline and dek as headlines, the
 * body as HTML and as plain text, the hero image and the sources as associations, the feed as a
 * subject. Published stories are `usable`, drafts and stories in review `withheld`.
 * Throws InvalidInputError when `options.uri` is not an absolute URI.
 */
export function toNinjs(story: Story, options: NinjsOptions): NinjsItem {
  const given = typeof options.uri === 'function' ? options.uri(story) : options.uri;
  const uri = absoluteUri(given, 'uri', `https://news.example/stories/${story.slug}`);
  const context = citationContext(story, options.citationStyle ?? story.citationStyle, true);
  const timelineHeading = options.timelineHeading ?? 'Timeline';
  const sources = numberedSources(story).map(({ source, number }) => sourceAssociation(source, number, uri));
  return defined<NinjsItem>({
    uri,
    standard: { name: 'ninjs', version: '3.1', schema: NINJS_SCHEMA_URI },
    type: 'text',
    representationType: 'full',
    profile: story.hero ? 'text-photo' : 'text-only',
    version: String(story.revision),
    altIds: [{ role: 'storydesk-id', value: story.id }],
    firstCreated: story.createdAt,
    versionCreated: story.updatedAt,
    pubStatus: story.status === 'published' ? 'usable' : 'withheld',
    language: options.language,
    slugline: story.slug,
    headlines: [plainText('main', story.title), ...(story.dek ? [plainText('subhead', story.dek)] : [])],
    subjects: story.feed === '' ? undefined : [{ name: story.feed, rel: 'feed' }],
    bodies: [
      { role: 'main', contentType: 'text/html', value: bodyHtml(story, context, timelineHeading) },
      { role: 'main', contentType: 'text/plain', value: bodyText(story, context, timelineHeading) },
    ],
    associations: nonEmpty([...(story.hero ? [heroAssociation(story.hero, options.heroHref)] : []), ...sources]),
  });
}

// ---------------------------------------------------------------------------------------------
// CSL-JSON
// ---------------------------------------------------------------------------------------------

export interface CslName {
  family?: string;
  given?: string;
  literal?: string;
}

/** A CSL date: one date of one to three parts, [[2026]], [[2026, 2]] or [[2026, 2, 2]]. */
export interface CslDate {
  'date-parts': [number[]];
}

export interface CslItem {
  id: string;
  type: 'article-newspaper' | 'webpage';
  /** The source's display number on the page ([1], [2], ...). */
  'citation-number': number;
  title?: string;
  'container-title'?: string;
  author?: CslName[];
  issued?: CslDate;
  accessed?: CslDate;
  URL?: string;
  language?: string;
  note?: string;
}

function cslDate(value: string | undefined): CslDate | undefined {
  const parts = partialDateNumbers(value);
  return parts === undefined ? undefined : { 'date-parts': [parts] };
}

function cslName(name: PersonName): CslName {
  return 'literal' in name ? { literal: name.literal } : defined<CslName>({ family: name.family, given: name.given });
}

/**
 * The sources as CSL-JSON items in display-number order: a newspaper article when the outlet is
 * known, else a web page; partial ISO dates become `date-parts`; an address that is not http(s)
 * is left out.
 */
export function toCslJson(story: Story): CslItem[] {
  return numberedSources(story).map(({ source, number }) =>
    defined<CslItem>({
      id: source.id,
      type: source['container-title'] ? 'article-newspaper' : 'webpage',
      'citation-number': number,
      title: source.title,
      'container-title': source['container-title'],
      author: source.author === undefined ? undefined : source.author.map(cslName),
      issued: cslDate(source.issued),
      accessed: cslDate(source.accessed),
      URL: webUri(source.URL),
      language: source.language,
      note: source.note,
    }),
  );
}
