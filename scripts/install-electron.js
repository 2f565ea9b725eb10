#!/usr/bin/env node
// Installs the two things the Electron app needs beyond npm's packages, and never fails
// `npm install` over them (it runs as postinstall):
//
//   1. Electron's own binary (node_modules/electron/dist), by running Electron's install.js,
//      which npm is told not to run itself ("allowScripts": {"electron": false}) because its
//      failure would roll back the whole install;
//   2. better-sqlite3 built for Electron's ABI, in build/native/electron/, apart from the Node
//      build in node_modules that the tests and the command line use (docs/electron.md).
//
// Both need the internet (github.com, or a mirror). Where a step cannot be done, one paragraph
// says why and how to do it later, and the script exits 0: the tests, the command line and
// browser mode need neither, and `npm start` opens browser mode without them.
//
// Usage:
//   node scripts/install-electron.js                  both steps; reports failures, exits 0
//   node scripts/install-electron.js --for-packaging  only the driver; exits 1 without it (npm run package)
//
// Skipped with a one-line note when ELECTRON_SKIP_BINARY_DOWNLOAD is set (Electron's own switch)
// or on CI (CI=true: CI machines run the tests, which need neither; set
// STORYDESK_INSTALL_ELECTRON=1 to install anyway).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** Where the Electron build of better-sqlite3 goes; electron/main/sqlite-binding.ts looks for it here. */
export const ELECTRON_DRIVER_FOLDER = path.join(projectRoot, 'build', 'native', 'electron');
export const ELECTRON_DRIVER_FILE = path.join(ELECTRON_DRIVER_FOLDER, 'better_sqlite3.node');
/** What the driver was built for, so a newer Electron or better-sqlite3 gets a new build. */
const ELECTRON_DRIVER_STAMP = path.join(ELECTRON_DRIVER_FOLDER, 'better_sqlite3.json');

const MINUTE = 60_000;

/** @param {string} message */
function say(message) {
  console.log(`[install-electron] ${message}`);
}

/** @param {string} name */
function packageVersion(name) {
  try {
    return /** @type {{ version: string }} */ (JSON.parse(fs.readFileSync(path.join(projectRoot, 'node_modules', name, 'package.json'), 'utf8'))).version;
  } catch {
    return undefined;
  }
}

/**
 * The Electron executable when it is installed, else undefined. `require('electron')` gives its
 * path, but throws when the download never happened (no path.txt).
 * @returns {string | undefined}
 */
export function electronBinaryPath() {
  try {
    const executable = /** @type {unknown} */ (require('electron'));
    return typeof executable === 'string' && fs.existsSync(executable) ? executable : undefined;
  } catch {
    return undefined;
  }
}

/** @returns {{ electron: string, betterSqlite3: string, platform: string, arch: string } | undefined} */
function wantedDriver() {
  const electron = packageVersion('electron');
  const betterSqlite3 = packageVersion('better-sqlite3');
  if (!electron || !betterSqlite3) return undefined;
  return { electron, betterSqlite3, platform: process.platform, arch: process.arch };
}

/** Whether build/native/electron holds better-sqlite3 built for the installed Electron. */
export function hasElectronDriver() {
  const wanted = wantedDriver();
  if (!wanted || !fs.existsSync(ELECTRON_DRIVER_FILE)) return false;
  try {
    const stamp = JSON.parse(fs.readFileSync(ELECTRON_DRIVER_STAMP, 'utf8'));
    return Object.entries(wanted).every(([key, value]) => stamp[key] === value);
  } catch {
    return false;
  }
}

/** How to get the binary later: said wherever it is missing (here and by `npm start`). */
export const HOW_TO_GET_ELECTRON =
  'To get it, run `node scripts/install-electron.js` on a machine that can reach github.com (it runs Electron\'s own ' +
  '`node node_modules/electron/install.js`), or set ELECTRON_MIRROR to a mirror of Electron\'s releases first ' +
  '(for example ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/). `npx electron` does not retry the download: ' +
  'it fails with "Electron failed to install correctly".';

/** @param {string} text */
function paragraph(text) {
  console.log(`\n[install-electron] ${text}\n`);
}

/** The line of a failed command's output that says why, for the report. @param {string} output */
function reasonIn(output) {
  const lines = output.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('at '));
  const download = /gyp http GET (\S+)/.exec(output);
  if (download && /network connectivity/.test(output)) return `could not download ${download[1]}`;
  return (
    lines.find((line) => /\b(ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b/.test(line)) ??
    lines.find((line) => /error/i.test(line)) ??
    lines.at(-1) ??
    'no output'
  );
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, timeout: number, env?: NodeJS.ProcessEnv }} options
 */
function run(command, args, options) {
  const result = spawnSync(command, args, { cwd: options.cwd ?? projectRoot, env: options.env ?? process.env, encoding: 'utf8', timeout: options.timeout, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  if (result.error) return { ok: false, reason: result.error.message };
  if (result.status !== 0) return { ok: false, reason: reasonIn(output) };
  return { ok: true, reason: '' };
}

/** Step 1: Electron's binary, through Electron's own installer. */
function installElectronBinary() {
  if (electronBinaryPath()) {
    say(`Electron ${packageVersion('electron')} is installed.`);
    return true;
  }
  const installer = path.join(projectRoot, 'node_modules', 'electron', 'install.js');
  if (!fs.existsSync(installer)) {
    paragraph('Electron is not in node_modules (npm install did not install the devDependencies?), so the desktop app cannot start; `npm start` will open browser mode instead.');
    return false;
  }
  say(`downloading Electron ${packageVersion('electron')} (about 100 MB)…`);
  const result = run(process.execPath, [installer], { timeout: 15 * MINUTE });
  if (result.ok && electronBinaryPath()) {
    say(`Electron ${packageVersion('electron')} is installed.`);
    return true;
  }
  paragraph(
    `The Electron binary could not be downloaded (${result.reason || 'the download left no executable'}). ` +
      'npm install has succeeded all the same: the tests, the command line and browser mode do not need Electron, ' +
      'and `npm start` opens browser mode instead of the desktop window until Electron is there. ' +
      HOW_TO_GET_ELECTRON,
  );
  return false;
}

/**
 * Step 2: better-sqlite3 for Electron's ABI, built in a copy of the package in a temporary
 * folder so that node_modules keeps its Node build. A prebuilt binary first (prebuild-install,
 * the same tool better-sqlite3's own install uses), else a compile against Electron's headers.
 */
function installElectronDriver() {
  const wanted = wantedDriver();
  if (!wanted) {
    paragraph('Electron or better-sqlite3 is missing from node_modules, so the Electron build of the SQLite driver cannot be made. Run npm install first.');
    return false;
  }
  if (hasElectronDriver()) {
    say(`better-sqlite3 ${wanted.betterSqlite3} for Electron ${wanted.electron} is in ${path.relative(projectRoot, ELECTRON_DRIVER_FOLDER)}.`);
    return true;
  }
  const workFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'storydesk-sqlite-electron-'));
  try {
    const copy = path.join(workFolder, 'better-sqlite3');
    fs.cpSync(path.join(projectRoot, 'node_modules', 'better-sqlite3'), copy, {
      recursive: true,
      filter: (source) => !source.startsWith(path.join(projectRoot, 'node_modules', 'better-sqlite3', 'build')),
    });
    const target = ['--runtime', 'electron', '--target', wanted.electron, '--arch', wanted.arch, '--platform', wanted.platform];

    say(`fetching better-sqlite3 ${wanted.betterSqlite3} prebuilt for Electron ${wanted.electron} (${wanted.platform}-${wanted.arch})…`);
    const prebuilt = run(process.execPath, [require.resolve('prebuild-install/bin.js'), ...target], { cwd: copy, timeout: 5 * MINUTE });
    let method = 'prebuilt';
    let reasons = [`prebuilt download: ${prebuilt.reason}`];
    if (!prebuilt.ok) {
      const nodeGyp = nodeGypScript();
      if (nodeGyp) {
        say('no prebuilt binary; compiling it against Electron\'s headers instead (a minute or two)…');
        const headers = process.env.STORYDESK_ELECTRON_HEADERS_URL ?? 'https://electronjs.org/headers';
        const compiled = run(process.execPath, [nodeGyp, 'rebuild', '--release', `--target=${wanted.electron}`, `--arch=${wanted.arch}`, `--dist-url=${headers}`], {
          cwd: copy,
          timeout: 20 * MINUTE,
          env: { ...process.env, npm_config_runtime: 'electron' },
        });
        method = 'compiled';
        reasons = [...reasons, `compiling: ${compiled.reason}`];
      } else {
        reasons = [...reasons, 'compiling: node-gyp was not found'];
      }
    }
    const built = path.join(copy, 'build', 'Release', 'better_sqlite3.node');
    if (!fs.existsSync(built)) {
      paragraph(
        `The SQLite driver for Electron (better-sqlite3 ${wanted.betterSqlite3} built for Electron ${wanted.electron}) could not be made ` +
          `(${reasons.join('; ')}). The desktop app needs it to open a library; the tests, the command line and browser mode do not ` +
          '(they use the Node build in node_modules, which this leaves alone). To make it, run `node scripts/install-electron.js` again ' +
          'on a machine that can reach github.com (for the prebuilt binary) or electronjs.org (for the headers to compile it; ' +
          'STORYDESK_ELECTRON_HEADERS_URL names a mirror), with python3, make and a C++ compiler for the compile.',
      );
      return false;
    }
    fs.mkdirSync(ELECTRON_DRIVER_FOLDER, { recursive: true });
    fs.copyFileSync(built, ELECTRON_DRIVER_FILE);
    fs.writeFileSync(ELECTRON_DRIVER_STAMP, JSON.stringify({ ...wanted, method }, null, 2) + '\n');
    say(`better-sqlite3 for Electron ${wanted.electron} (${method}) is in ${path.relative(projectRoot, ELECTRON_DRIVER_FOLDER)}.`);
    return true;
  } finally {
    fs.rmSync(workFolder, { recursive: true, force: true });
  }
}

/** @param {string} specifier */
function resolveQuietly(specifier) {
  try {
    return require.resolve(specifier);
  } catch {
    return undefined;
  }
}

/** node-gyp's script: the one npm names for its scripts, one in node_modules, else npm's own copy beside node. */
function nodeGypScript() {
  const candidates = [
    process.env.npm_config_node_gyp,
    resolveQuietly('node-gyp/bin/node-gyp.js'),
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((candidate) => candidate !== undefined && candidate !== '' && fs.existsSync(candidate));
}

/** @param {string | undefined} value */
const isSet = (value) => value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';

function main() {
  const forPackaging = process.argv.includes('--for-packaging');
  if (forPackaging) {
    process.exitCode = installElectronDriver() ? 0 : 1;
    return;
  }
  if (isSet(process.env.ELECTRON_SKIP_BINARY_DOWNLOAD)) {
    say('skipped: ELECTRON_SKIP_BINARY_DOWNLOAD is set, so Electron and its SQLite driver are not installed; `npm start` opens browser mode. Unset it and run `node scripts/install-electron.js` to install them.');
    return;
  }
  if (isSet(process.env.CI) && !isSet(process.env.STORYDESK_INSTALL_ELECTRON)) {
    say('skipped on CI: the tests do not need the Electron binary (its smoke test says it is skipped). Set STORYDESK_INSTALL_ELECTRON=1 to install it here.');
    return;
  }
  if (installElectronBinary()) installElectronDriver();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    main();
  } catch (error) {
    // Whatever went wrong, npm install must not fail over the desktop app's extras.
    paragraph(`Installing Electron's extras failed unexpectedly (${error instanceof Error ? error.message : String(error)}). npm install has succeeded; \`npm start\` opens browser mode. ${HOW_TO_GET_ELECTRON}`);
    process.exitCode = process.argv.includes('--for-packaging') ? 1 : 0;
  }
}
