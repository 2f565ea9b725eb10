// The library list of a library too long for one screen (350 stories, more than one page of the
// list), in browser mode in headless Chromium: only the rows near the screen are in the page, yet
// an editor scrolls to the last story, walks the list with the arrow keys, Home and End, finds a
// story far down by searching, and assistive technology still hears a list of all of them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService } from '../electron/service';
import { createBrowserServer, type BrowserServer } from '../electron/server/http';
import type { LibraryStore } from '../electron/store/store';
import type { StorySummary } from '../shared/model';
import { createBenchLibrary } from './bench/generate';
import { launchChromium } from './helpers/browser';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const staticRoot = path.join(projectRoot, 'dist', 'renderer');
const STORY_COUNT = 350;

/** Collects CSP violations in the page itself, before any of its scripts run. */
const RECORD_CSP_VIOLATIONS = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || '(inline)'));
  });
`;

/** Runs in the page: the list row (its place in the list, its story) holding the keyboard focus. */
function focusedRow(): { position: string | null; storyId: string | null } | null {
  const active = (globalThis as unknown as { document: { activeElement: { closest(selector: string): { getAttribute(name: string): string | null } | null } | null } }).document.activeElement;
  const row = active?.closest('li.story-row');
  return row ? { position: row.getAttribute('aria-posinset'), storyId: row.getAttribute('data-story-id') } : null;
}

describe('a library list longer than the screen', () => {
  let libraryFolder: string;
  let store: LibraryStore;
  let listed: StorySummary[];
  let server: BrowserServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    // `npm test` builds before it runs vitest; a bare `vitest run` may find no UI yet.
    if (!fs.existsSync(path.join(staticRoot, 'index.html'))) {
      execFileSync(process.execPath, ['scripts/build.js'], { cwd: projectRoot, stdio: 'inherit' });
    }
    libraryFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'storydesk-library-list-e2e-'));
    store = createBenchLibrary(path.join(libraryFolder, 'library.storydesk'), { storyCount: STORY_COUNT }).store;
    listed = store.listStories();
    server = await createBrowserServer({ service: createService(store, { author: 'Editor' }), staticRoot, log: () => undefined });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    await context.addInitScript(RECORD_CSP_VIOLATIONS);
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(server.pageUrl);
    await rows().first().waitFor();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    store?.close();
    if (libraryFolder) fs.rmSync(libraryFolder, { recursive: true, force: true });
  });

  const list = () => page.getByRole('region', { name: 'Stories', exact: true });
  const rows = () => page.locator('.story-list li.story-row');
  const rowOf = (story: StorySummary): Locator => page.locator(`.story-list li.story-row[data-story-id="${story.id}"]`);
  const scrollListTo = (where: 'top' | 'bottom') =>
    list().evaluate((element, where) => element.scrollTo({ top: where === 'top' ? 0 : element.scrollHeight }), where);

  it('puts only the rows near the screen in the page, each with its place in the whole list', async () => {
    expect(listed).toHaveLength(STORY_COUNT);
    const count = await rows().count();
    expect(count).toBeGreaterThan(5);
    expect(count).toBeLessThan(60);
    const first = rows().first();
    expect(await first.getAttribute('data-story-id')).toBe(listed[0]?.id);
    expect(await first.getAttribute('aria-posinset')).toBe('1');
    expect(await list().locator('ul').count()).toBe(1);
  });

  it('shows later rows as the list scrolls, loading the next page, down to the last story', async () => {
    const last = listed.at(-1);
    if (!last) throw new Error('the library is empty');
    // The first page holds 200 stories; scrolling to its end loads the rest.
    await expect
      .poll(
        async () => {
          await scrollListTo('bottom');
          return rowOf(last).isVisible();
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    expect(await rowOf(last).getAttribute('aria-posinset')).toBe(String(STORY_COUNT));
    expect(await rowOf(last).getAttribute('aria-setsize')).toBe(String(STORY_COUNT));
    expect(await rowOf(last).locator('.story-title').textContent()).toBe(last.title || 'Untitled story');
    expect(await rows().count()).toBeLessThan(60);
    await scrollListTo('top');
    await rowOf(listed[0] as StorySummary).waitFor();
  });

  it('moves the focus with the arrow keys through rows beyond the first screen, and with Home and End to the ends', async () => {
    // A fresh page holds the first page of the list only: End has to load the rest first.
    await page.reload();
    await rows().first().waitFor();
    expect(await rows().first().getAttribute('aria-setsize')).toBe('-1');
    await rows().first().locator('button.story-open').focus();
    for (let step = 0; step < 40; step++) await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(focusedRow)).toEqual({ position: '41', storyId: listed[40]?.id });
    await expect.poll(() => rowOf(listed[40] as StorySummary).isVisible()).toBe(true);
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate(focusedRow)).toEqual({ position: '40', storyId: listed[39]?.id });

    await page.keyboard.press('End');
    await expect.poll(() => page.evaluate(focusedRow)).toEqual({ position: String(STORY_COUNT), storyId: listed.at(-1)?.id });
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(focusedRow)).toEqual({ position: String(STORY_COUNT), storyId: listed.at(-1)?.id });
    await page.keyboard.press('Home');
    expect(await page.evaluate(focusedRow)).toEqual({ position: '1', storyId: listed[0]?.id });
    await expect.poll(() => rowOf(listed[0] as StorySummary).isVisible()).toBe(true);
  });

  it('keeps the focused row when the list scrolls far away from it, so the focus is not lost', async () => {
    await rows().first().locator('button.story-open').focus();
    await scrollListTo('bottom');
    await expect.poll(() => rowOf(listed.at(-1) as StorySummary).isVisible()).toBe(true);
    expect(await page.evaluate(focusedRow)).toEqual({ position: '1', storyId: listed[0]?.id });
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(focusedRow)).toEqual({ position: '2', storyId: listed[1]?.id });
    await scrollListTo('top');
  });

  it('finds a story from far down the list as the editor types, shows the results from the top, and opens it', async () => {
    const wanted = listed[STORY_COUNT - 20] as StorySummary;
    // Its title finds it among the first answer's 30 hits (else this test would prove nothing).
    expect(store.searchStories(wanted.title, { limit: 30 }).map((hit) => hit.story.id)).toContain(wanted.id);
    await list().evaluate((element) => element.scrollTo({ top: element.scrollHeight / 2 }));
    const box = page.getByLabel('Search the library');
    await box.click();
    await page.keyboard.type(wanted.title, { delay: 5 });
    const results = page.getByRole('region', { name: 'Search results' });
    // The answers to the title's first letters show while it is typed; then the whole title's.
    await expect.poll(() => results.getAttribute('data-query')).toBe(wanted.title);
    // The results start at the top, wherever the list was scrolled to.
    expect(await results.evaluate((element) => element.scrollTop)).toBe(0);
    const hit = results.locator(`li.story-row[data-story-id="${wanted.id}"]`);
    await hit.waitFor();
    expect(await hit.locator('mark').count()).toBeGreaterThan(0);
    await hit.locator('button.story-open').click();
    await page.getByRole('heading', { level: 1, name: wanted.title, exact: true }).waitFor();
    await box.fill('');
    await list().waitFor();
  });

  it('has no serious or critical accessibility violations (axe) with the list scrolled half way', async () => {
    await list().evaluate((element) => element.scrollTo({ top: element.scrollHeight / 2 }));
    await expect.poll(async () => Number(await rows().first().getAttribute('aria-posinset'))).toBeGreaterThan(50);
    const results = await new AxeBuilder({ page }).exclude('iframe').analyze();
    const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    expect(serious.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`)).toEqual([]);
  });

  it('ran without console errors, page errors or CSP violations', async () => {
    expect(await page.evaluate(() => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
    expect(problems).toEqual([]);
    expect(await page.locator('.notice').count()).toBe(0);
  });
});
