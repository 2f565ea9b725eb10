/**
 * Bundle import under 10,000 damaged bundles (issue 7, fuzzing): valid story and library bundles
 * changed byte by byte, and taken apart and put together wrong, are each either refused with an
 * InvalidInputError that says what and where, writing nothing at all, or imported exactly as
 * their story.json says. The seed is fixed; `npm run fuzz` runs longer with random seeds
 * (test/fuzz/long-run.ts). Then plain examples of the bugs the fuzzing found.
 */
import { strFromU8, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { bundleJson, readBundle } from '../shared/bundle';
import { InvalidInputError } from '../shared/errors';
import { importBundle, sha256Hex } from '../electron/bundles';
import { fuzzBundles, makeBaseBundles } from './fuzz/bundle-fuzz';
import { openFuzzLibrary, writesSoFar } from './fuzz/library';
import { entriesOf, zipOf } from './fuzz/zip-entries';

const SEED = 20261128;

describe('10,000 damaged bundles', () => {
  it('are each refused precisely, writing nothing, or imported exactly', () => {
    const library = openFuzzLibrary();
    try {
      const stats = fuzzBundles({ byteRuns: 5_000, entryRuns: 5_000, seed: SEED }, library);
      expect(stats.cases).toBe(10_000);
      // Both outcomes are reached, and the refusals for many different reasons.
      expect(stats.imported).toBeGreaterThan(100);
      expect(stats.refused).toBeGreaterThan(5_000);
      expect(stats.reasons.size).toBeGreaterThan(30);
    } finally {
      library.close();
    }
  }, 240_000);
});

/** The story bundle with story.json's text replaced. */
function withStoryJson(text: string) {
  const entries = entriesOf(makeBaseBundles().story);
  const storyJson = entries.find((entry) => entry.name === 'story.json');
  if (!storyJson) throw new Error('the story bundle has no story.json');
  storyJson.data = strToU8(text);
  return zipOf(entries);
}

describe('bugs the fuzzing found', () => {
  it('a story.json whose format is nested 100,000 deep is refused as invalid, not a crash', () => {
    const library = openFuzzLibrary();
    try {
      const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
      const bundle = withStoryJson(`{"format": ${deep}, "formatVersion": 1}`);
      const writes = writesSoFar(library);
      // It threw a RangeError (the call stack overflowed writing the value into the message): a 500 over HTTP.
      expect(() => importBundle(library.store, bundle, { onConflict: 'copy' })).toThrow(InvalidInputError);
      expect(() => importBundle(library.store, bundle, { onConflict: 'copy' })).toThrow('invalid bundle: story.json at format: must be "storydesk-story", found a list');
      expect(writesSoFar(library)).toBe(writes);
    } finally {
      library.close();
    }
  });

  it('a story.json whose format version is a huge string is refused with the value cut short', () => {
    const bundle = withStoryJson(`{"format": "storydesk-story", "formatVersion": "${'9'.repeat(1_000_000)}"}`);
    expect(() => readBundle(bundle, { sha256: sha256Hex })).toThrow(/^invalid bundle: story\.json at formatVersion: format version "9{60}…" is not supported/);
  });

  it('a name that appears three times, or two entries without a name, are each listed once', () => {
    const entries = entriesOf(makeBaseBundles().story);
    const storyJson = entries[0];
    if (!storyJson) throw new Error('the story bundle is empty');
    // It said "story.json: appears twice in the zip" twice, and "an entry has an empty name" once per entry.
    expect(() => readBundle(zipOf([...entries, storyJson, storyJson]), { sha256: sha256Hex })).toThrow(/^invalid bundle: story\.json: appears twice in the zip$/);
    const unnamed = { name: '', data: new Uint8Array(0), method: 0 as const };
    expect(() => readBundle(zipOf([...entries, unnamed, unnamed]), { sha256: sha256Hex })).toThrow(/^invalid bundle: "": an entry has an empty name$/);
  });

  it('a story.json with a slug of the wrong form is refused with the problem listed once', () => {
    const library = openFuzzLibrary();
    try {
      const storyJson = entriesOf(makeBaseBundles().story).find((entry) => entry.name === 'story.json');
      if (!storyJson) throw new Error('the story bundle has no story.json');
      const document = JSON.parse(strFromU8(storyJson.data)) as { story: { slug: string } };
      document.story.slug = 'Not A Slug';
      const bundle = withStoryJson(bundleJson(document));
      const writes = writesSoFar(library);

      let refusal: unknown;
      try {
        importBundle(library.store, bundle, { onConflict: 'copy' });
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(InvalidInputError);
      // It said "story.json at story.slug: must be …" twice: the fields' own check, then StorySchema's again.
      expect((refusal as InvalidInputError).problems).toEqual([
        { file: 'story.json', path: 'story.slug', message: 'must be lowercase letters and digits joined by single hyphens' },
      ]);
      expect(writesSoFar(library)).toBe(writes);
      expect(() => readBundle(bundle, { sha256: sha256Hex })).toThrow(/^invalid bundle: story\.json at story\.slug: must be lowercase letters and digits joined by single hyphens$/);
    } finally {
      library.close();
    }
  });
});
