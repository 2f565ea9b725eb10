/**
 * The child process of the crash-safety test (test/crash-safety.test.ts): it opens a library the
 * way the app does and works on it until the test kills it with SIGKILL. It says what it has done
 * on stdout, one JSON line per event, and writes a line only once the work is done: a line is an
 * acknowledgement, the promise that the library keeps that work whatever happens next.
 *
 * Tasks (one JSON line on stdin, so that the test can start a child before it knows its task):
 * - `save`: saves edits of the given stories back to back, as autosave does, each of a different
 *   length, and now and then runs the library's idle work (search index, WAL checkpoint).
 * - `backup`: the same saves, with backups of the library made one after another meanwhile.
 * - `import`: imports a library bundle; with `killAtStory`, the child kills itself after writing
 *   that many stories, inside the import's transaction.
 *
 * Runs under Node from a bundle the test builds with esbuild (a tsx start costs three times as
 * long, and the test starts a hundred children). A child whose stdin ends without a task exits.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { importBundle } from '../../electron/bundles';
import { openLibraryService } from '../../electron/library';
import type { Paragraph, Section, Story } from '../../shared/model';

export type CrashTask =
  | { mode: 'save' | 'backup'; library: string; storyIds: string[]; seed: number }
  | { mode: 'import'; library: string; bundle: string; onConflict: 'skip' | 'replace'; killAtStory?: number };

export type CrashEvent =
  | { event: 'ready'; pid: number }
  | { event: 'saved'; id: string; revision: number; sha256: string }
  | { event: 'backed-up'; path: string }
  | { event: 'imported'; count: number };

/** What an acknowledgement of a save names: the SHA-256 of the saved story as the library stores it. */
export function storyHash(story: Story): string {
  return createHash('sha256').update(JSON.stringify(story)).digest('hex');
}

/** The title word that finds one saved revision by search: unique per story, revision and child. */
export function searchMarker(seed: number, storyIndex: number, revision: number): string {
  return `m${seed.toString(36)}s${storyIndex}r${revision}`;
}

/** mulberry32: a small seeded generator, so that a failing run can be repeated from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Words of the seed page's kind, with its non-breaking hyphen and narrow no-break space: the
// stored JSON must keep them byte for byte through a crash too.
const WORDS = ['Warsaw', 'security', 'talks', 'defence', 'ministers', 'K2\u2011tanks', 'Seoul', 'agreement', 'late\u202f2024', 'export', 'contract', 'Poland'];

/** Paragraphs holding about `length` characters of text. */
function paragraphsOf(random: () => number, length: number): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let words: string[] = [];
  let written = 0;
  while (written < length) {
    const word = WORDS[Math.floor(random() * WORDS.length)] as string;
    words.push(word);
    written += word.length + 1;
    if (words.length >= 60 || written >= length) {
      paragraphs.push({ type: 'paragraph', content: [{ type: 'text', text: `${words.join(' ')}.` }] });
      words = [];
    }
  }
  return paragraphs;
}

/**
 * The next edit of a story: a new title with a search marker and one to five sections whose text
 * runs from a few words to some 16 KB (log-uniform), so that saves differ widely in length.
 */
function nextEdit(story: Story, storyIndex: number, seed: number, random: () => number): Story {
  const revision = story.revision + 1;
  const length = Math.round(40 * Math.exp(random() * Math.log(400)));
  const sectionCount = 1 + Math.floor(random() * 5);
  const sections: Section[] = Array.from({ length: sectionCount }, (_, index) => ({
    id: `crash-section-${index}`,
    heading: `Part ${index + 1}, edit ${revision}`,
    body: paragraphsOf(random, Math.ceil(length / sectionCount)),
  }));
  return { ...story, title: `Crash story ${storyIndex}: edit ${revision} ${searchMarker(seed, storyIndex, revision)}`, sections };
}

function report(event: CrashEvent): void {
  // stdout to a pipe is written synchronously on Linux: once this returns, the line is in the
  // pipe, and a SIGKILL cannot take the acknowledgement back.
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

/** Gives timers and the backup's steps a turn between two saves, as an editor's typing does. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Opens the library as the app does, but without its quick check at start: the test checks the
 * whole file after every kill already, and a hundred children would read it a hundred times more.
 */
function openLibrary(file: string) {
  return openLibraryService(file, { quickCheck: false });
}

async function saveForever(task: Extract<CrashTask, { mode: 'save' | 'backup' }>): Promise<never> {
  const { store, service } = openLibrary(task.library);
  const random = seededRandom(task.seed);
  const stories = await Promise.all(task.storyIds.map((id) => service.getStory({ id })));
  report({ event: 'ready', pid: process.pid });

  if (task.mode === 'backup') {
    void (async () => {
      for (;;) report({ event: 'backed-up', path: (await service.backupLibrary({})).path });
    })();
  }
  let untilIdleWork = 5 + Math.floor(random() * 20);
  for (;;) {
    const index = Math.floor(random() * stories.length);
    const current = stories[index] as Story;
    const saved = await service.saveStory({ story: nextEdit(current, index, task.seed, random), baseRevision: current.revision });
    report({ event: 'saved', id: saved.id, revision: saved.revision, sha256: storyHash(saved) });
    stories[index] = saved;
    untilIdleWork -= 1;
    if (untilIdleWork === 0) {
      // The work the library does when the editor pauses, so that kills land in it too.
      store.runIdleWork();
      untilIdleWork = 5 + Math.floor(random() * 20);
    }
    await nextTurn();
  }
}

async function importOnce(task: Extract<CrashTask, { mode: 'import' }>): Promise<void> {
  const { store, service } = openLibrary(task.library);
  const bytes = fs.readFileSync(task.bundle);
  report({ event: 'ready', pid: process.pid });
  let count: number;
  if (task.killAtStory === undefined) {
    count = (await service.importBundle({ data: bytes.toString('base64'), onConflict: task.onConflict })).imported.length;
  } else {
    // The service's own import, with a progress callback that dies inside the transaction.
    const killAt = task.killAtStory;
    count = importBundle(store, new Uint8Array(bytes), {
      onConflict: task.onConflict,
      onProgress: (done, _total, stage) => {
        if (stage === 'writing' && done === killAt) process.kill(process.pid, 'SIGKILL');
      },
    }).imported.length;
  }
  report({ event: 'imported', count });
  store.close();
}

/** The first line of stdin, or undefined when stdin ends before one. */
async function readTask(): Promise<CrashTask | undefined> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    const end = text.indexOf('\n');
    if (end >= 0) {
      process.stdin.destroy();
      return JSON.parse(text.slice(0, end)) as CrashTask;
    }
  }
  return undefined;
}

// Run only as a process's entry point: the test imports this file for its types and helpers.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const task = await readTask();
  if (task?.mode === 'import') await importOnce(task);
  else if (task) await saveForever(task);
}
