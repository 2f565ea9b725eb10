/**
 * The renderer's one way to the back end: the API contract (shared/api.ts) as `ApiHandlers`, and
 * the "a story changed" events. In Electron the preload offers both on `window.storydesk`; in
 * browser mode they travel over HTTP and Server-Sent Events to the loopback server, with the
 * per-run token read from the address's `#token=` fragment.
 */
import { API_METHODS, type ApiHandlers, type ApiMethod } from '../shared/api';
import type { WindowCommand } from '../shared/commands';
import { errorFromPayload, type ErrorCode, type ErrorPayload } from '../shared/errors';
import { IdSchema } from '../shared/model';
import { createHttpClient, eventsUrl, subscribeToEvents, tokenFromFragment } from '../shared/http-client';

/**
 * What the Electron preload puts on `window.storydesk` (electron/preload-api.ts, which the
 * renderer may not import): the API's methods, and `on` for the events main sends.
 */
interface BridgeEvents {
  'story-changed': { storyId: string; change: string; revision?: number };
  'menu-command': { command: WindowCommand };
}
interface StorydeskBridge extends ApiHandlers {
  on<Event extends keyof BridgeEvents>(event: Event, listener: (payload: BridgeEvents[Event]) => void): () => void;
}

declare global {
  interface Window {
    storydesk?: StorydeskBridge;
  }
}

/** What the UI hears from the back end. */
export interface BackendListeners {
  /** A story changed (here or in another window or tab): `id` is the story's. */
  onStoryChanged: (id: string) => void;
  /** The event stream (re)opened or the library's rules changed: refetch what is on screen. */
  onResync: () => void;
  /** A native menu item (or its shortcut) was chosen: Electron only. */
  onMenuCommand?: (command: WindowCommand) => void;
}

export interface Backend {
  api: ApiHandlers;
  listen(listeners: BackendListeners): () => void;
}

/** Says why the page cannot reach the library; shown to the editor as it is. */
export class NoBackendError extends Error {
  constructor() {
    super(
      'This page has no access token, so it cannot reach the library. Open the address that `npm run serve` printed ' +
        '(it ends in #token=…), or start Storydesk again.',
    );
    this.name = 'NoBackendError';
  }
}

const ERROR_CODES: readonly ErrorCode[] = ['not-found', 'conflict', 'invalid-input', 'publish-blocked', 'library-unusable', 'internal'];

function isErrorPayload(value: unknown): value is ErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof message === 'string' && ERROR_CODES.includes(code as ErrorCode);
}

/** The preload rejects with plain `{ code, message, details }`: rebuild the typed error. */
function electronBackend(bridge: StorydeskBridge): Backend {
  const api: Partial<Record<ApiMethod, (request: unknown) => Promise<unknown>>> = {};
  for (const method of API_METHODS) {
    const call = bridge[method] as (request: unknown) => Promise<unknown>;
    api[method] = (request) =>
      call(request).catch((error: unknown) => {
        throw isErrorPayload(error) ? errorFromPayload(error) : error;
      });
  }
  return {
    // Each entry wraps the bridge's own method of the same name.
    api: api as ApiHandlers,
    listen({ onStoryChanged, onMenuCommand }) {
      const unsubscribe = [
        bridge.on('story-changed', (change) => onStoryChanged(change.storyId)),
        bridge.on('menu-command', ({ command }) => onMenuCommand?.(command)),
      ];
      return () => unsubscribe.forEach((stop) => stop());
    },
  };
}

const TOKEN_KEY = 'storydesk-token';

/** Browser mode's token once connected, for the addresses of new tabs. */
let browserToken: string | undefined;

/**
 * This page's address with another query, for a new window or tab of the app (a story's own
 * window is `?story=ID`). In browser mode it carries the token in its fragment, as the address
 * the server printed does; in Electron main turns a story address into the story's window.
 */
export function appPageAddress(search: string): string {
  const address = new URL(location.href);
  address.search = search;
  address.hash = browserToken ? `token=${browserToken}` : '';
  return address.toString();
}

/** The story this window is for (`?story=ID`), or null for the library window. */
export function storyOfThisWindow(): string | null {
  const parsed = IdSchema.safeParse(new URLSearchParams(location.search).get('story'));
  return parsed.success ? parsed.data : null;
}

/**
 * The token from the fragment, kept for this tab only (sessionStorage, so a reload still works)
 * and taken out of the address bar so it is not shown, bookmarked or copied along.
 */
function takeToken(): string | undefined {
  const fromFragment = tokenFromFragment(location.hash);
  if (fromFragment) {
    sessionStorage.setItem(TOKEN_KEY, fromFragment);
    history.replaceState(history.state, '', location.pathname + location.search);
    return fromFragment;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

function browserBackend(token: string): Backend {
  const baseUrl = location.origin;
  return {
    api: createHttpClient({ baseUrl, token, fetch: (url, init) => fetch(url, init) }),
    listen({ onStoryChanged, onResync }) {
      return subscribeToEvents({
        url: eventsUrl(baseUrl),
        token,
        EventSource,
        onEvent: (event) => (event.type === 'story-changed' ? onStoryChanged(event.id) : onResync()),
        onOpen: onResync,
        schedule: (work, delayMs) => {
          const timer = setTimeout(work, delayMs);
          return () => clearTimeout(timer);
        },
      });
    },
  };
}

/** The back end this page talks to; throws NoBackendError in a browser tab without a token. */
export function connectBackend(): Backend {
  if (window.storydesk) return electronBackend(window.storydesk);
  const token = takeToken();
  if (!token) throw new NoBackendError();
  browserToken = token;
  return browserBackend(token);
}
