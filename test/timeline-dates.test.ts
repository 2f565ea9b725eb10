// Checks that timeline labels are read the way an editor means them (DESIGN §2): the seed's own
// labels, every form the parser knows, the reasons it gives when it cannot, relative labels
// against a story date, agreement with the edtf package, and sorting and order checks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import edtf from 'edtf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSampleStory } from '../electron/sample';
import {
  type DatePrecision,
  type ParsedTimelineDate,
  parseTimelineDate,
  type ReadTimelineDate,
  readEdtf,
  sortTimeline,
  timelineEntryDate,
  timelineOrderProblems,
} from '../shared/timeline-dates';

/** The story date of the relative examples: Monday, February 2, 2026, the seed's newest article. */
const MONDAY = '2026-02-02';

/** The instants a day's bounds are written as. */
const start = (day: string): string => `${day}T00:00:00.000Z`;
const end = (day: string): string => `${day}T23:59:59.999Z`;

/** The reading of `label`, or a failure that says why it was not read. */
function read(label: string, referenceDate?: string): ReadTimelineDate {
  const result = parseTimelineDate(label, referenceDate === undefined ? {} : { referenceDate });
  if (!result.ok) throw new Error(`${JSON.stringify(label)} was not read: ${result.reason}`);
  return result;
}

function reason(result: ParsedTimelineDate): string {
  if (result.ok) throw new Error(`expected a refusal, but it was read as ${result.edtf}`);
  return result.reason;
}

/** The seed page's timeline labels, exactly as the page has them (U+2011, U+202F). */
function seedLabels(): string[] {
  const text = readFileSync(join(import.meta.dirname, 'fixtures', 'seed-story.txt'), 'utf8');
  const timeline = text.slice(text.indexOf('\nTimeline\n'), text.indexOf('\nAll related articles'));
  return timeline
    .split('\n')
    .filter((line) => line.includes(' \u2013 '))
    .map((line) => line.slice(0, line.indexOf(' \u2013 ')));
}

interface Example {
  label: string;
  edtf: string;
  /** First and last day covered. */
  from: string;
  to: string;
  precision: DatePrecision;
  form?: string;
  approximate?: boolean;
}

const example = (label: string, edtfText: string, from: string, to: string, precision: DatePrecision, form?: string): Example => ({
  label,
  edtf: edtfText,
  from,
  to,
  precision,
  ...(form === undefined ? {} : { form }),
});

const EXAMPLES: Record<string, Example[]> = {
  years: [
    example('2010', '2010', '2010-01-01', '2010-12-31', 'year', 'year'),
    example('2010.', '2010', '2010-01-01', '2010-12-31', 'year'),
    example('  2010\u00a0', '2010', '2010-01-01', '2010-12-31', 'year'),
  ],
  'year ranges': [
    example('1950\u201153', '1950/1953', '1950-01-01', '1953-12-31', 'year', 'year range'),
    example('1950\u20131953', '1950/1953', '1950-01-01', '1953-12-31', 'year', 'year range'),
    example('1950-53', '1950/1953', '1950-01-01', '1953-12-31', 'year', 'year range'),
    example('1950 to 1953', '1950/1953', '1950-01-01', '1953-12-31', 'year', 'year range'),
    example('1950 \u2014 1953', '1950/1953', '1950-01-01', '1953-12-31', 'year', 'year range'),
    example('1950\u22121953', '1950/1953', '1950-01-01', '1953-12-31', 'year', 'year range'),
    example('from 1950 through 1953', '1950/1953', '1950-01-01', '1953-12-31', 'year', 'year range'),
    example('between 1950 and 1953', '1950/1953', '1950-01-01', '1953-12-31', 'year', 'year range'),
    example('1998\u20132003', '1998/2003', '1998-01-01', '2003-12-31', 'year', 'year range'),
    example('1999\u201302', '1999/2002', '1999-01-01', '2002-12-31', 'year', 'year range'),
    // With an ASCII hyphen too, when the two digits are not a month and come after the start's.
    example('2022-23', '2022/2023', '2022-01-01', '2023-12-31', 'year', 'year range'),
    example('2024-41', '2024/2041', '2024-01-01', '2041-12-31', 'year', 'year range'),
    example('2024-35', '2024/2035', '2024-01-01', '2035-12-31', 'year', 'year range'),
    example('c. 2022-23', '2022~/2023~', '2022-01-01', '2023-12-31', 'year', 'approximate year range'),
    // The slash of seasons and fiscal years.
    example('2023/24', '2023/2024', '2023-01-01', '2024-12-31', 'year', 'year range'),
    example('2011/12', '2011/2012', '2011-01-01', '2012-12-31', 'year', 'year range'),
    example('1999/00', '1999/2000', '1999-01-01', '2000-12-31', 'year', 'year range'),
  ],
  months: [
    example('Jan 2026', '2026-01', '2026-01-01', '2026-01-31', 'month', 'month'),
    example('January 2026', '2026-01', '2026-01-01', '2026-01-31', 'month', 'month'),
    example('Sept 2025', '2025-09', '2025-09-01', '2025-09-30', 'month', 'month'),
    example('Sept. 2025', '2025-09', '2025-09-01', '2025-09-30', 'month', 'month'),
    example('FEBRUARY 2024', '2024-02', '2024-02-01', '2024-02-29', 'month', 'month'),
    example('2025-12', '2025-12', '2025-12-01', '2025-12-31', 'month', 'month'),
  ],
  'month ranges': [
    example('Jan\u2013Mar 2026', '2026-01/2026-03', '2026-01-01', '2026-03-31', 'month', 'month range'),
    example('Jan-Mar 2026', '2026-01/2026-03', '2026-01-01', '2026-03-31', 'month', 'month range'),
    example('Dec 2025 \u2013 Jan 2026', '2025-12/2026-01', '2025-12-01', '2026-01-31', 'month', 'month range'),
    example('Dec\u2013Feb 2026', '2025-12/2026-02', '2025-12-01', '2026-02-28', 'month', 'month range'),
  ],
  days: [
    example('Dec 4, 2025', '2025-12-04', '2025-12-04', '2025-12-04', 'day', 'day'),
    example('Dec. 4, 2025', '2025-12-04', '2025-12-04', '2025-12-04', 'day', 'day'),
    example('December 4 2025', '2025-12-04', '2025-12-04', '2025-12-04', 'day', 'day'),
    example('December 4th, 2025', '2025-12-04', '2025-12-04', '2025-12-04', 'day', 'day'),
    example('4 December 2025', '2025-12-04', '2025-12-04', '2025-12-04', 'day', 'day'),
    example('4 Dec 2025', '2025-12-04', '2025-12-04', '2025-12-04', 'day', 'day'),
    example('the 4th of December 2025', '2025-12-04', '2025-12-04', '2025-12-04', 'day', 'day'),
    example('2025-12-04', '2025-12-04', '2025-12-04', '2025-12-04', 'day', 'day'),
    example('Thursday, Dec 4, 2025', '2025-12-04', '2025-12-04', '2025-12-04', 'day', 'day'),
    example('Thu 4 December 2025', '2025-12-04', '2025-12-04', '2025-12-04', 'day', 'day'),
    example('Feb 29, 2024', '2024-02-29', '2024-02-29', '2024-02-29', 'day', 'day'),
    example('dec 4, 2025.', '2025-12-04', '2025-12-04', '2025-12-04', 'day', 'day'),
    example('March 3rd, 2024', '2024-03-03', '2024-03-03', '2024-03-03', 'day', 'day'),
    example('the 3rd of March 2024', '2024-03-03', '2024-03-03', '2024-03-03', 'day', 'day'),
    example('3rd March 2024', '2024-03-03', '2024-03-03', '2024-03-03', 'day', 'day'),
  ],
  weeks: [
    example('week of March 4, 2024', '2024-03-04/2024-03-10', '2024-03-04', '2024-03-10', 'day', 'week'),
    example('the week of Mar 4, 2024', '2024-03-04/2024-03-10', '2024-03-04', '2024-03-10', 'day', 'week'),
    example('week of Thursday, March 7, 2024', '2024-03-04/2024-03-10', '2024-03-04', '2024-03-10', 'day', 'week'),
    example('week of Sunday 10 March 2024', '2024-03-04/2024-03-10', '2024-03-04', '2024-03-10', 'day', 'week'),
  ],
  'day ranges': [
    example('Dec 4\u20136, 2025', '2025-12-04/2025-12-06', '2025-12-04', '2025-12-06', 'day', 'day range'),
    example('4\u20136 December 2025', '2025-12-04/2025-12-06', '2025-12-04', '2025-12-06', 'day', 'day range'),
    example('Nov 30 \u2013 Dec 2, 2025', '2025-11-30/2025-12-02', '2025-11-30', '2025-12-02', 'day', 'day range'),
    example('30 Nov \u2013 2 Dec 2025', '2025-11-30/2025-12-02', '2025-11-30', '2025-12-02', 'day', 'day range'),
    example('Dec 30 \u2013 Jan 2, 2026', '2025-12-30/2026-01-02', '2025-12-30', '2026-01-02', 'day', 'day range'),
    example('Dec 4, 2025 to Jan 13, 2026', '2025-12-04/2026-01-13', '2025-12-04', '2026-01-13', 'day', 'day range'),
  ],
  'parts of years': [
    example('Early 2024', '2024-40', '2024-01-01', '2024-06-30', 'season', 'part of a year'),
    example('Late 2024', '2024-41', '2024-07-01', '2024-12-31', 'season', 'part of a year'),
    example('Mid 2024', '2024-04/2024-09', '2024-04-01', '2024-09-30', 'month', 'part of a year'),
    example('Mid-2024', '2024-04/2024-09', '2024-04-01', '2024-09-30', 'month', 'part of a year'),
    example('first half of 2024', '2024-40', '2024-01-01', '2024-06-30', 'season', 'half year'),
    example('H1 2024', '2024-40', '2024-01-01', '2024-06-30', 'season', 'half year'),
    example('second half of 2024', '2024-41', '2024-07-01', '2024-12-31', 'season', 'half year'),
    example('H2 2024', '2024-41', '2024-07-01', '2024-12-31', 'season', 'half year'),
    example('Q1 2025', '2025-33', '2025-01-01', '2025-03-31', 'season', 'quarter'),
    example('Q3 2025', '2025-35', '2025-07-01', '2025-09-30', 'season', 'quarter'),
    example('fourth quarter of 2025', '2025-36', '2025-10-01', '2025-12-31', 'season', 'quarter'),
    example('Early December 2025', '2025-12-01/2025-12-10', '2025-12-01', '2025-12-10', 'day', 'part of a month'),
    example('mid-December 2025', '2025-12-11/2025-12-20', '2025-12-11', '2025-12-20', 'day', 'part of a month'),
    example('late February 2024', '2024-02-21/2024-02-29', '2024-02-21', '2024-02-29', 'day', 'part of a month'),
    example('beginning of 2024', '2024-40', '2024-01-01', '2024-06-30', 'season', 'part of a year'),
    example('start of 2024', '2024-40', '2024-01-01', '2024-06-30', 'season', 'part of a year'),
    example('the beginning of 2024', '2024-40', '2024-01-01', '2024-06-30', 'season', 'part of a year'),
    example('middle of 2024', '2024-04/2024-09', '2024-04-01', '2024-09-30', 'month', 'part of a year'),
    example('mid-year 2024', '2024-04/2024-09', '2024-04-01', '2024-09-30', 'month', 'part of a year'),
    example('end of 2023', '2023-41', '2023-07-01', '2023-12-31', 'season', 'part of a year'),
    example('the end of 2023', '2023-41', '2023-07-01', '2023-12-31', 'season', 'part of a year'),
    example('end of March 2024', '2024-03-21/2024-03-31', '2024-03-21', '2024-03-31', 'day', 'part of a month'),
    example('the beginning of March 2024', '2024-03-01/2024-03-10', '2024-03-01', '2024-03-10', 'day', 'part of a month'),
  ],
  seasons: [
    example('Spring 2024', '2024-21', '2024-03-01', '2024-05-31', 'season', 'season'),
    example('Summer 2024', '2024-22', '2024-06-01', '2024-08-31', 'season', 'season'),
    example('Autumn 2024', '2024-23', '2024-09-01', '2024-11-30', 'season', 'season'),
    example('Fall 2024', '2024-23', '2024-09-01', '2024-11-30', 'season', 'season'),
    example('Winter 2024', '2024-24', '2024-12-01', '2025-02-28', 'season', 'season'),
    example('Winter 2023', '2023-24', '2023-12-01', '2024-02-29', 'season', 'season'),
    example('Winter 2023\u201324', '2023-24', '2023-12-01', '2024-02-29', 'season', 'season'),
    example('winter 2023/24', '2023-24', '2023-12-01', '2024-02-29', 'season', 'season'),
    example('Winter 2023-2024', '2023-24', '2023-12-01', '2024-02-29', 'season', 'season'),
    example('winter 1999/00', '1999-24', '1999-12-01', '2000-02-29', 'season', 'season'),
  ],
  'decades and centuries': [
    example('1990s', '199X', '1990-01-01', '1999-12-31', 'decade', 'decade'),
    example('the 1990s', '199X', '1990-01-01', '1999-12-31', 'decade', 'decade'),
    example('1990\u2019s', '199X', '1990-01-01', '1999-12-31', 'decade', 'decade'),
    example('early 1990s', '1990/1993', '1990-01-01', '1993-12-31', 'year', 'part of a decade'),
    example('mid-1990s', '1994/1996', '1994-01-01', '1996-12-31', 'year', 'part of a decade'),
    example('late 1990s', '1997/1999', '1997-01-01', '1999-12-31', 'year', 'part of a decade'),
    example('19th century', '18XX', '1800-01-01', '1899-12-31', 'century', 'century'),
    example('21st century', '20XX', '2000-01-01', '2099-12-31', 'century', 'century'),
    example('end of the 1990s', '1997/1999', '1997-01-01', '1999-12-31', 'year', 'part of a decade'),
    example('the beginning of the 1990s', '1990/1993', '1990-01-01', '1993-12-31', 'year', 'part of a decade'),
    example('early 19th century', '1800/1833', '1800-01-01', '1833-12-31', 'year', 'part of a century'),
    example('mid-19th century', '1834/1866', '1834-01-01', '1866-12-31', 'year', 'part of a century'),
    example('mid 19th century', '1834/1866', '1834-01-01', '1866-12-31', 'year', 'part of a century'),
    example('late 19th century', '1867/1899', '1867-01-01', '1899-12-31', 'year', 'part of a century'),
    example('late 19th-century', '1867/1899', '1867-01-01', '1899-12-31', 'year', 'part of a century'),
    example('end of the 20th century', '1967/1999', '1967-01-01', '1999-12-31', 'year', 'part of a century'),
  ],
  'approximate and uncertain': [
    example('c. 1950', '1950~', '1950-01-01', '1950-12-31', 'year', 'approximate year'),
    example('c.1950', '1950~', '1950-01-01', '1950-12-31', 'year', 'approximate year'),
    example('ca. 1950', '1950~', '1950-01-01', '1950-12-31', 'year', 'approximate year'),
    example('circa 1950', '1950~', '1950-01-01', '1950-12-31', 'year', 'approximate year'),
    example('around 1950', '1950~', '1950-01-01', '1950-12-31', 'year', 'approximate year'),
    example('about 1950', '1950~', '1950-01-01', '1950-12-31', 'year', 'approximate year'),
    example('approximately 1950', '1950~', '1950-01-01', '1950-12-31', 'year', 'approximate year'),
    example('around March 2024', '2024-03~', '2024-03-01', '2024-03-31', 'month', 'approximate month'),
    example('about Dec 4, 2025', '2025-12-04~', '2025-12-04', '2025-12-04', 'day', 'approximate day'),
    example('1950?', '1950?', '1950-01-01', '1950-12-31', 'year', 'uncertain year'),
    example('c. 1950?', '1950%', '1950-01-01', '1950-12-31', 'year', 'approximate and uncertain year'),
    example('c. 1950\u201353', '1950~/1953~', '1950-01-01', '1953-12-31', 'year', 'approximate year range'),
    example('around late 2024', '2024-07~/2024-12~', '2024-07-01', '2024-12-31', 'season', 'approximate part of a year'),
  ],
  'with a remark in parentheses': [
    example('Mar 2026 (expected)', '2026-03', '2026-03-01', '2026-03-31', 'month', 'month'),
    example('2019 (approx.)', '2019~', '2019-01-01', '2019-12-31', 'year', 'approximate year'),
    example('2019 (about)', '2019~', '2019-01-01', '2019-12-31', 'year', 'approximate year'),
    example('Dec 4, 2025 (estimated)', '2025-12-04~', '2025-12-04', '2025-12-04', 'day', 'approximate day'),
    example('1950\u201153 (circa)', '1950~/1953~', '1950-01-01', '1953-12-31', 'year', 'approximate year range'),
    example('2010 (the year of the flood)', '2010', '2010-01-01', '2010-12-31', 'year', 'year'),
  ],
  'already EDTF': [
    // "YYYY-NN" is EDTF only where it cannot be a range of years (NN not after the start's digits).
    example('1999-41', '1999-41', '1999-07-01', '1999-12-31', 'season', 'half year'),
    example('2024-21', '2024-21', '2024-03-01', '2024-05-31', 'season', 'season'),
    example('2025-12-04/2025-12-06', '2025-12-04/2025-12-06', '2025-12-04', '2025-12-06', 'day', 'day range'),
    example('19XX', '19XX', '1900-01-01', '1999-12-31', 'century', 'century'),
    example('199X', '199X', '1990-01-01', '1999-12-31', 'decade', 'decade'),
    example('1950~', '1950~', '1950-01-01', '1950-12-31', 'year', 'approximate year'),
    example('1999-35', '1999-35', '1999-07-01', '1999-09-30', 'season', 'quarter'),
    example('1950-XX', '1950-XX', '1950-01-01', '1950-12-31', 'year'),
  ],
};

describe('parseTimelineDate: the seed page', () => {
  it('reads the four kinds of date on the seed page, exactly as the page writes them', () => {
    const labels = seedLabels();
    expect(labels.slice(0, 4)).toEqual(['1950\u201153', '2010', 'Late\u202f2024', 'Dec\u202f4,\u202f2025']);
    expect(labels.slice(0, 4).map((label) => [read(label).edtf, read(label).precision])).toEqual([
      ['1950/1953', 'year'],
      ['2010', 'year'],
      ['2024-41', 'season'],
      ['2025-12-04', 'day'],
    ]);
    expect(read('Late\u202f2024')).toMatchObject({ earliest: start('2024-07-01'), latest: end('2024-12-31') });
  });

  it('gives every seed label the EDTF the sample story stores', () => {
    const { story } = loadSampleStory();
    expect(story.timeline.map((entry) => entry.date.label)).toEqual(seedLabels());
    for (const entry of story.timeline) expect(read(entry.date.label).edtf).toBe(entry.date.edtf);
  });
});

describe('parseTimelineDate: the forms it reads', () => {
  for (const [group, examples] of Object.entries(EXAMPLES)) {
    it(`reads ${group}`, () => {
      for (const { label, edtf: edtfText, from, to, precision, form } of examples) {
        const result = read(label);
        expect({ label, edtf: result.edtf, earliest: result.earliest, latest: result.latest, precision: result.precision }).toEqual({
          label,
          edtf: edtfText,
          earliest: start(from),
          latest: end(to),
          precision,
        });
        if (form !== undefined) expect(result.form, label).toBe(form);
        expect(result.relative, label).toBe(false);
      }
    });
  }

  it('marks approximate readings, and only those', () => {
    expect(read('c. 1950').approximate).toBe(true);
    expect(read('around March 2024').approximate).toBe(true);
    expect(read('c. 1950\u201353').approximate).toBe(true);
    expect(read('1950').approximate).toBe(false);
    expect(read('1950?').approximate).toBe(false);
  });

  it('marks a date approximate when its remark says so, and reads any other remark as nothing', () => {
    for (const label of ['2019 (approx.)', '2019 (approximately)', '2019 (about)', '2019 (circa)', '2019 (estimated)', '2019 (est.)']) {
      expect(read(label), label).toMatchObject({ edtf: '2019~', approximate: true });
    }
    expect(read('Mar 2026 (expected)')).toMatchObject({ edtf: '2026-03', approximate: false, form: 'month' });
    expect(read('2010 (cancelled later)').approximate).toBe(false);
    // Already approximate: the remark adds nothing.
    expect(read('c. 1950 (approx.)')).toMatchObject({ edtf: '1950~', form: 'approximate year' });
    expect(read('since 2010 (approx.)', MONDAY)).toMatchObject({ edtf: '2010~/..', approximate: true });
  });

  it('reads "YYYY-NN" with a hyphen as years in a label, and as EDTF only where it cannot be years', () => {
    expect(read('1950-53').edtf).toBe('1950/1953');
    expect(read('2024-41').edtf).toBe('2024/2041');
    // A month, or two digits not after the start's own: a month or an EDTF sub-year code.
    expect(read('2024-05').edtf).toBe('2024-05');
    expect(read('2024-21')).toMatchObject({ edtf: '2024-21', form: 'season' });
    // A stored EDTF value is EDTF, whatever its digits.
    expect(readEdtf('2024-41')).toMatchObject({ ok: true, edtf: '2024-41', earliest: start('2024-07-01'), form: 'half year' });
    expect(readEdtf('2022-23')).toMatchObject({ ok: true, edtf: '2022-23', earliest: start('2022-09-01'), form: 'season' });
  });

  it('treats every Unicode space and dash as what it is', () => {
    const spaces = ['\u00a0', '\u202f', '\u2009', '\u3000', '\t', '  '];
    for (const space of spaces) expect(read(`Dec${space}4,${space}2025`).edtf).toBe('2025-12-04');
    const dashes = ['-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\ufe63', '\uff0d'];
    for (const dash of dashes) {
      expect(read(`1950${dash}1953`).edtf, `U+${dash.charCodeAt(0).toString(16)}`).toBe('1950/1953');
      expect(read(`1950 ${dash} 1953`).edtf).toBe('1950/1953');
      expect(read(`Dec 4${dash}6, 2025`).edtf).toBe('2025-12-04/2025-12-06');
    }
  });

  it('reads open ranges up to the reference day, or to the end of 9999 without one', () => {
    expect(read('1950\u2013present')).toMatchObject({ edtf: '1950/..', earliest: start('1950-01-01'), latest: end('9999-12-31'), form: 'open range' });
    expect(read('since 2010')).toMatchObject({ edtf: '2010/..', earliest: start('2010-01-01'), latest: end('9999-12-31'), precision: 'year' });
    expect(read('since 2010', MONDAY)).toMatchObject({ edtf: '2010/..', latest: end(MONDAY), relative: false });
    expect(read('1950 to present', MONDAY)).toMatchObject({ edtf: '1950/..', latest: end(MONDAY) });
    expect(read('since March 2024').edtf).toBe('2024-03/..');
    expect(read('until 1950')).toMatchObject({ edtf: '../1950', earliest: start('0000-01-01'), latest: end('1950-12-31') });
  });
});

describe('parseTimelineDate: what it refuses, and why', () => {
  it('says a label is empty', () => {
    expect(parseTimelineDate('')).toEqual({ ok: false, reason: 'empty', relative: false });
    expect(reason(parseTimelineDate(' \u202f '))).toBe('empty');
  });

  it('names the ambiguity of numeric dates and the two ways to write them', () => {
    for (const label of ['12/04/2025', '04.12.2025']) {
      const why = reason(parseTimelineDate(label));
      expect(why).toContain('ambiguous');
      expect(why).toContain('"2025-12-04"');
      expect(why).toContain('"Dec 4, 2025"');
    }
  });

  it('refuses days that do not exist', () => {
    expect(reason(parseTimelineDate('Feb 30, 2025'))).toBe('Feb 30, 2025 does not exist: February 2025 has 28 days');
    expect(reason(parseTimelineDate('Feb 29, 2023'))).toContain('does not exist');
    expect(reason(parseTimelineDate('2023-02-29'))).toContain('does not exist');
    expect(reason(parseTimelineDate('April 31 2025'))).toContain('April 2025 has 30 days');
  });

  it('refuses a weekday that does not match its date, naming the mismatch', () => {
    expect(reason(parseTimelineDate('Friday, Dec 4, 2025'))).toBe('Dec 4, 2025 is a Thursday, not a Friday');
  });

  it('refuses ranges that end before they start', () => {
    expect(reason(parseTimelineDate('1953\u20131950'))).toBe('the range ends (1950) before it starts (1953)');
    expect(reason(parseTimelineDate('Dec 2025 \u2013 Jan 2024'))).toBe('the range ends before it starts');
    expect(reason(parseTimelineDate('1953/1950'))).toContain('ends before it starts');
    // With an ASCII hyphen "2024-13" is a typo for an ISO month, not 2024–2113.
    expect(reason(parseTimelineDate('2024-13'))).toBe('the range ends (2013) before it starts (2024)');
  });

  it('refuses fiscal years, which vary by country, and says so', () => {
    for (const label of ['FY2024', 'FY 2024', 'FY24', 'fiscal 2024', 'fiscal year 2024', 'FY2023/24', 'in FY2024']) {
      expect(reason(parseTimelineDate(label)), label).toMatch(/^fiscal years vary by country/);
    }
  });

  it('refuses near misses of the forms it reads, naming what is missing', () => {
    expect(reason(parseTimelineDate('winter 2023\u201325'))).toBe(
      'a winter spans two years only: "Winter 2023–24" runs from December 2023 to February 2024',
    );
    expect(reason(parseTimelineDate('week of March 2024'))).toBe('"week of" needs a day, as in "week of March 4, 2024"');
    // A slash before two digits that are not after the year's own is not a season's or fiscal year's.
    expect(reason(parseTimelineDate('2025/12'))).toBe('not valid EDTF: "2025/12"');
    expect(reason(parseTimelineDate('2099-00'))).toBe('the range ends (2000) before it starts (2099)');
    expect(reason(parseTimelineDate('early 0th century'))).toBe('there is no 0th century in the years 0001–9999');
    expect(reason(parseTimelineDate('thirteen weeks ago', { referenceDate: MONDAY }))).toContain('not a date this parser knows');
    expect(reason(parseTimelineDate('5000 years ago', { referenceDate: MONDAY }))).toBe('years run from 0001 to 9999');
    // The package reads this EDTF; a remark cannot add a qualifier to it.
    expect(read('1950-XX (see notes)').edtf).toBe('1950-XX');
    expect(reason(parseTimelineDate('1950-XX (approx.)'))).toBe('to mark "1950-XX" approximate, write the EDTF qualifier "~" in it');
  });

  it('says plainly what it does not know', () => {
    expect(reason(parseTimelineDate('the day after the election'))).toBe('not a date this parser knows: "the day after the election"');
    expect(reason(parseTimelineDate('?'))).toBe('not a date this parser knows: "?"');
    expect(reason(parseTimelineDate('950'))).toBe('years are written with four digits: "0950", not "950"');
    expect(reason(parseTimelineDate('20254'))).toBe('not a date this parser knows: "20254"');
    expect(reason(readEdtf('20254'))).toBe('not valid EDTF: "20254"');
    expect(reason(parseTimelineDate('x'.repeat(201)))).toContain('too long');
    expect(reason(parseTimelineDate('Winter 9999'))).toBe('runs past the year 9999');
  });
});

describe('parseTimelineDate: relative labels', () => {
  it('needs a reference date, and says so', () => {
    const labels = ['Friday', 'last Friday', 'today', 'yesterday', 'this week', 'last month', 'December', 'Early December', 'Dec 4'];
    const newer = ['earlier this year', 'later this month', 'next week', 'two weeks ago', '3 days ago', 'a year ago', 'spring', 'last summer', 'week of Dec 4'];
    for (const label of [...labels, ...newer]) {
      expect(parseTimelineDate(label)).toEqual({ ok: false, reason: 'relative: needs a reference date', relative: true });
    }
  });

  it('resolves against the story date, looking back as news does', () => {
    const cases: [label: string, edtf: string, from: string, to: string, precision: DatePrecision][] = [
      ['Friday', '2026-01-30', '2026-01-30', '2026-01-30', 'day'],
      ['last Friday', '2026-01-30', '2026-01-30', '2026-01-30', 'day'],
      ['Monday', '2026-02-02', '2026-02-02', '2026-02-02', 'day'],
      ['last Monday', '2026-01-26', '2026-01-26', '2026-01-26', 'day'],
      ['on Sunday', '2026-02-01', '2026-02-01', '2026-02-01', 'day'],
      ['today', '2026-02-02', '2026-02-02', '2026-02-02', 'day'],
      ['yesterday', '2026-02-01', '2026-02-01', '2026-02-01', 'day'],
      ['this week', '2026-02-02/2026-02-08', '2026-02-02', '2026-02-08', 'day'],
      ['last week', '2026-01-26/2026-02-01', '2026-01-26', '2026-02-01', 'day'],
      ['this month', '2026-02', '2026-02-01', '2026-02-28', 'month'],
      ['last month', '2026-01', '2026-01-01', '2026-01-31', 'month'],
      ['this year', '2026', '2026-01-01', '2026-12-31', 'year'],
      ['last year', '2025', '2025-01-01', '2025-12-31', 'year'],
      ['December', '2025-12', '2025-12-01', '2025-12-31', 'month'],
      ['February', '2026-02', '2026-02-01', '2026-02-28', 'month'],
      ['last February', '2025-02', '2025-02-01', '2025-02-28', 'month'],
      ['Early December', '2025-12-01/2025-12-10', '2025-12-01', '2025-12-10', 'day'],
      ['late January', '2026-01-21/2026-01-31', '2026-01-21', '2026-01-31', 'day'],
      ['Dec 4', '2025-12-04', '2025-12-04', '2025-12-04', 'day'],
      ['4 December', '2025-12-04', '2025-12-04', '2025-12-04', 'day'],
      ['Thursday, Dec 4', '2025-12-04', '2025-12-04', '2025-12-04', 'day'],
      ['Feb 2', '2026-02-02', '2026-02-02', '2026-02-02', 'day'],
      ['Feb 3', '2025-02-03', '2025-02-03', '2025-02-03', 'day'],
      ['Feb 29', '2024-02-29', '2024-02-29', '2024-02-29', 'day'],
      ['Dec 4\u20136', '2025-12-04/2025-12-06', '2025-12-04', '2025-12-06', 'day'],
      ['Nov\u2013Dec', '2025-11/2025-12', '2025-11-01', '2025-12-31', 'month'],
      // From the period's start to the story day, or from the story day to its end.
      ['earlier this year', '2026-01-01/2026-02-02', '2026-01-01', '2026-02-02', 'day'],
      ['earlier this month', '2026-02-01/2026-02-02', '2026-02-01', '2026-02-02', 'day'],
      ['earlier this week', '2026-02-02', '2026-02-02', '2026-02-02', 'day'],
      ['later this year', '2026-02-02/2026-12-31', '2026-02-02', '2026-12-31', 'day'],
      ['later this month', '2026-02-02/2026-02-28', '2026-02-02', '2026-02-28', 'day'],
      ['later this week', '2026-02-02/2026-02-08', '2026-02-02', '2026-02-08', 'day'],
      ['next week', '2026-02-09/2026-02-15', '2026-02-09', '2026-02-15', 'day'],
      ['next month', '2026-03', '2026-03-01', '2026-03-31', 'month'],
      ['next year', '2027', '2027-01-01', '2027-12-31', 'year'],
      // Counted back: a day is that day, a week the Monday-to-Sunday week.
      ['3 days ago', '2026-01-30', '2026-01-30', '2026-01-30', 'day'],
      ['a week ago', '2026-01-26/2026-02-01', '2026-01-26', '2026-02-01', 'day'],
      ['two weeks ago', '2026-01-19/2026-01-25', '2026-01-19', '2026-01-25', 'day'],
      ['3 months ago', '2025-11', '2025-11-01', '2025-11-30', 'month'],
      ['twelve months ago', '2025-02', '2025-02-01', '2025-02-28', 'month'],
      ['a year ago', '2025', '2025-01-01', '2025-12-31', 'year'],
      ['ten years ago', '2016', '2016-01-01', '2016-12-31', 'year'],
      // The most recent season that has begun; "last": the one before the season the story is in.
      ['spring', '2025-21', '2025-03-01', '2025-05-31', 'season'],
      ['summer', '2025-22', '2025-06-01', '2025-08-31', 'season'],
      ['fall', '2025-23', '2025-09-01', '2025-11-30', 'season'],
      ['winter', '2025-24', '2025-12-01', '2026-02-28', 'season'],
      ['last summer', '2025-22', '2025-06-01', '2025-08-31', 'season'],
      ['last winter', '2024-24', '2024-12-01', '2025-02-28', 'season'],
      ['week of Dec 4', '2025-12-01/2025-12-07', '2025-12-01', '2025-12-07', 'day'],
    ];
    for (const [label, edtfText, from, to, precision] of cases) {
      const result = read(label, MONDAY);
      expect({ label, edtf: result.edtf, earliest: result.earliest, latest: result.latest, precision: result.precision }).toEqual({
        label,
        edtf: edtfText,
        earliest: start(from),
        latest: end(to),
        precision,
      });
      expect(result.relative, label).toBe(true);
      expect(result.form, label).toMatch(/^relative /);
    }
  });

  it('reads "earlier" and "later" this period up to the story day, whatever day that is', () => {
    const wednesday = '2026-02-04';
    expect(read('earlier this week', wednesday).edtf).toBe('2026-02-02/2026-02-04');
    expect(read('later this week', wednesday).edtf).toBe('2026-02-04/2026-02-08');
    // On the last day of a month, all of the month came earlier; on the first, all of it is to come.
    expect(read('earlier this month', '2026-01-31')).toMatchObject({ edtf: '2026-01', precision: 'month' });
    expect(read('later this month', '2026-01-01')).toMatchObject({ edtf: '2026-01', precision: 'month' });
    expect(read('later this year', '2026-12-31').edtf).toBe('2026-12-31');
  });

  it('reads "last" of a season as the one before the season the story is in', () => {
    const july = '2025-07-15';
    expect(read('summer', july).edtf).toBe('2025-22');
    expect(read('last summer', july).edtf).toBe('2024-22');
    expect(read('spring', july).edtf).toBe('2025-21');
    expect(read('last spring', july).edtf).toBe('2025-21');
    expect(read('winter', july).edtf).toBe('2024-24');
  });

  it('takes an ISO instant as the reference date, and refuses a reference that is not a date', () => {
    expect(read('yesterday', '2026-02-02T09:30:00.000Z').edtf).toBe('2026-02-01');
    expect(reason(parseTimelineDate('Friday', { referenceDate: 'soon' }))).toBe('relative: the reference date "soon" is not a date');
    expect(reason(parseTimelineDate('Friday', { referenceDate: '' }))).toBe('relative: needs a reference date');
  });

  it('checks a weekday against the resolved day', () => {
    expect(parseTimelineDate('Friday, Dec 4', { referenceDate: MONDAY })).toEqual({
      ok: false,
      reason: 'Dec 4, 2025 is a Thursday, not a Friday',
      relative: true,
    });
  });

  it('leaves labels with a year alone: they are not relative', () => {
    expect(read('Dec 4, 2025', MONDAY).relative).toBe(false);
  });
});

describe('readEdtf', () => {
  it('reads the forms parseTimelineDate writes without the package', () => {
    const cases: [value: string, from: string, to: string, precision: DatePrecision, form: string][] = [
      ['2010', '2010-01-01', '2010-12-31', 'year', 'year'],
      ['2025-12', '2025-12-01', '2025-12-31', 'month', 'month'],
      ['2025-12-04', '2025-12-04', '2025-12-04', 'day', 'day'],
      ['2024-21', '2024-03-01', '2024-05-31', 'season', 'season'],
      ['2024-24', '2024-12-01', '2025-02-28', 'season', 'season'],
      ['2025-33', '2025-01-01', '2025-03-31', 'season', 'quarter'],
      ['2024-40', '2024-01-01', '2024-06-30', 'season', 'half year'],
      ['2024-41', '2024-07-01', '2024-12-31', 'season', 'half year'],
      ['199X', '1990-01-01', '1999-12-31', 'decade', 'decade'],
      ['18XX', '1800-01-01', '1899-12-31', 'century', 'century'],
      ['1950~', '1950-01-01', '1950-12-31', 'year', 'approximate year'],
      ['1950?', '1950-01-01', '1950-12-31', 'year', 'uncertain year'],
      ['2024-03%', '2024-03-01', '2024-03-31', 'month', 'approximate and uncertain month'],
      ['1950/1953', '1950-01-01', '1953-12-31', 'year', 'year range'],
      ['2025-12/2026-01', '2025-12-01', '2026-01-31', 'month', 'month range'],
      ['1950~/1953~', '1950-01-01', '1953-12-31', 'year', 'approximate year range'],
      ['2025-12/2026', '2025-12-01', '2026-12-31', 'month', 'range'],
      ['1950/..', '1950-01-01', '9999-12-31', 'year', 'open range'],
      ['../1950', '0000-01-01', '1950-12-31', 'year', 'open range'],
      ['1950/', '1950-01-01', '9999-12-31', 'year', 'open range'],
    ];
    for (const [value, from, to, precision, form] of cases) {
      expect({ value, ...readEdtf(value) }).toEqual({
        value,
        ok: true,
        edtf: value,
        earliest: start(from),
        latest: end(to),
        precision,
        form,
        approximate: value.includes('~') || value.includes('%'),
        relative: false,
      });
    }
  });

  it('bounds an interval open at its end by the reference day', () => {
    expect(readEdtf('2010/..', { referenceDate: MONDAY })).toMatchObject({ ok: true, earliest: start('2010-01-01'), latest: end(MONDAY) });
  });

  it('gives seasons 21–24 meteorological bounds and every other code the bounds edtf.js gives', () => {
    for (let code = 25; code <= 41; code += 1) {
      const value = `2023-${code}`;
      const package_ = edtf(value);
      expect(readEdtf(value), value).toMatchObject({ earliest: new Date(package_.min).toISOString(), latest: new Date(package_.max).toISOString() });
    }
    // On purpose: edtf.js reads 21 as January–March, an editor's spring is March–May.
    expect(new Date(edtf('2024-21').min).toISOString()).toBe(start('2024-01-01'));
    expect(readEdtf('2024-21')).toMatchObject({ earliest: start('2024-03-01') });
  });

  it('asks the package about the rest, and says when it is not EDTF', () => {
    expect(readEdtf('[1950,1951]')).toMatchObject({ ok: true, earliest: start('1950-01-01'), latest: end('1951-12-31'), form: 'one of a set of dates' });
    expect(readEdtf('2004-06~-11')).toMatchObject({ ok: true, earliest: start('2004-06-11'), precision: 'day', approximate: true });
    expect(readEdtf('1950-XX')).toMatchObject({ ok: true, precision: 'year' });
    expect(reason(readEdtf('Late 2024'))).toBe('not valid EDTF: "Late 2024"');
    expect(reason(readEdtf('2024-41~'))).toContain('not valid EDTF');
    expect(reason(readEdtf('Y170000'))).toContain('outside the years 0000–9999');
    expect(reason(readEdtf('2023-02-29'))).toContain('does not exist');
  });

  it('reads back every EDTF value parseTimelineDate writes, with the same bounds', () => {
    for (const { label } of Object.values(EXAMPLES).flat()) {
      const result = read(label);
      expect(readEdtf(result.edtf), label).toMatchObject({ ok: true, edtf: result.edtf, earliest: result.earliest, latest: result.latest });
    }
  });
});

describe('agreement with the edtf package', () => {
  /** Seasons 21–24 have our bounds on purpose; the package cannot read open intervals. */
  const comparable = (value: string): boolean => !/^\d{4}-2[1-4]$/.test(value) && !value.includes('..');

  it('gives the bounds the package gives, for every EDTF value of the examples', () => {
    const results = [
      ...Object.values(EXAMPLES)
        .flat()
        .map(({ label }) => read(label)),
      ...seedLabels().map((label) => read(label)),
      ...['Friday', 'this week', 'Early December', 'Dec 4\u20136', 'last year'].map((label) => read(label, MONDAY)),
    ];
    const values = results.filter((result) => comparable(result.edtf));
    expect(values.length).toBeGreaterThan(80);
    for (const result of values) {
      const value = edtf(result.edtf);
      expect({ edtf: result.edtf, earliest: new Date(value.min).toISOString(), latest: new Date(value.max).toISOString() }).toEqual({
        edtf: result.edtf,
        earliest: result.earliest,
        latest: result.latest,
      });
    }
  });
});

describe('timelineEntryDate', () => {
  it('prefers the stored EDTF, and reads the label when there is none', () => {
    expect(timelineEntryDate({ label: 'Late\u202f2024', edtf: '2024-41' })).toMatchObject({ ok: true, edtf: '2024-41', form: 'half year' });
    expect(timelineEntryDate({ label: 'Late\u202f2024' })).toMatchObject({ ok: true, edtf: '2024-41', form: 'part of a year' });
    expect(timelineEntryDate({ label: 'Friday', edtf: '2026-01-30' })).toMatchObject({ ok: true, relative: false });
    expect(timelineEntryDate({ label: 'Friday' }, { referenceDate: MONDAY })).toMatchObject({ ok: true, edtf: '2026-01-30', relative: true });
  });
});

interface Entry {
  id: string;
  date: { label: string; edtf?: string };
}

const entry = (label: string, id = label): Entry => ({ id, date: { label } });
const ids = (entries: readonly Entry[]): string[] => entries.map((item) => item.id);

describe('sortTimeline', () => {
  it('puts a reversed seed timeline back in date order, oldest first by default', () => {
    const { story } = loadSampleStory();
    const reversed = [...story.timeline].reverse();
    expect(sortTimeline(reversed).map((item) => item.id)).toEqual(story.timeline.map((item) => item.id));
    expect(sortTimeline(story.timeline, { direction: 'newest-first' }).map((item) => item.id)).toEqual(ids(reversed));
  });

  it('returns a new array of the same objects', () => {
    const entries = [entry('2010'), entry('1950')];
    const sorted = sortTimeline(entries);
    expect(sorted).not.toBe(entries);
    expect(sorted[0]).toBe(entries[1]);
    expect(ids(entries)).toEqual(['2010', '1950']);
  });

  it('leaves entries whose date cannot be read at their index and sorts the others around them', () => {
    const entries = [entry('2010'), entry('hello'), entry('1950'), entry('Friday'), entry('2000')];
    expect(ids(sortTimeline(entries))).toEqual(['1950', 'hello', '2000', 'Friday', '2010']);
    // With the story date, "Friday" is readable (Jan 30, 2026) and takes part.
    expect(ids(sortTimeline(entries, { referenceDate: MONDAY }))).toEqual(['1950', 'hello', '2000', '2010', 'Friday']);
  });

  it('is stable: equal dates keep their manual order', () => {
    const entries = [entry('Dec 4, 2025', 'a'), entry('2010', 'b'), entry('4 December 2025', 'c'), entry('2025-12-04', 'd')];
    expect(ids(sortTimeline(entries))).toEqual(['b', 'a', 'c', 'd']);
  });

  it('keeps the manual order of entries whose intervals overlap', () => {
    expect(ids(sortTimeline([entry('Dec 2024'), entry('2024')]))).toEqual(['Dec 2024', '2024']);
    expect(ids(sortTimeline([entry('2024'), entry('Dec 2024')]))).toEqual(['2024', 'Dec 2024']);
    expect(ids(sortTimeline([entry('Dec 2024'), entry('2010'), entry('2024')]))).toEqual(['2010', 'Dec 2024', '2024']);
    expect(ids(sortTimeline([entry('2025'), entry('Jan 2026'), entry('Mar 2025')]))).toEqual(['2025', 'Mar 2025', 'Jan 2026']);
  });

  const LABELS = ['1950\u201153', '2010', 'Late\u202f2024', 'Dec\u202f4,\u202f2025', '2024', 'Dec 2024', 'Early 2024', '1990s', 'Mid 2024', 'hello', 'Friday', '', 'since 2010'];
  const timelines = fc.array(fc.constantFrom(...LABELS), { maxLength: 25 });

  it('only ever permutes the entries, and sorting twice is sorting once', () => {
    fc.assert(
      fc.property(timelines, fc.constantFrom('oldest-first' as const, 'newest-first' as const), (labels, direction) => {
        const entries = labels.map((label, index) => entry(label, String(index)));
        const once = sortTimeline(entries, { direction });
        expect(once).toHaveLength(entries.length);
        expect(new Set(once)).toEqual(new Set(entries));
        expect(sortTimeline(once, { direction })).toEqual(once);
        entries.forEach((item, index) => {
          if (!timelineEntryDate(item.date).ok) expect(once[index]).toBe(item);
        });
        expect(timelineOrderProblems(once, { direction })).toEqual([]);
      }),
    );
  });
});

describe('timelineOrderProblems', () => {
  const seed = (): Entry[] => loadSampleStory().story.timeline;
  const labelOf = (entries: readonly Entry[], index: number): string => entries[index]?.date.label ?? '';

  it('finds nothing wrong with the seed timeline', () => {
    expect(timelineOrderProblems(seed())).toEqual([]);
    expect(timelineOrderProblems([...seed()].reverse(), { direction: 'newest-first' })).toEqual([]);
  });

  it('reports an entry moved out of place, and the entry it contradicts', () => {
    const entries = seed();
    const moved = entries.splice(3, 1)[0];
    if (moved === undefined) throw new Error('the seed has no fourth entry');
    entries.splice(5, 0, moved);
    expect(labelOf(entries, 5)).toBe('Dec\u202f4,\u202f2025');
    expect(timelineOrderProblems(entries)).toEqual([
      { index: 5, conflictsWith: 4, message: `"Dec\u202f4,\u202f2025" comes after "Jan\u202f13,\u202f2026" but is earlier` },
    ]);
  });

  it('reports both entries of a swap', () => {
    const entries = seed();
    const last = entries.length - 1;
    [entries[0], entries[last]] = [entries[last] as Entry, entries[0] as Entry];
    const problems = timelineOrderProblems(entries);
    expect(problems.map((problem) => problem.index)).toEqual([0, last]);
    expect(problems[0]?.message).toBe(`"${labelOf(entries, 0)}" comes before "2010" but is later`);
    expect(problems[1]?.message).toBe(`"1950\u201153" comes after "Jan\u202f22,\u202f2026" but is earlier`);
  });

  it('reports one entry of two neighbours swapped: the one further down', () => {
    const entries = seed();
    [entries[1], entries[2]] = [entries[2] as Entry, entries[1] as Entry];
    expect(timelineOrderProblems(entries)).toEqual([{ index: 2, conflictsWith: 1, message: '"2010" comes after "Late\u202f2024" but is earlier' }]);
  });

  it('never reports entries whose intervals overlap', () => {
    expect(timelineOrderProblems([entry('Dec 2024'), entry('2024')])).toEqual([]);
    expect(timelineOrderProblems([entry('2024'), entry('Dec 2024')])).toEqual([]);
    // "1953" overlaps "1950‑53", so only "1990s" is out of place.
    expect(timelineOrderProblems([entry('1990s'), entry('1950\u201153'), entry('1953')])).toEqual([
      { index: 0, conflictsWith: 1, message: '"1990s" comes before "1950\u201153" but is later' },
    ]);
  });

  it('finds the fewest entries to move when overlaps chain ("Jun 2025", "2025", "Jan 2025")', () => {
    // Each neighbour overlaps the next, but June and January contradict: one of three must move.
    expect(timelineOrderProblems([entry('Jun 2025'), entry('2025'), entry('Jan 2025')])).toEqual([
      { index: 2, conflictsWith: 0, message: '"Jan 2025" comes after "Jun 2025" but is earlier' },
    ]);
  });

  it('ignores entries it cannot read, and reads relative ones with the story date', () => {
    const entries = [entry('2010'), entry('hello'), entry('Friday'), entry('1950')];
    expect(timelineOrderProblems(entries).map((problem) => problem.index)).toEqual([3]);
    expect(timelineOrderProblems(entries, { referenceDate: MONDAY }).map((problem) => problem.index)).toEqual([3]);
    expect(timelineOrderProblems([entry('Friday'), entry('2010')], { referenceDate: MONDAY })).toEqual([
      { index: 1, conflictsWith: 0, message: '"2010" comes after "Friday" but is earlier' },
    ]);
  });

  it('flags the fewest entries: without them the rest is in order, and no smaller set would do', () => {
    const labels = ['1950\u201153', '2010', 'Late\u202f2024', 'Dec 4, 2025', '2024', 'Dec 2024', 'Early 2024', '1990s', 'Mid 2024', '1953', 'hello'];
    /** The size of the largest subset in date order, by trying every subset. */
    const largestInOrder = (entries: Entry[], direction: 'oldest-first' | 'newest-first'): number => {
      let largest = 0;
      for (let subset = 0; subset < 1 << entries.length; subset += 1) {
        const chosen = entries.filter((item, index) => (subset & (1 << index)) !== 0 && timelineEntryDate(item.date).ok);
        if (chosen.length > largest && timelineOrderProblems(chosen, { direction }).length === 0) largest = chosen.length;
      }
      return largest;
    };
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...labels), { maxLength: 8 }), fc.constantFrom('oldest-first' as const, 'newest-first' as const), (picked, direction) => {
        const entries = picked.map((label, index) => entry(label, String(index)));
        const problems = timelineOrderProblems(entries, { direction });
        const flagged = new Set(problems.map((problem) => problem.index));
        expect(timelineOrderProblems(entries.filter((_entry, index) => !flagged.has(index)), { direction })).toEqual([]);
        const readable = entries.filter((item) => timelineEntryDate(item.date).ok).length;
        expect(readable - flagged.size).toBe(largestInOrder(entries, direction));
        for (const problem of problems) expect(flagged.has(problem.conflictsWith)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('reads the order newest first when asked', () => {
    expect(timelineOrderProblems(seed(), { direction: 'newest-first' }).length).toBe(seed().length - 1);
    expect(timelineOrderProblems([entry('2010'), entry('2020')], { direction: 'newest-first' })).toEqual([
      { index: 1, conflictsWith: 0, message: '"2020" comes after "2010" but is later' },
    ]);
  });
});

describe('parseTimelineDate never throws', () => {
  const check = (label: string): void => {
    for (const options of [{}, { referenceDate: MONDAY }]) {
      const result = parseTimelineDate(label, options);
      if (result.ok) {
        expect(result.earliest <= result.latest, label).toBe(true);
        expect(result.earliest).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        expect(result.latest).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      } else {
        expect(result.reason.length).toBeGreaterThan(0);
      }
    }
  };

  it('on any string', () => {
    fc.assert(fc.property(fc.string({ maxLength: 250 }), check), { numRuns: 2000 });
  });

  it('on any Unicode string', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), check), { numRuns: 1000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), check), { numRuns: 1000 });
  });

  it('on strings made of date words and EDTF characters', () => {
    const pieces = fc.constantFrom('Dec', '4', ',', ' ', '2025', '\u2013', '-', '/', '..', 'early', 'mid', 'c.', '?', '~', 'to', 'Q3', 'X', '1990s', 'Friday', '\u202f', 'since', 'present', '12', 'the', 'H1');
    fc.assert(fc.property(fc.array(pieces, { maxLength: 10 }), (parts) => check(parts.join(''))), { numRuns: 2000 });
    fc.assert(fc.property(fc.array(pieces, { maxLength: 10 }), (parts) => check(parts.join(' '))), { numRuns: 2000 });
  });

  it('on strings made of the words of remarks, relative labels and parts of periods', () => {
    const pieces = fc.constantFrom('(', ')', 'approx.', 'expected', 'week of', 'ago', 'two', 'weeks', 'earlier', 'later', 'this', 'next', 'winter', 'summer', 'last', 'end of', 'the', 'beginning of', 'mid-year', 'century', '19th', '/', '-', '2023', '24', '00', 'FY', 'Mar 4', '2024', '\u2013', 'early');
    fc.assert(fc.property(fc.array(pieces, { maxLength: 8 }), (parts) => check(parts.join(' '))), { numRuns: 2000 });
    fc.assert(fc.property(fc.array(pieces, { maxLength: 8 }), (parts) => check(parts.join(''))), { numRuns: 2000 });
    for (const count of ['0', '9999', '99999']) for (const unit of ['days', 'weeks', 'months', 'years']) check(`${count} ${unit} ago`);
    const lastDay = { referenceDate: '9999-12-31' };
    for (const label of ['winter 9999/00', 'next year', 'week of Dec 31, 9999', 'later this week']) {
      expect(reason(parseTimelineDate(label, lastDay)), label).toBe('runs past the year 9999');
    }
    expect(read('later this year', '9999-12-31').edtf).toBe('9999-12-31');
  });

  it('on very long strings, which it refuses without reading', () => {
    check('Dec 4, 2025 '.repeat(10_000));
    check('1'.repeat(100_000));
    expect(reason(parseTimelineDate('\u2013'.repeat(1_000)))).toContain('too long');
  });
});
