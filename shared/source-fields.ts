/**
 * A source's fields as the sources panel shows and takes them: text boxes hold strings, the
 * model holds optional fields and a list of names. Empty text removes an optional field rather
 * than storing an empty string, authors are written "Family, Given; Other Name", and each place
 * that cites a source is named the way an editor reads it, with the sentence it backs.
 */
import type { CitationRef, InlinePlace } from './citation-edits';
import type { Inline, PersonName, Source, Story } from './model';
import { splitSentences } from './sentences';
import { urlIdentity } from './urls';

/** The source fields that are one line (or box) of text, each optional in the model. */
export type SourceTextField = 'URL' | 'title' | 'container-title' | 'issued' | 'note';

/** Longer sentences and notes are cut at a word near these many characters. */
const SENTENCE_SHOWN = 110;
const NOTE_SHOWN = 70;

function shortened(text: string, length: number): string {
  if (text.length <= length) return text;
  const cut = text.lastIndexOf(' ', length);
  return `${text.slice(0, cut > length / 2 ? cut : length)}…`;
}

/**
 * The source with `field` set to `text` exactly as typed, or removed when the text is empty (for
 * an address or a date, when it is only spaces too: neither can start with a space). The same
 * source comes back when nothing changes, so that an edit that changes nothing records no step.
 */
export function withSourceText(source: Source, field: SourceTextField, text: string): Source {
  const empty = field === 'URL' || field === 'issued' ? text.trim() === '' : text === '';
  if (empty) {
    if (source[field] === undefined) return source;
    const next = { ...source };
    delete next[field];
    return next;
  }
  return source[field] === text ? source : { ...source, [field]: text };
}

/**
 * People as typed in one box: separated by semicolons, each "Family, Given" or, without a comma,
 * one name kept whole (an organisation, or a name that is not split into family and given). A
 * name with nothing before its comma is kept whole too, since a family name cannot be empty.
 */
export function parseAuthors(text: string): PersonName[] {
  return text
    .split(';')
    .map((name) => name.trim())
    .filter((name) => name !== '')
    .map((name): PersonName => {
      const comma = name.indexOf(',');
      if (comma === -1) return { literal: name };
      const family = name.slice(0, comma).trim();
      const given = name.slice(comma + 1).trim();
      if (family === '') return { literal: given === '' ? name : given };
      return given === '' ? { family } : { family, given };
    });
}

/**
 * The names as the authors box shows them; `parseAuthors` reads the text back to the same names
 * (a family name alone keeps its comma, "Park,", so that it is not read back as a whole name).
 */
export function formatAuthors(names: readonly PersonName[] | undefined): string {
  return (names ?? []).map((name) => ('literal' in name ? name.literal : name.given === undefined ? `${name.family},` : `${name.family}, ${name.given}`)).join('; ');
}

/** The source with the authors typed in `text`; no names removes the field. */
export function withAuthorsText(source: Source, text: string): Source {
  const author = parseAuthors(text);
  if (author.length === 0) {
    if (source.author === undefined) return source;
    const next = { ...source };
    delete next.author;
    return next;
  }
  return sameNames(author, source.author ?? []) ? source : { ...source, author };
}

/** Whether two lists hold the same names, written the same way. */
export function sameNames(a: readonly PersonName[], b: readonly PersonName[]): boolean {
  return (
    a.length === b.length &&
    a.every((name, index) => {
      const other = b[index];
      if (other === undefined) return false;
      if ('literal' in name || 'literal' in other) return 'literal' in name && 'literal' in other && name.literal === other.literal;
      return name.family === other.family && name.given === other.given;
    })
  );
}

/**
 * What a source is called in lists and dialogs: its title, else its address, else the start of
 * its note (a draft's sources may carry only a note saying what they report), else a placeholder.
 */
export function sourceName(source: Source): string {
  if (source.title !== undefined && source.title.trim() !== '') return source.title;
  if (source.URL !== undefined && source.URL.trim() !== '') return source.URL;
  if (source.note !== undefined && source.note.trim() !== '') return shortened(source.note.trim(), NOTE_SHOWN);
  return 'Untitled source';
}

/**
 * For each source whose address names the same article as an earlier source's (`urlIdentity`:
 * tracking parameters, `www.` and the like aside), the id of the first such source. A source
 * whose address comes first among its duplicates maps to the next one, so both are flagged.
 */
export function duplicateSources(sources: readonly Source[]): Map<string, string> {
  const byIdentity = new Map<string, string[]>();
  for (const source of sources) {
    const identity = source.URL === undefined ? undefined : urlIdentity(source.URL);
    if (identity === undefined) continue;
    const ids = byIdentity.get(identity);
    if (ids) ids.push(source.id);
    else byIdentity.set(identity, [source.id]);
  }
  const duplicates = new Map<string, string>();
  for (const ids of byIdentity.values()) {
    if (ids.length < 2) continue;
    const [first, second] = ids as [string, string];
    for (const id of ids) duplicates.set(id, id === first ? second : first);
  }
  return duplicates;
}

/**
 * Every place that cites each source, in reading order (the places `placesCiting` finds), from
 * one pass over the story rather than one per source.
 */
export function citingPlacesBySource(story: Pick<Story, 'sections' | 'timeline'>): Map<string, CitationRef[]> {
  const places = new Map<string, CitationRef[]>();
  const collect = (inlines: readonly Inline[], place: InlinePlace) => {
    inlines.forEach((inline, index) => {
      if (inline.type !== 'citation') return;
      for (const id of inline.sources) {
        const ref: CitationRef = { ...place, index };
        const list = places.get(id);
        if (list) list.push(ref);
        else places.set(id, [ref]);
      }
    });
  };
  for (const section of story.sections) {
    section.body.forEach((paragraph, index) => collect(paragraph.content, { part: 'section', sectionId: section.id, paragraph: index }));
  }
  for (const entry of story.timeline) collect(entry.body, { part: 'timeline', entryId: entry.id });
  return places;
}

/** A place that cites a source, in words: where it is, and the sentence the citation backs. */
export interface CitingPlaceDescription {
  /** `Section 2 «Senior Officials Lead Negotiations», paragraph 1` or `Timeline «Feb 2, 2026»`. */
  place: string;
  /** The sentence the citation belongs to, shortened to about a line; empty when there is no text. */
  sentence: string;
}


/** Describes a place from `citingPlacesBySource`; undefined when the story no longer has it. */
export function describeCitingPlace(story: Pick<Story, 'sections' | 'timeline'>, ref: CitationRef): CitingPlaceDescription | undefined {
  let place: string;
  let inlines: readonly Inline[];
  if (ref.part === 'section') {
    const index = story.sections.findIndex((section) => section.id === ref.sectionId);
    const section = story.sections[index];
    const paragraph = section?.body[ref.paragraph];
    if (!section || !paragraph) return undefined;
    place = `Section ${index + 1} ${section.heading === '' ? '(untitled)' : `«${section.heading}»`}, paragraph ${ref.paragraph + 1}`;
    inlines = paragraph.content;
  } else {
    const entry = story.timeline.find((candidate) => candidate.id === ref.entryId);
    if (!entry) return undefined;
    place = `Timeline ${entry.date.label === '' ? '(undated entry)' : `«${entry.date.label}»`}`;
    inlines = entry.body;
  }
  const sentence = splitSentences(inlines).find((candidate) => candidate.citations.includes(ref.index));
  return { place, sentence: sentence ? shortened(sentence.text, SENTENCE_SHOWN) : '' };
}
