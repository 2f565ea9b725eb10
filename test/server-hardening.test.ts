// Browser mode's server attacked the way a person would from the command line: raw bytes over a
// socket (node:net), because fetch and node:http normalise exactly what an attacker sends on
// purpose (`/../`, two Host headers, a target in absolute form, a body that never ends). Each
// attack checks what the attacker gets back and, where the attack would change something, that
// the library is exactly as it was. The token's comparison is checked for what it calls
// (timingSafeEqual on two digests of one fixed length), never for how long it takes.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiHandlers } from '../shared/api';
import { createBrowserServer, type BrowserServer, type ServerLimits } from '../electron/server/http';
import { createTokenCheck } from '../electron/server/request-guards';
import { openLibraryService } from '../electron/library';
import type { LibraryStore } from '../electron/store/store';
import { freshFolder, freshLibraryPath, tickingClock } from './helpers/library';

// The real timingSafeEqual, watched: the token check must hand it two equal-length digests.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const SAMPLE_ID = 'sample-korea-poland-security-dialogue';
const SECRET = 'TOP-SECRET-OUTSIDE-THE-UI-FOLDER';

interface Started {
  server: BrowserServer;
  store: LibraryStore;
  service: ApiHandlers;
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

async function startServer(limits: Partial<ServerLimits> = {}): Promise<Started> {
  const { store, service } = openLibraryService(freshLibraryPath(), { now: tickingClock(), author: 'Test Editor' });
  const folder = freshFolder('storydesk-hardening-');
  const staticRoot = path.join(folder, 'ui');
  fs.mkdirSync(path.join(staticRoot, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ secret: SECRET }));
  fs.writeFileSync(path.join(staticRoot, 'index.html'), '<!doctype html><title>Storydesk</title>\n');
  fs.writeFileSync(path.join(staticRoot, 'assets', 'app.js'), 'console.log("Storydesk");\n');
  const logs: string[] = [];
  const server = await createBrowserServer({ service, staticRoot, limits, log: (message) => logs.push(message) });
  const started = { server, store, service, folder, staticRoot, logs };
  running.push(started);
  return started;
}

/** The library as a caller sees it: every story in and out of the trash, with its revision. */
async function librarySnapshot(service: ApiHandlers): Promise<string> {
  const active = await service.listStories({});
  const trash = await service.listStories({ in: 'trash' });
  const rules = await service.getCoverageRules({});
  return JSON.stringify({ active, trash, rules });
}

interface Exchange {
  /** 0 when the server closed the connection without answering. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Everything received, bytes as latin1. */
  raw: string;
  /** The server closed the connection (it was not left open after the answer). */
  closed: boolean;
}

/** A raw socket to the server: what it received so far and a promise for when it closes. */
function connect(server: BrowserServer): Promise<{ socket: net.Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: server.host, port: server.port }, () => {
      let data = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (data += chunk));
      socket.on('error', () => undefined);
      const closed = new Promise<void>((done) => socket.on('close', () => done()));
      resolve({ socket, received: () => data, closed });
    });
    socket.once('error', reject);
  });
}

function parseResponse(raw: string, closed: boolean): Exchange | undefined {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd === -1) return closed ? { status: 0, headers: {}, body: '', raw, closed } : undefined;
  const [statusLine = '', ...lines] = raw.slice(0, headEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = raw.slice(headEnd + 4);
  const length = Number(headers['content-length'] ?? NaN);
  if (!closed && !(body.length >= length)) return undefined;
  return { status: Number(statusLine.split(' ')[1]), headers, body: Number.isNaN(length) ? body : body.slice(0, length), raw, closed };
}

/**
 * Sends `request` as it is, byte for byte, and returns the first answer once it is complete,
 * after waiting `settleMs` more to see whether the server closes the connection.
 */
async function exchange(server: BrowserServer, request: string | Buffer, settleMs = 100): Promise<Exchange> {
  const { socket, received, closed } = await connect(server);
  let isClosed = false;
  void closed.then(() => (isClosed = true));
  socket.write(request);
  for (;;) {
    const parsed = parseResponse(received(), isClosed);
    if (parsed !== undefined) break;
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 10))]);
  }
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, settleMs))]);
  const result = parseResponse(received(), isClosed) as Exchange;
  socket.destroy();
  return result;
}

const host = (server: BrowserServer) => `Host: 127.0.0.1:${server.port}\r\n`;
const token = (server: BrowserServer) => `X-Storydesk-Token: ${server.token}\r\n`;

/** A complete POST of `body` to `/api/<method>` with the headers given (each ending in CRLF). */
function post(server: BrowserServer, target: string, headers: string, body: string): string {
  return `POST ${target} HTTP/1.1\r\n${host(server)}${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const errorOf = (response: Exchange) => (JSON.parse(response.body) as { error: { code: string; message: string } }).error;

describe('static files: every way out of the UI folder', () => {
  it('refuses traversal, encoded or not, and symlinks that lead out, and still serves its own files', async () => {
    const { server, staticRoot, folder } = await startServer();
    fs.symlinkSync(path.join(folder, 'package.json'), path.join(staticRoot, 'escape.json'));
    fs.symlinkSync(folder, path.join(staticRoot, 'outside'));
    fs.symlinkSync('/etc', path.join(staticRoot, 'etc'));
    const attempts: Array<[target: string, status: number, reason: string]> = [
      ['/../package.json', 400, 'climbs out of the UI folder'],
      ['/assets/../../package.json', 400, 'climbs out of the UI folder'],
      ['/%2e%2e/package.json', 400, 'climbs out of the UI folder'],
      ['/%2E%2E/package.json', 400, 'climbs out of the UI folder'],
      ['/.%2e/package.json', 400, 'climbs out of the UI folder'],
      ['/%2e%2e%2fpackage.json', 400, 'climbs out of the UI folder'],
      ['/assets/%2e%2e%2f%2e%2e%2fpackage.json', 400, 'climbs out of the UI folder'],
      [`/${'%2e%2e/'.repeat(12)}etc/passwd`, 400, 'climbs out of the UI folder'],
      // Decoded once: a double-encoded `..` stays the three characters `%2e` in a file name.
      ['/%252e%252e/%252e%252e/package.json', 404, 'Not found.'],
      ['/%252e%252e%252fpackage.json', 404, 'Not found.'],
      ['/..\\package.json', 400, 'backslash'],
      ['/..%5cpackage.json', 400, 'backslash'],
      ['/assets/..%5C..%5Cpackage.json', 400, 'backslash'],
      ['//etc/passwd', 404, 'Not found.'],
      ['/%2fetc%2fpasswd', 404, 'Not found.'],
      ['/%00', 400, 'NUL'],
      ['/index.html%00.js', 400, 'NUL'],
      ['/../package.json%00.js', 400, 'NUL'],
      // Overlong UTF-8 for "." and "/": not UTF-8 at all, so not a path.
      ['/%c0%ae%c0%ae/package.json', 400, 'not valid percent-encoding'],
      ['/%c0%ae%c0%ae%c0%afpackage.json', 400, 'not valid percent-encoding'],
      ['/%e0%80%ae%e0%80%ae/package.json', 400, 'not valid percent-encoding'],
      ['/%', 400, 'not valid percent-encoding'],
      ['/C:%5cWindows%5cwin.ini', 400, 'backslash'],
      ['/C:/Windows/win.ini', 400, 'colon'],
      ['/escape.json', 403, 'leads out of the UI folder'],
      ['/outside/package.json', 403, 'leads out of the UI folder'],
      ['/etc/passwd', 403, 'leads out of the UI folder'],
    ];
    for (const [target, status, reason] of attempts) {
      const response = await exchange(server, `GET ${target} HTTP/1.1\r\n${host(server)}\r\n`);
      expect(response.status, target).toBe(status);
      expect(response.body, target).toContain(reason);
      expect(response.body, target).not.toContain(SECRET);
      expect(response.body, target).not.toMatch(/root:/);
    }
    const served = await exchange(server, `GET /assets/app.js HTTP/1.1\r\n${host(server)}\r\n`);
    expect(served.status).toBe(200);
    expect(served.body).toBe('console.log("Storydesk");\n');
  });

  it('refuses a request target that is not a path: absolute form, asterisk form', async () => {
    const { server, service } = await startServer();
    const before = await librarySnapshot(service);
    for (const target of ['http://evil.example/', `http://127.0.0.1:${server.port}/package.json`, `http://127.0.0.1:${server.port}/../package.json`, '*']) {
      const response = await exchange(server, `GET ${target} HTTP/1.1\r\n${host(server)}\r\n`);
      expect(response.status, target).toBe(400);
      expect(response.body, target).toContain('the request target must be a path starting with "/"');
    }
    // Nor can an API call be slipped through in absolute form, token and all.
    const call = await exchange(server, post(server, `http://127.0.0.1:${server.port}/api/createStory`, `${token(server)}Content-Type: application/json\r\n`, '{}'));
    expect(call.status).toBe(400);
    expect(await librarySnapshot(service)).toBe(before);
  });
});

describe('Host, as a command line can send it', () => {
  it('refuses a request without Host (HTTP/1.0) or with a Host that only looks like this server', async () => {
    const { server } = await startServer();
    const port = server.port;
    // HTTP/1.1 requires a Host: Node answers 400 before the server sees the request.
    expect((await exchange(server, 'GET / HTTP/1.1\r\n\r\n')).status).toBe(400);
    const attempts: Array<[name: string, request: string]> = [
      ['HTTP/1.0 without Host', 'GET / HTTP/1.0\r\n\r\n'],
      ['without the port', 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'],
      ['a trailing dot', `GET / HTTP/1.1\r\nHost: localhost.:${port}\r\n\r\n`],
      ['a longer name', `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}.evil.example\r\n\r\n`],
      ['another loopback address', `GET / HTTP/1.1\r\nHost: 127.0.0.2:${port}\r\n\r\n`],
      ['the address in decimal', `GET / HTTP/1.1\r\nHost: 2130706433:${port}\r\n\r\n`],
    ];
    for (const [name, request] of attempts) {
      const response = await exchange(server, request);
      expect(response.status, name).toBe(403);
      expect(response.body, name).toContain('the Host header');
    }
  });
});

describe('bodies over the limit', () => {
  const limits = { maxBodyBytes: 1024 };

  it('refuses a declared length over the limit at once, and closes the connection without reading the body', async () => {
    const { server, service } = await startServer(limits);
    const before = await librarySnapshot(service);
    const { socket, received, closed } = await connect(server);
    socket.write(
      `POST /api/importText HTTP/1.1\r\n${host(server)}${token(server)}Content-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{"text":"`,
    );
    await closed;
    const response = parseResponse(received(), true);
    expect(response?.status).toBe(413);
    expect(response?.headers.connection).toBe('close');
    expect(errorOf(response as Exchange).message).toBe('invalid request body: the request is 10000000000 bytes; the server accepts at most 1024 bytes');
    expect(await librarySnapshot(service)).toBe(before);
  });

  it('cuts off a chunked body once it passes the limit, however much more the client would send', async () => {
    const { server, service } = await startServer(limits);
    const before = await librarySnapshot(service);
    const { socket, received, closed } = await connect(server);
    socket.write(`POST /api/importText HTTP/1.1\r\n${host(server)}${token(server)}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    let sent = 0;
    const chunk = `100\r\n${'x'.repeat(256)}\r\n`;
    const sending = setInterval(() => {
      if (socket.writable) {
        socket.write(chunk);
        sent += 256;
      }
    }, 2);
    await closed;
    clearInterval(sending);
    const response = parseResponse(received(), true);
    expect(response?.status).toBe(413);
    expect(errorOf(response as Exchange).message).toContain('larger than the 1024 bytes the server accepts');
    expect(sent).toBeLessThan(1024 * 1024);
    expect(await librarySnapshot(service)).toBe(before);
  });

  it('takes a chunked body within the limit', async () => {
    const { server } = await startServer(limits);
    const body = '{"limit":1}';
    const response = await exchange(
      server,
      `POST /api/listStories HTTP/1.1\r\n${host(server)}${token(server)}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
    );
    expect(response.status).toBe(200);
    expect((JSON.parse(response.body) as Array<{ id: string }>).map((story) => story.id)).toEqual([SAMPLE_ID]);
  });

  it('does not read the body of a refused call: no token, a large body, the connection closed', async () => {
    const { server } = await startServer(limits);
    const { socket, received, closed } = await connect(server);
    socket.write(`POST /api/importText HTTP/1.1\r\n${host(server)}Content-Type: application/json\r\nContent-Length: 900\r\n\r\n{"te`);
    await closed;
    const response = parseResponse(received(), true);
    expect(response?.status).toBe(401);
    expect(response?.headers.connection).toBe('close');
  });

  it('refuses a GET or HEAD that carries a body instead of reading it to the end', async () => {
    const { server } = await startServer(limits);
    for (const method of ['GET', 'HEAD']) {
      const { socket, received, closed } = await connect(server);
      socket.write(`${method} / HTTP/1.1\r\n${host(server)}Content-Length: 100000000\r\n\r\nabc`);
      await closed;
      const response = parseResponse(received(), true);
      expect(response?.status, method).toBe(400);
      expect(response?.headers.connection, method).toBe('close');
      if (method === 'GET') expect(response?.body).toContain('a GET request carries no body');
    }
    const events = await exchange(server, `GET /api/events HTTP/1.1\r\n${host(server)}${token(server)}Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n`);
    expect(events.status).toBe(400);
    expect(errorOf(events).message).toBe('Refused: a GET request carries no body.');
  });
});

describe('ambiguous requests (smuggling)', () => {
  it('refuses both Content-Length and Transfer-Encoding, and a repeated or odd length, and runs nothing hidden in them', async () => {
    const { server, service, logs } = await startServer();
    const before = await librarySnapshot(service);
    const hidden = post(server, '/api/createStory', `${token(server)}Content-Type: application/json\r\n`, '{"title":"Smuggled"}');
    const headers = `${host(server)}${token(server)}Content-Type: application/json\r\n`;
    const attempts: Record<string, string> = {
      'Content-Length and Transfer-Encoding': `POST /api/listStories HTTP/1.1\r\n${headers}Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${hidden}`,
      'Transfer-Encoding and Content-Length': `POST /api/listStories HTTP/1.1\r\n${headers}Transfer-Encoding: chunked\r\nContent-Length: 60\r\n\r\n2\r\n{}\r\n0\r\n\r\n${hidden}`,
      'two equal Content-Lengths': `POST /api/listStories HTTP/1.1\r\n${headers}Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}${hidden}`,
      'two different Content-Lengths': `POST /api/listStories HTTP/1.1\r\n${headers}Content-Length: 2\r\nContent-Length: 200\r\n\r\n{}${hidden}`,
      'a Content-Length list': `POST /api/listStories HTTP/1.1\r\n${headers}Content-Length: 2, 2\r\n\r\n{}${hidden}`,
      'a signed Content-Length': `POST /api/listStories HTTP/1.1\r\n${headers}Content-Length: +2\r\n\r\n{}${hidden}`,
      'Transfer-Encoding: identity': `POST /api/listStories HTTP/1.1\r\n${headers}Transfer-Encoding: identity\r\n\r\n{}${hidden}`,
      'chunked, then identity': `POST /api/listStories HTTP/1.1\r\n${headers}Transfer-Encoding: chunked, identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n${hidden}`,
      'an obfuscated chunked': `POST /api/listStories HTTP/1.1\r\n${headers}Transfer-Encoding: xchunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n${hidden}`,
      'a bare LF between headers': `POST /api/listStories HTTP/1.1\r\n${headers}Content-Length: 2\n\r\n{}${hidden}`,
    };
    for (const [name, request] of Object.entries(attempts)) {
      const response = await exchange(server, request);
      expect(response.status, name).toBe(400);
      expect(response.closed, name).toBe(true);
      // One answer only: the request hidden in the body was never read as a second one.
      expect(response.raw.match(/HTTP\/1\.1 /g), name).toHaveLength(1);
    }
    expect(await librarySnapshot(service)).toBe(before);
    // A client's malformed request is not an internal error of the server.
    expect(logs).toEqual([]);
  });

  it('refuses a request that repeats a header the checks read (Host, Origin, token, Content-Type)', async () => {
    const { server, service } = await startServer();
    const before = await librarySnapshot(service);
    const json = 'Content-Type: application/json\r\n';
    const create = '{"title":"Through a second header"}';
    const attempts: Array<[name: string, headers: string]> = [
      // Node keeps the first Host and drops the second: a proxy in front could have read the other.
      ['host', `Host: evil.example\r\n${token(server)}${json}`],
      ['origin', `Origin: http://127.0.0.1:${server.port}\r\nOrigin: http://evil.example\r\n${token(server)}${json}`],
      ['sec-fetch-site', `Sec-Fetch-Site: same-origin\r\nSec-Fetch-Site: cross-site\r\n${token(server)}${json}`],
      ['x-storydesk-token', `${token(server)}${token(server)}${json}`],
      ['authorization', `Authorization: Bearer ${server.token}\r\nAuthorization: Basic eA==\r\n${json}`],
      ['content-type', `${token(server)}${json}Content-Type: text/plain\r\n`],
    ];
    for (const [name, headers] of attempts) {
      const response = await exchange(server, post(server, '/api/createStory', headers, create));
      expect(response.status, name).toBe(400);
      expect(errorOf(response), name).toEqual({ code: 'bad-request', message: `Refused: the request has 2 ${name} headers; send exactly one.` });
    }
    expect(await librarySnapshot(service)).toBe(before);
    // The same call with each header once goes through, so the refusals above were for the repetition.
    expect((await exchange(server, post(server, '/api/createStory', `${token(server)}${json}`, create))).status).toBe(200);
  });
});

describe('HTTP methods', () => {
  it('answers OPTIONS, TRACE and others with 405 or 401, never with CORS permission or an echo', async () => {
    const { server } = await startServer();
    const preflight = await exchange(
      server,
      `OPTIONS /api/createStory HTTP/1.1\r\n${host(server)}Origin: http://evil.example\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: x-storydesk-token\r\n\r\n`,
    );
    expect(preflight.status).toBe(403);
    expect(Object.keys(preflight.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);

    const withoutToken = await exchange(server, `OPTIONS /api/createStory HTTP/1.1\r\n${host(server)}\r\n`);
    expect(withoutToken.status).toBe(401);
    const options = await exchange(server, `OPTIONS /api/createStory HTTP/1.1\r\n${host(server)}${token(server)}\r\n`);
    expect(options.status).toBe(405);
    expect(options.headers.allow).toBe('POST');

    // TRACE would echo the request, token included, to whoever can read the answer.
    for (const target of ['/', '/api/listStories', '/api/events']) {
      const trace = await exchange(server, `TRACE ${target} HTTP/1.1\r\n${host(server)}${token(server)}\r\n`);
      expect(trace.status, target).toBe(405);
      expect(trace.raw, target).not.toContain(server.token);
    }
    for (const method of ['PUT', 'DELETE', 'PATCH', 'PROPFIND']) {
      const response = await exchange(server, `${method} /index.html HTTP/1.1\r\n${host(server)}Content-Length: 0\r\n\r\n`);
      expect(response.status, method).toBe(405);
      expect(response.headers.allow, method).toBe('GET, HEAD');
    }
  });

  it('refuses CONNECT with 405 and closes: the server is no tunnel', async () => {
    const { server } = await startServer();
    for (const target of ['evil.example:443', `127.0.0.1:${server.port}`]) {
      const response = await exchange(server, `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${token(server)}\r\nGET / HTTP/1.1\r\n\r\n`);
      expect(response.status, target).toBe(405);
      expect(response.body, target).toBe('This server is not a proxy: CONNECT is refused.\n');
      expect(response.closed, target).toBe(true);
    }
  });
});

describe('oversized headers', () => {
  it('answers 431 to headers over Node\'s limit and closes', async () => {
    const { server } = await startServer();
    const response = await exchange(server, `GET / HTTP/1.1\r\n${host(server)}X-Padding: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(response.status).toBe(431);
    expect(response.closed).toBe(true);
    const many = await exchange(server, `GET / HTTP/1.1\r\n${host(server)}${`X-A: ${'b'.repeat(1000)}\r\n`.repeat(20)}\r\n`);
    expect(many.status).toBe(431);
  });
});

describe('slow and stalled clients, many at once', () => {
  const limits = { idleTimeoutMs: 300, headersTimeoutMs: 600, requestTimeoutMs: 1200 };

  it('times out a client that trickles its headers a byte at a time (slowloris), and serves others meanwhile', async () => {
    const { server, logs } = await startServer(limits);
    const { socket, received, closed } = await connect(server);
    const headers = `GET / HTTP/1.1\r\n${host(server)}${'X-Slow: a\r\n'.repeat(1000)}`;
    let at = 0;
    // Faster than the idle timeout, so that only the time allowed for headers can stop it.
    const trickle = setInterval(() => socket.writable && socket.write(headers[at++ % headers.length] ?? 'a'), 50);
    const served = await exchange(server, `GET /assets/app.js HTTP/1.1\r\n${host(server)}\r\n`);
    expect(served.status).toBe(200);
    await closed;
    clearInterval(trickle);
    expect(received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(logs).toEqual([]);
  });

  it('drops a client that sends half its headers and then nothing', async () => {
    const { server, logs } = await startServer(limits);
    const { socket, received, closed } = await connect(server);
    socket.write(`POST /api/createStory HTTP/1.1\r\n${host(server)}${token(server)}Content-Type: appl`);
    await closed;
    // Silent for the idle limit, which comes before the headers' own: dropped without an answer.
    expect(received()).toMatch(/^(HTTP\/1\.1 408 Request Timeout\r\n.*)?$/s);
    expect(logs).toEqual([]);
  });

  it('times out the headers of a second request on a kept-alive connection too', async () => {
    const { server } = await startServer(limits);
    const { socket, received, closed } = await connect(server);
    socket.write(`GET /assets/app.js HTTP/1.1\r\n${host(server)}\r\nGET / HTTP/1.1\r\n${host(server)}`);
    const trickle = setInterval(() => socket.writable && socket.write('X-Slow: a\r\n'), 50);
    await closed;
    clearInterval(trickle);
    expect(received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received().match(/HTTP\/1\.1 200 /g)).toHaveLength(1);
  });

  it('times out a stalled body and a client that stopped reading its answer, without logging an internal error', async () => {
    const { server, staticRoot, logs } = await startServer(limits);
    const stalled = await connect(server);
    stalled.socket.write(post(server, '/api/importText', `${token(server)}Content-Type: application/json\r\n`, '{"text":"Half a story').replace(/Content-Length: \d+/, 'Content-Length: 500'));
    await stalled.closed;
    // Dropped, with at most a 408: the half story was never imported.
    expect(stalled.received()).toMatch(/^(HTTP\/1\.1 408 Request Timeout\r\n.*)?$/s);

    // A file much larger than the socket buffers, asked for by a client that stops reading.
    const size = 64 * 1024 * 1024;
    fs.writeFileSync(path.join(staticRoot, 'assets', 'large.js'), Buffer.alloc(size, 0x20));
    const reader = await connect(server);
    reader.socket.pause();
    reader.socket.write(`GET /assets/large.js HTTP/1.1\r\n${host(server)}\r\n`);
    // Reads nothing for ten times the idle limit, then reads what is left: only what was already
    // on its way, since the server dropped the connection rather than wait for it.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    reader.socket.resume();
    await reader.closed;
    expect(reader.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(reader.received().length).toBeLessThan(size);
    expect(logs).toEqual([]);
  }, 60_000);

  it('closes many idle connections that send nothing, answering a real client all the while', async () => {
    const { server, service, logs } = await startServer(limits);
    const idle = await Promise.all(Array.from({ length: 200 }, () => connect(server)));
    const call = await exchange(server, post(server, '/api/listStories', `${token(server)}Content-Type: application/json\r\n`, '{}'));
    expect(call.status).toBe(200);
    expect(JSON.parse(call.body)).toEqual(JSON.parse(JSON.stringify(await service.listStories({}))));
    await Promise.all(idle.map((connection) => connection.closed));
    // None of them got an answer: there was no request to answer.
    expect(idle.filter((connection) => connection.received() !== '' && !connection.received().startsWith('HTTP/1.1 408'))).toEqual([]);
    expect(logs).toEqual([]);
  }, 60_000);
});

describe('the token', () => {
  beforeEach(() => {
    vi.mocked(timingSafeEqual).mockClear();
  });

  it('refuses wrong tokens (same length, prefix, longer, case) and tokens where they do not belong, changing nothing', async () => {
    const { server, service } = await startServer();
    const before = await librarySnapshot(service);
    const right = server.token;
    const flipped = right.replace(/.$/, (last) => (last === '0' ? '1' : '0'));
    const wrongHeaders: Array<[what: string, headers: string, target?: string]> = [
      ['no token', ''],
      ['a token of the same length, last character wrong', `X-Storydesk-Token: ${flipped}\r\n`],
      ['the token but its last character', `X-Storydesk-Token: ${right.slice(0, -1)}\r\n`],
      ['the first half of the token', `X-Storydesk-Token: ${right.slice(0, right.length / 2)}\r\n`],
      ['the token and one more character', `X-Storydesk-Token: ${right}0\r\n`],
      ['the token upper-cased', `X-Storydesk-Token: ${right.toUpperCase()}\r\n`],
      ['the token twice', `X-Storydesk-Token: ${right}${right}\r\n`],
      ['an empty token', 'X-Storydesk-Token: \r\n'],
      ['the token as Basic credentials', `Authorization: Basic ${right}\r\n`],
      ['a Bearer token of the same length', `Authorization: Bearer ${flipped}\r\n`],
      ['the token in a cookie', `Cookie: token=${right}; X-Storydesk-Token=${right}; storydesk-token=${right}\r\n`],
      ['the token in the query', '', `/api/createStory?token=${right}`],
      ['the token in the query, after another parameter', '', `/api/createStory?x=1&token=${right}`],
      ['the token as a path segment', '', `/api/createStory/${right}`],
      ['the token as a fragment', '', `/api/createStory#token=${right}`],
    ];
    for (const [what, headers, target] of wrongHeaders) {
      const response = await exchange(server, post(server, target ?? '/api/createStory', `${headers}Content-Type: application/json\r\n`, '{"title":"Guessed"}'));
      expect(response.status, what).toBe(401);
      expect(errorOf(response).code, what).toBe('unauthorized');
      expect(errorOf(response).message, what).toContain('X-Storydesk-Token header');
      expect(response.headers['www-authenticate'], what).toBe('Bearer realm="Storydesk"');
      expect(response.raw, what).not.toContain(right);
    }
    expect(await librarySnapshot(service)).toBe(before);
    // Every check went through the constant-time comparison.
    expect(vi.mocked(timingSafeEqual).mock.calls.length).toBeGreaterThan(0);

    // The event stream alone takes the token in its query (EventSource cannot send headers).
    const stream = await connect(server);
    stream.socket.write(`GET /api/events?token=${right} HTTP/1.1\r\n${host(server)}\r\n\r\n`);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (stream.received().includes(': connected')) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    expect(stream.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    stream.socket.destroy();
    const wrongStream = await exchange(server, `GET /api/events?token=${flipped} HTTP/1.1\r\n${host(server)}\r\n\r\n`);
    expect(wrongStream.status).toBe(401);
  });

  it('compares every presented token as a fixed-length digest with timingSafeEqual, whatever its length', () => {
    const expected = 'k'.repeat(20) + '0123456789abcdef'.repeat(3);
    const check = createTokenCheck(expected);
    const spy = vi.mocked(timingSafeEqual);
    const wrong: string[] = [];
    for (let length = 0; length <= expected.length * 2 + 1; length++) wrong.push('x'.repeat(length));
    for (let length = 1; length < expected.length; length++) wrong.push(expected.slice(0, length));
    for (let position = 0; position < expected.length; position++) {
      wrong.push(`${expected.slice(0, position)}${expected[position] === 'z' ? 'y' : 'z'}${expected.slice(position + 1)}`);
    }
    wrong.push(`${expected}x`, `x${expected}`, expected.toUpperCase(), `${expected} `, `${expected}\0`, 'é'.repeat(expected.length));

    for (const presented of wrong) expect(check(presented), JSON.stringify(presented)).toBe(false);
    expect(check(undefined)).toBe(false);
    expect(check(expected)).toBe(true);

    // One comparison per presented token (none short-circuited by length), each of two 32-byte
    // digests, so neither a wrong length nor the first wrong character changes what is compared.
    expect(spy).toHaveBeenCalledTimes(wrong.length + 1);
    for (const [left, right] of spy.mock.calls) {
      expect([left.byteLength, right.byteLength]).toEqual([32, 32]);
    }
    // The digests are of the tokens, not a constant: the right token's pair is equal, the others not.
    const last = spy.mock.calls.at(-1);
    expect(Buffer.from(last?.[0] as Uint8Array).equals(Buffer.from(last?.[1] as Uint8Array))).toBe(true);
    const first = spy.mock.calls[0];
    expect(Buffer.from(first?.[0] as Uint8Array).equals(Buffer.from(first?.[1] as Uint8Array))).toBe(false);
  });
});

describe('cross-site requests without the token header', () => {
  it('refuses a form POST from another site, in every encoding a form can send, changing nothing', async () => {
    const { server, service } = await startServer();
    const before = await librarySnapshot(service);
    const crossSite = 'Origin: http://evil.example\r\nSec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: navigate\r\n';
    const forms: Array<[type: string, body: string]> = [
      ['text/plain', '{"title":"Posted by a form","ignore":"="}'],
      ['application/x-www-form-urlencoded', 'title=Posted+by+a+form'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nPosted by a form\r\n--x--\r\n'],
    ];
    for (const method of ['createStory', 'trashStory', 'setCoverageRules', 'importText']) {
      for (const [type, body] of forms) {
        const what = `${method} as ${type}`;
        // As a browser sends it: from another site.
        const fromForm = await exchange(server, post(server, `/api/${method}`, `${crossSite}Content-Type: ${type}\r\n`, body));
        expect(fromForm.status, what).toBe(403);
        expect(errorOf(fromForm).code, what).toBe('forbidden');
        // As an older browser or a privacy extension may send it: no Origin, no Sec-Fetch-*.
        const bare = await exchange(server, post(server, `/api/${method}`, `Content-Type: ${type}\r\n`, body));
        expect(bare.status, what).toBe(401);
        // A page that somehow held the token still cannot make it a "simple" request.
        const simpleWithToken = await exchange(server, post(server, `/api/${method}`, `${token(server)}Content-Type: ${type}\r\n`, body));
        expect(simpleWithToken.status, what).toBe(415);
      }
    }
    // The same site's sub-domain, and a navigation with no Origin but a cross-site mark.
    const sameSite = await exchange(server, post(server, '/api/createStory', `Sec-Fetch-Site: same-site\r\n${token(server)}Content-Type: application/json\r\n`, '{}'));
    expect(sameSite.status).toBe(403);
    const navigation = await exchange(server, post(server, '/api/createStory', 'Sec-Fetch-Site: cross-site\r\nContent-Type: text/plain\r\n', '{}'));
    expect(navigation.status).toBe(403);
    expect(await librarySnapshot(service)).toBe(before);
  });

  it('refuses "simple" GETs an image tag or a link could make, on the API and the event stream', async () => {
    const { server, service } = await startServer();
    const before = await librarySnapshot(service);
    for (const target of ['/api/listStories', '/api/events', `/api/getStory?id=${SAMPLE_ID}`]) {
      const fromImage = await exchange(server, `GET ${target} HTTP/1.1\r\n${host(server)}Sec-Fetch-Site: cross-site\r\nSec-Fetch-Dest: image\r\n\r\n`);
      expect(fromImage.status, target).toBe(403);
      const bare = await exchange(server, `GET ${target} HTTP/1.1\r\n${host(server)}\r\n`);
      expect(bare.status, target).toBe(401);
      expect(bare.body, target).not.toContain('Korea');
    }
    expect(await librarySnapshot(service)).toBe(before);
  });
});

describe('event streams', () => {
  it('refuses more streams than the limit with 503 and takes one again once a stream closes', async () => {
    const { server } = await startServer({ maxEventStreams: 2 });
    const open = async () => {
      const stream = await connect(server);
      stream.socket.write(`GET /api/events HTTP/1.1\r\n${host(server)}${token(server)}\r\n`);
      for (let waited = 0; !stream.received().includes('\r\n\r\n') && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      return stream;
    };
    const first = await open();
    const second = await open();
    expect(first.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(second.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const third = await exchange(server, `GET /api/events HTTP/1.1\r\n${host(server)}${token(server)}\r\n`);
    expect(third.status).toBe(503);
    expect(errorOf(third).message).toBe('too many pages are listening to /api/events; close some tabs');

    first.socket.destroy();
    await first.closed;
    let again: Awaited<ReturnType<typeof open>> | undefined;
    for (let attempt = 0; attempt < 50; attempt++) {
      again = await open();
      if (again.received().startsWith('HTTP/1.1 200 ')) break;
      again.socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(again?.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    again?.socket.destroy();
    second.socket.destroy();
  });
});
