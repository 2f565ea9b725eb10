// The workbench UI as an editor meets it in browser mode: the built renderer (dist/renderer) served
// by the real server over a fresh library, driven in headless Chromium. Each test does what an
// editor does (search, create, trash and restore, open a story) and checks what the editor sees;
// afterwards, no console error and no Content-Security-Policy violation may have happened.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibraryService } from '../electron/library';
import { createBrowserServer, type BrowserServer } from '../electron/server/http';
import type { LibraryStore } from '../electron/store/store';
import { launchChromium } from './helpers/browser';
import { sampleStory } from './helpers/library';
import AxeBuilder from '@axe-core/playwright';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const staticRoot = path.join(projectRoot, 'dist', 'renderer');
const SAMPLE_TITLE = sampleStory().title;

interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
}

/** Collects CSP violations in the page itself, where they happen, before any of its scripts run. */
const RECORD_CSP_VIOLATIONS = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || '(inline)'));
  });
`;

/** Runs in the page (the test's types have no DOM): whether `element` has the keyboard focus. */
function hasFocus(element: unknown): boolean {
  return element === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement;
}

describe('the workbench in browser mode', () => {
  let libraryFolder: string;
  let store: LibraryStore;
  let server: BrowserServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: PageProblems = { consoleErrors: [], pageErrors: [] };

  beforeAll(async () => {
    // `npm test` builds before it runs vitest; a bare `vitest run` may find no UI yet.
    if (!fs.existsSync(path.join(staticRoot, 'index.html'))) {
      execFileSync(process.execPath, ['scripts/build.js'], { cwd: projectRoot, stdio: 'inherit' });
    }
    // Not freshLibraryPath(): its folder is removed after each test, and this library lives for the file.
    libraryFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'storydesk-renderer-e2e-'));
    const opened = openLibraryService(path.join(libraryFolder, 'library.storydesk'));
    store = opened.store;
    server = await createBrowserServer({ service: opened.service, staticRoot });
    browser = await launchChromium();
    context = await browser.newContext();
    await context.addInitScript(RECORD_CSP_VIOLATIONS);
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => problems.pageErrors.push(error.message));
    await page.goto(server.pageUrl);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    store?.close();
    if (libraryFolder) fs.rmSync(libraryFolder, { recursive: true, force: true });
  });

  const storyList = () => page.locator('.story-list');
  const row = (title: string) => storyList().locator('li.story-row', { has: page.locator('.story-title', { hasText: title }) });

  it('lists the sample story, and takes the token out of the address bar', async () => {
    await row(SAMPLE_TITLE).waitFor();
    expect(page.url()).not.toContain('token');
    await expect.poll(() => row(SAMPLE_TITLE).locator('.story-meta').textContent()).toContain('6 sources');
  });

  it('finds the sample as the editor types, with the match highlighted', async () => {
    await page.getByLabel('Search the library').fill('Yeon-doo');
    await page.getByRole('region', { name: 'Search results' }).waitFor();
    const hit = row(SAMPLE_TITLE);
    await hit.locator('mark').first().waitFor();
    expect(await hit.locator('mark').first().textContent()).toMatch(/Yeon.doo/);
    await page.getByLabel('Search the library').fill('');
    await page.getByRole('region', { name: 'Stories' }).waitFor();
  });

  it('creates a story, trashes it, finds it in the trash and restores it', async () => {
    await page.getByLabel('New story title').fill('Budget talks resume');
    await page.getByLabel('New story feed').fill('Economy');
    await page.getByRole('button', { name: 'Create' }).click();
    await row('Budget talks resume').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Budget talks resume' }).waitFor();

    await page.getByRole('button', { name: 'Move to trash' }).click();
    await row('Budget talks resume').waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Trash', exact: true }).click();
    const trashed = row('Budget talks resume');
    await trashed.waitFor();
    await trashed.getByRole('button', { name: 'Restore' }).click();
    await trashed.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Stories', exact: true }).click();
    await row('Budget talks resume').waitFor();
  });

  it('opens a story from the keyboard and shows its coverage and its finished page', async () => {
    const sampleButton = row(SAMPLE_TITLE).locator('button.story-open');
    // Arrow keys move through the list; Enter opens the story that has focus.
    await storyList().locator('button.story-open').first().focus();
    for (let step = 0; step < 5 && !(await sampleButton.evaluate(hasFocus)); step++) {
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: SAMPLE_TITLE }).waitFor();

    const coverage = page.getByRole('region', { name: 'Coverage' });
    await coverage.waitFor();
    const sentences = coverage.locator('dt', { hasText: 'Sentences cited' }).locator('xpath=following-sibling::dd[1]');
    expect(await sentences.textContent()).toBe('15/15');
    expect(await coverage.locator('.counts').textContent()).toContain('18 blockers');
    expect(await coverage.locator('details.severity-blocker li').count()).toBe(18);

    const preview = page.frameLocator('iframe[title="Page preview"]');
    await expect.poll(() => preview.locator('h1').first().textContent(), { timeout: 10_000 }).toBe(SAMPLE_TITLE);
    expect(await page.locator('iframe[title="Page preview"]').getAttribute('sandbox')).toBe('');
  });

  it('has no serious or critical accessibility violations (axe), in light and in dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      // The preview frame is the exported page, scanned on its own by the export's tests; it runs no script for axe.
      const results = await new AxeBuilder({ page }).exclude('iframe').analyze();
      const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
      expect(serious.map((violation) => `${colorScheme}: ${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`)).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: null });
  });

  it('ran without console errors or CSP violations', async () => {
    const violations = await page.evaluate(() => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations);
    expect(violations).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors).toEqual([]);
    expect(await page.locator('.notice').count()).toBe(0);
  });
});
