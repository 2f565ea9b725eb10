/**
 * Which library the app opens, and the libraries it opened before: the library named on the
 * command line (`--library PATH`, or a `.storydesk` file the system passed when the editor
 * opened one), and the recent-libraries list kept in `recent-libraries.json` in the user-data
 * folder. Pure list logic plus two small file functions.
 */
import fs from 'node:fs';
import path from 'node:path';

export const RECENT_LIBRARIES_FILE = 'recent-libraries.json';
export const MAX_RECENT_LIBRARIES = 10;
export const LIBRARY_EXTENSION = '.storydesk';

/**
 * The library a launch names, resolved against `workingDirectory`: `--library PATH`,
 * `--library=PATH`, or else the last argument that is a `.storydesk` file. `argv` is the whole
 * process argument list; Chromium's own switches and the app's script are passed over.
 */
export function libraryArgument(argv: readonly string[], workingDirectory: string): string | undefined {
  let named: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    if (argument === '--library') {
      const value = argv[index + 1];
      if (value !== undefined && value !== '' && !value.startsWith('--')) return path.resolve(workingDirectory, value);
    } else if (argument.startsWith('--library=')) {
      const value = argument.slice('--library='.length);
      if (value !== '') return path.resolve(workingDirectory, value);
    } else if (!argument.startsWith('-') && argument.toLowerCase().endsWith(LIBRARY_EXTENSION)) {
      named = argument;
    }
  }
  return named === undefined ? undefined : path.resolve(workingDirectory, named);
}

/** The list with `file` first, each library once, at most MAX_RECENT_LIBRARIES. */
export function rememberLibrary(recent: readonly string[], file: string): string[] {
  return [file, ...recent.filter((entry) => entry !== file)].slice(0, MAX_RECENT_LIBRARIES);
}

export function forgetLibrary(recent: readonly string[], file: string): string[] {
  return recent.filter((entry) => entry !== file);
}

/** The recent libraries in a file's text; anything unreadable is dropped. */
export function parseRecentLibraries(text: string): string[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  const files = data.filter((entry): entry is string => typeof entry === 'string' && path.isAbsolute(entry));
  return [...new Set(files)].slice(0, MAX_RECENT_LIBRARIES);
}

export function readRecentLibraries(folder: string): string[] {
  try {
    return parseRecentLibraries(fs.readFileSync(path.join(folder, RECENT_LIBRARIES_FILE), 'utf8'));
  } catch {
    return [];
  }
}

export function writeRecentLibraries(folder: string, recent: readonly string[]): void {
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, RECENT_LIBRARIES_FILE);
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, JSON.stringify(recent, null, 2) + '\n');
  fs.renameSync(partial, file);
}

/** What the "cannot open this library" dialog offers: the other recent libraries, then a file chooser, then giving up. */
export interface RecoveryChoices {
  buttons: string[];
  /** The library each of the first buttons opens, by button index. */
  libraries: string[];
  chooseIndex: number;
  cancelIndex: number;
}

export const MAX_RECOVERY_LIBRARIES = 5;

export function recoveryChoices(failed: string, recent: readonly string[], cancelLabel: string): RecoveryChoices {
  const libraries = recent.filter((file) => file !== failed).slice(0, MAX_RECOVERY_LIBRARIES);
  const buttons = [...libraries.map((file) => `Open ${file}`), 'Choose Another Library…', cancelLabel];
  return { buttons, libraries, chooseIndex: libraries.length, cancelIndex: libraries.length + 1 };
}
