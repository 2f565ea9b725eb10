/**
 * Reads the dates of timeline entries (DESIGN §2): the label an editor typed ("1950‑53",
 * "Late 2024", "Dec 4, 2025") becomes its EDTF form and the interval it covers, which is what
 * sorting the timeline and checking its manual order rest on.
 *
 * Natural labels are read by our own code (one pass to normalise the text, then a few anchored
 * regular expressions): the `edtf` package takes about 160 µs a parse, and sorting, the coverage
 * review and library-wide checks need hundreds of thousands of labels a second. The package only
 * reads EDTF that this module does not know.
 */
import edtf from 'edtf';

// ---------------------------------------------------------------------------------------------
// The contract
// ---------------------------------------------------------------------------------------------

export type DatePrecision = 'day' | 'month' | 'season' | 'year' | 'decade' | 'century';

export interface ReadTimelineDate {
  ok: true;
  /** The EDTF form, e.g. '1950/1953', '2024-41', '2025-12-04', '199X', '1950~'. */
  edtf: string;
  /**
   * First and last instant covered, ISO 8601 UTC with ms: '2024-07-01T00:00:00.000Z',
   * '2024-12-31T23:59:59.999Z'. Lexicographic order = time order.
   */
  earliest: string;
  latest: string;
  /** The precision of the label (for a range: of its ends, the finer when they differ). */
  precision: DatePrecision;
  /**
   * How the label was read, for an editor: 'year', 'year range', 'month', 'day', 'day range',
   * 'month range', 'part of a year', 'season', 'quarter', 'half year', 'decade', 'century',
   * 'approximate year', 'relative day', 'open range', ...
   */
  form: string;
  approximate: boolean;
  /** True when the label is relative ("Friday") and was resolved against the reference date. */
  relative: boolean;
}

export interface UnreadTimelineDate {
  ok: false;
  /**
   * Why it cannot be read, as a short phrase an editor understands. Exactly
   * 'relative: needs a reference date' for a relative label without referenceDate.
   */
  reason: string;
  relative: boolean;
}

export type ParsedTimelineDate = ReadTimelineDate | UnreadTimelineDate;

export interface DateOptions {
  /** The story's date, ISO 'YYYY-MM-DD' or an ISO instant; relative labels resolve against it. */
  referenceDate?: string;
}

export type TimelineDirection = 'oldest-first' | 'newest-first';

export interface TimelineOrderProblem {
  /** index in the manual order of the entry that is out of place */
  index: number;
  /** index of a readable entry it contradicts (one it should come before/after) */
  conflictsWith: number;
  message: string;
}

type OrderOptions = DateOptions & { direction?: TimelineDirection };

/** What the functions below need of a timeline entry (model.ts's TimelineEntry fits). */
interface DatedEntry {
  date: { label: string; edtf?: string };
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic on day stamps
// ---------------------------------------------------------------------------------------------

/**
 * A calendar day as one number that sorts like the date: 2025-12-04 is 20251204. Comparing
 * numbers is what sorting needs, and the ISO texts are built only once, for the result.
 */
type DayStamp = number;

/** Years beyond 9999 would need a sign and more digits, and break the text order of the bounds. */
const LAST_DAY: DayStamp = 99991231;
/** The earliest bound of an interval open at its start ('../1950'). */
const FIRST_DAY: DayStamp = 101;
/** Natural labels are years 0001–9999; EDTF also allows 0000 (1 BC). */
const FIRST_NATURAL_DAY: DayStamp = 10101;

const stampOf = (year: number, month: number, day: number): DayStamp => year * 10000 + month * 100 + day;
const yearOf = (stamp: DayStamp): number => Math.floor(stamp / 10000);
const monthOf = (stamp: DayStamp): number => Math.floor(stamp / 100) % 100;
const dayOf = (stamp: DayStamp): number => stamp % 100;

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const monthEnd = (year: number, month: number): DayStamp => stampOf(year, month, daysInMonth(year, month));

/** Days since 1970-01-01 (Howard Hinnant's days_from_civil): weekdays and "yesterday" need day arithmetic. */
function daysSinceEpoch(stamp: DayStamp): number {
  const month = monthOf(stamp);
  const year = yearOf(stamp) - (month <= 2 ? 1 : 0);
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + dayOf(stamp) - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The inverse of daysSinceEpoch (Hinnant's civil_from_days). */
function stampFromDays(days: number): DayStamp {
  const shifted = days + 719468;
  const era = Math.floor(shifted / 146097);
  const dayOfEra = shifted - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const marchBasedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * marchBasedMonth + 2) / 5) + 1;
  const month = marchBasedMonth < 10 ? marchBasedMonth + 3 : marchBasedMonth - 9;
  return stampOf(yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day);
}

const addDays = (stamp: DayStamp, days: number): DayStamp => stampFromDays(daysSinceEpoch(stamp) + days);

/** 0 for Monday … 6 for Sunday: news weeks run Monday to Sunday. 1970-01-01 was a Thursday. */
function weekdayOf(stamp: DayStamp): number {
  return (((daysSinceEpoch(stamp) + 3) % 7) + 7) % 7;
}

const twoDigits = (value: number): string => (value < 10 ? `0${value}` : String(value));
const fourDigits = (value: number): string =>
  value >= 1000 ? String(value) : value >= 100 ? `0${value}` : value >= 10 ? `00${value}` : `000${value}`;
const dayText = (stamp: DayStamp): string =>
  `${fourDigits(yearOf(stamp))}-${twoDigits(monthOf(stamp))}-${twoDigits(dayOf(stamp))}`;

// ---------------------------------------------------------------------------------------------
// Names, as typed and as shown in reasons
// ---------------------------------------------------------------------------------------------

const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December',
];
const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Every spelling the patterns accept (MONTH and WEEKDAY below), looked up whole. */
const MONTH_NUMBERS: ReadonlyMap<string, number> = new Map(
  MONTH_NAMES.flatMap((name, index) => {
    const full = name.toLowerCase();
    const spellings = [full, full.slice(0, 3), ...(full === 'september' ? ['sept'] : [])];
    return spellings.map((spelling) => [spelling, index + 1] as const);
  }),
);
const WEEKDAY_NUMBERS: ReadonlyMap<string, number> = new Map(
  WEEKDAY_NAMES.flatMap((name, index) => {
    const full = name.toLowerCase();
    const spellings = [full, full.slice(0, 3), ...(full === 'tuesday' ? ['tues'] : full === 'thursday' ? ['thur', 'thurs'] : [])];
    return spellings.map((spelling) => [spelling, index] as const);
  }),
);

const monthNumber = (name: string | undefined): number => (name === undefined ? 0 : (MONTH_NUMBERS.get(name) ?? 0));
const weekdayNumber = (name: string | undefined): number | undefined => (name === undefined ? undefined : WEEKDAY_NUMBERS.get(name));
const monthName = (month: number): string => MONTH_NAMES[month - 1] ?? `month ${month}`;
/** "Dec 4, 2025", the seed page's own style. */
const shownDay = (year: number, month: number, day: number): string => `${monthName(month).slice(0, 3)} ${day}, ${year}`;

// ---------------------------------------------------------------------------------------------
// Readings: what a label or an EDTF value says, before it becomes a result
// ---------------------------------------------------------------------------------------------

interface Reading {
  edtf: string;
  first: DayStamp;
  last: DayStamp;
  precision: DatePrecision;
  form: string;
  /** `edtf` is one calendar date (YYYY, YYYY-MM or YYYY-MM-DD), which a qualifier (~ ? %) may follow. */
  plain: boolean;
  /** For an interval, its two ends as EDTF ('..' when open); undefined for a single value. */
  ends: readonly [string, string] | undefined;
  approximate: boolean;
  relative: boolean;
}

interface Refusal {
  reason: string;
  relative: boolean;
}

/** A reading, a refusal with its reason, or undefined when the text is not in the form tried. */
type Attempt = Reading | Refusal | undefined;

const isRefusal = (attempt: Reading | Refusal): attempt is Refusal => 'reason' in attempt;
const refusal = (reason: string, relative = false): Refusal => ({ reason, relative });

const NEEDS_REFERENCE = 'relative: needs a reference date';

/**
 * Every reading is built here, with the same fields in the same order and never by spreading
 * another: V8 then keeps property access monomorphic, and spreading readings of several shapes
 * made parsing three times slower.
 */
function reading(
  edtfText: string,
  first: DayStamp,
  last: DayStamp,
  precision: DatePrecision,
  form: string,
  plain: boolean,
  ends: readonly [string, string] | undefined = undefined,
  approximate = false,
  relative = false,
): Reading {
  return { edtf: edtfText, first, last, precision, form, plain, ends, approximate, relative };
}

const yearReading = (year: number): Reading =>
  reading(fourDigits(year), stampOf(year, 1, 1), stampOf(year, 12, 31), 'year', 'year', true);

const monthReading = (year: number, month: number): Reading =>
  reading(`${fourDigits(year)}-${twoDigits(month)}`, stampOf(year, month, 1), monthEnd(year, month), 'month', 'month', true);

/** A day, or the reason it does not exist ("Feb 30, 2025"). */
function dayReading(year: number, month: number, day: number): Reading | Refusal {
  if (month < 1 || month > 12) return refusal(`month ${month} does not exist`);
  const length = daysInMonth(year, month);
  if (day < 1 || day > length) {
    return refusal(`${shownDay(year, month, day)} does not exist: ${monthName(month)} ${year} has ${length} days`);
  }
  return stampReading(stampOf(year, month, day));
}

/** The day of a stamp that is known to exist. */
const stampReading = (stamp: DayStamp): Reading => reading(dayText(stamp), stamp, stamp, 'day', 'day', true);

/** A decade written as its first three digits ('199' for the 1990s): EDTF '199X'. */
const decadeReading = (digits: string): Reading => {
  const start = Number(digits) * 10;
  return reading(`${digits}X`, stampOf(start, 1, 1), stampOf(start + 9, 12, 31), 'decade', 'decade', false);
};

/** A century written as its first two digits ('18' for 1800–1899, "the 19th century"): EDTF '18XX'. */
const centuryReading = (digits: string): Reading => {
  const start = Number(digits) * 100;
  return reading(`${digits}XX`, stampOf(start, 1, 1), stampOf(start + 99, 12, 31), 'century', 'century', false);
};

/**
 * The EDTF sub-year groupings (ISO 8601-2 codes 21–41) by first and last month. Codes 21–24 are
 * the seasons, and on purpose we give them meteorological northern bounds (spring March–May …
 * winter December to February of the next year): that is what an editor means by "Winter 2024".
 * edtf.js reads 21–24 as quarters instead; every other code keeps edtf.js's bounds, so stored
 * values read the same here and there.
 */
const SUB_YEAR_GROUPS: ReadonlyMap<number, { firstMonth: number; lastMonth: number; form: string }> = new Map([
  [21, { firstMonth: 3, lastMonth: 5, form: 'season' }],
  [22, { firstMonth: 6, lastMonth: 8, form: 'season' }],
  [23, { firstMonth: 9, lastMonth: 11, form: 'season' }],
  [24, { firstMonth: 12, lastMonth: 14, form: 'season' }],
  [25, { firstMonth: 1, lastMonth: 3, form: 'season' }],
  [26, { firstMonth: 4, lastMonth: 6, form: 'season' }],
  [27, { firstMonth: 7, lastMonth: 9, form: 'season' }],
  [28, { firstMonth: 10, lastMonth: 12, form: 'season' }],
  [29, { firstMonth: 10, lastMonth: 12, form: 'season' }],
  [30, { firstMonth: 7, lastMonth: 9, form: 'season' }],
  [31, { firstMonth: 4, lastMonth: 6, form: 'season' }],
  [32, { firstMonth: 1, lastMonth: 3, form: 'season' }],
  [33, { firstMonth: 1, lastMonth: 3, form: 'quarter' }],
  [34, { firstMonth: 4, lastMonth: 6, form: 'quarter' }],
  [35, { firstMonth: 7, lastMonth: 9, form: 'quarter' }],
  [36, { firstMonth: 10, lastMonth: 12, form: 'quarter' }],
  [37, { firstMonth: 1, lastMonth: 5, form: 'part of a year' }],
  [38, { firstMonth: 5, lastMonth: 9, form: 'part of a year' }],
  [39, { firstMonth: 9, lastMonth: 12, form: 'part of a year' }],
  [40, { firstMonth: 1, lastMonth: 6, form: 'half year' }],
  [41, { firstMonth: 7, lastMonth: 12, form: 'half year' }],
]);

/** 'YYYY-SS' for a code of SUB_YEAR_GROUPS, or undefined for any other number. */
function subYearReading(year: number, code: number, form?: string): Reading | undefined {
  const group = SUB_YEAR_GROUPS.get(code);
  if (group === undefined) return undefined;
  // Month 14 is February of the next year (winter).
  const lastYear = group.lastMonth > 12 ? year + 1 : year;
  const lastMonth = group.lastMonth > 12 ? group.lastMonth - 12 : group.lastMonth;
  const first = stampOf(year, group.firstMonth, 1);
  return reading(`${fourDigits(year)}-${code}`, first, monthEnd(lastYear, lastMonth), 'season', form ?? group.form, false);
}

type Granularity = 'year' | 'month' | 'day';

/** The coarsest unit whose boundaries both bounds fall on: what an interval's ends are written in. */
function boundsGranularity(first: DayStamp, last: DayStamp): Granularity {
  if (dayOf(first) !== 1 || dayOf(last) !== daysInMonth(yearOf(last), monthOf(last))) return 'day';
  return monthOf(first) === 1 && monthOf(last) === 12 ? 'year' : 'month';
}

function boundText(stamp: DayStamp, granularity: Granularity): string {
  if (granularity === 'day') return dayText(stamp);
  const year = fourDigits(yearOf(stamp));
  return granularity === 'year' ? year : `${year}-${twoDigits(monthOf(stamp))}`;
}

/** The reading's start as an interval end: itself when it is one date, else its first day, month or year. */
function startEnd(value: Reading): string {
  if (value.plain) return value.edtf;
  return value.ends?.[0] ?? boundText(value.first, boundsGranularity(value.first, value.last));
}

function finishEnd(value: Reading): string {
  if (value.plain) return value.edtf;
  return value.ends?.[1] ?? boundText(value.last, boundsGranularity(value.first, value.last));
}

/** An interval given by its bounds ("Mid 2024" → '2024-04/2024-09'), its ends written as coarsely as they allow. */
function spanReading(first: DayStamp, last: DayStamp, form: string): Reading {
  const granularity = boundsGranularity(first, last);
  const ends = [boundText(first, granularity), boundText(last, granularity)] as const;
  return reading(`${ends[0]}/${ends[1]}`, first, last, granularity, form, false, ends);
}

const PRECISION_RANK: Readonly<Record<DatePrecision, number>> = { day: 0, month: 1, season: 2, year: 3, decade: 4, century: 5 };
const finerPrecision = (a: DatePrecision, b: DatePrecision): DatePrecision => (PRECISION_RANK[a] <= PRECISION_RANK[b] ? a : b);

/** A later end that starts or finishes before the start: "2010–1995", "2024/2023-06". */
const endsBeforeStart = (start: Reading, end: Reading): boolean => end.first < start.first || end.last < start.last;

/** The range from `start` to `end` ("Dec 2025 – Jan 2026" → '2025-12/2026-01'). */
function rangeReading(start: Reading, end: Reading): Reading | Refusal {
  const relative = start.relative || end.relative;
  if (endsBeforeStart(start, end)) return refusal('the range ends before it starts', relative);
  if (start.first === end.first && start.last === end.last) {
    return reading(start.edtf, start.first, start.last, start.precision, start.form, start.plain, start.ends, start.approximate, relative);
  }
  const ends = [startEnd(start), finishEnd(end)] as const;
  const approximate = start.approximate || end.approximate;
  const form = `${approximate ? 'approximate ' : ''}${start.precision === end.precision ? `${start.precision} range` : 'range'}`;
  const precision = finerPrecision(start.precision, end.precision);
  return reading(`${ends[0]}/${ends[1]}`, start.first, end.last, precision, form, false, ends, approximate, relative);
}

/** Adds a qualifier to one EDTF date, merging with the one it may carry ('1950?' + '~' → '1950%'). */
function withQualifier(date: string, approximate: boolean, uncertain: boolean): string {
  if (date === '..') return date;
  const existing = date.at(-1);
  const hasMark = existing === '~' || existing === '?' || existing === '%';
  const isApproximate = approximate || existing === '~' || existing === '%';
  const isUncertain = uncertain || existing === '?' || existing === '%';
  const mark = isApproximate && isUncertain ? '%' : isApproximate ? '~' : '?';
  return (hasMark ? date.slice(0, -1) : date) + mark;
}

/**
 * "c. 1950" → '1950~', "1950?" → '1950?'. edtf.js accepts a qualifier only on a plain date, so
 * a season or decade that is qualified becomes the interval of its bounds ('2024-07~/2024-12~').
 */
function qualify(value: Reading, approximate: boolean, uncertain: boolean): Reading {
  if (!approximate && !uncertain) return value;
  const words = approximate && uncertain ? 'approximate and uncertain' : approximate ? 'approximate' : 'uncertain';
  const form = `${words} ${value.form}`;
  const isApproximate = value.approximate || approximate;
  if (value.plain) {
    const edtfText = withQualifier(value.edtf, approximate, uncertain);
    return reading(edtfText, value.first, value.last, value.precision, form, true, undefined, isApproximate, value.relative);
  }
  const ends = [withQualifier(startEnd(value), approximate, uncertain), withQualifier(finishEnd(value), approximate, uncertain)] as const;
  return reading(`${ends[0]}/${ends[1]}`, value.first, value.last, value.precision, form, false, ends, isApproximate, value.relative);
}

/**
 * "since 2010" → '2010/..'. Its latest instant is the end of the reference day when there is one
 * (the story's date: nothing later can have happened yet), else the end of 9999.
 */
function openEndReading(start: Reading, reference: DayStamp | undefined): Reading {
  const startText = startEnd(start);
  const last = reference === undefined ? LAST_DAY : reference >= start.first ? reference : start.last;
  const ends = [startText, '..'] as const;
  return reading(`${startText}/..`, start.first, last, start.precision, 'open range', false, ends, start.approximate, start.relative);
}

/** "until 1950" → '../1950', from the first day a bound can name. */
function openStartReading(end: Reading): Reading {
  const endText = finishEnd(end);
  return reading(`../${endText}`, FIRST_DAY, end.last, end.precision, 'open range', false, ['..', endText], end.approximate, end.relative);
}

const unread = (reason: string, relative = false): UnreadTimelineDate => ({ ok: false, reason, relative });

function toResult(attempt: Reading | Refusal): ParsedTimelineDate {
  if (isRefusal(attempt)) return unread(attempt.reason, attempt.relative);
  if (attempt.last > LAST_DAY) return unread('runs past the year 9999', attempt.relative);
  return {
    ok: true,
    edtf: attempt.edtf,
    earliest: `${dayText(attempt.first)}T00:00:00.000Z`,
    latest: `${dayText(attempt.last)}T23:59:59.999Z`,
    precision: attempt.precision,
    form: attempt.form,
    approximate: attempt.approximate,
    relative: attempt.relative,
  };
}

// ---------------------------------------------------------------------------------------------
// The reference date of relative labels
// ---------------------------------------------------------------------------------------------

const REFERENCE_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The story's day, as written: an instant keeps its written date rather than its UTC date,
 * because the newsroom's "Friday" is a day in its own time zone.
 */
function referenceDay(referenceDate: string | undefined): DayStamp | Refusal {
  if (referenceDate === undefined || referenceDate === '') return refusal(NEEDS_REFERENCE, true);
  const match = REFERENCE_DATE.exec(referenceDate);
  const day = match ? dayReading(Number(match[1]), Number(match[2]), Number(match[3])) : undefined;
  if (day === undefined || isRefusal(day)) return refusal(`relative: the reference date "${referenceDate}" is not a date`, true);
  return day.first;
}

const asRelative = (value: Reading, form: string): Reading =>
  reading(value.edtf, value.first, value.last, value.precision, `relative ${form}`, value.plain, value.ends, value.approximate, true);

/** The most recent `month` not after the reference month ("December" read in February 2026 → Dec 2025). */
function recentMonthYear(month: number, reference: DayStamp, strictlyBefore: boolean): number {
  const referenceMonth = monthOf(reference);
  const sameYear = strictlyBefore ? month < referenceMonth : month <= referenceMonth;
  return sameYear ? yearOf(reference) : yearOf(reference) - 1;
}

/** "Dec 4" → the most recent Dec 4 on or before the reference day (Feb 29: the most recent leap day). */
function recentDay(month: number, day: number, reference: DayStamp): Reading | Refusal {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(2000, month)) {
    return refusal(`there is no ${monthName(month).slice(0, 3)} ${day}`, true);
  }
  let year = stampOf(yearOf(reference), month, day) <= reference ? yearOf(reference) : yearOf(reference) - 1;
  while (day > daysInMonth(year, month)) year -= 1;
  return asRelative(stampReading(stampOf(year, month, day)), 'day');
}

// ---------------------------------------------------------------------------------------------
// Normalising a natural label
// ---------------------------------------------------------------------------------------------

/** Labels longer than this are prose, not dates; refusing them early bounds the work per label. */
const MAX_LABEL_LENGTH = 200;

/** One character beyond ASCII that is a space: U+202F and U+00A0 occur in the seed. */
const UNICODE_SPACE = /[\s\u200b\u2060]/u;
/** One character beyond ASCII that is a dash (U+2011, U+2013, …) or the minus sign U+2212. */
const UNICODE_DASH = /[\p{Pd}\u2212]/u;
const RANGE_WORD = / (?:to|through|thru|until|till) /g;
/** "Mid-2024", "mid‑1990s": the hyphen belongs to the word, not to a range. */
const HYPHENATED_PART = /\b(early|mid|late)[-–]/g;
/** "the beginning of 2024", "middle of 2024", "mid-year 2024", "end of the 1990s": early, mid, late. */
const PART_SYNONYM = /\b(?:the )?(beginning|start|middle|end) of |\b(mid) ?year /g;
const PART_WORDS: Readonly<Record<string, string>> = { beginning: 'early ', start: 'early ', middle: 'mid ', end: 'late ', mid: 'mid ' };
const partWord = (_phrase: string, word: string | undefined, mid: string | undefined): string => PART_WORDS[word ?? mid ?? ''] ?? '';
/** Spares the common labels with "of" ("first half of 2024", "4th of December") the search for synonyms. */
const mayHavePartSynonym = (text: string): boolean =>
  (text.includes(' of ') && (text.includes('end ') || text.includes('beginning') || text.includes('start') || text.includes('middle'))) ||
  text.includes('year ');

/** The range separator of normalised text: an en dash stands for every way of writing one. */
const RANGE = '–';
const RANGE_CODE = 0x2013;

const isAsciiSpace = (code: number): boolean => code === 32 || (code >= 9 && code <= 13);
const isLowercaseLetter = (code: number): boolean => code >= 97 && code <= 122;
const isUppercaseLetter = (code: number): boolean => code >= 65 && code <= 90;
const isDigit = (code: number): boolean => code >= 48 && code <= 57;
const isLetterOrDigit = (code: number): boolean => isLowercaseLetter(code) || isUppercaseLetter(code) || isDigit(code);

/**
 * Whether the label is already normal but for letter case: ASCII letters and digits, single
 * spaces between words, unspaced hyphens. Most labels typed on a keyboard are ("Late 2024").
 */
function isPlainAscii(label: string): boolean {
  let afterWord = false;
  for (let index = 0; index < label.length; index += 1) {
    const code = label.charCodeAt(index);
    if (isLetterOrDigit(code)) afterWord = true;
    else if ((code === 32 || code === 45) && afterWord && isLetterOrDigit(label.charCodeAt(index + 1))) afterWord = false;
    else return false;
  }
  return true;
}

/**
 * The slash of "2023/24", as seasons and fiscal years are written, is a range: when the two digits
 * come after the year's own last two ("2011/12") or are the next year ("1999/00"). Not in
 * "2025/12", nor between longer numbers ("2024-21/2024-23" is EDTF).
 */
function isSeasonSlash(text: string, label: string, index: number): boolean {
  const length = text.length;
  if (length < 4 || (length > 4 && isDigit(text.charCodeAt(length - 5)))) return false;
  for (let at = length - 4; at < length; at += 1) if (!isDigit(text.charCodeAt(at))) return false;
  const after = label.charCodeAt(index + 3);
  if (!isDigit(label.charCodeAt(index + 1)) || !isDigit(label.charCodeAt(index + 2)) || isDigit(after) || after === 47) return false;
  const start = Number(text.slice(length - 4));
  const end = Number(label.slice(index + 1, index + 3));
  return end > start % 100 || end === (start + 1) % 100;
}

/**
 * Lowercase, one space between words, commas and abbreviation periods ("Dec.", "c.1950") dropped,
 * every range separator (any dash, a spaced hyphen, "to", "until", the slash of "2023/24") written
 * as an en dash without spaces. An unspaced ASCII hyphen stays, because "2025-12" is December 2025
 * while "2025–12" would be a range of years. The synonyms of early, mid and late become those
 * words. Only ASCII letters are lowercased: every word the patterns know is ASCII.
 * One pass over the characters, because a chain of replace() calls cost more than all the rest of
 * the parsing (String.prototype.toLowerCase alone is slow on text with U+202F).
 */
function normaliseLabel(label: string): string {
  let text = '';
  let hasDash = false;
  if (isPlainAscii(label)) {
    text = label.toLowerCase();
    hasDash = text.includes('-');
  } else {
    let spaceBefore = false;
    let afterRange = false;
    for (let index = 0; index < label.length; index += 1) {
      let code = label.charCodeAt(index);
      if (code < 128) {
        if (isAsciiSpace(code) || code === 44) {
          spaceBefore = true;
          continue;
        }
        if (isUppercaseLetter(code)) code += 32;
        else if (code === 45 && (spaceBefore || isAsciiSpace(label.charCodeAt(index + 1)))) code = RANGE_CODE;
        else if (code === 46 && !spaceBefore && isLowercaseLetter(text.charCodeAt(text.length - 1))) {
          spaceBefore = true;
          continue;
        } else if (code === 47 && !spaceBefore && isSeasonSlash(text, label, index)) code = RANGE_CODE;
      } else if (code === 0x202f || code === 0xa0 || UNICODE_SPACE.test(label.charAt(index))) {
        spaceBefore = true;
        continue;
      } else if (code === RANGE_CODE || UNICODE_DASH.test(label.charAt(index))) {
        code = RANGE_CODE;
      } else if (code === 0x2018 || code === 0x2019) {
        code = 39;
      }
      if (code === RANGE_CODE) {
        text += RANGE;
        afterRange = true;
        hasDash = true;
      } else {
        if (spaceBefore && text !== '' && !afterRange) text += ' ';
        text += String.fromCharCode(code);
        afterRange = false;
        hasDash ||= code === 45;
      }
      spaceBefore = false;
    }
    if (text.endsWith('.')) text = text.slice(0, -1);
    if (text.includes("'")) text = text.replaceAll("'s", 's');
  }
  if (text.includes(' t') || text.includes(' u')) text = text.replace(RANGE_WORD, RANGE);
  if (hasDash && (text.includes('mid') || text.includes('early') || text.includes('late'))) text = text.replace(HYPHENATED_PART, '$1 ');
  // "early 19th-century": a point that begins with a word has no hyphen (readPoint).
  if (hasDash && text.includes('-century')) text = text.replace('-century', ' century');
  if (mayHavePartSynonym(text)) text = text.replace(PART_SYNONYM, partWord);
  return text;
}

// ---------------------------------------------------------------------------------------------
// Natural labels: the patterns
// ---------------------------------------------------------------------------------------------

const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const WEEKDAY = '(mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)';
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';
const YEAR = '(\\d{4})';
const DASH = '[–-]';
const anchored = (pattern: string): RegExp => new RegExp(`^${pattern}$`);

const YEAR_ONLY = /^(\d{4})$/;
const ISO_DATE = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/;
const DECADE = /^(?:the )?(\d{3})0s$/;
const CENTURY = /^(\d{1,2})(?:st|nd|rd|th)[ -]century$/;
/** "4 December 2025", "Thursday 4th of Dec 2025", "4 Dec" (relative). */
const DAY_MONTH_YEAR = anchored(`(?:${WEEKDAY} )?${DAY} (?:of )?${MONTH}(?: ${YEAR})?`);
/** "Jan 2026", "December 4th 2025", "Thursday Dec 4 2025", "Dec 4" and "December" (relative). */
const MONTH_DAY_YEAR = anchored(`(?:${WEEKDAY} )?${MONTH}(?: ${DAY})?(?: ${YEAR})?`);
const PART_OF = anchored(`(early|mid|late) (?:${YEAR}|(?:the )?(\\d{3})0s|${MONTH}(?: ${YEAR})?|(?:the )?(\\d{1,2})(?:st|nd|rd|th) century)`);
const SEASON = anchored(`(spring|summer|autumn|fall|winter)(?: of)? ${YEAR}`);
/**
 * A range of days whose year is written once, at its end (or not at all: then the range is
 * relative, the year read from the reference date).
 */
function dayRangeInYear(
  startMonth: number,
  startDay: number,
  endMonth: number,
  endDay: number,
  yearText: string | undefined,
  referenceDate: string | undefined,
): Reading | Refusal {
  const year = endYear(yearText, endMonth, endDay, referenceDate);
  if (typeof year !== 'number') return year;
  return markRelative(dayRange(startMonth, startDay, endMonth, endDay, year), yearText);
}

/** "Winter 2023–24", "winter 2023/24" (its slash is a dash by now). */
const WINTER_ACROSS_YEARS = anchored(`winter(?: of)? ${YEAR}${DASH}(\\d{2}|\\d{4})`);
/** "week of March 4, 2024" ("the" is a leading word). */
const WEEK_OF = 'week of ';
const QUARTER = anchored(`(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th) quarter(?: of)?) ${YEAR}`);
const HALF = anchored(`(?:h([12])|(first|second|1st|2nd) half(?: of)?) ${YEAR}`);
const RELATIVE_DAY_WORD = /^(today|yesterday|tomorrow)$/;
const RELATIVE_PERIOD = /^(this|last|past|previous|next) (week|month|year)$/;
const PART_OF_PERIOD = /^(earlier|later) this (week|month|year)$/;
const PERIODS_AGO = /^(\d{1,4}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (day|week|month|year)s? ago$/;
const LAST_NAMED = anchored(`(?:(last|past|previous) )?(?:${WEEKDAY}|${MONTH})`);
const RECENT_SEASON = /^(?:(last|past|previous) )?(spring|summer|autumn|fall|winter)$/;
/** "FY2024", "FY 2023/24", "fiscal 2024": refused, since the year a fiscal year names varies by country and company. */
const FISCAL_YEAR = /^(?:fy ?'?\d|fiscal (?:year )?'?\d)/;
const FISCAL_YEAR_REASON =
  'fiscal years vary by country and company (the US federal year starts in October, the UK\'s in April): write its months, e.g. "Oct 2023 – Sep 2024"';

const YEAR_RANGE = anchored(`${YEAR}(${DASH})(\\d{2}|\\d{4})`);
/** The ranges whose start borrows the year from the end; without a year they are relative ("Jan–Mar"). */
const MONTH_RANGE = anchored(`${MONTH}${DASH}${MONTH}(?: ${YEAR})?`);
const DAY_RANGE_MONTH_FIRST = anchored(`(?:${WEEKDAY} )?${MONTH} ${DAY}${DASH}${DAY}(?: ${YEAR})?`);
const DAY_RANGE_DAY_FIRST = anchored(`${DAY}${DASH}${DAY} ${MONTH}(?: ${YEAR})?`);
const CROSS_MONTH_MONTH_FIRST = anchored(`${MONTH} ${DAY}${DASH}${MONTH} ${DAY}(?: ${YEAR})?`);
const CROSS_MONTH_DAY_FIRST = anchored(`${DAY} ${MONTH}${DASH}${DAY} ${MONTH}(?: ${YEAR})?`);

/** Words before the date: approximation, open ranges, and filler ("the 1990s", "in December"). */
const LEADING_WORD = /^(circa|ca|c|approximately|approx|around|about|roughly|since|from|between|until|till|through|the|in|on|during) /;
const APPROXIMATE_WORDS: ReadonlySet<string> = new Set(['circa', 'ca', 'c', 'approximately', 'approx', 'around', 'about', 'roughly']);
const OPEN_END_SUFFIX = /(?:[–-](?:present|now|today|date|ongoing)| onwards?| and later|–)$/;

/** "12/04/2025", "04.12.2025": day-first or month-first cannot be told apart. */
const NUMERIC_DATE = /^(\d{1,2})([./-])(\d{1,2})\2(\d{2}|\d{4})$/;
/** Only characters EDTF uses: such a label may already be EDTF ('2024-41', '19XX', '1950/..'). */
const EDTF_CHARACTERS = /^[0-9Xx?~%./\-+[\]{},:TZYES]+$/;

const ANY_DIGIT = /\d/;
const ONLY_DIGITS = /^\d+$/;
const hasRangeSeparator = (text: string): boolean => text.includes(RANGE) || text.includes('-');

// ---------------------------------------------------------------------------------------------
// Natural labels: one point in time
// ---------------------------------------------------------------------------------------------

/** "Early 2024" and "Late 2024" are the EDTF halves (the design notes fix them); "Mid 2024" is April–September. */
function partOfYear(part: string, year: number): Reading {
  if (part === 'mid') return spanReading(stampOf(year, 4, 1), stampOf(year, 9, 30), 'part of a year');
  // Codes 40 and 41 are in SUB_YEAR_GROUPS, so there is always a reading.
  return subYearReading(year, part === 'early' ? 40 : 41, 'part of a year') as Reading;
}

/** Early 1990–1993, mid 1994–1996, late 1997–1999. */
function partOfDecade(part: string, digits: string): Reading {
  const start = Number(digits) * 10;
  const [from, to] = part === 'early' ? [0, 3] : part === 'mid' ? [4, 6] : [7, 9];
  return spanReading(stampOf(start + from, 1, 1), stampOf(start + to, 12, 31), 'part of a decade');
}

/** The first year of a century by its ordinal ("19" for the 19th century, 1800), or why there is none. */
function centuryStart(ordinalText: string): number | Refusal {
  const ordinal = Number(ordinalText);
  if (ordinal < 1 || ordinal > 100) return refusal(`there is no ${ordinalText}th century in the years 0001–9999`);
  return (ordinal - 1) * 100;
}

/** Early 1800–1833, mid 1834–1866, late 1867–1899: the century in thirds, like the decade. */
function partOfCentury(part: string, ordinalText: string): Reading | Refusal {
  const start = centuryStart(ordinalText);
  if (typeof start !== 'number') return start;
  const [from, to] = part === 'early' ? [0, 33] : part === 'mid' ? [34, 66] : [67, 99];
  return spanReading(stampOf(start + from, 1, 1), stampOf(start + to, 12, 31), 'part of a century');
}

/** Early the 1st–10th, mid the 11th–20th, late the 21st to the month's end. */
function partOfMonth(part: string, year: number, month: number): Reading {
  const [from, to] = part === 'early' ? [1, 10] : part === 'mid' ? [11, 20] : [21, daysInMonth(year, month)];
  return spanReading(stampOf(year, month, from), stampOf(year, month, to), 'part of a month');
}

/** A day written with names, with or without its year and weekday; checks that the weekday fits. */
function namedDay(
  weekday: string | undefined,
  month: number,
  day: number,
  year: string | undefined,
  referenceDate: string | undefined,
): Reading | Refusal {
  let value: Reading | Refusal;
  if (year === undefined) {
    const reference = referenceDay(referenceDate);
    if (typeof reference !== 'number') return reference;
    value = recentDay(month, day, reference);
  } else {
    value = dayReading(Number(year), month, day);
  }
  const expected = weekdayNumber(weekday);
  if (isRefusal(value) || expected === undefined) return value;
  const actual = weekdayOf(value.first);
  if (actual === expected) return value;
  const shown = shownDay(yearOf(value.first), month, day);
  return refusal(`${shown} is a ${WEEKDAY_NAMES[actual] ?? ''}, not a ${WEEKDAY_NAMES[expected] ?? ''}`, value.relative);
}

/** A month with no year ("December", "last March", "Early December"), resolved looking back. */
function recentMonth(month: number, part: string | undefined, strictlyBefore: boolean, referenceDate: string | undefined): Attempt {
  const reference = referenceDay(referenceDate);
  if (typeof reference !== 'number') return reference;
  const year = recentMonthYear(month, reference, strictlyBefore);
  if (part === undefined) return asRelative(monthReading(year, month), 'month');
  return asRelative(partOfMonth(part, year, month), 'part of a month');
}

/** Resolves a relative label against the reference day, or says why it cannot. */
function resolved(referenceDate: string | undefined, resolve: (reference: DayStamp) => Attempt): Attempt {
  const reference = referenceDay(referenceDate);
  return typeof reference === 'number' ? resolve(reference) : reference;
}

/** The day, Monday-to-Sunday week, month or year `offset` of them after the reference's ("last week" is -1). */
function periodFrom(period: string, reference: DayStamp, offset: number): Reading {
  if (period === 'day') return stampReading(addDays(reference, offset));
  if (period === 'week') {
    const monday = addDays(reference, 7 * offset - weekdayOf(reference));
    return spanReading(monday, addDays(monday, 6), 'week');
  }
  if (period === 'year') return yearReading(yearOf(reference) + offset);
  const months = yearOf(reference) * 12 + monthOf(reference) - 1 + offset;
  const year = Math.floor(months / 12);
  return monthReading(year, months - year * 12 + 1);
}

/** "earlier this year": from the year's first day to the reference day; "later this month": from it to the month's end. */
function partOfCurrentPeriod(period: string, earlier: boolean, reference: DayStamp): Reading {
  const whole = periodFrom(period, reference, 0);
  const first = earlier ? whole.first : reference;
  const last = earlier ? reference : whole.last;
  const form = `part of a ${period}`;
  // On the period's last (or first) day, what came earlier (or comes later) is all of it.
  const part = first === whole.first && last === whole.last ? whole : first === last ? stampReading(first) : spanReading(first, last, form);
  return asRelative(part, form);
}

/**
 * "summer": the most recent summer that has begun by the reference day. "last summer": the one
 * before it when the reference day is in it, as "last Monday" on a Monday is the Monday before;
 * so in February 2026 "last summer" is summer 2025 and "last winter" the winter of 2024–25.
 */
function recentSeason(code: number, strictlyBefore: boolean, reference: DayStamp): Attempt {
  const firstMonth = SUB_YEAR_GROUPS.get(code)?.firstMonth ?? 1;
  const year = stampOf(yearOf(reference), firstMonth, 1) <= reference ? yearOf(reference) : yearOf(reference) - 1;
  let season = subYearReading(year, code);
  if (strictlyBefore && season !== undefined && season.last >= reference) season = subYearReading(year - 1, code);
  return season === undefined ? undefined : asRelative(season, 'season');
}

/** "today", "last week", "next month", "earlier this year", "Friday", "last Friday", "last summer": relative to the reference day. */
function relativeWords(body: string, referenceDate: string | undefined): Attempt {
  let match = RELATIVE_DAY_WORD.exec(body);
  if (match) {
    const offset = match[1] === 'yesterday' ? -1 : match[1] === 'tomorrow' ? 1 : 0;
    return resolved(referenceDate, (reference) => asRelative(periodFrom('day', reference, offset), 'day'));
  }
  const named = LAST_NAMED.exec(body);
  // A bare month ("December") is MONTH_DAY_YEAR's; here weekdays and "last December".
  if (named && (named[2] !== undefined || named[1] !== undefined)) {
    const strictlyBefore = named[1] !== undefined;
    const weekday = weekdayNumber(named[2]);
    if (weekday === undefined) return recentMonth(monthNumber(named[3]), undefined, true, referenceDate);
    return resolved(referenceDate, (reference) => {
      const back = (weekdayOf(reference) - weekday + 7) % 7 || (strictlyBefore ? 7 : 0);
      return asRelative(stampReading(addDays(reference, -back)), 'day');
    });
  }
  match = RELATIVE_PERIOD.exec(body);
  if (match) {
    const offset = match[1] === 'this' ? 0 : match[1] === 'next' ? 1 : -1;
    const period = match[2] ?? 'day';
    return resolved(referenceDate, (reference) => asRelative(periodFrom(period, reference, offset), period));
  }
  match = PART_OF_PERIOD.exec(body);
  if (match) {
    const earlier = match[1] === 'earlier';
    const period = match[2] ?? 'day';
    return resolved(referenceDate, (reference) => partOfCurrentPeriod(period, earlier, reference));
  }
  match = RECENT_SEASON.exec(body);
  if (match) {
    const strictlyBefore = match[1] !== undefined;
    const code = SEASON_CODES.get(match[2] ?? '') ?? 0;
    return resolved(referenceDate, (reference) => recentSeason(code, strictlyBefore, reference));
  }
  return undefined;
}

const NUMBER_WORDS: ReadonlyMap<string, number> = new Map(
  ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'].map((word, index) => [word, index + 1] as const),
);

/** "3 days ago" (that day), "two weeks ago" (the Monday-to-Sunday week two before this one), "a year ago". */
function periodsAgo(body: string, referenceDate: string | undefined): Attempt {
  const match = PERIODS_AGO.exec(body);
  if (!match) return undefined;
  const countText = match[1] ?? '';
  const count = countText === 'a' || countText === 'an' ? 1 : (NUMBER_WORDS.get(countText) ?? Number(countText));
  const period = match[2] ?? 'day';
  return resolved(referenceDate, (reference) => asRelative(periodFrom(period, reference, -count), period));
}

/** "week of March 4, 2024": the Monday-to-Sunday week that contains the day. */
function weekOf(dayText: string, referenceDate: string | undefined): Attempt {
  const day = readPoint(dayText, referenceDate);
  if (day === undefined || isRefusal(day)) return day;
  if (day.first !== day.last) return refusal('"week of" needs a day, as in "week of March 4, 2024"', day.relative);
  const monday = addDays(day.first, -weekdayOf(day.first));
  const week = spanReading(monday, addDays(monday, 6), 'week');
  return day.relative ? asRelative(week, 'week') : week;
}

/**
 * "2022-23", "1950-53", "2024-41": in news text four digits, an ASCII hyphen and two more are a
 * range of years whenever the two are not a month and come after the start's own last two. Only
 * the rest ("2024-21") may be an EDTF sub-year code. Stored EDTF (readEdtf) is never read this way.
 */
const isShortYearRange = (startYear: number, endDigits: number): boolean => endDigits > 12 && endDigits > startYear % 100;

/** '2025-12-04', '2025-12', and the EDTF sub-year codes ('2024-21'); undefined for the ranges '1950-53' and '2024-41'. */
function isoDate(match: RegExpExecArray): Attempt {
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (match[3] !== undefined) return dayReading(year, month, Number(match[3]));
  if (month >= 1 && month <= 12) return monthReading(year, month);
  return isShortYearRange(year, month) ? undefined : subYearReading(year, month);
}

/** One point in time that begins with a digit: "2010", "2025-12-04", "1990s", "19th century", "4 Dec 2025". */
function numericPoint(body: string, referenceDate: string | undefined): Attempt {
  let match = YEAR_ONLY.exec(body);
  if (match) return yearReading(Number(match[1]));
  match = ISO_DATE.exec(body);
  if (match) return isoDate(match);
  match = DECADE.exec(body);
  if (match) return decadeReading(match[1] ?? '');
  match = CENTURY.exec(body);
  if (match) {
    const start = centuryStart(match[1] ?? '');
    return typeof start === 'number' ? centuryReading(twoDigits(start / 100)) : start;
  }
  match = DAY_MONTH_YEAR.exec(body);
  if (match) return namedDay(match[1], monthNumber(match[3]), Number(match[2]), match[4], referenceDate);
  return quarterOrHalf(body);
}

/** "early"/"mid"/"late" + a year, a decade, a month or a century ("Late 2024", "mid-1990s", "Early December"). */
function partOf(match: RegExpExecArray, referenceDate: string | undefined): Attempt {
  const part = match[1] ?? 'mid';
  const year = match[2];
  const decade = match[3];
  const month = monthNumber(match[4]);
  const monthYear = match[5];
  const century = match[6];
  if (year !== undefined) return partOfYear(part, Number(year));
  if (decade !== undefined) return partOfDecade(part, decade);
  if (century !== undefined) return partOfCentury(part, century);
  return monthYear === undefined ? recentMonth(month, part, false, referenceDate) : partOfMonth(part, Number(monthYear), month);
}

/** "Jan 2026", "December 4th 2025", "Thursday Dec 4 2025"; "Dec 4" and "December" are relative. */
function monthFirst(match: RegExpExecArray, referenceDate: string | undefined): Attempt {
  const weekday = match[1];
  const month = monthNumber(match[2]);
  const day = match[3];
  const year = match[4];
  if (day !== undefined) return namedDay(weekday, month, Number(day), year, referenceDate);
  if (weekday !== undefined) return undefined;
  return year === undefined ? recentMonth(month, undefined, false, referenceDate) : monthReading(Number(year), month);
}

/** Quarters and halves: "Q3 2025", "third quarter of 2025", "H1 2024", "second half of 2024". */
function quarterOrHalf(body: string): Attempt {
  let match = QUARTER.exec(body);
  if (match) return subYearReading(Number(match[3]), 32 + ordinalNumber(match[1] ?? match[2]));
  match = HALF.exec(body);
  if (match) return subYearReading(Number(match[3]), 39 + ordinalNumber(match[1] ?? match[2]));
  return undefined;
}

const SEASON_CODES: ReadonlyMap<string, number> = new Map([
  ['spring', 21],
  ['summer', 22],
  ['autumn', 23],
  ['fall', 23],
  ['winter', 24],
]);

/**
 * One point in time that begins with a word: "Jan 2026", "Late 2024", "Q3 2025", "Friday", …
 * The first letter rules out most patterns before any of them runs.
 */
function wordPoint(body: string, referenceDate: string | undefined): Attempt {
  const first = body.charAt(0);
  if (first === 'w' && body.startsWith(WEEK_OF)) return weekOf(body.slice(WEEK_OF.length), referenceDate);
  let match = MONTH_DAY_YEAR.exec(body);
  if (match) return monthFirst(match, referenceDate);
  match = DAY_MONTH_YEAR.exec(body);
  if (match) return namedDay(match[1], monthNumber(match[3]), Number(match[2]), match[4], referenceDate);
  if (first === 'e' || first === 'm' || first === 'l') {
    match = PART_OF.exec(body);
    if (match) return partOf(match, referenceDate);
  }
  if (first === 's' || first === 'w' || first === 'a' || first === 'f') {
    match = SEASON.exec(body);
    if (match) return subYearReading(Number(match[2]), SEASON_CODES.get(match[1] ?? '') ?? 0);
  }
  if (first === 'q' || first === 'h' || first === 'f' || first === 's' || first === 't') {
    const value = quarterOrHalf(body);
    if (value !== undefined) return value;
  }
  return isDigit(body.charCodeAt(body.length - 1)) ? undefined : relativeWords(body, referenceDate);
}

/** 'first' / '1st' / '1' → 1, and so on to 4. */
function ordinalNumber(text: string | undefined): number {
  switch (text?.charAt(0)) {
    case 'f':
      return text === 'first' ? 1 : 4;
    case 's':
      return 2;
    case 't':
      return 3;
    default:
      return Number(text?.charAt(0) ?? 0);
  }
}

/** One point in time. None contains a range separator, and only "2025-12-04" and "19th-century" a hyphen. */
function readPoint(body: string, referenceDate: string | undefined): Attempt {
  if (body === '' || body.includes(RANGE)) return undefined;
  if (body.endsWith(' ago')) return periodsAgo(body, referenceDate);
  if (isDigit(body.charCodeAt(0))) return numericPoint(body, referenceDate);
  return body.includes('-') ? undefined : wordPoint(body, referenceDate);
}

/** One end of a range, which may carry its own qualifier ("c. 1950 – 1953?"). */
function readRangeEnd(text: string, referenceDate: string | undefined): Attempt {
  let body = text.trim();
  let approximate = false;
  let uncertain = false;
  const leading = LEADING_WORD.exec(body);
  if (leading && APPROXIMATE_WORDS.has(leading[1] ?? '')) {
    approximate = true;
    body = body.slice(leading[0].length);
  }
  if (body.endsWith('?')) {
    uncertain = true;
    body = body.slice(0, -1).trimEnd();
  }
  const value = readPoint(body, referenceDate);
  return value === undefined || isRefusal(value) ? value : qualify(value, approximate, uncertain);
}

// ---------------------------------------------------------------------------------------------
// Natural labels: ranges
// ---------------------------------------------------------------------------------------------

/** Combines two ends, or passes on the reason one of them cannot be read. */
function combine(start: Reading | Refusal, end: Reading | Refusal): Reading | Refusal {
  if (isRefusal(start)) return start;
  if (isRefusal(end)) return end;
  return rangeReading(start, end);
}

/**
 * "1950‑53", "1950–1953", and "1999–02": a two-digit end before the start's last two digits is in
 * the next century. Not after an ASCII hyphen, though: "1999-05" is May 1999, so "2024-13" is a
 * typo rather than 2024–2113.
 */
function yearRange(match: RegExpExecArray): Reading | Refusal {
  const startText = match[1];
  const dash = match[2];
  const endText = match[3] ?? '';
  const start = Number(startText);
  let end = Number(endText);
  if (endText.length === 2) {
    end += start - (start % 100);
    if (end < start && dash !== '-') end += 100;
  }
  if (end < start) return refusal(`the range ends (${end}) before it starts (${start})`);
  return combine(yearReading(start), yearReading(end));
}

/** "Dec 4–6, 2025", "Nov 30 – Dec 2, 2025"; "Dec 30 – Jan 2, 2026" starts in the year before. */
function dayRange(startMonth: number, startDay: number, endMonth: number, endDay: number, year: number): Reading | Refusal {
  const startYear = startMonth > endMonth ? year - 1 : year;
  return combine(dayReading(startYear, startMonth, startDay), dayReading(year, endMonth, endDay));
}

/**
 * The year of a range's end: as written, or for "Jan–Mar" and "Dec 4–6" the most recent year in
 * which that end is not after the reference day.
 */
function endYear(yearText: string | undefined, endMonth: number, endDay: number, referenceDate: string | undefined): number | Refusal {
  if (yearText !== undefined) return Number(yearText);
  const reference = referenceDay(referenceDate);
  if (typeof reference !== 'number') return reference;
  return stampOf(yearOf(reference), endMonth, endDay) <= reference ? yearOf(reference) : yearOf(reference) - 1;
}

/** A range read from a year-less label is relative, and says so. */
function markRelative(value: Reading | Refusal, yearText: string | undefined): Reading | Refusal {
  if (yearText !== undefined) return value;
  return isRefusal(value) ? { ...value, relative: true } : asRelative(value, value.form);
}

/** "Winter 2023–24": the winter that begins in December 2023 ('2023-24'). */
function winterAcrossYears(match: RegExpExecArray): Reading | Refusal {
  const start = Number(match[1]);
  const endText = match[2] ?? '';
  const next = endText.length === 2 ? (start + 1) % 100 : start + 1;
  if (Number(endText) !== next) {
    const shown = `Winter ${start}–${twoDigits((start + 1) % 100)}`;
    return refusal(`a winter spans two years only: "${shown}" runs from December ${start} to February ${start + 1}`);
  }
  // Code 24 is in SUB_YEAR_GROUPS, so there is always a reading.
  return subYearReading(start, 24) as Reading;
}

/** The forms in which one end borrows its year (or month) from the other. */
function sharedPartRange(body: string, referenceDate: string | undefined): Attempt {
  let match: RegExpExecArray | null;
  if (body.charCodeAt(0) === 119) {
    match = WINTER_ACROSS_YEARS.exec(body);
    if (match) return winterAcrossYears(match);
  }
  if (isDigit(body.charCodeAt(0))) {
    match = YEAR_RANGE.exec(body);
    if (match) return yearRange(match);
    match = DAY_RANGE_DAY_FIRST.exec(body);
    if (match) {
      const month = monthNumber(match[3]);
      return dayRangeInYear(month, Number(match[1]), month, Number(match[2]), match[4], referenceDate);
    }
    match = CROSS_MONTH_DAY_FIRST.exec(body);
    if (match) {
      return dayRangeInYear(monthNumber(match[2]), Number(match[1]), monthNumber(match[4]), Number(match[3]), match[5], referenceDate);
    }
    return undefined;
  }
  match = MONTH_RANGE.exec(body);
  if (match) {
    const startName = match[1];
    const endName = match[2];
    const yearText = match[3];
    const startMonth = monthNumber(startName);
    const endMonth = monthNumber(endName);
    const year = endYear(yearText, endMonth, 1, referenceDate);
    if (typeof year !== 'number') return year;
    const range = combine(monthReading(startMonth > endMonth ? year - 1 : year, startMonth), monthReading(year, endMonth));
    return markRelative(range, yearText);
  }
  match = DAY_RANGE_MONTH_FIRST.exec(body);
  if (match) {
    const weekday = match[1];
    const name = match[2];
    const startDay = match[3];
    const endDay = match[4];
    const yearText = match[5];
    const month = monthNumber(name);
    const year = endYear(yearText, month, Number(endDay), referenceDate);
    if (typeof year !== 'number') return year;
    const start = namedDay(weekday, month, Number(startDay), String(year), undefined);
    return markRelative(combine(start, dayReading(year, month, Number(endDay))), yearText);
  }
  match = CROSS_MONTH_MONTH_FIRST.exec(body);
  if (match) {
    return dayRangeInYear(monthNumber(match[1]), Number(match[2]), monthNumber(match[3]), Number(match[4]), match[5], referenceDate);
  }
  return undefined;
}

/**
 * A range of two complete points ("Dec 2025 – Jan 2026", "early 2024 – mid 2025"). The en dash
 * is the separator when there is one; otherwise each ASCII hyphen is tried in turn.
 */
function readRange(body: string, referenceDate: string | undefined): Attempt {
  const shared = sharedPartRange(body, referenceDate);
  if (shared !== undefined) return shared;
  const separator = body.includes(RANGE) ? RANGE : '-';
  let firstRefusal: Refusal | undefined;
  for (let at = body.indexOf(separator); at > 0; at = body.indexOf(separator, at + 1)) {
    const start = readRangeEnd(body.slice(0, at), referenceDate);
    const end = start === undefined ? undefined : readRangeEnd(body.slice(at + 1), referenceDate);
    if (start === undefined || end === undefined) continue;
    const range = combine(start, end);
    if (!isRefusal(range)) return range;
    firstRefusal ??= range;
  }
  return firstRefusal;
}

// ---------------------------------------------------------------------------------------------
// Natural labels: the whole label
// ---------------------------------------------------------------------------------------------

/**
 * A normalised natural label: qualifiers and open ends around a point or a range.
 * `approximateRemark`: a remark after the label said it is approximate ("2019 (approx.)").
 */
function readNatural(text: string, referenceDate: string | undefined, approximateRemark: boolean): Attempt {
  let body = text;
  let approximate = approximateRemark;
  let uncertain = false;
  for (let last = body.at(-1); last === '?' || last === '~' || last === '%'; last = body.at(-1)) {
    if (last !== '?') approximate = true;
    if (last !== '~') uncertain = true;
    body = body.slice(0, -1).trimEnd();
  }

  let openEnd = false;
  let openStart = false;
  let from = false;
  for (let words = 0; words < 4; words += 1) {
    const leading = LEADING_WORD.exec(body);
    if (!leading) break;
    const word = leading[1] ?? '';
    body = body.slice(leading[0].length);
    if (APPROXIMATE_WORDS.has(word)) approximate = true;
    else if (word === 'since') openEnd = true;
    else if (word === 'from') from = true;
    else if (word === 'until' || word === 'till' || word === 'through') openStart = true;
    else if (word === 'between') body = body.replace(' and ', RANGE);
  }
  const openSuffix = isDigit(body.charCodeAt(body.length - 1)) ? null : OPEN_END_SUFFIX.exec(body);
  if (openSuffix) {
    openEnd = true;
    body = body.slice(0, openSuffix.index);
  }
  if (body.charCodeAt(0) === 102 && FISCAL_YEAR.test(body)) return refusal(FISCAL_YEAR_REASON);

  let value: Attempt = readPoint(body, referenceDate);
  const isPoint = value !== undefined;
  if (value === undefined && !openEnd && !openStart && hasRangeSeparator(body)) value = readRange(body, referenceDate);
  if (value === undefined || isRefusal(value)) return value;
  if (value.first < FIRST_NATURAL_DAY) return refusal('years run from 0001 to 9999');

  value = qualify(value, approximate, uncertain);
  if (openStart) return openStartReading(value);
  if (openEnd || (from && isPoint)) {
    const reference = referenceDate === undefined || referenceDate === '' ? undefined : referenceDay(referenceDate);
    if (reference !== undefined && typeof reference !== 'number') return reference;
    return openEndReading(value, reference);
  }
  return value;
}

/** "12/04/2025" is refused with the two ways to write it that cannot be misread. */
function numericDateReason(match: RegExpExecArray): string {
  const firstNumber = match[1] ?? '';
  const secondNumber = match[3] ?? '';
  const yearText = match[4] ?? '';
  // Slashes are mostly American (month first), dots European (day first): suggest that reading.
  const isMonthFirst = match[2] === '/' ? Number(firstNumber) <= 12 : Number(secondNumber) > 12;
  const month = Number(isMonthFirst ? firstNumber : secondNumber);
  const day = Number(isMonthFirst ? secondNumber : firstNumber);
  const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  const exists = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
  const example = exists
    ? `"${fourDigits(year)}-${twoDigits(month)}-${twoDigits(day)}" or "${shownDay(year, month, day)}"`
    : '"2025-12-04" or "Dec 4, 2025"';
  return `ambiguous: "${match[0]}" could be day-month or month-day; write ${example}`;
}

/**
 * Digits that are not four: edtf.js would read "950" as the decade 9500–9509 and "20254" as a
 * count of milliseconds since 1970, neither of which an editor means.
 */
function digitsReason(digits: string): string {
  if (digits.length < 4) return `years are written with four digits: "${digits.padStart(4, '0')}", not "${digits}"`;
  return `not a date this parser knows: "${shownLabel(digits)}"`;
}

const shownLabel = (label: string): string => (label.length > 60 ? `${label.slice(0, 59)}…` : label);

/** "Mar 2026 (expected)", "2019 (approx.)": a remark in parentheses after the date. */
const APPROXIMATE_REMARK = /^\s*(?:approx(?:imate|imately)?|about|around|roughly|circa|ca|c|estimated?|est)\b/i;

/** The date before a trailing remark, and whether the remark says it is approximate; undefined without one. */
function withoutRemark(label: string): { date: string; approximate: boolean } | undefined {
  const open = label.lastIndexOf('(');
  if (open <= 0) return undefined;
  const remark = label.slice(open + 1, -1);
  if (remark.includes(')')) return undefined;
  return { date: label.slice(0, open).trimEnd(), approximate: APPROXIMATE_REMARK.test(remark) };
}

/**
 * "2022-23", "2024-41": read as the range of years they are in news text, never as EDTF
 * (isShortYearRange). Read by character codes, as it is asked of every label that may be EDTF.
 */
function isHyphenatedYearRange(label: string): boolean {
  if (label.length !== 7 || label.charCodeAt(4) !== 45) return false;
  for (let at = 0; at < 7; at += 1) if (at !== 4 && !isDigit(label.charCodeAt(at))) return false;
  return isShortYearRange(Number(label.slice(0, 4)), Number(label.slice(5)));
}

/**
 * Reads a timeline label as an editor typed it. Never throws: whatever the text, the answer is a
 * reading or a reason an editor can act on.
 */
export function parseTimelineDate(label: string, options: DateOptions = {}): ParsedTimelineDate {
  if (label.length > MAX_LABEL_LENGTH) return unread(`too long to be a date (over ${MAX_LABEL_LENGTH} characters)`);
  const trimmed = label.trim();
  if (trimmed === '') return unread('empty');
  const remark = trimmed.endsWith(')') ? withoutRemark(trimmed) : undefined;
  if (remark === undefined) return readLabel(trimmed, options.referenceDate, false);
  return readLabel(remark.date, options.referenceDate, remark.approximate);
}

/** A trimmed label without a remark; `approximate` when its remark said so. */
function readLabel(trimmed: string, referenceDate: string | undefined, approximate: boolean): ParsedTimelineDate {
  // A label that starts with a word is neither numeric nor EDTF (whose only letters there are X and Y).
  const first = trimmed.charCodeAt(0);
  const startsWithWord = isLetterOrDigit(first) && !isDigit(first) && first !== 88 && first !== 89;
  const numeric = startsWithWord ? null : NUMERIC_DATE.exec(trimmed);
  if (numeric) return unread(numericDateReason(numeric));

  const looksLikeEdtf = !startsWithWord && EDTF_CHARACTERS.test(trimmed);
  if (looksLikeEdtf && !isHyphenatedYearRange(trimmed)) {
    const value = readEdtfQuickly(trimmed.toUpperCase(), referenceDate);
    if (value !== undefined) return toResult(approximate && !isRefusal(value) && !value.approximate ? qualify(value, true, false) : value);
  }
  const natural = readNatural(normaliseLabel(trimmed), referenceDate, approximate);
  if (natural !== undefined) return toResult(natural);
  if (ONLY_DIGITS.test(trimmed)) return unread(digitsReason(trimmed));
  // Only text with a digit can be a date; the package is slow, so "?" or "," never reach it.
  if (looksLikeEdtf && ANY_DIGIT.test(trimmed)) {
    // The package's reading is its own: a qualifier cannot be added to it from outside.
    if (approximate) return unread(`to mark "${shownLabel(trimmed)}" approximate, write the EDTF qualifier "~" in it`);
    return readEdtfWithPackage(trimmed.toUpperCase());
  }
  return unread(`not a date this parser knows: "${shownLabel(trimmed)}"`);
}

// ---------------------------------------------------------------------------------------------
// EDTF
// ---------------------------------------------------------------------------------------------

const EDTF_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([~?%])?$/;
const EDTF_UNSPECIFIED_DIGITS = /^(\d{2})(\d|X)X$/;

/** One EDTF date of the forms this module writes; undefined for anything else. */
function readEdtfDate(text: string, allowSubYear: boolean): Attempt {
  const match = EDTF_DATE.exec(text);
  if (match) {
    const monthText = match[2];
    const day = match[3];
    const mark = match[4];
    const year = Number(match[1]);
    const month = Number(monthText);
    let value: Reading | Refusal | undefined;
    if (monthText === undefined) value = yearReading(year);
    else if (day !== undefined) value = month >= 1 && month <= 12 ? dayReading(year, month, Number(day)) : undefined;
    else if (month >= 1 && month <= 12) value = monthReading(year, month);
    // edtf.js accepts no qualifier on a sub-year group, and none inside an interval.
    else if (allowSubYear && mark === undefined) value = subYearReading(year, month);
    if (value === undefined || isRefusal(value) || mark === undefined) return value;
    return qualify(value, mark !== '?', mark !== '~');
  }
  const unspecified = EDTF_UNSPECIFIED_DIGITS.exec(text);
  if (unspecified) {
    const leading = unspecified[1] ?? '';
    const third = unspecified[2] ?? '';
    return third === 'X' ? centuryReading(leading) : decadeReading(leading + third);
  }
  return undefined;
}

/** An interval read from EDTF keeps the EDTF exactly as it was written. */
const asWritten = (value: Reading, edtfText: string, startText: string, endText: string): Reading =>
  reading(edtfText, value.first, value.last, value.precision, value.form, false, [startText, endText], value.approximate, value.relative);

/** The common EDTF forms, without the package: dates, sub-year groups, X digits, intervals with open ends. */
function readEdtfQuickly(text: string, referenceDate: string | undefined): Attempt {
  const slash = text.indexOf('/');
  if (slash === -1) return readEdtfDate(text, true);
  if (text.includes('/', slash + 1)) return undefined;
  const startText = text.slice(0, slash);
  const endText = text.slice(slash + 1);
  const startOpen = startText === '..' || startText === '';
  const endOpen = endText === '..' || endText === '';
  if (startOpen && endOpen) return undefined;
  const start = startOpen ? undefined : readEdtfDate(startText, false);
  const end = endOpen ? undefined : readEdtfDate(endText, false);
  if ((!startOpen && start === undefined) || (!endOpen && end === undefined)) return undefined;
  if (start !== undefined && isRefusal(start)) return start;
  if (end !== undefined && isRefusal(end)) return end;
  if (start === undefined) return end === undefined ? undefined : asWritten(openStartReading(end), text, startText, endText);
  if (end === undefined) {
    const reference = referenceDay(referenceDate);
    const day = typeof reference === 'number' ? reference : undefined;
    return asWritten(openEndReading(start, day), text, startText, endText);
  }
  if (endsBeforeStart(start, end)) return refusal(`not valid EDTF: "${text}" ends before it starts`);
  const range = rangeReading(start, end);
  return isRefusal(range) ? range : asWritten(range, text, startText, endText);
}

/** The package's answers, kept because stored values repeat (every story, every review). */
const PACKAGE_ANSWERS = new Map<string, ParsedTimelineDate>();
const PACKAGE_ANSWERS_LIMIT = 500;

/** Precision from bounds, for the package's answers, which say only the interval. */
function precisionOfBounds(first: DayStamp, last: DayStamp, type: string): DatePrecision {
  if (type === 'Season') return 'season';
  const granularity = boundsGranularity(first, last);
  if (granularity !== 'year') return granularity;
  const years = yearOf(last) - yearOf(first) + 1;
  if (years === 10 && yearOf(first) % 10 === 0) return 'decade';
  if (years === 100 && yearOf(first) % 100 === 0) return 'century';
  return 'year';
}

/** The package's types of value, as forms an editor understands. */
const PACKAGE_FORMS: Readonly<Record<string, string>> = {
  Interval: 'range',
  Set: 'one of a set of dates',
  List: 'list of dates',
  Season: 'part of a year',
};
/** The package's bounds as text, when they are instants in the years 0000–9999. */
const PACKAGE_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2}\.\d{3})Z$/;

function askPackage(text: string): ParsedTimelineDate {
  const invalid = unread(`not valid EDTF: "${shownLabel(text)}"`);
  let min: number;
  let max: number;
  let type: string;
  try {
    const value = edtf(text);
    ({ min, max, type } = value);
  } catch {
    // The package throws on text that is not EDTF; that is an answer, not an error.
    return invalid;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max) || Math.abs(min) > 8.64e15 || Math.abs(max) > 8.64e15) return invalid;
  const earliest = new Date(min).toISOString();
  const latest = new Date(max).toISOString();
  const first = PACKAGE_INSTANT.exec(earliest);
  const last = PACKAGE_INSTANT.exec(latest);
  if (!first || !last) return unread(`outside the years 0000–9999: "${shownLabel(text)}"`);
  if (latest < earliest) return invalid;
  const firstDay = stampOf(Number(first[1]), Number(first[2]), Number(first[3]));
  const lastDay = stampOf(Number(last[1]), Number(last[2]), Number(last[3]));
  const wholeDays = first[4] === '00:00:00.000' && last[4] === '23:59:59.999';
  const precision = wholeDays ? precisionOfBounds(firstDay, lastDay, type) : 'day';
  const approximate = text.includes('~') || text.includes('%');
  return { ok: true, edtf: text, earliest, latest, precision, form: PACKAGE_FORMS[type] ?? precision, approximate, relative: false };
}

/** The package, as the fallback for EDTF this module does not read itself; answers are cached. */
function readEdtfWithPackage(text: string): ParsedTimelineDate {
  let answer = PACKAGE_ANSWERS.get(text);
  if (answer === undefined) {
    answer = askPackage(text);
    if (PACKAGE_ANSWERS.size >= PACKAGE_ANSWERS_LIMIT) {
      const oldest = PACKAGE_ANSWERS.keys().next();
      if (oldest.done !== true) PACKAGE_ANSWERS.delete(oldest.value);
    }
    PACKAGE_ANSWERS.set(text, answer);
  }
  // A copy, so that a caller who changes the answer does not change the cache.
  return { ...answer };
}

/**
 * Reads a stored EDTF string (fast path for the forms parseTimelineDate produces, the edtf package
 * otherwise). `options.referenceDate` only bounds an interval open at its end ('2010/..').
 */
export function readEdtf(edtfText: string, options: DateOptions = {}): ParsedTimelineDate {
  const text = edtfText.trim();
  if (text === '') return unread('empty');
  if (text.length > MAX_LABEL_LENGTH) return unread(`not valid EDTF: too long (over ${MAX_LABEL_LENGTH} characters)`);
  const value = readEdtfQuickly(text, options.referenceDate);
  if (value !== undefined) return toResult(value);
  // edtf.js reads five digits or more as milliseconds since 1970, which is not EDTF.
  if (text.length > 4 && ONLY_DIGITS.test(text)) return unread(`not valid EDTF: "${shownLabel(text)}"`);
  return readEdtfWithPackage(text);
}

/** The entry's date: its stored `edtf` when present (readEdtf), else its label parsed. */
export function timelineEntryDate(date: { label: string; edtf?: string }, options: DateOptions = {}): ParsedTimelineDate {
  return date.edtf !== undefined && date.edtf !== '' ? readEdtf(date.edtf, options) : parseTimelineDate(date.label, options);
}

// ---------------------------------------------------------------------------------------------
// Ordering the timeline
// ---------------------------------------------------------------------------------------------

/** `a` must come before `b` in the direction: its whole interval is on that side of b's. */
function mustPrecede(a: ReadTimelineDate, b: ReadTimelineDate, direction: TimelineDirection): boolean {
  return direction === 'oldest-first' ? a.latest < b.earliest : a.earliest > b.latest;
}

/**
 * Each date's bounds as numbers in the direction of reading: entry a must come before entry b
 * exactly when limits[a] < keys[b]. Oldest first, the key is the rank of the earliest instant and
 * the limit that of the latest; newest first, the ranks of latest and earliest, negated.
 */
function orderKeys(dates: readonly ReadTimelineDate[], direction: TimelineDirection): { keys: number[]; limits: number[] } {
  const instants = [...new Set(dates.flatMap((date) => [date.earliest, date.latest]))].sort();
  const rank = new Map(instants.map((instant, index) => [instant, index]));
  const rankOf = (instant: string): number => rank.get(instant) ?? 0;
  if (direction === 'oldest-first') {
    return { keys: dates.map((date) => rankOf(date.earliest)), limits: dates.map((date) => rankOf(date.latest)) };
  }
  return { keys: dates.map((date) => -rankOf(date.latest)), limits: dates.map((date) => -rankOf(date.earliest)) };
}

/**
 * The order to place dates in: at each place, the first date in manual order that no date still
 * to place must precede. That is the date order where dates do not overlap, and the manual order
 * where they do, since overlapping intervals have no order by date.
 */
function dateOrder(dates: readonly ReadTimelineDate[], direction: TimelineDirection): number[] {
  const { keys, limits } = orderKeys(dates, direction);
  const placed = new Array<boolean>(dates.length).fill(false);
  const order: number[] = [];
  while (order.length < dates.length) {
    // The smallest limit left: a date whose key is beyond it must wait for that date.
    let bound = Infinity;
    for (let candidate = 0; candidate < dates.length; candidate += 1) {
      if (placed[candidate] !== true) bound = Math.min(bound, limits[candidate] ?? Infinity);
    }
    let next = 0;
    while (placed[next] === true || (keys[next] ?? 0) > bound) next += 1;
    placed[next] = true;
    order.push(next);
  }
  return order;
}

/**
 * Stable sort by (earliest, latest) in the direction (default oldest-first); entries whose date
 * cannot be read keep their index, the readable ones are sorted among the remaining positions.
 * Returns a new array of the same objects.
 *
 * Entries whose intervals overlap ("2024" and "Dec 2024") have no order by date, so they keep
 * their manual order (see dateOrder). Where no two intervals overlap this is exactly the sort by
 * (earliest, latest); a timeline without timelineOrderProblems comes back in the same order.
 */
export function sortTimeline<T extends DatedEntry>(entries: readonly T[], options: OrderOptions = {}): T[] {
  const direction = options.direction ?? 'oldest-first';
  const positions: number[] = [];
  const dates: ReadTimelineDate[] = [];
  entries.forEach((entry, index) => {
    const date = timelineEntryDate(entry.date, options);
    if (date.ok) {
      positions.push(index);
      dates.push(date);
    }
  });

  const sorted = [...entries];
  dateOrder(dates, direction).forEach((next, place) => {
    const entry = entries[positions[next] ?? -1];
    const position = positions[place];
    if (entry !== undefined && position !== undefined) sorted[position] = entry;
  });
  return sorted;
}

/** A persistent list of entry indices, newest first: DP states share their tails. */
interface Chain {
  index: number;
  rest: Chain | undefined;
}

/**
 * The largest set of readable entries in which no pair contradicts its dates. A set is in order
 * exactly when each entry's end is not before the largest start among the entries above it, so
 * each DP state is "the kept entry with the largest start so far" with the most entries kept:
 * a new entry either becomes that entry or joins a state whose largest start it does not pass.
 * (A plain longest-chain DP would check only neighbours, which overlapping intervals break.)
 */
/**
 * Whether no date must precede one above it, in one pass over the ISO strings. Most timelines
 * are in order already, and this spares them the quadratic search for the longest ordered chain.
 */
function inDateOrder(dates: readonly ReadTimelineDate[], direction: TimelineDirection): boolean {
  let bound: string | undefined;
  for (const date of dates) {
    if (direction === 'oldest-first') {
      // Must precede an earlier entry: it ends before that entry starts.
      if (bound !== undefined && date.latest < bound) return false;
      if (bound === undefined || date.earliest > bound) bound = date.earliest;
    } else {
      if (bound !== undefined && date.earliest > bound) return false;
      if (bound === undefined || date.latest < bound) bound = date.latest;
    }
  }
  return true;
}

function longestDateOrder(dates: readonly ReadTimelineDate[], direction: TimelineDirection): Set<number> {
  if (inDateOrder(dates, direction)) return new Set(dates.keys());
  const { keys, limits } = orderKeys(dates, direction);
  const stateKeys: number[] = [];
  const stateSizes: number[] = [];
  const stateChains: (Chain | undefined)[] = [];
  dates.forEach((_date, index) => {
    const key = keys[index] ?? 0;
    const limit = limits[index] ?? 0;
    let bestSize = 0;
    let bestChain: Chain | undefined;
    for (let state = 0; state < stateKeys.length; state += 1) {
      const stateKey = stateKeys[state] ?? 0;
      const size = stateSizes[state] ?? 0;
      if (stateKey <= key) {
        if (size > bestSize) {
          bestSize = size;
          bestChain = stateChains[state];
        }
      } else if (stateKey <= limit) {
        stateSizes[state] = size + 1;
        stateChains[state] = { index, rest: stateChains[state] };
      }
    }
    stateKeys.push(key);
    stateSizes.push(bestSize + 1);
    stateChains.push({ index, rest: bestChain });
  });

  let best = 0;
  stateSizes.forEach((size, state) => {
    if (size > (stateSizes[best] ?? 0)) best = state;
  });
  const kept = new Set<number>();
  for (let link = stateChains[best]; link !== undefined; link = link.rest) kept.add(link.index);
  return kept;
}

/**
 * Where the manual order contradicts the dates: the smallest set of readable entries whose removal
 * leaves the rest in date order. Two entries whose intervals overlap never contradict each other
 * (e.g. "2024" and "Dec 2024" in either order). Unreadable entries are ignored.
 */
export function timelineOrderProblems(entries: readonly DatedEntry[], options: OrderOptions = {}): TimelineOrderProblem[] {
  const direction = options.direction ?? 'oldest-first';
  const indices: number[] = [];
  const dates: ReadTimelineDate[] = [];
  entries.forEach((entry, index) => {
    const date = timelineEntryDate(entry.date, options);
    if (date.ok) {
      indices.push(index);
      dates.push(date);
    }
  });
  const kept = longestDateOrder(dates, direction);

  const contradicts = (a: number, b: number): boolean => {
    const [above, below] = a < b ? [a, b] : [b, a];
    const aboveDate = dates[above];
    const belowDate = dates[below];
    return aboveDate !== undefined && belowDate !== undefined && mustPrecede(belowDate, aboveDate, direction);
  };
  const problems: TimelineOrderProblem[] = [];
  dates.forEach((date, position) => {
    if (kept.has(position)) return;
    // The nearest kept entry it contradicts; one exists, or it could have been kept too.
    let conflict: number | undefined;
    for (let distance = 1; conflict === undefined && distance < dates.length; distance += 1) {
      for (const other of [position - distance, position + distance]) {
        if (conflict === undefined && kept.has(other) && contradicts(position, other)) conflict = other;
      }
    }
    const otherDate = conflict === undefined ? undefined : dates[conflict];
    const index = indices[position];
    const conflictsWith = conflict === undefined ? undefined : indices[conflict];
    if (otherDate === undefined || index === undefined || conflictsWith === undefined) return;
    const label = entries[index]?.date.label ?? '';
    const otherLabel = entries[conflictsWith]?.date.label ?? '';
    const place = conflictsWith < index ? 'after' : 'before';
    const when = date.latest < otherDate.earliest ? 'earlier' : 'later';
    problems.push({ index, conflictsWith, message: `"${label}" comes ${place} "${otherLabel}" but is ${when}` });
  });
  return problems;
}
