/**
 * Opens a library and lists it, and nothing else, then prints its own timings and memory as
 * one line of JSON. The store benchmark runs it as a child process (`tsx test/bench/rss-probe.ts
 * PATH`) so that the memory of generating the library does not count against the store.
 */
import { openLibrary } from '../../electron/library';
import { elapsedMs, startTimer } from './measure';

export interface ProbeResult {
  stories: number;
  /** The first open and list in a fresh process. */
  openMs: number;
  listMs: number;
  rssBeforeOpenMB: number;
  rssAfterOpenMB: number;
  rssAfterListMB: number;
  /** `process.resourceUsage().maxRSS`: the process's peak resident set, whenever it happened. */
  maxRssMB: number;
}

const MB = 1024 * 1024;

function probe(file: string): ProbeResult {
  const rssBeforeOpenMB = process.memoryUsage().rss / MB;
  let start = startTimer();
  const store = openLibrary(file);
  const openMs = elapsedMs(start);
  const rssAfterOpenMB = process.memoryUsage().rss / MB;
  start = startTimer();
  const stories = store.listStories();
  const listMs = elapsedMs(start);
  // Sampled while the list is still held, as the app holds it.
  const rssAfterListMB = process.memoryUsage().rss / MB;
  const result: ProbeResult = {
    stories: stories.length,
    openMs,
    listMs,
    rssBeforeOpenMB,
    rssAfterOpenMB,
    rssAfterListMB,
    maxRssMB: (process.resourceUsage().maxRSS * 1024) / MB,
  };
  store.close();
  return result;
}

const file = process.argv[2];
if (!file) {
  console.error('usage: tsx test/bench/rss-probe.ts LIBRARY_PATH');
  process.exit(2);
}
console.log(JSON.stringify(probe(file)));
