/**
 * Browser mode's server: the built UI and the API contract (shared/api.ts) over HTTP on
 * loopback, for `npm run serve` and for testing the whole UI in a browser. node:http only.
 *
 *   POST /api/<method>   the method's request as JSON → 200 with the response as JSON, or 4xx/5xx
 *                        with `{ error: { code, message, details } }`
 *   GET  /api/events     Server-Sent Events (electron/server/event-stream.ts)
 *   GET  /, /<path>      the UI's files from `staticRoot`
 *
 * Security, in the order it is applied (see also request-guards.ts):
 * - it binds loopback only, refusing any other host before it listens;
 * - a request target must be a path (not `http://host/…`, `*` or CONNECT's `host:port`), GET and
 *   HEAD carry no body, and no header these checks read may come twice (400);
 * - every request's Host must be this server, an Origin must be its own, and a browser must not
 *   report the request as coming from another site (403), which defeats DNS rebinding and
 *   cross-site requests;
 * - every API call carries the per-run token in `X-Storydesk-Token` (or `Authorization: Bearer`),
 *   compared in constant time (401). The page gets it from the address's `#token=` fragment,
 *   which browsers never send to a server or put in a Referer. Only `/api/events` also takes
 *   `?token=`, because EventSource cannot send headers; that address is requested by script,
 *   never shown, bookmarked or sent as a Referer (and the server logs no URLs);
 * - bodies must be JSON (415), within `maxBodyBytes` (413, and the connection is closed rather
 *   than read on); headers, whole requests and idle sockets have time limits;
 * - static paths cannot leave `staticRoot` (static-files.ts); every answer carries nosniff,
 *   no-referrer and a strict Content-Security-Policy, and API answers are never cached.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { API_METHODS, type ApiHandlers, type ApiMethod } from '../../shared/api';
import { InvalidInputError, StorydeskError, type ErrorCode } from '../../shared/errors';
import { API_PATH_PREFIX, EVENTS_PATH, MAX_REQUEST_BYTES, TOKEN_HEADER } from '../../shared/http-client';
import { createEventStreams } from './event-stream';
import { createServerEvents, eventsAfterCall, type ServerEvents } from './events';
import { hostForUrl, loopbackAddressFor } from './loopback';
import { assertAcceptableToken, createOriginGuard, type OriginGuard, createTokenCheck, newToken, presentedToken, repeatedHeader } from './request-guards';
import { findStaticFile, isUiBuilt, notBuiltPage } from './static-files';
import { CONTENT_SECURITY_POLICY } from '../app-protocol';

export interface ServerLimits {
  /** The largest request body accepted (assets and bundles travel base64 inside the JSON). */
  maxBodyBytes: number;
  /** Time allowed to receive a request's headers. */
  headersTimeoutMs: number;
  /** Time allowed to receive a whole request, headers and body. */
  requestTimeoutMs: number;
  /** A connection silent this long while a request is being received or answered is dropped. */
  idleTimeoutMs: number;
  /** How long a kept-alive connection waits for its next request. */
  keepAliveTimeoutMs: number;
  /** Interval of the comment lines that keep event streams alive. */
  heartbeatMs: number;
  /** Event streams open at once (each open page holds one). */
  maxEventStreams: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxBodyBytes: MAX_REQUEST_BYTES,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  idleTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  heartbeatMs: 15_000,
  maxEventStreams: 32,
};

export interface BrowserServerOptions {
  service: ApiHandlers;
  /** The built UI (`dist/renderer`); `/` explains how to build it while it has no index.html. */
  staticRoot: string;
  /** A loopback address or `localhost`; anything else is refused. Default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The per-run token; default 32 random bytes as hex. */
  token?: string;
  limits?: Partial<ServerLimits>;
  /** Publish here to tell every open page something; default a new emitter. */
  events?: ServerEvents;
  /** Where internal errors are reported (their details never reach the client). */
  log?: (message: string) => void;
}

export interface BrowserServer {
  /** The address bound (127.0.0.1, ::1, …) and its port. */
  readonly host: string;
  readonly port: number;
  readonly token: string;
  /** The server's origin with a slash: `http://127.0.0.1:PORT/`. */
  readonly url: string;
  /** What to open in a browser: `url` with `#token=…`. */
  readonly pageUrl: string;
  readonly events: ServerEvents;
  /** Stops listening, ends the event streams and closes idle connections; in-flight calls finish. */
  close(): Promise<void>;
}

/** The HTTP status of each error code the service raises. */
const STATUS_OF_CODE: Record<ErrorCode, number> = {
  'invalid-input': 400,
  'publish-blocked': 400,
  'not-found': 404,
  conflict: 409,
  'library-unusable': 503,
  internal: 500,
};

/** The UI's policy: the same as Electron's app:// (see CONTENT_SECURITY_POLICY there for why). */
const UI_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY;

/** API answers are data, never documents. */
const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

const COMMON_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** A request refused by the server itself, before or instead of the service. */
class Refusal extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, options: { details?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  static fromError(status: number, error: StorydeskError): Refusal {
    return new Refusal(status, error.code, error.message, { details: error.details });
  }
}

const invalidBody = (status: number, message: string) => Refusal.fromError(status, new InvalidInputError('request body', [{ path: '', message }]));

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function describeBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/** Reads the whole body as UTF-8 text, refusing it as soon as it passes `limit` bytes. */
function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.reject(invalidBody(413, `the request is ${declared} bytes; the server accepts at most ${describeBytes(limit)}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      request.removeListener('data', onData);
      request.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) fail(invalidBody(413, `the request is larger than the ${describeBytes(limit)} the server accepts`));
      else chunks.push(chunk);
    };
    request.on('data', onData);
    // The stream fails only when the client breaks off (`aborted`) or sends what cannot be
    // parsed: the client's doing, not an internal error, and nobody is left to answer.
    request.on('error', (error) => fail(new Refusal(400, 'invalid-input', `the request body could not be read (${error.message})`)));
    request.on('close', () => {
      // Nobody is left to answer; a Refusal keeps it out of the log of internal errors.
      if (!request.complete) fail(new Refusal(400, 'invalid-input', 'the client went away before sending the whole request'));
    });
    request.on('end', () => {
      if (settled) return;
      settled = true;
      try {
        resolve(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, received)));
      } catch {
        reject(invalidBody(400, 'the request body is not valid UTF-8'));
      }
    });
  });
}

/** `application/json`, optionally with `charset=utf-8`; anything else is refused with 415. */
function assertJsonContentType(request: IncomingMessage): void {
  const type = request.headers['content-type'];
  const [mediaType, ...parameters] = (type ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (mediaType !== 'application/json' || (charset !== undefined && charset !== 'utf-8')) {
    throw invalidBody(415, `send the request as JSON (Content-Type: application/json), not ${type === undefined ? 'without a Content-Type' : JSON.stringify(type)}`);
  }
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') throw invalidBody(415, `compressed requests (${encoding}) are not accepted`);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') throw invalidBody(400, 'the request body is empty; send the method\'s request as JSON ({} when it takes nothing)');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidBody(400, `the request body is not valid JSON (${(error as Error).message})`);
  }
}

export async function createBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const token = options.token ?? newToken();
  assertAcceptableToken(token);
  // Refused here, before any socket is opened.
  const address = await loopbackAddressFor(options.host ?? '127.0.0.1');
  const { service, staticRoot } = options;
  const log = options.log ?? ((message: string) => console.error(message));
  const events = options.events ?? createServerEvents();
  const tokenMatches = createTokenCheck(token);

  const server = http.createServer({
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks headersTimeout and requestTimeout on this interval (30 s by default).
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  });
  // A socket silent this long is destroyed (Node's behaviour without a 'timeout' listener).
  server.setTimeout(limits.idleTimeoutMs);

  const streams = createEventStreams(events, { heartbeatMs: limits.heartbeatMs, maxStreams: limits.maxEventStreams, headers: COMMON_HEADERS });

  // Set once listening, before the first request: the guard needs the port.
  let guard: OriginGuard | undefined;

  function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer, request: IncomingMessage): void {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    // A refusal that leaves a body unread closes the connection instead of reading the rest.
    const closeAfter = status >= 400 && !request.complete && hasBody(request);
    response.writeHead(status, {
      ...COMMON_HEADERS,
      ...headers,
      'Content-Length': String(Buffer.byteLength(body)),
      ...(closeAfter ? { Connection: 'close' } : {}),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  function sendApiError(request: IncomingMessage, response: ServerResponse, refusal: Refusal): void {
    const error = { code: refusal.code, message: refusal.message, ...(refusal.details ? { details: refusal.details } : {}) };
    send(
      response,
      refusal.status,
      {
        ...refusal.headers,
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': API_CONTENT_SECURITY_POLICY,
      },
      JSON.stringify({ error }),
      request,
    );
  }

  function sendText(request: IncomingMessage, response: ServerResponse, status: number, text: string): void {
    send(response, status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': API_CONTENT_SECURITY_POLICY }, `${text}\n`, request);
  }

  /** What the service threw, as the client should see it; anything not a StorydeskError is internal. */
  function refusalFor(what: string, error: unknown): Refusal {
    if (error instanceof Refusal) return error;
    if (error instanceof StorydeskError && error.code !== 'internal') {
      return Refusal.fromError(STATUS_OF_CODE[error.code] ?? 500, error);
    }
    log(`storydesk serve: internal error in ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return new Refusal(500, 'internal', `Storydesk hit an internal error in ${what}; the details are in the server's log`);
  }

  async function handleApiCall(request: IncomingMessage, response: ServerResponse, method: ApiMethod): Promise<void> {
    if (request.method !== 'POST') {
      throw new Refusal(405, 'method-not-allowed', `call ${method} with POST and its request as JSON`, { headers: { Allow: 'POST' } });
    }
    assertJsonContentType(request);
    const body = parseJson(await readBody(request, limits.maxBodyBytes));
    // The service may take a while (a backup, a large export): no idle limit while it works...
    request.socket.setTimeout(0);
    let result: unknown;
    try {
      result = await (service[method] as (request: unknown) => Promise<unknown>)(body);
    } catch (error) {
      request.socket.setTimeout(limits.idleTimeoutMs);
      throw refusalFor(method, error);
    }
    // ...but a client that stops reading the answer is dropped.
    request.socket.setTimeout(limits.idleTimeoutMs);
    send(response, 200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': API_CONTENT_SECURITY_POLICY }, JSON.stringify(result), request);
    for (const event of eventsAfterCall(method, body, result)) events.publish(event);
  }

  async function handleApi(request: IncomingMessage, response: ServerResponse, pathname: string, query: string): Promise<void> {
    const isEvents = pathname === EVENTS_PATH;
    // EventSource cannot send headers, so the event stream alone takes the token in its query.
    const queryToken = isEvents ? new URLSearchParams(query).get('token') ?? undefined : undefined;
    if (!tokenMatches(presentedToken(request) ?? queryToken)) {
      throw new Refusal(401, 'unauthorized', `this server needs the token it printed when it started, in the ${TOKEN_HEADER} header: open the address \`npm run serve\` printed (with #token=…)`, {
        headers: { 'WWW-Authenticate': 'Bearer realm="Storydesk"' },
      });
    }
    if (isEvents) {
      if (request.method !== 'GET') throw new Refusal(405, 'method-not-allowed', `open ${EVENTS_PATH} with GET (an EventSource)`, { headers: { Allow: 'GET' } });
      if (!streams.canAccept) throw new Refusal(503, 'unavailable', `too many pages are listening to ${EVENTS_PATH}; close some tabs`);
      streams.accept(request, response);
      return;
    }
    const name = pathname.slice(API_PATH_PREFIX.length);
    const method = API_METHODS.find((known) => known === name);
    if (method === undefined) {
      throw new Refusal(404, 'not-found', `there is no API method ${JSON.stringify(name)}; call POST /api/<method> with one of: ${API_METHODS.join(', ')}`, {
        details: { what: 'API method', id: name, methods: API_METHODS },
      });
    }
    await handleApiCall(request, response, method);
  }

  async function handleStatic(request: IncomingMessage, response: ServerResponse, pathname: string): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      sendText(request, response, 405, 'The UI\'s files are read with GET.');
      return;
    }
    if ((pathname === '/' || pathname === '/index.html') && !isUiBuilt(staticRoot)) {
      send(response, 503, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': UI_CONTENT_SECURITY_POLICY }, notBuiltPage(staticRoot), request);
      return;
    }
    const lookup = await findStaticFile(staticRoot, pathname);
    if (!lookup.found) {
      sendText(request, response, lookup.status, lookup.status === 404 ? 'Not found.' : `Refused: ${lookup.reason}.`);
      return;
    }
    response.writeHead(200, {
      ...COMMON_HEADERS,
      'Content-Type': lookup.contentType,
      'Content-Length': String(lookup.size),
      // The UI changes with each build; the browser asks again rather than run an old copy.
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': UI_CONTENT_SECURITY_POLICY,
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    const file = fs.createReadStream(lookup.file);
    file.on('error', () => response.destroy());
    file.pipe(response);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Re-armed for each request, kept-alive connections included.
    request.socket.setTimeout(limits.idleTimeoutMs);
    const target = request.url ?? '';
    const queryAt = target.indexOf('?');
    const pathname = queryAt === -1 ? target : target.slice(0, queryAt);
    const query = queryAt === -1 ? '' : target.slice(queryAt + 1);
    const isApi = pathname === '/api' || pathname.startsWith(API_PATH_PREFIX);
    try {
      if (!pathname.startsWith('/')) throw new Refusal(400, 'invalid-input', 'the request target must be a path starting with "/"');
      const repeated = repeatedHeader(request);
      if (repeated !== undefined) throw new Refusal(400, 'bad-request', `Refused: ${repeated}.`);
      if ((request.method === 'GET' || request.method === 'HEAD') && hasBody(request)) {
        // Node would read and discard such a body after the answer, for as long as the client sends it.
        throw new Refusal(400, 'bad-request', `Refused: a ${request.method} request carries no body.`);
      }
      if (guard === undefined) throw new Refusal(503, 'unavailable', 'the server is starting');
      const refusal = guard.refusal(request, { api: isApi });
      if (refusal !== undefined) throw new Refusal(403, 'forbidden', `Refused: ${refusal}.`);
      if (isApi) await handleApi(request, response, pathname, query);
      else await handleStatic(request, response, pathname);
    } catch (error) {
      const refusal = refusalFor(`${request.method ?? '?'} ${pathname}`, error);
      if (isApi) sendApiError(request, response, refusal);
      else {
        for (const [name, value] of Object.entries(refusal.headers)) response.setHeader(name, value);
        sendText(request, response, refusal.status, refusal.message);
      }
    }
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      log(`storydesk serve: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      response.destroy();
    });
  });
  // Requests Node cannot parse, or that ran out of time, get a bare status and a closed connection.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable && error.code !== 'ECONNRESET') socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  });

  // CONNECT asks the server to be a tunnel, which it never is; without this Node drops the socket unanswered.
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    const text = 'This server is not a proxy: CONNECT is refused.\n';
    socket.on('error', () => undefined);
    socket.end(`HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD, POST\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`, () => socket.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port: options.port ?? 0, exclusive: true }, () => {
      server.off('error', reject);
      guard = createOriginGuard(address, (server.address() as AddressInfo).port);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${hostForUrl(address)}:${port}/`;

  let closed: Promise<void> | undefined;
  return {
    host: address,
    port,
    token,
    url,
    pageUrl: `${url}#token=${token}`,
    events,
    close() {
      closed ??= new Promise<void>((resolve) => {
        streams.closeAll();
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}
