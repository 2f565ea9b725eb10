/**
 * The browser-mode client of the API contract (shared/api.ts): every method as a POST of JSON to
 * the loopback server that `npm run serve` starts (electron/server/http.ts), and the server's
 * events over Server-Sent Events. It is pure TypeScript: the caller hands in `fetch` and
 * `EventSource` (the page's own), so this file runs the same in the renderer and in the tests.
 *
 * The token: the server prints the page's address as `http://127.0.0.1:PORT/#token=…`. A
 * fragment is never sent to a server nor put in a Referer, so the token reaches only the page.
 * The renderer reads it with `tokenFromFragment(location.hash)`, keeps it in memory, removes the
 * fragment from the address bar (`history.replaceState`) and passes it here. Every call carries
 * it in the `X-Storydesk-Token` header; only the event stream, which `EventSource` cannot give
 * headers, carries it as `?token=` (the server accepts that on /api/events and nowhere else).
 */
import { z } from 'zod';
import { api, API_METHODS, type ApiHandlers, type ApiMethod } from './api';
import { errorFromPayload, StorydeskError, type ErrorCode, type ErrorPayload } from './errors';
import { IdSchema } from './model';

/** The header every API call carries the per-run token in. */
export const TOKEN_HEADER = 'X-Storydesk-Token';

/** Where the API lives on the server: `POST /api/<method>`, and the event stream. */
export const API_PATH_PREFIX = '/api/';
export const EVENTS_PATH = '/api/events';

/** The largest request body browser mode's server accepts by default (a bundle travels as base64 in it). */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Events: what the server tells every open page, so that a second tab learns of a change.
// ---------------------------------------------------------------------------------------------

/** What happened to a story, by the API method that did it. */
export const STORY_CHANGES = ['created', 'saved', 'status', 'trashed', 'restored', 'purged', 'imported'] as const;

export const ServerEventSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('story-changed'),
    id: IdSchema,
    change: z.enum(STORY_CHANGES),
    /** The story's revision after the change, when the change made one that is known. */
    revision: z.int().nonnegative().optional(),
  }),
  /** The library's coverage rules were replaced: reviews shown on screen are out of date. */
  z.strictObject({ type: z.literal('rules-changed') }),
]);
export type ServerEvent = z.infer<typeof ServerEventSchema>;
export type ServerEventType = ServerEvent['type'];
export const SERVER_EVENT_TYPES: readonly ServerEventType[] = ['story-changed', 'rules-changed'];

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** Every code a StorydeskError can carry (a Record, so the compiler notices a new one). */
const STORYDESK_ERROR_CODES: Record<ErrorCode, true> = {
  'not-found': true,
  conflict: true,
  'invalid-input': true,
  'publish-blocked': true,
  'library-unusable': true,
  internal: true,
};

/**
 * The server refused the call itself rather than the library refusing the request: a wrong or
 * missing token (401 `unauthorized`), a foreign Host or Origin (403 `forbidden`), the wrong HTTP
 * method (405), a request it will not read as meant (400 `bad-request`: a repeated Host or token
 * header, a GET with a body), or a server that cannot be reached at all (`status` undefined, code
 * `unreachable`). The UI's answer is usually to reload the page from the address the server
 * printed, since a token lasts one run of the server.
 */
export class HttpTransportError extends Error {
  readonly status: number | undefined;
  readonly code: string;

  constructor(status: number | undefined, code: string, message: string) {
    super(message);
    this.name = 'HttpTransportError';
    this.status = status;
    this.code = code;
  }
}

const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

/** The typed error for a refused call: a StorydeskError when the library spoke, else a transport error. */
function errorFromResponse(status: number, text: string): Error {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return new HttpTransportError(status, 'http-error', `Storydesk's server answered ${status} without an explanation`);
  }
  const parsed = ErrorBodySchema.safeParse(body);
  if (!parsed.success) return new HttpTransportError(status, 'http-error', `Storydesk's server answered ${status} without an explanation`);
  const { code, message, details } = parsed.data.error;
  if (Object.hasOwn(STORYDESK_ERROR_CODES, code)) {
    const payload: ErrorPayload = { code: code as ErrorCode, message, ...(details ? { details } : {}) };
    return errorFromPayload(payload);
  }
  return new HttpTransportError(status, code, message);
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

/** The part of a fetch Response the client reads (the page's and Node's both fit). */
export interface FetchResponseLike {
  status: number;
  text(): Promise<string>;
}

/** The part of `fetch` the client calls: shared/ may not use the global, so it is passed in. */
export type FetchLike = (
  url: string,
  init: {
    method: 'POST';
    headers: Record<string, string>;
    body: string;
    credentials: 'omit';
    cache: 'no-store';
    redirect: 'error';
  },
) => Promise<FetchResponseLike>;

export interface HttpClientOptions {
  /** The server's address without a path: `location.origin` in the page. */
  baseUrl: string;
  /** The per-run token (from the page's `#token=` fragment). */
  token: string;
  fetch: FetchLike;
}

/** `#token=abc` (or `token=abc&x=1`) → `abc`; undefined when the fragment carries none. */
export function tokenFromFragment(fragment: string): string | undefined {
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  for (const part of text.split('&')) {
    const [name, value] = part.split('=', 2);
    if (name !== 'token' || !value) continue;
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function withoutTrailingSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

/**
 * The API over HTTP: one async function per method, like the service itself. Errors come back
 * typed (`ConflictError`, `PublishBlockedError`, `InvalidInputError`, … from shared/errors.ts;
 * `HttpTransportError` when the server refused the call), and every response is parsed with
 * its schema, so the UI never holds data the contract does not describe.
 */
export function createHttpClient(options: HttpClientOptions): ApiHandlers {
  const { token, fetch } = options;
  const baseUrl = withoutTrailingSlash(options.baseUrl);

  async function call(method: ApiMethod, request: unknown): Promise<unknown> {
    let response: FetchResponseLike;
    let text: string;
    try {
      response = await fetch(`${baseUrl}${API_PATH_PREFIX}${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', [TOKEN_HEADER]: token },
        body: JSON.stringify(request ?? {}),
        credentials: 'omit',
        cache: 'no-store',
        redirect: 'error',
      });
      text = await response.text();
    } catch (error) {
      throw new HttpTransportError(
        undefined,
        'unreachable',
        `Storydesk's server cannot be reached (${error instanceof Error ? error.message : String(error)}); is \`npm run serve\` still running?`,
      );
    }
    if (response.status !== 200) throw errorFromResponse(response.status, text);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new StorydeskError('internal', `Storydesk's server answered ${method} with something that is not JSON`);
    }
    const parsed = api[method].response.safeParse(body);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new StorydeskError('internal', `Storydesk's server answered ${method} outside the contract${first ? `: ${first.path.join('.')} ${first.message}` : ''}`);
    }
    return parsed.data;
  }

  const client: Partial<Record<ApiMethod, (request: unknown) => Promise<unknown>>> = {};
  for (const method of API_METHODS) client[method] = (request: unknown) => call(method, request);
  // Each entry is `call` for its own method, which parses that method's response schema.
  return client as ApiHandlers;
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/** The part of the page's `EventSource` the subscription uses. */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
  close(): void;
  /** 2 (CLOSED) once the browser has given up on the stream and will not reconnect by itself. */
  readonly readyState?: number;
}

/** EventSource's readyState once it has given up. */
const EVENT_SOURCE_CLOSED = 2;
/** Waits before opening a stream the browser gave up on (a dropped connection, the server away). */
const REOPEN_DELAYS_MS = [1_000, 2_000, 5_000, 10_000];
export type EventSourceConstructor = new (url: string) => EventSourceLike;

export interface EventSubscription {
  /** The event stream: `<baseUrl>/api/events` (see `eventsUrl`). */
  url: string;
  token: string;
  EventSource: EventSourceConstructor;
  onEvent: (event: ServerEvent) => void;
  /**
   * The stream opened, or opened again after a break: events may have been missed meanwhile, so
   * refetch what is on screen.
   */
  onOpen?: () => void;
  /** The stream broke. EventSource retries by itself after most breaks; see `schedule`. */
  onError?: () => void;
  /**
   * Runs `work` after `delayMs` and returns a function that cancels it (the page's setTimeout;
   * this file does no I/O of its own). With it, a stream the browser gave up on (the network
   * was down, the server refused it) is opened again after a pause: 1, 2, 5, then every 10 s,
   * until the subscription is stopped. Without it such a stream stays closed.
   */
  schedule?: (work: () => void, delayMs: number) => () => void;
}

export function eventsUrl(baseUrl: string): string {
  return `${withoutTrailingSlash(baseUrl)}${EVENTS_PATH}`;
}

/**
 * Listens to the server's events until the returned function is called. The token travels as
 * `?token=` because EventSource cannot send headers; events that do not match the contract (a
 * newer server, say) are skipped.
 */
export function subscribeToEvents(subscription: EventSubscription): () => void {
  const { url, token, EventSource, onEvent, onOpen, onError, schedule } = subscription;
  let source: EventSourceLike;
  let stopped = false;
  let failures = 0;
  let cancelReopen: (() => void) | undefined;

  const open = () => {
    source = new EventSource(`${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`);
    const current = source;
    for (const type of SERVER_EVENT_TYPES) {
      current.addEventListener(type, (message) => {
        // Only the stream in use speaks; one given up on and replaced is not heard.
        if (current !== source || typeof message.data !== 'string') return;
        let data: unknown;
        try {
          data = JSON.parse(message.data);
        } catch {
          return;
        }
        const parsed = ServerEventSchema.safeParse(data);
        if (parsed.success && parsed.data.type === type) onEvent(parsed.data);
      });
    }
    current.addEventListener('open', () => {
      failures = 0;
      onOpen?.();
    });
    current.addEventListener('error', () => {
      onError?.();
      if (!schedule || stopped || current !== source || current.readyState !== EVENT_SOURCE_CLOSED) return;
      current.close();
      const delay = REOPEN_DELAYS_MS[Math.min(failures, REOPEN_DELAYS_MS.length - 1)] ?? 10_000;
      failures++;
      cancelReopen = schedule(() => {
        if (!stopped) open();
      }, delay);
    });
  };

  open();
  return () => {
    stopped = true;
    cancelReopen?.();
    source.close();
  };
}
