/**
 * Fuzzing the two readers of free text, as the tests and the long run share it: the text importer
 * (a page copied as text → a draft story) and the timeline date reader. Neither may throw on any
 * text — the importer's only documented error is an InvalidInputError for bad options — and what
 * they return must be sound: a story that passes the schema, a date whose EDTF the schema takes
 * and whose bounds are ordered instants.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StorySchema, TimelineDateSchema } from '../../shared/model';
import { importStoryText } from '../../shared/text-import';
import { parseTimelineDate, readEdtf, sortTimeline, timelineEntryDate, timelineOrderProblems, type ParsedTimelineDate } from '../../shared/timeline-dates';
import { SEED_TEXT } from './api-requests';

const SEED_LINES = SEED_TEXT.split('\n');

/** Whole pages: the seed page with lines dropped, doubled, swapped, cut or changed, and any text. */
export const pageArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc
    .array(
      fc.oneof(
        fc.record({ kind: fc.constant('drop' as const), line: fc.nat() }),
        fc.record({ kind: fc.constant('double' as const), line: fc.nat() }),
        fc.record({ kind: fc.constant('swap' as const), line: fc.nat(), other: fc.nat() }),
        fc.record({ kind: fc.constant('cut' as const), line: fc.nat(), at: fc.nat() }),
        fc.record({ kind: fc.constant('insert' as const), line: fc.nat(), text: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.constantFrom(...SEED_LINES)) }),
        fc.record({ kind: fc.constant('splice' as const), line: fc.nat(), at: fc.nat(), text: fc.constantFrom('[', ']', '[1]', '[0]', '[99999999999]', '[2, 5]', ' \u2013 ', '\u202f', '\u2011', '(', ')', 'Image:', '\t', '\r', '\u0000', '\ud800', 'https://', '    ') }),
      ),
      { minLength: 1, maxLength: 12 },
    )
    .chain((edits) => fc.tuple(fc.constant(edits), fc.constantFrom('\n', '\r\n', '\r')))
    .map(([edits, ending]) => {
      const lines = [...SEED_LINES];
      for (const edit of edits) {
        const index = edit.line % Math.max(1, lines.length);
        const line = lines[index] ?? '';
        if (edit.kind === 'drop') lines.splice(index, 1);
        else if (edit.kind === 'double') lines.splice(index, 0, line);
        else if (edit.kind === 'swap') {
          const other = edit.other % Math.max(1, lines.length);
          lines[index] = lines[other] ?? '';
          lines[other] = line;
        } else if (edit.kind === 'cut') lines[index] = line.slice(0, edit.at % (line.length + 1));
        else if (edit.kind === 'insert') lines.splice(index, 0, edit.text);
        else {
          const at = edit.at % (line.length + 1);
          lines[index] = line.slice(0, at) + edit.text + line.slice(at);
        }
      }
      return lines.join(ending);
    }),
);

/** Imports `text`: never throws; the story passes the schema and every note is a sentence with a line that exists. */
export function checkTextImport(text: string): void {
  let result: ReturnType<typeof importStoryText>;
  try {
    result = importStoryText(text, { now: '2026-11-28T10:00:00.000Z', id: 'fuzzed' });
  } catch (error) {
    assert.fail(`importStoryText threw on ${JSON.stringify(text.slice(0, 300))}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  const parsed = StorySchema.safeParse(result.story);
  assert.ok(parsed.success, `importStoryText returned an invalid story for ${JSON.stringify(text.slice(0, 300))}: ${parsed.error?.message}`);
  // Lines as the importer counts them: U+2028 and U+2029 end a line too.
  const lineCount = text.split(/\r\n|[\n\r\u2028\u2029]/).length;
  for (const note of result.notes) {
    assert.ok(typeof note.message === 'string' && note.message.length > 0, 'a note without a message');
    if (note.line !== undefined) assert.ok(Number.isInteger(note.line) && note.line >= 1 && note.line <= lineCount, `note on line ${note.line} of ${lineCount}: ${note.message}`);
  }
}

/** Timeline labels: any text, and pieces of dates put together in any order. */
export const labelArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom('Dec', 'December', '4', '31', '29', '0', '00', ',', ' ', '\u202f', '\u2011', '\u2013', '-', '/', '..', '?', '~', '%', 'X', 'XX'),
        fc.constantFrom('2025', '1950', '53', '0000', '9999', '10000', '-1', 'Late', 'Early', 'mid', 'c.', 'circa', 'Q3', 'H1', 'Summer', '1990s', 'Friday', 'since', 'present', 'to', 'BC'),
        fc.integer({ min: -99999, max: 99999 }).map(String),
      ),
      { maxLength: 10 },
    )
    .map((parts) => parts.join('')),
);

/** EDTF-like text: the characters EDTF uses, in any order. */
export const edtfArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'0123456789XYSE?~%./-+[]{},'.split('')), maxLength: 24 }),
  fc.string({ maxLength: 24 }),
);

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function checkDateAnswer(answer: ParsedTimelineDate, input: string): void {
  const context = `${JSON.stringify(input)} → ${JSON.stringify(answer)}`;
  if (answer.ok) {
    assert.ok(TimelineDateSchema.safeParse({ label: 'x', edtf: answer.edtf }).success, `an EDTF the schema refuses: ${context}`);
    assert.ok(INSTANT.test(answer.earliest) && INSTANT.test(answer.latest), `bounds that are not instants: ${context}`);
    assert.ok(answer.earliest <= answer.latest, `bounds out of order: ${context}`);
  } else {
    assert.ok(typeof answer.reason === 'string' && answer.reason.length > 0, `an unread date without a reason: ${context}`);
  }
}

function noThrow<T>(what: string, input: unknown, run: () => T): T {
  try {
    return run();
  } catch (error) {
    return assert.fail(`${what} threw on ${JSON.stringify(input)}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

/** Reads `label` (with and without a reference date) and `edtf`: never throws, and each answer is sound. */
export function checkDateReading(label: string, edtf: string, referenceDate: string | undefined): void {
  const options = referenceDate === undefined ? {} : { referenceDate };
  checkDateAnswer(
    noThrow('parseTimelineDate', label, () => parseTimelineDate(label, options)),
    label,
  );
  checkDateAnswer(
    noThrow('readEdtf', edtf, () => readEdtf(edtf, options)),
    edtf,
  );
  noThrow('timelineEntryDate', { label, edtf }, () => timelineEntryDate({ label: label || 'x', edtf }, options));
}

/** Sorting and checking the order of a timeline of such labels: never throws, and sorting keeps every entry. */
export function checkTimelineOrder(labels: readonly string[], direction: 'oldest-first' | 'newest-first'): void {
  const entries = labels.map((label, index) => ({ id: `t${index}`, date: { label: label || '?' } }));
  const sorted = noThrow('sortTimeline', labels, () => sortTimeline(entries, { direction }));
  assert.deepEqual(sorted.map((entry) => entry.id).sort(), entries.map((entry) => entry.id).sort(), 'sorting lost or repeated an entry');
  noThrow('timelineOrderProblems', labels, () => timelineOrderProblems(entries, { direction }));
}

/** Reference dates a story may carry, good and bad. */
export const referenceDateArbitrary: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('2026-02-02', '2026-02-02T09:30:00.000Z', '0001-01-01', '9999-12-31', '2026-02-30', 'yesterday', ''),
  fc.string({ maxLength: 24 }),
);
