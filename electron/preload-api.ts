/**
 * What the preload puts on `window.storydesk`, as types only: one function per method of the API
 * contract (shared/api.ts), and `on` for the events the main process sends. The renderer will
 * `import type` this (it adds nothing at run time, so no Electron or Node reaches the page).
 *
 * A call that fails rejects with the error's payload, `{ code, message, details }` (shared/errors.ts
 * `ErrorPayload`), never with an Error: errors cannot cross the context bridge with their fields.
 * The renderer rebuilds the typed error with `errorFromPayload`.
 */
import type { ApiHandlers } from '../shared/api';
import type { WindowCommand } from '../shared/commands';

/** Menu items whose work happens in the window (shared/commands.ts): main sends them to the focused window. */
export type MenuCommand = WindowCommand;

/** How a story changed: `created` also covers duplicates and imports as new stories. */
export type StoryChangeKind = 'created' | 'saved' | 'trashed' | 'restored' | 'purged';

export interface StoryChange {
  storyId: string;
  change: StoryChangeKind;
  /** The story's revision after the change, when the API's answer says it. */
  revision?: number;
}

/** Every event main sends to windows, by name, with its payload. */
export interface StorydeskEvents {
  /** A menu item (or its shortcut) was chosen while this window was focused. */
  'menu-command': { command: MenuCommand };
  /** A story was changed through the API, by this window or another: lists and open editors refresh. */
  'story-changed': StoryChange;
}

export type StorydeskEventName = keyof StorydeskEvents;

/** `window.storydesk` in the Electron app. */
export interface StorydeskBridge extends ApiHandlers {
  /** Calls `listener` with each event's payload; the returned function stops listening. */
  on<Event extends StorydeskEventName>(event: Event, listener: (payload: StorydeskEvents[Event]) => void): () => void;
}
