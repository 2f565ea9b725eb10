/**
 * Structural edits of a story, as the editor makes them: adding, moving and deleting sections,
 * sources and timeline entries. Each is a pure function that returns a new story and shares
 * every part it did not change, so that the editor's undo history holds whole stories cheaply
 * and unchanged parts are not drawn again. Edits that touch citations (merging and deleting
 * sources, attaching citations) live in citation-edits.ts.
 */
import { InvalidInputError } from './errors';
import type { Inline, Paragraph, Section, Source, Story, TimelineEntry } from './model';
import { sortTimeline, timelineEntryDate, type TimelineDirection } from './timeline-dates';

/** The three lists of a story whose items have ids and a manual order. */
export type StoryList = 'sections' | 'sources' | 'timeline';

type ItemOf<L extends StoryList> = Story[L][number];

const LIST_NAMES: Record<StoryList, string> = { sections: 'section', sources: 'source', timeline: 'timeline entry' };

/**
 * A fresh id for a new part, unique within the story: `section-k3x9p2`. Random rather than
 * counted, so that two windows adding a part at once do not pick the same id.
 */
export function newPartId(story: Story, prefix: 'section' | 'source' | 'entry'): string {
  const taken = new Set([...story.sections, ...story.sources, ...story.timeline].map((item) => item.id));
  for (;;) {
    const id = `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
    if (!taken.has(id)) return id;
  }
}

function indexOf(story: Story, list: StoryList, id: string): number {
  const index = story[list].findIndex((item) => item.id === id);
  if (index === -1) {
    throw new InvalidInputError(`${LIST_NAMES[list]} edit`, [{ path: list, message: `the story has no ${LIST_NAMES[list]} with the id ${JSON.stringify(id)}` }]);
  }
  return index;
}

function withList<L extends StoryList>(story: Story, list: L, items: ItemOf<L>[]): Story {
  return { ...story, [list]: items };
}

/** Inserts `item` at `index` (clamped to the list; the end when absent). */
export function insertItem<L extends StoryList>(story: Story, list: L, item: ItemOf<L>, index?: number): Story {
  const items = [...story[list]] as ItemOf<L>[];
  const at = index === undefined ? items.length : Math.max(0, Math.min(items.length, index));
  items.splice(at, 0, item);
  return withList(story, list, items);
}

/** Removes the item with `id`. Sources go through citation-edits' deleteSource, which guards citations. */
export function removeItem(story: Story, list: 'sections' | 'timeline', id: string): Story {
  const index = indexOf(story, list, id);
  return withList(
    story,
    list,
    (story[list] as ItemOf<typeof list>[]).filter((_, at) => at !== index),
  );
}

/** Moves the item with `id` to `toIndex` (clamped); the story comes back unchanged when it is already there. */
export function moveItem(story: Story, list: StoryList, id: string, toIndex: number): Story {
  const from = indexOf(story, list, id);
  const items = [...story[list]] as ItemOf<typeof list>[];
  const to = Math.max(0, Math.min(items.length - 1, toIndex));
  if (from === to) return story;
  const [item] = items.splice(from, 1);
  items.splice(to, 0, item as ItemOf<typeof list>);
  return withList(story, list, items);
}

/** Replaces the item with the same id as `item`; every other item stays shared. */
export function replaceItem<L extends StoryList>(story: Story, list: L, item: ItemOf<L>): Story {
  const index = indexOf(story, list, item.id);
  return withList(
    story,
    list,
    (story[list] as ItemOf<L>[]).map((existing, at) => (at === index ? item : existing)),
  );
}

/** Changes one item through `change`; the story comes back unchanged when `change` returns the same item. */
export function updateItem<L extends StoryList>(story: Story, list: L, id: string, change: (item: ItemOf<L>) => ItemOf<L>): Story {
  const index = indexOf(story, list, id);
  const before = story[list][index] as ItemOf<L>;
  const after = change(before);
  return after === before ? story : replaceItem(story, list, after);
}

export function emptySection(story: Story): Section {
  return { id: newPartId(story, 'section'), heading: '', body: [] };
}

export function emptySource(story: Story, fields: Partial<Omit<Source, 'id'>> = {}): Source {
  return { id: newPartId(story, 'source'), role: 'cited', ...fields };
}

export function emptyTimelineEntry(story: Story, label = ''): TimelineEntry {
  // A label cannot be empty in a saved story: the editor marks the field until one is typed.
  return { id: newPartId(story, 'entry'), date: { label }, body: [] };
}

/** The section body with paragraph `index` replaced by `content`. */
export function withParagraph(body: readonly Paragraph[], index: number, content: Inline[]): Paragraph[] {
  return body.map((paragraph, at) => (at === index ? { ...paragraph, content } : paragraph));
}

/**
 * A timeline date for a typed label: the label exactly as typed, and its EDTF form when the label
 * can be read (against the story's date, for relative labels such as "Friday").
 */
export function timelineDateFor(label: string, referenceDate?: string): TimelineEntry['date'] {
  const read = timelineEntryDate({ label }, referenceDate === undefined ? {} : { referenceDate });
  return read.ok ? { label, edtf: read.edtf } : { label };
}

/**
 * The timeline sorted by date, oldest first unless `direction` says otherwise (the story's
 * coverage rules may): stable, and entries whose date cannot be read keep their place. The story
 * comes back unchanged when the timeline is in order already.
 */
export function sortTimelineByDate(story: Story, referenceDate?: string, direction: TimelineDirection = 'oldest-first'): Story {
  const sorted = sortTimeline(story.timeline, referenceDate === undefined ? { direction } : { referenceDate, direction });
  return sorted.every((entry, index) => entry === story.timeline[index]) ? story : { ...story, timeline: sorted };
}
