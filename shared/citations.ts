/**
 * Citation display numbers (DESIGN §3): text points at sources by id, and the numbers readers
 * see are derived here from the story's `citationOrder`, so reordering never rewrites text.
 */
import type { Citation, CitationStyle, Inline, Source, Story } from './model';

type SourceId = Source['id'];
type NumberedStory = Pick<Story, 'sections' | 'sources' | 'timeline' | 'citationOrder'>;

/** Every citation node of the story, in reading order: sections, then the timeline. */
export function citationsInReadingOrder(story: Pick<Story, 'sections' | 'timeline'>): Citation[] {
  // Plain loops: this runs on every keystroke's review, over stories of thousands of nodes.
  const citations: Citation[] = [];
  const collect = (content: readonly Inline[]) => {
    for (const inline of content) if (inline.type === 'citation') citations.push(inline);
  };
  for (const section of story.sections) for (const paragraph of section.body) collect(paragraph.content);
  for (const entry of story.timeline) collect(entry.body);
  return citations;
}

/**
 * Newest first by `issued`; undated sources last. Partial ISO dates compare as strings, which
 * puts `2026-02-02` before `2026` (a day in the year before the year as a whole). The sort is
 * stable, so ties keep the order of the sources list.
 */
function byNewestFirst(sources: readonly Source[]): Source[] {
  return [...sources].sort((a, b) => {
    if (a.issued === b.issued) return 0;
    if (a.issued === undefined) return 1;
    if (b.issued === undefined) return -1;
    return a.issued < b.issued ? 1 : -1;
  });
}

function byFirstAppearance(story: NumberedStory): Source[] {
  const known = new Map(story.sources.map((source) => [source.id, source]));
  const ordered = new Map<SourceId, Source>();
  for (const citation of citationsInReadingOrder(story)) {
    for (const id of citation.sources) {
      const source = known.get(id);
      if (source && !ordered.has(id)) ordered.set(id, source);
    }
  }
  return [...ordered.values(), ...story.sources.filter((source) => !ordered.has(source.id))];
}

/**
 * The display number of every source, 1-based, by the story's citation order: `newest-first`
 * (by `issued`, undated last), `first-appearance` (reading order) or `manual` (the sources
 * list). Under every order, sources cited nowhere number after the cited ones (keeping their
 * relative order), so the numbers that appear in the text run from 1 without gaps.
 */
export function citationNumbers(story: NumberedStory): Map<SourceId, number> {
  const ordered =
    story.citationOrder === 'newest-first'
      ? byNewestFirst(story.sources)
      : story.citationOrder === 'first-appearance'
        ? byFirstAppearance(story)
        : [...story.sources];
  const cited = new Set<SourceId>();
  for (const citation of citationsInReadingOrder(story)) for (const id of citation.sources) cited.add(id);
  const numbered = [...ordered.filter((source) => cited.has(source.id)), ...ordered.filter((source) => !cited.has(source.id))];
  return new Map(numbered.map((source, index) => [source.id, index + 1]));
}

/**
 * The visible marker of one citation, without the space before it: `[2][5]` (separate) or
 * `[2, 5]` (combined), numbers ascending whatever order the citation lists its sources in.
 * An id that names no source (a dangling citation) shows as `?`, after the numbers.
 */
export function citationMarker(citation: Citation, numbers: ReadonlyMap<SourceId, number>, style: CitationStyle): string {
  const found = citation.sources.flatMap((id) => numbers.get(id) ?? []).sort((a, b) => a - b);
  const dangling = citation.sources.filter((id) => !numbers.has(id)).map(() => '?');
  const labels = [...found.map(String), ...dangling];
  return style === 'combined' ? `[${labels.join(', ')}]` : labels.map((label) => `[${label}]`).join('');
}
