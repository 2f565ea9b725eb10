/**
 * The long fuzz run (`npm run fuzz`): the same properties as test/fuzz-*.test.ts, with many more
 * cases and a new random seed each round, for as long as asked. Stops at the first failure with
 * fast-check's report — the seed and the shrunk counterexample, enough to replay it — and exits 1.
 *
 *   tsx test/fuzz/long-run.ts [--minutes 10] [--only api,bundles,text]
 *
 * Each part of a round prints what it ran and how the answers came out. A part started before
 * the time is up runs to its end (the API part takes about five minutes on a busy machine).
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { fuzzApi, fuzzRawBodies, fuzzSavedStories, startFuzzServer, type Outcomes } from './api-fuzz';
import { fuzzBundles } from './bundle-fuzz';
import { openFuzzLibrary } from './library';
import { checkDateReading, checkTextImport, checkTimelineOrder, edtfArbitrary, labelArbitrary, pageArbitrary, referenceDateArbitrary } from './text-fuzz';

const PARTS = ['api', 'bundles', 'text'] as const;
type Part = (typeof PARTS)[number];

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    only: { type: 'string', default: PARTS.join(',') },
  },
});
const minutes = Number(values.minutes);
const parts = new Set(values.only.split(',').filter((part): part is Part => (PARTS as readonly string[]).includes(part)));
if (!Number.isFinite(minutes) || minutes <= 0 || parts.size === 0) {
  console.error(`usage: tsx test/fuzz/long-run.ts [--minutes N] [--only ${PARTS.join(',')}]`);
  process.exit(2);
}

const newSeed = () => Math.floor(Math.random() * 2 ** 31);
const merged = (outcomes: Iterable<Outcomes>) => {
  const all: Outcomes = new Map();
  for (const each of outcomes) for (const [outcome, count] of each) all.set(outcome, (all.get(outcome) ?? 0) + count);
  return [...all].sort((a, b) => b[1] - a[1]).map(([outcome, count]) => `${count} × ${outcome}`).join(', ');
};

async function fuzzApiRound(seed: number): Promise<string> {
  const target = await startFuzzServer();
  try {
    const byMethod = await fuzzApi(target, { numRuns: 300, seed });
    const raw = await fuzzRawBodies(target, { numRuns: 1_000, seed });
    const saved = await fuzzSavedStories(target, { numRuns: 600, seed });
    return `${byMethod.size} methods: ${merged(byMethod.values())}; raw bodies: ${merged([raw])}; ${saved} changed stories saved, exported and imported back`;
  } finally {
    await target.close();
  }
}

function fuzzBundlesRound(seed: number): string {
  const library = openFuzzLibrary();
  try {
    const stats = fuzzBundles({ byteRuns: 10_000, entryRuns: 20_000, seed }, library);
    return `${stats.cases} bundles: ${stats.imported} imported exactly, ${stats.refused} refused for ${stats.reasons.size} kinds of reason`;
  } finally {
    library.close();
  }
}

function fuzzTextRound(seed: number): string {
  fc.assert(fc.property(pageArbitrary, checkTextImport), { numRuns: 5_000, seed });
  fc.assert(fc.property(labelArbitrary, edtfArbitrary, referenceDateArbitrary, checkDateReading), { numRuns: 30_000, seed });
  const direction = fc.constantFrom('oldest-first' as const, 'newest-first' as const);
  fc.assert(fc.property(fc.array(labelArbitrary, { maxLength: 30 }), direction, checkTimelineOrder), { numRuns: 5_000, seed });
  return '5,000 pages, 30,000 labels with EDTF, 5,000 timelines';
}

const ROUNDS: Record<Part, (seed: number) => string | Promise<string>> = { api: fuzzApiRound, bundles: fuzzBundlesRound, text: fuzzTextRound };

const deadline = Date.now() + minutes * 60_000;
let round = 0;
console.log(`Fuzzing ${[...parts].join(', ')} for ${minutes} minute(s), a new seed each round.`);
while (Date.now() < deadline) {
  round += 1;
  for (const part of parts) {
    if (Date.now() >= deadline) break;
    const seed = newSeed();
    const started = Date.now();
    try {
      const summary = await ROUNDS[part](seed);
      console.log(`round ${round} ${part} (seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s): ${summary}`);
    } catch (error) {
      console.error(`round ${round} ${part} FAILED (seed ${seed}):`);
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      const cause = error instanceof Error ? error.cause : undefined;
      if (cause instanceof Error) console.error(`caused by: ${cause.stack ?? cause.message}`);
      process.exit(1);
    }
  }
}
console.log(`No failure in ${round} round(s).`);
