/**
 * The crash-safety test for longer (`npm run crash-test -- --kills 1000 [--seed N]`): runs
 * test/crash-safety.test.ts with that many kills while saving (and a tenth as many, at least
 * ten, during imports and during backups), repeatable from the seed it prints. Its exit code is
 * the test run's.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { kills: { type: 'string', default: '1000' }, seed: { type: 'string' } } });
const kills = Number(values.kills);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!Number.isInteger(kills) || kills < 1 || !Number.isInteger(seed) || seed < 0) {
  console.error('usage: npm run crash-test -- [--kills N] [--seed N]   (N: a whole number; kills at least 1)');
  process.exit(2);
}

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const vitest = path.join(path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
console.log(`crash test: ${kills} kills while saving, seed ${seed}`);
const run = spawnSync(process.execPath, [vitest, 'run', 'test/crash-safety.test.ts'], {
  cwd: projectRoot,
  stdio: 'inherit',
  env: { ...process.env, STORYDESK_CRASH_KILLS: String(kills), STORYDESK_CRASH_SEED: String(seed) },
});
process.exit(run.status ?? 1);
