/**
 * The API under random and mutated requests, over browser mode's HTTP transport (issue 7,
 * fuzzing): for every method, requests broken field by field and random JSON get a 4xx with an
 * error that names what is wrong — exactly the problems of the method's request schema, one of
 * them at the place that was broken — never a 5xx; a refused request, and any request to a method
 * that only reads, leaves the library as it was. The seed is fixed; `npm run fuzz` runs longer
 * with random seeds (test/fuzz/long-run.ts). Then plain examples of the bugs the fuzzing found.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS } from '../shared/api';
import { StorySchema } from '../shared/model';
import { InvalidInputError } from '../shared/errors';
import { fuzzApi, fuzzRawBodies, fuzzSavedStories, startFuzzServer, type ApiFuzzTarget } from './fuzz/api-fuzz';
import { SAMPLE_ID } from './fuzz/api-requests';
import { openFuzzLibrary } from './fuzz/library';

/** Mutated requests per method (and a third as many random ones): about 2,900 requests in all. */
const RUNS_PER_METHOD = 75;
const SEED = 20261128;

describe('every API method, over HTTP, under random and mutated requests', () => {
  let target: ApiFuzzTarget;
  beforeAll(async () => {
    target = await startFuzzServer();
  });
  afterAll(async () => {
    await target?.close();
  });

  for (const method of API_METHODS) {
    it(`${method}: a precise 4xx for what is wrong, never a 5xx, and a refusal changes nothing`, async () => {
      const outcomes = (await fuzzApi(target, { numRuns: RUNS_PER_METHOD, seed: SEED, methods: [method] })).get(method);
      // Both sides are reached: requests refused as invalid, and requests that pass validation.
      expect(outcomes?.get('400 invalid-input')).toBeGreaterThan(0);
      expect([...(outcomes?.keys() ?? [])].some((outcome) => outcome !== '400 invalid-input')).toBe(true);
    }, 60_000);
  }

  it('any story it accepts can then be reviewed, searched, duplicated, exported in every format and imported back', async () => {
    const saved = await fuzzSavedStories(target, { numRuns: 120, seed: SEED });
    expect(saved).toBeGreaterThan(5);
  }, 120_000);

  it('refuses bodies that are not a JSON request with a 4xx, changing nothing', async () => {
    const outcomes = await fuzzRawBodies(target, { numRuns: 150, seed: SEED });
    expect([...outcomes.keys()].every((outcome) => outcome.startsWith('4'))).toBe(true);
  }, 60_000);
});

describe('bugs the fuzzing found', () => {
  it('a save whose hero describes the stored image otherwise, or an image not stored, is refused', async () => {
    const library = openFuzzLibrary();
    try {
      const story = library.store.getStory(SAMPLE_ID);
      const hero = story.hero;
      if (!hero) throw new Error('the sample has a hero');
      const revisions = library.store.listRevisions(SAMPLE_ID).length;
      // It was saved, and then every export of the story failed: "the stored image does not match what the story says of it".
      const wider = { ...story, hero: { ...hero, asset: { ...hero.asset, width: 1 } } };
      const refusal = library.service.saveStory({ story: wider, baseRevision: story.revision });
      await expect(refusal).rejects.toBeInstanceOf(InvalidInputError);
      await expect(refusal).rejects.toMatchObject({ problems: [{ path: 'story.hero.asset.width', message: "is 1, but the stored image's is 480" }] });
      const missing = { ...story, hero: { ...hero, asset: { ...hero.asset, sha256: 'f'.repeat(64) } } };
      await expect(library.service.saveStory({ story: missing, baseRevision: story.revision })).rejects.toMatchObject({ problems: [{ path: 'story.hero.asset.sha256' }] });
      await expect(library.service.duplicateStory({ id: SAMPLE_ID, content: missing })).rejects.toMatchObject({ problems: [{ path: 'content.hero.asset.sha256' }] });
      expect(library.store.listRevisions(SAMPLE_ID)).toHaveLength(revisions);
      expect(library.store.listStories()).toHaveLength(1);
      // The hero as stored saves as before.
      await expect(library.service.saveStory({ story: { ...story, title: 'Retitled' }, baseRevision: story.revision })).resolves.toMatchObject({ title: 'Retitled' });
    } finally {
      library.close();
    }
  });

  it('a copy of a story whose slug is one short of the limit gets a valid slug', async () => {
    const library = openFuzzLibrary();
    try {
      const story = library.store.getStory(SAMPLE_ID);
      const slug = `${'a'.repeat(117)}-b`;
      const copy = await library.service.duplicateStory({ id: SAMPLE_ID, content: { ...story, slug } });
      // It was `aaa…a-b-`: cut to 120 characters after adding "-copy", ending in a hyphen.
      expect(copy.slug).toBe(`${'a'.repeat(115)}-copy`);
      expect(StorySchema.safeParse(copy).success).toBe(true);
      // And the copy exports, which an invalid slug refused.
      await expect(library.service.exportStory({ id: copy.id, format: 'bundle' })).resolves.toMatchObject({ mediaType: 'application/zip' });
    } finally {
      library.close();
    }
  });
});
