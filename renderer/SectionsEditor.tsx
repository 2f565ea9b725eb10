/**
 * The story's sections: each a heading and a rich-text body with citations. Sections are added,
 * deleted and reordered here: by dragging the handle, with Alt+↑/↓ from anywhere in a section,
 * or with its Move buttons. Every change is one step for undo.
 *
 * Only the section being typed in is drawn again on a keystroke: rows are memoised, their
 * callbacks are stable, and the sortable list's ids change only when sections are added, removed
 * or moved.
 */
import { DndContext, KeyboardSensor, PointerSensor, closestCenter, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS as DndCss } from '@dnd-kit/utilities';
import { memo, useCallback, useEffect, useId, useMemo, useRef, type KeyboardEvent } from 'react';
import type { Paragraph, Section } from '../shared/model';
import { emptySection, insertItem, moveItem, removeItem, updateItem } from '../shared/story-edits';
import { isMac } from './commands';
import { RichText, type RichTextHandle } from './editor/RichText';
import { registerReveal, setActivePart, useProgressiveCount } from './editor/reveal';
import { notify } from './notices';
import { editStory, useStoryEditor } from './story-state';

const NO_SECTIONS: Section[] = [];

/** Keeps focus where it was across a move: React may re-insert the moved row, which would drop it. */
function keepingFocus(move: () => void): void {
  const focused = document.activeElement;
  move();
  requestAnimationFrame(() => {
    if (focused instanceof HTMLElement && focused.isConnected && document.activeElement !== focused) focused.focus({ preventScroll: false });
    if (focused instanceof HTMLElement) focused.scrollIntoView({ block: 'nearest' });
  });
}

export function moveSection(id: string, by: number): void {
  keepingFocus(() =>
    editStory((story) => {
      const index = story.sections.findIndex((section) => section.id === id);
      return index === -1 ? story : moveItem(story, 'sections', id, index + by);
    }),
  );
}

/** Adds an empty section after `afterId` (at the end without one) and puts the cursor in its heading. */
export function addSection(afterId?: string): void {
  let added: string | undefined;
  editStory((story) => {
    const section = emptySection(story);
    added = section.id;
    const index = afterId === undefined ? story.sections.length : story.sections.findIndex((existing) => existing.id === afterId) + 1;
    return insertItem(story, 'sections', section, index);
  });
  if (added) focusSectionHeading(added);
}

function focusSectionHeading(id: string): void {
  requestAnimationFrame(() => document.querySelector<HTMLInputElement>(`[data-section-id="${CSS.escape(id)}"] input.section-heading`)?.focus());
}

function deleteSection(id: string): void {
  const story = useStoryEditor.getState().story;
  const index = story?.sections.findIndex((section) => section.id === id) ?? -1;
  const section = story?.sections[index];
  if (!section) return;
  const neighbour = story?.sections[index + 1] ?? story?.sections[index - 1];
  editStory((current) => removeItem(current, 'sections', id));
  notify(`Deleted section ${index + 1}${section.heading ? ` «${section.heading}»` : ''}. ${isMac() ? '⌘Z' : 'Ctrl+Z'} brings it back.`, 'news');
  if (neighbour) focusSectionHeading(neighbour.id);
}

/** The sections' ids in order, as one string: it changes only when sections come, go or move. */
function sectionIds(sections: readonly Section[] | undefined): string {
  return (sections ?? NO_SECTIONS).map((section) => section.id).join('\n');
}

export function SectionsEditor({ readOnly }: { readOnly: boolean }) {
  const idsKey = useStoryEditor((state) => sectionIds(state.story?.sections));
  const ids = useMemo(() => (idsKey === '' ? [] : idsKey.split('\n')), [idsKey]);
  const headingId = useId();
  return (
    <section className="sections-editor" aria-labelledby={headingId}>
      <h2 id={headingId}>Sections</h2>
      {ids.length === 0 ? <p className="empty-note">No sections yet. A section is a heading and its paragraphs.</p> : null}
      <SortableSections ids={ids} readOnly={readOnly} />
      {readOnly ? null : (
        <button type="button" className="add-part" onClick={() => addSection()}>
          Add section
        </button>
      )}
    </section>
  );
}

/**
 * The sortable list. Its props change only when sections come, go or move: dnd-kit draws every
 * sortable row again whenever its context does, so typing must not reach this component. Each
 * row reads its own section from the store instead.
 */
const SortableSections = memo(function SortableSections({ ids, readOnly }: { ids: string[]; readOnly: boolean }) {
  const drawn = useProgressiveCount(ids.length);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));
  const onDragEnd = useCallback((event: DragEndEvent) => {
    const { active, over } = event;
    if (!over || active.id === over.id) return;
    editStory((story) => moveItem(story, 'sections', String(active.id), story.sections.findIndex((section) => section.id === over.id)));
  }, []);
  return (
    <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
      <SortableContext items={ids} strategy={verticalListSortingStrategy} disabled={readOnly}>
        <ol className="section-list">
          {ids.slice(0, drawn).map((id, index) => (
            <SectionItem key={id} id={id} index={index} count={ids.length} readOnly={readOnly} />
          ))}
        </ol>
      </SortableContext>
    </DndContext>
  );
});

interface SectionItemProps {
  id: string;
  index: number;
  count: number;
  readOnly: boolean;
}

const SectionItem = memo(function SectionItem({ id, index, count, readOnly }: SectionItemProps) {
  // Only the row whose section changed draws again on a keystroke.
  const section = useStoryEditor((state) => state.story?.sections[index]);
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id, disabled: readOnly });
  const body = useRef<RichTextHandle>(null);
  const heading = useRef<HTMLInputElement>(null);
  const headingInputId = useId();
  const number = index + 1;

  const onBodyChange = useCallback(
    (content: Paragraph[]) => editStory((story) => updateItem(story, 'sections', id, (current) => ({ ...current, body: content })), { coalesce: `section:${id}:body` }),
    [id],
  );

  useEffect(
    () =>
      registerReveal(`section:${id}`, (location) => {
        if (location.part !== 'section') return;
        if (location.field === 'heading') {
          heading.current?.scrollIntoView({ block: 'center' });
          heading.current?.focus();
          heading.current?.select();
          return;
        }
        body.current?.select({
          paragraph: location.paragraph,
          ...(location.inline !== undefined ? { inline: location.inline } : {}),
          ...(location.inline === undefined && location.sentence ? { start: location.sentence.start, end: location.sentence.end } : {}),
        });
      }),
    [id],
  );

  if (!section || section.id !== id) return null;

  const onKeyDown = (event: KeyboardEvent) => {
    if (readOnly || !event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
    event.preventDefault();
    event.stopPropagation();
    moveSection(id, event.key === 'ArrowUp' ? -1 : 1);
  };

  return (
    <li
      ref={setNodeRef}
      className={`section-item${isDragging ? ' dragging' : ''}`}
      style={{ transform: DndCss.Transform.toString(transform), transition }}
      data-section-id={id}
      aria-label={`Section ${number} of ${count}${section.heading ? `: ${section.heading}` : ''}`}
      onKeyDownCapture={onKeyDown}
      onFocusCapture={() => setActivePart({ part: 'section', id })}
    >
      <button
        type="button"
        ref={setActivatorNodeRef}
        className="drag-handle"
        disabled={readOnly}
        {...attributes}
        {...listeners}
        aria-label={`Move section ${number} (drag, or Alt+↑ and Alt+↓)`}
        aria-roledescription="sortable section"
      >
        ⠿
      </button>
      <div className="section-fields">
        <div className="section-heading-row">
          <label className="section-number" htmlFor={headingInputId}>
            Section {number}
          </label>
          <input
            id={headingInputId}
            ref={heading}
            className="section-heading"
            value={section.heading}
            placeholder="Heading"
            disabled={readOnly}
            aria-label={`Section ${number} heading`}
            onChange={(event) =>
              editStory((story) => updateItem(story, 'sections', id, (current) => ({ ...current, heading: event.target.value })), { coalesce: `section:${id}:heading` })
            }
            onKeyDown={(event) => {
              // Enter goes on to the text, as in a word processor.
              if (event.key === 'Enter' && !event.altKey) {
                event.preventDefault();
                body.current?.focus();
              }
            }}
          />
        </div>
        <RichText label={`Section ${number} text`} content={section.body} onChange={onBodyChange} readOnly={readOnly} handle={body} placeholder="Write the section; type [ to cite a source." />
        {readOnly ? null : (
          <div className="section-actions">
            <button type="button" disabled={index === 0} onClick={() => moveSection(id, -1)} aria-label={`Move section ${number} up`}>
              Move up
            </button>
            <button type="button" disabled={index === count - 1} onClick={() => moveSection(id, 1)} aria-label={`Move section ${number} down`}>
              Move down
            </button>
            <button type="button" onClick={() => addSection(id)} aria-label={`Add a section after section ${number}`}>
              Add section below
            </button>
            <button type="button" className="danger" onClick={() => deleteSection(id)} aria-label={`Delete section ${number}`}>
              Delete
            </button>
          </div>
        )}
      </div>
    </li>
  );
});
