/**
 * `npm run bench`: times the library store on a generated 10,000-story library, each operation
 * beside its floor (the raw better-sqlite3 statement doing the least equivalent work on the same
 * data), checks the targets that docs/benchmarks.md explains, prints a table and writes
 * bench-results/store.json. It is a script, not a test: a missed target is reported, not thrown.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { openLibrary } from '../../electron/library';
import { createService } from '../../electron/service';
import { QUICK_CHECK_LIMIT_BYTES } from '../../electron/store/library-file';
import { buildMatchQuery } from '../../electron/store/search';
import type { LibraryStore } from '../../electron/store/store';
import type { ApiHandlers } from '../../shared/api';
import type { Story } from '../../shared/model';
import { createBenchLibrary, createStoryGenerator, DEFAULT_SEED, deriveSeed, SeededRandom, type StoryGenerator } from './generate';
import { distributionOf, elapsedMs, repeat, repeatAsync, Samples, startTimer, timed, timedAsync, type Distribution } from './measure';
import { describeMachine, formatTable, singleValue, writeReport, type BenchReport, type ResultRow } from './report';
import type { ProbeResult } from './rss-probe';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS_FILE = path.join(PROJECT_ROOT, 'bench-results', 'store.json');
const PROBE_SCRIPT = path.join(PROJECT_ROOT, 'test', 'bench', 'rss-probe.ts');
const STORY_COUNT = 10_000;
/** Stories in the second, smaller library: just under the 8 MiB quick_check limit. */
const CHECKED_LIBRARY_STORIES = 400;
const SEED = DEFAULT_SEED;
const EDIT = { author: 'Benchmark', summary: 'Edited a sentence' };

/** The targets of the benchmark issue; docs/benchmarks.md says what each row means. */
const TARGETS = {
  listRatio: 1.5,
  getStoryP50Ms: 0.1,
  saveRatio: 5,
  saveP99Ms: 5,
  searchRatio: 2,
  openAndListMs: 100,
  peakRssMB: 200,
};

const LIST_FLOOR_SQL =
  'SELECT id, slug, title, feed, status, revision, created_at, updated_at, source_count, trashed_at FROM stories WHERE trashed_at IS NULL ORDER BY updated_at DESC, id';
const CONTENT_FLOOR_SQL =
  'SELECT revisions.content FROM stories JOIN revisions ON revisions.story_id = stories.id AND revisions.revision = stories.revision WHERE stories.id = ?';
const SEARCH_FLOOR_SQL = 'SELECT rowid FROM story_search WHERE story_search MATCH ? ORDER BY rank LIMIT 20';
const UPDATE_FLOOR_SQL = 'UPDATE stories SET title = ? WHERE id = ?';
/** One plain UPDATE that writes a story's content (its JSON, about 8 KB): the least a save of it can write. */
const CONTENT_UPDATE_FLOOR_SQL = 'UPDATE revisions SET content = ? WHERE id = ?';

/** What editors type: common and rare words, prefixes while typing, two-word queries, the seed's Unicode. */
const SEARCH_TERMS: readonly { typed: string; kind: string }[] = [
  { typed: 'security', kind: 'common word, as a prefix (still typing)' },
  { typed: 'security ', kind: 'common word, whole (typed a space)' },
  { typed: 'Korea', kind: 'common' },
  { typed: 'dialogue', kind: 'common' },
  { typed: 'long\u2011term', kind: 'common, U+2011 inside' },
  { typed: 'percent', kind: 'common, after U+202F' },
  { typed: 'Warsaw', kind: 'medium' },
  { typed: 'Yeon\u2011doo', kind: 'medium, a name with U+2011' },
  { typed: 'Ku', kind: 'two-letter prefix' },
  { typed: 'dip', kind: 'three-letter prefix' },
  { typed: 'fisheries Oslo', kind: 'two terms' },
  { typed: 'export controls', kind: 'two terms' },
  { typed: 'battery recyc', kind: 'word and prefix' },
  { typed: 'O\u2019Neill', kind: 'rare, U+2019 inside' },
  { typed: 'Żółkiewska', kind: 'rare, diacritics' },
  { typed: 'olafsdottir', kind: 'rare, typed without accents' },
  { typed: 'amber heron', kind: 'rare phrase (a code name)' },
  { typed: 'quixotic', kind: 'no match' },
];

function log(message: string): void {
  console.log(`[bench] ${message}`);
}

/** A row comparing the store's samples with the floor's: the ratio is of the two p50s. */
function againstFloor(
  row: { key: string; operation: string },
  measured: Distribution,
  floor: { description: string; measured: Distribution },
  target?: { description: string; met: (measured: Distribution, ratio: number) => boolean },
  details?: Record<string, unknown>,
): ResultRow {
  const ratio = measured.p50 / floor.measured.p50;
  return {
    ...row,
    unit: 'ms',
    measured,
    floor,
    ratio,
    ...(target ? { target: { description: target.description, met: target.met(measured, ratio) } } : {}),
    ...(details ? { details } : {}),
  };
}

/** Runs `first` and `second` in turn, swapping who goes first each round, so neither always finds the cache warmed by the other. */
function alternate(index: number, first: () => void, second: () => void): void {
  if (index % 2 === 0) {
    first();
    second();
  } else {
    second();
    first();
  }
}

// ---------------------------------------------------------------------------------------------
// 1. List

function benchList(store: LibraryStore): ResultRow {
  const floorStatement = store.db.prepare(LIST_FLOOR_SQL);
  const measured = new Samples();
  const floor = new Samples();
  repeat(5, 50, (keep, index) => {
    let listed = 0;
    let raw = 0;
    alternate(
      index,
      () => {
        const run = timed(() => store.listStories());
        listed = run.result.length;
        if (keep) measured.add(run.ms);
      },
      () => {
        const run = timed(() => floorStatement.all());
        raw = run.result.length;
        if (keep) floor.add(run.ms);
      },
    );
    if (listed !== STORY_COUNT || raw !== STORY_COUNT) throw new Error(`listed ${listed} stories and the floor ${raw}; expected ${STORY_COUNT}`);
  });
  return againstFloor(
    { key: 'list', operation: 'list 10,000 summaries (store.listStories)' },
    measured.distribution(),
    { description: LIST_FLOOR_SQL, measured: floor.distribution() },
    { description: `p50 ≤ ${TARGETS.listRatio}× floor`, met: (_, ratio) => ratio <= TARGETS.listRatio },
  );
}

// ---------------------------------------------------------------------------------------------
// 2. Load a story

function benchGetStory(store: LibraryStore, ids: readonly string[], random: SeededRandom): ResultRow {
  const floorStatement = store.db.prepare(CONTENT_FLOOR_SQL).pluck();
  const measured = new Samples();
  const floor = new Samples();
  // Each side reads its own random story, so neither finds the other's pages in the cache.
  repeat(200, 2000, (keep, index) =>
    alternate(
      index,
      () => {
        const id = random.pick(ids);
        const run = timed(() => store.getStory(id));
        if (run.result.id !== id) throw new Error(`asked for ${id}, got ${run.result.id}`);
        if (keep) measured.add(run.ms);
      },
      () => {
        const id = random.pick(ids);
        const run = timed(() => floorStatement.get(id));
        if (typeof run.result !== 'string') throw new Error(`no content for ${id}`);
        if (keep) floor.add(run.ms);
      },
    ),
  );
  return againstFloor(
    { key: 'get-story', operation: 'load a seed-sized story (store.getStory)' },
    measured.distribution(),
    { description: `${CONTENT_FLOOR_SQL} (JSON text, not parsed)`, measured: floor.distribution() },
    { description: `p50 ≤ ${TARGETS.getStoryP50Ms} ms`, met: (distribution) => distribution.p50 <= TARGETS.getStoryP50Ms },
  );
}

// ---------------------------------------------------------------------------------------------
// 3. Search

interface TermResult {
  typed: string;
  kind: string;
  match: string;
  hits: number;
  p50Ms: number;
  floorP50Ms: number;
  ratio: number;
}

function benchSearch(store: LibraryStore): { row: ResultRow; terms: TermResult[] } {
  const floorStatement = store.db.prepare(SEARCH_FLOOR_SQL).pluck();
  const measured = new Samples();
  const floor = new Samples();
  const perTerm = SEARCH_TERMS.map((term) => ({ ...term, match: buildMatchQuery(term.typed) ?? '', hits: 0, measured: [] as number[], floor: [] as number[] }));
  repeat(2, 30, (keep, round) => {
    for (const term of perTerm) {
      let hits = 0;
      let floorHits = 0;
      alternate(
        round,
        () => {
          const run = timed(() => store.searchStories(term.typed));
          hits = run.result.length;
          if (keep) {
            measured.add(run.ms);
            term.measured.push(run.ms);
          }
        },
        () => {
          const run = timed(() => floorStatement.all(term.match));
          floorHits = run.result.length;
          if (keep) {
            floor.add(run.ms);
            term.floor.push(run.ms);
          }
        },
      );
      if (hits !== floorHits) throw new Error(`"${term.typed}": the store found ${hits} stories and the floor ${floorHits}`);
      term.hits = hits;
    }
  });
  const terms = perTerm.map((term) => {
    const p50Ms = distributionOf(term.measured).p50;
    const floorP50Ms = distributionOf(term.floor).p50;
    return { typed: term.typed, kind: term.kind, match: term.match, hits: term.hits, p50Ms, floorP50Ms, ratio: p50Ms / floorP50Ms };
  });
  const row = againstFloor(
    { key: 'search', operation: `search, ${SEARCH_TERMS.length} terms mixed (store.searchStories)` },
    measured.distribution(),
    { description: `${SEARCH_FLOOR_SQL} (same MATCH string, from buildMatchQuery)`, measured: floor.distribution() },
    { description: `p50 ≤ ${TARGETS.searchRatio}× floor`, met: (_, ratio) => ratio <= TARGETS.searchRatio },
    { terms },
  );
  return { row, terms };
}

// ---------------------------------------------------------------------------------------------
// 4. Open

function benchOpen(file: string): ResultRow[] {
  const open = new Samples();
  const openAndList = new Samples();
  const rawOpen = new Samples();
  const rawOpenAndList = new Samples();
  repeat(1, 15, (keep, index) =>
    alternate(
      index,
      () => {
        const opened = timed(() => openLibrary(file));
        const listed = timed(() => opened.result.listStories());
        opened.result.close();
        if (keep) {
          open.add(opened.ms);
          openAndList.add(opened.ms + listed.ms);
        }
      },
      () => {
        const start = startTimer();
        const db = new Database(file, { fileMustExist: true });
        const statement = db.prepare(LIST_FLOOR_SQL);
        const openedMs = elapsedMs(start);
        statement.all();
        const totalMs = elapsedMs(start);
        db.close();
        if (keep) {
          rawOpen.add(openedMs);
          rawOpenAndList.add(totalMs);
        }
      },
    ),
  );
  const checked = new Samples();
  repeat(0, 3, () => {
    const opened = timed(() => openLibrary(file, { quickCheck: true }));
    opened.result.close();
    checked.add(opened.ms);
  });
  const rawOpenDescription = 'new Database(file) + prepare the list floor (reads the schema)';
  return [
    againstFloor({ key: 'open', operation: 'open the library (openLibrary)' }, open.distribution(), {
      description: rawOpenDescription,
      measured: rawOpen.distribution(),
    }),
    againstFloor(
      { key: 'open-and-list', operation: 'open + list 10,000 (same process)' },
      openAndList.distribution(),
      { description: `${rawOpenDescription}, then the list floor`, measured: rawOpenAndList.distribution() },
      { description: `p50 ≤ ${TARGETS.openAndListMs} ms`, met: (distribution) => distribution.p50 <= TARGETS.openAndListMs },
    ),
    {
      key: 'open-quick-check',
      operation: 'open with quick_check forced (not the default here)',
      unit: 'ms',
      measured: checked.distribution(),
      details: { note: `LibraryStore.open runs PRAGMA quick_check only for files up to ${QUICK_CHECK_LIMIT_BYTES} bytes` },
    },
  ];
}

/**
 * A library small enough (about 60 MiB) that LibraryStore.open runs PRAGMA quick_check on it:
 * the 10,000-story library is over the limit and skips it, so its open time alone hides this.
 */
function benchOpenCheckedLibrary(folder: string): ResultRow {
  const file = path.join(folder, 'checked.storydesk');
  const built = createBenchLibrary(file, { storyCount: CHECKED_LIBRARY_STORIES, seed: SEED });
  built.store.close();
  const fileBytes = fs.statSync(file).size;
  const openAndList = new Samples();
  repeat(1, 5, (keep) => {
    const run = timed(() => {
      const store = openLibrary(file);
      store.listStories();
      return store;
    });
    run.result.close();
    if (keep) openAndList.add(run.ms);
  });
  const measured = openAndList.distribution();
  return {
    key: 'open-and-list-checked',
    operation: `open + list ${CHECKED_LIBRARY_STORIES.toLocaleString('en')} (${(fileBytes / 1024 ** 2).toFixed(0)} MiB, quick_check runs)`,
    unit: 'ms',
    measured,
    target: { description: `p50 ≤ ${TARGETS.openAndListMs} ms`, met: measured.p50 <= TARGETS.openAndListMs },
    details: { stories: CHECKED_LIBRARY_STORIES, fileBytes, quickCheckOnOpen: fileBytes <= QUICK_CHECK_LIMIT_BYTES },
  };
}

// ---------------------------------------------------------------------------------------------
// 5. Memory, and the first open in a fresh process

const ProbeResultSchema: z.ZodType<ProbeResult> = z.object({
  stories: z.number(),
  openMs: z.number(),
  listMs: z.number(),
  rssBeforeOpenMB: z.number(),
  rssAfterOpenMB: z.number(),
  rssAfterListMB: z.number(),
  maxRssMB: z.number(),
});

function runProbe(file: string): ProbeResult {
  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  const child = spawnSync(process.execPath, [tsxCli, PROBE_SCRIPT, file], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`the memory probe failed (${child.status}): ${child.stderr}`);
  const lastLine = child.stdout.trim().split('\n').at(-1) ?? '';
  return ProbeResultSchema.parse(JSON.parse(lastLine));
}

function benchFreshProcess(file: string): ResultRow[] {
  const probes = [runProbe(file), runProbe(file), runProbe(file)];
  for (const probe of probes) if (probe.stories !== STORY_COUNT) throw new Error(`the probe listed ${probe.stories} stories`);
  const peak = Math.max(...probes.map((probe) => probe.maxRssMB));
  const firstOpenAndList = distributionOf(probes.map((probe) => probe.openMs + probe.listMs));
  return [
    {
      key: 'open-and-list-fresh-process',
      operation: 'open + list 10,000 (first in a fresh process)',
      unit: 'ms',
      measured: firstOpenAndList,
      target: { description: `p50 ≤ ${TARGETS.openAndListMs} ms`, met: firstOpenAndList.p50 <= TARGETS.openAndListMs },
      details: { probes },
    },
    {
      key: 'peak-rss',
      operation: 'peak RSS, 10,000 open and listed (child)',
      unit: 'MB',
      measured: singleValue(peak),
      target: { description: `≤ ${TARGETS.peakRssMB} MB`, met: peak <= TARGETS.peakRssMB },
      details: {
        note: 'maxRSS of a child process that only opens the library and lists it; rssBeforeOpenMB is Node, tsx and the modules',
        rssBeforeOpenMB: Math.max(...probes.map((probe) => probe.rssBeforeOpenMB)),
        rssAfterOpenMB: Math.max(...probes.map((probe) => probe.rssAfterOpenMB)),
        rssAfterListMB: Math.max(...probes.map((probe) => probe.rssAfterListMB)),
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// 6. Save an edit

async function benchSaves(store: LibraryStore, service: ApiHandlers, ids: readonly string[], random: SeededRandom, generator: StoryGenerator): Promise<ResultRow[]> {
  const floorStatement = store.db.prepare(UPDATE_FLOOR_SQL);
  const contentFloorStatement = store.db.prepare(CONTENT_UPDATE_FLOOR_SQL);
  const titleOf = store.db.prepare('SELECT title FROM stories WHERE id = ?').pluck();
  const currentRevisionRow = store.db
    .prepare('SELECT revisions.id, revisions.content FROM stories JOIN revisions ON revisions.story_id = stories.id AND revisions.revision = stories.revision WHERE stories.id = ?')
    .raw(true);
  const storeSaves = new Samples();
  const serviceSaves = new Samples();
  const floor = new Samples();
  const contentFloor = new Samples();
  await repeatAsync(100, 1000, async (keep) => {
    // Preparing each edit (loading the story, rewriting one sentence) is not timed.
    const current = store.getStory(random.pick(ids));
    const next: Story = { ...generator.editSentence(current), revision: current.revision + 1, updatedAt: new Date().toISOString() };
    const saved = timed(() => store.saveStory(next, current.revision, EDIT));

    const other = store.getStory(random.pick(ids));
    const request = { story: generator.editSentence(other), baseRevision: other.revision, summary: EDIT.summary };
    const served = await timedAsync(() => service.saveStory(request));
    if (served.result.revision !== other.revision + 1) throw new Error(`the service saved revision ${served.result.revision} of ${other.id}`);

    // The floors write data back unchanged: real one-row writes and commits, same data after.
    const floorId = random.pick(ids);
    const title = titleOf.get(floorId);
    const updated = timed(() => floorStatement.run(title, floorId));
    if (updated.result.changes !== 1) throw new Error(`the floor update changed ${updated.result.changes} rows`);
    const [revisionRowId, content] = currentRevisionRow.get(random.pick(ids)) as [number, string];
    const rewritten = timed(() => contentFloorStatement.run(content, revisionRowId));
    if (rewritten.result.changes !== 1) throw new Error(`the content floor changed ${rewritten.result.changes} rows`);

    if (keep) {
      storeSaves.add(saved.ms);
      serviceSaves.add(served.ms);
      floor.add(updated.ms);
      contentFloor.add(rewritten.ms);
    }
  });
  const tinyFloor = floor.distribution();
  const floorResult = { description: `${CONTENT_UPDATE_FLOOR_SQL} (one story's JSON, autocommit, WAL, synchronous=NORMAL)`, measured: contentFloor.distribution() };
  const target = {
    description: `p50 ≤ ${TARGETS.saveRatio}× floor, p99 ≤ ${TARGETS.saveP99Ms} ms`,
    met: (distribution: Distribution, ratio: number) => ratio <= TARGETS.saveRatio && distribution.p99 <= TARGETS.saveP99Ms,
  };
  const againstTinyFloor = (distribution: Distribution) => ({
    tinyFloor: { description: `${UPDATE_FLOOR_SQL} (one short column)`, measured: tinyFloor },
    ratioToTinyFloor: distribution.p50 / tinyFloor.p50,
  });
  const storeRow = againstFloor({ key: 'save-store', operation: 'save one edit (store.saveStory)' }, storeSaves.distribution(), floorResult, target);
  const serviceRow = againstFloor({ key: 'save-service', operation: 'save one edit (service.saveStory)' }, serviceSaves.distribution(), floorResult, target);
  storeRow.details = againstTinyFloor(storeRow.measured);
  serviceRow.details = againstTinyFloor(serviceRow.measured);

  // What the saves left for idle time: the search index of every story saved, and a checkpoint.
  const backlog = (store.db.prepare('SELECT count(*) FROM search_pending').pluck().get() as number) ?? 0;
  const catchUp = timed(() => store.runIdleWork());
  // The pattern of an editor's day: a few autosaves, then a pause in which the idle work runs.
  const idleWork = new Samples();
  await repeatAsync(3, 50, async (keep) => {
    for (let save = 0; save < 10; save += 1) {
      const current = store.getStory(random.pick(ids));
      await service.saveStory({ story: generator.editSentence(current), baseRevision: current.revision, summary: EDIT.summary });
    }
    const run = timed(() => store.runIdleWork());
    if (keep) idleWork.add(run.ms);
  });
  const idleDistribution = idleWork.distribution();
  return [
    storeRow,
    serviceRow,
    {
      key: 'idle-work',
      operation: 'idle work after 10 saves (index 10 stories, checkpoint)',
      unit: 'ms',
      measured: idleDistribution,
      details: {
        note: 'runs IDLE_DELAY_MS after the last write, off the save path; a search runs the index part first if it has not run',
        perSavedStoryMs: idleDistribution.p50 / 10,
        backlogAfterSaveLoop: { stories: backlog, ms: catchUp.ms },
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// 7. The huge story

async function benchHugeStory(store: LibraryStore, service: ApiHandlers, generator: StoryGenerator): Promise<ResultRow[]> {
  const huge = generator.hugeStory();
  const jsonBytes = Buffer.byteLength(JSON.stringify(huge));
  const inserted = timed(() => store.insertStory(huge, { author: 'Benchmark', summary: 'Generated' }));
  const details = {
    sections: huge.sections.length,
    sources: huge.sources.length,
    timeline: huge.timeline.length,
    jsonBytes,
    insertMs: inserted.ms,
  };

  const floorStatement = store.db.prepare(CONTENT_FLOOR_SQL).pluck();
  const loads = new Samples();
  const rawLoads = new Samples();
  repeat(3, 30, (keep, index) =>
    alternate(
      index,
      () => {
        const run = timed(() => store.getStory(huge.id));
        if (keep) loads.add(run.ms);
      },
      () => {
        const run = timed(() => floorStatement.get(huge.id));
        if (keep) rawLoads.add(run.ms);
      },
    ),
  );

  const storeSaves = new Samples();
  const serviceSaves = new Samples();
  await repeatAsync(2, 20, async (keep) => {
    const current = store.getStory(huge.id);
    const next = { ...generator.editSentence(current), revision: current.revision + 1, updatedAt: new Date().toISOString() };
    const saved = timed(() => store.saveStory(next, current.revision, EDIT));
    const latest = store.getStory(huge.id);
    const served = await timedAsync(() => service.saveStory({ story: generator.editSentence(latest), baseRevision: latest.revision, summary: EDIT.summary }));
    if (keep) {
      storeSaves.add(saved.ms);
      serviceSaves.add(served.ms);
    }
  });

  return [
    againstFloor({ key: 'huge-load', operation: 'huge story: load (store.getStory)' }, loads.distribution(), {
      description: `${CONTENT_FLOOR_SQL} (not parsed)`,
      measured: rawLoads.distribution(),
    }, undefined, details),
    { key: 'huge-save-store', operation: 'huge story: save one edit (store)', unit: 'ms', measured: storeSaves.distribution(), details },
    { key: 'huge-save-service', operation: 'huge story: save one edit (service)', unit: 'ms', measured: serviceSaves.distribution(), details },
  ];
}

// ---------------------------------------------------------------------------------------------

function formatTermTable(terms: readonly TermResult[]): string {
  const lines = terms.map(
    (term) =>
      `  ${JSON.stringify(term.typed).padEnd(18)} ${term.kind.padEnd(40)} ${String(term.hits).padStart(3)} hits  ` +
      `${term.p50Ms.toFixed(3).padStart(8)} ms  floor ${term.floorP50Ms.toFixed(3).padStart(8)} ms  ${term.ratio.toFixed(2).padStart(5)}×`,
  );
  return ['Search, per term (p50):', ...lines].join('\n');
}

async function main(): Promise<void> {
  const started = startTimer();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'storydesk-bench-'));
  const file = path.join(folder, 'library.storydesk');
  try {
    log(`building ${STORY_COUNT.toLocaleString('en')} stories in ${file} …`);
    const library = createBenchLibrary(file, { storyCount: STORY_COUNT, seed: SEED });
    const built = library.store;
    const fileBytes = fs.statSync(file).size;
    const averageStoryBytes = Number(built.db.prepare('SELECT avg(length(CAST(content AS BLOB))) FROM revisions').pluck().get());
    log(`built in ${(library.buildMs / 1000).toFixed(1)} s: ${(fileBytes / 1024 ** 2).toFixed(1)} MiB, ${Math.round(averageStoryBytes)} bytes of JSON a story`);
    const machine = describeMachine(built.db);
    const random = new SeededRandom(deriveSeed(SEED, 1));
    const generator = createStoryGenerator({ seed: SEED });
    const rows: ResultRow[] = [];

    log('list …');
    rows.push(benchList(built));
    log('load …');
    rows.push(benchGetStory(built, library.storyIds, random));
    log('search …');
    const search = benchSearch(built);
    rows.push(search.row);
    built.close();

    log('open …');
    rows.push(...benchOpen(file));
    log(`open a ${CHECKED_LIBRARY_STORIES.toLocaleString('en')}-story library (quick_check) …`);
    rows.push(benchOpenCheckedLibrary(folder));
    log('memory (child process) …');
    rows.push(...benchFreshProcess(file));

    const store = openLibrary(file);
    const service = createService(store, { author: 'Benchmark' });
    log('save …');
    rows.push(...(await benchSaves(store, service, library.storyIds, random, generator)));
    log('huge story …');
    rows.push(...(await benchHugeStory(store, service, generator)));
    store.close();

    const order = ['list', 'get-story', 'save-store', 'save-service', 'search', 'open', 'open-and-list', 'open-and-list-fresh-process', 'open-quick-check', 'open-and-list-checked', 'peak-rss'];
    rows.sort((a, b) => (order.indexOf(a.key) + 1 || order.length + 1) - (order.indexOf(b.key) + 1 || order.length + 1));

    const report: BenchReport = {
      benchmark: 'store',
      date: new Date().toISOString(),
      machine,
      library: {
        stories: STORY_COUNT,
        seed: SEED,
        buildSeconds: library.buildMs / 1000,
        fileBytes,
        averageStoryJsonBytes: Math.round(averageStoryBytes),
        quickCheckOnOpen: fileBytes <= QUICK_CHECK_LIMIT_BYTES,
        fileBytesAtEnd: fs.statSync(file).size,
      },
      rows,
      durationSeconds: elapsedMs(started) / 1000,
    };
    writeReport(RESULTS_FILE, report);

    console.log('');
    console.log(
      `Storydesk store benchmark — ${report.date.slice(0, 10)} — ${machine.cpu}, ${machine.cores} cores, ${machine.totalMemoryGiB} GiB, ` +
        `Node ${machine.node}, SQLite ${machine.sqlite}, better-sqlite3 ${machine.betterSqlite3}`,
    );
    console.log(
      `Library: ${STORY_COUNT.toLocaleString('en')} stories, ${(fileBytes / 1024 ** 2).toFixed(1)} MiB ` +
        `(quick_check on open: ${report.library.quickCheckOnOpen ? 'yes' : `no, over ${QUICK_CHECK_LIMIT_BYTES / 1024 ** 2} MiB`}), built in ${(library.buildMs / 1000).toFixed(1)} s`,
    );
    console.log('');
    console.log(formatTable(rows));
    console.log('');
    console.log(formatTermTable(search.terms));
    console.log('');
    log(`results written to ${path.relative(PROJECT_ROOT, RESULTS_FILE)}; the run took ${report.durationSeconds.toFixed(0)} s`);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

await main();
