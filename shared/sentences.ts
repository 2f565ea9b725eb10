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

export interface Sentence {
  /** 0-based, within the inline array. */
  index: number;
  /** Character range of the sentence in the text of the runs (UTF-16 units, citations zero-width), without the spaces around it. */
  start: number;
  end: number;
  text: string;
  /** Indexes, in the inline array, of the citation nodes that belong to this sentence. */
  citations: number[];
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

/** The sentence pieces of `text` as ranges, after the two repairs described at the top. */
export function sentenceRanges(text: string, locale = 'en'): Piece[] {
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

function trimmedRange(text: string, piece: Piece): Piece {
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
 * The sentences of one paragraph or timeline body, each with the citations that belong to it.
 * Content with citations but no text gives no sentence (its citations belong to nothing).
 */
export function splitSentences(inlines: readonly Inline[], locale = 'en'): Sentence[] {
  const { text, citations } = textAndCitations(inlines);
  const sentences: Sentence[] = [];
  for (const piece of sentenceRanges(text, locale)) {
    if (!LETTER_OR_DIGIT.test(text.slice(piece.start, piece.end))) continue;
    const { start, end } = trimmedRange(text, piece);
    sentences.push({ index: sentences.length, start, end, text: text.slice(start, end), citations: [] });
  }
  if (sentences.length === 0) return sentences;
  for (const citation of citations) {
    // The last sentence that starts before the citation: a citation at a sentence's very start
    // (after the previous one's full stop) closes the previous sentence. A leading one, the first.
    let owner = sentences[0] as Sentence;
    for (const sentence of sentences) {
      if (sentence.start < citation.offset) owner = sentence;
      else break;
    }
    owner.citations.push(citation.index);
  }
  return sentences;
}
