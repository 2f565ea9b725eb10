/**
 * Edits that keep a story's text and its references consistent (DESIGN §3): attaching,
 * detaching and replacing citations, merging and deleting sources. Every edit is a pure function
 * that returns a new story and never changes a character of text: the only change to text runs
 * is that two runs with the same marks are joined when the citation between them disappears, so
 * inline content stays canonical (no empty runs, no two neighbouring runs with equal marks).
 */
import { InvalidInputError, type FieldProblem, formatPath } from './errors';
import type { Citation, Inline, Mark, Section, Source, Story, TextRun, TimelineEntry } from './model';
import { inlineText } from './story-text';

type SourceId = Source['id'];

/** Where inline content lives. `paragraph` is the paragraph's index within the section body. */
export type InlinePlace = { part: 'section'; sectionId: string; paragraph: number } | { part: 'timeline'; entryId: string };

/** One citation node: its place and its index in that inline array. */
export type CitationRef = InlinePlace & { index: number };

export interface CitationOccurrence {
  ref: CitationRef;
  citation: Citation;
}

// ---------------------------------------------------------------------------------------------
// Finding inline content

/** An inline array together with what errors and people need to name it. */
interface ResolvedPlace {
  place: InlinePlace;
  inlines: readonly Inline[];
  /** The array's path in the story, for FieldProblem paths: `['sections', 1, 'body', 0, 'content']`. */
  path: readonly (string | number)[];
  /** The place as an editor reads it: `section 2 «Senior Officials Lead Negotiations», paragraph 1`. */
  label: string;
}

/** `«Heading»`, or a plain word when the heading is empty, so that a message never shows `«»`. */
function quoted(text: string, fallback: string): string {
  return text === '' ? fallback : `«${text}»`;
}

function sectionParagraphPlace(section: Section, sectionIndex: number, paragraphIndex: number, inlines: readonly Inline[]): ResolvedPlace {
  return {
    place: { part: 'section', sectionId: section.id, paragraph: paragraphIndex },
    inlines,
    path: ['sections', sectionIndex, 'body', paragraphIndex, 'content'],
    label: `section ${sectionIndex + 1} ${quoted(section.heading, '(untitled)')}, paragraph ${paragraphIndex + 1}`,
  };
}

function timelineEntryPlace(entry: TimelineEntry, entryIndex: number): ResolvedPlace {
  return {
    place: { part: 'timeline', entryId: entry.id },
    inlines: entry.body,
    path: ['timeline', entryIndex, 'body'],
    label: `timeline entry ${entryIndex + 1} «${entry.date.label}»`,
  };
}

/** Every inline array of the story in reading order: sections and their paragraphs, then the timeline. */
function placesInReadingOrder(story: Story): ResolvedPlace[] {
  return [
    ...story.sections.flatMap((section, sectionIndex) =>
      section.body.map((paragraph, paragraphIndex) => sectionParagraphPlace(section, sectionIndex, paragraphIndex, paragraph.content)),
    ),
    ...story.timeline.map(timelineEntryPlace),
  ];
}

function placeProblem(problem: FieldProblem): InvalidInputError {
  return new InvalidInputError('place', [problem]);
}

/** The inline array at `place` with its path and label, or an InvalidInputError naming the place. */
function resolvePlace(story: Story, place: InlinePlace): ResolvedPlace {
  if (place.part === 'timeline') {
    const entryIndex = story.timeline.findIndex((entry) => entry.id === place.entryId);
    const entry = story.timeline[entryIndex];
    if (entry === undefined) {
      throw placeProblem({ path: 'timeline', message: `the story has no timeline entry with the id ${JSON.stringify(place.entryId)}` });
    }
    return timelineEntryPlace(entry, entryIndex);
  }
  const sectionIndex = story.sections.findIndex((section) => section.id === place.sectionId);
  const section = story.sections[sectionIndex];
  if (section === undefined) {
    throw placeProblem({ path: 'sections', message: `the story has no section with the id ${JSON.stringify(place.sectionId)}` });
  }
  const paragraph = Number.isInteger(place.paragraph) ? section.body[place.paragraph] : undefined;
  if (paragraph === undefined) {
    const count = section.body.length;
    throw placeProblem({
      path: formatPath(['sections', sectionIndex, 'body']),
      message:
        `section ${JSON.stringify(section.id)} has no paragraph at index ${String(place.paragraph)} ` +
        `(it has ${count} ${count === 1 ? 'paragraph' : 'paragraphs'})`,
    });
  }
  return sectionParagraphPlace(section, sectionIndex, place.paragraph, paragraph.content);
}

/** The place part of a ref, without its index, so that places built from it do not carry the index along. */
function placeOf(ref: CitationRef): InlinePlace {
  return ref.part === 'section'
    ? { part: 'section', sectionId: ref.sectionId, paragraph: ref.paragraph }
    : { part: 'timeline', entryId: ref.entryId };
}

function refAt(place: InlinePlace, index: number): CitationRef {
  return { ...place, index };
}

/** Every citation node, in reading order (sections in order, paragraphs, then timeline entries). */
export function citationOccurrences(story: Story): CitationOccurrence[] {
  return placesInReadingOrder(story).flatMap(({ place, inlines }) =>
    inlines.flatMap((inline, index) => (inline.type === 'citation' ? [{ ref: refAt(place, index), citation: inline }] : [])),
  );
}

/** Every place a source is cited (reading order). */
export function placesCiting(story: Story, sourceId: string): CitationRef[] {
  return citationOccurrences(story)
    .filter(({ citation }) => citation.sources.includes(sourceId))
    .map(({ ref }) => ref);
}

/** The inline array at a place (throws InvalidInputError naming the place when it does not exist). */
export function inlinesAt(story: Story, place: InlinePlace): readonly Inline[] {
  return resolvePlace(story, place).inlines;
}

/** Source ids that citations point at but that are not in story.sources (dangling), in reading order, each once. */
export function danglingSourceIds(story: Story): string[] {
  const known = new Set(story.sources.map((source) => source.id));
  const cited = citationOccurrences(story).flatMap(({ citation }) => citation.sources);
  return [...new Set(cited.filter((id) => !known.has(id)))];
}

/** The citation a ref points at, or an InvalidInputError that says what is there instead. */
function resolveCitation(story: Story, ref: CitationRef): { resolved: ResolvedPlace; citation: Citation } {
  const resolved = resolvePlace(story, placeOf(ref));
  const node = Number.isInteger(ref.index) ? resolved.inlines[ref.index] : undefined;
  const path = formatPath([...resolved.path, ref.index]);
  if (node === undefined) {
    const count = resolved.inlines.length;
    throw new InvalidInputError('citation reference', [
      { path, message: `${resolved.label} has no inline node at index ${String(ref.index)} (it has ${count})` },
    ]);
  }
  if (node.type !== 'citation') {
    throw new InvalidInputError('citation reference', [{ path, message: `${resolved.label} has a text run at index ${ref.index}, not a citation` }]);
  }
  return { resolved, citation: node };
}

// ---------------------------------------------------------------------------------------------
// Rebuilding a story around changed inline content

/** The story with the inline array at `place` (which must exist) replaced; every other part is shared. */
function withInlinesAt(story: Story, place: InlinePlace, inlines: Inline[]): Story {
  if (place.part === 'timeline') {
    return { ...story, timeline: story.timeline.map((entry) => (entry.id === place.entryId ? { ...entry, body: inlines } : entry)) };
  }
  return {
    ...story,
    sections: story.sections.map((section) =>
      section.id !== place.sectionId
        ? section
        : { ...section, body: section.body.map((paragraph, index) => (index === place.paragraph ? { ...paragraph, content: inlines } : paragraph)) },
    ),
  };
}

/**
 * Applies `change` to every citation of the story. `change` returns the same citation to keep it,
 * a new one to replace it, or `undefined` to drop it. Inline arrays where nothing changed are
 * shared with the input; arrays that lost a node are made canonical again.
 */
function mapCitations(story: Story, change: (citation: Citation) => Citation | undefined): Story {
  const mapInlines = (inlines: Inline[]): Inline[] => {
    let changed = false;
    let dropped = false;
    const next: Inline[] = [];
    for (const inline of inlines) {
      if (inline.type !== 'citation') {
        next.push(inline);
        continue;
      }
      const replacement = change(inline);
      if (replacement !== inline) changed = true;
      if (replacement === undefined) dropped = true;
      else next.push(replacement);
    }
    if (!changed) return inlines;
    return dropped ? canonicalInlines(next) : next;
  };
  const sections = sharedIfSame(
    story.sections,
    story.sections.map((section) => {
      const body = sharedIfSame(
        section.body,
        section.body.map((paragraph) => {
          const content = mapInlines(paragraph.content);
          return content === paragraph.content ? paragraph : { ...paragraph, content };
        }),
      );
      return body === section.body ? section : { ...section, body };
    }),
  );
  const timeline = sharedIfSame(
    story.timeline,
    story.timeline.map((entry) => {
      const body = mapInlines(entry.body);
      return body === entry.body ? entry : { ...entry, body };
    }),
  );
  return { ...story, sections, timeline };
}

/** `original` when `mapped` holds the very same items, so that unchanged parts stay shared. */
function sharedIfSame<T>(original: T[], mapped: T[]): T[] {
  return mapped.every((item, index) => item === original[index]) ? original : mapped;
}

/** Marks compare as sets: `[bold, italic]` and `[italic, bold]` format text the same way, as do `[]` and none. */
function sameMarks(a: readonly Mark[] = [], b: readonly Mark[] = []): boolean {
  const key = (mark: Mark) => (mark.type === 'link' ? `link ${mark.href}` : mark.type);
  const keys = new Set(a.map(key));
  return a.length === b.length && b.every((mark) => keys.has(key(mark)));
}

/**
 * Joins neighbouring text runs with the same marks (the first run's marks are kept) and drops
 * empty runs, so that the content reads as one run wherever the editor would show one.
 */
function canonicalInlines(inlines: readonly Inline[]): Inline[] {
  const result: Inline[] = [];
  for (const inline of inlines) {
    if (inline.type === 'text' && inline.text === '') continue;
    const previous = result.at(-1);
    if (inline.type === 'text' && previous?.type === 'text' && sameMarks(previous.marks, inline.marks)) {
      result[result.length - 1] = { ...previous, text: previous.text + inline.text };
    } else {
      result.push(inline);
    }
  }
  return result;
}

/** A part of a text run, with its own copy of the marks, so that the two halves of a split share nothing. */
function slicedRun(run: TextRun, start: number, end?: number): TextRun {
  const text = run.text.slice(start, end);
  return run.marks === undefined ? { type: 'text', text } : { type: 'text', text, marks: run.marks.map((mark) => ({ ...mark })) };
}

/** `ids` once each, first occurrence first. */
function unique(ids: readonly SourceId[]): SourceId[] {
  return [...new Set(ids)];
}

/**
 * `ids` deduplicated, or an InvalidInputError when the list is empty or names a source the story
 * does not have. Citing an unknown id would create the very dangling reference review flags.
 */
function knownSourceIds(story: Story, ids: readonly SourceId[], what: string): SourceId[] {
  const known = new Set(story.sources.map((source) => source.id));
  const problems: FieldProblem[] =
    ids.length === 0
      ? [{ path: 'sourceIds', message: 'a citation cites at least one source' }]
      : ids.flatMap((id, index) => (known.has(id) ? [] : [{ path: `sourceIds[${index}]`, message: `no source has the id ${JSON.stringify(id)}` }]));
  if (problems.length > 0) throw new InvalidInputError(what, problems);
  return unique(ids);
}

/**
 * The character (grapheme cluster: an emoji flag, a letter with its accents) that `offset` falls
 * inside, or undefined at a boundary. A citation there would split what a reader sees as one
 * character, and between the halves of a surrogate pair it would leave text that is not valid
 * Unicode and cannot be exported byte for byte.
 */
function characterAround(text: string, offset: number): string | undefined {
  if (offset === 0 || offset === text.length) return undefined;
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const segment = segmenter.segment(text).containing(offset);
  return segment !== undefined && segment.index !== offset ? segment.segment : undefined;
}

// ---------------------------------------------------------------------------------------------
// Citations

/**
 * Inserts a citation of `sourceIds` at character `offset` of the place's text (UTF-16 units of
 * text runs; citations count as zero width), splitting a text run if needed (both halves keep
 * their marks). If a citation node already touches that offset (immediately before or after
 * it), its source list gains the new ids instead (no duplicates): one marker cites several
 * sources. Where several citation nodes sit side by side at the offset, ids that any of them
 * already cites are skipped and the rest join the first of them; when nothing is left to add,
 * the story comes back unchanged (an equal copy).
 *
 * Throws InvalidInputError for unknown source ids, an empty list, or an offset outside 0..text
 * length, and for an offset inside a character as readers see it (a grapheme cluster such as an
 * emoji flag or a letter with a combining accent), which a citation would cut in two.
 */
export function attachCitation(story: Story, place: InlinePlace, offset: number, sourceIds: readonly string[]): Story {
  const { inlines } = resolvePlace(story, place);
  const ids = knownSourceIds(story, sourceIds, 'citation');
  const text = inlineText(inlines);
  if (!Number.isInteger(offset) || offset < 0 || offset > text.length) {
    throw new InvalidInputError('citation', [
      { path: 'offset', message: `must be a whole number from 0 to ${text.length} (the length of the text), not ${String(offset)}` },
    ]);
  }
  const character = characterAround(text, offset);
  if (character !== undefined) {
    throw new InvalidInputError('citation', [
      { path: 'offset', message: `${offset} falls inside the character ${JSON.stringify(character)}, which a citation cannot split` },
    ]);
  }

  // `index` becomes the node where the offset falls: the run that contains it, or the first node
  // that starts exactly there. `position` is the length of the text before that node.
  let position = 0;
  let index = 0;
  for (const node of inlines) {
    if (position === offset) break;
    if (node.type === 'text') {
      if (position + node.text.length > offset) break;
      position += node.text.length;
    }
    index += 1;
  }
  // Citations are zero width, so those touching the offset are the ones side by side from `index`.
  const touching: { at: number; citation: Citation }[] = [];
  if (position === offset) {
    for (const [at, node] of inlines.slice(index).entries()) {
      if (node.type !== 'citation') break;
      touching.push({ at: index + at, citation: node });
    }
  }

  const first = touching[0];
  if (first !== undefined) {
    const cited = new Set(touching.flatMap(({ citation }) => citation.sources));
    const added = ids.filter((id) => !cited.has(id));
    if (added.length === 0) return { ...story };
    const extended: Citation = { ...first.citation, sources: [...first.citation.sources, ...added] };
    return withInlinesAt(story, place, inlines.map((inline, at) => (at === first.at ? extended : inline)));
  }

  const citation: Citation = { type: 'citation', sources: ids };
  const node = inlines[index];
  if (node?.type === 'text' && position < offset) {
    // The offset falls inside this run: split it around the new citation.
    const cut = offset - position;
    const next = [...inlines.slice(0, index), slicedRun(node, 0, cut), citation, slicedRun(node, cut), ...inlines.slice(index + 1)];
    return withInlinesAt(story, place, next);
  }
  return withInlinesAt(story, place, [...inlines.slice(0, index), citation, ...inlines.slice(index)]);
}

/**
 * Removes `sourceId` from the citation at `ref` (the whole node when omitted, or when it was the
 * last source). The id need not name a known source, so that dangling references can be
 * cleared; it must be one the citation cites.
 */
export function detachCitation(story: Story, ref: CitationRef, sourceId?: string): Story {
  const { resolved, citation } = resolveCitation(story, ref);
  if (sourceId !== undefined && !citation.sources.includes(sourceId)) {
    throw new InvalidInputError('citation', [
      { path: formatPath([...resolved.path, ref.index, 'sources']), message: `the citation does not cite ${JSON.stringify(sourceId)}` },
    ]);
  }
  const remaining = sourceId === undefined ? [] : citation.sources.filter((id) => id !== sourceId);
  if (remaining.length > 0) {
    const next = resolved.inlines.map((inline, at) => (at === ref.index ? { ...citation, sources: remaining } : inline));
    return withInlinesAt(story, resolved.place, next);
  }
  const next = canonicalInlines(resolved.inlines.filter((_, at) => at !== ref.index));
  return withInlinesAt(story, resolved.place, next);
}

/** Replaces the citation's sources with `sourceIds` (non-empty, known ids, deduplicated, order kept). */
export function replaceCitation(story: Story, ref: CitationRef, sourceIds: readonly string[]): Story {
  const { resolved, citation } = resolveCitation(story, ref);
  const ids = knownSourceIds(story, sourceIds, 'citation');
  const next = resolved.inlines.map((inline, at) => (at === ref.index ? { ...citation, sources: ids } : inline));
  return withInlinesAt(story, resolved.place, next);
}

// ---------------------------------------------------------------------------------------------
// Sources

/** No problems when the story has a source with `id`; otherwise one, naming the argument that held it. */
function sourceProblem(story: Story, argument: string, id: string): FieldProblem[] {
  return story.sources.some((source) => source.id === id) ? [] : [{ path: argument, message: `no source has the id ${JSON.stringify(id)}` }];
}

/**
 * The survivor with every optional field it lacks taken from the merged source: the survivor's own
 * values win, and it is `cited` if either was, so that a merge never hides a cited source.
 */
function mergedSource(survivor: Source, merged: Source): Source {
  // Generic over the fields, so that a field added to SourceSchema is merged without a change here;
  // both inputs are Sources, so the result has a Source's shape.
  const result: Record<string, unknown> = { ...survivor };
  for (const [key, value] of Object.entries(merged)) {
    if (result[key] === undefined && value !== undefined) result[key] = value;
  }
  const role = survivor.role === 'cited' || merged.role === 'cited' ? 'cited' : survivor.role;
  return { ...(result as Source), id: survivor.id, role };
}

/**
 * Merges `mergedId` into `survivorId`: every reference to mergedId moves to the survivor (a
 * citation citing both keeps the survivor once, in the position of its first occurrence), the
 * merged source is removed from the list, and the survivor's missing optional fields are filled
 * from the merged one (survivor's own values win; role becomes 'cited' if either was cited).
 * The survivor keeps its place in the sources list. Throws InvalidInputError for unknown ids or
 * survivorId === mergedId.
 */
export function mergeSources(story: Story, survivorId: string, mergedId: string): Story {
  const survivor = story.sources.find((source) => source.id === survivorId);
  const merged = story.sources.find((source) => source.id === mergedId);
  const problems = [...sourceProblem(story, 'survivorId', survivorId), ...sourceProblem(story, 'mergedId', mergedId)];
  if (problems.length === 0 && survivorId === mergedId) problems.push({ path: 'mergedId', message: 'a source cannot be merged into itself' });
  if (problems.length > 0 || survivor === undefined || merged === undefined) throw new InvalidInputError('source merge', problems);

  const recited = mapCitations(story, (citation) =>
    citation.sources.includes(mergedId)
      ? { ...citation, sources: unique(citation.sources.map((id) => (id === mergedId ? survivorId : id))) }
      : citation,
  );
  return {
    ...recited,
    sources: story.sources
      .filter((source) => source.id !== mergedId)
      .map((source) => (source === survivor ? mergedSource(survivor, merged) : source)),
  };
}

/**
 * Refuses to delete a source that text still cites, listing every place, so that the editor can
 * decide (DESIGN §8: deleting a cited source is one of the few decisions that gets a dialog).
 */
export class SourceInUseError extends InvalidInputError {
  readonly sourceId: string;
  readonly places: CitationRef[];

  constructor(story: Story, sourceId: string, places: CitationRef[]) {
    const problems = places.map((ref): FieldProblem => {
      const resolved = resolvePlace(story, placeOf(ref));
      return { path: formatPath([...resolved.path, ref.index]), message: `cited in ${resolved.label}` };
    });
    super(`deletion of source ${JSON.stringify(sourceId)}, which is still cited`, problems);
    this.name = 'SourceInUseError';
    this.sourceId = sourceId;
    this.places = places;
    // Carried in the payload too, so that a transport's far side can still show the places.
    Object.assign(this.details, { sourceId, places });
  }
}

/**
 * Deletes a source. While it is cited: throws SourceInUseError listing every place, unless
 * `removeCitations: true`, in which case the source is removed from every citation (nodes left
 * empty disappear) and then deleted. Unknown id → InvalidInputError.
 */
export function deleteSource(story: Story, sourceId: string, options: { removeCitations?: boolean } = {}): Story {
  const problems = sourceProblem(story, 'sourceId', sourceId);
  if (problems.length > 0) throw new InvalidInputError('source deletion', problems);
  const places = placesCiting(story, sourceId);
  if (places.length > 0 && options.removeCitations !== true) throw new SourceInUseError(story, sourceId, places);

  const uncited =
    places.length === 0
      ? story
      : mapCitations(story, (citation) => {
          if (!citation.sources.includes(sourceId)) return citation;
          const sources = citation.sources.filter((id) => id !== sourceId);
          return sources.length === 0 ? undefined : { ...citation, sources };
        });
  return { ...uncited, sources: story.sources.filter((source) => source.id !== sourceId) };
}
