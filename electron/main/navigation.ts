/**
 * What a Storydesk page may open, and the guards that enforce it on every web contents:
 * navigation away from the loaded page is denied, new windows are denied (a request for a story
 * window is turned into our own window, a web link into the system browser after
 * `isExternalWebUrl`), `<webview>` is refused, and every permission request is denied.
 *
 * The decisions are pure functions; `guardWebContents` and `denyAllPermissions` attach them to
 * Electron objects given as arguments, so the tests drive them with stand-ins.
 */
import type { Event, Session, WebContents, WebContentsWillFrameNavigateEventParams, WebContentsWillNavigateEventParams, WindowOpenHandlerResponse } from 'electron';
import { IdSchema } from '../../shared/model';
import { APP_ORIGIN, containsControlCharacter, INDEX_FILE } from '../app-protocol';
import { isTrustedSender } from '../ipc';

/** Longer than any real article address; a longer one is more likely an attack than a link. */
const MAX_EXTERNAL_URL_LENGTH = 4096;

/**
 * Whether `url` may be handed to the system browser: http or https, a host, no user name or
 * password (`https://bank.example@evil.example/` reads as the bank), and nothing the URL parser
 * would have to repair (surrounding spaces, control characters, backslashes).
 */
export function isExternalWebUrl(url: unknown): url is string {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_EXTERNAL_URL_LENGTH) return false;
  if (/[\s\\]/.test(url) || containsControlCharacter(url)) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  return parsed.hostname !== '';
}

/** The page of the library window. */
export const LIBRARY_WINDOW_URL = `${APP_ORIGIN}/${INDEX_FILE}`;

/** The page of a story's own window; the renderer opens one with `window.open(storyWindowUrl(id))`. */
export function storyWindowUrl(storyId: string): string {
  return `${APP_ORIGIN}/${INDEX_FILE}?story=${encodeURIComponent(storyId)}`;
}

/** The story a story-window address names, or undefined for any other address. */
export function storyIdFromAppUrl(url: string): string | undefined {
  if (!isTrustedSender(url)) return undefined;
  const parsed = new URL(url);
  if (parsed.pathname !== '/' && parsed.pathname !== `/${INDEX_FILE}`) return undefined;
  const ids = parsed.searchParams.getAll('story');
  if (ids.length !== 1 || [...parsed.searchParams.keys()].length !== 1) return undefined;
  const parsedId = IdSchema.safeParse(ids[0]);
  return parsedId.success ? parsedId.data : undefined;
}

export interface NavigationActions {
  /** Opens the story's window, or focuses it if it is open. */
  openStory: (storyId: string) => void;
  /** `shell.openExternal`; only ever called with a URL that passed `isExternalWebUrl`. */
  openExternal: (url: string) => void;
  /** Told of each navigation or window refused outright, for the log. */
  onRefused?: (what: string, url: string) => void;
}

/** What a denied navigation or window request leads to instead. */
export function redirectRequest(url: string, fromTrustedPage: boolean, actions: NavigationActions, what: string): void {
  const storyId = fromTrustedPage ? storyIdFromAppUrl(url) : undefined;
  if (storyId !== undefined) actions.openStory(storyId);
  else if (isExternalWebUrl(url)) actions.openExternal(url);
  else actions.onRefused?.(what, url);
}

/** Frames the preview may hold: its srcdoc document, or an empty one. */
const INERT_FRAME_URLS = new Set(['about:srcdoc', 'about:blank']);

/** The parts of WebContents the guards use. */
export type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler' | 'getURL'>;

/**
 * Attaches the navigation guards to one web contents (main calls it from
 * `app.on('web-contents-created')`, so no contents is ever without them).
 */
export function guardWebContents(contents: GuardedContents, actions: NavigationActions): void {
  const fromTrustedPage = () => isTrustedSender(contents.getURL());

  // The top frame never leaves the page it was given; a change of hash or history state within
  // the app's own page (isSameDocument) is the renderer's routing, not a navigation.
  contents.on('will-navigate', (event: Event<WebContentsWillNavigateEventParams>) => {
    if (event.isSameDocument && isTrustedSender(event.url)) return;
    event.preventDefault();
    redirectRequest(event.url, fromTrustedPage(), actions, 'navigation');
  });

  // Sub-frames (the preview's iframe) may show their srcdoc and nothing else; a link clicked in
  // the preview opens in the system browser. The top frame is handled by will-navigate above.
  contents.on('will-frame-navigate', (event: Event<WebContentsWillFrameNavigateEventParams>) => {
    if (event.isMainFrame || INERT_FRAME_URLS.has(event.url)) return;
    event.preventDefault();
    redirectRequest(event.url, false, actions, 'frame navigation');
  });

  // Nothing Storydesk loads redirects; a redirect is someone else's doing.
  contents.on('will-redirect', (event: Event) => {
    event.preventDefault();
  });

  contents.setWindowOpenHandler((details): WindowOpenHandlerResponse => {
    redirectRequest(details.url, fromTrustedPage(), actions, 'new window');
    return { action: 'deny' };
  });

  contents.on('will-attach-webview', (event: Event) => {
    event.preventDefault();
  });
}

/** Every permission a page may ask for (camera, notifications, clipboard reads, …) is refused. */
export function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
