/**
 * The workbench benchmark (browser mode, headless Chromium, a 10,000-story library): time from
 * opening the address until the library list is shown and answers a click, search-as-you-type
 * from the last keystroke to the results painted, and opening a story until its headline shows
 * (and, for information, until its coverage review and finished page show beside it).
 * Prints a table and writes bench-results/workbench.json. `npm run bench:workbench`.
 *
 * Each figure is taken in the page, as an editor would feel it: from the input event's own time
 * (the key or the mouse button going down; for the first row, the start of the navigation) to the
 * first frame painted after the awaited thing appeared. The same three, timed from the driver
 * (Playwright) instead, are reported beside them: those add the driver's own round trips and its
 * actionability checks before a click (often 50–250 ms here), which no editor waits for.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { createService } from '../../electron/service';
import { createBrowserServer } from '../../electron/server/http';
import { launchChromium } from '../helpers/browser';
import { createBenchLibrary, DEFAULT_SEED } from './generate';
import { distributionOf, elapsedMs, startTimer } from './measure';
import { describeMachine, printReport, writeReport, type BenchReport, type ResultRow } from './report';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS_FILE = path.join(PROJECT_ROOT, 'bench-results', 'workbench.json');
const STATIC_ROOT = path.join(PROJECT_ROOT, 'dist', 'renderer');
const STORIES = Number(process.env.STORYDESK_BENCH_STORIES ?? 10_000);
const ROUNDS = Number(process.env.STORYDESK_BENCH_ROUNDS ?? 10);
const SEARCH_TERMS = ['Warsaw', 'cyber', 'Kallas', 'defence industry', 'Yeon-doo'];
const FIRST_ROW = '.story-list li.story-row button.story-open';

/**
 * Runs in the page before its own scripts: remembers when the last key or mouse button went
 * down, and when the first row of the list was first painted (ms since the navigation began).
 */
const RECORD_TIMES = `
  window.__lastInput = 0;
  for (const type of ['keydown', 'pointerdown']) addEventListener(type, (event) => { window.__lastInput = event.timeStamp; }, true);
  window.__painted = {};
  window.__watchPaint = (name, selector, text) => {
    const found = () => [...document.querySelectorAll(selector)].some((element) => text === undefined || element.textContent === text);
    const settle = () => requestAnimationFrame(() => setTimeout(() => { window.__painted[name] = performance.now(); }, 0));
    if (found()) return settle();
    const observer = new MutationObserver(() => {
      if (!found()) return;
      observer.disconnect();
      settle();
    });
    observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  };
  window.__watchPaint('list', ${JSON.stringify(FIRST_ROW)});
`;

interface PageTimes {
  __lastInput: number;
  __painted: Record<string, number>;
  __watchPaint: (name: string, selector: string, text?: string) => void;
}

/** Starts watching, in the page, for `selector` (with exactly `text`, if given) to be painted. */
async function watchPaint(page: Page, name: string, selector: string, text?: string): Promise<void> {
  await page.evaluate(([name, selector, text]) => (globalThis as unknown as PageTimes).__watchPaint(name as string, selector as string, text), [name, selector, text] as const);
}

/** When (page time) the watched thing was painted, once it has been. */
async function paintedAt(page: Page, name: string): Promise<number> {
  await page.waitForFunction((name) => (globalThis as unknown as PageTimes).__painted[name] !== undefined, name);
  return page.evaluate((name) => (globalThis as unknown as PageTimes).__painted[name] as number, name);
}

const lastInputAt = (page: Page) => page.evaluate(() => (globalThis as unknown as PageTimes).__lastInput);

function log(message: string): void {
  console.error(`[bench] ${message}`);
}

function row(key: string, operation: string, samples: number[], targetMs?: number): ResultRow {
  const measured = distributionOf(samples);
  return { key, operation, unit: 'ms', measured, ...(targetMs === undefined ? {} : { target: { description: `p50 ≤ ${targetMs} ms`, met: measured.p50 <= targetMs } }) };
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(STATIC_ROOT, 'index.html'))) throw new Error('the UI is not built: run `npm run build` first');
  const started = startTimer();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'storydesk-workbench-bench-'));
  try {
    log(`building ${STORIES.toLocaleString('en')} stories …`);
    const { store } = createBenchLibrary(path.join(folder, 'library.storydesk'), { storyCount: STORIES, seed: DEFAULT_SEED });
    const server = await createBrowserServer({ service: createService(store, { author: 'Benchmark' }), staticRoot: STATIC_ROOT });
    const browser = await launchChromium();
    const interactive: number[] = [];
    const search: number[] = [];
    const open: number[] = [];
    const openFull: number[] = [];
    const driver = { interactive: [] as number[], search: [] as number[], open: [] as number[] };
    try {
      for (let round = 0; round < ROUNDS + 1; round++) {
        const keep = round > 0;
        const context = await browser.newContext();
        await context.addInitScript(RECORD_TIMES);
        const page = await context.newPage();
        // Interactive: the list is painted and a click on a story lands (its pane answers).
        let start = startTimer();
        await page.goto(server.pageUrl);
        const first = page.locator(FIRST_ROW).first();
        await first.waitFor();
        if (keep) driver.interactive.push(elapsedMs(start));
        if (keep) interactive.push(await paintedAt(page, 'list'));

        // Opening a story: from the click to its own headline in the pane.
        const title = (await first.locator('.story-title').textContent()) ?? '';
        await watchPaint(page, 'open', 'h1', title);
        // And until its coverage review and finished page are there too (they follow the header).
        await watchPaint(page, 'open-full', '.story-pane .coverage .figures');
        start = startTimer();
        await first.click();
        await page.getByRole('heading', { level: 1, name: title, exact: true }).waitFor();
        if (keep) driver.open.push(elapsedMs(start));
        if (keep) open.push((await paintedAt(page, 'open')) - (await lastInputAt(page)));
        if (keep) openFull.push((await paintedAt(page, 'open-full')) - (await lastInputAt(page)));

        // Search as you type: from the last keystroke to the first highlighted result of the
        // whole term. The list says which query its results answer (data-query), so the answer
        // to the term without its last letter, already on screen, does not count.
        const box = page.getByPlaceholder('Search stories');
        const term = SEARCH_TERMS[round % SEARCH_TERMS.length] ?? 'Warsaw';
        await box.fill(term.slice(0, -1));
        await page.locator(`.story-list[data-query="${term.slice(0, -1)}"] mark`).first().waitFor();
        await page.waitForTimeout(400);
        await watchPaint(page, 'search', `.story-list[data-query="${term}"] mark`);
        start = startTimer();
        await box.press(term.slice(-1));
        await page.locator(`.story-list[data-query="${term}"] mark`).first().waitFor();
        if (keep) driver.search.push(elapsedMs(start));
        if (keep) search.push((await paintedAt(page, 'search')) - (await lastInputAt(page)));
        await context.close();
      }
    } finally {
      await browser.close();
      await server.close();
      store.close();
    }
    const rows = [
      row('ui-interactive', `library view interactive, ${STORIES.toLocaleString('en')} stories`, interactive, 1500),
      row('ui-search', 'search as you type, keystroke to results', search, 50),
      row('ui-open-story', 'open a story', open, 200),
      row('ui-open-story-full', '  the same, until its review and page show', openFull),
      row('ui-interactive-driver', '  the same, timed by the driver: interactive', driver.interactive),
      row('ui-search-driver', '  the same, timed by the driver: search', driver.search),
      row('ui-open-story-driver', '  the same, timed by the driver: open', driver.open),
    ];
    const machine = describeMachine();
    const report: BenchReport = { benchmark: 'workbench', date: new Date().toISOString(), machine, library: { stories: STORIES, seed: DEFAULT_SEED, rounds: ROUNDS }, rows, durationSeconds: elapsedMs(started) / 1000 };
    writeReport(RESULTS_FILE, report);
    printReport(report);
    log(`results written to ${path.relative(PROJECT_ROOT, RESULTS_FILE)}; the run took ${report.durationSeconds.toFixed(0)} s`);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

await main();
