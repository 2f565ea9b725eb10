/**
 * Runs library steps as the user nobody (uid 65534) in a child process, so that tests of
 * read-only files and folders meet the permissions a user meets: the tests run as root, and root
 * writes everywhere. The child is test/helpers/nobody-child.ts; `between` runs at each of its
 * `wait` steps, in the parent, while the child holds the library open.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { ChildStep, StepOutcome } from './nobody-child';

export type { ChildStep, StepOutcome };

export const NOBODY = 65534;

const CHILD = path.join(import.meta.dirname, 'nobody-child.ts');

const PROJECT_ROOT = path.join(import.meta.dirname, '..', '..');

/**
 * Why this machine cannot run a child as nobody, or undefined when it can: root on Linux or
 * macOS, with the project where nobody may read it (a checkout under a private folder, such as
 * one made by `mktemp -d`, is not; its folders are not opened up for the test's sake).
 */
export function whyNotAsNobody(): string | undefined {
  if (process.platform === 'win32') return 'Windows has no user nobody';
  if (process.getuid?.() !== 0) return 'only root can start a process as another user';
  const probe = spawnSync(process.execPath, ['--import', 'tsx', '-e', ''], { cwd: PROJECT_ROOT, uid: NOBODY, gid: NOBODY, env: { PATH: process.env.PATH }, stdio: 'pipe' });
  if (probe.status !== 0) return `the user nobody cannot load the project at ${PROJECT_ROOT} (a folder above it is private)`;
  return undefined;
}

/**
 * Makes `folder` and everything in it belong to nobody, and every folder above it passable, so
 * that the child reaches it and its permission bits decide what the child may do.
 */
export function giveToNobody(folder: string): void {
  const own = (target: string) => {
    fs.chownSync(target, NOBODY, NOBODY);
    if (fs.statSync(target).isDirectory()) for (const entry of fs.readdirSync(target)) own(path.join(target, entry));
  };
  own(folder);
  for (let above = path.dirname(folder); above !== path.dirname(above); above = path.dirname(above)) {
    const mode = fs.statSync(above).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(above, mode | 0o001);
  }
}

/** Runs `steps` as nobody; `between(n)` runs at the child's n-th `wait` step (from 0). */
export async function runAsNobody(steps: ChildStep[], between: (wait: number) => void | Promise<void> = () => {}): Promise<StepOutcome[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(steps)], {
    cwd: PROJECT_ROOT,
    uid: NOBODY,
    gid: NOBODY,
    env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const outcomes: StepOutcome[] = [];
  let waits = 0;
  let done = false;
  for await (const line of readline.createInterface({ input: child.stdout })) {
    if (line.startsWith('STEP ')) outcomes.push(JSON.parse(line.slice(5)) as StepOutcome);
    else if (line === 'WAIT') {
      await between(waits++);
      child.stdin.write('go\n');
    } else if (line === 'DONE') done = true;
  }
  const code = await exited;
  if (!done || code !== 0) throw new Error(`the child run as nobody stopped early (exit ${code}):\n${stderr}`);
  return outcomes;
}
