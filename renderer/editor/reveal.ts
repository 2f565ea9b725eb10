/**
 * Finding a place in the story from elsewhere: a coverage finding, a source's "cited in" list or
 * an undone edit names a location, and the part of the editor that shows it scrolls to it and
 * selects it. Each part registers a handler under its key while it is on screen.
 *
 * Also which part the editor is working in, so that the preview can follow it.
 */
import { useEffect, useState } from 'react';
import { create } from 'zustand';
import type { FindingLocation } from '../../shared/coverage-schema';
import { useStoryEditor } from '../story-state';

/** The part of the story a location is in: `section:ID`, `timeline:ID`, `source:ID`, `hero` or `story`. */
export function revealKey(location: FindingLocation): string {
  switch (location.part) {
    case 'section':
      return `section:${location.sectionId}`;
    case 'timeline':
      return `timeline:${location.entryId}`;
    case 'source':
      return `source:${location.sourceId}`;
    case 'hero':
      return 'hero';
    case 'story':
      return 'story';
  }
}

/** Scrolls to the location and selects it (a sentence, a citation, a field); focus goes there. */
export type RevealHandler = (location: FindingLocation) => void;

const handlers = new Map<string, RevealHandler>();

/** A location asked for before its part was drawn (long lists are drawn a screenful at a time). */
let waiting: { key: string; location: FindingLocation } | undefined;

/**
 * Whether every part of a long list must be drawn now: set when something asks to show a part
 * not drawn yet. Lists drawn in steps (useProgressiveCount) finish at once.
 */
export const useDrawEverything = create<{ all: boolean }>(() => ({ all: false }));

/** Registers the handler for a part's key; returns the function that removes it again. */
export function registerReveal(key: string, handler: RevealHandler): () => void {
  handlers.set(key, handler);
  if (waiting?.key === key) {
    const { location } = waiting;
    waiting = undefined;
    // After the commit that drew the part, so that its fields exist.
    requestAnimationFrame(() => handler(location));
  }
  return () => {
    if (handlers.get(key) === handler) handlers.delete(key);
  };
}

/**
 * Shows the location. A part not drawn yet is drawn first and shown as soon as it is; false when
 * the story has no such part (it was deleted since).
 */
export function reveal(location: FindingLocation): boolean {
  const key = revealKey(location);
  const handler = handlers.get(key);
  if (handler) {
    handler(location);
    return true;
  }
  if (!partExists(location)) return false;
  waiting = { key, location };
  useDrawEverything.setState({ all: true });
  return true;
}

/** Whether the open story has the part a location is in. */
function partExists(location: FindingLocation): boolean {
  const story = useStoryEditor.getState().story;
  if (!story) return false;
  switch (location.part) {
    case 'section':
      return story.sections.some((section) => section.id === location.sectionId);
    case 'timeline':
      return story.timeline.some((entry) => entry.id === location.entryId);
    case 'source':
      return story.sources.some((source) => source.id === location.sourceId);
    case 'hero':
    case 'story':
      return false;
  }
}

/**
 * How many items of a long list to draw: the first screenful at once, then the rest a step at a
 * time while the browser is idle, so that a huge story's headline and first section show at once.
 */
export function useProgressiveCount(total: number, first = 12, step = 40): number {
  const all = useDrawEverything((state) => state.all);
  const [count, setCount] = useState(first);
  useEffect(() => {
    if (all || count >= total) return undefined;
    const more = () => setCount((drawn) => drawn + step);
    if (typeof requestIdleCallback === 'function') {
      const handle = requestIdleCallback(more, { timeout: 200 });
      return () => cancelIdleCallback(handle);
    }
    const timer = setTimeout(more, 16);
    return () => clearTimeout(timer);
  }, [all, count, total, step]);
  return all ? total : Math.min(total, count);
}

/** The part being edited, which the preview keeps in view. */
export type ActivePart =
  | { part: 'story' }
  | { part: 'hero' }
  | { part: 'section'; id: string }
  | { part: 'source'; id: string }
  | { part: 'timeline'; id: string };

export const useActivePart = create<{ active: ActivePart | null }>(() => ({ active: null }));

function samePart(a: ActivePart | null, b: ActivePart): boolean {
  return a !== null && a.part === b.part && ('id' in a ? a.id : '') === ('id' in b ? b.id : '');
}

/** Called when focus enters a part of the editor. */
export function setActivePart(active: ActivePart): void {
  if (!samePart(useActivePart.getState().active, active)) useActivePart.setState({ active });
}
