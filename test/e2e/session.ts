/**
 * The frame every browser test file shares: one Chromium for the file (the UI built first if a
 * bare `vitest run` finds none), a fresh library and server per test, and after each test the
 * check that no tab had a console error, an uncaught exception or a CSP violation.
 *
 * Call `workbenchSession()` at the top of a test file; it registers the hooks.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from '@playwright/test';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { PROJECT_ROOT, STATIC_ROOT, startWorkbench, type Workbench, type WorkbenchPage } from './workbench';

export interface WorkbenchSession {
  browser(): Browser;
  /** This test's library and server, made on first use. */
  library(): Promise<Workbench>;
  /** A new tab (its own browser context) on this test's library. */
  open(): Promise<WorkbenchPage>;
  /** A tab the page opened itself (a story's own tab), checked after the test like the others. */
  watch(tab: WorkbenchPage): WorkbenchPage;
}

export function workbenchSession(): WorkbenchSession {
  let browser: Browser | undefined;
  let workbench: Workbench | undefined;
  const tabs: WorkbenchPage[] = [];

  beforeAll(async () => {
    // `npm test` builds before it runs vitest; a bare `vitest run` may find no UI yet.
    if (!fs.existsSync(path.join(STATIC_ROOT, 'index.html'))) execFileSync(process.execPath, ['scripts/build.js'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    try {
      for (const tab of tabs) {
        expect(await tab.cspViolations()).toEqual([]);
        expect(tab.problems).toEqual([]);
      }
    } finally {
      tabs.length = 0;
      await workbench?.close();
      workbench = undefined;
    }
  });

  const session: WorkbenchSession = {
    browser() {
      if (!browser) throw new Error('the browser starts before the tests');
      return browser;
    },
    async library() {
      workbench ??= await startWorkbench(session.browser());
      return workbench;
    },
    async open() {
      return session.watch(await (await session.library()).openPage());
    },
    watch(tab) {
      tabs.push(tab);
      return tab;
    },
  };
  return session;
}
