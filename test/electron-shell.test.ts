/**
 * The Electron shell, under plain Node (Electron itself cannot run where these tests do): the
 * app:// protocol's path resolution and headers, who may call the API over IPC, which links may
 * leave the app, the navigation and permission guards, the menus, where windows open, the
 * window options' security settings, the preload as built (loaded with a stand-in `electron`),
 * the main process as built (run against a stand-in Electron), the SQLite driver switch, the
 * packaging configuration, and the install script's reports.
 */
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import type { IpcMainInvokeEvent, MenuItemConstructorOptions } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_METHODS, type ApiHandlers } from '../shared/api';
import { errorFromPayload, NotFoundError, type ErrorPayload } from '../shared/errors';
import {
  appPathSegments,
  appProtocolHandler,
  CONTENT_SECURITY_POLICY,
  resolveAppPath,
  UI_NOT_BUILT_PAGE,
} from '../electron/app-protocol';
import {
  bindApiToIpc,
  callApi,
  channelFor,
  errorPayloadOf,
  EVENT_NAMES,
  eventChannelFor,
  IPC_METHODS,
  isTrustedSender,
  MENU_COMMANDS,
  storyChangesOf,
  type IpcBinding,
  type IpcResult,
} from '../electron/ipc';
import { openLibraryService } from '../electron/library';
import { buildMenuTemplate, type MenuActions } from '../electron/menu';
import { acceleratorFor, COMMAND_LABELS, COMMAND_SHORTCUTS, WINDOW_COMMANDS } from '../shared/commands';
import type { StoryChange } from '../electron/preload-api';
import {
  forgetLibrary,
  libraryArgument,
  MAX_RECENT_LIBRARIES,
  parseRecentLibraries,
  readRecentLibraries,
  recoveryChoices,
  rememberLibrary,
  writeRecentLibraries,
} from '../electron/main/libraries';
import { denyAllPermissions, guardWebContents, isExternalWebUrl, storyIdFromAppUrl, storyWindowUrl, type GuardedContents } from '../electron/main/navigation';
import SqliteDatabase, {
  electronSqliteBindingPath,
  isNativeModuleVersionError,
  probeSqliteDriver,
  sqliteBindingInUse,
  useSqliteBinding,
} from '../electron/main/sqlite-binding';
import { browserWindowOptions, SECURE_WEB_PREFERENCES } from '../electron/main/window-options';
import { cascade, DEFAULT_SIZE, MINIMUM_SIZE, parseWindowStates, placeWindow, readWindowStates, writeWindowStates } from '../electron/window-state';
import { freshFolder, freshLibraryPath } from './helpers/library';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const SAMPLE_ID = 'sample-korea-poland-security-dialogue';

/**
 * A folder for a whole describe block (freshFolder's are removed after each test), removed when
 * the file's tests are done.
 */
const lastingFolders: string[] = [];
function lastingFolder(prefix: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  lastingFolders.push(folder);
  return folder;
}
afterAll(() => {
  for (const folder of lastingFolders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// The built bundles. Rebuilt only when missing or older than a source they are built from, so a
// test run after `npm run build` (as `npm test` does) reads exactly what was built.

function newestSource(folder: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function ensureBuilt(): void {
  const outputs = ['dist/main.js', 'dist/preload.cjs'].map((file) => path.join(projectRoot, file));
  const sources = Math.max(newestSource(path.join(projectRoot, 'electron')), newestSource(path.join(projectRoot, 'shared')));
  if (outputs.every((file) => fs.existsSync(file) && fs.statSync(file).mtimeMs >= sources)) return;
  const build = spawnSync(process.execPath, ['scripts/build.js'], { cwd: projectRoot, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`node scripts/build.js failed: ${build.stderr}`);
}

// ---------------------------------------------------------------------------------------------

describe('the app:// protocol', () => {
  let root: string;
  let outside: string;

  beforeAll(() => {
    const folder = lastingFolder('storydesk-app-protocol-');
    root = path.join(folder, 'renderer');
    outside = path.join(folder, 'secret.txt');
    fs.mkdirSync(path.join(root, 'assets', 'fonts'), { recursive: true });
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Storydesk</title>');
    fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(root, 'assets', 'Source Serif.woff2'), 'font');
    fs.writeFileSync(outside, 'not for the page');
    fs.symlinkSync(outside, path.join(root, 'secret-link.txt'));
    fs.symlinkSync(folder, path.join(root, 'escape'), 'dir');
    fs.symlinkSync(path.join(root, 'assets', 'app.js'), path.join(root, 'app-link.js'));
  });

  it('serves the files under its root, index.html for the root itself', () => {
    const real = (file: string) => fs.realpathSync(path.join(root, file));
    expect(resolveAppPath(root, 'app://storydesk/')).toEqual({ ok: true, file: real('index.html') });
    expect(resolveAppPath(root, 'app://storydesk')).toEqual({ ok: true, file: real('index.html') });
    expect(resolveAppPath(root, 'app://storydesk/index.html?story=abc#top')).toEqual({ ok: true, file: real('index.html') });
    expect(resolveAppPath(root, 'app://storydesk/assets/app.js')).toEqual({ ok: true, file: real('assets/app.js') });
    expect(resolveAppPath(root, 'app://storydesk/assets/Source%20Serif.woff2')).toEqual({ ok: true, file: real('assets/Source Serif.woff2') });
    // A link that stays inside the root is followed.
    expect(resolveAppPath(root, 'app://storydesk/app-link.js')).toEqual({ ok: true, file: real('assets/app.js') });
  });

  const refusals: Record<string, string> = {
    'a ".." segment': 'app://storydesk/../secret.txt',
    'a ".." segment further in': 'app://storydesk/assets/../../secret.txt',
    'an encoded ".."': 'app://storydesk/%2e%2e/secret.txt',
    'an encoded ".." in capitals': 'app://storydesk/%2E%2E/secret.txt',
    'a half-encoded ".."': 'app://storydesk/.%2e/secret.txt',
    'a "." segment': 'app://storydesk/./index.html',
    'an encoded slash': 'app://storydesk/..%2fsecret.txt',
    'encoded slashes that climb': 'app://storydesk/assets%2f..%2f..%2fsecret.txt',
    'a backslash': 'app://storydesk/..\\secret.txt',
    'an encoded backslash': 'app://storydesk/%5c..%5csecret.txt',
    'an encoded NUL': 'app://storydesk/index.html%00.png',
    'a NUL': 'app://storydesk/index.html\u0000.png',
    'a line break': 'app://storydesk/index.html%0a',
    'an absolute path (empty segment)': 'app://storydesk//etc/passwd',
    'an encoded absolute path': 'app://storydesk/%2fetc%2fpasswd',
    'a Windows drive': 'app://storydesk/C:%5cWindows%5cwin.ini',
    'a Windows drive with slashes': 'app://storydesk/C:/Windows/win.ini',
    'a malformed escape': 'app://storydesk/%e0%a4%a',
    'a file link out of the root': 'app://storydesk/secret-link.txt',
    'a folder link out of the root': 'app://storydesk/escape/secret.txt',
    'another host': 'app://elsewhere/index.html',
    'a port': 'app://storydesk:8080/index.html',
    'a user name': 'app://someone@storydesk/index.html',
    'another scheme': 'file:///etc/passwd',
    'https': 'https://storydesk/index.html',
    'an unreadable address': 'not a url',
  };

  for (const [what, url] of Object.entries(refusals)) {
    it(`refuses ${what}`, () => {
      const resolution = resolveAppPath(root, url);
      expect(resolution.ok).toBe(false);
      if (!resolution.ok) expect([400, 403]).toContain(resolution.status);
    });
  }

  it('answers 404 for a missing file and for a folder', () => {
    expect(resolveAppPath(root, 'app://storydesk/missing.js')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppPath(root, 'app://storydesk/assets')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppPath(root, 'app://storydesk/assets/')).toMatchObject({ ok: false, status: 404 });
  });

  it('names the path segments without touching the disk', () => {
    expect(appPathSegments('app://storydesk/assets/Source%20Serif.woff2')).toEqual({ ok: true, segments: ['assets', 'Source Serif.woff2'] });
    expect(appPathSegments('app://storydesk/%2e%2e/x')).toMatchObject({ ok: false, status: 403 });
  });

  it('puts the Content-Security-Policy on every response, refusals included', async () => {
    const handle = appProtocolHandler(root);
    const page = await handle(new Request('app://storydesk/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Storydesk</title>');

    const script = await handle(new Request('app://storydesk/assets/app.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');

    const refused = await handle(new Request('app://storydesk/secret-link.txt'));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await refused.text()).not.toContain('not for the page');

    const missing = await handle(new Request('app://storydesk/missing.js'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);

    const posted = await handle(new Request('app://storydesk/index.html', { method: 'POST', body: 'x' }));
    expect(posted.status).toBe(405);
    expect(posted.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('says the UI is not built, instead of a blank window, while the root has no index.html', async () => {
    const handle = appProtocolHandler(freshFolder('storydesk-empty-renderer-'));
    const page = await handle(new Request('app://storydesk/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await page.text()).toBe(UI_NOT_BUILT_PAGE);
    expect(UI_NOT_BUILT_PAGE).not.toMatch(/<script/i);
  });

  it('has a policy that allows the app itself, the preview frame, and nothing else', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values.join(' ')] as const;
    }));
    expect(Object.fromEntries(directives)).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      // The preview's srcdoc inherits this policy: the exported page's inline styles and data: hero.
      'style-src': "'self' 'unsafe-inline'",
      'img-src': "'self' data: blob:",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'frame-ancestors': "'none'",
      'frame-src': "'none'",
    });
    expect(directives.get('script-src')).not.toContain('unsafe');
  });
});

// ---------------------------------------------------------------------------------------------

describe('who may call the API, and where links may go', () => {
  it('trusts only the top frame of a page served from app://storydesk/', () => {
    expect(isTrustedSender('app://storydesk/index.html')).toBe(true);
    expect(isTrustedSender('app://storydesk/index.html?story=x', true)).toBe(true);
    expect(isTrustedSender('app://storydesk/index.html', false)).toBe(false);
    for (const url of [
      'app://storydesk.evil/index.html',
      'app://evil/index.html',
      'app://storydesk:1/index.html',
      'app://user@storydesk/',
      'http://storydesk/index.html',
      'https://example.org/',
      'file:///work/main/dist/renderer/index.html',
      'about:srcdoc',
      'about:blank',
      'devtools://devtools/bundled/inspector.html',
      'data:text/html,<script>alert(1)</script>',
      '',
      'not a url',
    ]) {
      expect(isTrustedSender(url), url).toBe(false);
    }
    expect(isTrustedSender(undefined)).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });

  it('hands only plain http(s) links to the system browser', () => {
    for (const url of ['https://www.reuters.com/world/asia-pacific/story-2026-02-02/', 'http://example.org/a?b=c#d', 'https://xn--bcher-kva.example/']) {
      expect(isExternalWebUrl(url), url).toBe(true);
    }
    for (const url of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'file:///etc/passwd',
      'app://storydesk/index.html',
      'smb://server/share',
      'ms-msdt:/id PCWDiagnostic',
      'vbscript:msgbox',
      'data:text/html,hi',
      'mailto:desk@example.org',
      'https://bank.example@evil.example/',
      'https://user:password@example.org/',
      ' https://example.org/',
      'https://example.org/\n',
      'https://exa\u0000mple.org/',
      'https:\\\\evil.example\\',
      'https://',
      '//example.org/',
      `https://example.org/${'a'.repeat(5000)}`,
      '',
    ]) {
      expect(isExternalWebUrl(url), url).toBe(false);
    }
    expect(isExternalWebUrl(undefined)).toBe(false);
    expect(isExternalWebUrl(42)).toBe(false);
  });

  it('reads a story window address and nothing like it', () => {
    expect(storyWindowUrl(SAMPLE_ID)).toBe(`app://storydesk/index.html?story=${SAMPLE_ID}`);
    expect(storyIdFromAppUrl(storyWindowUrl(SAMPLE_ID))).toBe(SAMPLE_ID);
    expect(storyIdFromAppUrl(`app://storydesk/?story=${SAMPLE_ID}`)).toBe(SAMPLE_ID);
    expect(storyIdFromAppUrl('app://storydesk/index.html')).toBeUndefined();
    expect(storyIdFromAppUrl('app://storydesk/index.html?story=a&story=b')).toBeUndefined();
    expect(storyIdFromAppUrl('app://storydesk/index.html?story=a&x=1')).toBeUndefined();
    expect(storyIdFromAppUrl('app://storydesk/index.html?story=..%2F..')).toBeUndefined();
    expect(storyIdFromAppUrl('app://storydesk/other.html?story=abc')).toBeUndefined();
    expect(storyIdFromAppUrl('https://example.org/?story=abc')).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------

/** A web contents as far as the guards use it: events, the window-open handler, its URL. */
class StandInContents extends EventEmitter {
  url = 'app://storydesk/index.html';
  openHandler: ((details: { url: string }) => { action: string }) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler;
  }
  getURL() {
    return this.url;
  }
}

/** An Electron event: records whether it was prevented. */
function standInEvent(fields: Record<string, unknown> = {}) {
  return { ...fields, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
}

describe('the navigation and permission guards', () => {
  function guarded() {
    const contents = new StandInContents();
    const actions = { openStory: vi.fn(), openExternal: vi.fn(), onRefused: vi.fn() };
    guardWebContents(contents as unknown as GuardedContents, actions);
    return { contents, actions };
  }

  it('denies every navigation of the window, handing web links to the system browser', () => {
    const { contents, actions } = guarded();
    for (const url of ['https://example.org/article', 'javascript:alert(1)', 'file:///etc/passwd', 'app://storydesk/other.html']) {
      const event = standInEvent({ url, isSameDocument: false, isMainFrame: true });
      contents.emit('will-navigate', event, url);
      expect(event.defaultPrevented, url).toBe(true);
    }
    expect(actions.openExternal.mock.calls).toEqual([['https://example.org/article']]);
    expect(actions.onRefused).toHaveBeenCalledTimes(3);
  });

  it('lets the app route within its own page (hash and history changes)', () => {
    const { contents } = guarded();
    const event = standInEvent({ url: 'app://storydesk/index.html#/story/abc', isSameDocument: true, isMainFrame: true });
    contents.emit('will-navigate', event);
    expect(event.defaultPrevented).toBe(false);
    const foreign = standInEvent({ url: 'https://example.org/#x', isSameDocument: true, isMainFrame: true });
    contents.emit('will-navigate', foreign);
    expect(foreign.defaultPrevented).toBe(true);
  });

  it('denies every new window: a story window becomes ours, a web link goes to the browser', () => {
    const { contents, actions } = guarded();
    const open = (url: string) => contents.openHandler?.({ url });
    expect(open(storyWindowUrl(SAMPLE_ID))).toEqual({ action: 'deny' });
    expect(open('https://example.org/')).toEqual({ action: 'deny' });
    expect(open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(open('about:blank')).toEqual({ action: 'deny' });
    expect(actions.openStory.mock.calls).toEqual([[SAMPLE_ID]]);
    expect(actions.openExternal.mock.calls).toEqual([['https://example.org/']]);
  });

  it('opens no story window for a page it did not serve', () => {
    const { contents, actions } = guarded();
    contents.url = 'https://example.org/';
    expect(contents.openHandler?.({ url: storyWindowUrl(SAMPLE_ID) })).toEqual({ action: 'deny' });
    expect(actions.openStory).not.toHaveBeenCalled();
  });

  it('lets the preview frame show its srcdoc and nothing else', () => {
    const { contents, actions } = guarded();
    const srcdoc = standInEvent({ url: 'about:srcdoc', isMainFrame: false });
    contents.emit('will-frame-navigate', srcdoc);
    expect(srcdoc.defaultPrevented).toBe(false);
    const link = standInEvent({ url: 'https://example.org/source', isMainFrame: false });
    contents.emit('will-frame-navigate', link);
    expect(link.defaultPrevented).toBe(true);
    expect(actions.openExternal.mock.calls).toEqual([['https://example.org/source']]);
    const script = standInEvent({ url: 'javascript:alert(1)', isMainFrame: false });
    contents.emit('will-frame-navigate', script);
    expect(script.defaultPrevented).toBe(true);
  });

  it('refuses webviews and redirects', () => {
    const { contents } = guarded();
    const webview = standInEvent();
    contents.emit('will-attach-webview', webview, {}, {});
    expect(webview.defaultPrevented).toBe(true);
    const redirect = standInEvent({ url: 'https://example.org/' });
    contents.emit('will-redirect', redirect);
    expect(redirect.defaultPrevented).toBe(true);
  });

  it('denies every permission request and check', () => {
    const handlers: Record<string, (...args: unknown[]) => unknown> = {};
    const session = {
      setPermissionRequestHandler: (handler: (...args: unknown[]) => unknown) => (handlers.request = handler),
      setPermissionCheckHandler: (handler: (...args: unknown[]) => unknown) => (handlers.check = handler),
      setDevicePermissionHandler: (handler: (...args: unknown[]) => unknown) => (handlers.device = handler),
    };
    denyAllPermissions(session as unknown as Parameters<typeof denyAllPermissions>[0]);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      const callback = vi.fn();
      handlers.request?.({}, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(handlers.check?.({}, permission, 'app://storydesk', {})).toBe(false);
    }
    expect(handlers.device?.({ deviceType: 'usb' })).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

/** ipcMain as the binding uses it: handlers by channel. */
function standInIpcMain() {
  const handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<IpcResult>>();
  const ipcMain = {
    handle: (channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<IpcResult>) => {
      if (handlers.has(channel)) throw new Error(`a second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  };
  return { handlers, ipcMain: ipcMain as unknown as IpcBinding['ipcMain'] };
}

function senderEvent(url: string | undefined, isMainFrame = true): IpcMainInvokeEvent {
  const senderFrame = url === undefined ? null : { url, parent: isMainFrame ? null : {} };
  return { senderFrame } as unknown as IpcMainInvokeEvent;
}

describe('the API over IPC', () => {
  it('carries exactly the methods of the API contract, and names its events and menu commands', () => {
    expect(IPC_METHODS).toEqual(API_METHODS);
    expect(new Set(IPC_METHODS.map(channelFor)).size).toBe(API_METHODS.length);
    expect(channelFor('listStories')).toBe('storydesk:listStories');
    expect(EVENT_NAMES).toEqual(['menu-command', 'story-changed']);
    expect(eventChannelFor('story-changed')).toBe('storydesk:event:story-changed');
    expect(MENU_COMMANDS).toEqual(WINDOW_COMMANDS);
  });

  it('registers one handler per method, answers trusted callers and refuses the rest', async () => {
    const { service, store } = openLibraryService(freshLibraryPath(), { author: 'tester' });
    try {
      const { handlers, ipcMain } = standInIpcMain();
      const changes: StoryChange[] = [];
      const refused: string[] = [];
      const unbind = bindApiToIpc({ ipcMain, service: () => service, onStoryChanges: (batch) => changes.push(...batch), onRefusedSender: (method) => refused.push(method) });
      expect([...handlers.keys()]).toEqual(API_METHODS.map((method) => `storydesk:${method}`));
      const call = (method: string, event: IpcMainInvokeEvent, ...args: unknown[]) => {
        const handler = handlers.get(`storydesk:${method}`);
        if (!handler) throw new Error(`no handler for ${method}`);
        return handler(event, ...args);
      };
      const trusted = senderEvent('app://storydesk/index.html');

      const listed = await call('listStories', trusted, {});
      expect(listed.ok).toBe(true);
      if (listed.ok) expect((listed.value as { id: string }[]).map((story) => story.id)).toEqual([SAMPLE_ID]);

      for (const event of [senderEvent('https://evil.example/'), senderEvent('app://storydesk/index.html', false), senderEvent('about:srcdoc', false), senderEvent(undefined)]) {
        const answer = await call('listStories', event, {});
        expect(answer).toMatchObject({ ok: false, error: { code: 'internal' } });
      }
      expect(refused).toEqual(['listStories', 'listStories', 'listStories', 'listStories']);

      // Errors travel as payloads the renderer turns back into typed errors.
      const missing = await call('getStory', trusted, { id: 'no-such-story' });
      expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
      if (!missing.ok) expect(errorFromPayload(missing.error)).toMatchObject({ name: 'NotFoundError', code: 'not-found', message: 'story "no-such-story" does not exist' });
      const invalid = await call('getStory', trusted, { id: 'x', extra: true });
      expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      if (!invalid.ok) expect(JSON.stringify(invalid.error.details)).toContain('extra');
      expect(await call('getStory', trusted, { id: SAMPLE_ID }, 'a second argument')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });

      // A change is announced to every window.
      const created = await call('createStory', trusted, { title: 'Port strike enters second week' });
      expect(created.ok).toBe(true);
      const id = created.ok ? (created.value as { id: string }).id : '';
      expect(changes).toEqual([{ storyId: id, change: 'created', revision: 1 }]);
      await call('trashStory', trusted, { id });
      expect(changes.at(-1)).toEqual({ storyId: id, change: 'trashed', revision: 1 });

      unbind();
      expect(handlers.size).toBe(0);
    } finally {
      store.close();
    }
  });

  it('never throws: an unexpected failure becomes an internal-error payload', async () => {
    const broken = () => {
      throw new TypeError('the store is gone');
    };
    expect(await callApi(broken, 'listStories', {})).toEqual({ ok: false, error: { code: 'internal', message: 'Storydesk hit an unexpected error: the store is gone' } });
    const rejecting = { listStories: () => Promise.reject(new NotFoundError('story', 'x')) } as unknown as ApiHandlers;
    expect(await callApi(() => rejecting, 'listStories', {})).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(errorPayloadOf('a string')).toEqual({ code: 'internal', message: 'Storydesk hit an unexpected error: a string' });
  });

  it('says which stories a call changed', () => {
    const story = { id: 's1', revision: 4 } as never;
    expect(storyChangesOf('saveStory', {} as never, story)).toEqual([{ storyId: 's1', change: 'saved', revision: 4 }]);
    expect(storyChangesOf('purgeStory', { id: 's1' }, { id: 's1' })).toEqual([{ storyId: 's1', change: 'purged' }]);
    expect(
      storyChangesOf('importBundle', {} as never, {
        imported: [
          { id: 'a', title: 'A', as: 'new' },
          { id: 'b', title: 'B', as: 'replaced' },
        ],
        skipped: [],
      }),
    ).toEqual([
      { storyId: 'a', change: 'created' },
      { storyId: 'b', change: 'saved' },
    ]);
    expect(storyChangesOf('exportStory', { id: 's1', format: 'html', final: true, overrideReason: 'Editor approved' }, {} as never)).toEqual([{ storyId: 's1', change: 'saved' }]);
    expect(storyChangesOf('exportStory', { id: 's1', format: 'html' }, {} as never)).toEqual([]);
    expect(storyChangesOf('listStories', {}, [])).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

type StandInListener = (...args: unknown[]) => void;

describe('the preload, as built (dist/preload.cjs)', () => {
  interface Loaded {
    bridge: Record<string, unknown>;
    required: string[];
    invoke: ReturnType<typeof vi.fn>;
    listeners: Map<string, StandInListener[]>;
  }

  function loadPreload(answer: (channel: string, request: unknown) => unknown): Loaded {
    const code = fs.readFileSync(path.join(projectRoot, 'dist', 'preload.cjs'), 'utf8');
    const exposed = new Map<string, unknown>();
    const listeners = new Map<string, StandInListener[]>();
    const invoke = vi.fn(async (channel: string, request: unknown) => answer(channel, request));
    const electron = {
      contextBridge: { exposeInMainWorld: (name: string, value: unknown) => exposed.set(name, value) },
      ipcRenderer: {
        invoke,
        on: (channel: string, listener: StandInListener) => listeners.set(channel, [...(listeners.get(channel) ?? []), listener]),
        removeListener: (channel: string, listener: StandInListener) => listeners.set(channel, (listeners.get(channel) ?? []).filter((entry) => entry !== listener)),
      },
    };
    const required: string[] = [];
    // The sandbox a sandboxed preload gets, minus what it may not use: only `require('electron')`.
    const context = vm.createContext({
      require: (name: string) => {
        required.push(name);
        if (name === 'electron') return electron;
        throw new Error(`a sandboxed preload cannot require ${name}`);
      },
      module: { exports: {} },
      exports: {},
    });
    vm.runInContext(code, context, { filename: 'dist/preload.cjs' });
    expect([...exposed.keys()]).toEqual(['storydesk']);
    return { bridge: exposed.get('storydesk') as Record<string, unknown>, required, invoke, listeners };
  }

  beforeAll(ensureBuilt);

  it('exposes one function per API method and `on`, and nothing else; it requires only electron', () => {
    const { bridge, required } = loadPreload(() => ({ ok: true, value: null }));
    expect(Object.keys(bridge).sort()).toEqual([...API_METHODS, 'on'].sort());
    for (const key of Object.keys(bridge)) expect(typeof bridge[key], key).toBe('function');
    expect(required).toEqual(['electron']);
    for (const forbidden of ['ipcRenderer', 'invoke', 'send', 'process', 'env', 'require']) expect(bridge).not.toHaveProperty(forbidden);
  });

  it('calls the method’s own channel and resolves with the value', async () => {
    const { bridge, invoke } = loadPreload((channel) => ({ ok: true, value: { channel } }));
    const listStories = bridge.listStories as (request?: unknown) => Promise<unknown>;
    await expect(listStories({ in: 'trash' })).resolves.toEqual({ channel: 'storydesk:listStories' });
    expect(invoke).toHaveBeenLastCalledWith('storydesk:listStories', { in: 'trash' });
    const backupLibrary = bridge.backupLibrary as (request?: unknown) => Promise<unknown>;
    await backupLibrary();
    expect(invoke).toHaveBeenLastCalledWith('storydesk:backupLibrary', {});
  });

  it('rejects with the error payload, from which the renderer rebuilds the error', async () => {
    const payload: ErrorPayload = { code: 'not-found', message: 'story "x" does not exist', details: { what: 'story', id: 'x' } };
    const { bridge } = loadPreload(() => ({ ok: false, error: payload }));
    const getStory = bridge.getStory as (request: unknown) => Promise<unknown>;
    const rejection = await getStory({ id: 'x' }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(rejection).toEqual(payload);
    const rebuilt = errorFromPayload(rejection as ErrorPayload);
    expect(rebuilt).toBeInstanceOf(NotFoundError);
    expect(rebuilt).toMatchObject({ code: 'not-found', message: 'story "x" does not exist', details: { id: 'x' } });

    const { bridge: confused } = loadPreload(() => 'not a result');
    await expect((confused.listStories as (request: unknown) => Promise<unknown>)({})).rejects.toMatchObject({ code: 'internal' });
  });

  it('passes events to listeners as payloads only, until unsubscribed; unknown events are refused', () => {
    const { bridge, listeners } = loadPreload(() => ({ ok: true, value: null }));
    const on = bridge.on as (event: string, listener: (payload: unknown) => void) => () => void;
    const received: unknown[] = [];
    const unsubscribe = on('story-changed', (...args: unknown[]) => received.push(args));
    const channel = 'storydesk:event:story-changed';
    expect(listeners.get(channel)).toHaveLength(1);
    const ipcEvent = { sender: 'the ipcRenderer, which the page must never get' };
    for (const listener of listeners.get(channel) ?? []) listener(ipcEvent, { storyId: 's1', change: 'saved', revision: 2 });
    expect(received).toEqual([[{ storyId: 's1', change: 'saved', revision: 2 }]]);
    unsubscribe();
    expect(listeners.get(channel)).toEqual([]);

    expect(() => on('storydesk:listStories', () => {})).toThrow(/unknown event/);
    expect(() => on('menu-command', 'not a function' as unknown as () => void)).toThrow(/listener/);
    on('menu-command', () => {});
    expect(listeners.get('storydesk:event:menu-command')).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the menus', () => {
  function actions() {
    return {
      command: vi.fn<MenuActions['command']>(),
      openLibrary: vi.fn<MenuActions['openLibrary']>(),
      openRecentLibrary: vi.fn<MenuActions['openRecentLibrary']>(),
      clearRecentLibraries: vi.fn<MenuActions['clearRecentLibraries']>(),
    } satisfies MenuActions;
  }

  function submenu(template: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions[] {
    const menu = template.find((item) => item.label === label || item.role === label);
    if (!menu || !Array.isArray(menu.submenu)) throw new Error(`no ${label} menu`);
    return menu.submenu;
  }

  function item(items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions {
    const found = items.find((entry) => entry.label === label);
    if (!found) throw new Error(`no item ${label}`);
    return found;
  }

  const click = (entry: MenuItemConstructorOptions) => (entry.click as unknown as () => void)();

  for (const [platform, modifier] of [
    ['darwin', 'Cmd'],
    ['linux', 'Ctrl'],
    ['win32', 'Ctrl'],
  ] as const) {
    it(`has the File and Edit items with ${modifier} shortcuts on ${platform}`, () => {
      const menuActions = actions();
      const template = buildMenuTemplate({ platform, isDevelopment: false, recentLibraries: ['/data/desk.storydesk'], appName: 'Storydesk' }, menuActions);
      const file = submenu(template, 'File');
      expect(item(file, 'New Story').accelerator).toBe(`${modifier}+N`);
      expect(item(file, 'Save Now').accelerator).toBe(`${modifier}+S`);
      expect(item(file, 'Open Library…').accelerator).toBe(`${modifier}+O`);
      // Ctrl/⌘+I stays the text editor's italic.
      expect(item(file, 'Import…').accelerator).toBe(`${modifier}+Shift+O`);
      expect(item(file, 'Export…').accelerator).toBe(`${modifier}+Shift+E`);
      expect(item(file, 'Revision History…').accelerator).toBe(`${modifier}+Shift+H`);
      expect(item(file, 'Back Up Library').accelerator).toBe(`${modifier}+Shift+B`);
      const recent = item(file, 'Recent Libraries').submenu as MenuItemConstructorOptions[];
      expect(recent.map((entry) => entry.label ?? entry.type)).toEqual(['/data/desk.storydesk', 'separator', 'Clear Recent Libraries']);

      const edit = submenu(template, 'Edit');
      expect(edit.filter((entry) => entry.role).map((entry) => entry.role)).toEqual(['cut', 'copy', 'paste', 'selectAll']);
      expect(item(edit, 'Find in Library').accelerator).toBe(`${modifier}+F`);
      // Undo and redo show their keys but leave them to the page, whose story undo spans its fields.
      expect(item(edit, 'Undo')).toMatchObject({ accelerator: `${modifier}+Z`, registerAccelerator: false });
      expect(item(edit, 'Redo')).toMatchObject({ accelerator: `${modifier}+Shift+Z`, registerAccelerator: false });

      click(item(edit, 'Undo'));
      click(item(edit, 'Redo'));
      click(item(file, 'New Story'));
      click(item(file, 'Save Now'));
      click(item(file, 'Import…'));
      click(item(file, 'Export…'));
      click(item(file, 'Back Up Library'));
      click(item(file, 'Backups…'));
      click(item(edit, 'Find in Library'));
      click(item(file, 'Revision History…'));
      click(item(submenu(template, 'help'), 'Keyboard Shortcuts'));
      click(item(submenu(template, 'help'), 'Storydesk Documentation'));
      // Clicked in the order the commands are listed.
      expect(menuActions.command.mock.calls.map(([name]) => name)).toEqual([...WINDOW_COMMANDS]);
      expect(item(submenu(template, 'help'), 'Keyboard Shortcuts').accelerator).toBe(`${modifier}+/`);
      click(item(file, 'Open Library…'));
      expect(menuActions.openLibrary).toHaveBeenCalledOnce();
      click(recent[0] as MenuItemConstructorOptions);
      expect(menuActions.openRecentLibrary).toHaveBeenCalledWith('/data/desk.storydesk');
      click(item(recent, 'Clear Recent Libraries'));
      expect(menuActions.clearRecentLibraries).toHaveBeenCalledOnce();
    });
  }

  it('has the macOS app menu first on macOS only, with About, Hide and Quit', () => {
    const mac = buildMenuTemplate({ platform: 'darwin', isDevelopment: false, recentLibraries: [], appName: 'Storydesk' }, actions());
    expect(mac.map((menu) => menu.label ?? menu.role)).toEqual(['Storydesk', 'File', 'Edit', 'View', 'windowMenu', 'help']);
    expect(submenu(mac, 'Storydesk').map((entry) => entry.role).filter(Boolean)).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    expect(submenu(mac, 'File').some((entry) => entry.role === 'quit')).toBe(false);

    const linux = buildMenuTemplate({ platform: 'linux', isDevelopment: false, recentLibraries: [], appName: 'Storydesk' }, actions());
    expect(linux.map((menu) => menu.label ?? menu.role)).toEqual(['File', 'Edit', 'View', 'help']);
    expect(submenu(linux, 'File').at(-1)?.role).toBe('quit');
    expect(submenu(linux, 'help')[0]?.role).toBe('about');
    expect(item(submenu(linux, 'File'), 'Recent Libraries').submenu).toEqual([{ label: 'No Recent Libraries', enabled: false }]);
  });

  it('offers Reload and the developer tools in development only; full screen and zoom always', () => {
    const roles = (isDevelopment: boolean) =>
      submenu(buildMenuTemplate({ platform: 'linux', isDevelopment, recentLibraries: [], appName: 'Storydesk' }, actions()), 'View')
        .map((entry) => entry.role)
        .filter(Boolean);
    expect(roles(true)).toEqual(['reload', 'forceReload', 'toggleDevTools', 'togglefullscreen', 'resetZoom', 'zoomIn', 'zoomOut']);
    expect(roles(false)).toEqual(['togglefullscreen', 'resetZoom', 'zoomIn', 'zoomOut']);
  });

  it('gives every window command with a shortcut a menu item, so each shortcut works in the app', () => {
    const template = buildMenuTemplate({ platform: 'linux', isDevelopment: false, recentLibraries: [], appName: 'Storydesk' }, actions());
    const items = template.flatMap((menu) => (Array.isArray(menu.submenu) ? menu.submenu : []));
    for (const command of WINDOW_COMMANDS) {
      const shortcut = COMMAND_SHORTCUTS[command];
      const found = items.find((entry) => entry.label === COMMAND_LABELS[command] || (command === 'show-documentation' && entry.label === 'Storydesk Documentation'));
      expect(found, command).toBeDefined();
      expect(found?.accelerator, command).toBe(shortcut ? acceleratorFor(shortcut, false) : undefined);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('where windows open', () => {
  const laptop = { x: 0, y: 0, width: 1440, height: 875 };
  const monitorOnTheRight = { x: 1440, y: 0, width: 2560, height: 1415 };

  it('opens at the default size, centred on the primary display, the first time', () => {
    expect(placeWindow('library', undefined, [laptop])).toEqual({ x: 80, y: 28, width: 1280, height: 820 });
    expect(placeWindow('story', undefined, [{ x: 0, y: 0, width: 1024, height: 700 }])).toEqual({ x: 0, y: 0, width: 1024, height: 700 });
  });

  it('opens where it was when that place is still on a display', () => {
    const saved = { x: 1600, y: 100, width: 1200, height: 900 };
    expect(placeWindow('library', saved, [laptop, monitorOnTheRight])).toEqual(saved);
  });

  it('comes back to the primary display when its display is gone', () => {
    const saved = { x: 1600, y: 100, width: 1200, height: 900 };
    expect(placeWindow('library', saved, [laptop])).toEqual({ x: 120, y: 0, width: 1200, height: 875 });
  });

  it('is pulled fully onto the display when it hangs over an edge, and shrunk to fit', () => {
    expect(placeWindow('story', { x: 1000, y: 500, width: 1100, height: 860 }, [laptop])).toEqual({ x: 340, y: 15, width: 1100, height: 860 });
    expect(placeWindow('story', { x: -50, y: -10, width: 3000, height: 2000 }, [laptop])).toEqual({ x: 0, y: 0, width: 1440, height: 875 });
  });

  it('counts a window whose title bar is off screen as lost', () => {
    // Only the bottom of the window is on the display: the title bar cannot be grabbed.
    expect(placeWindow('story', { x: 100, y: -800, width: 1100, height: 860 }, [laptop])).toEqual({ x: 170, y: 8, width: 1100, height: 860 });
  });

  it('never opens smaller than the minimum, nor at a nonsensical size', () => {
    expect(placeWindow('library', { x: 10, y: 10, width: 100, height: 50 }, [laptop])).toEqual({ x: 10, y: 10, ...MINIMUM_SIZE.library });
    expect(placeWindow('library', { x: Number.NaN, y: 0, width: 800, height: 600 }, [laptop])).toEqual(placeWindow('library', undefined, [laptop]));
    expect(placeWindow('story', undefined, [])).toEqual({ x: 0, y: 0, ...DEFAULT_SIZE.story });
  });

  it('cascades further story windows, back to the corner at the display’s edge', () => {
    const first = { x: 100, y: 100, width: 1000, height: 600 };
    expect(cascade(first, 0, [laptop])).toEqual(first);
    expect(cascade(first, 2, [laptop])).toEqual({ x: 156, y: 156, width: 1000, height: 600 });
    expect(cascade(first, 10, [laptop])).toEqual({ x: 0, y: 0, width: 1000, height: 600 });
  });

  it('reads what it can of the file and writes it back whole', () => {
    expect(parseWindowStates('not json')).toEqual({});
    expect(parseWindowStates('[1,2]')).toEqual({});
    expect(
      parseWindowStates(
        JSON.stringify({
          library: { bounds: { x: 1, y: 2, width: 900, height: 700 }, maximized: true },
          story: { bounds: { x: 1, y: 2, width: -5, height: 700 } },
          palette: { bounds: { x: 0, y: 0, width: 10, height: 10 } },
        }),
      ),
    ).toEqual({ library: { bounds: { x: 1, y: 2, width: 900, height: 700 }, maximized: true, fullScreen: false } });

    const folder = freshFolder();
    expect(readWindowStates(folder)).toEqual({});
    const states = { story: { bounds: { x: 5, y: 6, width: 1000, height: 800 }, maximized: false, fullScreen: true } };
    writeWindowStates(folder, states);
    expect(readWindowStates(folder)).toEqual(states);
    expect(fs.readdirSync(folder)).toEqual(['window-state.json']);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the window options', () => {
  it('create every window sandboxed, isolated, without Node, with the preload', () => {
    const options = browserWindowOptions({ kind: 'story', bounds: { x: 1, y: 2, width: 1100, height: 860 }, preload: '/app/dist/preload.cjs', title: 'A story', isDevelopment: false });
    expect(options.webPreferences).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
      preload: '/app/dist/preload.cjs',
      devTools: false,
    });
    expect(options).toMatchObject({ x: 1, y: 2, width: 1100, height: 860, minWidth: MINIMUM_SIZE.story.width, minHeight: MINIMUM_SIZE.story.height, show: false, title: 'A story' });
    expect(browserWindowOptions({ kind: 'library', bounds: { x: 0, y: 0, width: 1, height: 1 }, preload: 'p', title: 't', isDevelopment: true }).webPreferences?.devTools).toBe(true);
    expect(SECURE_WEB_PREFERENCES).not.toHaveProperty('preload');
    expect(SECURE_WEB_PREFERENCES).not.toHaveProperty('enableBlinkFeatures');
  });
});

// ---------------------------------------------------------------------------------------------

describe('libraries the app opens', () => {
  it('finds the library a launch names', () => {
    const cwd = '/home/editor';
    expect(libraryArgument(['/usr/bin/electron', 'dist/main.js'], cwd)).toBeUndefined();
    expect(libraryArgument(['/usr/bin/electron', 'dist/main.js', '--library', 'desk.storydesk'], cwd)).toBe(path.resolve(cwd, 'desk.storydesk'));
    expect(libraryArgument(['storydesk', '--library=/data/other.db'], cwd)).toBe('/data/other.db');
    expect(libraryArgument(['Storydesk', '--no-sandbox', '/data/desk.storydesk'], cwd)).toBe('/data/desk.storydesk');
    expect(libraryArgument(['Storydesk', '--library'], cwd)).toBeUndefined();
    expect(libraryArgument(['Storydesk', '--library', '--inspect'], cwd)).toBeUndefined();
  });

  it('keeps the recent libraries newest first, each once, ten at most', () => {
    let recent: string[] = [];
    for (let index = 0; index < 12; index += 1) recent = rememberLibrary(recent, `/data/${index}.storydesk`);
    recent = rememberLibrary(recent, '/data/5.storydesk');
    expect(recent).toHaveLength(MAX_RECENT_LIBRARIES);
    expect(recent.slice(0, 3)).toEqual(['/data/5.storydesk', '/data/11.storydesk', '/data/10.storydesk']);
    expect(forgetLibrary(recent, '/data/5.storydesk')).not.toContain('/data/5.storydesk');
    expect(parseRecentLibraries('["/a.storydesk", "relative.storydesk", 3, "/a.storydesk"]')).toEqual(['/a.storydesk']);
    expect(parseRecentLibraries('{')).toEqual([]);
    const folder = freshFolder();
    writeRecentLibraries(folder, recent);
    expect(readRecentLibraries(folder)).toEqual(recent);
  });

  it('offers the other recent libraries when one cannot be opened', () => {
    const choices = recoveryChoices('/data/broken.storydesk', ['/data/broken.storydesk', '/data/a.storydesk', '/data/b.storydesk'], 'Quit');
    expect(choices).toEqual({
      buttons: ['Open /data/a.storydesk', 'Open /data/b.storydesk', 'Choose Another Library…', 'Quit'],
      libraries: ['/data/a.storydesk', '/data/b.storydesk'],
      chooseIndex: 2,
      cancelIndex: 3,
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('the SQLite driver of the Electron app', () => {
  afterAll(() => useSqliteBinding(undefined));

  it('opens databases with the binding it is given, and fails plainly with a missing one', () => {
    const nodeBuild = path.join(projectRoot, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    useSqliteBinding(nodeBuild);
    expect(sqliteBindingInUse()).toBe(nodeBuild);
    const db = new SqliteDatabase(':memory:');
    expect(db.prepare('SELECT 41 + 1 AS answer').get()).toEqual({ answer: 42 });
    db.close();
    expect(probeSqliteDriver()).toBeUndefined();

    useSqliteBinding(path.join(freshFolder(), 'better_sqlite3.node'));
    expect(() => new SqliteDatabase(':memory:')).toThrow(/Cannot find module/);
    expect(probeSqliteDriver()?.message).toMatch(/Cannot find module/);
    useSqliteBinding(undefined);
    expect(probeSqliteDriver()).toBeUndefined();
  });

  it('looks for the Electron build beside the app', () => {
    expect(electronSqliteBindingPath({ isPackaged: true, resourcesPath: '/opt/Storydesk/resources', packageRoot: '/ignored' })).toBe(
      path.join('/opt/Storydesk/resources', 'native', 'better_sqlite3.node'),
    );
    expect(electronSqliteBindingPath({ isPackaged: false, resourcesPath: '/ignored', packageRoot: '/work/storydesk' })).toBe(
      path.join('/work/storydesk', 'build', 'native', 'electron', 'better_sqlite3.node'),
    );
  });

  it('recognises a driver built for another runtime', () => {
    expect(
      isNativeModuleVersionError(
        new Error(
          "The module 'better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 145.",
        ),
      ),
    ).toBe(true);
    expect(isNativeModuleVersionError(new Error('SQLITE_CORRUPT: database disk image is malformed'))).toBe(false);
  });

  it('is what the main process bundle imports in place of better-sqlite3', () => {
    ensureBuilt();
    const main = fs.readFileSync(path.join(projectRoot, 'dist', 'main.js'), 'utf8');
    expect(main).toContain('class extends BetterSqlite3');
    // Every store module's `new Database(…)` is the wrapper's.
    expect(main).not.toMatch(/new import_better_sqlite3|new Database\d*\(/);
    expect(main.match(/from "better-sqlite3"/g)).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// The main process as built, run against a stand-in for Electron: the same file Electron would
// load (dist/main.js), so the wiring between the tested parts is exercised too.

interface StandInWindow extends EventEmitter {
  close(): void;
  options: Record<string, unknown>;
  url: string;
  destroyed: boolean;
  focused: number;
  webContents: StandInWebContents;
}

interface StandInWebContents extends EventEmitter {
  sent: [string, unknown][];
  reloads: number;
  openHandler: ((details: { url: string }) => { action: string }) | undefined;
}

interface ElectronStandIn {
  app: EventEmitter & { paths: Record<string, string>; quitCalls: number };
  windows: StandInWindow[];
  protocolHandlers: Map<string, (request: Request) => Promise<Response>>;
  privilegedSchemes: unknown[];
  ipcHandlers: Map<string, (event: unknown, ...args: unknown[]) => Promise<IpcResult>>;
  menus: MenuItemConstructorOptions[][];
  permissionHandlers: string[];
  externalUrls: string[];
  errorBoxes: string[];
  messageBoxes: { message: string; detail: string; buttons: string[] }[];
}

const standIn = vi.hoisted(() => ({ electron: undefined as unknown }));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const state = {
    windows: [] as StandInWindow[],
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    privilegedSchemes: [] as unknown[],
    ipcHandlers: new Map<string, (event: unknown, ...args: unknown[]) => Promise<IpcResult>>(),
    menus: [] as MenuItemConstructorOptions[][],
    permissionHandlers: [] as string[],
    externalUrls: [] as string[],
    errorBoxes: [] as string[],
    messageBoxes: [] as { message: string; detail: string; buttons: string[]; cancelId: number }[],
  };
  const app = Object.assign(new Emitter(), {
    paths: {} as Record<string, string>,
    quitCalls: 0,
    isPackaged: false,
    ready: false,
    setName: () => {},
    setPath(name: string, value: string) {
      this.paths[name] = value;
    },
    getPath(name: string) {
      return this.paths[name] ?? '';
    },
    enableSandbox: () => {},
    requestSingleInstanceLock: () => true,
    whenReady() {
      this.ready = true;
      return Promise.resolve();
    },
    isReady() {
      return this.ready;
    },
    quit() {
      this.quitCalls += 1;
    },
    addRecentDocument: () => {},
    clearRecentDocuments: () => {},
  });
  class BrowserWindow extends Emitter {
    static getAllWindows = () => state.windows.filter((window) => !window.destroyed);
    static getFocusedWindow = () => null;
    url = '';
    destroyed = false;
    focused = 0;
    webContents: StandInWebContents;
    constructor(readonly options: Record<string, unknown>) {
      super();
      const contents = Object.assign(new Emitter(), {
        sent: [] as [string, unknown][],
        reloads: 0,
        openHandler: undefined as ((details: { url: string }) => { action: string }) | undefined,
        setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
          this.openHandler = handler;
        },
        getURL: () => this.url,
        send(channel: string, payload: unknown) {
          this.sent.push([channel, payload]);
        },
        reload() {
          this.reloads += 1;
        },
      });
      this.webContents = contents;
      state.windows.push(this as unknown as StandInWindow);
      app.emit('web-contents-created', {}, contents);
    }
    loadURL(url: string) {
      this.url = url;
      this.emit('ready-to-show');
      return Promise.resolve();
    }
    isDestroyed = () => this.destroyed;
    isMinimized = () => false;
    restore = () => {};
    show = () => {};
    focus() {
      this.focused += 1;
    }
    setTitle = () => {};
    maximize = () => {};
    setFullScreen = () => {};
    getNormalBounds = () => ({ x: 10, y: 20, width: 1000, height: 700 });
    isMaximized = () => false;
    isFullScreen = () => false;
    close() {
      this.emit('close');
      this.destroyed = true;
      this.emit('closed');
    }
  }
  const display = { id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } };
  const electron = {
    app,
    BrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => state.privilegedSchemes.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => state.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => state.permissionHandlers.push('request'),
        setPermissionCheckHandler: () => state.permissionHandlers.push('check'),
        setDevicePermissionHandler: () => state.permissionHandlers.push('device'),
      },
    },
    ipcMain: {
      handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => Promise<IpcResult>) => state.ipcHandlers.set(channel, handler),
      removeHandler: (channel: string) => state.ipcHandlers.delete(channel),
    },
    Menu: {
      buildFromTemplate: (template: MenuItemConstructorOptions[]) => template,
      setApplicationMenu: (template: MenuItemConstructorOptions[]) => state.menus.push(template),
    },
    dialog: {
      showErrorBox: (title: string, content: string) => state.errorBoxes.push(`${title}: ${content}`),
      // The editor answers every question with Cancel.
      showMessageBox: (...args: unknown[]) => {
        const options = args.at(-1) as { message: string; detail: string; buttons: string[]; cancelId: number };
        state.messageBoxes.push(options);
        return Promise.resolve({ response: options.cancelId });
      },
      showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
    },
    shell: { openExternal: (url: string) => Promise.resolve(void state.externalUrls.push(url)) },
    screen: { getPrimaryDisplay: () => display, getAllDisplays: () => [display] },
  };
  standIn.electron = { ...state, app };
  return { ...electron, default: electron };
});

describe('the main process, as built (dist/main.js), against a stand-in Electron', () => {
  let electron: ElectronStandIn;
  let userData: string;
  let library: string;
  const saved = { argv: process.argv, xdg: process.env.XDG_CONFIG_HOME, home: process.env.HOME, appData: process.env.APPDATA };

  beforeAll(async () => {
    ensureBuilt();
    const home = lastingFolder('storydesk-main-');
    library = path.join(home, 'desk.storydesk');
    // The app keeps its user data where the command line does; here, in a fresh folder.
    process.env.XDG_CONFIG_HOME = path.join(home, 'config');
    process.env.HOME = home;
    process.env.APPDATA = path.join(home, 'AppData');
    process.argv = [process.execPath, path.join(projectRoot, 'dist', 'main.js'), '--library', library];
    await import('../dist/main.js' as string);
    electron = standIn.electron as ElectronStandIn;
    await vi.waitFor(() => expect(electron.windows).toHaveLength(1), { timeout: 10_000 });
    userData = electron.app.paths.userData ?? '';
  });

  afterAll(() => {
    process.argv = saved.argv;
    for (const [name, value] of [
      ['XDG_CONFIG_HOME', saved.xdg],
      ['HOME', saved.home],
      ['APPDATA', saved.appData],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    electron?.app.emit('will-quit');
  });

  const trustedEvent = () => ({ senderFrame: { url: 'app://storydesk/index.html', parent: null } });

  it('registers app:// as a standard, secure scheme that does not bypass the CSP', () => {
    expect(electron.privilegedSchemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
    expect(electron.permissionHandlers).toEqual(['request', 'check', 'device']);
  });

  it('opens the named library, with the sample story, in a library window loaded from app://', async () => {
    expect(fs.existsSync(library)).toBe(true);
    const [window] = electron.windows;
    expect(window?.url).toBe('app://storydesk/index.html');
    expect(window?.options.webPreferences).toMatchObject({ ...SECURE_WEB_PREFERENCES, preload: path.join(projectRoot, 'dist', 'preload.cjs'), devTools: true });
    expect(fs.existsSync(String((window?.options.webPreferences as { preload: string }).preload))).toBe(true);
    const list = await electron.ipcHandlers.get('storydesk:listStories')?.(trustedEvent(), {});
    expect(list).toMatchObject({ ok: true, value: [{ id: SAMPLE_ID }] });
    expect(userData).toBe(path.join(process.env.XDG_CONFIG_HOME ?? '', 'Storydesk'));
    expect(readRecentLibraries(userData)).toEqual([library]);
  });

  it('serves the UI (or says it is not built) with the policy header', async () => {
    const handler = electron.protocolHandlers.get('app');
    const response = await handler?.(new Request('app://storydesk/'));
    expect(response?.status).toBe(200);
    expect(response?.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    // (The URL parser already folds "%2e%2e" segments away, in Chromium as here; an encoded slash survives it.)
    expect((await handler?.(new Request('app://storydesk/..%2f..%2fpackage.json')))?.status).toBe(400);
  });

  it('refuses API calls from pages it did not serve', async () => {
    const answer = await electron.ipcHandlers.get('storydesk:listStories')?.({ senderFrame: { url: 'https://evil.example/', parent: null } }, {});
    expect(answer).toMatchObject({ ok: false });
  });

  it('opens one window per story: a second open focuses it; links go to the browser', async () => {
    const libraryWindow = electron.windows[0];
    const open = (url: string) => libraryWindow?.webContents.openHandler?.({ url });
    expect(open(storyWindowUrl(SAMPLE_ID))).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(electron.windows).toHaveLength(2));
    const storyWindow = electron.windows[1];
    expect(storyWindow?.url).toBe(storyWindowUrl(SAMPLE_ID));
    expect(storyWindow?.options.webPreferences).toMatchObject(SECURE_WEB_PREFERENCES);

    open(storyWindowUrl(SAMPLE_ID));
    await vi.waitFor(() => expect(storyWindow?.focused).toBe(1));
    expect(electron.windows).toHaveLength(2);

    open(storyWindowUrl('no-such-story'));
    open('https://example.org/source');
    open('file:///etc/passwd');
    await vi.waitFor(() => expect(electron.externalUrls).toEqual(['https://example.org/source']));
    expect(electron.windows).toHaveLength(2);
  });

  it('tells every window when a story changes', async () => {
    const created = await electron.ipcHandlers.get('storydesk:createStory')?.(trustedEvent(), { title: 'Harbour talks resume' });
    expect(created?.ok).toBe(true);
    const id = created?.ok ? (created.value as { id: string }).id : '';
    for (const window of electron.windows.filter((entry) => !entry.destroyed)) {
      expect(window.webContents.sent).toContainEqual(['storydesk:event:story-changed', { storyId: id, change: 'created', revision: 1 }]);
    }
  });

  it('sends menu commands to the window in front (the library window when none is focused)', () => {
    const menu = electron.menus.at(-1) ?? [];
    const file = menu.find((entry) => entry.label === 'File')?.submenu as MenuItemConstructorOptions[];
    (file.find((entry) => entry.label === 'New Story')?.click as unknown as () => void)();
    expect(electron.windows[0]?.webContents.sent.at(-1)).toEqual(['storydesk:event:menu-command', { command: 'new-story' }]);
  });

  it('remembers where a window was when it closes', () => {
    electron.windows[1]?.close();
    expect(readWindowStates(userData).story).toEqual({ bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: false, fullScreen: false });
  });

  it('hands a second launch’s library to the running app', async () => {
    const other = path.join(path.dirname(library), 'other.storydesk');
    electron.app.emit('second-instance', {}, ['storydesk', other], '/', { library: other });
    await vi.waitFor(() => expect(readRecentLibraries(userData)).toEqual([other, library]));
    expect(electron.windows[0]?.webContents.reloads).toBe(1);
    expect(electron.errorBoxes).toEqual([]);
    expect(electron.app.quitCalls).toBe(0);
  });

  it('says why a library cannot be opened and offers the recent ones, keeping the open library', async () => {
    const notes = path.join(path.dirname(library), 'notes.storydesk');
    fs.writeFileSync(notes, 'Call the Warsaw desk tomorrow.\n');
    electron.app.emit('second-instance', {}, ['storydesk', notes], '/', { library: notes });
    await vi.waitFor(() => expect(electron.messageBoxes).toHaveLength(1));
    const [box] = electron.messageBoxes;
    expect(box?.message).toBe('Storydesk cannot open this library');
    expect(box?.detail).toContain(notes);
    expect(box?.detail).toContain('not a Storydesk library');
    expect(box?.buttons).toEqual([`Open ${path.join(path.dirname(library), 'other.storydesk')}`, `Open ${library}`, 'Choose Another Library…', 'Cancel']);
    expect(fs.readFileSync(notes, 'utf8')).toBe('Call the Warsaw desk tomorrow.\n');
    const list = await electron.ipcHandlers.get('storydesk:listStories')?.(trustedEvent(), {});
    expect(list).toMatchObject({ ok: true, value: [{ id: SAMPLE_ID }] });
    expect(readRecentLibraries(userData)[0]).toBe(path.join(path.dirname(library), 'other.storydesk'));
  });
});

// ---------------------------------------------------------------------------------------------

describe('packaging (build/electron-builder.json)', () => {
  const config = JSON.parse(fs.readFileSync(path.join(projectRoot, 'build', 'electron-builder.json'), 'utf8')) as Record<string, unknown> & {
    linux: { target: string[]; icon: string };
    mac: { target: string[]; icon: string };
    win: { target: string[]; icon: string };
    files: string[];
    extraResources: { from: string; to: string; filter: string[] }[];
  };

  it('names the app and builds AppImage and deb, dmg, and an NSIS installer', () => {
    expect(config.appId).toBe('org.storydesk.app');
    expect(config.productName).toBe('Storydesk');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.extraMetadata).toEqual({ main: 'dist/main.js' });
  });

  it('sets the fuses of a release build', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
      // Flipping fuses breaks the binary's signature; unsigned Apple-silicon builds need the ad hoc one back.
      resetAdHocDarwinSignature: true,
    });
  });

  it('ships the built app in an asar, native code unpacked, and the Electron build of SQLite beside it', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(['**/*.node']);
    expect(config.files).toEqual(expect.arrayContaining(['package.json', 'dist/main.js', 'dist/preload.cjs', 'dist/renderer/**/*', 'shared/sample/**/*']));
    // Never the Node build of the driver, and never a rebuild of node_modules in place.
    expect(config.files).toContain('!node_modules/better-sqlite3/build/**/*');
    expect(config.npmRebuild).toBe(false);
    expect(config.extraResources).toEqual([{ from: 'build/native/electron', to: 'native', filter: ['better_sqlite3.node'] }]);
    const packaged = electronSqliteBindingPath({ isPackaged: true, resourcesPath: 'RESOURCES', packageRoot: '' });
    expect(packaged).toBe(path.join('RESOURCES', config.extraResources[0]?.to ?? '', 'better_sqlite3.node'));
  });

  it('has the icons it names, drawn by build/make-icons.js', () => {
    for (const icon of [config.mac.icon, config.win.icon]) expect(fs.existsSync(path.join(projectRoot, icon)), icon).toBe(true);
    const linuxIcons = fs.readdirSync(path.join(projectRoot, config.linux.icon));
    expect(linuxIcons).toEqual(expect.arrayContaining(['16x16.png', '32x32.png', '256x256.png', '512x512.png']));
    const png = fs.readFileSync(path.join(projectRoot, config.linux.icon, '512x512.png'));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);

    const output = freshFolder('storydesk-icons-');
    const run = spawnSync(process.execPath, ['build/make-icons.js', output], { cwd: projectRoot, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    for (const file of ['icon.ico', 'icon.icns', 'icon.png', ...linuxIcons.map((name) => path.join('icons', name))]) {
      expect(fs.readFileSync(path.join(output, file)).equals(fs.readFileSync(path.join(projectRoot, 'build', file))), file).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('scripts/install-electron.js (npm postinstall)', () => {
  function install(env: Record<string, string>) {
    const cleanEnv = { ...process.env };
    for (const name of ['CI', 'ELECTRON_SKIP_BINARY_DOWNLOAD', 'STORYDESK_INSTALL_ELECTRON', 'ELECTRON_MIRROR']) delete cleanEnv[name];
    return spawnSync(process.execPath, ['scripts/install-electron.js'], { cwd: projectRoot, encoding: 'utf8', env: { ...cleanEnv, ...env }, timeout: 60_000 });
  }

  it('skips, saying so, when ELECTRON_SKIP_BINARY_DOWNLOAD is set', () => {
    const run = install({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('skipped: ELECTRON_SKIP_BINARY_DOWNLOAD is set');
  });

  it('skips, saying so, on CI', () => {
    const run = install({ CI: 'true' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('skipped on CI');
  });

  const electronInstalled = fs.existsSync(path.join(projectRoot, 'node_modules', 'electron', 'path.txt'));
  it.skipIf(electronInstalled)('reports a failed download in one paragraph and still exits 0', () => {
    // A mirror nobody listens on, and an empty download cache: fails at once, with or without internet.
    const run = install({ ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: freshFolder('storydesk-electron-cache-') });
    expect(run.status).toBe(0);
    const paragraph = run.stdout.split('\n').find((line) => line.includes('could not be downloaded')) ?? '';
    expect(paragraph).toMatch(/ECONNREFUSED|connect/);
    expect(paragraph).toContain('npm install has succeeded');
    expect(paragraph).toContain('browser mode');
    expect(paragraph).toContain('node node_modules/electron/install.js');
    expect(paragraph).toContain('ELECTRON_MIRROR');
    expect(fs.existsSync(path.join(projectRoot, 'node_modules', 'electron', 'path.txt'))).toBe(false);
  });
});
