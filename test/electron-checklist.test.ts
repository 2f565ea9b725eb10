/**
 * The Electron security checklist (docs/electron-security.md), one test per recommendation,
 * named by its number and title. Each checks the facts the document states about the code:
 * mostly on the main process as built (dist/main.js), run against a stand-in Electron that
 * records every window, web contents, IPC registration, permission handler, protocol and
 * `shell.openExternal` call; then on the preload as built, the packaging configuration and the
 * installed Electron. test/electron-shell.test.ts tests the same modules' behaviour in depth;
 * this file asks only "is the checklist point met, everywhere".
 */
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_METHODS } from '../shared/api';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY } from '../electron/app-protocol';
import { isTrustedSender } from '../electron/ipc';
import { isExternalWebUrl, storyWindowUrl } from '../electron/main/navigation';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const SAMPLE_ID = 'sample-korea-poland-security-dialogue';

/** Builds dist/ when a bundle this file reads is missing or older than the sources. */
function ensureBuilt(): void {
  const outputs = ['dist/main.js', 'dist/preload.cjs', 'dist/renderer/index.html'].map((file) => path.join(projectRoot, file));
  let newestSource = 0;
  for (const folder of ['electron', 'shared']) {
    for (const entry of fs.readdirSync(path.join(projectRoot, folder), { withFileTypes: true, recursive: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts')) newestSource = Math.max(newestSource, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  if (outputs.every((file) => fs.existsSync(file) && fs.statSync(file).mtimeMs >= newestSource)) return;
  const build = spawnSync(process.execPath, ['scripts/build.js'], { cwd: projectRoot, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`node scripts/build.js failed: ${build.stderr}`);
}

/** The `.ts` files under a project folder, with their text. */
function sourcesUnder(folder: string): { file: string; text: string }[] {
  return fs
    .readdirSync(path.join(projectRoot, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return { file: path.relative(projectRoot, file), text: fs.readFileSync(file, 'utf8') };
    });
}

/** A CSP as directive → sources. */
function cspDirectives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name = '', ...sources]) => [name, sources]),
  );
}

// ---------------------------------------------------------------------------------------------
// A stand-in Electron that records what the main process asks of it.

type Listener = (...args: unknown[]) => unknown;

interface StandInContents extends EventEmitter {
  openHandler?: (details: { url: string }) => { action: string };
}

interface StandInWindow {
  options: { webPreferences?: Record<string, unknown> };
  url: string;
  webContents: StandInContents;
}

interface Recorded {
  /** What happened, in order: `enableSandbox`, `permissions:<kind>`, `window`, … */
  log: string[];
  windows: StandInWindow[];
  /** Every listener registered on ipcMain, by whichever method. */
  ipc: { method: string; channel: string; listener: Listener }[];
  permissionHandlers: Map<string, Listener>;
  partitionsAsked: string[];
  privilegedSchemes: { scheme: string; privileges: Record<string, unknown> }[];
  protocolHandlers: Map<string, (request: Request) => Promise<Response>>;
  externalUrls: string[];
  app: EventEmitter;
}

const recorder = vi.hoisted(() => ({ recorded: undefined as unknown }));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const recorded = {
    log: [] as string[],
    windows: [] as unknown[],
    ipc: [] as { method: string; channel: string; listener: Listener }[],
    permissionHandlers: new Map<string, Listener>(),
    partitionsAsked: [] as string[],
    privilegedSchemes: [] as unknown[],
    protocolHandlers: new Map<string, unknown>(),
    externalUrls: [] as string[],
  };
  const paths: Record<string, string> = {};
  let ready = false;
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    setName: () => {},
    setPath: (name: string, value: string) => void (paths[name] = value),
    getPath: (name: string) => paths[name] ?? '',
    enableSandbox: () => void recorded.log.push('enableSandbox'),
    requestSingleInstanceLock: () => true,
    whenReady: () => {
      ready = true;
      recorded.log.push('ready');
      return Promise.resolve();
    },
    isReady: () => ready,
    quit: () => {},
    addRecentDocument: () => {},
    clearRecentDocuments: () => {},
  });
  class BrowserWindow extends Emitter {
    static getAllWindows = () => recorded.windows;
    static getFocusedWindow = () => null;
    url = '';
    webContents: StandInContents;
    constructor(readonly options: Record<string, unknown>) {
      super();
      recorded.log.push('window');
      const contents = Object.assign(new Emitter(), {
        openHandler: undefined as ((details: { url: string }) => { action: string }) | undefined,
        setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
          this.openHandler = handler;
        },
        getURL: () => this.url,
        send: () => {},
        reload: () => {},
      }) as StandInContents;
      this.webContents = contents;
      recorded.windows.push(this);
      app.emit('web-contents-created', {}, contents);
    }
    loadURL(url: string) {
      this.url = url;
      this.emit('ready-to-show');
      return Promise.resolve();
    }
    isDestroyed = () => false;
    isMinimized = () => false;
    restore = () => {};
    show = () => {};
    focus = () => {};
    setTitle = () => {};
    maximize = () => {};
    setFullScreen = () => {};
    getNormalBounds = () => ({ x: 0, y: 0, width: 1000, height: 700 });
    isMaximized = () => false;
    isFullScreen = () => false;
    close = () => {};
  }
  // Every way of listening on ipcMain is recorded, so a listener added some other way than
  // `handle` cannot slip past the sender test.
  const register = (method: string) => (channel: string, listener: Listener) => {
    recorded.ipc.push({ method, channel, listener });
    return ipcMain;
  };
  const ipcMain = {
    handle: register('handle'),
    handleOnce: register('handleOnce'),
    on: register('on'),
    once: register('once'),
    addListener: register('addListener'),
    prependListener: register('prependListener'),
    prependOnceListener: register('prependOnceListener'),
    removeHandler: () => {},
    removeListener: () => ipcMain,
  };
  const permissionSetter = (kind: string) => (handler: Listener) => {
    recorded.log.push(`permissions:${kind}`);
    recorded.permissionHandlers.set(kind, handler);
  };
  const display = { id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } };
  const electron = {
    app,
    BrowserWindow,
    ipcMain,
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => void recorded.privilegedSchemes.push(...schemes),
      handle: (scheme: string, handler: unknown) => void recorded.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: permissionSetter('request'),
        setPermissionCheckHandler: permissionSetter('check'),
        setDevicePermissionHandler: permissionSetter('device'),
      },
      fromPartition: (partition: string) => {
        recorded.partitionsAsked.push(partition);
        throw new Error('the checklist test expects the app to use the default session only');
      },
    },
    Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: () => {} },
    dialog: {
      showErrorBox: () => {},
      showMessageBox: () => Promise.resolve({ response: 0 }),
      showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
    },
    shell: { openExternal: (url: string) => Promise.resolve(void recorded.externalUrls.push(url)) },
    screen: { getPrimaryDisplay: () => display, getAllDisplays: () => [display] },
  };
  recorder.recorded = { ...recorded, app };
  return { ...electron, default: electron };
});

/** An Electron event that records whether it was prevented. */
function standInEvent(fields: Record<string, unknown>) {
  return { ...fields, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
}

/** Callers the API must refuse: other origins, frames inside an app page, frames that are gone. */
const UNTRUSTED_SENDERS: { what: string; senderFrame: { url: string; parent: unknown } | null }[] = [
  { what: 'a web page', senderFrame: { url: 'https://evil.example/', parent: null } },
  { what: 'a file:// page', senderFrame: { url: 'file:///tmp/page.html', parent: null } },
  { what: 'a look-alike host', senderFrame: { url: 'app://storydesk.evil/index.html', parent: null } },
  { what: 'the preview iframe', senderFrame: { url: 'about:srcdoc', parent: {} } },
  { what: 'a sub-frame showing the app', senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: {} } },
  { what: 'the developer tools', senderFrame: { url: 'devtools://devtools/bundled/inspector.html', parent: null } },
  { what: 'a frame that is gone', senderFrame: null },
];

/** Addresses a page might try to navigate to, open, or hand to the system. */
const HOSTILE_AND_WEB_URLS = [
  'https://www.reuters.com/world/story/',
  'http://example.org/page',
  'javascript:alert(1)',
  'file:///etc/passwd',
  'app://storydesk/other.html',
  'smb://server/share',
  'ms-msdt:/id PCWDiagnostic',
  'data:text/html,<script>alert(1)</script>',
  'mailto:desk@example.org',
  'https://bank.example@evil.example/',
  'about:blank',
];

describe('The Electron security checklist, item by item (docs/electron-security.md)', () => {
  let recorded: Recorded;
  let libraryWindow: StandInWindow;
  const saved = { argv: process.argv, xdg: process.env.XDG_CONFIG_HOME, home: process.env.HOME, appData: process.env.APPDATA };
  let home: string;
  // Main logs each refusal; the tests check the refusals themselves.
  const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});

  beforeAll(async () => {
    ensureBuilt();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'storydesk-checklist-'));
    process.env.XDG_CONFIG_HOME = path.join(home, 'config');
    process.env.HOME = home;
    process.env.APPDATA = path.join(home, 'AppData');
    process.argv = [process.execPath, path.join(projectRoot, 'dist', 'main.js'), '--library', path.join(home, 'desk.storydesk')];
    await import('../dist/main.js' as string);
    recorded = recorder.recorded as Recorded;
    await vi.waitFor(() => expect(recorded.windows).toHaveLength(1), { timeout: 10_000 });
    libraryWindow = recorded.windows[0] as StandInWindow;
    // A story window too, so "every window" below covers both kinds.
    libraryWindow.webContents.openHandler?.({ url: storyWindowUrl(SAMPLE_ID) });
    await vi.waitFor(() => expect(recorded.windows).toHaveLength(2), { timeout: 10_000 });
  }, 120_000);

  afterAll(() => {
    recorded?.app.emit('will-quit');
    quiet.mockRestore();
    process.argv = saved.argv;
    for (const [name, value] of [
      ['XDG_CONFIG_HOME', saved.xdg],
      ['HOME', saved.home],
      ['APPDATA', saved.appData],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    fs.rmSync(home, { recursive: true, force: true });
  });

  const everyWindowsPreferences = () => recorded.windows.map((window) => window.options.webPreferences ?? {});

  it('1. Only load secure content: every window loads app://storydesk/, and the page names no remote resource', () => {
    expect(recorded.windows.map((window) => window.url)).toEqual([`${APP_ORIGIN}/index.html`, storyWindowUrl(SAMPLE_ID)]);
    for (const window of recorded.windows) expect(isTrustedSender(window.url), window.url).toBe(true);
    // app:// is a secure context, like https.
    expect(recorded.privilegedSchemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ secure: true, standard: true }) }]);
    // The policy lets the page load from its own origin (and data:/blob: for images and fonts) only.
    for (const [name, sources] of cspDirectives(CONTENT_SECURITY_POLICY)) {
      for (const source of sources) expect(["'self'", "'none'", "'unsafe-inline'", 'data:', 'blob:'], `${name} ${source}`).toContain(source);
    }
    // The built page refers to its own files only.
    const page = fs.readFileSync(path.join(projectRoot, 'dist', 'renderer', 'index.html'), 'utf8');
    const references = [...page.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1] ?? '');
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) expect(reference, reference).toMatch(/^\.?\/(?!\/)/);
  });

  it('2. Do not enable Node.js integration for remote content: no window, worker or sub-frame gets Node', () => {
    for (const preferences of everyWindowsPreferences()) {
      expect(preferences).toMatchObject({ nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false });
      // The one script with more than the page is our own preload.
      expect(preferences.preload).toBe(path.join(projectRoot, 'dist', 'preload.cjs'));
    }
    // And windows are made in one place, from browserWindowOptions; no views or webviews elsewhere.
    const makers = sourcesUnder('electron').flatMap(({ file, text }) => (text.match(/new BrowserWindow\(|BrowserView|WebContentsView/g) ?? []).map((what) => `${file}: ${what}`));
    expect(makers).toEqual([`${path.join('electron', 'main', 'windows.ts')}: new BrowserWindow(`]);
    expect(fs.readFileSync(path.join(projectRoot, 'electron', 'main', 'windows.ts'), 'utf8')).toMatch(/new BrowserWindow\(browserWindowOptions\(/);
  });

  it('3. Enable context isolation: every window is isolated from its preload', () => {
    for (const preferences of everyWindowsPreferences()) expect(preferences.contextIsolation).toBe(true);
  });

  it('4. Enable process sandboxing: every window is sandboxed, and the sandbox is on for the whole app before it is ready', () => {
    for (const preferences of everyWindowsPreferences()) expect(preferences.sandbox).toBe(true);
    expect(recorded.log.indexOf('enableSandbox')).toBeGreaterThanOrEqual(0);
    expect(recorded.log.indexOf('enableSandbox')).toBeLessThan(recorded.log.indexOf('ready'));
  });

  it('5. Handle session permission requests from remote content: every request, check and device is denied, before any window', () => {
    const request = recorded.permissionHandlers.get('request');
    const check = recorded.permissionHandlers.get('check');
    const device = recorded.permissionHandlers.get('device');
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fullscreen', 'hid', 'serial', 'usb', 'midiSysex', 'pointerLock']) {
      const callback = vi.fn();
      request?.(libraryWindow.webContents, permission, callback, { requestingUrl: `${APP_ORIGIN}/index.html` });
      expect(callback, permission).toHaveBeenCalledWith(false);
      expect(check?.(libraryWindow.webContents, permission, APP_ORIGIN, {}), permission).toBe(false);
    }
    expect(device?.({ deviceType: 'usb', origin: APP_ORIGIN })).toBe(false);
    const firstWindow = recorded.log.indexOf('window');
    for (const kind of ['request', 'check', 'device']) {
      expect(recorded.log.indexOf(`permissions:${kind}`), kind).toBeGreaterThanOrEqual(0);
      expect(recorded.log.indexOf(`permissions:${kind}`), kind).toBeLessThan(firstWindow);
    }
    // All windows use the default session, the one with the handlers.
    expect(recorded.partitionsAsked).toEqual([]);
    for (const preferences of everyWindowsPreferences()) {
      expect(preferences).not.toHaveProperty('partition');
      expect(preferences).not.toHaveProperty('session');
    }
  });

  it('6. Do not disable webSecurity: every window keeps the same-origin policy', () => {
    for (const preferences of everyWindowsPreferences()) expect(preferences.webSecurity).not.toBe(false);
  });

  it('7. Define a Content Security Policy: every app:// response carries a policy without inline or eval’d script', async () => {
    const directives = cspDirectives(CONTENT_SECURITY_POLICY);
    expect(["'self'", "'none'"]).toContain((directives.get('default-src') ?? []).join(' '));
    const scripts = directives.get('script-src') ?? [];
    expect(scripts).toEqual(["'self'"]);
    for (const name of ['object-src', 'base-uri', 'frame-ancestors', 'form-action']) expect(directives.get(name), name).toEqual(["'none'"]);
    for (const sources of directives.values()) {
      for (const loose of ["'unsafe-eval'", "'wasm-unsafe-eval'", '*', 'http:', 'https:']) expect(sources).not.toContain(loose);
    }
    // The handler main registered puts it on every answer: the page, refusals, misses, wrong methods.
    const handle = recorded.protocolHandlers.get('app');
    for (const request of [
      new Request(`${APP_ORIGIN}/`),
      new Request(`${APP_ORIGIN}/..%2fpackage.json`),
      new Request(`${APP_ORIGIN}/missing.js`),
      new Request(`${APP_ORIGIN}/index.html`, { method: 'POST', body: 'x' }),
    ]) {
      const response = await handle?.(request);
      expect(response?.headers.get('content-security-policy'), `${request.method} ${request.url}`).toBe(CONTENT_SECURITY_POLICY);
    }
    // The scheme may not bypass it, and the page needs no inline script under it.
    expect(recorded.privilegedSchemes[0]?.privileges).not.toHaveProperty('bypassCSP');
    const page = fs.readFileSync(path.join(projectRoot, 'dist', 'renderer', 'index.html'), 'utf8');
    for (const script of page.match(/<script\b[^>]*>/g) ?? []) expect(script).toMatch(/\bsrc="/);
  });

  it('8. Do not enable allowRunningInsecureContent: no window allows it', () => {
    for (const preferences of everyWindowsPreferences()) expect(preferences.allowRunningInsecureContent).not.toBe(true);
  });

  it('9. Do not enable experimental features: no window enables them', () => {
    for (const preferences of everyWindowsPreferences()) expect(preferences.experimentalFeatures).not.toBe(true);
  });

  it('10. Do not use enableBlinkFeatures: no window names any Blink feature', () => {
    for (const preferences of everyWindowsPreferences()) expect(preferences).not.toHaveProperty('enableBlinkFeatures');
    for (const { file, text } of sourcesUnder('electron')) expect(text, file).not.toMatch(/enableBlinkFeatures|--enable-blink-features/);
  });

  it('11. <webview>: Do not use allowpopups: no window can hold a <webview>, and the UI writes none', () => {
    for (const preferences of everyWindowsPreferences()) expect(preferences.webviewTag).toBe(false);
    for (const { file, text } of sourcesUnder('renderer')) expect(text, file).not.toMatch(/<webview|allowpopups/i);
  });

  it('12. <webview>: Verify options and params: every web contents, whoever creates it, refuses to attach a <webview>', () => {
    // A contents main did not create (devtools, a future view) gets the same guards.
    const stray = Object.assign(new EventEmitter(), { setWindowOpenHandler: () => {}, getURL: () => 'https://example.org/' });
    recorded.app.emit('web-contents-created', {}, stray);
    for (const contents of [...recorded.windows.map((window) => window.webContents), stray]) {
      const attach = standInEvent({});
      contents.emit('will-attach-webview', attach, { nodeIntegration: true, webSecurity: false }, { src: 'https://example.org/', allowpopups: true });
      expect(attach.defaultPrevented).toBe(true);
    }
  });

  it('13. Disable or limit navigation: no window or frame leaves its page, and redirects are refused', () => {
    for (const window of recorded.windows) {
      const contents = window.webContents;
      for (const url of HOSTILE_AND_WEB_URLS) {
        const top = standInEvent({ url, isSameDocument: false, isMainFrame: true });
        contents.emit('will-navigate', top, url);
        expect(top.defaultPrevented, `will-navigate ${url}`).toBe(true);
        const frame = standInEvent({ url, isMainFrame: false });
        contents.emit('will-frame-navigate', frame);
        expect(frame.defaultPrevented, `will-frame-navigate ${url}`).toBe(url !== 'about:blank');
      }
      const redirect = standInEvent({ url: 'https://example.org/' });
      contents.emit('will-redirect', redirect);
      expect(redirect.defaultPrevented).toBe(true);
    }
  });

  it('14. Disable or limit creation of new windows: every request for a new window is denied', () => {
    for (const window of recorded.windows) {
      for (const url of [...HOSTILE_AND_WEB_URLS, storyWindowUrl(SAMPLE_ID)]) {
        expect(window.webContents.openHandler?.({ url }), url).toEqual({ action: 'deny' });
      }
    }
  });

  it('15. Do not use shell.openExternal with untrusted content: only plain http(s) links reach it, after isExternalWebUrl', () => {
    recorded.externalUrls.length = 0;
    const contents = libraryWindow.webContents;
    for (const url of HOSTILE_AND_WEB_URLS) {
      contents.openHandler?.({ url });
      contents.emit('will-navigate', standInEvent({ url, isSameDocument: false, isMainFrame: true }), url);
      contents.emit('will-frame-navigate', standInEvent({ url, isMainFrame: false }));
    }
    const webLinks = HOSTILE_AND_WEB_URLS.filter((url) => isExternalWebUrl(url));
    expect(webLinks).toEqual(['https://www.reuters.com/world/story/', 'http://example.org/page']);
    expect([...recorded.externalUrls].sort()).toEqual([...webLinks, ...webLinks, ...webLinks].sort());
    for (const url of recorded.externalUrls) expect(new URL(url).protocol).toMatch(/^https?:$/);
    // And the code calls it in one place: the guard's openExternal action.
    const callers = sourcesUnder('electron').flatMap(({ file, text }) => (text.match(/shell\.openExternal\(/g) ?? []).map(() => file));
    expect(callers).toEqual([path.join('electron', 'main', 'index.ts')]);
    for (const { file, text } of sourcesUnder('renderer')) expect(text, file).not.toMatch(/from 'electron'|openExternal/);
  });

  it('16. Use a current version of Electron: the installed Electron is the pinned one, major 41 or later (see the document: 41 is past its support)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const installed = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
    const pinnedMajor = Number(/(\d+)\./.exec(manifest.devDependencies.electron ?? '')?.[1]);
    const installedMajor = Number(installed.split('.')[0]);
    // 41 is the newest major whose package supports Node 20, the project's floor (docs/electron-security.md, item 16).
    expect(pinnedMajor).toBeGreaterThanOrEqual(41);
    expect(installedMajor).toBe(pinnedMajor);
  });

  it('17. Validate the sender of all IPC messages: every listener main registers refuses every untrusted sender', async () => {
    // Every registration is an invoke handler, one per API method: no `on` listener bypasses the check.
    expect(recorded.ipc.map(({ method }) => method)).toEqual(API_METHODS.map(() => 'handle'));
    expect(recorded.ipc.map(({ channel }) => channel)).toEqual(API_METHODS.map((method) => `storydesk:${method}`));
    const listStories = recorded.ipc.find(({ channel }) => channel === 'storydesk:listStories')?.listener;
    const trusted = { senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } };
    const before = (await listStories?.(trusted, {})) as { ok: boolean; value: unknown[] };
    expect(before.ok).toBe(true);

    for (const { channel, listener } of recorded.ipc) {
      for (const { what, senderFrame } of UNTRUSTED_SENDERS) {
        // A request that would change the library if it got through (createStory, importText, …).
        const answer = (await listener({ senderFrame }, { title: 'Planted by another page', id: SAMPLE_ID, text: 'x', format: 'html' })) as { ok: boolean; error?: { message: string } };
        expect(answer.ok, `${channel} from ${what}`).toBe(false);
        expect(answer.error?.message, `${channel} from ${what}`).toMatch(/was refused: the call did not come from a Storydesk window/);
      }
    }
    const after = (await listStories?.(trusted, {})) as { ok: boolean; value: unknown[] };
    expect(after).toEqual(before);
  });

  it('18. Avoid usage of the file:// protocol and prefer usage of custom protocols: the UI comes from app://, whose handler stays inside dist/renderer', async () => {
    for (const window of recorded.windows) expect(window.url.startsWith(`${APP_ORIGIN}/`), window.url).toBe(true);
    for (const { file, text } of sourcesUnder('electron')) expect(text, file).not.toMatch(/\.loadFile\(|loadURL\(\s*['"`]file:/);
    // Privileged as a standard, secure scheme and nothing more: no CSP bypass, no CORS, no service workers.
    expect(Object.keys(recorded.privilegedSchemes[0]?.privileges ?? {}).sort()).toEqual(['secure', 'standard', 'stream', 'supportFetchAPI']);
    const handle = recorded.protocolHandlers.get('app');
    const secret = fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8');
    for (const url of [
      `${APP_ORIGIN}/..%2fpackage.json`,
      `${APP_ORIGIN}/..%2f..%2fpackage.json`,
      `${APP_ORIGIN}/%2e%2e%2fpackage.json`,
      `${APP_ORIGIN}/..%5c..%5cpackage.json`,
      `${APP_ORIGIN}/%2fetc%2fpasswd`,
      `${APP_ORIGIN}/C:%5cWindows%5cwin.ini`,
      `${APP_ORIGIN}/index.html%00.png`,
      'app://elsewhere/package.json',
    ]) {
      const response = await handle?.(new Request(url));
      expect([400, 403, 404], url).toContain(response?.status);
      expect(await response?.text(), url).not.toBe(secret);
    }
    const page = await handle?.(new Request(`${APP_ORIGIN}/`));
    expect(await page?.text()).toBe(fs.readFileSync(path.join(projectRoot, 'dist', 'renderer', 'index.html'), 'utf8'));
  });

  it('19. Check which fuses you can change: the release build flips every security fuse, through electron-builder', () => {
    const config = JSON.parse(fs.readFileSync(path.join(projectRoot, 'build', 'electron-builder.json'), 'utf8')) as { asar: boolean; electronFuses: Record<string, boolean> };
    const scheme = JSON.parse(fs.readFileSync(path.join(projectRoot, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8')) as {
      properties: { electronFuses: { anyOf: { $ref?: string }[] } };
      definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
    };
    // electron-builder flips them itself (its `electronFuses` option), so every key must be one it knows.
    expect(scheme.properties.electronFuses.anyOf).toContainEqual({ $ref: '#/definitions/FuseOptionsV1' });
    for (const [key, value] of Object.entries(config.electronFuses)) {
      expect(Object.keys(scheme.definitions.FuseOptionsV1.properties), key).toContain(key);
      expect(typeof value, key).toBe('boolean');
    }
    // (toMatchObject: electron-builder's `resetAdHocDarwinSignature` option may sit beside them; see the document.)
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // Every fuse @electron/fuses (the one electron-builder uses) knows is decided, but the V8 snapshot one, which is about start-up, not security.
    const fuses = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'))('@electron/fuses') as { FuseV1Options: Record<string, string | number> };
    const known = Object.keys(fuses.FuseV1Options).filter((name) => Number.isNaN(Number(name)));
    const undecided = known.map((name) => name[0]?.toLowerCase() + name.slice(1)).filter((key) => !(key in config.electronFuses));
    expect(undecided).toEqual(['loadBrowserProcessSpecificV8Snapshot']);
    // The asar fuses need the app in an asar; RunAsNode off needs a main process that never forks.
    expect(config.asar).toBe(true);
    const main = fs.readFileSync(path.join(projectRoot, 'dist', 'main.js'), 'utf8');
    expect(main).not.toMatch(/child_process|ELECTRON_RUN_AS_NODE|\.fork\(/);
  });

  it('20. Do not expose Electron APIs to untrusted web content: the preload exposes the API’s methods and `on`, nothing of Electron', () => {
    const ipcRenderer = { invoke: vi.fn(async () => ({ ok: true, value: null })), on: vi.fn(), removeListener: vi.fn(), send: vi.fn(), sendSync: vi.fn() };
    const contextBridge = { exposeInMainWorld: vi.fn() };
    const electron = { contextBridge, ipcRenderer };
    const required: string[] = [];
    vm.runInContext(
      fs.readFileSync(path.join(projectRoot, 'dist', 'preload.cjs'), 'utf8'),
      vm.createContext({
        require: (name: string) => {
          required.push(name);
          if (name === 'electron') return electron;
          throw new Error(`a sandboxed preload cannot require ${name}`);
        },
        module: { exports: {} },
        exports: {},
      }),
      { filename: 'dist/preload.cjs' },
    );
    expect(required).toEqual(['electron']);
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [name, bridge] = contextBridge.exposeInMainWorld.mock.calls[0] as [string, Record<string, unknown>];
    expect(name).toBe('storydesk');
    expect(Object.keys(bridge).sort()).toEqual([...API_METHODS, 'on'].sort());
    const electronValues = new Set<unknown>([electron, contextBridge, ipcRenderer, ...Object.values(ipcRenderer)]);
    for (const [key, value] of Object.entries(bridge)) {
      expect(typeof value, key).toBe('function');
      expect(electronValues.has(value), key).toBe(false);
    }
    // A listener gets the payload, never Electron's event (whose `sender` is the ipcRenderer).
    const received: unknown[][] = [];
    (bridge.on as (event: string, listener: (...args: unknown[]) => void) => void)('story-changed', (...args) => received.push(args));
    const forward = ipcRenderer.on.mock.calls[0]?.[1] as (...args: unknown[]) => void;
    forward({ sender: ipcRenderer }, { storyId: SAMPLE_ID, change: 'saved' });
    expect(received).toEqual([[{ storyId: SAMPLE_ID, change: 'saved' }]]);
  });
});
