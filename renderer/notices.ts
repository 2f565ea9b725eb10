/**
 * Notices: what went wrong, said plainly at the top of the window, each dismissible. Every call
 * to the back end that can fail goes through `attempt`, which turns a failure into a notice.
 */
import { create } from 'zustand';
import { StorydeskError } from '../shared/errors';
import { HttpTransportError } from '../shared/http-client';

export interface Notice {
  id: number;
  message: string;
  /** Errors stay until dismissed; news (a backup made) is said politely and can be dismissed too. */
  tone: 'error' | 'news';
  /** The server could not be reached: the notice goes by itself once it can be again. */
  offline?: boolean;
}

/** Whether `error` says the back end could not be reached at all (no answer, not a refusal). */
export function isUnreachable(error: unknown): boolean {
  return error instanceof HttpTransportError && error.status === undefined;
}

/** The connection is back: notices that said it was lost go. */
export function dismissOfflineNotices(): void {
  if (!useNotices.getState().notices.some((notice) => notice.offline)) return;
  useNotices.setState((state) => ({ notices: state.notices.filter((notice) => !notice.offline) }));
}

interface NoticesState {
  notices: Notice[];
}

export const useNotices = create<NoticesState>(() => ({ notices: [] }));
let nextNoticeId = 1;

/** What went wrong, in words for an editor, with what to do when there is something to do. */
export function describeError(error: unknown, doing: string): string {
  if (error instanceof HttpTransportError) {
    if (error.status === 401 || error.status === 403) {
      return `Could not ${doing}: the server did not accept this page (${error.message}). Open the address the server printed again; its token lasts one run.`;
    }
    return `Could not ${doing}: ${error.message}`;
  }
  if (error instanceof StorydeskError || error instanceof Error) return `Could not ${doing}: ${error.message}`;
  return `Could not ${doing}: ${String(error)}`;
}

/** How long news stays on screen; errors stay until dismissed. */
const NEWS_SHOWN_MS = 12_000;

/** Shows a message; one already on screen is not shown twice (a dropped connection fails many calls). */
export function notify(message: string, tone: Notice['tone'] = 'error', options: { offline?: boolean } = {}): void {
  if (useNotices.getState().notices.some((notice) => notice.message === message)) return;
  const id = nextNoticeId++;
  useNotices.setState((state) => ({ notices: [...state.notices, { id, message, tone, ...(options.offline ? { offline: true } : {}) }] }));
  if (tone === 'news') setTimeout(() => dismissNotice(id), NEWS_SHOWN_MS);
}

/** `text` as a sentence: with a full stop unless it ends in one already (or in ? or !). */
export function asSentence(text: string): string {
  return /[.?!…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}

export function dismissNotice(id: number): void {
  useNotices.setState((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) }));
}

/** Runs `work`; a failure becomes a notice and `undefined`. */
export async function attempt<Result>(doing: string, work: () => Promise<Result>): Promise<Result | undefined> {
  try {
    return await work();
  } catch (error) {
    notify(describeError(error, doing), 'error', { offline: isUnreachable(error) });
    return undefined;
  }
}
