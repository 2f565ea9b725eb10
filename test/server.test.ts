// Browser mode's server as a page and as an attacker meet it: every API method through the HTTP
// client with typed errors, the refusals (token, Host, Origin, cross-site, bodies, methods), the
// loopback-only binding, static files that never leave the UI folder, Server-Sent Events between
// two clients, and clients that stall. Each test has its own library in a temporary folder and a
// server on a free port. The last part drives Chromium: the token from the fragment, the CSP and
// the sandboxed preview, and a page on another origin that holds the token and is still refused.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { Browser } from '@playwright/test';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, type ApiHandlers, type ApiMethod } from '../shared/api';
import { ConflictError, InvalidInputError, PublishBlockedError, StorydeskError } from '../shared/errors';
import {
  createHttpClient,
  eventsUrl,
  HttpTransportError,
  subscribeToEvents,
  tokenFromFragment,
  type EventSourceLike,
  type ServerEvent,
} from '../shared/http-client';
import { createBrowserServer, type BrowserServer, type ServerLimits } from '../electron/server/http';
import { NotLoopbackError } from '../electron/server/loopback';
import { startServe } from '../electron/server/serve';
import { openLibraryService } from '../electron/library';
import type { LibraryStore } from '../electron/store/store';
import { launchChromium } from './helpers/browser';
import { freshFolder, freshLibraryPath, tickingClock } from './helpers/library';

const projectRoot = path.join(import.meta.dirname, '..');
const SAMPLE_ID = 'sample-korea-poland-security-dialogue';
const SECRET = 'TOP-SECRET-OUTSIDE-THE-UI-FOLDER';
const INDEX_HTML = '<!doctype html><title>Storydesk</title><script type="module" src="/assets/app.js"></script>\n';

interface Started {
  server: BrowserServer;
  store: LibraryStore;
  service: ApiHandlers;
  client: ApiHandlers;
  /** The folder holding the UI folder; a secret lies here, outside the UI. */
  folder: string;
  staticRoot: string;
  logs: string[];
}

const running: Started[] = [];

afterEach(async () => {
  for (const started of running.splice(0)) {
    await started.server.close();
    started.store.close();
  }
});

async function startServer(options: { limits?: Partial<ServerLimits>; withUi?: boolean; service?: (service: ApiHandlers) => ApiHandlers } = {}): Promise<Started> {
  const { store, service } = openLibraryService(freshLibraryPath(), { now: tickingClock(), author: 'Test Editor' });
  const folder = freshFolder('storydesk-serve-');
  const staticRoot = path.join(folder, 'ui');
  fs.mkdirSync(path.join(staticRoot, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ secret: SECRET }));
  if (options.withUi !== false) {
    fs.writeFileSync(path.join(staticRoot, 'index.html'), INDEX_HTML);
    fs.writeFileSync(path.join(staticRoot, 'assets', 'app.js'), 'console.log("Storydesk");\n');
    fs.writeFileSync(path.join(staticRoot, 'assets', 'app.css'), 'body { margin: 0 }\n');
  }
  const logs: string[] = [];
  const served = options.service ? options.service(service) : service;
  const server = await createBrowserServer({ service: served, staticRoot, limits: options.limits, log: (message) => logs.push(message) });
  const client = createHttpClient({ baseUrl: server.url, token: server.token, fetch });
  const started = { server, store, service, client, folder, staticRoot, logs };
  running.push(started);
  return started;
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One request with exactly the headers given (no Host is added: `setHost: false`), for what
 * fetch will not send (a foreign Host, Origin or Sec-Fetch-Site) or would normalise (`/../x`).
 */
function rawRequest(server: BrowserServer, request: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      { host: server.host, port: server.port, method: request.method ?? 'GET', path: request.path, setHost: false, headers: { Host: `127.0.0.1:${server.port}`, ...request.headers } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** A JSON API call with the token, and any headers over the usual ones. */
function apiCall(server: BrowserServer, method: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(server, {
    method: 'POST',
    path: `/api/${method}`,
    headers: { 'Content-Type': 'application/json', 'X-Storydesk-Token': server.token, ...headers },
    body: JSON.stringify(body),
  });
}

const errorOf = (response: RawResponse) => (JSON.parse(response.body) as { error: { code: string; message: string; details?: Record<string, unknown> } }).error;

/** A raw socket, with everything the server sends and a promise for when it closes. */
function openSocket(server: BrowserServer): Promise<{ socket: net.Socket; received: () => string; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: server.host, port: server.port }, () => {
      const openedAt = Date.now();
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (data += chunk));
      socket.on('error', () => undefined);
      const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - openedAt)));
      resolve({ socket, received: () => data, closed });
    });
    socket.once('error', reject);
  });
}

/**
 * A small EventSource over node:http (Node 20 has none): what subscribeToEvents needs, plus the
 * comment lines (heartbeats) for the tests to see.
 */
class NodeEventSource implements EventSourceLike {
  readonly comments: string[] = [];
  status: number | undefined;
  private readonly listeners = new Map<string, Set<(event: { data?: unknown }) => void>>();
  private readonly request: http.ClientRequest;
  ended = false;

  constructor(url: string) {
    this.request = http.get(url, (response) => {
      this.status = response.statusCode;
      if (response.statusCode !== 200) {
        response.resume();
        this.dispatch('error', {});
        return;
      }
      this.dispatch('open', {});
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          this.block(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      });
      response.on('end', () => {
        this.ended = true;
        this.dispatch('error', {});
      });
    });
    this.request.on('error', () => this.dispatch('error', {}));
  }

  private block(text: string): void {
    let type = 'message';
    const data: string[] = [];
    for (const line of text.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('event:')) type = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length > 0) this.dispatch(type, { data: data.join('\n') });
  }

  private dispatch(type: string, event: { data?: unknown }): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }

  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
  }

  close(): void {
    this.request.destroy();
  }
}

/** Waits until `condition` holds, checking every 20 ms, for at most `timeoutMs`. */
async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The client, counting which methods were called, to prove every one is carried. */
function recording(client: ApiHandlers): { client: ApiHandlers; called: Set<ApiMethod> } {
  const called = new Set<ApiMethod>();
  const wrapped = new Proxy(client, {
    get(target, property: string) {
      called.add(property as ApiMethod);
      return target[property as ApiMethod];
    },
  });
  return { client: wrapped, called };
}

describe('the API through the HTTP client', () => {
  it('carries every method of the contract, with typed data back', async () => {
    const { client: plain } = await startServer();
    const { client, called } = recording(plain);

    const stories = await client.listStories({});
    expect(stories.map((story) => story.id)).toEqual([SAMPLE_ID]);
    expect((await client.searchStories({ query: 'Poland' }))[0]?.story.id).toBe(SAMPLE_ID);

    const created = await client.createStory({ title: 'Harbour reopens', feed: 'Local' });
    expect(created).toMatchObject({ title: 'Harbour reopens', revision: 1, status: 'draft' });
    expect(await client.listFeeds({})).toEqual(['Local', 'Top Headlines']);
    expect((await client.listStories({ limit: 1, after: { key: created.updatedAt, id: created.id } })).map((story) => story.id)).toEqual([SAMPLE_ID]);
    const fetched = await client.getStory({ id: created.id });
    const saved = await client.saveStory({ story: { ...fetched, dek: 'Ferries run again.' }, baseRevision: fetched.revision, summary: 'Added a dek' });
    expect(saved).toMatchObject({ revision: 2, dek: 'Ferries run again.' });
    const copy = await client.duplicateStory({ id: created.id });
    expect(copy.title).toBe('Harbour reopens (copy)');

    expect((await client.listRevisions({ storyId: created.id })).map((revision) => revision.revision)).toEqual([2, 1]);
    expect((await client.getRevision({ storyId: created.id, revision: 1 })).story.dek).toBeUndefined();
    const restored = await client.restoreRevision({ storyId: created.id, revision: 1, baseRevision: 2 });
    expect(restored.revision).toBe(3);
    expect(restored.dek).toBeUndefined();
    expect((await client.setStoryStatus({ id: created.id, status: 'review', baseRevision: 3 })).status).toBe('review');

    expect((await client.trashStory({ id: copy.id })).trashedAt).toBeDefined();
    expect((await client.restoreStory({ id: copy.id })).trashedAt).toBeUndefined();
    await client.trashStory({ id: copy.id });
    expect(await client.purgeStory({ id: copy.id })).toEqual({ id: copy.id });

    const png = fs.readFileSync(path.join(projectRoot, 'shared', 'sample', 'sample-hero.png'));
    const asset = await client.putAsset({ mediaType: 'image/png', data: png.toString('base64') });
    expect(asset.byteLength).toBe(png.length);
    expect(Buffer.from((await client.getAsset({ sha256: asset.sha256 })).data, 'base64').equals(png)).toBe(true);

    expect((await client.reviewStory({ id: SAMPLE_ID })).findings.length).toBeGreaterThan(0);
    expect((await client.getCoverageRules({})).library).toEqual({});
    expect((await client.setCoverageRules({ rules: { singleSourceThreshold: 3 } })).library).toEqual({ singleSourceThreshold: 3 });

    const page = await client.exportStory({ id: SAMPLE_ID, format: 'html' });
    expect(Buffer.from(page.data, 'base64').toString('utf8')).toContain('Poland');
    const bundle = await client.exportStory({ id: created.id, format: 'bundle' });
    expect((await client.importBundle({ data: bundle.data, onConflict: 'copy' })).imported).toHaveLength(1);
    const libraryBundle = await client.exportLibraryBundle({});
    expect(libraryBundle.mediaType).toBe('application/zip');
    const imported = await client.importText({ text: fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'seed-story.txt'), 'utf8') });
    expect(imported.story.title).toContain('Poland');

    const backup = await client.backupLibrary({});
    expect(backup.byteLength).toBeGreaterThan(0);
    expect((await client.listBackups({})).map((entry) => entry.path)).toContain(backup.path);
    expect((await client.verifyLibrary({})).problems).toEqual([]);
    expect((await client.getLibraryInfo({})).name).toBe('library');

    expect([...called].sort()).toEqual([...API_METHODS].sort());
  });

  it('rebuilds a stale save as a ConflictError naming both revisions', async () => {
    const { client } = await startServer();
    const story = await client.getStory({ id: SAMPLE_ID });
    await client.saveStory({ story: { ...story, title: 'First tab' }, baseRevision: story.revision });
    const error = await client.saveStory({ story: { ...story, title: 'Second tab' }, baseRevision: story.revision }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'conflict', baseRevision: 1, currentRevision: 2 });
  });

  it('rebuilds a refused publication as a PublishBlockedError with its blockers', async () => {
    const { client } = await startServer();
    const story = await client.createStory({});
    const error = await client.setStoryStatus({ id: story.id, status: 'published', baseRevision: story.revision }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PublishBlockedError);
    expect((error as PublishBlockedError).blockers.map((blocker) => blocker.code)).toContain('title-missing');
    // Nothing changed, and a reason gets it through.
    expect((await client.getStory({ id: story.id })).status).toBe('draft');
    expect((await client.setStoryStatus({ id: story.id, status: 'published', baseRevision: 1, overrideReason: 'Breaking news' })).status).toBe('published');
  });

  it('answers invalid requests with 400 and missing stories with 404, typed on the client', async () => {
    const { server, client } = await startServer();
    const invalid = await client.getStory({ id: '' }).catch((caught: unknown) => caught);
    expect(invalid).toBeInstanceOf(InvalidInputError);
    expect((invalid as InvalidInputError).problems[0]?.path).toBe('id');
    const missing = await client.getStory({ id: 'no-such-story' }).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(StorydeskError);
    expect(missing).toMatchObject({ code: 'not-found' });

    expect((await apiCall(server, 'getStory', { id: '' })).status).toBe(400);
    expect((await apiCall(server, 'getStory', { id: 'no-such-story' })).status).toBe(404);
    expect((await apiCall(server, 'getStory', { id: SAMPLE_ID, extra: true })).status).toBe(400);
  });

  it('hides an internal error behind a generic 500 and logs it', async () => {
    const { server, logs } = await startServer({
      service: (service) => ({ ...service, listStories: () => Promise.reject(new Error('database path /secret/place exploded')) }),
    });
    const response = await apiCall(server, 'listStories', {});
    expect(response.status).toBe(500);
    expect(errorOf(response)).toEqual({ code: 'internal', message: expect.stringContaining("details are in the server's log") });
    expect(response.body).not.toContain('/secret/place');
    expect(logs.join('\n')).toContain('database path /secret/place exploded');
  });

  it('refuses a response outside the contract on the client side', async () => {
    const client = createHttpClient({
      baseUrl: 'http://127.0.0.1:1/',
      token: 'x'.repeat(64),
      fetch: async () => ({ status: 200, text: async () => JSON.stringify([{ id: 'only-an-id' }]) }),
    });
    await expect(client.listStories({})).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('outside the contract') });
  });

  it('says plainly when the server cannot be reached', async () => {
    const client = createHttpClient({ baseUrl: 'http://127.0.0.1:1', token: 'x'.repeat(64), fetch });
    const error = await client.listStories({}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HttpTransportError);
    expect(error).toMatchObject({ code: 'unreachable', status: undefined });
  });

  it('reads the token from the fragment', () => {
    expect(tokenFromFragment('#token=abc123')).toBe('abc123');
    expect(tokenFromFragment('#view=list&token=a%2Db')).toBe('a-b');
    expect(tokenFromFragment('')).toBeUndefined();
    expect(tokenFromFragment('#token=%E0%A4%A')).toBeUndefined();
  });
});

describe('refusals', () => {
  it('needs the token on every API call (401), compared whatever its length', async () => {
    const { server } = await startServer();
    const wrongSameLength = server.token.replace(/^./, (first) => (first === 'a' ? 'b' : 'a'));
    expect(wrongSameLength).toHaveLength(server.token.length);
    const refused: Record<string, string>[] = [
      {},
      { 'X-Storydesk-Token': wrongSameLength },
      { 'X-Storydesk-Token': 'short' },
      { 'X-Storydesk-Token': `${server.token}0` },
      { 'X-Storydesk-Token': '' },
      { Authorization: `Bearer ${wrongSameLength}` },
      { Authorization: `Basic ${server.token}` },
    ];
    for (const headers of refused) {
      const response = await rawRequest(server, { method: 'POST', path: '/api/listStories', headers: { 'Content-Type': 'application/json', ...headers }, body: '{}' });
      expect(response.status, JSON.stringify(headers)).toBe(401);
      expect(errorOf(response).code).toBe('unauthorized');
      expect(response.headers['cache-control']).toBe('no-store');
    }
    // The query parameter counts on the event stream only.
    const inQuery = await rawRequest(server, { method: 'POST', path: `/api/listStories?token=${server.token}`, headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(inQuery.status).toBe(401);

    expect((await apiCall(server, 'listStories', {})).status).toBe(200);
    expect((await apiCall(server, 'listStories', {}, { 'X-Storydesk-Token': '', Authorization: `Bearer ${server.token}` })).status).toBe(401);
    const bearer = await rawRequest(server, { method: 'POST', path: '/api/listStories', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` }, body: '{}' });
    expect(bearer.status).toBe(200);

    const withWrongToken = createHttpClient({ baseUrl: server.url, token: wrongSameLength, fetch });
    await expect(withWrongToken.listStories({})).rejects.toMatchObject({ name: 'HttpTransportError', status: 401, code: 'unauthorized' });
  });

  it('refuses a Host that is not this server (DNS rebinding), on the API and the UI alike', async () => {
    const { server } = await startServer();
    for (const host of [`evil.example:${server.port}`, 'evil.example', `127.0.0.1:${server.port + 1}`, `127.0.0.1.nip.io:${server.port}`, `localhost.evil.example:${server.port}`]) {
      const api = await apiCall(server, 'listStories', {}, { Host: host });
      expect(api.status, host).toBe(403);
      expect(errorOf(api)).toMatchObject({ code: 'forbidden', message: expect.stringContaining('Host') });
      expect((await rawRequest(server, { path: '/', headers: { Host: host } })).status, host).toBe(403);
    }
    expect((await apiCall(server, 'listStories', {}, { Host: `localhost:${server.port}` })).status).toBe(200);
    expect((await apiCall(server, 'listStories', {}, { Host: `LOCALHOST:${server.port}` })).status).toBe(200);
  });

  it('refuses an Origin other than its own, and requests a browser marks as cross-site', async () => {
    const { server } = await startServer();
    for (const origin of ['http://evil.example', `http://evil.example:${server.port}`, 'null', `https://127.0.0.1:${server.port}`, `http://127.0.0.1:${server.port + 1}`]) {
      const response = await apiCall(server, 'listStories', {}, { Origin: origin });
      expect(response.status, origin).toBe(403);
      expect(errorOf(response).message).toContain(origin);
    }
    expect((await apiCall(server, 'listStories', {}, { Origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
    expect((await apiCall(server, 'listStories', {}, { Origin: `http://localhost:${server.port}` })).status).toBe(200);

    expect((await apiCall(server, 'listStories', {}, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await apiCall(server, 'listStories', {}, { 'Sec-Fetch-Site': 'same-site' })).status).toBe(403);
    expect((await apiCall(server, 'listStories', {}, { 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
    expect((await rawRequest(server, { path: '/', headers: { 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(403);
    expect((await rawRequest(server, { path: '/', headers: { 'Sec-Fetch-Site': 'none' } })).status).toBe(200);
  });

  it('refuses bodies that are not JSON, with a message that says what to send', async () => {
    const { server } = await startServer();
    const headers = { 'X-Storydesk-Token': server.token };
    const plain = await rawRequest(server, { method: 'POST', path: '/api/listStories', headers: { ...headers, 'Content-Type': 'text/plain' }, body: '{}' });
    expect(plain.status).toBe(415);
    expect(errorOf(plain)).toMatchObject({ code: 'invalid-input', message: expect.stringContaining('Content-Type: application/json') });
    const untyped = await rawRequest(server, { method: 'POST', path: '/api/listStories', headers, body: '{}' });
    expect(untyped.status).toBe(415);
    const form = await rawRequest(server, { method: 'POST', path: '/api/listStories', headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
    expect(form.status).toBe(415);

    const broken = await rawRequest(server, { method: 'POST', path: '/api/listStories', headers: { ...headers, 'Content-Type': 'application/json' }, body: '{"in": ' });
    expect(broken.status).toBe(400);
    expect(errorOf(broken).message).toContain('not valid JSON');
    const empty = await rawRequest(server, { method: 'POST', path: '/api/listStories', headers: { ...headers, 'Content-Type': 'application/json' }, body: '' });
    expect(empty.status).toBe(400);
    expect(errorOf(empty).message).toContain('({} when it takes nothing)');
    const charset = await rawRequest(server, { method: 'POST', path: '/api/listStories', headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8' }, body: '{}' });
    expect(charset.status).toBe(200);
  });

  it('refuses a body over the limit with 413 and closes the connection instead of reading on', async () => {
    const { server } = await startServer({ limits: { maxBodyBytes: 1024 } });
    const small = await apiCall(server, 'importText', { text: 'x'.repeat(2000) });
    expect(small.status).toBe(413);
    expect(errorOf(small)).toMatchObject({ code: 'invalid-input', message: expect.stringContaining('1024 bytes') });

    // Declared too large: answered at once, the body never read.
    const declared = await openSocket(server);
    declared.socket.write(
      `POST /api/importText HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Storydesk-Token: ${server.token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{"text":"`,
    );
    await declared.closed;
    expect(declared.received()).toMatch(/^HTTP\/1\.1 413 /);
    expect(declared.received()).toMatch(/\r\nConnection: close\r\n/i);

    // Streamed without a length: cut off once it passes the limit, while the client keeps sending.
    const streamed = await openSocket(server);
    streamed.socket.write(
      `POST /api/importText HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Storydesk-Token: ${server.token}\r\n` +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    let sent = 0;
    const chunk = `400\r\n${'x'.repeat(1024)}\r\n`;
    const sending = setInterval(() => {
      if (streamed.socket.writable) {
        streamed.socket.write(chunk);
        sent += 1024;
      }
    }, 5);
    await streamed.closed;
    clearInterval(sending);
    expect(streamed.received()).toMatch(/^HTTP\/1\.1 413 /);
    expect(sent).toBeLessThan(1024 * 1024);
  });

  it('answers an unknown method with 404 and the list of methods, and a GET with 405', async () => {
    const { server } = await startServer();
    const unknown = await apiCall(server, 'dropLibrary', {});
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown).details?.methods).toEqual(API_METHODS);
    expect(errorOf(unknown).message).toContain('listStories');
    for (const name of ['constructor', '__proto__', 'toString', 'events/extra', '']) {
      expect((await apiCall(server, name, {})).status, name).toBe(404);
    }

    const get = await rawRequest(server, { path: '/api/listStories', headers: { 'X-Storydesk-Token': server.token } });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(errorOf(get).code).toBe('method-not-allowed');
    expect((await rawRequest(server, { method: 'PUT', path: '/api/listStories', headers: { 'X-Storydesk-Token': server.token, 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(405);
    expect((await apiCall(server, 'events', {})).status).toBe(405);
    // Without the token, a GET learns nothing but that the token is missing.
    expect((await rawRequest(server, { path: '/api/listStories' })).status).toBe(401);
  });
});

describe('binding', () => {
  it('refuses to listen anywhere but loopback', async () => {
    const { service, store } = openLibraryService(freshLibraryPath());
    try {
      for (const host of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.5', 'example.com', '127.1', '::ffff:10.0.0.1', '']) {
        await expect(createBrowserServer({ service, staticRoot: freshFolder(), host }), host).rejects.toBeInstanceOf(NotLoopbackError);
      }
      await expect(createBrowserServer({ service, staticRoot: freshFolder(), token: 'too-short' })).rejects.toThrow(/token/);
    } finally {
      store.close();
    }
  });

  it('listens on 127.0.0.1 and a free port by default, and on localhost when asked', async () => {
    const { server } = await startServer();
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
    expect(server.pageUrl).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);

    const { service, store } = openLibraryService(freshLibraryPath());
    const local = await createBrowserServer({ service, staticRoot: freshFolder(), host: 'localhost' });
    try {
      expect(['127.0.0.1', '::1']).toContain(local.host);
      expect((await apiCall(local, 'listStories', {}, { Host: `localhost:${local.port}` })).status).toBe(200);
    } finally {
      await local.close();
      store.close();
    }
  });
});

describe('static files', () => {
  it('serves the UI with its content types and a strict Content-Security-Policy', async () => {
    const { server } = await startServer();
    const index = await fetch(server.url);
    expect(index.status).toBe(200);
    expect(await index.text()).toBe(INDEX_HTML);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(index.headers.get('referrer-policy')).toBe('no-referrer');
    const policy = index.headers.get('content-security-policy') ?? '';
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "connect-src 'self'",
      "frame-src 'none'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(policy).toContain(directive);
    }
    expect(policy).not.toContain('unsafe-eval');
    expect((await fetch(`${server.url}assets/app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${server.url}assets/app.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${server.url}assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}index.html`, { method: 'POST' })).status).toBe(405);
    const head = await rawRequest(server, { method: 'HEAD', path: '/' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');

    const api = await apiCall(server, 'listStories', {});
    expect(api.headers['cache-control']).toBe('no-store');
    expect(api.headers['x-content-type-options']).toBe('nosniff');
  });

  it('never serves a file outside the UI folder', async () => {
    const { server, staticRoot, folder } = await startServer();
    fs.symlinkSync(path.join(folder, 'package.json'), path.join(staticRoot, 'escape.json'));
    fs.symlinkSync(folder, path.join(staticRoot, 'outside'));
    fs.writeFileSync(path.join(staticRoot, '.env'), SECRET);
    const attempts = [
      '/../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E/package.json',
      '/..%2fpackage.json',
      '/%2e%2e%2fpackage.json',
      '/assets/../../package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/..\\package.json',
      '/..%5cpackage.json',
      '/assets/..%5c..%5cpackage.json',
      '/%00',
      '/index.html%00.js',
      '/%2fetc%2fpasswd',
      '//etc/passwd',
      '/escape.json',
      '/outside/package.json',
      '/.env',
      '/C:%5cWindows%5cwin.ini',
      '/%',
      `/${'%2e%2e/'.repeat(12)}etc/passwd`,
    ];
    for (const attempt of attempts) {
      const response = await rawRequest(server, { path: attempt });
      expect([400, 403, 404], attempt).toContain(response.status);
      expect(response.body, attempt).not.toContain(SECRET);
      expect(response.body, attempt).not.toContain('root:');
    }
    // An absolute-form target is not a path of ours.
    expect((await rawRequest(server, { path: 'http://evil.example/package.json' })).status).toBe(400);
  });

  it('says how to build the UI when it is not built', async () => {
    const { server } = await startServer({ withUi: false });
    const response = await fetch(server.url);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const text = await response.text();
    expect(text).toContain('not built');
    expect(text).toContain('npm run build');
    // The API answers meanwhile.
    expect((await apiCall(server, 'listStories', {})).status).toBe(200);
  });
});

describe('events', () => {
  it("tells a second client of a save made by the first", async () => {
    const { server, client } = await startServer();
    const received: ServerEvent[] = [];
    let opened = 0;
    const unsubscribe = subscribeToEvents({
      url: eventsUrl(server.url),
      token: server.token,
      EventSource: NodeEventSource,
      onEvent: (event) => received.push(event),
      onOpen: () => (opened += 1),
    });
    try {
      await waitFor(() => opened === 1);
      const otherTab = createHttpClient({ baseUrl: server.url, token: server.token, fetch });
      const story = await otherTab.getStory({ id: SAMPLE_ID });
      await otherTab.saveStory({ story: { ...story, title: 'Changed in another tab' }, baseRevision: story.revision });
      await waitFor(() => received.length > 0);
      expect(received[0]).toEqual({ type: 'story-changed', id: SAMPLE_ID, change: 'saved', revision: 2 });

      await client.setStoryStatus({ id: SAMPLE_ID, status: 'review', baseRevision: 2 });
      await client.trashStory({ id: SAMPLE_ID });
      await client.setCoverageRules({ rules: {} });
      await client.listStories({}); // reads tell nobody anything
      await waitFor(() => received.length >= 4);
      expect(received.slice(1)).toEqual([
        { type: 'story-changed', id: SAMPLE_ID, change: 'status', revision: 3 },
        { type: 'story-changed', id: SAMPLE_ID, change: 'trashed', revision: 3 },
        { type: 'rules-changed' },
      ]);

      // Whoever holds the emitter can tell every page too.
      server.events.publish({ type: 'story-changed', id: 'from-elsewhere', change: 'imported' });
      await waitFor(() => received.length === 5);
      expect(received[4]).toEqual({ type: 'story-changed', id: 'from-elsewhere', change: 'imported' });
    } finally {
      unsubscribe();
    }
  });

  it('needs the token on the stream too, and ends every stream when the server closes', async () => {
    const { server } = await startServer({ limits: { heartbeatMs: 50 } });
    const refused = new NodeEventSource(`${eventsUrl(server.url)}?token=${'0'.repeat(64)}`);
    const bare = new NodeEventSource(eventsUrl(server.url));
    await waitFor(() => refused.status !== undefined && bare.status !== undefined);
    expect([refused.status, bare.status]).toEqual([401, 401]);

    const byHeader = await new Promise<http.IncomingMessage>((resolve) =>
      http.get(`${eventsUrl(server.url)}`, { headers: { 'X-Storydesk-Token': server.token } }, resolve),
    );
    expect(byHeader.statusCode).toBe(200);
    expect(byHeader.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    byHeader.destroy();

    const source = new NodeEventSource(`${eventsUrl(server.url)}?token=${server.token}`);
    await waitFor(() => source.comments.some((comment) => comment.startsWith('heartbeat')));
    const closing = Date.now();
    await server.close();
    expect(Date.now() - closing).toBeLessThan(1000);
    await waitFor(() => source.ended);
  });
});

describe('slow and stalled clients', () => {
  const limits = { idleTimeoutMs: 300, headersTimeoutMs: 600, requestTimeoutMs: 1200 };

  it('drops a client that sends half its headers', async () => {
    const { server, logs } = await startServer({ limits });
    const stalled = await openSocket(server);
    stalled.socket.write(`POST /api/listStories HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`);
    expect(await stalled.closed).toBeLessThan(3000);
    expect(logs).toEqual([]);
  });

  it('drops a client that stops halfway through its body', async () => {
    const { server, logs } = await startServer({ limits });
    const stalled = await openSocket(server);
    stalled.socket.write(
      `POST /api/importText HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Storydesk-Token: ${server.token}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"text":',
    );
    expect(await stalled.closed).toBeLessThan(3000);
    // A client that went away is not an internal error.
    expect(logs).toEqual([]);
  });

  it('drops a client that trickles its body slower than the whole request may take', async () => {
    const { server } = await startServer({ limits });
    const trickling = await openSocket(server);
    trickling.socket.write(
      `POST /api/importText HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Storydesk-Token: ${server.token}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n',
    );
    const trickle = setInterval(() => trickling.socket.writable && trickling.socket.write('x'), 100);
    const lasted = await trickling.closed;
    clearInterval(trickle);
    expect(lasted).toBeLessThan(5000);
  });

  it('still answers clients that keep up, on kept-alive connections too', async () => {
    const { server } = await startServer({ limits });
    const agent = new http.Agent({ keepAlive: true });
    try {
      for (let call = 0; call < 3; call += 1) {
        const status = await new Promise<number>((resolve, reject) => {
          const request = http.request(
            { host: server.host, port: server.port, method: 'POST', path: '/api/listStories', agent, headers: { 'Content-Type': 'application/json', 'X-Storydesk-Token': server.token } },
            (response) => {
              response.resume();
              response.on('end', () => resolve(response.statusCode ?? 0));
            },
          );
          request.on('error', reject);
          request.end('{}');
        });
        expect(status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      agent.destroy();
    }
  });
});

describe('npm run serve', () => {
  function capturedIo() {
    const io = { out: '', err: '', stdout: (text: string) => (io.out += text), stderr: (text: string) => (io.err += text), env: {} };
    return io;
  }

  it('refuses a host that is not loopback, and a port that is not one, with exit code 2', async () => {
    const io = capturedIo();
    expect(await startServe(['--library', freshLibraryPath(), '--host', '0.0.0.0'], io)).toBe(2);
    expect(io.err).toContain('this computer only');
    expect(io.err).toContain('--host 127.0.0.1');
    expect(await startServe(['--library', freshLibraryPath(), '--host', '192.168.1.20'], io)).toBe(2);
    expect(await startServe(['--library', freshLibraryPath(), '--port', '70000'], io)).toBe(2);
    expect(await startServe(['--library', freshLibraryPath(), '--bind', 'x'], io)).toBe(2);
  });

  it('prints the address to open with its token, serves a new library with the sample, and stops', async () => {
    const io = capturedIo();
    const library = freshLibraryPath();
    const started = await startServe(['--library', library, '--port', '0'], io);
    if (typeof started === 'number') throw new Error(`serve failed with ${started}: ${io.err}`);
    try {
      const { server } = started;
      expect(io.out).toContain(`Storydesk is running at http://127.0.0.1:${server.port}/#token=${server.token}\n`);
      expect(io.out).toContain(`Library: ${library}\n`);
      expect(io.err).toContain(`Created a new library at ${library}`);
      const client = createHttpClient({ baseUrl: server.url, token: server.token, fetch });
      expect((await client.listStories({})).map((story) => story.id)).toEqual([SAMPLE_ID]);
    } finally {
      await started.stop();
    }
    await expect(fetch(started.server.url)).rejects.toThrow();
  });
});

describe('in Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /**
   * A page that does what the renderer must: take the token from the fragment, drop the fragment,
   * call the API, listen to events, and show a story in a sandboxed srcdoc preview.
   */
  const PAGE_SCRIPT = `
    import 'storydesk:zod-without-eval';
    import { createHttpClient, eventsUrl, subscribeToEvents, tokenFromFragment } from './shared/http-client';
    import { renderStoryPage } from './shared/page-html';
    const results = (window.results = { events: [], violations: [] });
    document.addEventListener('securitypolicyviolation', (event) => results.violations.push(event.violatedDirective + ' ' + event.blockedURI));
    const token = tokenFromFragment(location.hash);
    history.replaceState(null, '', location.pathname + location.search);
    const client = createHttpClient({ baseUrl: location.origin, token, fetch: (...args) => fetch(...args) });
    subscribeToEvents({ url: eventsUrl(location.origin), token, EventSource, onEvent: (event) => results.events.push(event), onOpen: () => (results.open = true) });
    const stories = await client.listStories({});
    results.titles = stories.map((story) => story.title);
    const story = await client.getStory({ id: stories[0].id });
    const asset = await client.getAsset({ sha256: story.hero.asset.sha256 });
    const bytes = Uint8Array.from(atob(asset.data), (character) => character.charCodeAt(0));
    const preview = document.createElement('iframe');
    preview.setAttribute('sandbox', '');
    preview.srcdoc = renderStoryPage(story, { hero: { kind: 'data', bytes } });
    preview.addEventListener('load', () => (results.previewLoaded = true));
    document.body.append(preview);
    try {
      await client.saveStory({ story, baseRevision: 0 });
    } catch (error) {
      results.conflict = error.name;
    }
  `;

  /**
   * The CSP forbids eval, and zod probes for it (the probe is reported as a violation) when its
   * first schema is built, so the page's first import turns that off before any schema exists.
   */
  const ZOD_WITHOUT_EVAL = "import { z } from 'zod';\nz.config({ jitless: true });\n";

  async function buildPage(staticRoot: string): Promise<void> {
    const bundled = await build({
      plugins: [
        {
          name: 'zod-without-eval',
          setup(builder) {
            builder.onResolve({ filter: /^storydesk:zod-without-eval$/ }, () => ({ path: 'zod-without-eval', namespace: 'storydesk' }));
            builder.onLoad({ filter: /.*/, namespace: 'storydesk' }, () => ({ contents: ZOD_WITHOUT_EVAL, resolveDir: projectRoot, loader: 'ts' }));
          },
        },
      ],
      stdin: { contents: PAGE_SCRIPT, resolveDir: projectRoot, sourcefile: 'page.ts', loader: 'ts' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'chrome120',
      write: false,
      logLevel: 'silent',
    });
    fs.writeFileSync(path.join(staticRoot, 'assets', 'app.js'), bundled.outputFiles[0]?.text ?? '');
  }

  it('runs the page from the printed address: token from the fragment, API, events, preview under the CSP', async () => {
    const { server, client, staticRoot } = await startServer();
    await buildPage(staticRoot);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
      await page.goto(server.pageUrl);
      await page.waitForFunction(() => {
        const results = (globalThis as unknown as { results?: { previewLoaded?: boolean; conflict?: string; open?: boolean } }).results;
        return results?.previewLoaded && results.conflict && results.open;
      });
      expect(page.url()).toBe(server.url);

      const story = await client.getStory({ id: SAMPLE_ID });
      await client.saveStory({ story: { ...story, title: 'Saved in the other window' }, baseRevision: story.revision });
      await page.waitForFunction(() => (globalThis as unknown as { results: { events: unknown[] } }).results.events.length > 0);

      const results = await page.evaluate(() => (globalThis as unknown as { results: unknown }).results);
      expect(results).toMatchObject({
        titles: [story.title],
        conflict: 'ConflictError',
        events: [{ type: 'story-changed', id: SAMPLE_ID, change: 'saved', revision: 2 }],
        violations: [],
      });
      // The preview shows the story, its styles and its hero; its own scripts could not run.
      const preview = page.frames()[1];
      expect(preview).toBeDefined();
      expect(await preview?.locator('h1').first().textContent()).toBe(story.title);
      expect(await preview?.locator('img').first().evaluate((image) => (image as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
      // Only the answers the page expected (the favicon's 404, the stale save's 409): no CSP refusal.
      expect(consoleErrors.filter((text) => !/^Failed to load resource: .* (404|409) /.test(text))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('refuses a page on another origin, even one that holds the token', async () => {
    let listed = 0;
    const { server } = await startServer({
      service: (service) => ({
        ...service,
        listStories: (request) => {
          listed += 1;
          return service.listStories(request);
        },
      }),
    });
    const other = http.createServer((_request, response) => {
      response.setHeader('Content-Type', 'text/html');
      response.end('<!doctype html><title>elsewhere</title>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${(other.address() as net.AddressInfo).port}/`);
      const outcome = await page.evaluate(
        async ({ url, token }) => {
          const tries: string[] = [];
          const attempts: RequestInit[] = [
            { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Storydesk-Token': token }, body: '{}' },
            { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}', mode: 'no-cors' },
          ];
          for (const init of attempts) {
            try {
              const response = await fetch(`${url}api/listStories`, init);
              tries.push(`${response.type} ${response.status}`);
            } catch (error) {
              tries.push(`failed: ${(error as Error).name}`);
            }
          }
          return tries;
        },
        { url: server.url, token: server.token },
      );
      // The first fails its preflight (403 to a foreign Origin). The second needs none, so it is
      // sent, but the server refuses it (and its answer is not even readable as an opaque
      // response, being Cross-Origin-Resource-Policy: same-origin): the service never ran.
      expect(outcome).toEqual(['failed: TypeError', 'failed: TypeError']);
      expect(listed).toBe(0);
    } finally {
      await context.close();
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
