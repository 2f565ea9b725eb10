/**
 * The export benchmark: HTML export of 1,000 seed-sized stories beside pandoc converting the
 * same stories (as Markdown with footnotes) to standalone HTML in one call; the huge story's
 * page; and a 10,000-story library exported as a bundle and imported again, with peak memory.
 * Prints a table and writes bench-results/export.json. `npm run bench:export` runs it alone.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { citationNumbers } from '../../shared/citations';
import type { Inline, Story } from '../../shared/model';
import { renderStoryPage } from '../../shared/page-html';
import { createStoryGenerator, DEFAULT_SEED } from './generate';
import { distributionOf, elapsedMs, repeat, startTimer, timed } from './measure';
import { describeMachine, printReport, singleValue, writeReport, type BenchReport, type ResultRow } from './report';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS_FILE = path.join(PROJECT_ROOT, 'bench-results', 'export.json');
const PAGE_COUNT = 1000;
const SAMPLE_HERO = fs.readFileSync(path.join(PROJECT_ROOT, 'shared', 'sample', 'sample-hero.png'));

function log(message: string): void {
  console.error(`[bench] ${message}`);
}

// ---------------------------------------------------------------------------------------------
// The same stories as Markdown with footnotes, for pandoc

function markdownInline(content: readonly Inline[], footnote: (sourceId: string) => string): string {
  return content
    .map((inline) => (inline.type === 'text' ? inline.text.replace(/([\\`*_[\]<>#])/g, '\\$1') : inline.sources.map((id) => `[^${footnote(id)}]`).join('')))
    .join('');
}

/** One story as a Markdown chapter: headline, sections, timeline, and the sources as footnotes. */
function storyMarkdown(story: Story, index: number): string {
  const numbers = citationNumbers(story);
  // Footnote labels must be unique in the one document pandoc converts.
  const footnote = (id: string) => `s${index}n${numbers.get(id) ?? 0}`;
  const inline = (content: readonly Inline[]) => markdownInline(content, footnote);
  const lines = [`# ${story.title}`, '', `*${story.feed}* · Updated (${story.sources.length} articles)`, ''];
  if (story.hero) lines.push(`> ${story.hero.caption} (Image: ${story.hero.credit})`, '');
  for (const section of story.sections) {
    lines.push(`## ${section.heading}`, '');
    for (const paragraph of section.body) lines.push(inline(paragraph.content), '');
  }
  lines.push('## Timeline', '');
  for (const entry of story.timeline) lines.push(`- **${entry.date.label}** – ${inline(entry.body)}`);
  lines.push('');
  for (const source of story.sources) {
    lines.push(`[^${footnote(source.id)}]: ${[source.title, source['container-title'], source.issued].filter(Boolean).join(', ') || source.id}`);
  }
  lines.push('');
  return lines.join('\n');
}

function pandocVersion(): string | undefined {
  const result = spawnSync('pandoc', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.split('\n')[0] : undefined;
}

function benchHtmlAgainstPandoc(stories: readonly Story[], folder: string): ResultRow {
  const hero = { kind: 'data' as const, bytes: new Uint8Array(SAMPLE_HERO) };
  const storydesk: number[] = [];
  let bytes = 0;
  repeat(1, 5, (keep) => {
    const { result, ms } = timed(() => stories.map((story) => renderStoryPage(story, story.hero ? { hero } : {})));
    bytes = result.reduce((sum, page) => sum + page.length, 0);
    if (keep) storydesk.push(ms);
  });
  const measured = distributionOf(storydesk);
  const version = pandocVersion();
  if (!version) {
    log('pandoc is not installed (apt-get install pandoc): the comparison is left out');
    return { key: 'html-1000', operation: `HTML export, ${stories.length} stories`, unit: 'ms', measured, details: { pandoc: 'not installed', htmlBytes: bytes } };
  }
  const input = path.join(folder, 'stories.md');
  fs.writeFileSync(input, stories.map(storyMarkdown).join('\n\n'));
  const output = path.join(folder, 'stories.html');
  const pandoc: number[] = [];
  // pandoc takes about a minute for the 1,000 stories here: two timed runs, no warm-up.
  repeat(0, 2, (keep) => {
    const start = startTimer();
    const run = spawnSync('pandoc', ['--standalone', '--from', 'markdown', '--to', 'html5', '--metadata', 'title=Stories', '--output', output, input], { encoding: 'utf8' });
    const ms = elapsedMs(start);
    if (run.status !== 0) throw new Error(`pandoc failed: ${run.stderr}`);
    if (keep) pandoc.push(ms);
  });
  const floor = distributionOf(pandoc);
  const ratio = floor.p50 / measured.p50;
  return {
    key: 'html-1000',
    operation: `HTML export, ${stories.length} stories`,
    unit: 'ms',
    measured,
    floor: { description: `${version}, the same stories as Markdown with footnotes, one call`, measured: floor },
    ratio: measured.p50 / floor.p50,
    target: { description: '≥ 5× faster than pandoc', met: ratio >= 5 },
    details: { pandoc: version, speedup: ratio, storydeskHtmlBytes: bytes, pandocHtmlBytes: fs.statSync(output).size },
  };
}

function benchHugePage(huge: Story): ResultRow {
  const samples: number[] = [];
  let length = 0;
  repeat(5, 30, (keep) => {
    const { result, ms } = timed(() => renderStoryPage(huge));
    length = result.length;
    if (keep) samples.push(ms);
  });
  const measured = distributionOf(samples);
  return {
    key: 'html-huge',
    operation: 'HTML page, huge story',
    unit: 'ms',
    measured,
    target: { description: 'p50 ≤ 50 ms', met: measured.p50 <= 50 },
    details: { htmlBytes: length },
  };
}

// ---------------------------------------------------------------------------------------------
// Library bundles, measured in a child process for an honest peak RSS

interface BundleProbe {
  runner: string;
  stories: number;
  bundleBytes: number;
  exportMs: number;
  importMs: number;
  rssBeforeExportBytes: number;
  peakRssAfterExportBytes: number;
  peakRssAfterImportBytes: number;
  /** Closing the imported library brings its search index up to date: part of the process's peak, reported apart. */
  peakRssAfterCloseBytes: number;
}

function runBundleProbe(storyCount: number): BundleProbe {
  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  const probe = fileURLToPath(new URL('./bundle-probe.ts', import.meta.url));
  const result = spawnSync(process.execPath, [tsxCli, probe, String(storyCount)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`the bundle probe failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as BundleProbe;
}

function bundleRows(probe: BundleProbe): ResultRow[] {
  const megabytes = (bytes: number) => bytes / 1024 ** 2;
  const limit = 2 * probe.bundleBytes;
  const stories = probe.stories.toLocaleString('en');
  return [
    { key: 'bundle-export', operation: `library bundle export, ${stories} stories`, unit: 'ms', measured: singleValue(probe.exportMs), details: { bundleBytes: probe.bundleBytes, runner: probe.runner } },
    { key: 'bundle-import', operation: `library bundle import, ${stories} stories`, unit: 'ms', measured: singleValue(probe.importMs) },
    {
      key: 'bundle-peak-rss',
      operation: 'peak RSS, export + import',
      unit: 'MB',
      measured: singleValue(megabytes(probe.peakRssAfterImportBytes)),
      target: { description: `≤ 2× the bundle (${megabytes(limit).toFixed(0)} MB)`, met: probe.peakRssAfterImportBytes <= limit },
      details: {
        bundleMB: megabytes(probe.bundleBytes),
        rssBeforeExportMB: megabytes(probe.rssBeforeExportBytes),
        peakAfterExportMB: megabytes(probe.peakRssAfterExportBytes),
        peakAfterCloseMB: megabytes(probe.peakRssAfterCloseBytes),
      },
    },
  ];
}

function main(): void {
  const started = startTimer();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'storydesk-export-bench-'));
  try {
    const generator = createStoryGenerator({ seed: DEFAULT_SEED });
    const stories = Array.from({ length: PAGE_COUNT }, (_, index) => generator.story(index));
    const rows: ResultRow[] = [];
    log(`HTML export of ${PAGE_COUNT} stories, and pandoc …`);
    rows.push(benchHtmlAgainstPandoc(stories, folder));
    log('the huge story …');
    rows.push(benchHugePage(generator.hugeStory()));
    const bundleStories = Number(process.env.STORYDESK_BENCH_BUNDLE_STORIES ?? 10_000);
    log(`library bundle of ${bundleStories.toLocaleString('en')} stories (child process) …`);
    rows.push(...bundleRows(runBundleProbe(bundleStories)));

    const machine = describeMachine();
    const report: BenchReport = { benchmark: 'export', date: new Date().toISOString(), machine, library: { seed: DEFAULT_SEED, pages: PAGE_COUNT, bundleStories }, rows, durationSeconds: elapsedMs(started) / 1000 };
    writeReport(RESULTS_FILE, report);
    printReport(report);
    const html = rows[0];
    if (html?.details?.speedup !== undefined) console.log(`\nHTML export is ${Number(html.details.speedup).toFixed(1)}× faster than pandoc on the same stories.`);
    log(`results written to ${path.relative(PROJECT_ROOT, RESULTS_FILE)}; the run took ${report.durationSeconds.toFixed(0)} s`);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

main();
