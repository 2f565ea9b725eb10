/**
 * The coverage review benchmark: the review of the huge story and of the sample, and date-label
 * parsing throughput. Prints a table and writes bench-results/review.json. Run with
 * `npm run bench` (after the store benchmark) or `npx tsx test/bench/review.bench.ts`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reviewCoverage } from '../../shared/coverage';
import { parseTimelineDate } from '../../shared/timeline-dates';
import { createStoryGenerator, DEFAULT_SEED, loadSeedStory } from './generate';
import { distributionOf, elapsedMs, repeat, startTimer, timed } from './measure';
import { describeMachine, printReport, writeReport, type BenchReport, type ResultRow } from './report';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS_FILE = path.join(PROJECT_ROOT, 'bench-results', 'review.json');
/** Labels parsed per timed batch; throughput is batch size ÷ batch time. */
const BATCH = 10_000;
const TARGET_LABELS_PER_SECOND = 200_000;

function log(message: string): void {
  console.error(`[bench] ${message}`);
}

/** Labels of every form the parser reads, as editors write them, with varied numbers. */
function labelCorpus(hugeLabels: readonly string[]): string[] {
  const months = ['Jan', 'Feb', 'March', 'April', 'May', 'June', 'Jul', 'Aug', 'Sept', 'October', 'Nov', 'December'];
  const forms = [
    (year: number) => String(year),
    (year: number) => `${year - 3}\u2011${String(year).slice(2)}`,
    (year: number) => `${year - 10}–${year}`,
    (year: number, month: number) => `${months[month]} ${year}`,
    (year: number, month: number, day: number) => `${months[month]?.slice(0, 3)}\u202f${day},\u202f${year}`,
    (year: number, month: number, day: number) => `${day} ${months[month]} ${year}`,
    (year: number, month: number, day: number) => `${year}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    (year: number) => `Late ${year}`,
    (year: number) => `Spring ${year}`,
    (year: number, month: number) => `Q${(month % 4) + 1} ${year}`,
    (year: number) => `first half of ${year}`,
    (year: number) => `${Math.floor(year / 10) * 10}s`,
    (year: number) => `c. ${year}`,
    () => 'Friday',
    () => 'Early December',
    () => 'not a date at all',
  ];
  const labels: string[] = [...hugeLabels];
  for (let index = 0; labels.length < BATCH; index++) {
    const form = forms[index % forms.length];
    if (form) labels.push(form(1950 + (index % 76), index % 12, 1 + (index % 28)));
  }
  return labels.slice(0, BATCH);
}

function benchReview(key: string, operation: string, story: Parameters<typeof reviewCoverage>[0], iterations: number, targetMs: number): ResultRow {
  const samples: number[] = [];
  let findings = 0;
  repeat(Math.ceil(iterations / 5), iterations, (keep) => {
    const { result, ms } = timed(() => reviewCoverage(story));
    findings = result.findings.length;
    if (keep) samples.push(ms);
  });
  const measured = distributionOf(samples);
  return {
    key,
    operation,
    unit: 'ms',
    measured,
    target: { description: `p50 ≤ ${targetMs} ms`, met: measured.p50 <= targetMs },
    details: { sections: story.sections.length, sources: story.sources.length, timelineEntries: story.timeline.length, findings },
  };
}

function benchParsing(labels: readonly string[]): ResultRow {
  const referenceDate = '2026-02-02';
  const samples: number[] = [];
  let read = 0;
  repeat(5, 30, (keep) => {
    const start = startTimer();
    let ok = 0;
    for (const label of labels) if (parseTimelineDate(label, { referenceDate }).ok) ok++;
    const ms = elapsedMs(start);
    read = ok;
    if (keep) samples.push(ms);
  });
  const measured = distributionOf(samples);
  const perSecond = Math.round((labels.length / measured.p50) * 1000);
  const targetMs = (labels.length / TARGET_LABELS_PER_SECOND) * 1000;
  return {
    key: 'parse-dates',
    operation: `parse ${labels.length.toLocaleString('en')} date labels`,
    unit: 'ms',
    measured,
    target: { description: `≥ ${TARGET_LABELS_PER_SECOND.toLocaleString('en')} labels/s (≤ ${targetMs} ms)`, met: perSecond >= TARGET_LABELS_PER_SECOND },
    details: { labelsPerSecond: perSecond, labelsRead: read, labels: labels.length },
  };
}

function main(): void {
  const started = startTimer();
  const generator = createStoryGenerator({ seed: DEFAULT_SEED });
  const huge = generator.hugeStory();
  const sample = loadSeedStory();
  const rows: ResultRow[] = [];
  log('review of the sample …');
  rows.push(benchReview('review-sample', 'coverage review, sample story', sample, 2000, 0.5));
  log('review of the huge story …');
  rows.push(benchReview('review-huge', 'coverage review, huge story', huge, 40, 20));
  log('date parsing …');
  const labels = labelCorpus(huge.timeline.map((entry) => entry.date.label));
  const parsing = benchParsing(labels);
  rows.push(parsing);

  const machine = describeMachine();
  const report: BenchReport = {
    benchmark: 'review',
    date: new Date().toISOString(),
    machine,
    library: { seed: DEFAULT_SEED, hugeStory: rows[1]?.details ?? {} },
    rows,
    durationSeconds: elapsedMs(started) / 1000,
  };
  writeReport(RESULTS_FILE, report);
  printReport(report);
  console.log('');
  console.log(`Date parsing: ${Number(parsing.details?.labelsPerSecond).toLocaleString('en')} labels/s (${parsing.details?.labelsRead} of ${labels.length} read).`);
  log(`results written to ${path.relative(PROJECT_ROOT, RESULTS_FILE)}; the run took ${report.durationSeconds.toFixed(1)} s`);
}

main();
