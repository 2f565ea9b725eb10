/**
 * Who may talk to browser mode's server. A web page anywhere can make the browser send requests
 * to 127.0.0.1, so every request is checked before it is routed:
 *
 * - the Host header must name this server (a page on evil.example that rebinds its DNS name to
 *   127.0.0.1 still sends `Host: evil.example:PORT`);
 * - an Origin header, when present, must be this server's own origin, and a browser's
 *   `Sec-Fetch-Site` must not say the request comes from another site (API calls must come
 *   from this very origin);
 * - every API call carries the per-run token, which only the page that was opened from the
 *   printed address knows. It is compared in constant time;
 * - none of the headers these checks read may come twice: Node keeps the first Host, Content-Type
 *   or Authorization and drops the rest, so a second one would be read by nobody here but could
 *   be by a proxy or another parser in front (RFC 9112 §3.2 answers two Hosts with 400).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_HEADER } from '../../shared/http-client';
import { hostForUrl } from './loopback';

/** A fresh token for one run of the server: 32 random bytes as hex. */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** Tokens given by the caller must be as hard to guess and safe in a URL fragment and a header. */
const ACCEPTABLE_TOKEN = /^[A-Za-z0-9._~-]{32,512}$/;

export function assertAcceptableToken(token: string): void {
  if (!ACCEPTABLE_TOKEN.test(token)) {
    throw new Error('a browser-mode token must be 32 to 512 letters, digits, ".", "_", "~" or "-"');
  }
}

/**
 * Compares a presented token with the expected one in constant time. Both are hashed first, so
 * `timingSafeEqual` always gets two 32-byte buffers: neither the position of the first wrong
 * character nor the length of a wrong guess shows in the time taken.
 */
export function createTokenCheck(expected: string): (presented: string | undefined) => boolean {
  const expectedDigest = createHash('sha256').update(expected, 'utf8').digest();
  return (presented) => {
    if (presented === undefined) return false;
    const presentedDigest = createHash('sha256').update(presented, 'utf8').digest();
    return timingSafeEqual(expectedDigest, presentedDigest);
  };
}

/** The token a request presents: the `X-Storydesk-Token` header, else `Authorization: Bearer`. */
export function presentedToken(request: IncomingMessage): string | undefined {
  const header = request.headers[TOKEN_HEADER.toLowerCase()];
  if (typeof header === 'string') return header;
  const authorization = request.headers.authorization;
  const bearer = authorization === undefined ? undefined : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  return bearer?.[1];
}

/** The headers whose repetition makes a request ambiguous (lower case, as Node names them). Node itself
 * refuses a repeated Content-Length and a Transfer-Encoding beside one. */
const SINGLE_HEADERS = ['host', 'origin', 'sec-fetch-site', TOKEN_HEADER.toLowerCase(), 'authorization', 'content-type', 'content-encoding'] as const;

/** Why the request must be refused (400) because it repeats a header that must come once, or undefined. */
export function repeatedHeader(request: IncomingMessage): string | undefined {
  for (const name of SINGLE_HEADERS) {
    const count = request.headersDistinct[name]?.length ?? 0;
    if (count > 1) return `the request has ${count} ${name} headers; send exactly one`;
  }
  return undefined;
}

export interface OriginGuard {
  /** Why the request must be refused (403), or undefined when it may go on. */
  refusal(request: IncomingMessage, options: { api: boolean }): string | undefined;
  /** The names the server answers to, for messages: `127.0.0.1:PORT`, `localhost:PORT`. */
  readonly hosts: readonly string[];
}

/**
 * The Host and Origin values this server accepts: 127.0.0.1 and localhost, plus the address it
 * is bound to when that is another loopback address (::1, 127.0.0.2), each with its port.
 */
export function createOriginGuard(boundAddress: string, port: number): OriginGuard {
  const names = [...new Set(['127.0.0.1', 'localhost', hostForUrl(boundAddress)])];
  const hosts = names.map((name) => `${name}:${port}`);
  // Browsers leave out the default port, in Host and in Origin alike.
  const acceptedHosts = new Set(port === 80 ? [...hosts, ...names] : hosts);
  const acceptedOrigins = new Set([...acceptedHosts].map((host) => `http://${host}`));

  return {
    hosts,
    refusal(request, { api }) {
      const host = request.headers.host?.toLowerCase();
      if (host === undefined || !acceptedHosts.has(host)) {
        return `the Host header ${host === undefined ? '(absent)' : JSON.stringify(host)} is not this server (${hosts.join(' or ')})`;
      }
      const origin = request.headers.origin;
      if (origin !== undefined && !acceptedOrigins.has(origin.toLowerCase())) {
        return `requests from ${JSON.stringify(origin)} are refused: only pages of this server (http://${hosts.join(', http://')}) may call it`;
      }
      const site = request.headers['sec-fetch-site'];
      if (site === 'cross-site' || (api && site !== undefined && site !== 'same-origin')) {
        return `the browser says this request comes from another site (Sec-Fetch-Site: ${site}); only Storydesk's own page may call it`;
      }
      return undefined;
    },
  };
}
