/**
 * The display numbers of the open story's sources, for the citation chips in the editor. Text
 * names sources by id; the numbers follow the story's numbering policy (shared/citations.ts), so
 * reordering sources or switching the policy renumbers every chip at once without touching text.
 *
 * Kept outside React: chips are ProseMirror node views, which subscribe here and change their own
 * text only when their number changes. It is recomputed when what numbers depend on changes: the
 * sources, the policy and style, and which sources the text cites in what order.
 */
import { create } from 'zustand';
import { citationMarker, citationNumbers } from '../../shared/citations';
import type { Citation, CitationStyle, Inline, Source, Story } from '../../shared/model';
import { sourceName } from '../../shared/source-fields';
import { useStoryEditor } from '../story-state';

interface CitationNumbering {
  numbers: ReadonlyMap<string, number>;
  /**
   * Where the text cites what, as one string: it changes when a citation is added, removed or
   * moved (to another paragraph or inline position), not when text is typed around citations.
   */
  layout: string;
  style: CitationStyle;
  sources: ReadonlyMap<string, Source>;
}

export const useCitationNumbering = create<CitationNumbering>(() => ({ numbers: new Map(), layout: '', style: 'separate', sources: new Map() }));

/** The marker a citation shows now: `[2][5]`, or `[?]` for a source the story no longer has. */
export function markerOf(sources: readonly string[], numbering: CitationNumbering = useCitationNumbering.getState()): string {
  const citation: Citation = { type: 'citation', sources: sources.length > 0 ? [...sources] : ['?'] };
  return citationMarker(citation, numbering.numbers, numbering.style);
}

/** What a chip says about its sources, for a tooltip and screen readers: "Source 2: Title — Outlet". */
export function describeCitation(sources: readonly string[], numbering: CitationNumbering = useCitationNumbering.getState()): string {
  return sources
    .map((id) => {
      const source = numbering.sources.get(id);
      if (!source) return 'A source this story no longer has';
      const number = numbering.numbers.get(id);
      const details = [source['container-title'], source.issued].filter(Boolean).join(', ');
      return `Source ${number ?? '?'}: ${sourceName(source)}${details ? ` — ${details}` : ''}`;
    })
    .join('; ');
}

function sameNumbers(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, number] of a) if (b.get(id) !== number) return false;
  return true;
}

/**
 * Where a part cites what, as one string: each paragraph's citations with their inline positions.
 * Kept per part object, so that after a keystroke only the part typed in is read again (a
 * story's other parts keep their identity).
 */
const citedIn = new WeakMap<object, string>();

function citationsOf(part: { body: readonly Inline[] } | { body: readonly { content: readonly Inline[] }[] }): string {
  let signature = citedIn.get(part);
  if (signature !== undefined) return signature;
  const paragraphs: string[] = [];
  const collect = (inlines: readonly Inline[]) => {
    const cited: string[] = [];
    inlines.forEach((inline, index) => {
      if (inline.type === 'citation') cited.push(`${index}:${inline.sources.join(' ')}`);
    });
    paragraphs.push(cited.join(','));
  };
  const items = part.body as readonly (Inline | { content: readonly Inline[] })[];
  if (items.length > 0 && 'content' in (items[0] as object)) for (const paragraph of items as { content: readonly Inline[] }[]) collect(paragraph.content);
  else collect(items as Inline[]);
  signature = paragraphs.join('|');
  citedIn.set(part, signature);
  return signature;
}

/** What numbers depend on in the text: which sources are cited where, in reading order. */
function citationSignature(story: Story): string {
  return [...story.sections.map(citationsOf), ...story.timeline.map(citationsOf)].join(';');
}

let numbered: { story: Story; signature: string } | null = null;

function follow(story: Story | null): void {
  if (!story) {
    numbered = null;
    return;
  }
  const before = numbered?.story;
  const textSame = before !== undefined && before.sections === story.sections && before.timeline === story.timeline;
  // Cited sources number before uncited ones under every policy, so a citation added or removed
  // anywhere can renumber; text typed without touching a citation cannot.
  const signature = textSame && numbered ? numbered.signature : citationSignature(story);
  const unchanged =
    before !== undefined &&
    before.id === story.id &&
    before.sources === story.sources &&
    before.citationOrder === story.citationOrder &&
    before.citationStyle === story.citationStyle &&
    signature === numbered?.signature;
  numbered = { story, signature };
  const layout = `${story.id}\n${signature}`;
  if (layout !== useCitationNumbering.getState().layout) useCitationNumbering.setState({ layout });
  if (unchanged) return;
  const numbers = citationNumbers(story);
  const current = useCitationNumbering.getState();
  const sources = before?.sources === story.sources && before.id === story.id ? current.sources : new Map(story.sources.map((source) => [source.id, source]));
  if (sameNumbers(current.numbers, numbers) && current.style === story.citationStyle && current.sources === sources) return;
  useCitationNumbering.setState({ numbers, style: story.citationStyle, sources });
}

follow(useStoryEditor.getState().story);
useStoryEditor.subscribe((state) => follow(state.story));
