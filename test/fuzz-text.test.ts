/**
 * The readers of free text under arbitrary input (issue 7, fuzzing): the text importer never
 * throws on any page — the seed page damaged line by line, or any text at all — and always gives
 * a story the schema accepts; the timeline date reader never throws on any label or EDTF, and
 * each reading is sound; sorting a timeline of such labels keeps every entry. The seed is fixed;
 * `npm run fuzz` runs longer with random seeds (test/fuzz/long-run.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../shared/errors';
import { importStoryText } from '../shared/text-import';
import { SEED_TEXT } from './fuzz/api-requests';
import {
  checkDateReading,
  checkTextImport,
  checkTimelineOrder,
  edtfArbitrary,
  labelArbitrary,
  pageArbitrary,
  referenceDateArbitrary,
} from './fuzz/text-fuzz';

const SEED = 20261128;

describe('the text importer', () => {
  it('reads the project’s copy of the seed page', () => {
    // The damaged pages below start from this page: it must be the real one.
    expect(SEED_TEXT).toContain('Sources');
    checkTextImport(SEED_TEXT);
  });

  it('never throws on a damaged seed page or any text, and always returns a valid story', () => {
    fc.assert(fc.property(pageArbitrary, checkTextImport), { numRuns: 1_500, seed: SEED });
  }, 60_000);

  it('throws only its documented error, for options that are not valid', () => {
    expect(() => importStoryText(SEED_TEXT, { now: 'yesterday' })).toThrow(InvalidInputError);
  });
});

describe('the timeline date reader', () => {
  it('never throws on any label, EDTF or reference date, and each reading is sound', () => {
    fc.assert(fc.property(labelArbitrary, edtfArbitrary, referenceDateArbitrary, checkDateReading), { numRuns: 4_000, seed: SEED });
  }, 60_000);

  it('sorts and checks timelines of any labels without throwing, keeping every entry', () => {
    const direction = fc.constantFrom('oldest-first' as const, 'newest-first' as const);
    fc.assert(fc.property(fc.array(labelArbitrary, { maxLength: 20 }), direction, checkTimelineOrder), { numRuns: 1_000, seed: SEED });
  }, 60_000);
});
