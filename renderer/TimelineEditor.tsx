/**
 * The story's timeline: its entries in the order the page shows them, each a date label (said
 * back as it was read while it is typed) and a line of text with citations. Entries are added,
 * deleted, moved by drag, by Alt+↑/↓ or with their buttons, and sorted by date; entries whose
 * place contradicts their date are marked where they stand, each with what it contradicts.
 *
 * The huge story has a thousand entries, so a row is cheap: rows are memoised on their entry
 * object and a few flags, the callbacks they get are stable (they take the entry's id), the
 * reading of each label is computed once per label, and the order check once per timeline.
 */
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type Modifier,
  type ScreenReaderInstructions,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS as cssTransform } from '@dnd-kit/utilities';
import { memo, useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { flushSync } from 'react-dom';
import { storyReferenceDate } from '../shared/coverage';
import type { Paragraph, TimelineEntry } from '../shared/model';
import { emptyTimelineEntry, insertItem, moveItem, removeItem, sortTimelineByDate, timelineDateFor, updateItem } from '../shared/story-edits';
import { parseTimelineDate, timelineEntryDate, timelineOrderProblems } from '../shared/timeline-dates';
import { RichText, type RichTextHandle } from './editor/RichText';
import { registerReveal, setActivePart } from './editor/reveal';
import { plural } from './format';
import { editStory, useStoryEditor } from './story-state';
import './timeline.css';

// ---------------------------------------------------------------------------------------------
// Edits. Each takes the entry's id, so that rows can share one function and stay memoised.

/** Index of the entry in the draft's timeline, or -1 when it is gone. */
function entryIndex(id: string): number {
  return useStoryEditor.getState().story?.timeline.findIndex((entry) => entry.id === id) ?? -1;
}

function editLabel(id: string, label: string): void {
  editStory(
    (story) => updateItem(story, 'timeline', id, (entry) => ({ ...entry, date: timelineDateFor(label, storyReferenceDate(story)) })),
    { coalesce: `timeline:${id}:date` },
  );
}

/** An entry's text is one paragraph: the rich-text field gives back paragraphs, of which the first is kept. */
function editBody(id: string, paragraphs: Paragraph[]): void {
  editStory((story) => updateItem(story, 'timeline', id, (entry) => ({ ...entry, body: paragraphs[0]?.content ?? [] })), { coalesce: `timeline:${id}:body` });
}

/**
 * Moves the entry, one undo step, and keeps the focus where it was: moving a row in the page can
 * take the focus from the element being moved, and the editor is still working on that entry.
 */
function moveEntry(id: string, toIndex: number): void {
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const selection = focused instanceof HTMLInputElement ? ([focused.selectionStart, focused.selectionEnd] as const) : null;
  flushSync(() => editStory((story) => moveItem(story, 'timeline', id, toIndex)));
  if (!focused || !focused.isConnected) return;
  // A Move up button that is now the first entry's is disabled: its partner takes the focus.
  const target = focused instanceof HTMLButtonElement && focused.disabled ? (focused.closest('.entry-actions')?.querySelector<HTMLButtonElement>('.move:not(:disabled)') ?? focused) : focused;
  if (document.activeElement !== target) target.focus({ preventScroll: true });
  if (selection && target instanceof HTMLInputElement) target.setSelectionRange(selection[0], selection[1]);
  target.scrollIntoView({ block: 'nearest' });
}

function moveEntryBy(id: string, step: -1 | 1): void {
  const index = entryIndex(id);
  if (index !== -1) moveEntry(id, index + step);
}

/** Alt+↑ and Alt+↓ move the entry that has the focus (its date, its text, its handle), as in Sections. */
function onMoveKey(event: KeyboardEvent, id: string): void {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
  event.preventDefault();
  // Before the text editor sees it: Alt+arrows move the entry, not the cursor.
  event.stopPropagation();
  moveEntryBy(id, event.key === 'ArrowUp' ? -1 : 1);
}

// ---------------------------------------------------------------------------------------------
// Focus, by entry id: rows are found in the page rather than held in a map of refs.

function rowOf(list: HTMLElement | null, id: string): HTMLElement | null {
  return list?.querySelector<HTMLElement>(`li[data-entry-id="${CSS.escape(id)}"]`) ?? null;
}

function focusLabel(list: HTMLElement | null, id: string): void {
  const input = rowOf(list, id)?.querySelector<HTMLInputElement>('input.entry-date-input');
  input?.focus();
}

// ---------------------------------------------------------------------------------------------
// Dragging

const sortableKeys = (timeline: readonly TimelineEntry[]): string[] => timeline.map((entry) => entry.id);

/** Entries move up and down only; a sideways drift of the pointer is ignored. */
const verticalOnly: Modifier = ({ transform }) => ({ ...transform, x: 0 });

const SCREEN_READER_INSTRUCTIONS: ScreenReaderInstructions = {
  draggable:
    'To move this entry one place, press Alt+Up Arrow or Alt+Down Arrow. To move it further, press Space to pick it up, the arrow keys to move it, Space to drop it, or Escape to put it back.',
};

/** "entry 3 «Dec 4, 2025»", from the draft as it is now (dnd-kit calls these during a drag). */
function entryName(id: UniqueIdentifier): string {
  const timeline = useStoryEditor.getState().story?.timeline ?? [];
  const index = timeline.findIndex((entry) => entry.id === id);
  const label = timeline[index]?.date.label.trim();
  return `entry ${index + 1}${label ? ` «${label}»` : ''}`;
}

function position(id: UniqueIdentifier): number {
  return entryIndex(String(id)) + 1;
}

const ANNOUNCEMENTS: Announcements = {
  onDragStart: ({ active }) => `Picked up ${entryName(active.id)}.`,
  onDragOver: ({ active, over }) => (over ? `${entryName(active.id)} is over position ${position(over.id)}.` : `${entryName(active.id)} is outside the timeline.`),
  onDragEnd: ({ active, over }) => (over ? `Moved ${entryName(active.id)}.` : `Put ${entryName(active.id)} back.`),
  onDragCancel: ({ active }) => `Put ${entryName(active.id)} back.`,
};

function onDragEnd({ active, over }: DragEndEvent): void {
  if (!over || active.id === over.id) return;
  const to = entryIndex(String(over.id));
  if (to !== -1) editStory((story) => moveItem(story, 'timeline', String(active.id), to));
}

// ---------------------------------------------------------------------------------------------
// The timeline

/** The entry just deleted, offered back until it is restored or another entry goes. */
interface Deleted {
  storyId: string;
  entry: TimelineEntry;
  index: number;
}

export function TimelineEditor({ readOnly }: { readOnly: boolean }) {
  const storyId = useStoryEditor((state) => state.story?.id);
  const timeline = useStoryEditor((state) => state.story?.timeline);
  const referenceDate = useStoryEditor((state) => (state.story ? storyReferenceDate(state.story) : undefined));
  const problems = useStoryEditor((state) => state.problems);
  const [deleted, setDeleted] = useState<Deleted | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const addButtonRef = useRef<HTMLButtonElement>(null);
  const headingId = useId();
  const summaryId = useId();
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));

  const orderProblems = useMemo(() => {
    const byIndex = new Map<number, string>();
    if (!timeline) return byIndex;
    const options = referenceDate === undefined ? {} : { referenceDate };
    for (const problem of timelineOrderProblems(timeline, options)) byIndex.set(problem.index, problem.message);
    return byIndex;
  }, [timeline, referenceDate]);
  const unread = useMemo(() => {
    const options = referenceDate === undefined ? {} : { referenceDate };
    return timeline?.filter((entry) => entry.date.label !== '' && !timelineEntryDate(entry.date, options).ok).length ?? 0;
  }, [timeline, referenceDate]);
  const keys = useMemo(() => sortableKeys(timeline ?? []), [timeline]);

  const addEntry = useCallback((afterId?: string) => {
    let added: string | undefined;
    flushSync(() =>
      editStory((story) => {
        const entry = emptyTimelineEntry(story);
        added = entry.id;
        const after = afterId === undefined ? -1 : story.timeline.findIndex((existing) => existing.id === afterId);
        return insertItem(story, 'timeline', entry, after === -1 ? undefined : after + 1);
      }),
    );
    if (added) focusLabel(listRef.current, added);
  }, []);

  const deleteEntry = useCallback((id: string) => {
    const story = useStoryEditor.getState().story;
    const index = entryIndex(id);
    const entry = story?.timeline[index];
    if (!story || !entry) return;
    const next = story.timeline[index + 1] ?? story.timeline[index - 1];
    flushSync(() => {
      editStory((current) => removeItem(current, 'timeline', id));
      setDeleted({ storyId: story.id, entry, index });
    });
    if (next) focusLabel(listRef.current, next.id);
    else addButtonRef.current?.focus();
  }, []);

  const restoreDeleted = () => {
    if (!deleted) return;
    const { entry, index } = deleted;
    flushSync(() => {
      editStory((story) => (story.timeline.some((existing) => existing.id === entry.id) ? story : insertItem(story, 'timeline', entry, index)));
      setDeleted(null);
    });
    focusLabel(listRef.current, entry.id);
  };

  const sortByDate = () => {
    if (orderProblems.size === 0) return;
    editStory((story) => sortTimelineByDate(story, storyReferenceDate(story)));
  };

  if (!timeline || storyId === undefined) return null;
  const shownDeleted = deleted && deleted.storyId === storyId && !timeline.some((entry) => entry.id === deleted.entry.id) ? deleted : null;
  const outOfOrder = orderProblems.size;

  return (
    <section className="timeline-editor" aria-labelledby={headingId}>
      <h2 id={headingId}>Timeline</h2>
      {timeline.length === 0 ? (
        <p className="hint">No entries yet. Each entry is a date, written as the page should show it, and a line of text with its citations.</p>
      ) : (
        <div className="timeline-summary">
          <p className={outOfOrder > 0 ? 'out-of-order' : undefined}>
            <span id={summaryId}>
              {outOfOrder > 0 ? `${plural(outOfOrder, 'entry is', 'entries are')} out of date order` : `${plural(timeline.length, 'entry', 'entries')}, in date order`}
            </span>
            {readOnly ? '.' : outOfOrder > 0 ? ' — ' : '. '}
            {readOnly ? null : (
              <button type="button" aria-disabled={outOfOrder === 0 ? true : undefined} aria-describedby={summaryId} onClick={sortByDate}>
                Sort by date
              </button>
            )}
          </p>
          {unread > 0 ? <p className="hint">{`${plural(unread, 'date')} cannot be read; ${unread === 1 ? 'it keeps its' : 'they keep their'} place when sorting.`}</p> : null}
        </div>
      )}
      <DndContext
        sensors={sensors}
        collisionDetection={closestCenter}
        modifiers={[verticalOnly]}
        accessibility={{ announcements: ANNOUNCEMENTS, screenReaderInstructions: SCREEN_READER_INSTRUCTIONS }}
        onDragEnd={onDragEnd}
      >
        <SortableContext items={keys} strategy={verticalListSortingStrategy} disabled={readOnly}>
          <ol className="timeline-entries" ref={listRef} aria-label="Timeline entries, in page order">
            {timeline.map((entry, index) => (
              <EntryRow
                key={entry.id}
                entry={entry}
                index={index}
                isLast={index === timeline.length - 1}
                referenceDate={referenceDate}
                orderProblem={orderProblems.get(index)}
                labelProblem={problems[`timeline[${index}].date.label`]}
                readOnly={readOnly}
                onAddBelow={addEntry}
                onDelete={deleteEntry}
              />
            ))}
          </ol>
        </SortableContext>
      </DndContext>
      <p className="timeline-notice" role="status">
        {shownDeleted ? (
          <>
            Deleted entry {shownDeleted.index + 1}
            {shownDeleted.entry.date.label.trim() ? ` «${shownDeleted.entry.date.label.trim()}»` : ''}.{' '}
            <button type="button" onClick={restoreDeleted}>
              Undo
            </button>
          </>
        ) : null}
      </p>
      {readOnly ? null : (
        <button type="button" ref={addButtonRef} onClick={() => addEntry()}>
          Add entry
        </button>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// One entry

interface EntryRowProps {
  entry: TimelineEntry;
  index: number;
  isLast: boolean;
  referenceDate: string | undefined;
  /** Why the entry's place contradicts its date, when it does. */
  orderProblem: string | undefined;
  /** Why the label keeps the story from being saved (it is empty), from the model check. */
  labelProblem: string | undefined;
  readOnly: boolean;
  onAddBelow: (id: string) => void;
  onDelete: (id: string) => void;
}

const EntryRow = memo(function EntryRow({ entry, index, isLast, referenceDate, orderProblem, labelProblem, readOnly, onAddBelow, onDelete }: EntryRowProps) {
  const { id } = entry;
  const number = index + 1;
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id, disabled: readOnly });
  const inputId = useId();
  const readingId = `${inputId}-reading`;
  const problemId = `${inputId}-problem`;
  const orderId = `${inputId}-order`;
  const rowRef = useRef<HTMLLIElement | null>(null);
  const labelRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<RichTextHandle>(null);

  const reading = useMemo(() => describeReading(entry.date, referenceDate), [entry.date, referenceDate]);
  const body = useMemo((): Paragraph[] => [{ type: 'paragraph', content: entry.body }], [entry.body]);
  const onBodyChange = useCallback((paragraphs: Paragraph[]) => editBody(id, paragraphs), [id]);

  useEffect(
    () =>
      registerReveal(`timeline:${id}`, (location) => {
        if (location.part !== 'timeline') return;
        rowRef.current?.scrollIntoView({ block: 'center' });
        if (location.field === 'date') {
          labelRef.current?.focus({ preventScroll: true });
          labelRef.current?.select();
        } else if (location.inline !== undefined) {
          bodyRef.current?.select({ inline: location.inline });
        } else {
          bodyRef.current?.focus();
        }
      }),
    [id],
  );

  const onFocus = useCallback(() => setActivePart({ part: 'timeline', id }), [id]);
  const setRowRef = useCallback(
    (element: HTMLLIElement | null) => {
      rowRef.current = element;
      setNodeRef(element);
    },
    [setNodeRef],
  );

  const className = ['timeline-entry', orderProblem ? 'out-of-order' : '', isDragging ? 'dragging' : ''].filter(Boolean).join(' ');
  const describedBy = [readingId, labelProblem ? problemId : '', orderProblem ? orderId : ''].filter(Boolean).join(' ');
  return (
    <li
      ref={setRowRef}
      className={className}
      data-entry-id={id}
      style={{ transform: cssTransform.Translate.toString(transform), transition }}
      onFocus={onFocus}
      onKeyDownCapture={readOnly ? undefined : (event) => onMoveKey(event, id)}
    >
      {readOnly ? null : (
        <button
          type="button"
          className="drag-handle"
          ref={setActivatorNodeRef}
          {...attributes}
          {...listeners}
          aria-label={`Reorder entry ${number}`}
        >
          <span aria-hidden="true">⠿</span>
        </button>
      )}
      <div className="entry-fields">
        <div className={labelProblem ? 'field entry-date invalid' : 'field entry-date'}>
          <label htmlFor={inputId}>Entry {number} date</label>
          <input
            id={inputId}
            ref={labelRef}
            className="entry-date-input"
            value={entry.date.label}
            disabled={readOnly}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={labelProblem ? true : undefined}
            aria-describedby={describedBy}
            onChange={(event) => editLabel(id, event.target.value)}
            onKeyDown={(event) => {
              // Enter goes on to the text, as in a section's heading.
              if (event.key === 'Enter') {
                event.preventDefault();
                bodyRef.current?.focus();
              }
            }}
          />
          <p id={readingId} className={reading.ok ? 'date-reading' : 'date-reading unread'}>
            {reading.ok ? null : (
              <span className="marker" aria-hidden="true">
                ?{' '}
              </span>
            )}
            {reading.text}
          </p>
          {labelProblem ? (
            <p className="field-problem" id={problemId}>
              {labelProblem}
            </p>
          ) : null}
        </div>
        {/* The field is named by its aria-label; this shows the name, and a click on it goes to the text. */}
        <div className="entry-text-label" aria-hidden="true" onClick={() => bodyRef.current?.focus()}>
          Entry {number} text
        </div>
        <RichText
          label={`Entry ${number} text`}
          content={body}
          onChange={onBodyChange}
          singleParagraph
          readOnly={readOnly}
          handle={bodyRef}
          placeholder="What happened; type [ to cite a source."
        />
        {orderProblem ? (
          <p className="order-problem" id={orderId}>
            <span className="marker" aria-hidden="true">
              ⚠{' '}
            </span>
            Out of date order: {orderProblem}.
          </p>
        ) : null}
        {readOnly ? null : (
          <div className="entry-actions">
            <button type="button" className="move" disabled={index === 0} onClick={() => moveEntryBy(id, -1)}>
              Move up<span className="visually-hidden">: entry {number}</span>
            </button>
            <button type="button" className="move" disabled={isLast} onClick={() => moveEntryBy(id, 1)}>
              Move down<span className="visually-hidden">: entry {number}</span>
            </button>
            <button type="button" onClick={() => onAddBelow(id)}>
              Add below<span className="visually-hidden"> entry {number}</span>
            </button>
            <button type="button" className="danger" onClick={() => onDelete(id)}>
              Delete<span className="visually-hidden"> entry {number}</span>
            </button>
          </div>
        )}
      </div>
    </li>
  );
});

/**
 * How a label was read, as the line under it says: "1950/1953 — year range", or why it cannot be
 * read. The label's own reading is shown while it agrees with the stored EDTF (it says more:
 * "part of a year" rather than "half year"); an EDTF stored otherwise (imported, or a relative
 * date read against an earlier story date) is what sorting uses, so then that is shown.
 */
function describeReading(date: TimelineEntry['date'], referenceDate: string | undefined): { ok: boolean; text: string } {
  if (date.label.trim() === '') return { ok: true, text: 'Type the date as the page should show it: Dec 4, 2025, Late 2024, 1950‑53.' };
  const options = referenceDate === undefined ? {} : { referenceDate };
  const fromLabel = parseTimelineDate(date.label, options);
  const agrees = date.edtf === undefined || (fromLabel.ok && fromLabel.edtf === date.edtf);
  const read = agrees ? fromLabel : timelineEntryDate(date, options);
  if (!read.ok) return { ok: false, text: `Cannot be read as a date (${read.reason}); it keeps its place when sorting.` };
  const counted = read.relative && referenceDate ? `, counted from the story’s date, ${referenceDate}` : '';
  return { ok: true, text: `${read.edtf} — ${read.form}${counted}${agrees ? '' : ', as stored with the entry'}` };
}
