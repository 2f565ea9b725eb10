/**
 * Headless Chromium for tests that must see what a browser does with our output (exported
 * pages, TimelineJS). The executable is found as scripts/install-browser.js finds it:
 * STORYDESK_CHROMIUM, else a system Chromium (Debian's /usr/bin/chromium), else Playwright's own
 * download. Run `npm run install-browser` once to get one.
 */
import fs from 'node:fs';
import { chromium, type Browser } from '@playwright/test';
import { chromiumCandidates } from '../../scripts/chromium-path.js';

/** Flags for a quiet headless run in a container: no sandbox (root), no GPU, no background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium executable the tests use, or undefined for Playwright's own download. */
export function chromiumExecutable(): string | undefined {
  return chromiumCandidates().find((candidate: string) => fs.existsSync(candidate));
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumExecutable();
  try {
    return await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS });
  } catch (error) {
    throw new Error(
      `Chromium could not be started (${executablePath ?? "Playwright's own download"}): ${(error as Error).message.split('\n')[0]}\n` +
        'Run `npm run install-browser`, or set STORYDESK_CHROMIUM to a Chromium or Chrome executable.',
    );
  }
}
