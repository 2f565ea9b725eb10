// Builds the Node side of Storydesk (the command line, browser mode's server, and the Electron main
// process and preload) into dist/ with esbuild. For the command line and the server, native and npm
// packages stay external: they load from node_modules at run time. Then the workbench's interface
// (renderer/) with Vite into dist/renderer.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';

await build({
  entryPoints: { cli: 'electron/cli.ts', serve: 'electron/server/serve.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

// The Electron app: the main process and the windows' preload (docs/electron.md). Both bundle
// everything but Electron and the SQLite driver. In the main process, every `better-sqlite3`
// import (the store's) resolves to electron/main/sqlite-binding.ts, which loads the driver built
// for Electron's ABI; node_modules keeps the Node build for the tests and the command line.
const SQLITE_BINDING = fileURLToPath(new URL('../electron/main/sqlite-binding.ts', import.meta.url));

/** @type {import('esbuild').Plugin} */
const electronSqliteDriver = {
  name: 'storydesk-electron-sqlite-driver',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^better-sqlite3$/ }, (args) =>
      args.importer === SQLITE_BINDING ? { path: 'better-sqlite3', external: true } : { path: SQLITE_BINDING },
    );
  },
};

await build({
  entryPoints: { main: 'electron/main/index.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['electron', 'better-sqlite3'],
  plugins: [electronSqliteDriver],
  sourcemap: true,
  logLevel: 'warning',
});

// A sandboxed preload must be CommonJS and may require only 'electron': refuse a bundle that
// requires anything else, rather than ship a window whose preload fails to load.
const preload = await build({
  entryPoints: { preload: 'electron/preload.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'es2023',
  external: ['electron'],
  metafile: true,
  sourcemap: true,
  logLevel: 'warning',
});
const preloadRequires = Object.values(preload.metafile.outputs)
  .flatMap((output) => output.imports.filter((entry) => entry.external).map((entry) => entry.path))
  .filter((name) => name !== 'electron');
if (preloadRequires.length > 0) {
  throw new Error(`electron/preload.ts may require only 'electron' (it runs sandboxed), but its bundle requires ${[...new Set(preloadRequires)].join(', ')}`);
}

// The workbench's interface (renderer/): Vite bundles renderer/index.html and what it imports into
// dist/renderer, which browser mode and the app:// protocol serve under a strict CSP. Hence a
// relative base (the same files load from http://127.0.0.1:PORT/ and app://storydesk/), no inline
// scripts or styles, and hashed file names.
const rendererRoot = fileURLToPath(new URL('../renderer/', import.meta.url));
await viteBuild({
  root: rendererRoot,
  base: './',
  configFile: false,
  logLevel: 'warn',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer/', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
    target: 'chrome120',
  },
});
