/**
 * The `storydesk` command line: the library without the window. Every command takes
 * `--library PATH` (else STORYDESK_LIBRARY, else the default library) and `--json`. Exit code 0
 * on success, 1 with a one-line reason on failure, 2 for a command line that cannot be read.
 */
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { EXPORT_FORMATS, IMPORT_CONFLICT_CHOICES, type ExportFormat, type RevisionSummary, type SearchHit } from '../shared/api';
import { reviewCoverage, rulesForStory } from '../shared/coverage';
import type { CoverageReport } from '../shared/coverage-schema';
import { NotFoundError, PublishBlockedError, StorydeskError } from '../shared/errors';
import { STORY_STATUSES, type Story, type StorySummary } from '../shared/model';
import { renderStoryText } from '../shared/page-text';
import { formatCoverageReport, readRulesFile, readStoryFile, UnreadableInputError } from './cli-check';
import { exportCommand, importCommand, progressLine } from './cli-transfer';
import type { ImportConflictChoice } from './bundles';
import { openLibraryService } from './library';
import { resolveLibraryPath } from './paths';
import { listBackups, restoreBackup } from './store/backups';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (matches are then highlighted in colour). */
  isTerminal: boolean;
}

const USAGE = `Usage: storydesk <command> [options]

Commands:
  list                     the stories in the library (--trash for the trash, --status S, --feed F)
  show ID                  a story as its page reads (ID, slug or the start of an ID)
  search TEXT              full-text search, best matches first (--limit N)
  check ID|FILE            the coverage review of a story in the library or of a story JSON file
                           (--rules FILE to lay rules over the library's and the story's);
                           exit 0 without blockers, 1 with blockers, 2 if the input cannot be read
  status ID STATUS         set a story's status: draft, review or published; publishing a story
                           with blockers needs --reason TEXT, which its history keeps
  history ID               a story's revisions: when, who, what, and any override reason
  rules                    the library's coverage rules (--set FILE to replace them)
  export ID... --format F  export stories: html, bundle, site, timelinejs, ninjs or csl
                           (--out PATH; --all for every story; several stories as a bundle make
                           a library bundle, as a site one folder; --final passes the publish
                           gate, with --reason TEXT to override blockers)
  import FILE...           import story or library bundles and pages copied as text
                           (--on-conflict copy|replace|skip for stories the library holds; default copy)
  backup                   back up the library now (old backups are pruned by the retention policy)
  backups                  the library's backups, newest first
  verify                   read the whole library to find damage (exit 1 if any)
  restore-backup FILE      replace the library with a backup (--latest for the newest one);
                           the library it replaces is backed up first
  start                    open the library (creating it with the sample story) and show it

Options:
  --library PATH           the library file (default: STORYDESK_LIBRARY, else the user-data folder)
  --json                   machine-readable output
  -h, --help               this help
`;

class UsageError extends Error {}

const defaultIo = (): CliIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  isTerminal: Boolean(process.stdout.isTTY),
});

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function summaryTable(stories: readonly StorySummary[]): string {
  if (stories.length === 0) return 'No stories.\n';
  const rows = stories.map((story) => [story.id, story.status, story.updatedAt.slice(0, 16).replace('T', ' '), String(story.sourceCount), story.feed, story.title]);
  const header = ['ID', 'STATUS', 'UPDATED (UTC)', 'SOURCES', 'FEED', 'TITLE'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : pad(cell, widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

function searchResults(hits: readonly SearchHit[], isTerminal: boolean): string {
  if (hits.length === 0) return 'No matches.\n';
  const highlight = (text: string) => (isTerminal ? `\u001b[1;33m${text}\u001b[0m` : `«${text}»`);
  return (
    hits
      .map((hit) => {
        const snippet = hit.snippet.map((segment) => (segment.match ? highlight(segment.text) : segment.text)).join('').replace(/\s+/g, ' ');
        return `${hit.story.title || '(untitled)'}  [${hit.story.id}]\n  ${hit.field}: ${snippet}`;
      })
      .join('\n') + '\n'
  );
}

function historyTable(revisions: readonly RevisionSummary[]): string {
  return (
    revisions
      .map((revision) => {
        const line = `${String(revision.revision).padStart(4)}  ${revision.savedAt.slice(0, 19).replace('T', ' ')}  ${revision.author}  ${revision.summary}`;
        return revision.overrideReason === undefined ? line : `${line}\n        override reason: ${revision.overrideReason}`;
      })
      .join('\n') + '\n'
  );
}

/** The argument of `check` when it names an existing file rather than a story. */
function storyFileArgument(argument: string): string | undefined {
  try {
    return fs.statSync(argument).isFile() ? argument : undefined;
  } catch {
    return /\.json$/i.test(argument) ? argument : undefined;
  }
}

/** Finds a story by exact id, then slug, then a unique start of an id. */
function resolveStoryId(stories: readonly StorySummary[], wanted: string): string {
  const exact = stories.find((story) => story.id === wanted) ?? stories.find((story) => story.slug === wanted);
  if (exact) return exact.id;
  const prefixed = stories.filter((story) => story.id.startsWith(wanted));
  if (prefixed.length === 1 && prefixed[0]) return prefixed[0].id;
  if (prefixed.length > 1) throw new UsageError(`"${wanted}" matches ${prefixed.length} stories; give more of the id`);
  return wanted;
}

function positional(positionals: string[], index: number, name: string): string {
  const value = positionals[index];
  if (value === undefined || value === '') throw new UsageError(`missing ${name}`);
  return value;
}

export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        library: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        trash: { type: 'boolean', default: false },
        status: { type: 'string' },
        feed: { type: 'string' },
        limit: { type: 'string' },
        latest: { type: 'boolean', default: false },
        rules: { type: 'string' },
        reason: { type: 'string' },
        set: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        all: { type: 'boolean', default: false },
        final: { type: 'boolean', default: false },
        'on-conflict': { type: 'string' },
      },
    });
  } catch (error) {
    io.stderr(`storydesk: ${(error as Error).message}\nRun storydesk --help for the commands.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || command === undefined || command === 'help') {
    (command === undefined && !values.help ? io.stderr : io.stdout)(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }

  const libraryPath = resolveLibraryPath(values.library, { platform: process.platform, env: io.env, home: io.env.HOME || os.homedir() });
  const print = (value: unknown, text: () => string) => io.stdout(values.json ? `${JSON.stringify(value, null, 2)}\n` : text());
  /** Prints a review; the exit code says whether it found blockers. */
  const printReview = (story: Story, report: CoverageReport): number => {
    print({ storyId: story.id, title: story.title, ...report }, () => formatCoverageReport(story, report));
    return report.counts.blocker > 0 ? 1 : 0;
  };

  try {
    if (command === 'restore-backup') {
      const file = values.latest ? listBackups(libraryPath)[0]?.path : positionals[1];
      if (!file) throw new UsageError(values.latest ? `there are no backups of ${libraryPath}` : 'missing the backup FILE (or --latest)');
      const result = await restoreBackup(libraryPath, file);
      print({ library: libraryPath, restoredFrom: file, ...result }, () =>
        `Restored ${libraryPath} from ${file}.\n` + (result.previous ? `The library it replaced was kept as ${result.previous}.\n` : ''),
      );
      return 0;
    }
    if (command === 'backups') {
      const backups = listBackups(libraryPath).map((backup) => ({ ...backup, createdAt: backup.createdAt.toISOString() }));
      print(backups, () =>
        backups.length === 0 ? `No backups of ${libraryPath} yet.\n` : backups.map((backup) => `${backup.createdAt}  ${backup.byteLength} bytes  ${backup.path}`).join('\n') + '\n',
      );
      return 0;
    }

    const known = ['list', 'show', 'search', 'check', 'status', 'history', 'rules', 'export', 'import', 'backup', 'verify', 'start'];
    if (!known.includes(command)) throw new UsageError(`unknown command "${command}"`);
    const extraRules = command === 'check' && values.rules !== undefined ? readRulesFile(values.rules) : undefined;
    const checkFile = command === 'check' ? storyFileArgument(positional(positionals, 1, 'story ID or FILE')) : undefined;
    // A story file is checked without a library unless one was named: checking a file should not create one.
    if (checkFile !== undefined && values.library === undefined) {
      const story = readStoryFile(checkFile);
      return printReview(story, reviewCoverage(story, rulesForStory(story, undefined, extraRules)));
    }
    const { store, service } = openLibraryService(libraryPath);
    // Said on stderr, so that a mistyped --library is noticed and --json output stays clean.
    if (store.created) io.stderr(`Created a new library at ${libraryPath}, with the sample story.\n`);
    try {
      switch (command) {
        case 'list': {
          const status = values.status as StorySummary['status'] | undefined;
          if (status !== undefined && !STORY_STATUSES.includes(status)) throw new UsageError(`--status takes one of ${STORY_STATUSES.join(', ')}`);
          const stories = await service.listStories({ in: values.trash ? 'trash' : 'active', ...(status ? { status } : {}), ...(values.feed !== undefined ? { feed: values.feed } : {}) });
          print(stories, () => summaryTable(stories));
          break;
        }
        case 'show': {
          const id = resolveStoryId(await service.listStories({}), positional(positionals, 1, 'story ID'));
          const story = await service.getStory({ id });
          print(story, () => `${renderStoryText(story)}\n`);
          break;
        }
        case 'search': {
          const query = positionals.slice(1).join(' ');
          if (!query.trim()) throw new UsageError('missing the TEXT to search for');
          const limit = values.limit === undefined ? undefined : Number(values.limit);
          if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError('--limit takes a whole number above 0');
          const hits = await service.searchStories({ query, ...(limit ? { limit } : {}) });
          print(hits, () => searchResults(hits, io.isTerminal));
          break;
        }
        case 'check': {
          if (checkFile !== undefined) {
            const story = readStoryFile(checkFile);
            const { library } = await service.getCoverageRules({});
            return printReview(story, reviewCoverage(story, rulesForStory(story, library, extraRules)));
          }
          const id = resolveStoryId(await service.listStories({ in: 'active' }), positional(positionals, 1, 'story ID or FILE'));
          let story;
          try {
            story = await service.getStory({ id });
          } catch (error) {
            if (error instanceof NotFoundError) throw new UnreadableInputError(`there is no story "${id}" in ${libraryPath}, and no file of that name`);
            throw error;
          }
          return printReview(story, await service.reviewStory({ id, ...(extraRules ? { rules: extraRules } : {}) }));
        }
        case 'status': {
          const id = resolveStoryId(await service.listStories({}), positional(positionals, 1, 'story ID'));
          const status = positional(positionals, 2, 'STATUS') as StorySummary['status'];
          if (!STORY_STATUSES.includes(status)) throw new UsageError(`STATUS is one of ${STORY_STATUSES.join(', ')}`);
          const current = await service.getStory({ id });
          try {
            const story = await service.setStoryStatus({ id, status, baseRevision: current.revision, ...(values.reason !== undefined ? { overrideReason: values.reason } : {}) });
            print(story, () => `«${story.title}» is now ${story.status} (revision ${story.revision}).
`);
          } catch (error) {
            if (!(error instanceof PublishBlockedError) || values.json) throw error;
            io.stderr(
              `storydesk: «${current.title}» has ${error.blockers.length} blocker${error.blockers.length === 1 ? '' : 's'} and was not published:
` +
                error.blockers.map((blocker) => `  ✗ ${blocker.place}: ${blocker.message}
`).join('') +
                'Fix them, or publish anyway with --reason TEXT; the reason is kept in the story\'s history.\n',
            );
            return 1;
          }
          break;
        }
        case 'history': {
          const stories = [...(await service.listStories({ in: 'active' })), ...(await service.listStories({ in: 'trash' }))];
          const id = resolveStoryId(stories, positional(positionals, 1, 'story ID'));
          const revisions = await service.listRevisions({ storyId: id });
          print(revisions, () => historyTable(revisions));
          break;
        }
        case 'rules': {
          const settings = values.set === undefined ? await service.getCoverageRules({}) : await service.setCoverageRules({ rules: readRulesFile(values.set) });
          print(settings, () =>
            `Coverage rules of ${libraryPath}${values.set === undefined ? '' : ' (updated)'}:
` +
            `  set by the library: ${JSON.stringify(settings.library)}
` +
            `  in force (with the defaults): ${JSON.stringify(settings.effective, null, 2).replace(/\n/g, '\n  ')}
` +
            'A story\'s own rules (its coverageRules field) apply over these.\n',
          );
          break;
        }
        case 'export': {
          const format = values.format;
          if (format === undefined || !(EXPORT_FORMATS as readonly string[]).includes(format) && format !== 'site') {
            throw new UsageError(`--format takes one of ${[...EXPORT_FORMATS, 'site'].join(', ')}`);
          }
          const active = await service.listStories({});
          const wanted = positionals.slice(1);
          if (values.all === (wanted.length > 0)) throw new UsageError(values.all ? 'give story IDs or --all, not both' : 'missing the story IDs to export (or --all)');
          const ids = values.all ? active.map((story) => story.id) : wanted.map((id) => resolveStoryId(active, id));
          const progress = progressLine(io, ids.length, 'Exporting');
          const result = await exportCommand(store, service, { ids, format: format as ExportFormat | 'site', out: values.out, final: values.final, reason: values.reason, progress });
          progress.done();
          print(result, () => `${result.summary}\n${result.notes.map((note) => `  note: ${note}\n`).join('')}`);
          break;
        }
        case 'import': {
          const files = positionals.slice(1);
          if (files.length === 0) throw new UsageError('missing the FILE to import');
          const onConflict = values['on-conflict'] ?? 'copy';
          if (!(IMPORT_CONFLICT_CHOICES as readonly string[]).includes(onConflict)) throw new UsageError(`--on-conflict takes one of ${IMPORT_CONFLICT_CHOICES.join(', ')}`);
          const progress = progressLine(io, files.length, 'Importing');
          const results = await importCommand(store, service, files, onConflict as ImportConflictChoice, progress);
          progress.done();
          print(results, () => results.map((result) => result.summary).join(''));
          if (results.some((result) => result.error !== undefined)) return 1;
          break;
        }
        case 'backup': {
          const result = await service.backupLibrary({});
          print(result, () =>
            `Backed up ${libraryPath}\n  to ${result.path} (${result.byteLength} bytes).\n` +
            (result.removed.length ? `Removed ${result.removed.length} older backup(s) under the retention policy.\n` : ''),
          );
          break;
        }
        case 'verify': {
          const result = await service.verifyLibrary({});
          print(result, () =>
            result.problems.length === 0
              ? `${result.path}: no damage found.\n`
              : `${result.path} is damaged:\n${result.problems.map((problem) => `  ${problem}`).join('\n')}\nRestore it from a backup (storydesk restore-backup --latest).\n`,
          );
          if (result.problems.length > 0) return 1;
          break;
        }
        case 'start': {
          const stories = await service.listStories({});
          print({ library: libraryPath, stories }, () =>
            `Storydesk library: ${libraryPath}\n\n${summaryTable(stories)}\n` +
            'The workbench window is not part of this release yet. Read a story with `npx storydesk show ID`,\n' +
            'search with `npx storydesk search TEXT`; `npx storydesk --help` lists every command.\n',
          );
          const sample = stories.find((story) => story.id.startsWith('sample-'));
          if (sample && !values.json) io.stdout(`\n── ${sample.title} ──\n\n${renderStoryText(await service.getStory({ id: sample.id }))}\n`);
          break;
        }
      }
    } finally {
      store.close();
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`storydesk: ${error.message}\nRun storydesk --help for the commands.\n`);
      return 2;
    }
    if (error instanceof UnreadableInputError) {
      io.stderr(`storydesk: ${error.message}\n`);
      return 2;
    }
    const message = error instanceof StorydeskError || error instanceof Error ? error.message : String(error);
    io.stderr(`storydesk: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}
