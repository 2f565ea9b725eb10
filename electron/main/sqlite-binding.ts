/**
 * better-sqlite3 for the Electron app. Its compiled addon must match the ABI of the runtime
 * that loads it, and node_modules holds the build for Node (tests, command line, browser mode).
 * The app therefore loads a second build, made for Electron and kept apart from node_modules
 * (docs/electron.md, "better-sqlite3 twice"), through better-sqlite3's `nativeBinding` option.
 *
 * The store opens its databases with `new Database(file, options)` in several places and takes
 * no binding option, so scripts/build.js points the main-process bundle's `better-sqlite3` at
 * this module: `SqliteDatabase` is better-sqlite3's Database with `nativeBinding` filled in
 * once `useSqliteBinding` has been called. The Node build (dist/cli.js, the tests) is untouched.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

/** Where the Electron build lives, relative to the package in development and to the resources folder when packaged. */
export const ELECTRON_BINDING_FOLDER = path.join('build', 'native', 'electron');
export const BINDING_FILE_NAME = 'better_sqlite3.node';

let nativeBinding: string | undefined;

/** Makes every database opened from now on load the addon at `file` (undefined: better-sqlite3's own). */
export function useSqliteBinding(file: string | undefined): void {
  nativeBinding = file;
}

export function sqliteBindingInUse(): string | undefined {
  return nativeBinding;
}

/**
 * Where the Electron build of the addon is: `resources/native/` in a packaged app (put there by
 * electron-builder's extraResources, outside the asar archive, where native code can load),
 * `build/native/electron/` in the project otherwise (written by scripts/install-electron.js).
 */
export function electronSqliteBindingPath(where: { isPackaged: boolean; resourcesPath: string; packageRoot: string }): string {
  return where.isPackaged
    ? path.join(where.resourcesPath, 'native', BINDING_FILE_NAME)
    : path.join(where.packageRoot, ELECTRON_BINDING_FOLDER, BINDING_FILE_NAME);
}

export function hasElectronSqliteBinding(file: string): boolean {
  return fs.existsSync(file);
}

/**
 * Whether an error is a native addon built for another runtime ("was compiled against a
 * different Node.js version using NODE_MODULE_VERSION 115"): the Electron build is missing and
 * the Node build was loaded in its place.
 */
export function isNativeModuleVersionError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /NODE_MODULE_VERSION|compiled against a different Node\.js version|not a valid Win32 application|invalid ELF header|wrong ELF class|incompatible architecture/i.test(message);
}

/**
 * Loads the driver by opening an in-memory database, before any library is touched, so that a
 * driver built for the wrong runtime is reported as that, not as a damaged library. Returns the
 * failure, or undefined when the driver works.
 */
export function probeSqliteDriver(): Error | undefined {
  try {
    new SqliteDatabase(':memory:').close();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** better-sqlite3's Database, opening each file with the chosen binding unless the caller names one. */
class SqliteDatabase extends BetterSqlite3 {
  constructor(filename?: string | Buffer, options?: BetterSqlite3.Options) {
    super(filename, nativeBinding !== undefined && options?.nativeBinding === undefined ? { ...options, nativeBinding } : options);
  }
}

export default SqliteDatabase;
