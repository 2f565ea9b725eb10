/**
 * `storydesk export` and `storydesk import`: where the files go, a progress line for long runs,
 * and the summary at the end. The formats and the checks are the service's; this module only
 * reads and writes files.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ApiHandlers, ExportFormat, ExportedFile } from '../shared/api';
import { importFileKind, NOT_A_BUNDLE_REASON } from '../shared/bundle';
import { StorydeskError } from '../shared/errors';
import { exportLibraryBundleToFile, importBundleFile, writeFileAtomically, type ImportConflictChoice } from './bundles';
import { writeSite } from './exports';
import type { LibraryStore } from './store/store';

export interface Progress {
  step(done: number): void;
  done(): void;
}

/**
 * A progress line on stderr for runs of more than a few items: rewritten in place on a
 * terminal, one line per tenth of the run otherwise (so logs stay short).
 */
export function progressLine(io: { stderr: (text: string) => void; isTerminal: boolean }, total: number, verb: string): Progress {
  if (total < 5) return { step: () => {}, done: () => {} };
  let lastTenth = -1;
  return {
    step(done) {
      if (io.isTerminal) io.stderr(`\r${verb} ${done} of ${total} …`);
      else {
        const tenth = Math.floor((done / total) * 10);
        if (tenth !== lastTenth) io.stderr(`${verb} ${done} of ${total} …\n`);
        lastTenth = tenth;
      }
    },
    done() {
      if (io.isTerminal) io.stderr(`\r${verb} ${total} of ${total}, done.\n`);
    },
  };
}

function isFolder(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** What each refusal of the file system means for an export, and what to do about it. */
const WRITE_FAILURES: Record<string, string> = {
  ENOSPC: 'the disk is full. Nothing was written; free some space and try again',
  EDQUOT: 'the disk quota is used up. Nothing was written; free some space and try again',
  EACCES: 'permission denied. Nothing was written; choose a folder you may write to, or check the permissions of this one',
  EPERM: 'permission denied. Nothing was written; choose a folder you may write to, or check the permissions of this one',
  EROFS: 'the disk is read-only. Nothing was written; choose a folder on another disk',
  ENOENT: 'its folder does not exist. Nothing was written',
  ENOTDIR: 'part of its path is a file, not a folder. Nothing was written',
  EISDIR: 'it is a folder. Nothing was written; give a file name',
};

/**
 * Runs the writing of `destination`, and says a failure of the file system in terms of the
 * destination: the system's own message names the temporary file the export was written into.
 */
async function writing<Result>(destination: string, work: () => Result | Promise<Result>): Promise<Result> {
  try {
    return await work();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (error instanceof StorydeskError || typeof code !== 'string' || !code.startsWith('E')) throw error;
    const why = WRITE_FAILURES[code] ?? `${(error as Error).message}. Nothing was written`;
    throw new Error(`could not write ${path.resolve(destination)}: ${why}`, { cause: error });
  }
}

async function writeExported(file: ExportedFile, target: string): Promise<string> {
  const destination = isFolder(target) ? path.join(target, file.fileName) : target;
  await writing(destination, () => writeFileAtomically(destination, Buffer.from(file.data, 'base64')));
  return destination;
}

export interface ExportRequest {
  ids: readonly string[];
  format: ExportFormat | 'site';
  out: string | undefined;
  final: boolean;
  reason: string | undefined;
  progress: Progress;
}

export interface ExportSummary {
  format: string;
  stories: number;
  written: string[];
  notes: string[];
  summary: string;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * Exports `ids` as `format`: one story to one file; several to a library bundle, a site folder
 * or one file each in the `out` folder. A final export passes each story through the publish
 * gate first (the service refuses the blocked ones unless a reason is given).
 */
export async function exportCommand(store: LibraryStore, service: ApiHandlers, request: ExportRequest): Promise<ExportSummary> {
  const { ids, format, progress } = request;
  if (ids.length === 0) throw new StorydeskError('invalid-input', 'there are no stories to export');
  const gate = (id: string) =>
    service.exportStory({ id, format: 'html', final: true, ...(request.reason !== undefined ? { overrideReason: request.reason } : {}) });
  const written: string[] = [];
  const notes: string[] = [];
  if (format === 'site') {
    if (request.out === undefined) throw new StorydeskError('invalid-input', 'a site needs --out FOLDER (a new or empty folder)');
    for (const [index, id] of ids.entries()) {
      if (request.final) await gate(id);
      progress.step(index + 1);
    }
    const stories = await Promise.all(ids.map((id) => service.getStory({ id })));
    const out = request.out;
    const site = await writing(out, () => writeSite(store, stories, out));
    written.push(site.folder);
    return { format, stories: ids.length, written, notes, summary: `Exported ${plural(ids.length, 'story', 'stories')} as a site of ${site.files} files in ${site.folder}.` };
  }
  if (format === 'bundle' && ids.length > 1) {
    for (const [index, id] of ids.entries()) {
      if (request.final) await gate(id);
      progress.step(index + 1);
    }
    // Written one story at a time straight into the file: a library bundle can be large.
    const target = request.out === undefined ? 'library.storybundle' : isFolder(request.out) ? path.join(request.out, 'library.storybundle') : request.out;
    await writing(target, () => exportLibraryBundleToFile(store, ids, target));
    written.push(target);
    return { format, stories: ids.length, written, notes, summary: `Exported ${plural(ids.length, 'story', 'stories')} as a library bundle: ${written[0]}.` };
  }
  if (ids.length > 1) {
    const folder = request.out ?? '.';
    await writing(folder, () => fs.mkdirSync(folder, { recursive: true }));
    if (!isFolder(folder)) throw new StorydeskError('invalid-input', `${folder} is not a folder: several stories are written one file each into a folder`);
  }
  for (const [index, id] of ids.entries()) {
    const file = await service.exportStory({ id, format, ...(request.final ? { final: true } : {}), ...(request.reason !== undefined ? { overrideReason: request.reason } : {}) });
    written.push(await writeExported(file, ids.length > 1 ? (request.out ?? '.') : (request.out ?? file.fileName)));
    notes.push(...file.notes.map((note) => (ids.length > 1 ? `${file.fileName}: ${note}` : note)));
    progress.step(index + 1);
  }
  const where = written.length === 1 ? written[0] : path.resolve(request.out ?? '.');
  return { format, stories: ids.length, written, notes, summary: `Exported ${plural(ids.length, 'story', 'stories')} as ${format}: ${where}.` };
}

export interface ImportSummary {
  file: string;
  imported: { id: string; title: string; as: string }[];
  skipped: { id: string; title: string; reason: string }[];
  notes: string[];
  error?: string;
  summary: string;
}

/** The first four bytes of a file (fewer when it is shorter). */
function fileStart(file: string): Uint8Array {
  const handle = fs.openSync(file, 'r');
  try {
    const start = new Uint8Array(4);
    const read = fs.readSync(handle, start, 0, 4, 0);
    return start.subarray(0, read);
  } finally {
    fs.closeSync(handle);
  }
}

async function importOne(store: LibraryStore, service: ApiHandlers, file: string, onConflict: ImportConflictChoice): Promise<ImportSummary> {
  const kind = importFileKind(path.basename(file), fileStart(file));
  if (kind === 'not-a-bundle') throw new StorydeskError('invalid-input', NOT_A_BUNDLE_REASON);
  if (kind === 'bundle') {
    // Read by offsets from the file, checked in full, then written in one transaction.
    const result = importBundleFile(store, file, { onConflict });
    const lines = [
      ...result.imported.map((story) => `  ${story.as === 'new' ? 'imported' : story.as === 'copy' ? 'imported as a copy' : 'replaced'}: «${story.title}» (${story.id})\n`),
      ...result.skipped.map((story) => `  skipped: «${story.title}» (${story.id}): ${story.reason}\n`),
    ];
    return { file, ...result, notes: [], summary: `${file}: ${plural(result.imported.length, 'story', 'stories')} imported, ${result.skipped.length} skipped.\n${lines.join('')}` };
  }
  const bytes = new Uint8Array(fs.readFileSync(file));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new StorydeskError('invalid-input', 'neither a bundle (zip) nor UTF-8 text');
  }
  const { story, notes } = await service.importText({ text });
  return {
    file,
    imported: [{ id: story.id, title: story.title, as: 'new' }],
    skipped: [],
    notes,
    summary: `${file}: imported «${story.title}» as a draft (${story.id}), ${plural(notes.length, 'note')}.\n${notes.map((note) => `  note: ${note}\n`).join('')}`,
  };
}

/** Imports each file on its own: one refused file does not stop the others, and changes nothing. */
export async function importCommand(store: LibraryStore, service: ApiHandlers, files: readonly string[], onConflict: ImportConflictChoice, progress: Progress): Promise<ImportSummary[]> {
  const results: ImportSummary[] = [];
  for (const [index, file] of files.entries()) {
    try {
      results.push(await importOne(store, service, file, onConflict));
    } catch (error) {
      const message = error instanceof StorydeskError || error instanceof Error ? error.message : String(error);
      results.push({ file, imported: [], skipped: [], notes: [], error: message, summary: `${file}: not imported: ${message}\n` });
    }
    progress.step(index + 1);
  }
  return results;
}
