/**
 * The finished page (DESIGN §5): one self-contained HTML file laid out like the seed page
 * (fixtures/seed-story.txt), with the same text choices as the plain-text page (page-text.ts).
 * The HTML export, the bundle's index.html, the static site and the editor's live preview all
 * show this output, so it trusts nothing in the story: every user string is escaped, only
 * http(s) addresses become links, and the page carries no script and a CSP that forbids any.
 *
 * It is a pure function of the story and the options: no clock, no locale, no time zone.
 */
import { encodeBase64 } from './base64';
import { citationNumbers } from './citations';
import {
  IMAGE_MEDIA_TYPES,
  WebUrlSchema,
  type Citation,
  type CitationStyle,
  type HeroImage,
  type Inline,
  type PersonName,
  type Section,
  type Source,
  type Story,
  type TimelineEntry,
} from './model';

/** How the page reaches the hero image's bytes. */
export type HeroSource =
  /** Inline, as a data: URI: a standalone page (export, bundle). */
  | { kind: 'data'; bytes: Uint8Array }
  /** Inline from base64 the caller holds already (the live preview, which keeps images so). */
  | { kind: 'base64'; data: string }
  /** By URL relative to the page: the static site, which writes each asset once. */
  | { kind: 'url'; url: string };

export interface StoryPageOptions {
  /** The hero image's bytes or URL; without it the figure shows caption and credit only. */
  hero?: HeroSource;
  /** Overrides the story's own `citationStyle`. */
  citationStyle?: CitationStyle;
  /** A link back to the site's index page (the static site sets it). */
  indexHref?: string;
}

/**
 * The page's Content-Security-Policy: nothing may load or run but inline styles and images
 * from data: URIs or the page's own origin (the static site's relative hero URLs).
 */
export const PAGE_CONTENT_SECURITY_POLICY =
  "default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/** The story has no language field yet; every page is English. */
const PAGE_LANGUAGE = 'en';
/** The page sets every citation marker off from its sentence with a narrow no-break space. */
const BEFORE_CITATION = '\u202f';
/** Between a timeline date and its text, and between the parts of a source's line. */
const DASH_SEPARATOR = ' \u2013 ';
/** What a source is called when it has neither a title nor a web address. */
const UNTITLED_SOURCE = 'Untitled article';
const UNTITLED_STORY = 'Untitled story';
const MONTH_ABBREVIATIONS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Whatever the citation style, a number's link target: `#source-2`. */
const sourceAnchor = (number: number): string => `source-${number}`;
/**
 * Anchors by the story's own ids, which stay put while the story is edited (a number or a position
 * does not): the editor's preview follows the part being edited with them, and a reader can link
 * to a section. Ids are `[A-Za-z0-9_-]` by the model; escaped all the same.
 */
const sectionAnchor = (id: string): string => `section-${escapeHtml(id)}`;
const entryAnchor = (id: string): string => `entry-${escapeHtml(id)}`;

// ---------------------------------------------------------------------------------------------
// Escaping and addresses

const HTML_SPECIAL = /[&<>"']/;
const HTML_SPECIAL_ALL = /[&<>"']/g;
const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * `text` safe in element content and in quoted attribute values: & < > " ' become references,
 * every other character is kept as it is (U+2011, U+202F, U+202E …). One regex pass, skipped
 * entirely for the common string that has nothing to escape.
 */
export function escapeHtml(text: string): string {
  return HTML_SPECIAL.test(text) ? text.replace(HTML_SPECIAL_ALL, (character) => HTML_ENTITIES[character] ?? character) : text;
}

/** `value` when it is an http(s) address by the model's own rule (WebUrlSchema), else undefined. */
function webUrl(value: unknown): string | undefined {
  // The story may not have passed the schema (a caller's bug, a hand-built object): check again.
  return typeof value === 'string' && WebUrlSchema.safeParse(value).success ? value : undefined;
}

/**
 * Checks a URL that our own code chose (the index link, a static-site asset): it must be
 * relative to the page, so that no scheme (javascript:, data:) or other host can slip in.
 */
function relativeUrl(value: string, what: string): string {
  // Printable ASCII only: browsers drop tabs and newlines inside URLs and read `\` as `/`, which
  // would let `java\tscript:` or `\\host` past the two checks that follow.
  if (/[^\x21-\x5b\x5d-\x7e]/.test(value) || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) || value.startsWith('//')) {
    throw new Error(`${what} must be a relative URL of printable ASCII without scheme or host; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A link to a web address that gives the target neither our window nor our address. */
function externalLink(href: string, innerHtml: string): string {
  return `<a href="${escapeHtml(href)}" rel="noopener noreferrer">${innerHtml}</a>`;
}

// ---------------------------------------------------------------------------------------------
// Dates, written the same on every machine (no Date, no locale, no time zone)

const PARTIAL_DATE = /^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$/;
const UTC_TIMESTAMP = /^(\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z$/;

/** "2026-02-02" → "Feb 2, 2026", "2026-02" → "Feb 2026", "2026" → "2026"; else undefined. */
function formatPartialDate(value: string): string | undefined {
  const match = PARTIAL_DATE.exec(value);
  if (!match) return undefined;
  const [, year, month, day] = match;
  if (month === undefined) return year;
  const monthName = MONTH_ABBREVIATIONS[Number(month) - 1];
  return day === undefined ? `${monthName} ${year}` : `${monthName} ${Number(day)}, ${year}`;
}

/** `<time>` for a partial ISO date, or the text alone when it is not one. */
function partialDateHtml(value: string): string {
  const formatted = formatPartialDate(value);
  return formatted === undefined ? escapeHtml(value) : `<time datetime="${value}">${formatted}</time>`;
}

/** `<time>` for a UTC timestamp, shown as its UTC day ("Feb 2, 2026"). */
function timestampHtml(value: string): string {
  const match = UTC_TIMESTAMP.exec(value);
  const day = match?.[1] === undefined ? undefined : formatPartialDate(match[1]);
  return day === undefined ? escapeHtml(value) : `<time datetime="${value}">${day}</time>`;
}

function articleCount(count: number): string {
  return `(${count} ${count === 1 ? 'article' : 'articles'})`;
}

// ---------------------------------------------------------------------------------------------
// Inline content

type CitationHtml = (citation: Citation) => string;

/**
 * A citation marker as superscript links, preceded by the narrow no-break space: the same
 * numbers and order as `citationMarker` (ascending, dangling ids last as an unlinked `?`).
 */
function citationRenderer(numbers: ReadonlyMap<string, number>, style: CitationStyle): CitationHtml {
  return (citation) => {
    const found: number[] = [];
    let dangling = 0;
    for (const id of citation.sources) {
      const number = numbers.get(id);
      if (number === undefined) dangling++;
      else found.push(number);
    }
    found.sort((a, b) => a - b);
    const link = (number: number, label: string) => `<a href="#${sourceAnchor(number)}" aria-label="Source ${number}">${label}</a>`;
    let marker: string;
    if (style === 'combined' && found.length + dangling > 1) {
      const labels = found.map((number) => link(number, String(number)));
      for (let index = 0; index < dangling; index++) labels.push('?');
      marker = `[${labels.join(', ')}]`;
    } else {
      marker = found.map((number) => link(number, `[${number}]`)).join('') + '[?]'.repeat(dangling);
    }
    return `${BEFORE_CITATION}<sup class="citation">${marker}</sup>`;
  };
}

/**
 * Text runs and citations as HTML. Consecutive runs with the same link share one `<a>`, so a
 * linked phrase with a bold word in it is one link; a citation closes any open link (links may
 * not nest). A link mark whose address is not http(s) is dropped and its text kept.
 */
function inlineHtml(content: readonly Inline[], citationHtml: CitationHtml): string {
  let html = '';
  let openLink: string | undefined;
  for (const inline of content) {
    if (inline.type === 'citation') {
      if (openLink !== undefined) html += '</a>';
      openLink = undefined;
      html += citationHtml(inline);
      continue;
    }
    // A node of no known type (a story that skipped the schema) shows nothing.
    if (inline.type !== 'text') continue;
    let bold = false;
    let italic = false;
    let link: string | undefined;
    for (const mark of inline.marks ?? []) {
      if (mark.type === 'bold') bold = true;
      else if (mark.type === 'italic') italic = true;
      else if (mark.type === 'link') link = webUrl(mark.href);
    }
    if (link !== openLink) {
      if (openLink !== undefined) html += '</a>';
      if (link !== undefined) html += `<a href="${escapeHtml(link)}" rel="noopener noreferrer">`;
      openLink = link;
    }
    let text = escapeHtml(inline.text);
    if (italic) text = `<em>${text}</em>`;
    if (bold) text = `<strong>${text}</strong>`;
    html += text;
  }
  if (openLink !== undefined) html += '</a>';
  return html;
}

// ---------------------------------------------------------------------------------------------
// Blocks

function headerHtml(story: Story, indexHref: string | undefined): string {
  const index = indexHref === undefined ? '' : `<nav aria-label="Site"><a href="${escapeHtml(relativeUrl(indexHref, 'indexHref'))}">\u2190 All stories</a></nav>`;
  const feed = story.feed === '' ? '' : `<p class="feed">${escapeHtml(story.feed)}</p>`;
  return index === '' && feed === '' ? '' : `<header class="page-header">${index}${feed}</header>`;
}

function storyHeaderHtml(story: Story): string {
  const updated = `<p class="updated">Updated ${timestampHtml(story.updatedAt)} ${articleCount(story.sources.length)}</p>`;
  const dek = story.dek === undefined || story.dek === '' ? '' : `<p class="dek">${escapeHtml(story.dek)}</p>`;
  return `<header class="story-header"><h1 id="story-title">${escapeHtml(story.title)}</h1>${updated}${dek}</header>`;
}

function heroImageHtml(hero: HeroImage, source: HeroSource | undefined): string {
  if (source === undefined) return '';
  const { mediaType, width, height } = hero.asset;
  let src: string;
  if (source.kind === 'url') {
    src = relativeUrl(source.url, 'the hero image URL');
  } else {
    // The media type lands inside an attribute: only the four the model allows.
    if (!(IMAGE_MEDIA_TYPES as readonly string[]).includes(mediaType)) return '';
    src = `data:${mediaType};base64,${source.kind === 'data' ? encodeBase64(source.bytes) : source.data}`;
  }
  const size = Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0 ? ` width="${width}" height="${height}"` : '';
  return `<img src="${escapeHtml(src)}" alt="${escapeHtml(hero.alt)}"${size}>`;
}

/** Usage terms in parentheses, as the seed shows them, unless the editor already wrote them so. */
function usageTermsText(terms: string): string {
  return terms.startsWith('(') && terms.endsWith(')') ? terms : `(${terms})`;
}

/**
 * The hero figure: image, then (in the seed's order) credit with usage terms, caption, and the
 * "Source" and "Full size" links for the addresses that are http(s).
 */
function heroHtml(hero: HeroImage, source: HeroSource | undefined): string {
  const image = heroImageHtml(hero, source);
  const creditParts: string[] = [];
  if (hero.credit !== '') creditParts.push(`Image: ${escapeHtml(hero.credit)}`);
  if (hero.usageTerms !== '') creditParts.push(`<span class="usage-terms">${escapeHtml(usageTermsText(hero.usageTerms))}</span>`);
  const links: string[] = [];
  const sourceUrl = webUrl(hero.sourceUrl);
  const fullSizeUrl = webUrl(hero.fullSizeUrl);
  if (sourceUrl !== undefined) links.push(externalLink(sourceUrl, 'Source'));
  if (fullSizeUrl !== undefined) links.push(externalLink(fullSizeUrl, 'Full size'));
  const caption = [
    creditParts.length === 0 ? '' : `<p class="hero-credit">${creditParts.join(' ')}</p>`,
    hero.caption === '' ? '' : `<p class="hero-caption">${escapeHtml(hero.caption)}</p>`,
    links.length === 0 ? '' : `<p class="hero-links">${links.join(' ')}</p>`,
  ].join('');
  if (image === '' && caption === '') return '';
  return `<figure class="hero">${image}${caption === '' ? '' : `<figcaption>${caption}</figcaption>`}</figure>`;
}

function sectionHtml(section: Section, citationHtml: CitationHtml): string {
  let html = `<section class="story-section" id="${sectionAnchor(section.id)}">`;
  if (section.heading !== '') html += `<h2>${escapeHtml(section.heading)}</h2>`;
  for (const paragraph of section.body) {
    if (paragraph.content.length > 0) html += `<p>${inlineHtml(paragraph.content, citationHtml)}</p>`;
  }
  return `${html}</section>`;
}

function personName(name: PersonName): string {
  if ('literal' in name) return name.literal;
  return name.given === undefined || name.given === '' ? name.family : `${name.given} ${name.family}`;
}

/** A source's name as a link when its address is http(s), else as text. */
function sourceNameHtml(source: Source, url: string | undefined): string {
  const name = escapeHtml(source.title !== undefined && source.title !== '' ? source.title : (url ?? UNTITLED_SOURCE));
  return url === undefined ? name : externalLink(url, name);
}

/** One entry of the Sources list: name – outlet – date – authors, then the note. */
function sourceItemHtml(source: Source, number: number, url: string | undefined): string {
  let html = `<li id="${sourceAnchor(number)}" data-source-id="${escapeHtml(source.id)}"><cite class="source-title">${sourceNameHtml(source, url)}</cite>`;
  const outlet = source['container-title'];
  if (outlet !== undefined && outlet !== '') html += `${DASH_SEPARATOR}<span class="source-outlet">${escapeHtml(outlet)}</span>`;
  if (source.issued !== undefined && source.issued !== '') html += `${DASH_SEPARATOR}${partialDateHtml(source.issued)}`;
  const authors = (source.author ?? []).map(personName).filter((name) => name !== '');
  if (authors.length > 0) html += `${DASH_SEPARATOR}<span class="source-authors">${escapeHtml(authors.join(', '))}</span>`;
  if (source.note !== undefined && source.note !== '') html += `<span class="source-note">${escapeHtml(source.note)}</span>`;
  return `${html}</li>`;
}

/**
 * One entry of "All related articles": the name as a link (text without an address), outlet and
 * date, so that untitled drafts' entries still tell apart.
 */
function relatedItemHtml(source: Source, url: string | undefined): string {
  let html = `<li>${sourceNameHtml(source, url)}`;
  const outlet = source['container-title'];
  if (outlet !== undefined && outlet !== '') html += `${DASH_SEPARATOR}<span class="source-outlet">${escapeHtml(outlet)}</span>`;
  if (source.issued !== undefined && source.issued !== '') html += `${DASH_SEPARATOR}${partialDateHtml(source.issued)}`;
  return `${html}</li>`;
}

function timelineItemHtml(entry: TimelineEntry, citationHtml: CitationHtml): string {
  const { label, edtf } = entry.date;
  // A plain day, month or year is a valid HTML date; ranges and seasons are not.
  const datetime = edtf !== undefined && PARTIAL_DATE.test(edtf) ? ` datetime="${edtf}"` : '';
  const body = inlineHtml(entry.body, citationHtml);
  return `<li id="${entryAnchor(entry.id)}"><time${datetime}>${escapeHtml(label)}</time>${body === '' ? '' : DASH_SEPARATOR + body}</li>`;
}

// ---------------------------------------------------------------------------------------------
// The style sheet: system fonts, one accent colour, light and dark, print

const PAGE_STYLE = [
  ':root{color-scheme:light dark;--page:#ffffff;--text:#1b1b1b;--muted:#595959;--accent:#0a58ca;--rule:#d6d6d6}',
  '@media (prefers-color-scheme:dark){:root{--page:#121212;--text:#e6e6e6;--muted:#a8a8a8;--accent:#8ab4f8;--rule:#3a3a3a}}',
  '*,*::before,*::after{box-sizing:border-box}',
  'html{-webkit-text-size-adjust:100%;text-size-adjust:100%}',
  'body{margin:0;background:var(--page);color:var(--text);font:1.0625rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow-wrap:anywhere}',
  '.page-header,main{max-width:44rem;margin:0 auto;padding:0 1.25rem}',
  '.page-header{padding-top:1.5rem}',
  '.page-header nav{margin-bottom:.5rem}',
  'main{padding-bottom:4rem}',
  'a{color:var(--accent)}',
  'a:focus-visible{outline:2px solid var(--accent);outline-offset:2px;border-radius:2px}',
  '.feed{margin:0;font-size:.875rem;font-weight:600;letter-spacing:.04em;color:var(--muted)}',
  'h1{font-size:2rem;line-height:1.2;margin:.75rem 0 .5rem}',
  'h2{font-size:1.3rem;line-height:1.3;margin:2rem 0 .5rem}',
  '.updated,.dek{margin:0 0 .5rem}',
  '.updated{font-size:.875rem;color:var(--muted)}',
  // The page's own dates ("Feb 2, 2026") never break; editors' timeline labels may.
  '.updated time,.sources time,.related time{white-space:nowrap}',
  '.dek{font-size:1.2rem}',
  'figure{margin:1.5rem 0}',
  'figure img{display:block;max-width:100%;height:auto;background:var(--rule)}',
  'figcaption{font-size:.875rem;color:var(--muted);margin-top:.5rem}',
  'figcaption p{margin:0 0 .25rem}',
  '.hero-links a{margin-right:1rem}',
  'p{margin:0 0 1rem}',
  // Markers, dates and the parts of a source line keep their own direction whatever the text
  // around them does (a stray U+202E in a title must not reverse "[1]" or the outlet).
  'sup,time,cite,.source-outlet,.source-authors,strong,em,a{unicode-bidi:isolate}',
  'sup.citation{font-size:.75em;line-height:0;white-space:nowrap}',
  'sup.citation a{text-decoration:none}',
  'cite{font-style:normal;font-weight:600}',
  '.sources ol{padding-left:2.75rem}',
  '.sources li::marker{content:"[" counter(list-item) "]\\a0";color:var(--muted)}',
  'li{margin:0 0 .75rem}',
  '.source-note{display:block;font-size:.875rem;color:var(--muted)}',
  '.timeline ol,.related ul{list-style:none;padding:0}',
  '.timeline time{font-weight:600}',
  '.related{border-top:1px solid var(--rule);margin-top:2.5rem}',
  '@media print{',
  ':root{color-scheme:light;--page:#fff;--text:#000;--muted:#333;--accent:#000}',
  'body{font-size:11pt}',
  'a{color:inherit;text-decoration:none}',
  '.page-header nav{display:none}',
  '.sources cite a[href^="http"]::after{content:" <" attr(href) ">";font-weight:400}',
  'figure,li{break-inside:avoid;page-break-inside:avoid}',
  'h1,h2{break-after:avoid;page-break-after:avoid}',
  '}',
].join('\n');

// ---------------------------------------------------------------------------------------------
// The page

/**
 * The story as one HTML5 document. The same story and options always give the same string:
 * only the story, `hero`, `indexHref` and `citationStyle` decide it.
 */
export function renderStoryPage(story: Story, options: StoryPageOptions = {}): string {
  const numbers = citationNumbers(story);
  const citationHtml = citationRenderer(numbers, options.citationStyle ?? story.citationStyle);
  const numberOf = (source: Source) => numbers.get(source.id) ?? 0;
  const numbered = [...story.sources].sort((a, b) => numberOf(a) - numberOf(b));
  const urls = numbered.map((source) => webUrl(source.URL));
  const count = articleCount(story.sources.length);

  const parts: string[] = [
    '<!doctype html>',
    `<html lang="${PAGE_LANGUAGE}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${PAGE_CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    '<meta name="referrer" content="no-referrer">',
    '<meta name="generator" content="Storydesk">',
    `<title>${escapeHtml(story.title === '' ? UNTITLED_STORY : story.title)}</title>`,
    `<style>\n${PAGE_STYLE}\n</style>`,
    '</head>',
    '<body>',
    headerHtml(story, options.indexHref),
    '<main>',
    '<article aria-labelledby="story-title">',
    storyHeaderHtml(story),
  ];
  if (story.hero) parts.push(heroHtml(story.hero, options.hero));
  for (const section of story.sections) parts.push(sectionHtml(section, citationHtml));

  parts.push('<section class="sources" aria-labelledby="sources-heading">', '<h2 id="sources-heading">Sources</h2>', '<ol>');
  numbered.forEach((source, index) => parts.push(sourceItemHtml(source, numberOf(source), urls[index])));
  parts.push('</ol>', '</section>');

  parts.push('<section class="timeline" aria-labelledby="timeline-heading">', '<h2 id="timeline-heading">Timeline</h2>', '<ol>');
  for (const entry of story.timeline) parts.push(timelineItemHtml(entry, citationHtml));
  parts.push('</ol>', '</section>');

  parts.push('<footer class="related">', '<nav aria-labelledby="related-heading">', `<h2 id="related-heading">All related articles ${count}</h2>`, '<ul>');
  numbered.forEach((source, index) => parts.push(relatedItemHtml(source, urls[index])));
  parts.push('</ul>', '</nav>', '</footer>', '</article>', '</main>', '</body>', '</html>');
  return `${parts.filter((part) => part !== '').join('\n')}\n`;
}
