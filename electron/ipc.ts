/**
 * The IPC transport of the API contract (shared/api.ts). The main process registers one
 * `ipcMain.handle('storydesk:<method>')` per API method; each checks who is calling
 * (`isTrustedSender`: the top frame of a page served from app://storydesk/), calls the service,
 * and answers `{ ok: true, value }` or `{ ok: false, error: payload }`: an error is never thrown
 * across IPC, where Electron would reduce it to a message string.
 *
 * The preload imports the channel and event names from here, so this module takes `ipcMain` and
 * the service as arguments and imports Electron and the API schemas as types only: what the
 * preload bundle keeps of it is plain data (scripts/build.js refuses a preload bundle that
 * requires anything but `electron`).
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { ApiHandlers, ApiMethod, ApiRequest, ApiResponse } from '../shared/api';
import { WINDOW_COMMANDS } from '../shared/commands';
import { StorydeskError, type ErrorPayload } from '../shared/errors';
import { APP_HOST, APP_SCHEME } from './app-protocol';
import type { MenuCommand, StoryChange, StorydeskEventName } from './preload-api';

/**
 * Every API method, spelled out so the preload need not load the zod schemas to learn them.
 * `Record<ApiMethod, true>` makes the type checker reject a missing or an extra name, and a test
 * compares the list with `API_METHODS`.
 */
const API_METHOD_NAMES: Record<ApiMethod, true> = {
  listStories: true,
  listFeeds: true,
  searchStories: true,
  createStory: true,
  getStory: true,
  saveStory: true,
  duplicateStory: true,
  trashStory: true,
  restoreStory: true,
  purgeStory: true,
  listRevisions: true,
  getRevision: true,
  restoreRevision: true,
  putAsset: true,
  getAsset: true,
  setStoryStatus: true,
  reviewStory: true,
  getCoverageRules: true,
  setCoverageRules: true,
  exportStory: true,
  exportLibraryBundle: true,
  importBundle: true,
  importText: true,
  backupLibrary: true,
  getLibraryInfo: true,
  verifyLibrary: true,
  listBackups: true,
};
export const IPC_METHODS = Object.keys(API_METHOD_NAMES) as ApiMethod[];

const EVENT_NAMES_SET: Record<StorydeskEventName, true> = { 'menu-command': true, 'story-changed': true };
export const EVENT_NAMES = Object.keys(EVENT_NAMES_SET) as StorydeskEventName[];

export const MENU_COMMANDS: readonly MenuCommand[] = WINDOW_COMMANDS;

export const channelFor = (method: ApiMethod): string => `storydesk:${method}`;
export const eventChannelFor = (event: StorydeskEventName): string => `storydesk:event:${event}`;

export function isEventName(value: unknown): value is StorydeskEventName {
  return typeof value === 'string' && Object.hasOwn(EVENT_NAMES_SET, value);
}

/** What every API call over IPC answers. */
export type IpcResult<Value = unknown> = { ok: true; value: Value } | { ok: false; error: ErrorPayload };

/**
 * Whether a call comes from a page Storydesk loaded: a frame showing app://storydesk/ and, when
 * known, the window's top frame (the preview's iframe, or anything embedded, may not call the
 * API). Chromium gives frame URLs in canonical form, so the comparison is exact.
 */
export function isTrustedSender(frameUrl: string | null | undefined, isMainFrame = true): boolean {
  if (!isMainFrame || typeof frameUrl !== 'string' || frameUrl === '') return false;
  let url: URL;
  try {
    url = new URL(frameUrl);
  } catch {
    return false;
  }
  return url.protocol === `${APP_SCHEME}:` && url.hostname === APP_HOST && url.port === '' && url.username === '' && url.password === '';
}

/** The payload an error travels as: a StorydeskError's own, anything else as `internal`. */
export function errorPayloadOf(error: unknown): ErrorPayload {
  if (error instanceof StorydeskError) return error.toPayload();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Storydesk hit an unexpected error: ${message}` };
}

/** Runs one API call and turns its outcome, success or failure, into an IpcResult. */
export async function callApi(service: () => ApiHandlers, method: ApiMethod, request: unknown): Promise<IpcResult> {
  try {
    const handler = service()[method] as (request: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(request) };
  } catch (error) {
    return { ok: false, error: errorPayloadOf(error) };
  }
}

type ChangeDescriber<Method extends ApiMethod> = (request: ApiRequest<Method>, response: ApiResponse<Method>) => StoryChange[];

const saved = (story: { id: string; revision: number }): StoryChange[] => [{ storyId: story.id, change: 'saved', revision: story.revision }];
const created = (story: { id: string; revision: number }): StoryChange[] => [{ storyId: story.id, change: 'created', revision: story.revision }];

/** For each API method that changes stories, which stories its answer says changed. */
const STORY_CHANGES: { [Method in ApiMethod]?: ChangeDescriber<Method> } = {
  createStory: (_request, story) => created(story),
  duplicateStory: (_request, story) => created(story),
  importText: (_request, result) => created(result.story),
  saveStory: (_request, story) => saved(story),
  restoreRevision: (_request, story) => saved(story),
  setStoryStatus: (_request, story) => saved(story),
  trashStory: (_request, summary) => [{ storyId: summary.id, change: 'trashed', revision: summary.revision }],
  restoreStory: (_request, summary) => [{ storyId: summary.id, change: 'restored', revision: summary.revision }],
  purgeStory: (_request, result) => [{ storyId: result.id, change: 'purged' }],
  importBundle: (_request, result) => result.imported.map((story) => ({ storyId: story.id, change: story.as === 'replaced' ? 'saved' : 'created' })),
  // A final export over blockers records the override as a new revision of the story.
  exportStory: (request) => (request.final && request.overrideReason ? [{ storyId: request.id, change: 'saved' }] : []),
};

/** The stories a successful call changed, for the `story-changed` event. */
export function storyChangesOf<Method extends ApiMethod>(method: Method, request: ApiRequest<Method>, response: ApiResponse<Method>): StoryChange[] {
  // The map is keyed by method, but TypeScript cannot correlate the key with the value's type.
  const describe = STORY_CHANGES[method] as ChangeDescriber<Method> | undefined;
  return describe ? describe(request, response) : [];
}

/** The frame an IPC call came from, as much of Electron's WebFrameMain as the check needs. */
interface SenderFrame {
  url: string;
  parent: unknown;
}

export interface IpcBinding {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  /** The open library's service (it changes when the editor opens another library). */
  service: () => ApiHandlers;
  /** Told after each successful call that changed stories (main sends `story-changed`). */
  onStoryChanges?: (changes: StoryChange[]) => void;
  /** Told of each call refused because of its sender, and of each unexpected error, for the log. */
  onRefusedSender?: (method: ApiMethod, frameUrl: string | undefined) => void;
  onUnexpectedError?: (method: ApiMethod, payload: ErrorPayload) => void;
}

/**
 * Registers one handler per API method; returns the function that removes them all.
 * Each handler takes exactly one argument, the request, and the service validates it.
 */
export function bindApiToIpc(binding: IpcBinding): () => void {
  for (const method of IPC_METHODS) {
    binding.ipcMain.handle(channelFor(method), async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<IpcResult> => {
      const frame = event.senderFrame as SenderFrame | null;
      if (!frame || !isTrustedSender(frame.url, frame.parent === null)) {
        binding.onRefusedSender?.(method, frame?.url);
        return { ok: false, error: { code: 'internal', message: `${method} was refused: the call did not come from a Storydesk window` } };
      }
      if (args.length > 1) {
        return { ok: false, error: { code: 'invalid-input', message: `${method} takes one request object, not ${args.length} arguments` } };
      }
      const result = await callApi(binding.service, method, args[0]);
      if (result.ok) {
        const changes = storyChangesOf(method, args[0] as ApiRequest<typeof method>, result.value as ApiResponse<typeof method>);
        if (changes.length > 0) binding.onStoryChanges?.(changes);
      } else if (result.error.code === 'internal') {
        binding.onUnexpectedError?.(method, result.error);
      }
      return result;
    });
  }
  return () => {
    for (const method of IPC_METHODS) binding.ipcMain.removeHandler(channelFor(method));
  };
}
