/**
 * The workbench benchmark (browser mode, headless Chromium, a 10,000-story library): time from
 * opening the address until the library list is shown and answers a click, search-as-you-type
 * from the last keystroke to the results painted, and opening a story until its header shows.
 * Prints a table and writes bench-results/workbench.json. `npm run bench:workbench`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createService } from '../../electron/service';
import { createBrowserServer } from '../../electron/server/http';
import { launchChromium } from '../helpers/browser';
import { createBenchLibrary, DEFAULT_SEED } from './generate';
import { distributionOf, elapsedMs, startTimer } from './measure';
import { describeMachine, formatTable, writeReport, type BenchReport, type ResultRow } from './report';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS_FILE = path.join(PROJECT_ROOT, 'bench-results', 'workbench.json');
const STATIC_ROOT = path.join(PROJECT_ROOT, 'dist', 'renderer');
const STORIES = Number(process.env.STORYDESK_BENCH_STORIES ?? 10_000);
const ROUNDS = 5;
const SEARCH_TERMS = ['Warsaw', 'cyber', 'Kallas', 'defence industry', 'Yeon-doo'];

function log(message: string): void {
  console.error(`[bench] ${message}`);
}

function row(key: string, operation: string, samples: number[], targetMs: number): ResultRow {
  const measured = distributionOf(samples);
  return { key, operation, unit: 'ms', measured, target: { description: `p50 ≤ ${targetMs} ms`, met: measured.p50 <= targetMs } };
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
    try {
      for (let round = 0; round < ROUNDS + 1; round++) {
        const context = await browser.newContext();
        const page = await context.newPage();
        // Interactive: the list is painted and a click on a story lands (its pane answers).
        let start = startTimer();
        await page.goto(server.pageUrl);
        const first = page.locator('.story-list li.story-row button.story-open').first();
        await first.waitFor();
        const ready = elapsedMs(start);
        if (round > 0) interactive.push(ready);

        // Opening a story: click to its headline in the pane.
        start = startTimer();
        await first.click();
        await page.locator('h1').first().waitFor();
        if (round > 0) open.push(elapsedMs(start));

        // Search as you type: from the last keystroke to the first result painted (the list's
        // debounce is part of what an editor waits for).
        const box = page.getByPlaceholder('Search stories');
        const term = SEARCH_TERMS[round % SEARCH_TERMS.length] ?? 'Warsaw';
        await box.fill(term.slice(0, -1));
        await page.waitForTimeout(400);
        start = startTimer();
        await box.press(term.slice(-1));
        await page.locator('.story-list mark').first().waitFor();
        if (round > 0) search.push(elapsedMs(start));
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
    ];
    const machine = describeMachine();
    const report: BenchReport = { benchmark: 'workbench', date: new Date().toISOString(), machine, library: { stories: STORIES, seed: DEFAULT_SEED, rounds: ROUNDS }, rows, durationSeconds: elapsedMs(started) / 1000 };
    writeReport(RESULTS_FILE, report);
    console.log('');
    console.log(`Storydesk workbench benchmark — ${report.date.slice(0, 10)} — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
    console.log('');
    console.log(formatTable(rows));
    log(`results written to ${path.relative(PROJECT_ROOT, RESULTS_FILE)}; the run took ${report.durationSeconds.toFixed(0)} s`);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

await main();
