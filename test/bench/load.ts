/**
 * The load script (`npm run load [-- --seconds N --clients N --warmup N]`): browser mode's server
 * under many pages at once. The server runs alone in a child process (so that its memory is its
 * own), started as `npm run serve` starts it (startServe: its automatic backups and revision
 * thinning run too), on a fresh 200-story library; 20 clients in this process, each with the HTTP client of
 * shared/http-client.ts, loop listStories, searchStories, then getStory + saveStory of stories
 * that client alone owns, for a warm-up (75 s) and then the measured phase (60 s). The warm-up
 * takes in the server's first upkeep a minute after start (an automatic backup, whose copy
 * leaves SQLite's pages with the allocator), so that memory after it is the server's steady state. It reports
 * throughput and p50/p99 latency per call, and checks, failing with a non-zero exit code:
 *
 * - no call failed (no error of any kind, no internal error in the server's log);
 * - no save was lost or mixed up: each owned story holds its client's last acknowledged save,
 *   its revisions are exactly the acknowledged saves in order, and no other story changed;
 * - the server's memory at the end is within 10 % of its memory after the warm-up, judged both on
 *   the V8 heap after a forced full GC (the child runs with --expose-gc), which is what a leak in
 *   the server's script would grow, and on the resident set (VmRSS from /proc/<pid>/status), which
 *   also holds SQLite's page cache and what the allocator keeps after a peak.
 *
 * It is a script, not a test (its figures are timings). It stops itself: at the deadline the
 * clients finish the call in hand and stop, and the child is killed on any way out.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ApiHandlers } from '../../shared/api';
import type { Story } from '../../shared/model';
import { createHttpClient } from '../../shared/http-client';
import { startServe } from '../../electron/server/serve';
import { createBenchLibrary, DEFAULT_SEED } from './generate';
import { distributionOf, elapsedMs, startTimer } from './measure';
import { describeMachine, printReport, singleValue, writeReport, type BenchReport, type ResultRow } from './report';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS_FILE = path.join(PROJECT_ROOT, 'bench-results', 'load.json');
const THIS_SCRIPT = fileURLToPath(import.meta.url);
const MB = 1024 * 1024;
/** The largest growth of the server's heap (after GC) from the warm-up to the end. */
const MEMORY_TOLERANCE = 0.1;
/** What the clients search for: a common word, a rarer one, a prefix, a name, two words. */
const SEARCH_TERMS = ['security', 'Warsaw', 'fisheries', 'sec', 'Amber Heron', 'talks Seoul'];

// ---------------------------------------------------------------------------------------------
// What the server's process and this one say to each other (over the IPC channel of fork)
// ---------------------------------------------------------------------------------------------

interface MemorySample {
  /** process.memoryUsage() before the forced GC. */
  heapUsedMB: number;
  /** process.memoryUsage().heapUsed after two full GCs: what the server really holds. */
  heapAfterGcMB: number;
  externalMB: number;
  rssMB: number;
  /** VmRSS from /proc/<pid>/status, read by this process. */
  procRssMB?: number;
  /** CPU time the server's process has used so far (user + system). */
  cpuMs: number;
}

type ChildMessage =
  | { type: 'ready'; url: string; token: string; storyIds: string[]; sqlite: string; buildMs: number }
  | { type: 'memory'; sample: MemorySample }
  | { type: 'failed'; message: string };

type ParentMessage = { type: 'memory' } | { type: 'stop' };

// ---------------------------------------------------------------------------------------------
// The server's process
// ---------------------------------------------------------------------------------------------

function forcedGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the server process needs --expose-gc');
  gc();
  gc();
}

async function runServerChild(folder: string, stories: number): Promise<void> {
  const send = (message: ChildMessage) => process.send?.(message);
  // This process lives only as long as the script that started it.
  process.on('disconnect', () => process.exit(1));
  const library = path.join(folder, 'library.storydesk');
  const built = createBenchLibrary(library, { storyCount: stories, seed: DEFAULT_SEED });
  const { storyIds, buildMs } = built;
  built.store.close();
  // Browser mode as `npm run serve` starts it, automatic backups and revision thinning included.
  // Its stderr gets only what goes wrong (internal errors, failed maintenance): each line fails the run.
  const started = await startServe(['--library', library, '--port', '0'], {
    stdout: () => undefined,
    stderr: (text) => process.stderr.write(text),
    env: {},
  });
  if (typeof started === 'number') throw new Error(`npm run serve would have exited with code ${started}`);
  const { server, store } = started;
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'memory') {
      const cpu = process.cpuUsage();
      const before = process.memoryUsage();
      forcedGc();
      const after = process.memoryUsage();
      send({
        type: 'memory',
        sample: { heapUsedMB: before.heapUsed / MB, heapAfterGcMB: after.heapUsed / MB, externalMB: after.external / MB, rssMB: after.rss / MB, cpuMs: (cpu.user + cpu.system) / 1000 },
      });
    } else if (message.type === 'stop') {
      void started.stop().finally(() => process.exit(0));
    }
  });
  const sqlite = String(store.db.prepare('SELECT sqlite_version()').pluck().get());
  send({ type: 'ready', url: server.url, token: server.token, storyIds, sqlite, buildMs });
}

// ---------------------------------------------------------------------------------------------
// The clients
// ---------------------------------------------------------------------------------------------

type CallKind = 'list' | 'search' | 'get' | 'save';
const CALL_KINDS: readonly CallKind[] = ['list', 'search', 'get', 'save'];

interface Timing {
  kind: CallKind;
  /** When the call started, in ms since the run began. */
  startedAt: number;
  ms: number;
}

interface Acknowledged {
  marker: string;
  revision: number;
}

/** One owned story as the client knows it: what it started as and every save acknowledged. */
interface OwnedStory {
  id: string;
  initialRevision: number;
  initialDek: string | undefined;
  acknowledged: Acknowledged[];
}

interface Failure {
  client: number;
  kind: CallKind | 'check';
  message: string;
}

interface Run {
  /** The run's clock: ms since the clients started. */
  now: () => number;
  /** Clients start no call after this (ms on the run's clock). */
  stopAt: number;
  timings: Timing[];
  failures: Failure[];
}

const markerOf = (client: number, sequence: number) => `load client ${client} save ${sequence}`;

async function runClient(client: number, api: ApiHandlers, owned: OwnedStory[], run: Run): Promise<void> {
  let sequence = 0;
  const timed = async <T>(kind: CallKind, call: () => Promise<T>): Promise<T | undefined> => {
    const startedAt = run.now();
    try {
      const result = await call();
      run.timings.push({ kind, startedAt, ms: run.now() - startedAt });
      return result;
    } catch (error) {
      run.failures.push({ client, kind, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      return undefined;
    }
  };
  while (run.now() < run.stopAt) {
    await timed('list', () => api.listStories({}));
    if (run.now() >= run.stopAt) break;
    await timed('search', () => api.searchStories({ query: SEARCH_TERMS[(client + sequence) % SEARCH_TERMS.length] ?? 'security' }));
    if (run.now() >= run.stopAt) break;
    const story = owned[sequence % owned.length];
    if (story === undefined) break;
    const stored = await timed('get', () => api.getStory({ id: story.id }));
    if (stored === undefined) continue;
    // Only this client writes this story: what it reads must be its own last save.
    const last = story.acknowledged.at(-1);
    const expectedRevision = last?.revision ?? story.initialRevision;
    const expectedDek = last?.marker ?? story.initialDek;
    if (stored.revision !== expectedRevision || stored.dek !== expectedDek) {
      run.failures.push({
        client,
        kind: 'check',
        message: `${story.id} read back as revision ${stored.revision} with dek ${JSON.stringify(stored.dek)}; its last acknowledged save was revision ${expectedRevision} with ${JSON.stringify(expectedDek)}`,
      });
    }
    sequence += 1;
    const marker = markerOf(client, sequence);
    const changed: Story = { ...stored, dek: marker };
    const saved = await timed('save', () => api.saveStory({ story: changed, baseRevision: stored.revision, summary: marker }));
    if (saved !== undefined) story.acknowledged.push({ marker, revision: saved.revision });
  }
}

// ---------------------------------------------------------------------------------------------
// Checking the library afterwards
// ---------------------------------------------------------------------------------------------

async function checkLibrary(api: ApiHandlers, owners: Map<string, { client: number; story: OwnedStory }>, initialRevisions: Map<string, number>): Promise<string[]> {
  const problems: string[] = [];
  for (const [id, { client, story }] of owners) {
    const final = await api.getStory({ id });
    const last = story.acknowledged.at(-1);
    const expectedDek = last?.marker ?? story.initialDek;
    const expectedRevision = last?.revision ?? story.initialRevision;
    if (final.dek !== expectedDek) problems.push(`${id} (client ${client}) holds dek ${JSON.stringify(final.dek)}, not its last acknowledged save ${JSON.stringify(expectedDek)}`);
    if (final.revision !== expectedRevision) problems.push(`${id} (client ${client}) is at revision ${final.revision}, not ${expectedRevision}`);
    const foreign = /^load client (\d+) /.exec(final.dek ?? '');
    if (foreign && Number(foreign[1]) !== client) problems.push(`${id} (client ${client}) holds client ${foreign[1]}'s save`);
    const made = (await api.listRevisions({ storyId: id })).filter((revision) => revision.revision > story.initialRevision).sort((a, b) => a.revision - b.revision);
    const summaries = made.map((revision) => `${revision.revision} ${revision.summary}`);
    const acknowledged = story.acknowledged.map((save) => `${save.revision} ${save.marker}`);
    if (JSON.stringify(summaries) !== JSON.stringify(acknowledged)) {
      problems.push(`${id} (client ${client}) has ${made.length} new revisions for ${story.acknowledged.length} acknowledged saves, or not the same ones`);
    }
  }
  const listed = await api.listStories({});
  if (listed.length !== initialRevisions.size) problems.push(`the library lists ${listed.length} stories, not the ${initialRevisions.size} it started with`);
  for (const summary of listed) {
    if (owners.has(summary.id)) continue;
    if (summary.revision !== initialRevisions.get(summary.id)) problems.push(`${summary.id}, which no client owns, changed to revision ${summary.revision}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

function procRssMB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The server's process, and a way to ask it for its memory. */
interface ServerChild {
  child: ChildProcess;
  ready: Extract<ChildMessage, { type: 'ready' }>;
  memory(): Promise<MemorySample>;
  stop(): Promise<void>;
  /** What the server wrote to stderr: its log of internal errors. */
  log: string[];
}

async function startServerChild(folder: string, stories: number): Promise<ServerChild> {
  const child = fork(THIS_SCRIPT, ['--serve-child', folder, '--stories', String(stories)], {
    cwd: PROJECT_ROOT,
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  const log: string[] = [];
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => log.push(...text.split('\n').filter((line) => line.trim() !== '')));
  const waiting: Array<(sample: MemorySample) => void> = [];
  const ready = await new Promise<Extract<ChildMessage, { type: 'ready' }>>((resolve, reject) => {
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') resolve(message);
      else if (message.type === 'failed') reject(new Error(`the server process failed: ${message.message}`));
      else if (message.type === 'memory') waiting.shift()?.({ ...message.sample, procRssMB: child.pid === undefined ? undefined : procRssMB(child.pid) });
    });
    child.once('exit', (code) => reject(new Error(`the server process ended with code ${code} before it was ready: ${log.join('\n')}`)));
  });
  return {
    child,
    ready,
    log,
    memory: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        child.send({ type: 'memory' } satisfies ParentMessage);
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(killer);
          resolve();
        });
        child.send({ type: 'stop' } satisfies ParentMessage);
      }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Options {
  seconds: number;
  warmup: number;
  clients: number;
  stories: number;
  storiesPerClient: number;
}

function readOptions(): Options | { serveChild: string; stories: number } {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '60' },
      warmup: { type: 'string', default: '75' },
      clients: { type: 'string', default: '20' },
      stories: { type: 'string', default: '200' },
      'stories-per-client': { type: 'string', default: '4' },
      'serve-child': { type: 'string' },
    },
  });
  const number = (name: string, text: string, min: number) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} takes a whole number of at least ${min}, not ${JSON.stringify(text)}`);
    return value;
  };
  const stories = number('stories', values.stories, 2);
  if (values['serve-child'] !== undefined) return { serveChild: values['serve-child'], stories };
  const options = {
    seconds: number('seconds', values.seconds, 1),
    warmup: number('warmup', values.warmup, 0),
    clients: number('clients', values.clients, 1),
    stories,
    storiesPerClient: number('stories-per-client', values['stories-per-client'], 1),
  };
  if (options.clients * options.storiesPerClient > stories - 1) {
    throw new Error(`${options.clients} clients × ${options.storiesPerClient} stories need --stories of at least ${options.clients * options.storiesPerClient + 1}`);
  }
  return options;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function runLoad(options: Options): Promise<number> {
  const started = startTimer();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'storydesk-load-'));
  let server: ServerChild | undefined;
  // Bounded whatever happens: the run's own length, plus time to start, check and stop.
  const hardLimitMs = (options.warmup + options.seconds + 180) * 1000;
  const hardLimit = setTimeout(() => {
    console.error(`load: still running after ${hardLimitMs / 1000} s; stopping the server and giving up`);
    process.exit(1);
  }, hardLimitMs);
  // On any way out, even Ctrl+C or the hard limit, the server's process and the library go too.
  const killChild = () => {
    server?.child.kill('SIGKILL');
    fs.rmSync(folder, { recursive: true, force: true });
  };
  process.on('exit', killChild);
  const onSignal = () => process.exit(130);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    console.log(`load: starting the server with ${options.stories} stories…`);
    server = await startServerChild(folder, options.stories);
    const { url, token, storyIds } = server.ready;
    const api = createHttpClient({ baseUrl: url, token, fetch });

    const initialRevisions = new Map((await api.listStories({})).map((summary) => [summary.id, summary.revision]));
    const owners = new Map<string, { client: number; story: OwnedStory }>();
    const ownedBy: OwnedStory[][] = [];
    // The sample story (storyIds[0]) stays untouched, with the rest of the unowned ones.
    for (let client = 0; client < options.clients; client++) {
      const stories: OwnedStory[] = [];
      for (let index = 0; index < options.storiesPerClient; index++) {
        const id = storyIds[1 + client * options.storiesPerClient + index] as string;
        const stored = await api.getStory({ id });
        const story: OwnedStory = { id, initialRevision: stored.revision, initialDek: stored.dek, acknowledged: [] };
        stories.push(story);
        owners.set(id, { client, story });
      }
      ownedBy.push(stories);
    }

    const runStart = startTimer();
    const run: Run = { now: () => elapsedMs(runStart), stopAt: Number.POSITIVE_INFINITY, timings: [], failures: [] };
    console.log(`load: ${options.clients} clients, warm-up ${options.warmup} s, then ${options.seconds} s measured…`);
    const clients = ownedBy.map((stories, client) => runClient(client, createHttpClient({ baseUrl: url, token, fetch }), stories, run));

    await sleep(options.warmup * 1000);
    const afterWarmup = await server.memory();
    const measureFrom = run.now();
    const clientCpuFrom = process.cpuUsage();
    const loadFrom = os.loadavg()[0] ?? 0;
    await sleep(options.seconds * 1000);
    const measureUntil = run.now();
    const clientCpu = process.cpuUsage(clientCpuFrom);
    const loadUntil = os.loadavg()[0] ?? 0;
    const atEnd = await server.memory();
    run.stopAt = run.now();
    await Promise.all(clients);
    const idle = await server.memory();

    const problems = await checkLibrary(api, owners, initialRevisions);
    // Browser mode's automatic backup comes a minute after it starts, so inside a full run.
    const backups = (await api.listBackups({})).length;
    await server.stop();

    const measured = run.timings.filter((timing) => timing.startedAt >= measureFrom && timing.startedAt < measureUntil);
    const seconds = (measureUntil - measureFrom) / 1000;
    const rows: ResultRow[] = [];
    const operations: Record<CallKind, string> = {
      list: `listStories (${options.stories} summaries)`,
      search: 'searchStories (6 terms in turn)',
      get: 'getStory (an owned story)',
      save: 'saveStory (its dek changed)',
    };
    const throughput: Record<string, number> = {};
    for (const kind of CALL_KINDS) {
      const samples = measured.filter((timing) => timing.kind === kind).map((timing) => timing.ms);
      if (samples.length === 0) continue;
      throughput[kind] = round(samples.length / seconds);
      rows.push({ key: kind, operation: `${operations[kind]}, ${throughput[kind]}/s`, unit: 'ms', measured: distributionOf(samples), details: { calls: samples.length, perSecond: throughput[kind] } });
    }
    throughput.total = round(measured.length / seconds);
    if (measured.length > 0) {
      rows.push({ key: 'all', operation: `all calls, ${throughput.total}/s`, unit: 'ms', measured: distributionOf(measured.map((timing) => timing.ms)), details: { calls: measured.length, perSecond: throughput.total } });
    }
    const heapGrowth = atEnd.heapAfterGcMB / afterWarmup.heapAfterGcMB - 1;
    const rssAfterWarmup = afterWarmup.procRssMB ?? afterWarmup.rssMB;
    const rssAtEnd = atEnd.procRssMB ?? atEnd.rssMB;
    const rssGrowth = rssAtEnd / rssAfterWarmup - 1;
    const within = `≤ +${MEMORY_TOLERANCE * 100} % of after warm-up`;
    rows.push(
      { key: 'heap-after-warmup', operation: 'server heap after GC, after warm-up', unit: 'MB', measured: singleValue(afterWarmup.heapAfterGcMB) },
      {
        key: 'heap-at-end',
        operation: `server heap after GC, at the end (${heapGrowth >= 0 ? '+' : ''}${round(heapGrowth * 100)} %)`,
        unit: 'MB',
        measured: singleValue(atEnd.heapAfterGcMB),
        target: { description: within, met: heapGrowth <= MEMORY_TOLERANCE },
      },
      { key: 'rss-after-warmup', operation: 'server RSS, after warm-up', unit: 'MB', measured: singleValue(rssAfterWarmup) },
      {
        key: 'rss-at-end',
        operation: `server RSS, at the end (${rssGrowth >= 0 ? '+' : ''}${round(rssGrowth * 100)} %)`,
        unit: 'MB',
        measured: singleValue(rssAtEnd),
        target: { description: within, met: rssGrowth <= MEMORY_TOLERANCE },
      },
    );

    const serverErrors = server.log;
    const serverCpuSeconds = (atEnd.cpuMs - afterWarmup.cpuMs) / 1000;
    const clientCpuSeconds = (clientCpu.user + clientCpu.system) / 1e6;
    const machine = { ...describeMachine(), sqlite: server.ready.sqlite };
    const report: BenchReport = {
      benchmark: 'load',
      date: new Date().toISOString(),
      machine,
      library: {
        stories: options.stories,
        seed: DEFAULT_SEED,
        clients: options.clients,
        storiesPerClient: options.storiesPerClient,
        warmupSeconds: options.warmup,
        measuredSeconds: round(seconds, 2),
        buildMs: round(server.ready.buildMs),
        throughputPerSecond: throughput,
        savesAcknowledged: [...owners.values()].reduce((sum, { story }) => sum + story.acknowledged.length, 0),
        automaticBackups: backups,
        failures: run.failures.length,
        failureSamples: run.failures.slice(0, 20),
        serverLogLines: serverErrors.slice(0, 20),
        libraryProblems: problems.slice(0, 50),
        memory: { afterWarmup, atEnd, afterClientsStopped: idle, judgedOn: ['heapAfterGcMB', 'rss'], heapGrowth, rssGrowth },
        cpuSecondsInMeasuredPhase: { server: round(serverCpuSeconds, 2), clients: round(clientCpuSeconds, 2) },
        loadAverage: { atStart: round(loadFrom, 2), atEnd: round(loadUntil, 2), cores: os.cpus().length },
      },
      rows,
      durationSeconds: elapsedMs(started) / 1000,
    };
    writeReport(RESULTS_FILE, report);
    printReport(report);
    console.log('');
    console.log(`Throughput: ${throughput.total} calls/s (${CALL_KINDS.map((kind) => `${kind} ${throughput[kind] ?? 0}/s`).join(', ')}), ${measured.length} calls in ${round(seconds)} s.`);
    console.log(
      `CPU in the measured phase: server ${round(serverCpuSeconds)} s (${round((serverCpuSeconds / seconds) * 100, 0)} % of a core), ` +
        `clients ${round(clientCpuSeconds)} s (${round((clientCpuSeconds / seconds) * 100, 0)} %); load average ${round(loadFrom, 2)} → ${round(loadUntil, 2)} on ${os.cpus().length} cores.`,
    );
    console.log(`Saves acknowledged: ${report.library.savesAcknowledged as number}, all checked against the library afterwards; automatic backups taken meanwhile: ${backups}.`);
    console.log(
      `Server memory (heap after GC / RSS): after warm-up ${round(afterWarmup.heapAfterGcMB)} / ${round(rssAfterWarmup)} MB, at the end ${round(atEnd.heapAfterGcMB)} / ${round(rssAtEnd)} MB, ` +
        `once the clients stopped ${round(idle.heapAfterGcMB)} / ${round(idle.procRssMB ?? idle.rssMB)} MB.`,
    );

    const failed: string[] = [];
    if (run.failures.length > 0) failed.push(`${run.failures.length} calls failed or read back wrong, first: ${run.failures.slice(0, 3).map((failure) => `client ${failure.client} ${failure.kind}: ${failure.message}`).join('; ')}`);
    if (serverErrors.length > 0) failed.push(`the server logged ${serverErrors.length} lines, first: ${serverErrors[0]}`);
    if (problems.length > 0) failed.push(`the library does not hold what the clients saved: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`);
    if (heapGrowth > MEMORY_TOLERANCE) failed.push(`the server's heap after GC grew by ${round(heapGrowth * 100)} % (${round(afterWarmup.heapAfterGcMB)} → ${round(atEnd.heapAfterGcMB)} MB), more than ${MEMORY_TOLERANCE * 100} %`);
    if (rssGrowth > MEMORY_TOLERANCE) failed.push(`the server's resident memory grew by ${round(rssGrowth * 100)} % (${round(rssAfterWarmup)} → ${round(rssAtEnd)} MB), more than ${MEMORY_TOLERANCE * 100} %`);
    console.log(`Results written to ${path.relative(PROJECT_ROOT, RESULTS_FILE)}; the run took ${round(report.durationSeconds, 0)} s.`);
    if (failed.length > 0) {
      console.error(`\nload: FAILED\n- ${failed.join('\n- ')}`);
      return 1;
    }
    console.log('load: passed: no errors, no lost or mixed-up save, the heap and the resident memory within 10 %.');
    return 0;
  } finally {
    clearTimeout(hardLimit);
    if (server !== undefined && server.child.exitCode === null) await server.stop();
    process.off('exit', killChild);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

const options = readOptions();
if ('serveChild' in options) {
  await runServerChild(options.serveChild, options.stories).catch((error: unknown) => {
    process.send?.({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies ChildMessage);
    process.exit(1);
  });
} else {
  process.exitCode = await runLoad(options).catch((error: unknown) => {
    console.error(`load: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  });
}
