#!/usr/bin/env node
// `npm start`: builds, then opens Storydesk on the default library (a new one holds the sample
// story). The desktop window when Electron and its SQLite driver are installed; otherwise one
// paragraph says what is missing, why and how to get it, and browser mode opens instead.
// Arguments after `npm start --` go to the app (for example `--library PATH`).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinaryPath, hasElectronDriver, HOW_TO_GET_ELECTRON } from './install-electron.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

/** @param {string} text */
function paragraph(text) {
  console.log(`\n[start] ${text}\n`);
}

/**
 * Runs `command` with the terminal attached and exits with its code. Ctrl-C in the terminal
 * reaches the child directly (same process group), so this process only waits for it to close
 * up; a SIGTERM sent to this process alone is passed on.
 * @param {string} command
 * @param {string[]} commandArgs
 * @param {NodeJS.ProcessEnv} [env]
 */
function handOver(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: projectRoot, stdio: 'inherit', env });
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  child.on('error', (error) => {
    console.error(`[start] could not run ${command}: ${error.message}`);
    process.exit(1);
  });
}

const build = spawnSync(process.execPath, ['scripts/build.js'], { cwd: projectRoot, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const electron = electronBinaryPath();
if (electron && !hasElectronDriver()) {
  // The binary is there but the driver is not (installed before this script existed, or its
  // download failed): one more try, which reports for itself when it cannot.
  spawnSync(process.execPath, ['scripts/install-electron.js'], { cwd: projectRoot, stdio: 'inherit' });
}

if (electron && hasElectronDriver()) {
  // ELECTRON_RUN_AS_NODE in the environment would turn Electron into plain Node.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  handOver(electron, [path.join(projectRoot, 'dist', 'main.js'), ...args], env);
} else {
  const missing = electron
    ? 'Electron is installed, but the SQLite driver built for it (build/native/electron/better_sqlite3.node) is not: ' +
      'its download or compile failed, as the lines above say. Run `node scripts/install-electron.js` where github.com or electronjs.org can be reached.'
    : 'The Electron binary is not installed: its download failed or was skipped during npm install (no internet beyond the npm registry, ' +
      'ELECTRON_SKIP_BINARY_DOWNLOAD, or CI). ' +
      HOW_TO_GET_ELECTRON;
  const serve = path.join(projectRoot, 'dist', 'serve.js');
  const browserMode = fs.existsSync(serve) ? 'browser mode (the same workbench in your browser; open the address printed below)' : 'the command line\'s view of the library';
  paragraph(`Storydesk cannot open its desktop window. ${missing} Opening ${browserMode} instead.`);
  if (fs.existsSync(serve)) handOver(process.execPath, [serve, ...args]);
  else handOver(process.execPath, [path.join(projectRoot, 'bin', 'storydesk.js'), 'start', ...args]);
}
