/**
 * The preload of every Storydesk window. It runs sandboxed, so it is bundled as CommonJS
 * (dist/preload.cjs) and requires nothing but `electron` (scripts/build.js refuses a bundle that
 * does). It puts exactly this on `window.storydesk`: one function per API method, by name, and
 * `on(event, listener)` for the events main sends. No `ipcRenderer`, no generic invoke, no
 * `process` or environment reach the page. The shape is `StorydeskBridge` (preload-api.ts).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ErrorPayload } from '../shared/errors';
import { channelFor, eventChannelFor, IPC_METHODS, isEventName, type IpcResult } from './ipc';
import type { StorydeskBridge, StorydeskEventName, StorydeskEvents } from './preload-api';

function isIpcResult(value: unknown): value is IpcResult {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  return value.ok === true ? 'value' in value : value.ok === false && 'error' in value;
}

/** A call's answer: its value, or a rejection carrying the error payload (plain data crosses the bridge intact). */
function unwrap(result: unknown): unknown {
  if (!isIpcResult(result)) {
    const payload: ErrorPayload = { code: 'internal', message: 'Storydesk received an answer it cannot read from the main process' };
    return Promise.reject(payload);
  }
  return result.ok ? result.value : Promise.reject(result.error);
}

const methods = Object.fromEntries(
  IPC_METHODS.map((method) => [
    method,
    // A method whose request is empty may be called without one.
    (request?: unknown) => ipcRenderer.invoke(channelFor(method), request === undefined ? {} : request).then(unwrap),
  ]),
);

function on<Event extends StorydeskEventName>(event: Event, listener: (payload: StorydeskEvents[Event]) => void): () => void {
  if (!isEventName(event)) throw new TypeError(`storydesk.on: unknown event ${JSON.stringify(event)}`);
  if (typeof listener !== 'function') throw new TypeError('storydesk.on: the listener must be a function');
  const channel = eventChannelFor(event);
  // The page gets the payload only: Electron's event object would hand it `sender`, the ipcRenderer.
  const forward = (_event: IpcRendererEvent, payload: StorydeskEvents[Event]) => listener(payload);
  ipcRenderer.on(channel, forward);
  return () => {
    ipcRenderer.removeListener(channel, forward);
  };
}

// Built from IPC_METHODS, which ipc.ts checks names every API method and nothing else.
const bridge = { ...methods, on } as StorydeskBridge;

contextBridge.exposeInMainWorld('storydesk', bridge);
