#!/usr/bin/env node
// Makes sure a Chromium is there for the browser tests (exported pages opened headless,
// TimelineJS, and later the end-to-end suite), and says which one they will use.
//
// In order: STORYDESK_CHROMIUM when it names an executable; a Chromium already installed
// (/usr/bin/chromium, chromium-browser, google-chrome); on Debian or Ubuntu as root, Debian's
// own package through apt-get; otherwise Playwright's download (`npx playwright install
// chromium`), which needs the internet. Exits 1 with the reason when none of these works.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { chromiumCandidates } from './chromium-path.js';

function say(message) {
  console.log(`[install-browser] ${message}`);
}

function run(command, args) {
  say(`running: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  return result.status === 0;
}

const found = chromiumCandidates().find((candidate) => fs.existsSync(candidate));
if (found) {
  say(`using ${found}${process.env.STORYDESK_CHROMIUM ? ' (STORYDESK_CHROMIUM)' : ''}`);
  process.exit(0);
}
if (process.env.STORYDESK_CHROMIUM) {
  console.error(`[install-browser] STORYDESK_CHROMIUM is ${process.env.STORYDESK_CHROMIUM}, which does not exist.`);
  process.exit(1);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const isDebian = fs.existsSync('/etc/debian_version');
if (isRoot && isDebian) {
  if (run('apt-get', ['update']) && run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'])) {
    say('installed Debian\'s chromium package (/usr/bin/chromium)');
    process.exit(0);
  }
  say('apt-get could not install chromium; trying Playwright\'s download instead');
}

if (run('npx', ['playwright', 'install', 'chromium'])) {
  try {
    const executable = execFileSync(process.execPath, ['-e', "import('@playwright/test').then(({ chromium }) => console.log(chromium.executablePath()))"], { encoding: 'utf8' }).trim();
    say(`installed Playwright's Chromium (${executable})`);
  } catch {
    say('installed Playwright\'s Chromium');
  }
  process.exit(0);
}

console.error(
  '[install-browser] No Chromium could be found or installed. The browser tests need one: install Chromium\n' +
    '(on Debian: sudo apt-get install chromium), or run `npx playwright install chromium` with internet access,\n' +
    'or set STORYDESK_CHROMIUM to the path of a Chromium or Chrome executable.',
);
process.exit(1);
