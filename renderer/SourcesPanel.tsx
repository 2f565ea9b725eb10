/**
 * The story's sources: the numbered list readers see under the story, kept here in the order of
 * the story's `sources` list. Each source shows its display number (derived from the numbering
 * policy, so it changes live), its title and outlet and how many places cite it; opening it edits
 * its fields and lists the places that cite it, each a jump into the text. Sources are added (an
 * address pasted is stored in its canonical form; nothing is fetched), moved by drag or Alt+↑/↓,
 * merged when two are the same article, and deleted — a cited one only after a dialog that says
 * where it is cited and removes those citations.
 *
 * A story may have hundreds of sources, so the rows are memoised and closed by default, and what
 * every row needs from the rest of the story (numbers, citing places, duplicates, problems) is
 * worked out once per change of the story, not once per row.
 */
import { closestCenter, DndContext, PointerSensor, useSensor, useSensors, type Announcements, type DragEndEvent, type ScreenReaderInstructions } from '@dnd-kit/core';
import { SortableContext, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { memo, useCallback, useId, useLayoutEffect, useMemo, useRef, useState, type ClipboardEvent, type KeyboardEvent, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import { type CitationRef, deleteSource, mergeSources, placesCiting } from '../shared/citation-edits';
import { citationNumbers } from '../shared/citations';
import { CITATION_ORDERS, SOURCE_ROLES, type CitationOrder, type CitationStyle, type Source } from '../shared/model';
import {
  citingPlacesBySource,
  describeCitingPlace,
  duplicateSources,
  formatAuthors,
  parseAuthors,
  sameNames,
  sourceName,
  withAuthorsText,
  withSourceText,
  type SourceTextField,
} from '../shared/source-fields';
import { emptySource, insertItem, moveItem, updateItem } from '../shared/story-edits';
import { canonicalUrl, urlIdentity } from '../shared/urls';
import { Dialog } from './dialogs/Dialog';
import { useCitationNumbering } from './editor/citation-numbers';
import { registerReveal, reveal, setActivePart, useProgressiveCount } from './editor/reveal';
import { Field } from './Field';
import { plural } from './format';
import { notify } from './notices';
import { editStory, useStoryEditor } from './story-state';
import './sources.css';

const ORDER_LABELS: Record<CitationOrder, string> = {
  'newest-first': 'Newest first, by published date',
  'first-appearance': 'By first appearance in the text',
  manual: 'Manual: the order of this list',
};

const ORDER_EXPLANATIONS: Record<CitationOrder, string> = {
  'newest-first': 'Number 1 is the most recently published source; undated sources come last. Moving sources in this list does not change their numbers.',
  'first-appearance': 'Numbers follow the order in which the text first cites each source. Moving sources in this list does not change their numbers.',
  manual: 'The numbers follow the order of this list: drag a source by its handle, or press Alt+↑ or Alt+↓ on it, to renumber.',
};

const STYLE_LABELS: Record<CitationStyle, string> = { separate: 'Separate: [2][5]', combined: 'Combined: [2, 5]' };

const ROLE_LABELS: Record<Source['role'], string> = { cited: 'Cited: the text should cite it', related: 'Related: listed, need not be cited' };

/** A source's problems from the model check, by field. */
type FieldProblems = Partial<Record<string, string>>;

const NO_PLACES: CitationRef[] = [];
const NO_PROBLEMS: FieldProblems = {};

// ---------------------------------------------------------------------------------------------
// Edits. Typing in one field of one source is one undo step; everything else is a step of its own.

function editSourceText(id: string, field: SourceTextField, text: string): void {
  editStory((story) => updateItem(story, 'sources', id, (source) => withSourceText(source, field, text)), { coalesce: `source:${id}:${field}` });
}

function editAuthors(id: string, text: string): void {
  editStory((story) => updateItem(story, 'sources', id, (source) => withAuthorsText(source, text)), { coalesce: `source:${id}:author` });
}

function setRole(id: string, role: Source['role']): void {
  editStory((story) => updateItem(story, 'sources', id, (source) => (source.role === role ? source : { ...source, role })));
}

function setCitationOrder(citationOrder: CitationOrder): void {
  editStory((story) => (story.citationOrder === citationOrder ? story : { ...story, citationOrder }));
}

function setCitationStyle(citationStyle: CitationStyle): void {
  editStory((story) => (story.citationStyle === citationStyle ? story : { ...story, citationStyle }));
}

/** Where focus goes to act on a source from outside its fields. */
function focusSource(list: HTMLElement | null, id: string, target: 'handle' | 'toggle' = 'toggle'): void {
  requestAnimationFrame(() => {
    const row = list?.querySelector<HTMLElement>(`[data-source-id="${CSS.escape(id)}"]`);
    const control = row?.querySelector<HTMLElement>(target === 'handle' ? '.source-handle' : '.source-toggle') ?? row?.querySelector<HTMLElement>('.source-toggle');
    control?.focus();
  });
}

/** What a row asks of the panel; one object for the panel's lifetime, so that rows stay memoised. */
interface RowActions {
  move(id: string, by: number): void;
  moveTo(id: string, index: number): void;
  merge(id: string, into?: string): void;
  remove(id: string): void;
}

// ---------------------------------------------------------------------------------------------
// The panel.

/**
 * The panel holds what is not a row: the numbering, the add box, the dialogs. The list lives in
 * `SortableSources`, memoised with props that never change, because dnd-kit's contexts make every
 * sortable row draw again whenever the DndContext does: only the rows' own list follows the story.
 */
export function SourcesPanel({ readOnly }: { readOnly: boolean }) {
  const count = useStoryEditor((state) => state.story?.sources.length);
  const citationOrder = useStoryEditor((state) => state.story?.citationOrder);
  const citationStyle = useStoryEditor((state) => state.story?.citationStyle);
  const listRef = useRef<HTMLOListElement>(null);
  const [announcement, setAnnouncement] = useState('');
  const [merging, setMerging] = useState<{ id: string; into?: string } | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const headingId = useId();

  const actions = useMemo<RowActions>(() => {
    const moveTo = (id: string, index: number) => {
      const before = useStoryEditor.getState().story;
      if (!before) return;
      const focused = document.activeElement;
      editStory((story) => moveItem(story, 'sources', id, index));
      const after = useStoryEditor.getState().story;
      if (!after || after === before) return;
      const position = after.sources.findIndex((source) => source.id === id);
      const source = after.sources[position];
      if (!source) return;
      const number = citationNumbers(after).get(id);
      setAnnouncement(`«${sourceName(source)}» moved to position ${position + 1} of ${after.sources.length}${after.citationOrder === 'manual' ? `, now number ${number}` : ''}.`);
      // Focus follows the source; a Move up button that just became disabled hands it to the handle.
      requestAnimationFrame(() => {
        if (focused instanceof HTMLElement && focused.isConnected && !(focused as HTMLButtonElement).disabled) focused.focus();
        else focusSource(listRef.current, id, 'handle');
      });
    };
    return {
      moveTo,
      move(id, by) {
        const index = useStoryEditor.getState().story?.sources.findIndex((source) => source.id === id) ?? -1;
        if (index !== -1) moveTo(id, index + by);
      },
      merge: (id, into) => setMerging(into === undefined ? { id } : { id, into }),
      remove(id) {
        const story = useStoryEditor.getState().story;
        const source = story?.sources.find((candidate) => candidate.id === id);
        if (!story || !source) return;
        if ((citingPlacesBySource(story).get(id) ?? []).length > 0) {
          setDeleting(id);
          return;
        }
        const index = story.sources.indexOf(source);
        editStory((current) => deleteSource(current, id));
        setAnnouncement(`Deleted «${sourceName(source)}». Undo brings it back.`);
        const neighbour = story.sources[index + 1] ?? story.sources[index - 1];
        if (neighbour) focusSource(listRef.current, neighbour.id);
      },
    };
  }, []);

  const addSource = useCallback((url: string) => {
    let id = '';
    flushSync(() =>
      editStory((story) => {
        const source = emptySource(story, url === '' ? {} : { URL: url });
        id = source.id;
        return insertItem(story, 'sources', source);
      }),
    );
    if (id === '') return;
    setAnnouncement('Source added at the end of the list.');
    reveal({ part: 'source', sourceId: id, field: url === '' ? 'URL' : 'title' });
  }, []);

  if (count === undefined || !citationOrder || !citationStyle) return null;
  return (
    <section className="sources-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>
        Sources <span className="sources-count">{count}</span>
      </h2>
      <NumberingControls order={citationOrder} style={citationStyle} readOnly={readOnly} />
      {count === 0 ? <p className="empty">No sources yet. Add one by its address, or add an empty one and fill it in.</p> : null}
      <SortableSources readOnly={readOnly} actions={actions} listRef={listRef} />
      {readOnly ? null : <AddSourceForm onAdd={addSource} />}
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
      {merging ? (
        <MergeDialog
          mergedId={merging.id}
          suggestedSurvivorId={merging.into}
          onClose={() => setMerging(null)}
          onMerged={(survivor, merged) => {
            setMerging(null);
            setAnnouncement(`Merged «${sourceName(merged)}» into «${sourceName(survivor)}».`);
            focusSource(listRef.current, survivor.id);
          }}
        />
      ) : null}
      {deleting ? (
        <DeleteCitedDialog
          sourceId={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={(source, neighbourId) => {
            setDeleting(null);
            setAnnouncement(`Deleted «${sourceName(source)}» and its citations. Undo brings them back.`);
            if (neighbourId) focusSource(listRef.current, neighbourId);
          }}
        />
      ) : null}
    </section>
  );
}

/** The sortable frame around the rows; it draws again only when the order of the sources changes. */
const SortableSources = memo(function SortableSources({ readOnly, actions, listRef }: { readOnly: boolean; actions: RowActions; listRef: RefObject<HTMLOListElement | null> }) {
  // A string, so that edits that keep the order keep the items (and dnd-kit's contexts) as they are.
  const idsKey = useStoryEditor((state) => state.story?.sources.map((source) => source.id).join('\n') ?? '');
  const ids = useMemo(() => (idsKey === '' ? [] : idsKey.split('\n')), [idsKey]);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }));
  const onDragEnd = useCallback(
    ({ active, over }: DragEndEvent) => {
      if (!over || active.id === over.id) return;
      const index = useStoryEditor.getState().story?.sources.findIndex((source) => source.id === over.id) ?? -1;
      if (index !== -1) actions.moveTo(String(active.id), index);
    },
    [actions],
  );
  return (
    <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd} accessibility={DRAG_ACCESSIBILITY}>
      <SortableContext items={ids} strategy={verticalListSortingStrategy} disabled={readOnly}>
        <SourceList readOnly={readOnly} actions={actions} listRef={listRef} />
      </SortableContext>
    </DndContext>
  );
});

/**
 * The rows, and what each needs from the rest of the story, worked out once per change of the
 * story: display numbers, the places citing each source, duplicates, problems by source.
 */
function SourceList({ readOnly, actions, listRef }: { readOnly: boolean; actions: RowActions; listRef: RefObject<HTMLOListElement | null> }) {
  const sources = useStoryEditor((state) => state.story?.sources);
  const citationOrder = useStoryEditor((state) => state.story?.citationOrder);
  const problems = useStoryEditor((state) => state.problems);
  const numbers = useSourceNumbers();
  const citingPlaces = useCitingPlaces();
  const duplicates = useMemo(() => duplicateSources(sources ?? []), [sources]);
  const problemsBySource = useMemo(() => sourceProblems(problems, sources ?? []), [problems, sources]);
  // A long list is drawn a screenful first, the rest while the browser is idle.
  const drawn = useProgressiveCount(sources?.length ?? 0, 12, 80);
  if (!sources || !citationOrder) return null;
  const last = sources.length - 1;
  return (
    <ol className="source-list" ref={listRef} aria-label="Sources, in list order">
      {sources.slice(0, drawn).map((source, index) => {
        const duplicateId = duplicates.get(source.id);
        const duplicate = duplicateId === undefined ? undefined : sources.find((candidate) => candidate.id === duplicateId);
        return (
          <SourceRow
            key={source.id}
            source={source}
            number={numbers.get(source.id) ?? 0}
            places={citingPlaces.get(source.id) ?? NO_PLACES}
            problems={problemsBySource.get(source.id) ?? NO_PROBLEMS}
            duplicate={duplicate ? { id: duplicate.id, name: sourceName(duplicate), number: numbers.get(duplicate.id) ?? 0 } : undefined}
            isFirst={index === 0}
            isLast={index === last}
            readOnly={readOnly}
            actions={actions}
          />
        );
      })}
    </ol>
  );
}

/** Every source's display number under the story's numbering, recomputed when the story changes. */
function useSourceNumbers(): ReadonlyMap<string, number> {
  // The chips' own numbering (editor/citation-numbers.ts): a new map only when a number changes,
  // so typing in the text does not draw every row again.
  return useCitationNumbering((state) => state.numbers);
}

/**
 * The places citing each source, found again only when a citation comes, goes or moves (the
 * chips' numbering tracks that as its `layout`): typing around citations draws no row again.
 */
function useCitingPlaces(): Map<string, CitationRef[]> {
  const layout = useCitationNumbering((state) => state.layout);
  return useMemo(() => {
    const story = useStoryEditor.getState().story;
    // `layout` names the story and where its citations stand: the places change only with it.
    return story && layout !== '' ? citingPlacesBySource(story) : new Map<string, CitationRef[]>();
  }, [layout]);
}

/** Problems whose path is in `sources[i]`, by source id and then by field (the first part of the rest of the path). */
function sourceProblems(problems: Record<string, string>, sources: readonly Source[]): Map<string, FieldProblems> {
  const bySource = new Map<string, FieldProblems>();
  for (const [path, message] of Object.entries(problems)) {
    const match = /^sources\[(\d+)\](?:\.([A-Za-z_$][\w$]*)|\["([^"]+)"\])?/.exec(path);
    const source = match ? sources[Number(match[1])] : undefined;
    if (!match || !source) continue;
    const field = match[2] ?? match[3] ?? 'source';
    const fields = bySource.get(source.id) ?? {};
    fields[field] ??= message;
    bySource.set(source.id, fields);
  }
  return bySource;
}

const DRAG_INSTRUCTIONS: ScreenReaderInstructions = {
  draggable: 'Drag this handle to move the source in the list, or press Alt+Up or Alt+Down.',
};

function draggedName(id: string | number): string {
  const source = useStoryEditor.getState().story?.sources.find((candidate) => candidate.id === id);
  return source ? `«${sourceName(source)}»` : 'The source';
}

function dropPosition(id: string | number): number {
  return (useStoryEditor.getState().story?.sources.findIndex((source) => source.id === id) ?? -1) + 1;
}

const DRAG_ANNOUNCEMENTS: Announcements = {
  onDragStart: ({ active }) => `Picked up ${draggedName(active.id)}.`,
  onDragOver: ({ active, over }) => (over ? `${draggedName(active.id)} is over position ${dropPosition(over.id)}.` : undefined),
  onDragEnd: ({ active, over }) => (over ? `${draggedName(active.id)} dropped at position ${dropPosition(over.id)}.` : `${draggedName(active.id)} dropped where it was.`),
  onDragCancel: ({ active }) => `Moving ${draggedName(active.id)} was cancelled.`,
};

const DRAG_ACCESSIBILITY = { screenReaderInstructions: DRAG_INSTRUCTIONS, announcements: DRAG_ANNOUNCEMENTS };

// ---------------------------------------------------------------------------------------------
// Numbering.

function NumberingControls({ order, style, readOnly }: { order: CitationOrder; style: CitationStyle; readOnly: boolean }) {
  const orderId = useId();
  const styleId = useId();
  const explanationId = useId();
  return (
    <div className="source-numbering">
      <div className="field">
        <label htmlFor={orderId}>Numbering</label>
        <select id={orderId} value={order} disabled={readOnly} aria-describedby={explanationId} onChange={(event) => setCitationOrder(event.target.value as CitationOrder)}>
          {CITATION_ORDERS.map((value) => (
            <option key={value} value={value}>
              {ORDER_LABELS[value]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={styleId}>Markers citing several sources</label>
        <select id={styleId} value={style} disabled={readOnly} onChange={(event) => setCitationStyle(event.target.value as CitationStyle)}>
          {(['separate', 'combined'] as const).map((value) => (
            <option key={value} value={value}>
              {STYLE_LABELS[value]}
            </option>
          ))}
        </select>
      </div>
      <p className="hint" id={explanationId}>
        {ORDER_EXPLANATIONS[order]} Sources cited nowhere number after the cited ones.
      </p>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// One source.

interface RowProps {
  source: Source;
  number: number;
  places: CitationRef[];
  problems: FieldProblems;
  duplicate: { id: string; name: string; number: number } | undefined;
  isFirst: boolean;
  isLast: boolean;
  readOnly: boolean;
  actions: RowActions;
}

function samePlaces(a: readonly CitationRef[], b: readonly CitationRef[]): boolean {
  return (
    a === b ||
    (a.length === b.length &&
      a.every((ref, index) => {
        const other = b[index];
        if (!other || other.part !== ref.part || other.index !== ref.index) return false;
        return ref.part === 'section' ? other.part === 'section' && other.sectionId === ref.sectionId && other.paragraph === ref.paragraph : other.part === 'timeline' && other.entryId === ref.entryId;
      }))
  );
}

function sameProblems(a: FieldProblems, b: FieldProblems): boolean {
  const keys = Object.keys(a);
  return a === b || (keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]));
}

/** Rows draw again only when what they show changed: the lists and problems compare by content. */
function sameRowProps(a: RowProps, b: RowProps): boolean {
  return (
    a.source === b.source &&
    a.number === b.number &&
    a.isFirst === b.isFirst &&
    a.isLast === b.isLast &&
    a.readOnly === b.readOnly &&
    a.actions === b.actions &&
    a.duplicate?.id === b.duplicate?.id &&
    a.duplicate?.name === b.duplicate?.name &&
    a.duplicate?.number === b.duplicate?.number &&
    samePlaces(a.places, b.places) &&
    sameProblems(a.problems, b.problems)
  );
}

function citedText(places: number, role: Source['role']): string {
  if (places > 0) return `Cited in ${plural(places, 'place')}`;
  return role === 'related' ? 'Related, not cited' : 'Not cited';
}

const SourceRow = memo(function SourceRow({ source, number, places, problems, duplicate, isFirst, isLast, readOnly, actions }: RowProps) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: source.id, disabled: readOnly });
  const [open, setOpen] = useState(false);
  const rowRef = useRef<HTMLLIElement | null>(null);
  const editorId = useId();
  const id = source.id;

  const setRow = useCallback(
    (element: HTMLLIElement | null) => {
      rowRef.current = element;
      setNodeRef(element);
    },
    [setNodeRef],
  );

  // A layout effect, so that a source added a moment ago can be revealed as soon as it is drawn.
  useLayoutEffect(
    () =>
      registerReveal(`source:${id}`, (location) => {
        if (location.part !== 'source') return;
        flushSync(() => setOpen(true));
        const row = rowRef.current;
        const target = location.field === undefined ? row?.querySelector<HTMLElement>('.source-toggle') : row?.querySelector<HTMLElement>(`[data-field="${location.field}"]`);
        (target ?? row)?.scrollIntoView({ block: 'center' });
        target?.focus({ preventScroll: true });
      }),
    [id],
  );

  const onMoveKey = (event: KeyboardEvent) => {
    if (readOnly || !event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
    event.preventDefault();
    actions.move(id, event.key === 'ArrowUp' ? -1 : 1);
  };

  const name = sourceName(source);
  const outletAndDate = [source['container-title'], source.issued].filter((part) => part !== undefined && part !== '').join(' · ');
  const problemCount = Object.keys(problems).length;
  const classes = ['source-row', open ? 'open' : '', isDragging ? 'dragging' : ''].filter(Boolean).join(' ');
  return (
    <li
      ref={setRow}
      className={classes}
      data-source-id={id}
      style={transform ? { transform: `translate3d(0, ${Math.round(transform.y)}px, 0)`, transition } : undefined}
      onFocus={() => setActivePart({ part: 'source', id })}
    >
      <div className="source-summary">
        {readOnly ? null : (
          <button
            type="button"
            className="source-handle"
            ref={setActivatorNodeRef}
            {...listeners}
            aria-roledescription={attributes['aria-roledescription']}
            aria-describedby={attributes['aria-describedby']}
            aria-label={`Move source ${number}, «${name}»`}
            onKeyDown={onMoveKey}
          />
        )}
        <button type="button" className="source-toggle" aria-expanded={open} aria-controls={open ? editorId : undefined} onClick={() => setOpen(!open)} onKeyDown={onMoveKey}>
          <span className="source-number">[{number}]</span>
          <span className="source-name">{name}</span>
          {outletAndDate ? <span className="source-outlet">{outletAndDate}</span> : null}
        </button>
        <span className={places.length === 0 && source.role === 'cited' ? 'source-cited not-cited' : 'source-cited'}>{citedText(places.length, source.role)}</span>
        {duplicate ? <span className="badge severity-warning">Duplicate</span> : null}
        {problemCount > 0 && !open ? <span className="badge severity-blocker">{problemCount === 1 ? 'A field needs fixing' : `${problemCount} fields need fixing`}</span> : null}
      </div>
      {open ? (
        <div className="source-editor" id={editorId}>
          <fieldset className="plain source-fields" disabled={readOnly}>
            <legend className="visually-hidden">Source {number}</legend>
            <UrlField source={source} problem={problems.URL} duplicate={duplicate} onMerge={() => duplicate && actions.merge(id, duplicate.id)} />
            <TextField id={id} field="title" label="Article title" value={source.title ?? ''} problem={problems.title} />
            <TextField id={id} field="container-title" label="Outlet" value={source['container-title'] ?? ''} problem={problems['container-title']} />
            <AuthorsField id={id} author={source.author} problem={problems.author} />
            <TextField id={id} field="issued" label="Published" value={source.issued ?? ''} problem={problems.issued} hint="A year, a month or a day: 2026, 2026-02 or 2026-02-02." />
            <Field label="Role" problem={problems.role}>
              {(props) => (
                <select {...props} data-field="role" value={source.role} onChange={(event) => setRole(id, event.target.value as Source['role'])}>
                  {SOURCE_ROLES.map((role) => (
                    <option key={role} value={role}>
                      {ROLE_LABELS[role]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <TextField id={id} field="note" label="Note" value={source.note ?? ''} problem={problems.note} multiline hint="Shown under the source on the page." />
            {problems.source ? <p className="field-problem">{problems.source}</p> : null}
          </fieldset>
          <CitedIn places={places} role={source.role} />
          {readOnly ? null : (
            <div className="source-actions">
              <button type="button" disabled={isFirst} onClick={() => actions.move(id, -1)}>
                Move up
              </button>
              <button type="button" disabled={isLast} onClick={() => actions.move(id, 1)}>
                Move down
              </button>
              <button type="button" disabled={isFirst && isLast} onClick={() => actions.merge(id)}>
                Merge into…
              </button>
              <button type="button" className="danger" onClick={() => actions.remove(id)}>
                Delete source
              </button>
            </div>
          )}
        </div>
      ) : null}
    </li>
  );
}, sameRowProps);

function TextField({ id, field, label, value, problem, hint, multiline }: { id: string; field: SourceTextField; label: string; value: string; problem: string | undefined; hint?: string; multiline?: boolean }) {
  return (
    <Field label={label} problem={problem} {...(hint ? { hint } : {})}>
      {(props) =>
        multiline ? (
          <textarea {...props} data-field={field} rows={2} value={value} onChange={(event) => editSourceText(id, field, event.target.value)} />
        ) : (
          <input {...props} data-field={field} value={value} spellCheck={field !== 'issued'} onChange={(event) => editSourceText(id, field, event.target.value)} />
        )
      }
    </Field>
  );
}

/**
 * Authors in one box. The box keeps the text as typed ("Kim, " while the given name is on its
 * way) and the source holds the names read from it; the box is written afresh only when the names
 * change from elsewhere (undo, a merge).
 */
function AuthorsField({ id, author, problem }: { id: string; author: Source['author']; problem: string | undefined }) {
  const [typed, setTyped] = useState(() => ({ text: formatAuthors(author), author }));
  const text = typed.author === author || sameNames(parseAuthors(typed.text), author ?? []) ? typed.text : formatAuthors(author);
  return (
    <Field label="Authors" problem={problem} hint="Family name, given name; separate people with semicolons. A name without a comma (an agency, a desk) is kept whole.">
      {(props) => (
        <input
          {...props}
          data-field="author"
          value={text}
          onChange={(event) => {
            const next = event.target.value;
            editAuthors(id, next);
            setTyped({ text: next, author: useStoryEditor.getState().story?.sources.find((source) => source.id === id)?.author });
          }}
        />
      )}
    </Field>
  );
}

/**
 * The address. A pasted address is stored in its canonical form (no tracking parameters, no
 * fragment, host in lower case), and the field says so and offers to keep it as pasted; a typed
 * one is kept as typed, with the canonical form offered. Nothing is fetched.
 */
function UrlField({ source, problem, duplicate, onMerge }: { source: Source; problem: string | undefined; duplicate: RowProps['duplicate']; onMerge: () => void }) {
  const [pasted, setPasted] = useState<{ text: string; canonical: string } | null>(null);
  const value = source.URL ?? '';
  const canonical = canonicalUrl(value);
  const showPasted = pasted !== null && pasted.canonical === value && pasted.text !== value;
  const onPaste = (event: ClipboardEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const text = event.clipboardData.getData('text/plain').trim();
    const pastedCanonical = canonicalUrl(text);
    const replacesAll = input.value === '' || (input.selectionStart === 0 && input.selectionEnd === input.value.length);
    if (pastedCanonical === undefined || !replacesAll) return;
    event.preventDefault();
    editSourceText(source.id, 'URL', pastedCanonical);
    setPasted({ text, canonical: pastedCanonical });
  };
  const notes = (
    <>
      {showPasted ? (
        <p className="url-note">
          Canonical: <span className="url">{pasted.canonical}</span>, stored instead of the pasted <span className="url">{pasted.text}</span>.{' '}
          <button
            type="button"
            className="link"
            onClick={() => {
              editSourceText(source.id, 'URL', pasted.text);
              setPasted(null);
            }}
          >
            Keep it as pasted
          </button>
        </p>
      ) : canonical !== undefined && canonical !== value ? (
        <p className="url-note">
          Canonical: <span className="url">{canonical}</span>.{' '}
          <button type="button" className="link" onClick={() => editSourceText(source.id, 'URL', canonical)}>
            Use canonical form
          </button>
        </p>
      ) : null}
      {duplicate ? (
        <p className="url-note duplicate" role="note">
          Same article as source [{duplicate.number}] «{duplicate.name}».{' '}
          <button type="button" className="link" onClick={onMerge}>
            Merge…
          </button>
        </p>
      ) : null}
    </>
  );
  return (
    <Field label="Address (URL)" problem={problem} after={notes}>
      {(props) => (
        <input
          {...props}
          data-field="URL"
          type="url"
          spellCheck={false}
          value={value}
          onPaste={onPaste}
          onChange={(event) => {
            editSourceText(source.id, 'URL', event.target.value);
            setPasted(null);
          }}
        />
      )}
    </Field>
  );
}

/** Jumps to a citing place in the section or timeline editor. */
function showPlace(ref: CitationRef): void {
  const shown =
    ref.part === 'section'
      ? reveal({ part: 'section', sectionId: ref.sectionId, field: 'body', paragraph: ref.paragraph, inline: ref.index })
      : reveal({ part: 'timeline', entryId: ref.entryId, field: 'body', inline: ref.index });
  if (!shown) notify('That place is not on screen: the part of the story that cites the source could not be shown.');
}

/** Where a source is cited; drawn only for an open source, so its text follows the story live. */
function CitedIn({ places, role }: { places: CitationRef[]; role: Source['role'] }) {
  const sections = useStoryEditor((state) => state.story?.sections);
  const timeline = useStoryEditor((state) => state.story?.timeline);
  const headingId = useId();
  const described = useMemo(
    () => (sections && timeline ? places.map((ref) => ({ ref, description: describeCitingPlace({ sections, timeline }, ref) })) : []),
    [places, sections, timeline],
  );
  if (places.length === 0) {
    return <p className="cited-in empty">{role === 'related' ? 'Not cited in the text; listed as related.' : 'Not cited in the text yet. Type [ in a section or timeline entry to cite it.'}</p>;
  }
  return (
    <section className="cited-in" aria-labelledby={headingId}>
      <h3 id={headingId}>Cited in</h3>
      <ul>
        {described.map(({ ref, description }, index) =>
          description ? (
            <li key={index}>
              <button type="button" className="link" onClick={() => showPlace(ref)}>
                {description.place}
              </button>
              {description.sentence ? <q>{description.sentence}</q> : null}
            </li>
          ) : null,
        )}
      </ul>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Adding.

/**
 * "Add source from URL": a pasted address becomes its canonical form at once, and the box says
 * so; one typed is added as typed. An empty box adds an empty source. Adding opens the source.
 */
function AddSourceForm({ onAdd }: { onAdd: (url: string) => void }) {
  const sources = useStoryEditor((state) => state.story?.sources);
  const [text, setText] = useState('');
  const [pasted, setPasted] = useState<string | null>(null);
  const id = useId();
  const identity = urlIdentity(text);
  const existing = identity === undefined ? undefined : sources?.find((source) => source.URL !== undefined && urlIdentity(source.URL) === identity);
  const onPaste = (event: ClipboardEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const raw = event.clipboardData.getData('text/plain').trim();
    const canonical = canonicalUrl(raw);
    const replacesAll = input.value === '' || (input.selectionStart === 0 && input.selectionEnd === input.value.length);
    if (canonical === undefined || !replacesAll) return;
    event.preventDefault();
    setText(canonical);
    setPasted(raw === canonical ? null : raw);
  };
  return (
    <form
      className="add-source"
      onSubmit={(event) => {
        event.preventDefault();
        onAdd(text.trim());
        setText('');
        setPasted(null);
      }}
    >
      <label htmlFor={id}>Add source from URL</label>
      <div className="with-button">
        <input
          id={id}
          type="url"
          spellCheck={false}
          placeholder="Paste an address, or leave empty"
          value={text}
          onPaste={onPaste}
          onChange={(event) => {
            setText(event.target.value);
            setPasted(null);
          }}
        />
        <button type="submit">Add source</button>
      </div>
      {pasted !== null && pasted !== text ? (
        <p className="url-note">
          Canonical: <span className="url">{text}</span> (pasted as <span className="url">{pasted}</span>).
        </p>
      ) : null}
      {existing ? (
        <p className="url-note duplicate">
          Source «{sourceName(existing)}» has this address already.{' '}
          <button type="button" className="link" onClick={() => reveal({ part: 'source', sourceId: existing.id, field: 'URL' })}>
            Show it
          </button>
        </p>
      ) : null}
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// Merging and deleting: decisions, so each asks first.

function MergeDialog({
  mergedId,
  suggestedSurvivorId,
  onClose,
  onMerged,
}: {
  mergedId: string;
  suggestedSurvivorId: string | undefined;
  onClose: () => void;
  onMerged: (survivor: Source, merged: Source) => void;
}) {
  const story = useStoryEditor((state) => state.story);
  const numbers = useSourceNumbers();
  const sources = story?.sources ?? [];
  const merged = sources.find((source) => source.id === mergedId);
  const others = sources.filter((source) => source.id !== mergedId);
  // A source with the same article comes first to mind; otherwise the first other source.
  const [chosen, setChosen] = useState(() => suggestedSurvivorId ?? (story ? duplicateSources(story.sources).get(mergedId) : undefined) ?? others[0]?.id ?? '');
  const selectId = useId();
  const survivor = others.find((source) => source.id === chosen);
  if (!story || !merged) return null;
  const moving = placesCiting(story, mergedId).length;
  const label = (source: Source) => `[${numbers.get(source.id) ?? '?'}] ${sourceName(source)}${source['container-title'] ? ` — ${source['container-title']}` : ''}`;
  return (
    <Dialog title="Merge sources" onClose={onClose} className="merge-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!survivor) return;
          editStory((story) => mergeSources(story, survivor.id, merged.id));
          onMerged(survivor, merged);
        }}
      >
        <label htmlFor={selectId}>Merge «{sourceName(merged)}» into</label>
        <select id={selectId} value={chosen} onChange={(event) => setChosen(event.target.value)}>
          {others.map((source) => (
            <option key={source.id} value={source.id}>
              {label(source)}
            </option>
          ))}
        </select>
        {survivor ? (
          <p className="merge-summary">
            «{sourceName(merged)}» will be removed from the list. {moving === 0 ? 'No citation cites it.' : `Its ${plural(moving, 'citation')} will cite «${sourceName(survivor)}» instead.`}{' '}
            «{sourceName(survivor)}» keeps its own fields and takes any it lacks from the removed source.
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={!survivor}>
            Merge
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteCitedDialog({ sourceId, onClose, onDeleted }: { sourceId: string; onClose: () => void; onDeleted: (source: Source, neighbourId: string | undefined) => void }) {
  const story = useStoryEditor((state) => state.story);
  const index = story?.sources.findIndex((source) => source.id === sourceId) ?? -1;
  const source = story?.sources[index];
  if (!story || !source) return null;
  const { sources, sections, timeline } = story;
  const places = placesCiting(story, sourceId);
  const count = places.length;
  return (
    <Dialog title={`Delete «${sourceName(source)}»?`} onClose={onClose} className="delete-source-dialog">
      <p>
        This source is cited in {plural(count, 'place')}. Deleting it removes {count === 1 ? 'that citation' : 'those citations'} from the text; a citation that also cites
        other sources keeps them.
      </p>
      <ul className="blockers">
        {places.map((ref, at) => {
          const description = describeCitingPlace({ sections, timeline }, ref);
          return description ? (
            <li key={at}>
              <span className="place">{description.place}</span> {description.sentence ? <q>{description.sentence}</q> : null}
            </li>
          ) : null;
        })}
      </ul>
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => {
            editStory((story) => deleteSource(story, sourceId, { removeCitations: true }));
            onDeleted(source, (sources[index + 1] ?? sources[index - 1])?.id);
          }}
        >
          {count === 1 ? 'Remove the citation and delete' : `Remove the ${count} citations and delete`}
        </button>
      </div>
    </Dialog>
  );
}
