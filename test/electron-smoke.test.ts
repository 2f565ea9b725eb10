/**
 * The desktop app itself, started through Playwright's Electron driver: the library window
 * opens on app://storydesk/ with the sample library, the page sees `window.storydesk` and
 * nothing of Node, and a story opens in its own window. It runs wherever the Electron binary and
 * the SQLite driver built for it are installed (scripts/install-electron.js), and is skipped,
 * saying why, where they are not (machines whose only network is the npm registry).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, type ElectronApplication } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS } from '../shared/api';
import type { StorydeskBridge } from '../electron/preload-api';
import { electronBinaryPath, hasElectronDriver } from '../scripts/install-electron.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const SAMPLE_ID = 'sample-korea-poland-security-dialogue';

const electronBinary = electronBinaryPath();
const electronBinaryExists = electronBinary !== undefined;
const driverExists = hasElectronDriver();
/** Linux needs a display server for a window, even an invisible one (xvfb-run provides one). */
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const canRun = electronBinaryExists && driverExists && hasDisplay;

const skipReason = !electronBinaryExists
  ? 'skipped: the Electron binary is not installed (download failed or skipped)'
  : !driverExists
    ? 'skipped: better-sqlite3 built for Electron is not installed (build/native/electron; its download or compile failed)'
    : !hasDisplay
      ? 'skipped: no display to open a window on (run the tests under xvfb-run)'
      : '';
if (!canRun) {
  const remedy = electronBinaryExists && driverExists ? 'Run it under xvfb-run.' : 'Run `node scripts/install-electron.js` with internet access to run it.';
  console.log(`test/electron-smoke.test.ts ${skipReason}. ${remedy}`);
}

/** What the page sees: `window.storydesk`, and whether any Node reached it. */
interface PageGlobals {
  storydesk: StorydeskBridge;
  process?: unknown;
  require?: unknown;
  location: { href: string };
  open: (url: string) => unknown;
}
const page = () => globalThis as unknown as PageGlobals;

/** A test's name, with the reason it is skipped when it is. */
const named = (name: string) => (canRun ? name : `${name} (${skipReason})`);

describe('the desktop app', () => {
  let app: ElectronApplication | undefined;
  let home: string;

  beforeAll(async () => {
    if (!canRun || !electronBinary) return;
    const build = spawnSync(process.execPath, ['scripts/build.js'], { cwd: projectRoot, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`node scripts/build.js failed: ${build.stderr}`);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'storydesk-electron-smoke-'));
    const args = [path.join(projectRoot, 'dist', 'main.js'), '--library', path.join(home, 'desk.storydesk')];
    // Chromium refuses its sandbox to root (containers); a desktop user keeps it.
    if (process.getuid?.() === 0) args.unshift('--no-sandbox');
    app = await electron.launch({
      executablePath: electronBinary,
      args,
      cwd: projectRoot,
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), APPDATA: path.join(home, 'AppData'), ELECTRON_RUN_AS_NODE: '' },
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it.skipIf(!canRun)(named('opens the library window on app://storydesk/ with the API and no Node'), async () => {
    if (!app) throw new Error('the app did not start');
    const window = await app.firstWindow();
    expect(window.url()).toBe('app://storydesk/index.html');
    expect(await window.evaluate(() => Object.keys(page().storydesk).sort())).toEqual([...API_METHODS, 'on'].sort());
    expect(await window.evaluate(() => [typeof page().process, typeof page().require])).toEqual(['undefined', 'undefined']);
    const stories = await window.evaluate(() => page().storydesk.listStories({}));
    expect(stories.map((story) => story.id)).toEqual([SAMPLE_ID]);
    const refusal = await window.evaluate(() => page().storydesk.getStory({ id: 'no-such-story' }).then(() => undefined, (payload: unknown) => payload));
    expect(refusal).toMatchObject({ code: 'not-found' });
    const policy = await window.evaluate(async () => (await fetch(page().location.href)).headers.get('content-security-policy'));
    expect(policy).toContain("script-src 'self'");
    // The workbench itself: the library lists the sample story.
    await window.getByRole('navigation', { name: 'Library' }).getByText(/South Korea and Poland/).first().waitFor();


    // Navigation away is denied (a file: address is not even handed to the system).
    await window.evaluate(() => {
      page().location.href = 'file:///etc/hostname';
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(window.url()).toBe('app://storydesk/index.html');
  });

  it.skipIf(!canRun)(named('opens a story in its own window, once'), async () => {
    if (!app) throw new Error('the app did not start');
    const window = await app.firstWindow();
    const opened = app.waitForEvent('window');
    await window.evaluate((url) => void page().open(url), `app://storydesk/index.html?story=${SAMPLE_ID}`);
    const storyWindow = await opened;
    expect(storyWindow.url()).toBe(`app://storydesk/index.html?story=${SAMPLE_ID}`);
    // The story's window shows that story alone, ready to edit.
    await storyWindow.getByRole('main', { name: 'Story' }).getByRole('heading', { level: 1, name: /South Korea and Poland/ }).waitFor();
    expect(await storyWindow.getByRole('navigation', { name: 'Library' }).count()).toBe(0);
    await window.evaluate((url) => void page().open(url), `app://storydesk/index.html?story=${SAMPLE_ID}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(app.windows()).toHaveLength(2);
  });
});
