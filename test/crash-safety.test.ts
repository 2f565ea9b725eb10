/**
 * Crash safety: a library survives its process being killed (SIGKILL) at any moment — while
 * saving edits back to back as autosave does, while importing a library bundle, while making a
 * backup. After each kill the library is reopened as the app opens it and must be sound, hold
 * every save that was acknowledged before the kill in full, hold no half-written story, and
 * hold a bundle's stories all or not at all.
 *
 * The worker is test/helpers/crash-child.ts, bundled once per test with esbuild and run by Node.
 * Kill moments come from a seeded generator; the seed is printed and is in each test's name.
 * STORYDESK_CRASH_SEED repeats a run; STORYDESK_CRASH_KILLS sets the number of kills while
 * saving (100 by default) for a longer run.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { exportLibraryBundle } from '../electron/bundles';
import { openLibraryService } from '../electron/library';
import { backupFolder, listBackups } from '../electron/store/backups';
import { inspectLibraryFile } from '../electron/store/library-file';
import { StorySchema, type Story } from '../shared/model';
import { seededRandom, storyHash, type CrashEvent, type CrashTask } from './helpers/crash-child';
import { freshFolder, freshLibraryPath } from './helpers/library';

const SEED = Number(process.env.STORYDESK_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SAVE_KILLS = Number(process.env.STORYDESK_CRASH_KILLS ?? 100);
const IMPORT_KILLS = Math.max(10, Math.round(SAVE_KILLS / 10));
const BACKUP_KILLS = IMPORT_KILLS;
const SAMPLE_ID = 'sample-korea-poland-security-dialogue';

console.log(`crash-safety: seed ${SEED} (repeat this run with STORYDESK_CRASH_SEED=${SEED})`);

// ---------------------------------------------------------------------------------------------
// The child process

const CHILD_SOURCE = fileURLToPath(new URL('./helpers/crash-child.ts', import.meta.url));

/**
 * Bundles the child into one file that plain Node runs (a third of tsx's start-up time). The
 * SQLite driver stays outside, loaded from the project's node_modules by absolute path.
 */
async function buildCrashChild(): Promise<string> {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const outfile = path.join(freshFolder('storydesk-crash-child-'), 'crash-child.mjs');
  await build({
    entryPoints: [CHILD_SOURCE],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    plugins: [{ name: 'sqlite-driver-from-project', setup: (bundle) => bundle.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: driver, external: true })) }],
  });
  return outfile;
}

interface ChildRun {
  events: CrashEvent[];
  /** When each event arrived, in ms after `ready`. */
  times: number[];
}

/**
 * Runs crash children one after another. The next child is started as soon as the current one
 * is given its task, and waits for its own on stdin: its start-up (a third of a second) then
 * overlaps the current child's work and the checks after the kill.
 */
class CrashChildren {
  private waiting: { child: ChildProcessWithoutNullStreams; stderr: string[] };

  constructor(private readonly script: string) {
    this.waiting = this.start();
  }

  private start() {
    const child = spawn(process.execPath, [this.script]);
    const stderr: string[] = [];
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => stderr.push(chunk));
    // A child that died while starting cannot take its task; `run` reports it with its stderr.
    child.stdin.on('error', () => undefined);
    return { child, stderr };
  }

  /**
   * Gives the waiting child `task` and kills it `killAfter` ms after it reports ready (never,
   * when undefined: the task ends by itself, or the child kills itself). Resolves once the
   * child's output is read to the end: an event on a complete line is one the child
   * acknowledged before it died.
   */
  run(task: CrashTask, killAfter: number | undefined): Promise<ChildRun> {
    const { child, stderr } = this.waiting;
    this.waiting = this.start();
    return new Promise((resolve, reject) => {
      const events: CrashEvent[] = [];
      const times: number[] = [];
      let readyAt: number | undefined;
      let pending = '';
      // A child that hangs is killed and reported rather than left to the test's timeout.
      const watchdog = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          const event = JSON.parse(line) as CrashEvent;
          if (event.event === 'ready') {
            readyAt = performance.now();
            if (killAfter !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfter);
          }
          events.push(event);
          times.push(performance.now() - (readyAt ?? 0));
        }
      });
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(watchdog);
        // Killed as planned, or an import that finished before its kill came.
        const expected = signal === 'SIGKILL' ? killAfter !== undefined || 'killAtStory' in task : code === 0 && task.mode === 'import';
        if (readyAt === undefined || !expected) {
          reject(new Error(`the crash child (${task.mode}) ended with ${signal ?? `exit code ${code}`} unexpectedly:\n${stderr.join('')}`));
        } else resolve({ events, times });
      });
      child.stdin.end(`${JSON.stringify(task)}\n`);
    });
  }

  /** Ends the child still waiting for a task. */
  close(): void {
    this.waiting.child.kill('SIGKILL');
  }
}

interface SaveAck {
  id: string;
  revision: number;
  sha256: string;
}

function savesOf(run: ChildRun): SaveAck[] {
  return run.events.flatMap((event) => (event.event === 'saved' ? [{ id: event.id, revision: event.revision, sha256: event.sha256 }] : []));
}

// ---------------------------------------------------------------------------------------------
// Libraries and what must hold after a kill

/** A library with the sample story and three new ones: the stories the child edits. */
async function makeCrashLibrary(): Promise<{ file: string; storyIds: string[] }> {
  const file = freshLibraryPath();
  const { store, service } = openLibraryService(file);
  const storyIds = [SAMPLE_ID];
  for (const title of ['Crash story 1', 'Crash story 2', 'Crash story 3']) storyIds.push((await service.createStory({ title, feed: 'Crash desk' })).id);
  store.close();
  return { file, storyIds };
}

/**
 * Opens the library after a kill, as the app does, and checks it: sound (`PRAGMA integrity_check`,
 * foreign keys, search index), every acknowledged save there with exactly the acknowledged
 * content, each story whole at its newest revision, and the list and search working. At most one
 * save can have been in flight, so the heads are at their last acknowledged revision or one past.
 * Returns the heads, the next cycle's starting point.
 */
async function checkLibraryAfterKill(file: string, storyIds: readonly string[], heads: ReadonlyMap<string, number>, acks: readonly SaveAck[], context: string) {
  // Opening with the quick check is the app's own first check: a damaged file is refused here.
  const { store, service } = openLibraryService(file, { quickCheck: true });
  try {
    expect(store.created, `${context}: the library is still there`).toBe(false);
    // PRAGMA integrity_check, the foreign keys and the search index against the stories.
    expect(store.checkIntegrity(), `${context}: integrity`).toEqual([]);

    const lastAcknowledged = new Map(heads);
    for (const ack of acks) {
      const { story } = await service.getRevision({ storyId: ack.id, revision: ack.revision });
      expect(storyHash(story), `${context}: acknowledged save ${ack.id} r${ack.revision}`).toBe(ack.sha256);
      lastAcknowledged.set(ack.id, Math.max(lastAcknowledged.get(ack.id) ?? 0, ack.revision));
    }

    const summaries = new Map((await service.listStories({})).map((summary) => [summary.id, summary]));
    const newHeads = new Map<string, number>();
    let unacknowledged = 0;
    for (const id of storyIds) {
      const head = await service.getStory({ id });
      const where = `${context}: story ${id} at r${head.revision}`;
      expect(StorySchema.safeParse(head).error, where).toBeUndefined();
      const acknowledged = lastAcknowledged.get(id) ?? 1;
      expect(head.revision, where).toBeGreaterThanOrEqual(acknowledged);
      unacknowledged += head.revision - acknowledged;
      // The library's list row agrees with the stored revision.
      expect(summaries.get(id), where).toMatchObject({ revision: head.revision, title: head.title, updatedAt: head.updatedAt });
      // Search finds the story by what its newest revision says.
      const hits = await service.searchStories({ query: head.title, limit: 200 });
      expect(hits.map((hit) => hit.story.id), where).toContain(id);
      newHeads.set(id, head.revision);
    }
    expect(unacknowledged, `${context}: saves in the library beyond the acknowledged ones`).toBeLessThanOrEqual(1);
    return newHeads;
  } finally {
    store.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The tests

describe('crash safety (SIGKILL at random moments)', () => {
  it(`keeps every acknowledged save through ${SAVE_KILLS} kills while saving (seed ${SEED})`, async () => {
    const children = new CrashChildren(await buildCrashChild());
    const { file, storyIds } = await makeCrashLibrary();
    const random = seededRandom(SEED);
    let heads = new Map(storyIds.map((id) => [id, 1]));
    const acknowledged: SaveAck[] = [];
    try {
      for (let kill = 1; kill <= SAVE_KILLS; kill += 1) {
        const run = await children.run({ mode: 'save', library: file, storyIds, seed: SEED + kill }, 30 + random() * 270);
        const acks = savesOf(run);
        heads = await checkLibraryAfterKill(file, storyIds, heads, acks, `seed ${SEED}, kill ${kill}`);
        acknowledged.push(...acks);
      }
    } finally {
      children.close();
    }
    expect(acknowledged.length, 'the children saved something before they were killed').toBeGreaterThan(0);
    console.log(`crash-safety: ${SAVE_KILLS} kills while saving, ${acknowledged.length} acknowledged saves, ${fs.statSync(file).size} bytes`);

    // Every save acknowledged in any cycle is still there, unchanged, after all the later kills,
    // and each story's history runs from 1 to its head without a gap.
    const { store, service } = openLibraryService(file);
    for (const ack of acknowledged) {
      expect(storyHash((await service.getRevision({ storyId: ack.id, revision: ack.revision })).story), `seed ${SEED}: ${ack.id} r${ack.revision}`).toBe(ack.sha256);
    }
    for (const [id, head] of heads) {
      const revisions = (await service.listRevisions({ storyId: id })).map((revision) => revision.revision);
      expect(revisions, `seed ${SEED}: history of ${id}`).toEqual(Array.from({ length: head }, (_, index) => head - index));
    }
    store.close();
  }, 60_000 + SAVE_KILLS * 3_000);

  it(`imports a bundle all or nothing through ${IMPORT_KILLS} kills (seed ${SEED})`, async () => {
    const children = new CrashChildren(await buildCrashChild());
    const random = seededRandom(SEED ^ 0x1badb002);
    const folder = freshFolder();
    const { bundle, bundled } = await makeBundle(folder, 120);
    const { file } = await makeCrashLibrary();
    const storiesBefore = (await listedStories(file)).length;
    try {
      // How long an import takes, on a copy of the library: the timed kills are spread over it.
      const trial = path.join(folder, 'trial.storydesk');
      fs.copyFileSync(file, trial);
      const finished = await children.run({ mode: 'import', library: trial, bundle, onConflict: 'skip' }, undefined);
      expect(finished.events.at(-1)).toEqual({ event: 'imported', count: bundled.length });
      const importTime = finished.times.at(-1) ?? 1000;

      /** undefined while the bundle is not in the library; then the revision its stories are at. */
      let importedRevision: number | undefined;
      const outcomes: string[] = [];
      for (let kill = 1; kill <= IMPORT_KILLS; kill += 1) {
        const context = `seed ${SEED}, import kill ${kill}`;
        // Every other kill comes from inside: the child dies after writing a random number of the
        // bundle's stories, inside the import's transaction.
        const killAtStory = kill % 2 === 0 ? 1 + Math.floor(random() * bundled.length) : undefined;
        const before = importedRevision;
        const after = (importedRevision ?? 0) + 1;
        const task: CrashTask = { mode: 'import', library: file, bundle, onConflict: before === undefined ? 'skip' : 'replace', ...(killAtStory ? { killAtStory } : {}) };
        const run = await children.run(task, killAtStory ? undefined : random() * importTime * 1.3);

        const { store, service } = openLibraryService(file, { quickCheck: true });
        try {
          expect(store.checkIntegrity(), `${context}: integrity`).toEqual([]);
          const revisions = new Set(bundled.map((story) => (store.hasStory(story.id) ? store.getStoryHead(story.id).revision : undefined)));
          expect([...revisions], `${context}: the bundle's stories are all at one revision`).toHaveLength(1);
          const [revision] = revisions;
          expect([before, after], context).toContain(revision);
          if (run.events.some((event) => event.event === 'imported')) expect(revision, `${context}: an acknowledged import`).toBe(after);
          if (killAtStory) expect(revision, `${context}: killed inside the import's transaction after ${killAtStory} stories`).toBe(before);
          if (revision !== undefined) {
            for (const story of bundled) expect({ ...(await service.getStory({ id: story.id })), revision: 0 }, context).toEqual({ ...story, revision: 0 });
          }
          // The app opens normally: the list and search show the bundle's stories, or none of them.
          const imported = revision === undefined ? 0 : bundled.length;
          expect(await service.listStories({}), context).toHaveLength(storiesBefore + imported);
          expect(await service.searchStories({ query: BUNDLE_MARKER, limit: 200 }), context).toHaveLength(imported);
          outcomes.push(revision === before ? 'nothing' : 'all');
          importedRevision = revision;
        } finally {
          store.close();
        }
      }
      console.log(`crash-safety: import of ${bundled.length} stories (${Math.round(importTime)} ms) killed ${IMPORT_KILLS} times: ${outcomes.join(', ')}`);
    } finally {
      children.close();
    }
  }, 60_000 + IMPORT_KILLS * 6_000);

  it(`keeps saves and sound backups through ${BACKUP_KILLS} kills while backing up (seed ${SEED})`, async () => {
    const children = new CrashChildren(await buildCrashChild());
    const { file, storyIds } = await makeCrashLibrary();
    const random = seededRandom(SEED ^ 0x5eed);
    let heads = new Map(storyIds.map((id) => [id, 1]));
    const checked = new Set<string>();
    let backupsMade = 0;
    try {
      for (let kill = 1; kill <= BACKUP_KILLS; kill += 1) {
        const context = `seed ${SEED}, backup kill ${kill}`;
        const run = await children.run({ mode: 'backup', library: file, storyIds, seed: SEED + 1000 + kill }, 50 + random() * 550);
        heads = await checkLibraryAfterKill(file, storyIds, heads, savesOf(run), context);

        // Every backup listed is whole; a half-written one is never listed.
        const listed = listBackups(file).map((backup) => backup.path);
        for (const backup of listed.filter((path) => !checked.has(path))) {
          checkBackup(backup, storyIds.length, context);
          checked.add(backup);
        }
        const made = run.events.flatMap((event) => (event.event === 'backed-up' ? [event.path] : []));
        backupsMade += made.length;
        if (made.length > 0) {
          // Retention removes only older backups, and at most one was made after the last acknowledged one.
          expect(listed, context).toContain(made.at(-1));
          // A child that made a backup cleared first what the children killed before it had left.
          expect(partialFiles(file).filter((name) => !name.includes(`.${pidOf(run)}.partial`)), context).toEqual([]);
        }
      }
    } finally {
      children.close();
    }
    console.log(`crash-safety: ${BACKUP_KILLS} kills while backing up, ${backupsMade} acknowledged backups`);

    // The next backup clears every leftover of a killed one.
    const { store, service } = openLibraryService(file);
    await service.backupLibrary({});
    store.close();
    expect(partialFiles(file)).toEqual([]);
  }, 60_000 + BACKUP_KILLS * 6_000);

  it('clears half-written backups of dead processes, and old ones without a process, before the next backup', async () => {
    const file = freshLibraryPath();
    const { store, service } = openLibraryService(file);
    const folder = backupFolder(file);
    fs.mkdirSync(folder, { recursive: true });
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.on('close', resolve));
    const leftover = (writer: number | undefined, suffix = '') => {
      const name = `library-2026-11-28T10-00-00-000Z.storydesk${writer === undefined ? '' : `.${writer}`}.partial${suffix}`;
      fs.writeFileSync(path.join(folder, name), 'half a backup');
      return name;
    };
    try {
      const kept = [leftover(alive.pid), leftover(process.pid), leftover(undefined)];
      const cleared = [leftover(dead.pid), leftover(dead.pid, '-journal'), leftover(undefined, '-wal')];
      // A leftover of an earlier version names no process: it is abandoned once an hour old.
      const hoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
      fs.utimesSync(path.join(folder, cleared[2] as string), hoursAgo, hoursAgo);

      const backup = await service.backupLibrary({});
      expect(partialFiles(file).sort()).toEqual(kept.sort());
      expect(listBackups(file).map((listed) => listed.path)).toEqual([backup.path]);
    } finally {
      alive.kill('SIGKILL');
      store.close();
    }
  });
});

/** A word in every bundled story's title, and in no other story: searching it finds the bundle. */
const BUNDLE_MARKER = 'zebundled';

/** A library bundle of `count` stories of a few kilobytes each, made in a library of its own. */
async function makeBundle(folder: string, count: number): Promise<{ bundle: string; bundled: Story[] }> {
  const { store, service } = openLibraryService(path.join(folder, 'source.storydesk'), { withSample: false });
  const bundled: Story[] = [];
  for (let index = 0; index < count; index += 1) {
    const created = await service.createStory({ title: `Bundled story ${index} ${BUNDLE_MARKER}`, feed: 'Bundle desk' });
    const text = `Paragraph of bundled story ${index}. `.repeat(20 + index * 2);
    const sections = [{ id: 'only', heading: `Section of ${index}`, body: [{ type: 'paragraph' as const, content: [{ type: 'text' as const, text }] }] }];
    bundled.push(await service.saveStory({ story: { ...created, sections }, baseRevision: 1 }));
  }
  const bundle = path.join(folder, 'library.storybundle');
  fs.writeFileSync(bundle, exportLibraryBundle(store, 'all'));
  store.close();
  return { bundle, bundled };
}

/** A listed backup must be a sound, self-contained library holding the stories. */
function checkBackup(file: string, storyCount: number, context: string): void {
  const where = `${context}: ${file}`;
  expect(file, where).toMatch(/\.storydesk$/);
  expect(inspectLibraryFile(file, { quickCheck: true }).kind, where).toBe('library');
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    expect(copy.pragma('integrity_check', { simple: true }), where).toBe('ok');
    // Not left in WAL mode, which would need a log file beside it.
    expect(copy.pragma('journal_mode', { simple: true }), where).toBe('delete');
    expect(copy.prepare('SELECT count(*) FROM stories').pluck().get(), where).toBe(storyCount);
  } finally {
    copy.close();
  }
}

async function listedStories(file: string) {
  const { store, service } = openLibraryService(file);
  try {
    return await service.listStories({});
  } finally {
    store.close();
  }
}

/** Files in the backup folder that a backup left half-written (the copy, or its journal). */
function partialFiles(file: string): string[] {
  return fs.readdirSync(backupFolder(file)).filter((name) => name.includes('.partial'));
}

function pidOf(run: ChildRun): number {
  const ready = run.events.find((event) => event.event === 'ready');
  return ready?.event === 'ready' ? ready.pid : -1;
}
