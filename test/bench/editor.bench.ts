/**
 * The story editor benchmark (browser mode, headless Chromium, a library holding the huge story:
 * 300 sections, 400 sources, 1,000 timeline entries): typing latency in a section of the huge
 * story beside the same typing in a bare contenteditable page (the floor: what the browser itself
 * needs), opening the huge story until its headline and then its sections are painted, and the
 * coverage panel's refresh from the last keystroke until its figures are painted with the new
 * numbers. Prints a table and writes bench-results/editor.json. `npm run bench:editor`.
 *
 * Every figure is taken in the page, as workbench.bench.ts takes its own: from the input event's
 * own time (`event.timeStamp` of the key or mouse button going down) to a `requestAnimationFrame`
 * and then a task after it, i.e. the first frame painted after the change was in the page.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from '@playwright/test';
import { seedSampleStory } from '../../electron/library';
import { createService } from '../../electron/service';
import { createBrowserServer } from '../../electron/server/http';
import { LibraryStore } from '../../electron/store/store';
import { launchChromium } from '../helpers/browser';
import { createStoryGenerator, DEFAULT_SEED } from './generate';
import { distributionOf, elapsedMs, startTimer } from './measure';
import { describeMachine, printReport, writeReport, type BenchReport, type ResultRow } from './report';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS_FILE = path.join(PROJECT_ROOT, 'bench-results', 'editor.json');
const STATIC_ROOT = path.join(PROJECT_ROOT, 'dist', 'renderer');
const ROUNDS = Number(process.env.STORYDESK_BENCH_ROUNDS ?? 3);
/** Characters typed per round, for the latency rows. */
const TYPED = Number(process.env.STORYDESK_BENCH_TYPED ?? 200);
/** Pause between keys: a quick typist (about 120 words a minute). */
const KEY_DELAY_MS = 80;
/** Coverage refreshes timed per round. */
const REFRESHES = 6;
/** Words typed into the section: plain text, one sentence after another. */
const TYPED_TEXT = ' The delegations agreed to meet again in the spring and to publish a joint statement before then.';

/**
 * Runs in the page (and in the floor page) before its own scripts: the time of the last key or
 * mouse button going down, paint watchers as in workbench.bench.ts, and, while `__typing` is an
 * array, each key's latency from its keydown to the first frame painted after it.
 */
const RECORD_TIMES = `
  window.__lastInput = 0;
  window.__typing = null;
  for (const type of ['keydown', 'pointerdown']) addEventListener(type, (event) => { window.__lastInput = event.timeStamp; }, true);
  addEventListener('keydown', (event) => {
    const samples = window.__typing;
    if (!samples) return;
    const start = event.timeStamp;
    requestAnimationFrame(() => setTimeout(() => samples.push(performance.now() - start), 0));
  }, true);
  window.__painted = {};
  window.__watchPaint = (name, selector, text) => {
    delete window.__painted[name];
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
`;

interface PageTimes {
  __lastInput: number;
  __typing: number[] | null;
  __painted: Record<string, number>;
  __watchPaint: (name: string, selector: string, text?: string) => void;
}

async function watchPaint(page: Page, name: string, selector: string, text?: string): Promise<void> {
  await page.evaluate(([name, selector, text]) => (globalThis as unknown as PageTimes).__watchPaint(name as string, selector as string, text), [name, selector, text] as const);
}

async function paintedAt(page: Page, name: string): Promise<number> {
  await page.waitForFunction((name) => (globalThis as unknown as PageTimes).__painted[name] !== undefined, name, { timeout: 60_000 });
  return page.evaluate((name) => (globalThis as unknown as PageTimes).__painted[name] as number, name);
}

const lastInputAt = (page: Page) => page.evaluate(() => (globalThis as unknown as PageTimes).__lastInput);

/** Types `text` a key at a time into what has the focus and returns each key's latency. */
async function typeAndTime(page: Page, text: string): Promise<number[]> {
  await page.evaluate(() => {
    (globalThis as unknown as PageTimes).__typing = [];
  });
  await page.keyboard.type(text, { delay: KEY_DELAY_MS });
  // The last key's frame.
  await page.waitForFunction((count) => ((globalThis as unknown as PageTimes).__typing?.length ?? 0) >= count, text.length);
  return page.evaluate(() => {
    const recorded = globalThis as unknown as PageTimes;
    const samples = recorded.__typing ?? [];
    recorded.__typing = null;
    return samples;
  });
}

function typedText(): string {
  let text = '';
  while (text.length < TYPED) text += TYPED_TEXT;
  return text.slice(0, TYPED);
}

function log(message: string): void {
  console.error(`[bench] ${message}`);
}

function row(key: string, operation: string, samples: number[], target?: { description: string; met: (measured: ReturnType<typeof distributionOf>) => boolean }): ResultRow {
  const measured = distributionOf(samples);
  return { key, operation, unit: 'ms', measured, ...(target ? { target: { description: target.description, met: target.met(measured) } } : {}) };
}

/** The floor: the same typing in a page that holds nothing but a contenteditable paragraph. */
async function typeInBarePage(browser: Browser): Promise<number[]> {
  const context = await browser.newContext();
  try {
    await context.addInitScript(RECORD_TIMES);
    const page = await context.newPage();
    const html = '<!doctype html><div contenteditable="true" style="font: 16px/1.5 sans-serif; max-width: 40rem"><p>South Korea and Poland met in Warsaw.</p></div>';
    await page.goto(`data:text/html,${encodeURIComponent(html)}`);
    await page.locator('[contenteditable]').click();
    await page.keyboard.press('Control+End');
    return await typeAndTime(page, typedText());
  } finally {
    await context.close();
  }
}

/** A library with the sample story and the huge one, in `folder`. */
function createHugeStoryLibrary(file: string): { store: LibraryStore; title: string; counts: Record<string, number> } {
  const huge = createStoryGenerator({ seed: DEFAULT_SEED }).hugeStory();
  const store = LibraryStore.open(file, {
    seed: (created) => {
      seedSampleStory(created);
      created.insertStory(huge, { author: 'Benchmark', summary: 'Generated' });
    },
  });
  return { store, title: huge.title, counts: { sections: huge.sections.length, sources: huge.sources.length, timelineEntries: huge.timeline.length } };
}

/** The "Sentences cited" figure, the first of the coverage panel's figures. */
const SENTENCES_FIGURE = '.story-side .coverage .figures > div:first-child dd';
const FIRST_SECTION_TEXT = '[aria-label="Section 1 text"]';

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(STATIC_ROOT, 'index.html'))) throw new Error('the UI is not built: run `npm run build` first');
  const started = startTimer();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'storydesk-editor-bench-'));
  try {
    log('building the library with the huge story …');
    const { store, title, counts } = createHugeStoryLibrary(path.join(folder, 'library.storydesk'));
    const server = await createBrowserServer({ service: createService(store, { author: 'Benchmark' }), staticRoot: STATIC_ROOT });
    const browser = await launchChromium();
    const floor: number[] = [];
    const typing: number[] = [];
    const openHeadline: number[] = [];
    const openSections: number[] = [];
    const openFull: number[] = [];
    const refresh: number[] = [];
    try {
      for (let round = 0; round < ROUNDS + 1; round++) {
        const keep = round > 0;
        log(`round ${round}${keep ? '' : ' (warm-up, not counted)'} …`);
        const bare = await typeInBarePage(browser);
        if (keep) floor.push(...bare);

        const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
        await context.addInitScript(RECORD_TIMES);
        const page = await context.newPage();
        await page.goto(server.pageUrl);
        const open = page.locator('.story-list li.story-row', { has: page.locator('.story-title', { hasText: title }) }).locator('button.story-open');
        await open.waitFor();

        // Opening: from the click to the headline, to the first section's editor, and to the
        // coverage figures (the review and the page follow the header).
        await watchPaint(page, 'headline', 'h1', title);
        await watchPaint(page, 'sections', FIRST_SECTION_TEXT);
        await watchPaint(page, 'full', '.story-side .coverage .figures');
        await open.click();
        const clickedAt = await lastInputAt(page);
        if (keep) {
          openHeadline.push((await paintedAt(page, 'headline')) - clickedAt);
          openSections.push((await paintedAt(page, 'sections')) - clickedAt);
          openFull.push((await paintedAt(page, 'full')) - clickedAt);
        } else {
          await paintedAt(page, 'full');
        }
        await page.locator('.story-side .coverage').getByRole('heading', { name: 'Coverage' }).waitFor();
        await page.waitForTimeout(1_000);

        // Typing at the end of the first section's text.
        const body = page.locator(FIRST_SECTION_TEXT);
        await body.click();
        await page.keyboard.press('Control+End');
        const latencies = await typeAndTime(page, typedText());
        if (keep) typing.push(...latencies);

        // The coverage panel: a new sentence without a citation counts once its first letter is
        // typed; from that key going down to the figure painted with one sentence more.
        await page.keyboard.type('.');
        for (let refreshIndex = 0; refreshIndex < REFRESHES; refreshIndex++) {
          await page.keyboard.type(' ');
          await page.waitForTimeout(600);
          const before = (await page.locator(SENTENCES_FIGURE).textContent()) ?? '';
          const [cited, total] = before.split('/').map(Number);
          if (cited === undefined || total === undefined || Number.isNaN(total)) throw new Error(`cannot read the sentences figure: ${JSON.stringify(before)}`);
          await watchPaint(page, 'refresh', SENTENCES_FIGURE, `${cited}/${total + 1}`);
          await page.keyboard.press('N');
          const pressedAt = await lastInputAt(page);
          const paintedTime = await paintedAt(page, 'refresh');
          if (keep) refresh.push(paintedTime - pressedAt);
          await page.keyboard.type('othing else was said.', { delay: KEY_DELAY_MS });
        }
        await context.close();
      }
    } finally {
      await browser.close();
      await server.close();
      store.close();
    }

    const floorRow = row('typing-floor', 'typing, bare contenteditable page (floor)', floor);
    const typingRow = row('typing', 'typing in a section of the huge story', typing, { description: 'p95 ≤ 16 ms', met: (measured) => measured.p95 <= 16 });
    typingRow.floor = { description: 'the same keys in a bare contenteditable page', measured: floorRow.measured };
    typingRow.ratio = typingRow.measured.p50 / floorRow.measured.p50;
    const rows = [
      typingRow,
      floorRow,
      row('open-huge-headline', 'open the huge story: headline painted', openHeadline),
      row('open-huge-editor', '  the same, until its sections are shown', openSections, { description: 'p50 ≤ 500 ms', met: (measured) => measured.p50 <= 500 }),
      row('open-huge-full', '  the same, until its review shows', openFull),
      row('coverage-refresh', 'coverage panel refresh after the last key', refresh, { description: 'p50 ≤ 100 ms', met: (measured) => measured.p50 <= 100 }),
    ];
    const machine = describeMachine();
    const report: BenchReport = {
      benchmark: 'editor',
      date: new Date().toISOString(),
      machine,
      library: { seed: DEFAULT_SEED, hugeStory: counts, rounds: ROUNDS, typedPerRound: TYPED, keyDelayMs: KEY_DELAY_MS, refreshesPerRound: REFRESHES },
      rows,
      durationSeconds: elapsedMs(started) / 1000,
    };
    writeReport(RESULTS_FILE, report);
    printReport(report);
    log(`results written to ${path.relative(PROJECT_ROOT, RESULTS_FILE)}; the run took ${report.durationSeconds.toFixed(0)} s`);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

await main();
