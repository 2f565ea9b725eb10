/**
 * The `app://storydesk/` protocol that serves the window's UI from the built renderer folder,
 * instead of `file://` (Electron security checklist, item 18). `resolveAppPath` decides which
 * file a URL names, or refuses it: traversal in any spelling (`..`, `%2e%2e`, backslashes,
 * encoded slashes), NUL, absolute paths, and symlinks that lead out of the folder. Every
 * response, refusals included, carries the Content-Security-Policy below.
 *
 * Nothing here imports Electron: the main process registers `appProtocolHandler(root)` with
 * `protocol.handle`, and the tests call the same function under Node.
 */
import fs from 'node:fs';
import path from 'node:path';
import { contentTypeFor } from './server/static-files';

export const APP_SCHEME = 'app';
export const APP_HOST = 'storydesk';
/** The origin of every page Storydesk loads; the only one allowed to call the API over IPC. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * The policy of every app:// response. The editor's live preview shows the exported page
 * (shared/page-html.ts) in a sandboxed `<iframe srcdoc>`: a srcdoc document inherits this
 * policy, so the page's inline styles (`style-src 'unsafe-inline'`) and its hero image as a
 * data: URI (`img-src data:`) must be allowed here, and nothing else it needs is. Frames may
 * not be fetched at all (`frame-src 'none'`: a srcdoc frame is not a fetch, as browser mode's test
 * in Chromium shows), and no one may frame the app (`frame-ancestors 'none'`). Browser mode serves
 * the UI under this same policy (electron/server/http.ts).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every app:// response carries, whatever its status. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

/** What the page of `app://storydesk/` is: the renderer's entry file. */
export const INDEX_FILE = 'index.html';

export type AppPathRefusal = { ok: false; status: 400 | 403 | 404; reason: string };
export type AppPathResolution = { ok: true; file: string } | AppPathRefusal;

const refuse = (status: AppPathRefusal['status'], reason: string): AppPathRefusal => ({ ok: false, status, reason });

/** Whether `text` holds a control character (U+0000–U+001F, U+007F): NUL, a line break, a tab, … */
export function containsControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Characters no file name the renderer build writes contains; seeing one is an attack or a bug. */
const FORBIDDEN_IN_SEGMENT = /[\\/:*?"<>|]/;

/**
 * The path segments an app:// URL names, decoded, or the reason it is refused. Pure: reads the
 * URL text only. The raw text is checked before the URL parser runs, because the parser quietly
 * removes `..` and `%2e%2e` segments (`app://storydesk/a/../../x` parses as `/x`), and a URL
 * that was written to climb is refused rather than repaired.
 */
export function appPathSegments(url: string): { ok: true; segments: string[] } | AppPathRefusal {
  if (url.includes('\\') || containsControlCharacter(url)) return refuse(400, 'the address contains a backslash or a control character');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse(400, 'the address cannot be read');
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.hostname !== APP_HOST || parsed.port !== '' || parsed.username !== '' || parsed.password !== '') {
    return refuse(403, `only ${APP_ORIGIN}/ addresses are served`);
  }
  // The path as written: after "app://storydesk", up to the query or fragment. (Chromium hands
  // the handler a canonical URL, lower-case origin included; anything else is refused.)
  if (!url.startsWith(APP_ORIGIN)) return refuse(400, `the address must start with ${APP_ORIGIN}`);
  const rawPath = url.slice(APP_ORIGIN.length).split(/[?#]/, 1)[0] ?? '';
  if (rawPath === '' || rawPath === '/') return { ok: true, segments: [INDEX_FILE] };
  if (!rawPath.startsWith('/')) return refuse(400, 'the path must start with "/"');
  const rawSegments = rawPath.slice(1).split('/');
  const segments: string[] = [];
  for (const [index, raw] of rawSegments.entries()) {
    if (raw === '') {
      // One trailing slash names a folder's index; an empty segment elsewhere ("//etc") is an absolute path in disguise.
      if (index === rawSegments.length - 1) {
        segments.push(INDEX_FILE);
        continue;
      }
      return refuse(400, 'the path contains an empty segment');
    }
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return refuse(400, 'the path contains a malformed %-escape');
    }
    if (segment === '.' || segment === '..') return refuse(403, 'the path climbs out of the app folder ("." or ".." segment)');
    if (FORBIDDEN_IN_SEGMENT.test(segment) || containsControlCharacter(segment)) return refuse(400, 'the path contains a slash, backslash, colon, NUL or another character file names here never have');
    segments.push(segment);
  }
  return { ok: true, segments };
}

/** Whether `candidate` is `root` itself or inside it (both absolute, same spelling rules). */
function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * The file an app:// URL names inside `root`, or the reason it is refused. Reads the file
 * system only to follow symlinks (a link whose target lies outside the root is refused) and to
 * check that the file exists and is a regular file.
 */
export function resolveAppPath(root: string, url: string): AppPathResolution {
  const named = appPathSegments(url);
  if (!named.ok) return named;
  const base = path.resolve(root);
  const candidate = path.join(base, ...named.segments);
  if (!isInside(base, candidate)) return refuse(403, 'the path climbs out of the app folder');
  let realBase: string;
  let realCandidate: string;
  try {
    realBase = fs.realpathSync(base);
    realCandidate = fs.realpathSync(candidate);
  } catch {
    return refuse(404, 'no such file');
  }
  if (!isInside(realBase, realCandidate)) return refuse(403, 'the path leads out of the app folder through a link');
  if (!fs.statSync(realCandidate).isFile()) return refuse(404, 'not a file');
  return { ok: true, file: realCandidate };
}

/** The media type the UI's files are served with: the same table as browser mode's. */
export function mediaTypeOf(file: string): string {
  return contentTypeFor(file);
}

/**
 * Shown in place of the UI while the renderer is not built (`dist/renderer/index.html` missing),
 * so the window says what is going on instead of staying blank. Static: the policy allows no
 * inline script.
 */
export const UI_NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Storydesk</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#222}code{font-size:90%}</style>
</head>
<body>
<h1>Storydesk</h1>
<p>The library is open, but the workbench's interface is not built yet (there is no
<code>dist/renderer/index.html</code>). Until it is, the command line shows the library:
<code>npx storydesk list</code>.</p>
</body>
</html>
`;

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/**
 * The handler `protocol.handle('app', …)` runs for every app:// request: GET and HEAD of files
 * under `root`, each response with the security headers.
 */
export function appProtocolHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'only GET and HEAD are served');
    const resolved = resolveAppPath(root, request.url);
    if (!resolved.ok) {
      const named = appPathSegments(request.url);
      const asksForIndex = named.ok && named.segments.length === 1 && named.segments[0] === INDEX_FILE;
      if (resolved.status === 404 && asksForIndex) {
        return new Response(UI_NOT_BUILT_PAGE, { status: 200, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8' } });
      }
      return textResponse(resolved.status, resolved.reason);
    }
    const body = request.method === 'HEAD' ? null : new Uint8Array(await fs.promises.readFile(resolved.file));
    return new Response(body, { status: 200, headers: { ...SECURITY_HEADERS, 'Content-Type': mediaTypeOf(resolved.file) } });
  };
}
