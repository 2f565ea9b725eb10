/**
 * Run by test/helpers/as-nobody.ts in a child process as the user nobody, where file permissions
 * apply (the tests themselves run as root, which ignores them). Takes one JSON argument: a
 * scenario of steps against a library, or a command line to run. Reports each step as a line
 * `STEP <json>`; a `wait` step prints `WAIT` and goes on once the parent writes a line to stdin
 * (meanwhile the parent changes permissions). The last line is `DONE`.
 */
import readline from 'node:readline';
import { main } from '../../electron/cli';
import { writeSite } from '../../electron/exports';
import { openLibraryService } from '../../electron/library';

export type ChildStep =
  | { do: 'open'; file: string }
  | { do: 'read'; id: string }
  | { do: 'save'; id: string; dek: string }
  | { do: 'search'; query: string }
  | { do: 'site'; folder: string }
  | { do: 'close' }
  | { do: 'wait' }
  | { do: 'cli'; argv: string[] };

/** What a step did: its answer, or the error it met (name, code, reason and message). */
export interface StepOutcome {
  step: ChildStep['do'];
  ok: boolean;
  value?: unknown;
  error?: { name: string; code?: string; reason?: string; message: string };
}

const steps = JSON.parse(process.argv[2] ?? '[]') as ChildStep[];
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
let library: ReturnType<typeof openLibraryService> | undefined;

function opened(): ReturnType<typeof openLibraryService> {
  if (!library) throw new Error('no library is open: open one first');
  return library;
}

async function run(step: ChildStep): Promise<unknown> {
  switch (step.do) {
    case 'open':
      library = openLibraryService(step.file, { author: 'Nobody', withSample: false });
      // As the app learns it: the workbench says so as soon as the library opens.
      return { readOnly: (await library.service.getLibraryInfo({})).readOnly };
    case 'read':
      return opened().service.getStory({ id: step.id });
    case 'save': {
      const { service } = opened();
      const story = await service.getStory({ id: step.id });
      return service.saveStory({ story: { ...story, dek: step.dek }, baseRevision: story.revision });
    }
    case 'search':
      return (await opened().service.searchStories({ query: step.query })).map((hit) => hit.story.id);
    case 'site': {
      const { store, service } = opened();
      const stories = await Promise.all((await service.listStories({})).map((summary) => service.getStory({ id: summary.id })));
      return writeSite(store, stories, step.folder);
    }
    case 'close':
      opened().store.close();
      library = undefined;
      return null;
    case 'wait':
      process.stdout.write('WAIT\n');
      await lines.next();
      return null;
    case 'cli': {
      let stdout = '';
      let stderr = '';
      const code = await main(step.argv, {
        stdout: (text) => (stdout += text),
        stderr: (text) => (stderr += text),
        env: { HOME: '/nonexistent' },
        isTerminal: false,
      });
      return { code, stdout, stderr };
    }
  }
}

for (const step of steps) {
  let outcome: StepOutcome;
  try {
    outcome = { step: step.do, ok: true, value: await run(step) };
  } catch (error) {
    const { name, message, code, details } = error as Error & { code?: string; details?: { reason?: string } };
    outcome = { step: step.do, ok: false, error: { name, message, ...(code !== undefined ? { code } : {}), ...(details?.reason !== undefined ? { reason: details.reason } : {}) } };
  }
  process.stdout.write(`STEP ${JSON.stringify(outcome)}\n`);
}
library?.store.close();
process.stdout.write('DONE\n');
process.exit(0);
