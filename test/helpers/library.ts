/**
 * Test helpers: a fresh folder per test, a library in it, and the sample story as data.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { Story } from '../../shared/model';
import sample from '../../shared/sample/sample-story.json';

const folders: string[] = [];

afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

/** A new empty folder, removed after the test. */
export function freshFolder(prefix = 'storydesk-test-'): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

/** A path for a library that does not exist yet, in a fresh folder. */
export function freshLibraryPath(): string {
  return path.join(freshFolder(), 'library.storydesk');
}

export function sampleStory(): Story {
  return structuredClone(sample) as Story;
}

export { tickingClock } from './clock';

export function fileBytes(file: string): Buffer {
  return fs.readFileSync(file);
}
