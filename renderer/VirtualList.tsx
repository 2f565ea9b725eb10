/**
 * A list that puts only the rows near the screen in the page, so that a library of 10,000
 * stories costs what a screenful costs. It stays a plain <ul> of <li>s: each rendered row
 * carries its place (`aria-posinset`, `aria-setsize`) so assistive technology still hears
 * "row 57 of 10,000", and the up and down arrows, Home and End move the focus through every
 * row, rendering the row they move to first. Rows may differ in height: each is measured once
 * it is rendered, and rows not measured yet count as the average of those that are.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { flushSync } from 'react-dom';

/** What a row's <li> carries besides its place: a class, data attributes. */
export type RowAttributes = { className?: string } & { [attribute: `data-${string}`]: string | undefined };

/** Rows rendered beyond each edge of the screen, so a short scroll never shows a gap. */
const OVERSCAN_ROWS = 6;

/** The part of the list on screen, in pixels from the list's top. */
interface Viewport {
  top: number;
  height: number;
}

interface RowRange {
  /** Rendered rows: [start, end). */
  start: number;
  end: number;
  /** Rows at least partly on screen: [first, last). */
  first: number;
  last: number;
}

export interface VirtualListProps<Item> {
  items: readonly Item[];
  /** A stable identity per item: measured heights follow it when rows move. */
  keyOf: (item: Item) => string;
  /** A row's content; the list renders the <li> around it. */
  renderRow: (item: Item, index: number) => ReactNode;
  rowAttributes?: (item: Item) => RowAttributes;
  /** The element that scrolls (the list's labelled region); the <ul> is its content. */
  scrollerRef: RefObject<HTMLElement | null>;
  /** A row's height before any row was measured. */
  estimatedRowHeight: number;
  /** The element of each row that the arrow keys move the focus between. */
  focusSelector: string;
  /** False while more rows can be loaded after the last one (End then waits for them). */
  complete: boolean;
  /** End pressed while the list is not complete: load the rest (the last row is focused after). */
  onLoadAll?: () => Promise<void>;
  /** The rows on screen changed (after a scroll, a resize or new items): [first, last). */
  onVisibleRowsChange?: (first: number, last: number) => void;
}

/** The first index whose row ends below `y` (rows are sorted by their tops). */
function rowAt(offsets: Float64Array, count: number, y: number): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((offsets[middle + 1] ?? 0) <= y) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The rendered and the visible rows for a scroll position. */
function rangeFor(offsets: Float64Array, count: number, viewport: Viewport): RowRange {
  const first = Math.min(rowAt(offsets, count, Math.max(viewport.top, 0)), count);
  const last = Math.min(rowAt(offsets, count, viewport.top + viewport.height) + 1, count);
  return { start: Math.max(first - OVERSCAN_ROWS, 0), end: Math.min(last + OVERSCAN_ROWS, count), first, last };
}

const sameRange = (a: RowRange, b: RowRange) => a.start === b.start && a.end === b.end && a.first === b.first && a.last === b.last;

export function VirtualList<Item>({
  items,
  keyOf,
  renderRow,
  rowAttributes,
  scrollerRef,
  estimatedRowHeight,
  focusSelector,
  complete,
  onLoadAll,
  onVisibleRowsChange,
}: VirtualListProps<Item>) {
  const listRef = useRef<HTMLUListElement>(null);
  /** Measured heights by item key. */
  const [heights, setHeights] = useState<ReadonlyMap<string, number>>(() => new Map());
  /** The part of the list on screen; until the first scroll or resize, a guess. */
  const [viewport, setViewport] = useState<Viewport>({ top: 0, height: 1000 });
  /** The row holding the keyboard focus stays rendered when it scrolls away. */
  const [focusedKey, setFocusedKey] = useState<string | null>(null);
  /** The row the keys move to, rendered (then focused) even when it is far from the screen. */
  const [pendingFocus, setPendingFocus] = useState<number | 'last' | null>(null);

  // Each row's top, from the measured heights and the average of those for the rest.
  const offsets = useMemo(() => {
    let total = 0;
    let count = 0;
    for (const item of items) {
      const height = heights.get(keyOf(item));
      if (height !== undefined) {
        total += height;
        count++;
      }
    }
    const fallback = count > 0 ? total / count : estimatedRowHeight;
    const tops = new Float64Array(items.length + 1);
    items.forEach((item, index) => {
      tops[index + 1] = (tops[index] ?? 0) + (heights.get(keyOf(item)) ?? fallback);
    });
    return tops;
  }, [items, keyOf, heights, estimatedRowHeight]);

  const range = rangeFor(offsets, items.length, viewport);

  /** What the observers (which outlive a render) read: the latest items, offsets and viewport. */
  const latest = useRef({ items, offsets, keyOf, viewport, heights });
  /** Where the list is scrolled to now (the state changes only when other rows must render). */
  const position = useRef<Viewport>(viewport);
  useLayoutEffect(() => {
    latest.current = { items, offsets, keyOf, viewport, heights };
  });

  // Scrolling and resizing move the viewport; only a change of the rows to render re-renders.
  useEffect(() => {
    const scroller = scrollerRef.current;
    const list = listRef.current;
    if (!scroller || !list) return;
    const follow = () => {
      const listTop = list.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
      const next = { top: scroller.scrollTop - listTop, height: scroller.clientHeight };
      position.current = next;
      const { items: current, offsets: tops, viewport: shown } = latest.current;
      if (next.height === shown.height && sameRange(rangeFor(tops, current.length, next), rangeFor(tops, current.length, shown))) return;
      latest.current.viewport = next;
      setViewport(next);
    };
    follow();
    scroller.addEventListener('scroll', follow, { passive: true });
    const resizes = new ResizeObserver(follow);
    resizes.observe(scroller);
    return () => {
      scroller.removeEventListener('scroll', follow);
      resizes.disconnect();
    };
  }, [scrollerRef]);

  useEffect(() => onVisibleRowsChange?.(range.first, range.last), [onVisibleRowsChange, range.first, range.last]);

  // Rows are measured as they are rendered. A row above the screen that turns out taller or
  // shorter than counted moves the scroll position by the difference, so what is on screen stays put.
  const rowSizes = useRef<ResizeObserver | null>(null);
  useEffect(() => () => rowSizes.current?.disconnect(), []);
  const measure = useCallback(
    (element: HTMLElement | null) => {
      if (!element) return undefined;
      rowSizes.current ??= new ResizeObserver((entries) => {
        const { items: current, offsets: tops, keyOf: keyOfItem, heights: known } = latest.current;
        const measuredNow = new Map<string, number>();
        let shift = 0;
        for (const entry of entries) {
          const index = Number((entry.target as HTMLElement).dataset.index);
          const item = current[index];
          if (item === undefined) continue;
          const height = entry.borderBoxSize[0]?.blockSize ?? (entry.target as HTMLElement).offsetHeight;
          const key = keyOfItem(item);
          if (known.get(key) === height) continue;
          measuredNow.set(key, height);
          const top = tops[index] ?? 0;
          const counted = (tops[index + 1] ?? top) - top;
          if (top + counted <= position.current.top) shift += height - counted;
        }
        if (measuredNow.size === 0) return;
        const scroller = scrollerRef.current;
        if (scroller && shift !== 0) scroller.scrollTop += shift;
        setHeights((before) => new Map([...before, ...measuredNow]));
      });
      const observer = rowSizes.current;
      observer.observe(element);
      return () => observer.unobserve(element);
    },
    [scrollerRef],
  );

  /** Renders the row at `target` if it is not, then gives its focusable element the focus. */
  const focusRow = (target: number | 'last') => {
    flushSync(() => setPendingFocus(target));
    const index = target === 'last' ? latest.current.items.length - 1 : target;
    listRef.current?.querySelector<HTMLElement>(`li[data-index="${index}"] ${focusSelector}`)?.focus();
    setPendingFocus(null);
  };

  const moveFocus = (event: KeyboardEvent<HTMLUListElement>) => {
    const active = document.activeElement;
    const row = active?.closest<HTMLElement>('li[data-index]');
    const current = row && active?.matches(focusSelector) ? Number(row.dataset.index) : -1;
    const target =
      event.key === 'ArrowDown'
        ? Math.min(current + 1, items.length - 1)
        : event.key === 'ArrowUp'
          ? Math.max(current - 1, 0)
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? 'last'
              : undefined;
    if (target === undefined || (current === -1 && event.key !== 'Home' && event.key !== 'End')) return;
    event.preventDefault();
    if (target === 'last' && !complete && onLoadAll) void onLoadAll().then(() => focusRow('last'));
    else focusRow(target);
  };

  const rendered = new Set<number>();
  for (let index = range.start; index < range.end; index++) rendered.add(index);
  if (focusedKey !== null) {
    const focusedIndex = items.findIndex((item) => keyOf(item) === focusedKey);
    if (focusedIndex !== -1) rendered.add(focusedIndex);
  }
  const focusTarget = pendingFocus === 'last' ? items.length - 1 : pendingFocus;
  if (focusTarget !== null && focusTarget >= 0 && focusTarget < items.length) rendered.add(focusTarget);
  const setSize = complete ? items.length : -1;

  return (
    <ul
      ref={listRef}
      style={{ position: 'relative', height: offsets[items.length] ?? 0 }}
      onKeyDown={moveFocus}
      onFocus={(event) => {
        const index = Number(event.target.closest<HTMLElement>('li[data-index]')?.dataset.index);
        const item = items[index];
        setFocusedKey(item === undefined ? null : keyOf(item));
      }}
      onBlur={(event) => {
        if (!(event.relatedTarget instanceof Node) || !event.currentTarget.contains(event.relatedTarget)) setFocusedKey(null);
      }}
    >
      {[...rendered]
        .sort((a, b) => a - b)
        .map((index) => {
          const item = items[index] as Item;
          return (
            <li
              key={keyOf(item)}
              {...rowAttributes?.(item)}
              ref={measure}
              style={{ position: 'absolute', top: offsets[index] ?? 0, left: 0, right: 0 }}
              data-index={index}
              aria-posinset={index + 1}
              aria-setsize={setSize}
            >
              {renderRow(item, index)}
            </li>
          );
        })}
    </ul>
  );
}
