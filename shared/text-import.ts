/**
 * Text import (DESIGN §5): a story page copied as text, in the layout of the seed page
 * (fixtures/seed-story.txt, the layout `renderStoryText` writes), becomes a draft story for the
 * editor to confirm, with a note for everything that was guessed or could not be placed.
 *
 * The page is read by its structure, line by line: feed label, the "Feeds" navigation, headline,
 * "Updated (N articles)", the indented hero lines, then sections until the "Sources", "Timeline"
 * and "All related articles (N articles)" labels. Section headings are not looked up in any list:
 * the seed writes each section as one line, heading run into body, and `splitSectionHeading`
 * finds where the Title Case heading ends and the first sentence begins.
 *
 * Nothing written on the page is dropped except the page's own furniture (the navigation, the two
 * article counts, the "Sources"/"Timeline" labels, the hero's "Image:" prefix and its
 * "Source Full size" link labels, the space before each citation marker). Text that fits nowhere
 * is kept, as written, in a last section headed "Unsorted", and a note says so.
 *
 * Pure: no Node, no DOM.
 */
import { InvalidInputError, parseOrThrow } from './errors';
import {
  type AssetRef,
  type CitationStyle,
  type HeroImage,
  type Inline,
  type Paragraph,
  type Section,
  type Source,
  type Story,
  StorySchema,
  type TimelineEntry,
  TimelineDateSchema,
  TimestampSchema,
  WebUrlSchema,
} from './model';
import { slugFromTitle } from './story-text';
import { parseTimelineDate } from './timeline-dates';

// ---------------------------------------------------------------------------------------------
// The contract
// ---------------------------------------------------------------------------------------------

export interface TextImportOptions {
  /**
   * The story's `createdAt` and `updatedAt`, ISO 8601 UTC with milliseconds. Defaults to
   * 1970-01-01T00:00:00.000Z so that the same text always gives the same story: the caller (the
   * service) passes its clock.
   */
  now?: string;
  /** The story's id; defaults to `imported-` and the slug of the headline. */
  id?: string;
  /**
   * The stored image to show as the hero. A page copied as text carries no image, so by default
   * a found hero points at IMPORT_PLACEHOLDER_IMAGE, which the caller stores with the story.
   */
  heroAsset?: AssetRef;
}

/** What a note is about; stable, so that the editor can group and explain them. */
export type ImportNoteCode =
  /** The feed label, navigation, headline or "Updated" line was missing or guessed. */
  | 'header-incomplete'
  /** "Updated (N articles)" or "All related articles (N articles)" disagrees with the sources found. */
  | 'article-count-mismatch'
  /** The hero shows a placeholder image: the text carries none. */
  | 'hero-image-placeholder'
  /** A hero field was guessed (credit from a parenthesis, caption without its link labels). */
  | 'hero-guessed'
  /** A section's first line has no heading that could be told from its body. */
  | 'heading-not-found'
  /** A line without a heading was taken as a further paragraph of the section above. */
  | 'paragraph-without-heading'
  /** A marker such as "[0]" or "[12345]" names no possible source: kept as text. */
  | 'citation-unreadable'
  /** A marker names one source twice ("[2][2]"): cited once. */
  | 'citation-repeated'
  /** Markers of both styles, "[2][5]" and "[2, 5]": one style was chosen. */
  | 'citation-style-mixed'
  /** The numbers cited are not 1, 2, 3…: Storydesk numbers cited sources first, so they will change. */
  | 'citation-numbers-change'
  /** Sources known only by their numbers: URL, title and outlet are for the editor to fill. */
  | 'source-details-missing'
  /** Sources the page counts but never cites or lists, added empty. */
  | 'source-placeholder'
  /** A timeline label that `parseTimelineDate` cannot read: kept as the label, without a machine date. */
  | 'timeline-date-unread'
  /** A timeline line without its " – " separator, or with a hyphen or em dash instead. */
  | 'timeline-separator-guessed'
  /** A page label ("Sources", "Timeline", …) that appears more than once. */
  | 'label-repeated'
  /** A line kept in the "Unsorted" section. */
  | 'unsorted';

export interface ImportNote {
  code: ImportNoteCode;
  /** A sentence for the editor: what was guessed or not recognised, and what was done with it. */
  message: string;
  /** The 1-based line of the pasted text; absent when the note is about the page as a whole. */
  line?: number;
  /** That line as pasted, without the space around it. */
  text?: string;
}

export interface TextImportResult {
  story: Story;
  notes: ImportNote[];
}

/** Where `createdAt` and `updatedAt` start when the caller gives no clock. */
const DEFAULT_NOW = '1970-01-01T00:00:00.000Z';
/** Citation numbers above this are not read as citations: a typo must not create a thousand sources. */
const MAX_SOURCES = 999;
/** The heading of the section that keeps what fits nowhere else. */
export const UNSORTED_HEADING = 'Unsorted';

/**
 * A 16×9 light-grey PNG that stands in for the hero image of an imported page until the editor
 * attaches the real one. The caller stores these bytes under `asset` with the story.
 */
export const IMPORT_PLACEHOLDER_IMAGE: { readonly asset: AssetRef; readonly data: Uint8Array } = {
  asset: {
    sha256: 'a63e65e6ab10a1a591a0acaf8cf81eaa23361a9cb7cc12cc9f65eab44da615a4',
    mediaType: 'image/png',
    width: 16,
    height: 9,
    byteLength: 72,
  },
  data: new Uint8Array([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x10,
    0x00, 0x00, 0x00, 0x09, 0x08, 0x00, 0x00, 0x00, 0x00, 0x1e, 0x41, 0xf3, 0xee, 0x00, 0x00, 0x00, 0x0f, 0x49, 0x44, 0x41,
    0x54, 0x78, 0xda, 0x63, 0xb8, 0x89, 0x06, 0x18, 0x06, 0x89, 0x00, 0x00, 0x7c, 0x7d, 0x7a, 0x11, 0x4f, 0x44, 0x2c, 0xd6,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
  ]),
};

// ---------------------------------------------------------------------------------------------
// Lines and words
// ---------------------------------------------------------------------------------------------

/**
 * Layout space: every white space but U+202F. The narrow no-break space binds what it sits
 * between ("2 February 2026", "Jeong Yeon‑doo"), so it never separates words, never counts as
 * indentation and is never trimmed.
 */
const SPACE = '[^\\S\\u202f]';
const LAYOUT_SPACE = new RegExp(`^${SPACE}$`, 'u');
const isLayoutSpace = (character: string | undefined): boolean => character !== undefined && LAYOUT_SPACE.test(character);

/** Without the layout space at either end; a loop, since a regular expression for it is quadratic on long runs of space. */
function trimLayoutSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isLayoutSpace(text[start])) start += 1;
  while (end > start && isLayoutSpace(text[end - 1])) end -= 1;
  return text.slice(start, end);
}
/** The characters that set a citation marker off from its text; not part of the text. */
const BEFORE_MARKER = new Set(['\u202f', ' ', '\u00a0', '\t']);

interface PageLine {
  /** 1-based, counted in the text as pasted (blank lines included). */
  number: number;
  /** The line without the layout space around it. */
  text: string;
  indented: boolean;
}

/** The page's non-blank lines, whatever the line endings (LF, CRLF, CR). */
function pageLines(text: string): PageLine[] {
  const withoutBom = text.startsWith('\ufeff') ? text.slice(1) : text;
  return withoutBom.split(/\r\n|[\n\r\u2028\u2029]/).flatMap((raw, index) => {
    const trimmed = trimLayoutSpace(raw);
    return trimmed === '' ? [] : [{ number: index + 1, text: trimmed, indented: isLayoutSpace(raw[0]) }];
  });
}

interface Word {
  text: string;
  start: number;
  end: number;
}

const WORD = new RegExp(`(?:(?!${SPACE}).)+`, 'gsu');

function wordsOf(text: string): Word[] {
  return [...text.matchAll(WORD)].map((match) => ({ text: match[0], start: match.index, end: match.index + match[0].length }));
}

/** A line with runs of space made one, for comparing it with the page's own labels. */
const normalised = (text: string): string => text.replace(/\s+/gu, ' ').trim();

// ---------------------------------------------------------------------------------------------
// Headings: where the Title Case run at the start of a line ends and the first sentence begins
// ---------------------------------------------------------------------------------------------

/**
 * Words that Title Case leaves in lower case inside a heading ("Held in Warsaw", "Dialogue on
 * Korean Peninsula"). Written in lower case, they may sit inside a heading but start no sentence.
 */
const FUNCTION_WORDS = new Set([
  'a', 'an', 'the', 'and', 'but', 'or', 'nor', 'for', 'so', 'yet', 'as', 'at', 'by', 'in', 'of', 'off', 'on', 'per',
  'to', 'up', 'via', 'vs', 'vs.', 'with', 'from', 'into', 'onto', 'over', 'amid', 'than', 'de', 'von', 'van', 'der',
]);
/**
 * Words no heading ends with, in any case: the function words, and the prepositions,
 * conjunctions and possessives that open a sentence ("After Warsaw, officials…", "In 2026 the…")
 * and would otherwise pass for a one-word heading.
 */
const NEVER_LAST_IN_HEADING = new Set([
  ...FUNCTION_WORDS,
  'about', 'above', 'across', 'after', 'against', 'along', 'although', 'among', 'around', 'because', 'before', 'behind',
  'below', 'beneath', 'beside', 'besides', 'between', 'beyond', 'despite', 'during', 'except', 'if', 'inside', 'like',
  'near', 'since', 'though', 'through', 'throughout', 'toward', 'towards', 'under', 'unless', 'unlike', 'until', 'upon',
  'when', 'where', 'whether', 'while', 'within', 'without', 'its', 'his', 'her', 'their', 'our', 'my', 'your',
]);
/** Title Case writes these in lower case after the first word, so a capitalised one there starts a sentence. */
const ARTICLES = new Set(['a', 'an', 'the']);

const CITATION_IN_WORD = /\[\d/;
const isFunctionWord = (word: string): boolean => FUNCTION_WORDS.has(word);
const isArticle = (word: string): boolean => ARTICLES.has(word.toLowerCase());
/** May sit in a heading: opens with a capital or a digit, after any opening quote or bracket ("“We", "2026", "Europe‑Northeast"). */
const isCapitalised = (word: string): boolean =>
  !CITATION_IN_WORD.test(word) && /^[\p{Ps}\p{Pi}"']*[\p{Lu}\p{Lt}\p{N}]/u.test(word);
/**
 * May start the first sentence: opens with a capital letter. Not a digit: style guides spell out
 * a number that opens a sentence, while headings often hold one ("Budget for 2026 Approved").
 */
const startsWithCapitalLetter = (word: string): boolean => !CITATION_IN_WORD.test(word) && /^[\p{Ps}\p{Pi}"']*[\p{Lu}\p{Lt}]/u.test(word);
const endsWithPunctuation = (word: string): boolean => /\p{P}$/u.test(word);
const withoutTrailingPunctuation = (word: string): string => word.replace(/\p{P}+$/u, '');
const cannotEndHeading = (word: string): boolean => NEVER_LAST_IN_HEADING.has(word.toLowerCase());
/**
 * Ends a sentence, so no heading runs past it: a full stop or semicolon, unless the word is an
 * initial or a short abbreviation ("U.S.", "J.", "Mr.", "Feb."). Headings may hold "?", "!" and ":".
 */
const endsSentence = (word: string): boolean =>
  /[.;]["'\p{Pf}\p{Pe}]*$/u.test(word) && !/^(?:\p{Lu}\.)+$/u.test(word) && !/^\p{Lu}\p{Ll}{0,2}\.$/u.test(word);

/** How many words at the start are capitalised or lower-case function words (the first must be capitalised). */
function openingRunLength(words: readonly string[]): number {
  const first = words[0];
  if (first === undefined || !isCapitalised(first)) return 0;
  let length = 1;
  while (length < words.length) {
    const word = words[length] ?? '';
    if (!isCapitalised(word) && !isFunctionWord(word)) break;
    length += 1;
  }
  return length;
}

const nameKey = (first: string, second: string): string => `${first} ${withoutTrailingPunctuation(second)}`;
/** The key under which a word that starts a name elsewhere on the page is kept. */
const namePrefixKey = (first: string): string => `${first} …`;

/**
 * Pairs of capitalised words that the page writes together in running text ("between South Korea
 * and Poland"): names, which a heading split must not cut. The opening run of each text is
 * skipped, because there a heading and a sentence start meet and a pair proves nothing.
 */
function namesIn(texts: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const text of texts) {
    const words = wordsOf(text).map((word) => word.text);
    // The opening run proves nothing — except after a capitalised article in it, where a
    // sentence has begun: "The European Commission proposes…", "…Next The European Parliament is…".
    const run = openingRunLength(words);
    const article = words.slice(0, run).findLastIndex((word) => isArticle(word) && startsWithCapitalLetter(word));
    const from = article === -1 ? run : article + 2;
    for (let index = Math.max(from, 1); index < words.length; index += 1) {
      const first = words[index - 1] ?? '';
      const second = words[index] ?? '';
      const isName =
        startsWithCapitalLetter(first) && startsWithCapitalLetter(second) && !endsWithPunctuation(first) &&
        !isArticle(first) && !isArticle(second);
      if (isName) {
        names.add(nameKey(first, second));
        // The first word of a name starts names: "European" in "European Parliament" tells that
        // "…Talks European Union ministers agreed" does not split after "European" either.
        names.add(namePrefixKey(first));
      }
    }
  }
  return names;
}

export interface HeadingSplit {
  heading: string;
  /** The rest of the line, from the first sentence's first character. */
  body: string;
}

function splitWithNames(line: string, names: ReadonlySet<string>): HeadingSplit | undefined {
  const words = wordsOf(line);
  const texts = words.map((word) => word.text);
  const run = openingRunLength(texts);
  let longest: number | undefined;
  let longestBeforeArticle: number | undefined;
  for (let start = 1; start < run; start += 1) {
    const last = texts[start - 1] ?? '';
    const first = texts[start] ?? '';
    if (endsSentence(last)) break;
    if (!startsWithCapitalLetter(first) || cannotEndHeading(last) || names.has(nameKey(last, first)) || names.has(namePrefixKey(last))) continue;
    longest = start;
    if (isArticle(first)) longestBeforeArticle = start;
  }
  const start = longestBeforeArticle ?? longest;
  const lastHeadingWord = start === undefined ? undefined : words[start - 1];
  const firstBodyWord = start === undefined ? undefined : words[start];
  if (lastHeadingWord === undefined || firstBodyWord === undefined) return undefined;
  return { heading: line.slice(0, lastHeadingWord.end), body: line.slice(firstBodyWord.start) };
}

/**
 * Splits a line that runs a heading into its body ("Inaugural Security Talks Held in Warsaw The
 * inaugural bilateral…"), or returns undefined when no heading can be told from the body.
 *
 * The heading is a run of Title Case words at the start of the line: capitalised words, with
 * lower-case function words ("in", "of", "on", "and", "the"…) allowed inside but not at its end.
 * The body starts at a word inside that run that opens with a capital letter: the last
 * capitalised article ("The", "A", "An", which Title Case writes in lower case inside a heading),
 * else the last possible word, since a sentence's second word is usually in lower case. A split is
 * not taken where the heading would end with a function word, a preposition or a possessive
 * ("In 2026 the…", "After Warsaw, officials…"), run past a full stop, cut a name that the page
 * writes elsewhere in running text ("South Korea", learned from `context`, the page's other texts),
 * or end with a word that starts names there ("European", from "The European Commission").
 *
 * Limits: a sentence that opens with two or more capitalised words the page never writes together
 * elsewhere ("Prime Minister Tusk said…") loses its first words to the heading, and a paragraph
 * that opens that way is read as a new section; a sentence that opens with a digit ("12 people…")
 * is not found; a heading with a word in lower case that is not a function word ("iPhone") ends
 * before it; a capitalised article inside a heading ("Vitamin A Trial…") ends the heading there.
 */
export function splitSectionHeading(line: string, context: readonly string[] = []): HeadingSplit | undefined {
  return splitWithNames(line, namesIn(context));
}

/**
 * A line that is a heading by itself: Title Case words only, not ending like a sentence, no
 * citation. Headings copied on their own line, and sections without a body, look like this.
 */
function isHeadingOnly(line: string): boolean {
  const words = wordsOf(line).map((word) => word.text);
  const last = words.at(-1);
  return (
    last !== undefined &&
    words.length <= 24 &&
    openingRunLength(words) === words.length &&
    !cannotEndHeading(last) &&
    !/[.,;:]["'\p{Pf}\p{Pe}]*$/u.test(line)
  );
}

// ---------------------------------------------------------------------------------------------
// The import, step by step
// ---------------------------------------------------------------------------------------------

/** What the steps share: the notes so far and what the citations have named. */
class ImportContext {
  readonly notes: ImportNote[] = [];
  readonly citedNumbers = new Set<number>();
  readonly markerStyles = new Set<CitationStyle>();
  /** Lines that fit nowhere, for the "Unsorted" section. */
  readonly unsorted: PageLine[] = [];

  note(code: ImportNoteCode, message: string, line?: PageLine): void {
    this.notes.push(line === undefined ? { code, message } : { code, message, line: line.number, text: line.text });
  }

  keepUnsorted(line: PageLine, why: string): void {
    this.unsorted.push(line);
    this.note('unsorted', `${why}: kept as a paragraph of the "${UNSORTED_HEADING}" section`, line);
  }
}

const sourceId = (number: number): string => `source-${number}`;

// --- the header ------------------------------------------------------------------------------

const NAVIGATION_LABEL = 'feeds';
const UPDATED_LINE = /^Updated\b.*\((\d+) articles?\)$/i;
const RELATED_LINE = /^All related articles(?: \((\d+) articles?\))?$/i;
/** The header is the page's first few lines; an "Updated" line further down is just text. */
const HEADER_LINES = 8;

interface StatedCount {
  count: number;
  line: PageLine;
}

interface Header {
  feed: string;
  title: string;
  updated?: StatedCount;
  /** Index of the first line after the header. */
  end: number;
}

type PageLabel = 'sources' | 'timeline' | 'related';

function pageLabel(line: PageLine): PageLabel | undefined {
  const text = normalised(line.text);
  if (text.toLowerCase() === 'sources') return 'sources';
  if (text.toLowerCase() === 'timeline') return 'timeline';
  return RELATED_LINE.test(text) ? 'related' : undefined;
}

const isNavigation = (line: PageLine): boolean => normalised(line.text).toLowerCase() === NAVIGATION_LABEL;
const statedCount = (line: PageLine, pattern: RegExp): number | undefined => {
  const count = pattern.exec(normalised(line.text))?.[1];
  return count === undefined ? undefined : Number(count);
};

/** Feed label (the line(s) above the navigation), headline and "Updated (N articles)". */
function readHeader(lines: readonly PageLine[], context: ImportContext): Header {
  const top = lines.slice(0, HEADER_LINES);
  const updatedIndex = top.findIndex((line) => statedCount(line, UPDATED_LINE) !== undefined);
  const navigationIndex = top.slice(0, updatedIndex >= 0 ? updatedIndex : 4).findIndex(isNavigation);
  const usable = (line: PageLine | undefined): line is PageLine => line !== undefined && pageLabel(line) === undefined;

  let feedLines: readonly PageLine[];
  let titleLine: PageLine | undefined;
  let end: number;
  if (updatedIndex >= 0) {
    const candidate = updatedIndex - 1 > navigationIndex ? lines[updatedIndex - 1] : undefined;
    titleLine = usable(candidate) ? candidate : undefined;
    const titleIndex = titleLine === undefined ? updatedIndex : updatedIndex - 1;
    feedLines = lines.slice(0, navigationIndex >= 0 ? navigationIndex : titleIndex);
    if (navigationIndex >= 0) {
      for (const line of lines.slice(navigationIndex + 1, titleIndex)) context.keepUnsorted(line, 'A line between the navigation and the headline');
    }
    end = updatedIndex + 1;
  } else {
    context.note('header-incomplete', 'No "Updated (N articles)" line under the headline: the page may be incomplete.');
    feedLines = navigationIndex >= 0 ? lines.slice(0, navigationIndex) : [];
    const titleIndex = navigationIndex + 1;
    titleLine = usable(lines[titleIndex]) ? lines[titleIndex] : undefined;
    end = titleLine === undefined ? titleIndex : titleIndex + 1;
    if (navigationIndex < 0 && titleLine !== undefined) {
      context.note('header-incomplete', 'No feed label or navigation line ("Feeds") found: the first line was taken as the headline.', titleLine);
    }
  }

  if (navigationIndex < 0 && updatedIndex >= 0) {
    const where = feedLines[0] ?? titleLine ?? lines[updatedIndex];
    const what = feedLines.length > 0 ? 'the line(s) above the headline were taken as the feed label' : 'the feed label is empty';
    context.note('header-incomplete', `No navigation line ("Feeds") found: ${what}.`, where);
  }
  if (feedLines.length > 1) {
    context.note('header-incomplete', `The feed label runs over ${feedLines.length} lines: they were joined with spaces.`, feedLines[0]);
  }
  if (titleLine === undefined && lines.length > 0) {
    context.note('header-incomplete', 'No headline found: the title is empty.', lines[Math.max(updatedIndex, 0)]);
  }

  const updatedLine = updatedIndex >= 0 ? lines[updatedIndex] : undefined;
  const updatedCount = updatedLine === undefined ? undefined : statedCount(updatedLine, UPDATED_LINE);
  return {
    feed: feedLines.map((line) => line.text).join(' '),
    title: titleLine?.text ?? '',
    ...(updatedLine !== undefined && updatedCount !== undefined ? { updated: { count: updatedCount, line: updatedLine } } : {}),
    end,
  };
}

// --- the hero --------------------------------------------------------------------------------

const BULLET = new RegExp(`^\\u2022${SPACE}*`, 'u');
const CREDIT_PREFIX = new RegExp(`^Image:${SPACE}*`, 'u');
/** The labels of the hero's two links, at the end of the caption line. */
const LINK_LABELS = new RegExp(`Source${SPACE}+Full${SPACE}+size$`, 'u');

/** The caption before the link labels, or undefined when the line does not end with them. */
function captionBeforeLinkLabels(text: string): string | undefined {
  const labels = LINK_LABELS.exec(text);
  if (labels === null || (labels.index > 0 && !isLayoutSpace(text[labels.index - 1]))) return undefined;
  return trimLayoutSpace(text.slice(0, labels.index));
}

interface HeroText {
  alt: string;
  caption: string;
  credit: string;
  usageTerms: string;
  firstLine: PageLine;
}

/**
 * Usage terms are the parentheses written in capitals, of two words or more: "(PHOTO NOT FOR
 * SALE)", "(EDITORIAL USE ONLY)"; not "(L)" or "(AP)", which are a position and a credit.
 */
function usageTermsIn(text: string): string {
  const terms = [...text.matchAll(/\(([^()]+)\)/g)]
    .map((match) => match[1] ?? '')
    .filter((inside) => !/\p{Ll}/u.test(inside) && /\p{Lu}/u.test(inside) && inside.trim().split(/\s+/).length >= 2);
  return terms.join('; ');
}

/**
 * The hero, in the seed's layout: "  • alt", "    Image: credit", "    caption Source Full size".
 * Its lines are indented (or start with the bullet) and end with the caption line.
 */
function readHero(lines: readonly PageLine[], start: number, context: ImportContext): { hero?: HeroText; end: number } {
  let alt: string | undefined;
  let credit: string | undefined;
  let caption: string | undefined;
  let firstLine: PageLine | undefined;
  let index = start;
  for (; index < lines.length; index += 1) {
    const line = lines[index];
    if (line === undefined) break;
    const started = firstLine !== undefined;
    const bullet = BULLET.exec(line.text);
    const creditPrefix = CREDIT_PREFIX.exec(line.text);
    const captionText = captionBeforeLinkLabels(line.text);
    if (bullet && alt === undefined) {
      alt = line.text.slice(bullet[0].length);
    } else if (!line.indented && !started) {
      break;
    } else if (creditPrefix && credit === undefined) {
      credit = line.text.slice(creditPrefix[0].length);
    } else if (captionText !== undefined) {
      caption = captionText;
    } else if (started && line.indented) {
      caption = line.text;
      context.note('hero-guessed', 'The hero has no "Source Full size" line: this indented line was taken as the caption.', line);
    } else {
      break;
    }
    firstLine ??= line;
    if (caption !== undefined) {
      index += 1;
      break;
    }
  }
  if (firstLine === undefined) return { end: start };

  // Usage terms and a missing credit are read from the caption, or from the alt text without one.
  const describing = caption !== undefined && caption !== '' ? caption : (alt ?? '');
  if (credit === undefined) {
    const lastParenthesis = /\(([^()]+)\)$/.exec(describing)?.[1];
    if (lastParenthesis !== undefined && usageTermsIn(`(${lastParenthesis})`) === '') {
      credit = lastParenthesis;
      context.note('hero-guessed', `The hero has no "Image:" line: its credit was taken from the caption's last parenthesis, "${credit}".`, firstLine);
    }
  }
  return {
    hero: { alt: alt ?? '', caption: caption ?? '', credit: credit ?? '', usageTerms: usageTermsIn(describing), firstLine },
    end: index,
  };
}

// --- the areas under the header --------------------------------------------------------------

interface PageAreas {
  sections: PageLine[];
  sources: PageLine[];
  timeline: PageLine[];
  sourcesLabel?: PageLine;
  related?: StatedCount;
}

/** Sorts the lines under the header into sections, sources and timeline by the page's labels. */
function readAreas(lines: readonly PageLine[], context: ImportContext): PageAreas {
  const areas: PageAreas = { sections: [], sources: [], timeline: [] };
  let area: 'sections' | PageLabel = 'sections';
  const seen = new Set<PageLabel>();
  for (const line of lines) {
    const label = pageLabel(line);
    if (label !== undefined) {
      if (seen.has(label)) context.note('label-repeated', `The label "${line.text}" appears again: the lines under it are read as before.`, line);
      seen.add(label);
      area = label;
      if (label === 'sources') areas.sourcesLabel ??= line;
      const count = statedCount(line, RELATED_LINE);
      if (label === 'related' && count !== undefined) areas.related ??= { count, line };
      continue;
    }
    if (area === 'related') context.keepUnsorted(line, 'A line after "All related articles"');
    else areas[area].push(line);
  }
  return areas;
}

// --- inline content: text runs and citations -------------------------------------------------

/** One marker: "[1]", "[2][5]" (separate) or "[2, 5]" (combined). */
const MARKER = /(?:\[ *\d+(?: *, *\d+)* *\])+/g;

function readInline(text: string, line: PageLine, context: ImportContext): Inline[] {
  const content: Inline[] = [];
  let pending = '';
  const flush = (): void => {
    if (pending !== '') content.push({ type: 'text', text: pending });
    pending = '';
  };
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    const marker = match[0];
    const before = text.slice(last, match.index);
    last = match.index + marker.length;
    const numbers = [...marker.matchAll(/\d+/g)].map((digits) => Number(digits[0]));
    if (numbers.some((number) => number < 1 || number > MAX_SOURCES)) {
      pending += before + marker;
      context.note('citation-unreadable', `The marker "${marker}" names no possible source (1–${MAX_SOURCES}): kept as text.`, line);
      continue;
    }
    const sources = [...new Set(numbers)];
    if (sources.length < numbers.length) context.note('citation-repeated', `The marker "${marker}" names a source twice: it cites it once.`, line);
    if (marker.includes(',')) context.markerStyles.add('combined');
    else if (numbers.length > 1) context.markerStyles.add('separate');
    const run = pending + before;
    pending = BEFORE_MARKER.has(run.at(-1) ?? '') ? run.slice(0, -1) : run;
    flush();
    for (const number of sources) context.citedNumbers.add(number);
    content.push({ type: 'citation', sources: sources.map(sourceId) });
  }
  pending += text.slice(last);
  flush();
  return content;
}

const paragraph = (text: string, line: PageLine, context: ImportContext): Paragraph => ({
  type: 'paragraph',
  content: readInline(text, line, context),
});

// --- sections --------------------------------------------------------------------------------

interface DraftSection {
  heading: string;
  body: Paragraph[];
  /** A heading on its own line waits for the line under it as its first paragraph. */
  awaitsBody: boolean;
}

function readSections(lines: readonly PageLine[], names: ReadonlySet<string>, context: ImportContext): DraftSection[] {
  const sections: DraftSection[] = [];
  for (const line of lines) {
    const current = sections.at(-1);
    const headingOnly = isHeadingOnly(line.text);
    if (current?.awaitsBody && !headingOnly) {
      current.body.push(paragraph(line.text, line, context));
      current.awaitsBody = false;
      continue;
    }
    if (headingOnly) {
      sections.push({ heading: line.text, body: [], awaitsBody: true });
      continue;
    }
    const split = splitWithNames(line.text, names);
    if (split) {
      sections.push({ heading: split.heading, body: [paragraph(split.body, line, context)], awaitsBody: false });
    } else if (current) {
      current.body.push(paragraph(line.text, line, context));
      context.note(
        'paragraph-without-heading',
        `No heading at the start of this line: it was taken as a further paragraph of the section "${current.heading}".`,
        line,
      );
    } else {
      sections.push({ heading: '', body: [paragraph(line.text, line, context)], awaitsBody: false });
      context.note('heading-not-found', 'No heading could be told from the start of this line: it was kept whole, in a section without heading.', line);
    }
  }
  return sections;
}

// --- sources ---------------------------------------------------------------------------------

const SOURCE_LINE = new RegExp(`^\\[(\\d+)\\]${SPACE}*(.*)$`, 'su');
const DASH_SEPARATOR = new RegExp(`${SPACE}\\u2013${SPACE}`, 'gu');

type SourceDetails = Pick<Source, 'title' | 'container-title' | 'URL'>;

const isWebUrl = (text: string): boolean => !/\s/u.test(text) && WebUrlSchema.safeParse(text).success;

/** "Title – Outlet – https://…", any part missing: the URL is the last part, the outlet the one before. */
function sourceDetails(text: string): SourceDetails {
  const details: SourceDetails = {};
  let rest = text;
  const lastSeparator = [...rest.matchAll(DASH_SEPARATOR)].at(-1);
  const lastPart = lastSeparator === undefined ? rest : rest.slice(lastSeparator.index + lastSeparator[0].length);
  if (isWebUrl(lastPart)) {
    details.URL = lastPart;
    rest = lastSeparator === undefined ? '' : rest.slice(0, lastSeparator.index);
  }
  const outletSeparator = [...rest.matchAll(DASH_SEPARATOR)].at(-1);
  const title = outletSeparator === undefined ? rest : rest.slice(0, outletSeparator.index);
  const outlet = outletSeparator === undefined ? '' : rest.slice(outletSeparator.index + outletSeparator[0].length);
  if (title !== '') details.title = title;
  if (outlet !== '') details['container-title'] = outlet;
  return details;
}

function readSourceLines(lines: readonly PageLine[], context: ImportContext): Map<number, SourceDetails> {
  const listed = new Map<number, SourceDetails>();
  for (const line of lines) {
    const match = SOURCE_LINE.exec(line.text);
    const number = match ? Number(match[1]) : undefined;
    if (match === null || number === undefined) context.keepUnsorted(line, 'A line under "Sources" that is not "[n] Title – Outlet – URL"');
    else if (number < 1 || number > MAX_SOURCES) context.keepUnsorted(line, `A source numbered outside 1–${MAX_SOURCES}`);
    else if (listed.has(number)) context.keepUnsorted(line, `Source [${number}] is listed twice`);
    else listed.set(number, sourceDetails(match[2] ?? ''));
  }
  return listed;
}

/** "1, 2, 4–6": numbers as an editor reads them. */
function numberList(numbers: readonly number[]): string {
  const sorted = [...numbers].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let index = 0; index < sorted.length; ) {
    const first = sorted[index] ?? 0;
    let last = first;
    while (sorted[index + 1] === last + 1) {
      index += 1;
      last += 1;
    }
    index += 1;
    ranges.push(last === first ? String(first) : last === first + 1 ? `${first}, ${last}` : `${first}\u2013${last}`);
  }
  return ranges.join(', ');
}

/** "Source 7 is" or "Sources 1–6 are". */
function sourcesAre(numbers: readonly number[]): string {
  return numbers.length === 1 ? `Source ${numberList(numbers)} is` : `Sources ${numberList(numbers)} are`;
}

/**
 * Sources 1..n, n being the largest number cited, listed or counted by the page. Only what the
 * page says is filled in: nothing is invented, so most imported sources carry just their number.
 */
function buildSources(listed: ReadonlyMap<number, SourceDetails>, header: Header, areas: PageAreas, context: ImportContext): Source[] {
  const found = Math.max(0, ...context.citedNumbers, ...listed.keys());
  const statedCounts = [header.updated, areas.related].filter((stated) => stated !== undefined);
  let count = found;
  for (const stated of statedCounts) {
    if (stated.count === found) continue;
    const usable = stated.count <= MAX_SOURCES;
    context.note(
      'article-count-mismatch',
      `The page counts ${stated.count} articles, but ${found} ${found === 1 ? 'source was' : 'sources were'} cited or listed` +
        (usable ? '.' : `: more than ${MAX_SOURCES} sources cannot be imported.`),
      stated.line,
    );
    if (usable) count = Math.max(count, stated.count);
  }
  if (count > found) {
    const added = Array.from({ length: count - found }, (_, index) => found + index + 1);
    context.note('source-placeholder', `${sourcesAre(added)} counted but never cited or listed: added empty, for the editor to fill or delete.`);
  }

  const cited = [...context.citedNumbers];
  const uncited = Array.from({ length: count }, (_, index) => index + 1).filter((number) => !context.citedNumbers.has(number));
  if (cited.some((number) => number > cited.length)) {
    context.note(
      'citation-numbers-change',
      `The text never cites ${numberList(uncited.filter((number) => number < Math.max(...cited)))}: ` +
        'Storydesk numbers cited sources first, so the numbers shown will change.',
    );
  }

  const sources = Array.from({ length: count }, (_, index): Source => ({ id: sourceId(index + 1), ...listed.get(index + 1), role: 'cited' }));
  const hasDetails = (source: Source): boolean => source.URL !== undefined || source.title !== undefined || source['container-title'] !== undefined;
  const bare = sources.flatMap((source, index) => (hasDetails(source) ? [] : [index + 1]));
  if (bare.length > 0) {
    context.note(
      'source-details-missing',
      `${sourcesAre(bare)} known here only by number: add URL, title and outlet.`,
      areas.sourcesLabel,
    );
  }
  return sources;
}

// --- the timeline ----------------------------------------------------------------------------

const TIMELINE_SEPARATOR = new RegExp(`${SPACE}\\u2013${SPACE}`, 'u');
const LOOSE_SEPARATOR = new RegExp(`${SPACE}[\\u2014-]${SPACE}`, 'u');

interface TimelineLine {
  line: PageLine;
  label: string;
  body: string;
}

/** "LABEL – text [n].", split at the first " – " (U+2013); a line without one is a label alone. */
function splitTimelineLine(line: PageLine, context: ImportContext): TimelineLine {
  const strict = TIMELINE_SEPARATOR.exec(line.text);
  const separator = strict ?? LOOSE_SEPARATOR.exec(line.text);
  const label = separator === null ? '' : trimLayoutSpace(line.text.slice(0, separator.index));
  if (separator === null || label === '') return { line, label: line.text, body: '' };
  if (strict === null) context.note('timeline-separator-guessed', `The date and the text are separated by "${separator[0].trim()}" rather than " \u2013 ".`, line);
  return { line, label, body: line.text.slice(separator.index + separator[0].length) };
}

/** The label's EDTF form, or the reason it cannot be read. */
function readDate(label: string): { edtf: string } | { reason: string } {
  try {
    const parsed = parseTimelineDate(label);
    if (!parsed.ok) return { reason: parsed.reason };
    // The parser is shared and still growing: its answer is checked like any stored date.
    const checked = TimelineDateSchema.safeParse({ label, edtf: parsed.edtf });
    return checked.success ? { edtf: parsed.edtf } : { reason: `its reading "${parsed.edtf}" is not valid EDTF` };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : 'the date parser failed' };
  }
}

function readTimeline(lines: readonly TimelineLine[], context: ImportContext): Array<Omit<TimelineEntry, 'id'>> {
  return lines.map(({ line, label, body }) => {
    const date = readDate(label);
    if ('reason' in date) {
      const hint = body === '' && label === line.text ? ' (no " \u2013 " separates a date from text, so the whole line is the label)' : '';
      context.note('timeline-date-unread', `The date "${label}" cannot be read (${date.reason}): kept as written, without a machine date${hint}.`, line);
    }
    return { date: 'edtf' in date ? { label, edtf: date.edtf } : { label }, body: body === '' ? [] : readInline(body, line, context) };
  });
}

// --- ids -------------------------------------------------------------------------------------

/** Ids from the words they name, made unique with -2, -3…; 64 characters at most. */
function uniqueIds(prefix: string, names: readonly string[]): string[] {
  const used = new Set<string>();
  const nextSuffix = new Map<string, number>();
  return names.map((name) => {
    const base = slugFromTitle(`${prefix} ${name}`, 56);
    let id = base;
    let suffix = nextSuffix.get(base) ?? 2;
    while (used.has(id)) {
      id = `${base}-${suffix}`;
      suffix += 1;
    }
    nextSuffix.set(base, suffix);
    used.add(id);
    return id;
  });
}

// ---------------------------------------------------------------------------------------------
// The entry point
// ---------------------------------------------------------------------------------------------

/**
 * Reads a story page copied as text into a draft story and the notes an editor should see.
 * Never throws on any text; throws InvalidInputError only for invalid options.
 *
 * Decisions:
 * - Sources are `source-1`…`source-n`, numbered as on the page, role `cited`, with title,
 *   outlet and URL only when a "[n] Title – Outlet – URL" line gives them.
 * - `citationOrder` is `manual`: the sources list is in the page's numbering, so the numbers
 *   render as the page shows them. The layout carries no publication dates, so `newest-first`
 *   could not be checked (the seed's own order) and is left for the editor to choose.
 * - `citationStyle` is `combined` when a marker reads "[2, 5]", else `separate`.
 * - A heading on a line of its own takes the next line whole as its first paragraph.
 */
export function importStoryText(text: string, options: TextImportOptions = {}): TextImportResult {
  const now = options.now ?? DEFAULT_NOW;
  if (!TimestampSchema.safeParse(now).success) {
    throw new InvalidInputError('import options', [{ path: 'now', message: 'must be an ISO 8601 UTC timestamp with milliseconds' }]);
  }
  const context = new ImportContext();
  const lines = pageLines(text);

  const header = readHeader(lines, context);
  const heroText = readHero(lines, header.end, context);
  const areas = readAreas(lines.slice(heroText.end), context);
  const timelineLines = areas.timeline.map((line) => splitTimelineLine(line, context));

  const hero = heroText.hero;
  const runningText = [
    ...areas.sections.map((line) => line.text),
    ...timelineLines.map((line) => line.body),
    ...(hero ? [hero.alt, hero.caption] : []),
  ];
  const drafts = readSections(areas.sections, namesIn(runningText), context);
  const timelineDrafts = readTimeline(timelineLines, context);
  const listed = readSourceLines(areas.sources, context);
  if (context.unsorted.length > 0) {
    const inPageOrder = [...context.unsorted].sort((a, b) => a.number - b.number);
    const body = inPageOrder.map((line): Paragraph => ({ type: 'paragraph', content: [{ type: 'text', text: line.text }] }));
    drafts.push({ heading: UNSORTED_HEADING, body, awaitsBody: false });
  }
  const sources = buildSources(listed, header, areas, context);

  if (context.markerStyles.size > 1) {
    context.note('citation-style-mixed', 'The page writes markers both as "[2][5]" and as "[2, 5]": the story uses "[2, 5]".');
  }
  const citationStyle: CitationStyle = context.markerStyles.has('combined') ? 'combined' : 'separate';

  let heroImage: HeroImage | undefined;
  if (hero) {
    heroImage = {
      asset: options.heroAsset ?? IMPORT_PLACEHOLDER_IMAGE.asset,
      alt: hero.alt,
      caption: hero.caption,
      credit: hero.credit,
      usageTerms: hero.usageTerms,
    };
    if (options.heroAsset === undefined) {
      context.note('hero-image-placeholder', 'The copied text carries no image: the hero shows a placeholder until the real image is attached.', hero.firstLine);
    }
  }

  const sectionIds = uniqueIds('section', drafts.map((draft) => draft.heading));
  const sections = drafts.map((draft, index): Section => ({ id: sectionIds[index] ?? `section-${index + 1}`, heading: draft.heading, body: draft.body }));
  const timelineIds = uniqueIds('timeline', timelineDrafts.map((entry) => entry.date.label));
  const timeline = timelineDrafts.map((entry, index): TimelineEntry => ({ id: timelineIds[index] ?? `timeline-${index + 1}`, ...entry }));

  const story: Story = {
    id: options.id ?? `imported-${slugFromTitle(header.title, 54)}`,
    slug: slugFromTitle(header.title),
    title: header.title,
    feed: header.feed,
    status: 'draft',
    ...(heroImage ? { hero: heroImage } : {}),
    sections,
    sources,
    timeline,
    citationOrder: 'manual',
    citationStyle,
    createdAt: now,
    updatedAt: now,
    revision: 0,
  };
  // Notes about the page as a whole first, then in the order of the lines they point at.
  const notes = context.notes
    .map((note, order) => ({ note, order }))
    .sort((a, b) => (a.note.line ?? 0) - (b.note.line ?? 0) || a.order - b.order)
    .map(({ note }) => note);
  return { story: parseOrThrow(StorySchema, story, 'imported story'), notes };
}
