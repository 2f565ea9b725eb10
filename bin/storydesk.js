#!/usr/bin/env node
// The `storydesk` command: runs the command line built into dist/ by `npm run build`.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(built)) {
  console.error('storydesk: the command line is not built yet. Run `npm run build` (npm install does it too) and try again.');
  process.exit(1);
}
const { main } = await import(built.href);
process.exitCode = await main(process.argv.slice(2));
