// Builds the Node side of Storydesk (the command line for now) into dist/ with esbuild.
// Native and npm packages stay external: they load from node_modules at run time.
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'electron/cli.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
