/**
 * The built UI as files under one folder, and nothing outside it. A request path is decoded
 * once and refused when it could climb out (`..`, `.`, backslashes, NUL, drive colons), then
 * resolved inside the root, and the real path (symlinks followed) must still lie inside the
 * root's real path.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The media types of the UI's files, for browser mode and for Electron's app:// alike. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { found: true; file: string; size: number; contentType: string }
  | { found: false; status: 400 | 403 | 404; reason: string };

const refused = (status: 400 | 403 | 404, reason: string): StaticLookup => ({ found: false, status, reason });

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * The file under `root` that `requestPath` (the URL's path, still percent-encoded, without the
 * query) names; `/` names `index.html`. Refusals say why, for the server's answer.
 */
export async function findStaticFile(root: string, requestPath: string): Promise<StaticLookup> {
  if (!requestPath.startsWith('/')) return refused(400, 'the path must start with "/"');
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return refused(400, 'the path is not valid percent-encoding');
  }
  if (decoded.includes('\0')) return refused(400, 'the path contains a NUL character');
  if (decoded.includes('\\')) return refused(400, 'the path contains a backslash');
  const segments = decoded === '/' ? ['index.html'] : decoded.slice(1).split('/');
  for (const segment of segments) {
    if (segment === '..' || segment === '.') return refused(400, 'the path climbs out of the UI folder');
    if (segment.includes(':')) return refused(400, 'the path contains a colon');
    if (segment === '' || segment.startsWith('.')) return refused(404, 'no such file');
  }

  const absoluteRoot = path.resolve(root);
  const candidate = path.resolve(absoluteRoot, ...segments);
  if (!isInside(absoluteRoot, candidate) || candidate === absoluteRoot) return refused(403, 'the path leaves the UI folder');
  let realRoot: string;
  let realFile: string;
  try {
    realRoot = await fs.promises.realpath(absoluteRoot);
    realFile = await fs.promises.realpath(candidate);
  } catch {
    return refused(404, 'no such file');
  }
  if (!isInside(realRoot, realFile) || realFile === realRoot) return refused(403, 'the path leads out of the UI folder');
  const stats = await fs.promises.stat(realFile).catch(() => undefined);
  if (!stats?.isFile()) return refused(404, 'no such file');
  return { found: true, file: realFile, size: stats.size, contentType: contentTypeFor(realFile) };
}

/** Whether the UI has been built into `root` (it has its index.html). */
export function isUiBuilt(root: string): boolean {
  try {
    return fs.statSync(path.join(root, 'index.html')).isFile();
  } catch {
    return false;
  }
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** The page `/` shows while the UI has not been built: what is missing and how to build it. */
export function notBuiltPage(root: string): string {
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>Storydesk: the UI is not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em}code{background:#eee;padding:0 .2em}</style>
<h1>The Storydesk UI is not built yet</h1>
<p>The server is running and its API answers, but there is no user interface in
<code>${escapeHtml(root)}</code>.</p>
<p>Build it with <code>npm run build</code>, then reload this page (the address keeps its
<code>#token=…</code>).</p>
</html>
`;
}
