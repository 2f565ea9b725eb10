/**
 * The library-bundle part of the export benchmark, in a process of its own so that its peak
 * memory is its own: `tsx test/bench/bundle-probe.ts STORIES` builds a library of STORIES
 * seed-sized stories in a temporary folder, then exits and starts again as
 * `… --measure FILE` to export every story as one library bundle, import that bundle into a
 * new library, and print the figures as one line of JSON.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportLibraryBundle, importBundle } from '../../electron/bundles';
import { openLibrary } from '../../electron/library';
import { createBenchLibrary, DEFAULT_SEED } from './generate';
import { elapsedMs, startTimer } from './measure';

function measure(file: string): void {
  const store = openLibrary(file);
  const stories = store.listStories().length;
  const baselineRssBytes = process.memoryUsage().rss;
  let start = startTimer();
  const bundle = exportLibraryBundle(store, 'all');
  const exportMs = elapsedMs(start);
  store.close();
  const target = openLibrary(path.join(path.dirname(file), 'imported.storydesk'));
  start = startTimer();
  const result = importBundle(target, bundle, { onConflict: 'copy', author: 'Benchmark' });
  const importMs = elapsedMs(start);
  target.close();
  if (result.imported.length !== stories) throw new Error(`imported ${result.imported.length} of ${stories} stories`);
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ stories, bundleBytes: bundle.byteLength, exportMs, importMs, peakRssBytes, baselineRssBytes }));
}

function buildThenMeasure(storyCount: number): void {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'storydesk-bundle-bench-'));
  try {
    const file = path.join(folder, 'library.storydesk');
    createBenchLibrary(file, { storyCount, seed: DEFAULT_SEED }).store.close();
    const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
    const run = spawnSync(process.execPath, [tsxCli, fileURLToPath(import.meta.url), '--measure', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (run.status !== 0) throw new Error('the measuring process failed');
    process.stdout.write(run.stdout);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

const [first, second] = process.argv.slice(2);
if (first === '--measure' && second) measure(second);
else buildThenMeasure(Number(first ?? 10_000));
