/**
 * Finding a place in the story from elsewhere: a coverage finding, a source's "cited in" list or
 * an undone edit names a location, and the part of the editor that shows it scrolls to it and
 * selects it. Each part registers a handler under its key while it is on screen.
 *
 * Also which part the editor is working in, so that the preview can follow it.
 */
import { create } from 'zustand';
import type { FindingLocation } from '../../shared/coverage-schema';

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

/** Registers the handler for a part's key; returns the function that removes it again. */
export function registerReveal(key: string, handler: RevealHandler): () => void {
  handlers.set(key, handler);
  return () => {
    if (handlers.get(key) === handler) handlers.delete(key);
  };
}

/** Shows the location; false when no part on screen can (the part was deleted since). */
export function reveal(location: FindingLocation): boolean {
  const handler = handlers.get(revealKey(location));
  if (!handler) return false;
  handler(location);
  return true;
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
