/**
 * Sentences of inline content, and which citations belong to each: what the coverage review
 * counts, and what "attach a citation after this sentence" aims at.
 *
 * Sentences are found with `Intl.Segmenter` over the text of the runs (citations are zero-width),
 * then two repairs: a break after a title, an initial or an abbreviation before a number ("Dr. Kim",
 * "Robert K. Lee", "Feb. 2") is undone,
 * and a piece without a letter or digit (a stray quote or full stop) joins the sentence before.
 * A citation belongs to the sentence it stands in; one that stands at the very start of a
 * sentence, with only spaces between it and the previous sentence's end, belongs to that previous
 * sentence — so "capital[1]. Officials" and "capital. [1] Officials" both cite the first sentence.
 */
import type { Inline } from './model';

/** A sentence as `splitSentences` finds it; shared between callers, so read-only. */
export interface Sentence {
  /** 0-based, within the inline array. */
  readonly index: number;
  /** Character range of the sentence in the text of the runs (UTF-16 units, citations zero-width), without the spaces around it. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Indexes, in the inline array, of the citation nodes that belong to this sentence. */
  readonly citations: readonly number[];
}

/** Titles and abbreviations that end with a full stop and are followed by a capitalised name. */
const TITLE_ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'mx', 'dr', 'prof', 'sen', 'rep', 'gov', 'gen', 'lt', 'col', 'maj', 'capt', 'cpt',
  'sgt', 'adm', 'cmdr', 'rev', 'fr', 'st', 'mt', 'ft', 'pres', 'supt', 'insp', 'det', 'hon', 'amb', 'messrs',
]);

/** Abbreviations followed by a number: "Feb. 2, 2026", "No. 5", "Vol. 3". */
const NUMBER_ABBREVIATIONS = new Set([
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'no', 'nos', 'vol', 'p', 'pp', 'art', 'fig', 'ch', 'sec',
]);

const segmenters = new Map<string, Intl.Segmenter>();

function segmenterFor(locale: string): Intl.Segmenter {
  let segmenter = segmenters.get(locale);
  if (!segmenter) {
    segmenter = new Intl.Segmenter(locale, { granularity: 'sentence' });
    segmenters.set(locale, segmenter);
  }
  return segmenter;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const LETTER = /^\p{L}$/u;
const SPACE = /^\s$/u;
/** What may stand before an abbreviation: nothing, a space, an opening bracket or quote. */
const BEFORE_WORD = new Set([' ', '(', '[', '“', '"', '‘', "'"]);

/**
 * The word before the full stop that ends `piece` ("Dr" in "met Dr. "), or undefined when the
 * piece does not end in a word and a full stop. Scans back from the end: pieces can be long.
 */
function wordBeforeFinalStop(piece: string): string | undefined {
  let end = piece.length;
  while (end > 0 && SPACE.test(piece[end - 1] ?? '')) end--;
  if (end === 0 || piece[end - 1] !== '.') return undefined;
  let start = end - 1;
  while (start > 0 && LETTER.test(piece[start - 1] ?? '')) start--;
  if (start === end - 1) return undefined;
  const before = piece[start - 1];
  if (before !== undefined && !BEFORE_WORD.has(before) && !SPACE.test(before)) return undefined;
  return piece.slice(start, end - 1);
}

/**
 * True when a sentence break between `piece` and `next` is most likely after a title, an initial
 * or an abbreviation before a number, not the end of a sentence.
 */
function breaksAfterAbbreviation(piece: string, next: string): boolean {
  const word = wordBeforeFinalStop(piece);
  if (word === undefined) return false;
  const lower = word.toLowerCase();
  if (TITLE_ABBREVIATIONS.has(lower)) return true;
  if (NUMBER_ABBREVIATIONS.has(lower) && /^\p{N}/u.test(next)) return true;
  // A single capital letter is an initial ("Robert K. Lee"); "I." or "A." ending a sentence is rare.
  return word.length === 1 && word !== lower;
}

interface Piece {
  start: number;
  end: number;
}

/**
 * Ranges already found, by locale and text. The coverage review runs after every pause in typing
 * and segmenting is most of its cost; between two runs only the paragraph being typed in has new
 * text, so the others are found here. Keyed by the text itself (not by the content array), so that
 * no caller can see a stale answer. The least recently used are dropped beyond the limit.
 */
const rangesFound = new Map<string, readonly Readonly<Piece>[]>();
/** Enough for every paragraph of the huge story (benchmarks) several times over. */
const RANGES_KEPT = 5_000;

/** The sentence pieces of `text` as ranges, after the two repairs described at the top. */
export function sentenceRanges(text: string, locale = 'en'): readonly Readonly<Piece>[] {
  const key = `${locale}\u0000${text}`;
  const found = rangesFound.get(key);
  if (found) {
    rangesFound.delete(key);
    rangesFound.set(key, found);
    return found;
  }
  const pieces = findSentenceRanges(text, locale);
  rangesFound.set(key, pieces);
  if (rangesFound.size > RANGES_KEPT) {
    const [oldest] = rangesFound.keys();
    if (oldest !== undefined) rangesFound.delete(oldest);
  }
  return pieces;
}

function findSentenceRanges(text: string, locale: string): Piece[] {
  const pieces: Piece[] = [];
  for (const segment of segmenterFor(locale).segment(text)) {
    const piece = { start: segment.index, end: segment.index + segment.segment.length };
    const previous = pieces.at(-1);
    const joinsPrevious =
      previous !== undefined &&
      (!LETTER_OR_DIGIT.test(segment.segment) || breaksAfterAbbreviation(text.slice(previous.start, previous.end), segment.segment));
    if (previous && joinsPrevious) previous.end = piece.end;
    else pieces.push(piece);
  }
  return pieces;
}

function trimmedRange(text: string, piece: Readonly<Piece>): Piece {
  let { start, end } = piece;
  while (start < end && /\s/u.test(text[start] ?? '')) start++;
  while (end > start && /\s/u.test(text[end - 1] ?? '')) end--;
  return { start, end };
}

/** The text of the runs, and where each citation node stands in it. */
function textAndCitations(inlines: readonly Inline[]): { text: string; citations: { index: number; offset: number }[] } {
  let text = '';
  const citations: { index: number; offset: number }[] = [];
  inlines.forEach((inline, index) => {
    if (inline.type === 'text') text += inline.text;
    else citations.push({ index, offset: text.length });
  });
  return { text, citations };
}

/**
 * Sentences already found, by the content array they were found in: an edit elsewhere in the story
 * leaves a paragraph's array as it was. An answer is used again only while the array holds the same
 * text strings and citations at the same places (what the sentences depend on), so an array changed
 * in place is split anew.
 */
const sentencesFound = new WeakMap<readonly Inline[], { locale: string; texts: (string | null)[]; sentences: readonly Sentence[] }>();

/** Each inline's text, or null for a citation: what decides the sentences. */
function textsOf(inlines: readonly Inline[]): (string | null)[] {
  return inlines.map((inline) => (inline.type === 'text' ? inline.text : null));
}

function sameTexts(inlines: readonly Inline[], texts: readonly (string | null)[]): boolean {
  if (inlines.length !== texts.length) return false;
  for (let index = 0; index < inlines.length; index++) {
    const inline = inlines[index];
    if ((inline?.type === 'text' ? inline.text : null) !== texts[index]) return false;
  }
  return true;
}

/**
 * The sentences of one paragraph or timeline body, each with the citations that belong to it.
 * Content with citations but no text gives no sentence (its citations belong to nothing).
 * Callers share the answer for the same content: it is not theirs to change.
 */
export function splitSentences(inlines: readonly Inline[], locale = 'en'): readonly Sentence[] {
  const found = sentencesFound.get(inlines);
  if (found && found.locale === locale && sameTexts(inlines, found.texts)) return found.sentences;
  const sentences = findSentences(inlines, locale);
  sentencesFound.set(inlines, { locale, texts: textsOf(inlines), sentences });
  return sentences;
}

function findSentences(inlines: readonly Inline[], locale: string): Sentence[] {
  const { text, citations } = textAndCitations(inlines);
  const sentences: (Sentence & { citations: number[] })[] = [];
  for (const piece of sentenceRanges(text, locale)) {
    if (!LETTER_OR_DIGIT.test(text.slice(piece.start, piece.end))) continue;
    const { start, end } = trimmedRange(text, piece);
    sentences.push({ index: sentences.length, start, end, text: text.slice(start, end), citations: [] });
  }
  if (sentences.length === 0) return sentences;
  for (const citation of citations) {
    // The last sentence that starts before the citation: a citation at a sentence's very start
    // (after the previous one's full stop) closes the previous sentence. A leading one, the first.
    let owner = sentences[0] as (typeof sentences)[number];
    for (const sentence of sentences) {
      if (sentence.start < citation.offset) owner = sentence;
      else break;
    }
    owner.citations.push(citation.index);
  }
  return sentences;
}
