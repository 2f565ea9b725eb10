/**
 * The library-bundle part of the export benchmark, in a process of its own so that its peak
 * memory is its own: `tsx test/bench/bundle-probe.ts STORIES` builds a library of STORIES
 * seed-sized stories in a temporary folder, then starts a second process as `… --measure FOLDER`
 * that exports every story as one library bundle into a file in that folder
 * (exportLibraryBundleToFile), imports that file into a new library (importBundleFile), and
 * prints the figures as one line of JSON.
 *
 * The measuring process runs this file bundled by esbuild under plain `node`, because tsx's own
 * loader (a worker thread with its own heap) adds some 40 MB to a peak that should be the
 * bundle's. `--runner tsx` measures under `node --import tsx` instead, to show the difference.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportLibraryBundleToFile, importBundleFile } from '../../electron/bundles';
import { LibraryStore } from '../../electron/store/store';
import { elapsedMs, startTimer } from './measure';

/** process.resourceUsage().maxRSS is in kibibytes: the most resident memory so far. */
function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function measure(folder: string): void {
  const library = path.join(folder, 'library.storydesk');
  const bundleFile = path.join(folder, 'library.storybundle');
  const store = LibraryStore.open(library);
  const rssBeforeExportBytes = process.memoryUsage().rss;

  let start = startTimer();
  let cpuStart = cpuMs();
  exportLibraryBundleToFile(store, 'all', bundleFile);
  const exportMs = elapsedMs(start);
  const exportCpuMs = cpuMs() - cpuStart;
  const peakRssAfterExportBytes = peakRssBytes();
  const stories = store.listStories().length;
  store.close();

  const target = LibraryStore.open(path.join(folder, 'imported.storydesk'));
  start = startTimer();
  cpuStart = cpuMs();
  const result = importBundleFile(target, bundleFile, { onConflict: 'copy', author: 'Benchmark' });
  const importMs = elapsedMs(start);
  const importCpuMs = cpuMs() - cpuStart;
  const peakRssAfterImportBytes = peakRssBytes();
  if (result.imported.length !== stories) throw new Error(`imported ${result.imported.length} of ${stories} stories`);

  // Closing brings the search index up to date with the imported stories: not part of the import,
  // but part of this process's peak, so reported on its own.
  start = startTimer();
  target.close();
  const closeMs = elapsedMs(start);
  const bundleBytes = fs.statSync(bundleFile).size;
  const peakRssAfterClose = peakRssBytes();
  console.log(
    JSON.stringify({
      runner: process.env.BUNDLE_PROBE_RUNNER ?? 'node',
      stories,
      bundleBytes,
      exportMs: Math.round(exportMs),
      exportCpuMs: Math.round(exportCpuMs),
      importMs: Math.round(importMs),
      importCpuMs: Math.round(importCpuMs),
      closeMs: Math.round(closeMs),
      rssBeforeExportBytes,
      peakRssAfterExportBytes,
      peakRssAfterImportBytes,
      peakRssAfterCloseBytes: peakRssAfterClose,
      peakWithinTwiceBundle: peakRssAfterImportBytes <= 2 * bundleBytes,
    }),
  );
}

/**
 * This file bundled for plain `node`: the project's code inlined, every package left to load
 * from node_modules by its absolute URL (the bundle lives in a temporary folder, where bare
 * names would not resolve).
 */
async function bundleForNode(outfile: string): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [fileURLToPath(import.meta.url)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    plugins: [
      {
        name: 'packages-by-absolute-url',
        setup(plugins) {
          plugins.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('node:') || args.path === 'esbuild' ? { external: true } : { path: import.meta.resolve(args.path), external: true },
          );
        },
      },
    ],
  });
}

async function buildThenMeasure(storyCount: number, runner: 'node' | 'tsx'): Promise<void> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'storydesk-bundle-bench-'));
  try {
    const { createBenchLibrary, DEFAULT_SEED } = await import('./generate');
    createBenchLibrary(path.join(folder, 'library.storydesk'), { storyCount, seed: DEFAULT_SEED }).store.close();
    let command: string[];
    if (runner === 'node') {
      const bundled = path.join(folder, 'bundle-probe.mjs');
      await bundleForNode(bundled);
      command = [bundled];
    } else {
      command = ['--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.url)];
    }
    const run = spawnSync(process.execPath, [...command, '--measure', folder], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BUNDLE_PROBE_RUNNER: runner },
    });
    if (run.status !== 0) throw new Error('the measuring process failed');
    process.stdout.write(run.stdout);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

const options = process.argv.slice(2);
const measureAt = options.indexOf('--measure');
if (measureAt >= 0) {
  measure(options[measureAt + 1] ?? '');
} else {
  const runnerAt = options.indexOf('--runner');
  const runner = runnerAt >= 0 ? options[runnerAt + 1] : 'node';
  if (runner !== 'node' && runner !== 'tsx') throw new Error('--runner takes node or tsx');
  const count = options.find((option, index) => /^\d+$/.test(option) && (runnerAt < 0 || index !== runnerAt + 1));
  await buildThenMeasure(Number(count ?? 10_000), runner);
}
