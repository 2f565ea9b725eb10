/**
 * Where things live on disk: the platform's user-data folder (the same folder Electron's
 * `app.getPath('userData')` gives for an app named Storydesk), the default library in it, and
 * the overrides `--library PATH` and `STORYDESK_LIBRARY`. Also the package's own files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_NAME = 'Storydesk';
export const LIBRARY_FILE_NAME = 'library.storydesk';

export interface PlatformContext {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
}

const currentPlatform = (): PlatformContext => ({ platform: process.platform, env: process.env, home: os.homedir() });

/** The user-data folder: ~/.config/Storydesk, ~/Library/Application Support/Storydesk, %APPDATA%\Storydesk. */
export function userDataFolder(context: PlatformContext = currentPlatform()): string {
  const { platform, env, home } = context;
  if (platform === 'win32') return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', APP_NAME);
  const configHome = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(configHome, APP_NAME);
}

/** The library to open: `--library PATH` first, then STORYDESK_LIBRARY, then the default. */
export function resolveLibraryPath(flag: string | undefined, context: PlatformContext = currentPlatform()): string {
  const chosen = flag ?? context.env.STORYDESK_LIBRARY;
  if (chosen) return path.resolve(chosen);
  return path.join(userDataFolder(context), LIBRARY_FILE_NAME);
}

let root: string | undefined;

/** The folder holding Storydesk's package.json, found from this file wherever it was built to. */
export function packageRoot(): string {
  if (root) return root;
  let folder = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(folder, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'storydesk') {
      root = folder;
      return folder;
    }
    const parent = path.dirname(folder);
    if (parent === folder) throw new Error('Storydesk cannot find its own files (no package.json named "storydesk" above it)');
    folder = parent;
  }
}
