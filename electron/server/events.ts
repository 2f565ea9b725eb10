/**
 * What the server tells every open page: a story changed, the rules changed. Events come from
 * the API calls the server carries (`eventsAfterCall`, derived from the method and its
 * response) and from whoever else holds the emitter (a future file watcher, the Electron main
 * process), so that a second tab learns of a save made in the first.
 */
import type { ApiMethod, ApiResponse } from '../../shared/api';
import type { ServerEvent } from '../../shared/http-client';

export interface ServerEvents {
  publish(event: ServerEvent): void;
  /** Calls `listener` with every event published from now on, until the returned function is called. */
  subscribe(listener: (event: ServerEvent) => void): () => void;
}

export function createServerEvents(): ServerEvents {
  const listeners = new Set<(event: ServerEvent) => void>();
  return {
    publish(event) {
      for (const listener of [...listeners]) listener(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * The events a successful call causes. `response` is what the service returned for `method`
 * (so it matches the contract); `request` is read only where the response cannot say, which is
 * whether a final export may have saved a revision.
 */
export function eventsAfterCall(method: ApiMethod, request: unknown, response: unknown): ServerEvent[] {
  const story = (change: Extract<ServerEvent, { type: 'story-changed' }>['change'], id: string, revision?: number): ServerEvent => ({
    type: 'story-changed',
    id,
    change,
    ...(revision === undefined ? {} : { revision }),
  });
  switch (method) {
    case 'createStory':
    case 'duplicateStory': {
      const created = response as ApiResponse<'createStory'>;
      return [story('created', created.id, created.revision)];
    }
    case 'importText': {
      const { story: created } = response as ApiResponse<'importText'>;
      return [story('created', created.id, created.revision)];
    }
    case 'saveStory':
    case 'restoreRevision': {
      const saved = response as ApiResponse<'saveStory'>;
      return [story('saved', saved.id, saved.revision)];
    }
    case 'setStoryStatus': {
      const saved = response as ApiResponse<'setStoryStatus'>;
      return [story('status', saved.id, saved.revision)];
    }
    case 'trashStory': {
      const summary = response as ApiResponse<'trashStory'>;
      return [story('trashed', summary.id, summary.revision)];
    }
    case 'restoreStory': {
      const summary = response as ApiResponse<'restoreStory'>;
      return [story('restored', summary.id, summary.revision)];
    }
    case 'purgeStory':
      return [story('purged', (response as ApiResponse<'purgeStory'>).id)];
    case 'importBundle':
      return (response as ApiResponse<'importBundle'>).imported.map((imported) => story('imported', imported.id));
    case 'exportStory': {
      // A final export over blockers keeps its reason with a new revision of the story.
      const { id, final, overrideReason } = request as { id: string; final?: boolean; overrideReason?: string };
      return final && overrideReason ? [story('saved', id)] : [];
    }
    case 'setCoverageRules':
      return [{ type: 'rules-changed' }];
    default:
      return [];
  }
}
