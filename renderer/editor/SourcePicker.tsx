/**
 * The source picker's popup: the story's sources filtered by what was typed after `[` (a number,
 * or words of the title or outlet), drawn under the `[`. The editor keeps the focus; the arrows,
 * Enter, Tab and Escape reach the list through the editor's picker plugin (extensions.ts).
 */
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { EditorView } from '@tiptap/pm/view';
import type { Source } from '../../shared/model';
import { sourceName } from '../../shared/source-fields';
import { useStoryEditor } from '../story-state';
import { useCitationNumbering } from './citation-numbers';
import { closePicker, insertCitation, type PickerState } from './extensions';

export interface PickerOpen {
  state: PickerState;
  view: EditorView;
}

interface Choice {
  source: Source;
  number: number | undefined;
}

/**
 * Sources matching the query: by number (`2` finds source 2), else by words of the title, outlet,
 * address, note or published date (`2026-01` finds January's).
 */
export function filterSources(sources: readonly Source[], numbers: ReadonlyMap<string, number>, query: string): Choice[] {
  const choices = sources
    .map((source) => ({ source, number: numbers.get(source.id) }))
    .sort((a, b) => (a.number ?? Infinity) - (b.number ?? Infinity));
  const wanted = query.trim().toLowerCase();
  if (wanted === '') return choices;
  if (/^\d+$/.test(wanted)) return choices.filter((choice) => String(choice.number ?? '').startsWith(wanted));
  const words = wanted.split(/\s+/);
  return choices.filter(({ source }) => {
    const haystack = [source.title, source['container-title'], source.URL, source.note, source.issued].filter(Boolean).join(' ').toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/** The keys the popup answers while it is open; the editor asks here first (see PickerHost). */
export interface PickerKeys {
  onKeyDown(event: KeyboardEvent): boolean;
}

export function SourcePicker({ open, keysRef }: { open: PickerOpen; keysRef: { current: PickerKeys | null } }) {
  const sources = useStoryEditor((state) => state.story?.sources ?? NO_SOURCES);
  const numbers = useCitationNumbering((state) => state.numbers);
  const choices = filterSources(sources, numbers, open.state.query);
  const query = open.state.query;
  // The highlighted choice goes back to the first whenever the query changes.
  const [highlight, setHighlight] = useState({ query, index: 0 });
  const setActive = (index: number) => setHighlight({ query, index });
  const listId = useId();
  const listRef = useRef<HTMLUListElement>(null);
  const current = Math.min(highlight.query === query ? highlight.index : 0, Math.max(0, choices.length - 1));
  // Placed under the `[` as it is drawn now: drawn again when the pane scrolls.
  const [, setScrolled] = useState(0);
  useEffect(() => {
    const follow = () => setScrolled((count) => count + 1);
    document.addEventListener('scroll', follow, true);
    return () => document.removeEventListener('scroll', follow, true);
  }, []);
  const place = placeUnder(open);

  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  // The editor announces the list and the option it points at.
  useEffect(() => {
    const editable = open.view.dom;
    editable.setAttribute('aria-controls', listId);
    if (choices.length > 0) editable.setAttribute('aria-activedescendant', `${listId}-${current}`);
    else editable.removeAttribute('aria-activedescendant');
    return () => {
      editable.removeAttribute('aria-controls');
      editable.removeAttribute('aria-activedescendant');
    };
  }, [open.view, listId, current, choices.length]);

  const choose = (choice: Choice | undefined) => {
    if (choice) insertCitation(open.view, [choice.source.id]);
  };

  const keys: PickerKeys = {
    onKeyDown(event) {
      switch (event.key) {
        case 'ArrowDown':
          setActive(choices.length === 0 ? 0 : (current + 1) % choices.length);
          return true;
        case 'ArrowUp':
          setActive(choices.length === 0 ? 0 : (current - 1 + choices.length) % choices.length);
          return true;
        case 'Enter':
        case 'Tab':
          if (choices.length === 0) {
            if (event.key === 'Tab') return false;
            closePicker(open.view);
            return false;
          }
          choose(choices[current]);
          return true;
        case 'Escape':
          closePicker(open.view);
          return true;
        default:
          return false;
      }
    },
  };

  useLayoutEffect(() => {
    keysRef.current = keys;
  });

  if (!place) return null;
  return createPortal(
    <div className="source-picker" style={{ left: place.left, top: place.top }} onMouseDown={(event) => event.preventDefault()}>
      <p className="source-picker-hint" id={`${listId}-hint`}>
        {sources.length === 0
          ? 'This story has no sources yet: add them under Sources. Escape keeps the “[”.'
          : choices.length === 0
            ? `No source matches “${query}”. Escape keeps what you typed.`
            : 'Cite a source: ↑↓ to choose, Enter to insert, Esc to keep the “[”.'}
      </p>
      {choices.length > 0 ? (
        <ul role="listbox" id={listId} ref={listRef} aria-label="Sources to cite" aria-describedby={`${listId}-hint`}>
          {choices.map((choice, index) => (
            <li
              key={choice.source.id}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === current}
              onMouseEnter={() => setActive(index)}
              onClick={() => choose(choice)}
            >
              <span className="picker-number">[{choice.number ?? '?'}]</span>
              <span className="picker-title">{sourceName(choice.source)}</span>
              {choice.source['container-title'] || choice.source.issued ? (
                <span className="picker-outlet">{[choice.source['container-title'], choice.source.issued].filter(Boolean).join(' · ')}</span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>,
    document.body,
  );
}

const NO_SOURCES: Source[] = [];

/** Where the popup goes: under the `[` (undefined while the editor cannot say where that is). */
function placeUnder(open: PickerOpen): { left: number; top: number } | undefined {
  try {
    const coords = open.view.coordsAtPos(open.state.from);
    return { left: coords.left, top: coords.bottom + 4 };
  } catch {
    return undefined;
  }
}
