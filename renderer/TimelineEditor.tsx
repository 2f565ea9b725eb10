/**
 * The story's timeline: its entries in the order the page shows them, each a date label (said
 * back as it was read while it is typed) and a line of text with citations. Entries are added,
 * deleted, moved by drag, by Alt+↑/↓ or with their buttons, and sorted by date; entries whose
 * place contradicts their date are marked where they stand, each with what it contradicts.
 *
 * The huge story has a thousand entries, so a row is cheap: a long timeline makes each row (its
 * fields, its text editor, its place in the sortable list) only as it nears the screen, with a
 * stand-in of the same words until then; rows are memoised on their entry object and a few
 * flags, their callbacks are stable, and the dates are read once per timeline.
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
import { memo, useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import { storyReferenceDate } from '../shared/coverage';
import type { Inline, Paragraph, TimelineEntry } from '../shared/model';
import { emptyTimelineEntry, insertItem, moveItem, removeItem, sortTimelineByDate, timelineDateFor, updateItem } from '../shared/story-edits';
import { parseTimelineDate, timelineEntryDate, timelineOrderProblems, type TimelineDirection } from '../shared/timeline-dates';
import { RichText, whenNearScreen, type RichTextHandle } from './editor/RichText';
import { registerReveal, setActivePart, useProgressiveCount } from './editor/reveal';
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
// Rows by entry id: what the timeline asks of a row from outside it (after adding or deleting).

interface EntryControls {
  /** Makes the row if it is not made yet, puts the cursor in its date and shows it. */
  focusDate(): void;
}

const rowControls = new Map<string, EntryControls>();

function focusDate(id: string): void {
  rowControls.get(id)?.focusDate();
}

// ---------------------------------------------------------------------------------------------
// What the timeline's dates say, worked out once per timeline and shared by its parts.

interface TimelineReading {
  /** Why each entry out of date order is, by its index. */
  orderProblems: Map<number, string>;
  /** Entries with a label that cannot be read as a date. */
  unread: number;
}

const readings = new WeakMap<readonly TimelineEntry[], { referenceDate: string | undefined; direction: TimelineDirection; reading: TimelineReading }>();

function readTimeline(timeline: readonly TimelineEntry[], referenceDate: string | undefined, direction: TimelineDirection): TimelineReading {
  const known = readings.get(timeline);
  if (known && known.referenceDate === referenceDate && known.direction === direction) return known.reading;
  const options = referenceDate === undefined ? { direction } : { referenceDate, direction };
  const orderProblems = new Map<number, string>();
  for (const problem of timelineOrderProblems(timeline, options)) orderProblems.set(problem.index, problem.message);
  const unread = timeline.filter((entry) => entry.date.label !== '' && !timelineEntryDate(entry.date, options).ok).length;
  const reading = { orderProblems, unread };
  readings.set(timeline, { referenceDate, direction, reading });
  return reading;
}

const NO_ENTRIES: TimelineEntry[] = [];

/** The draft's timeline, its reference date and its direction, and what its dates say. */
function useTimelineReading(): { timeline: TimelineEntry[]; referenceDate: string | undefined; reading: TimelineReading; direction: TimelineDirection } {
  const timeline = useStoryEditor((state) => state.story?.timeline ?? NO_ENTRIES);
  const referenceDate = useStoryEditor((state) => (state.story ? storyReferenceDate(state.story) : undefined));
  // The order the coverage rules expect (oldest first unless the library or story says otherwise).
  const direction = useStoryEditor((state) => state.report?.figures.timelineOrder.direction ?? 'oldest-first');
  return { timeline, referenceDate, direction, reading: readTimeline(timeline, referenceDate, direction) };
}

// ---------------------------------------------------------------------------------------------
// Dragging

/** Entries move up and down only; a sideways drift of the pointer is ignored. */
const verticalOnly: Modifier = ({ transform }) => ({ ...transform, x: 0 });
const MODIFIERS = [verticalOnly];

/** "entry 3 «Dec 4, 2025»", from the draft as it is now (dnd-kit asks during a drag). */
function entryName(id: UniqueIdentifier): string {
  const timeline = useStoryEditor.getState().story?.timeline ?? [];
  const index = timeline.findIndex((entry) => entry.id === id);
  const label = timeline[index]?.date.label.trim();
  return `entry ${index + 1}${label ? ` «${label}»` : ''}`;
}

const DRAG_ACCESSIBILITY: { announcements: Announcements; screenReaderInstructions: ScreenReaderInstructions } = {
  announcements: {
    onDragStart: ({ active }) => `Picked up ${entryName(active.id)}.`,
    onDragOver: ({ active, over }) => (over ? `${entryName(active.id)} is over position ${entryIndex(String(over.id)) + 1}.` : `${entryName(active.id)} is outside the timeline.`),
    onDragEnd: ({ active, over }) => (over ? `Moved ${entryName(active.id)}.` : `Put ${entryName(active.id)} back.`),
    onDragCancel: ({ active }) => `Put ${entryName(active.id)} back.`,
  },
  screenReaderInstructions: {
    draggable:
      'To move this entry one place, press Alt+Up Arrow or Alt+Down Arrow. To move it further, press Space to pick it up, the arrow keys to move it, Space to drop it, or Escape to put it back.',
  },
};

function onDragEnd({ active, over }: DragEndEvent): void {
  if (!over || active.id === over.id) return;
  const to = entryIndex(String(over.id));
  if (to !== -1) editStory((story) => moveItem(story, 'timeline', String(active.id), to));
}

// ---------------------------------------------------------------------------------------------
// The timeline

/** The entry just deleted, offered back until it is back or another entry goes. */
interface Deleted {
  storyId: string;
  entry: TimelineEntry;
  index: number;
}

/** What a row may do to the timeline beyond itself; the same object for every row, for memo. */
interface RowActions {
  addBelow(id: string): void;
  remove(id: string): void;
}

export function TimelineEditor({ readOnly }: { readOnly: boolean }) {
  const storyId = useStoryEditor((state) => state.story?.id);
  const { timeline, reading, direction } = useTimelineReading();
  const [deleted, setDeleted] = useState<Deleted | null>(null);
  const addButtonRef = useRef<HTMLButtonElement>(null);
  const headingId = useId();
  const summaryId = useId();

  const actions = useMemo<RowActions>(
    () => ({
      addBelow: (id) => addEntry(id),
      remove(id) {
        const story = useStoryEditor.getState().story;
        const index = entryIndex(id);
        const entry = story?.timeline[index];
        if (!story || !entry) return;
        const next = story.timeline[index + 1] ?? story.timeline[index - 1];
        flushSync(() => {
          editStory((current) => removeItem(current, 'timeline', id));
          setDeleted({ storyId: story.id, entry, index });
        });
        if (next) focusDate(next.id);
        else addButtonRef.current?.focus();
      },
    }),
    [],
  );

  const restoreDeleted = () => {
    if (!deleted) return;
    const { entry, index } = deleted;
    flushSync(() => {
      editStory((story) => (story.timeline.some((existing) => existing.id === entry.id) ? story : insertItem(story, 'timeline', entry, index)));
      setDeleted(null);
    });
    focusDate(entry.id);
  };

  const outOfOrder = reading.orderProblems.size;
  const sortByDate = () => {
    if (outOfOrder > 0) editStory((story) => sortTimelineByDate(story, storyReferenceDate(story), direction));
  };

  if (storyId === undefined) return null;
  const shownDeleted = deleted && deleted.storyId === storyId && !timeline.some((entry) => entry.id === deleted.entry.id) ? deleted : null;
  // Oldest first goes without saying; the other way round is said.
  const order = direction === 'newest-first' ? ' (newest first)' : '';

  return (
    <section className="timeline-editor" aria-labelledby={headingId}>
      <h2 id={headingId}>Timeline</h2>
      {timeline.length === 0 ? (
        <p className="hint">No entries yet. Each entry is a date, written as the page should show it, and a line of text with its citations.</p>
      ) : (
        <div className="timeline-summary">
          <p className={outOfOrder > 0 ? 'out-of-order' : undefined}>
            <span id={summaryId}>
              {outOfOrder > 0 ? `${plural(outOfOrder, 'entry is', 'entries are')} out of date order${order}` : `${plural(timeline.length, 'entry', 'entries')}, in date order${order}`}
            </span>
            {readOnly ? '.' : outOfOrder > 0 ? ' — ' : '. '}
            {readOnly ? null : (
              <button type="button" aria-disabled={outOfOrder === 0 ? true : undefined} aria-describedby={summaryId} onClick={sortByDate}>
                Sort by date
              </button>
            )}
          </p>
          {reading.unread > 0 ? (
            <p className="hint">{`${plural(reading.unread, 'date')} cannot be read; ${reading.unread === 1 ? 'it keeps its' : 'they keep their'} place when sorting.`}</p>
          ) : null}
        </div>
      )}
      <SortableEntries readOnly={readOnly} actions={actions} />
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

/** Adds an empty entry below `afterId` (at the end without one) and puts the cursor in its date. */
function addEntry(afterId?: string): void {
  let added: string | undefined;
  flushSync(() =>
    editStory((story) => {
      const entry = emptyTimelineEntry(story);
      added = entry.id;
      const after = afterId === undefined ? -1 : story.timeline.findIndex((existing) => existing.id === afterId);
      return insertItem(story, 'timeline', entry, after === -1 ? undefined : after + 1);
    }),
  );
  if (added) focusDate(added);
}

/**
 * The sortable frame around the rows. dnd-kit's contexts draw every sortable row again whenever
 * the DndContext draws, so the frame is memoised and follows only the order of the entries (a
 * string of their ids): typing in an entry draws that entry alone.
 */
const SortableEntries = memo(function SortableEntries({ readOnly, actions }: { readOnly: boolean; actions: RowActions }) {
  const idsKey = useStoryEditor((state) => state.story?.timeline.map((entry) => entry.id).join('\n') ?? '');
  const ids = useMemo(() => (idsKey === '' ? [] : idsKey.split('\n')), [idsKey]);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));
  return (
    <DndContext sensors={sensors} collisionDetection={closestCenter} modifiers={MODIFIERS} accessibility={DRAG_ACCESSIBILITY} onDragEnd={onDragEnd}>
      <SortableContext items={ids} strategy={verticalListSortingStrategy} disabled={readOnly}>
        <EntryList readOnly={readOnly} actions={actions} />
      </SortableContext>
    </DndContext>
  );
});

/** A timeline this long or shorter has every row made at once; a longer one makes rows as they near the screen. */
const ROWS_MADE_AT_ONCE = 50;

function EntryList({ readOnly, actions }: { readOnly: boolean; actions: RowActions }) {
  const { timeline, referenceDate, reading } = useTimelineReading();
  const problems = useStoryEditor((state) => state.problems);
  const allAtOnce = timeline.length <= ROWS_MADE_AT_ONCE;
  const last = timeline.length - 1;
  // A long timeline is drawn a screenful first, the rest while the browser is idle.
  const drawn = useProgressiveCount(timeline.length, 12, 80);
  return (
    <ol className="timeline-entries" aria-label="Timeline entries, in page order">
      {timeline.slice(0, drawn).map((entry, index) => (
        <EntryRow
          key={entry.id}
          entry={entry}
          index={index}
          isLast={index === last}
          referenceDate={referenceDate}
          orderProblem={reading.orderProblems.get(index)}
          labelProblem={problems[`timeline[${index}].date.label`]}
          readOnly={readOnly}
          madeAtOnce={allAtOnce}
          actions={actions}
        />
      ))}
    </ol>
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
  /** Whether the row is made with the list; otherwise it stands in until it nears the screen. */
  madeAtOnce: boolean;
  actions: RowActions;
}

/** The fields of a made row that the timeline reaches into. */
interface RowFields {
  dateRef: RefObject<HTMLInputElement | null>;
  bodyRef: RefObject<RichTextHandle | null>;
}

/**
 * An entry: made (its fields, sortable) once it nears the screen, or at once in a short timeline;
 * until then a stand-in with the same words. Either way it can be revealed and focused by its id.
 */
const EntryRow = memo(function EntryRow(props: EntryRowProps) {
  const { entry, index, orderProblem, madeAtOnce } = props;
  const { id } = entry;
  const [made, setMade] = useState(madeAtOnce);
  const dateRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<RichTextHandle>(null);
  const standIn = useRef<HTMLLIElement>(null);

  useEffect(() => {
    const element = standIn.current;
    if (made || !element) return undefined;
    return whenNearScreen(element, () => setMade(true));
  }, [made]);

  useEffect(() => {
    /** Makes the row now if it is a stand-in (nothing happens if it is made), so that its fields can take the focus. */
    const make = () => flushSync(() => setMade(true));
    rowControls.set(id, {
      focusDate() {
        make();
        dateRef.current?.focus({ preventScroll: true });
        dateRef.current?.scrollIntoView({ block: 'nearest' });
      },
    });
    const unregister = registerReveal(`timeline:${id}`, (location) => {
      if (location.part !== 'timeline') return;
      make();
      dateRef.current?.closest('li')?.scrollIntoView({ block: 'center' });
      if (location.field === 'date') {
        dateRef.current?.focus({ preventScroll: true });
        dateRef.current?.select();
      } else if (location.inline !== undefined) {
        bodyRef.current?.select({ inline: location.inline });
      } else {
        bodyRef.current?.focus();
      }
    });
    return () => {
      unregister();
      rowControls.delete(id);
    };
  }, [id]);

  if (made) return <MadeEntry {...props} dateRef={dateRef} bodyRef={bodyRef} />;
  return (
    <li ref={standIn} className={orderProblem ? 'timeline-entry stand-in out-of-order' : 'timeline-entry stand-in'} data-entry-id={id}>
      <p className="stand-in-date">
        Entry {index + 1}: {entry.date.label}
      </p>
      <p className="stand-in-text">{plainText(entry.body)}</p>
      {orderProblem ? <p className="order-problem">Out of date order: {orderProblem}.</p> : null}
    </li>
  );
});

/** An entry's text without its marks and citations, for its stand-in. */
function plainText(body: readonly Inline[]): string {
  return body.map((inline) => (inline.type === 'text' ? inline.text : '')).join('');
}

function MadeEntry({ entry, index, isLast, referenceDate, orderProblem, labelProblem, readOnly, actions, dateRef, bodyRef }: EntryRowProps & RowFields) {
  const { id } = entry;
  const number = index + 1;
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id, disabled: readOnly });
  const inputId = useId();
  const readingId = `${inputId}-reading`;
  const problemId = `${inputId}-problem`;
  const orderId = `${inputId}-order`;

  const reading = useMemo(() => describeReading(entry.date, referenceDate), [entry.date, referenceDate]);
  const body = useMemo((): Paragraph[] => [{ type: 'paragraph', content: entry.body }], [entry.body]);
  const onBodyChange = useCallback((paragraphs: Paragraph[]) => editBody(id, paragraphs), [id]);
  const onFocus = useCallback(() => setActivePart({ part: 'timeline', id }), [id]);

  const className = ['timeline-entry', orderProblem ? 'out-of-order' : '', isDragging ? 'dragging' : ''].filter(Boolean).join(' ');
  const describedBy = [readingId, labelProblem ? problemId : '', orderProblem ? orderId : ''].filter(Boolean).join(' ');
  return (
    <li
      ref={setNodeRef}
      className={className}
      data-entry-id={id}
      style={{ transform: cssTransform.Translate.toString(transform), transition }}
      onFocus={onFocus}
      onKeyDownCapture={readOnly ? undefined : (event) => onMoveKey(event, id)}
    >
      {readOnly ? null : (
        <button type="button" className="drag-handle" ref={setActivatorNodeRef} {...attributes} {...listeners} aria-label={`Reorder entry ${number}`}>
          <span aria-hidden="true">⠿</span>
        </button>
      )}
      <div className="entry-fields">
        <div className={labelProblem ? 'field entry-date invalid' : 'field entry-date'}>
          <label htmlFor={inputId}>Entry {number} date</label>
          <input
            id={inputId}
            ref={dateRef}
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
            <button type="button" onClick={() => actions.addBelow(id)}>
              Add below<span className="visually-hidden"> entry {number}</span>
            </button>
            <button type="button" className="danger" onClick={() => actions.remove(id)}>
              Delete<span className="visually-hidden"> entry {number}</span>
            </button>
          </div>
        )}
      </div>
    </li>
  );
}

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
