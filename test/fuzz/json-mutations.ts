/**
 * Mutations of a JSON request, as fast-check arbitraries: drop a field, give it the wrong type, a
 * huge or junk string, an odd number, an unknown id, an extra key, nesting thousands deep. A
 * mutation picks its place by number among the places of the value it is applied to, so one
 * generated mutation applies to any request — the request itself can be built at run time from
 * the library's current state. Each applied mutation says where it struck, for checking that an
 * error names that place.
 */
import fc from 'fast-check';
import { formatPath } from '../../shared/errors';

export type JsonPath = (string | number)[];

/** Text junk that has broken parsers and renderers elsewhere: lone surrogates, controls, bidi, the seed's odd spaces. */
const JUNK_TEXT = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff',
  'a\ud83d',
  '\u202e\u2066evil\u2069',
  '\u2011\u2013\u2019\u2022\u202f',
  '\ufeff',
  '\r\n\t\u2028\u2029',
  '<script>alert(1)</script>',
  '"; DROP TABLE stories; --',
  '../../etc/passwd',
  '%00%2e%2e',
  '👩🏽‍💻🇰🇷',
  'Ω≈ç√∫˜µ≤≥÷',
  'null',
  '__proto__',
  'constructor',
];

const ODD_NUMBERS = [-1, 0, -0, 0.5, 1.5, -1.5, 2 ** 31, -(2 ** 31), 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 5e-324, 1e21];

/** Strings that are numbers to a careless reader. */
const NUMBER_STRINGS = ['NaN', 'Infinity', '-Infinity', '1', '-1', '0x10', '1e3', ' 2 ', ''];

/** Ids in the right form that name nothing in any library the tests make. */
const UNKNOWN_IDS = ['no-such-story', 'x', 'A'.repeat(64), '0', 'sample-korea-poland-security-dialogue-2', 'fuzz-999999'];

export type Mutation =
  | { kind: 'drop'; pick: number }
  | { kind: 'remove-element'; pick: number }
  | { kind: 'replace'; pick: number; value: unknown }
  | { kind: 'huge-string'; pick: number; length: number; unit: string; sameType?: boolean }
  | { kind: 'number'; pick: number; value: number; sameType?: boolean }
  | { kind: 'boundary-string'; pick: number; length: number; sameType?: boolean }
  | { kind: 'number-string'; pick: number; value: string }
  | { kind: 'junk-text'; pick: number; value: string; sameType?: boolean }
  | { kind: 'unknown-id'; pick: number; value: string; sameType?: boolean }
  | { kind: 'empty'; pick: number }
  | { kind: 'duplicate-element'; pick: number }
  | { kind: 'extra-key'; pick: number; key: string; value: unknown }
  | { kind: 'deep'; pick: number; depth: number; shape: 'array' | 'object' };

const pick = fc.nat();

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), pick }),
  fc.record({ kind: fc.constant('remove-element' as const), pick }),
  fc.record({ kind: fc.constant('replace' as const), pick, value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({
    kind: fc.constant('huge-string' as const),
    pick,
    length: fc.constantFrom(1_001, 5_000, 70_000, 1_000_000),
    unit: fc.constantFrom('a', 'é', '\u202f', '😀', '-'),
  }),
  fc.record({ kind: fc.constant('number' as const), pick, value: fc.oneof(fc.constantFrom(...ODD_NUMBERS), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })) }),
  fc.record({ kind: fc.constant('number-string' as const), pick, value: fc.constantFrom(...NUMBER_STRINGS) }),
  fc.record({ kind: fc.constant('junk-text' as const), pick, value: fc.oneof(fc.constantFrom(...JUNK_TEXT), fc.string({ unit: 'binary', maxLength: 40 })) }),
  fc.record({ kind: fc.constant('unknown-id' as const), pick, value: fc.constantFrom(...UNKNOWN_IDS) }),
  fc.record({ kind: fc.constant('empty' as const), pick }),
  fc.record({ kind: fc.constant('duplicate-element' as const), pick }),
  fc.record({
    kind: fc.constant('extra-key' as const),
    pick,
    key: fc.oneof(fc.constantFrom('extra', '__proto__', 'constructor', 'revision', 'id', ''), fc.string({ maxLength: 12 })),
    value: fc.jsonValue({ maxDepth: 2 }),
  }),
  fc.record({ kind: fc.constant('deep' as const), pick, depth: fc.constantFrom(50, 1_000, 100_000), shape: fc.constantFrom('array' as const, 'object' as const) }),
);

/**
 * Mutations that keep each value's type — a string stays a string, a number a number — so that
 * more requests stay valid and reach the service: junk text, unknown ids, other numbers, lists
 * one longer or shorter.
 */
export const sameTypeMutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('junk-text' as const), pick, value: fc.oneof(fc.constantFrom(...JUNK_TEXT), fc.string({ unit: 'grapheme', maxLength: 40 })), sameType: fc.constant(true) }),
  fc.record({ kind: fc.constant('unknown-id' as const), pick, value: fc.constantFrom(...UNKNOWN_IDS), sameType: fc.constant(true) }),
  fc.record({ kind: fc.constant('huge-string' as const), pick, length: fc.constantFrom(1_001, 20_000), unit: fc.constantFrom('a', 'é', ' ', '😀'), sameType: fc.constant(true) }),
  fc.record({ kind: fc.constant('number' as const), pick, value: fc.oneof(fc.constantFrom(...ODD_NUMBERS), fc.integer({ min: -5, max: 1000 })), sameType: fc.constant(true) }),
  fc.record({ kind: fc.constant('remove-element' as const), pick }),
  fc.record({ kind: fc.constant('duplicate-element' as const), pick }),
);

/** A request's mutations: any kind, or (as often) only those that keep types. */
export function mutationsArbitrary(maxLength = 3): fc.Arbitrary<Mutation[]> {
  return fc.oneof(fc.array(mutationArbitrary, { minLength: 1, maxLength }), fc.array(sameTypeMutationArbitrary, { minLength: 1, maxLength }));
}

/** Stands for nesting too deep to build as a value (JSON.stringify would overflow the stack): written out by `toJsonText`. */
class DeepNesting {
  constructor(
    readonly depth: number,
    readonly shape: 'array' | 'object',
  ) {}
}

export interface MutatedRequest {
  /** The request body as sent. */
  text: string;
  /** The places struck; for an extra key, the object it was added to. */
  paths: JsonPath[];
}

type Place = { path: JsonPath; value: unknown };

function placesIn(value: unknown, path: JsonPath = [], places: Place[] = []): Place[] {
  places.push({ path, value });
  if (Array.isArray(value)) value.forEach((item, index) => placesIn(item, [...path, index], places));
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) placesIn(item, [...path, key], places);
  return places;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof DeepNesting);
}

function parentOf(root: unknown, path: JsonPath): unknown {
  let node = root;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key];
  return node;
}

/** Sets the value at `path` (the root when `path` is empty: returns the new root). */
function setAt(root: unknown, path: JsonPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = parentOf(root, path) as Record<string | number, unknown>;
  Object.defineProperty(parent, path[path.length - 1] as string | number, { value, enumerable: true, writable: true, configurable: true });
  return root;
}

/**
 * A string of exactly `length` characters around a schema's limits, in the form of a slug or an
 * id ("aaaa-b"): valid wherever letters, digits and hyphens are, so that what a service makes of
 * a value at its limit (a longer copy of it, say) is tried.
 */
function boundaryString(length: number): string {
  return length < 3 ? 'a'.repeat(length) : `${'a'.repeat(length - 2)}-b`;
}

function chosen<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

/** Applies one mutation to `root` (changed in place where it can be); returns the new root and the place struck. */
function applyOne(root: unknown, mutation: Mutation): { root: unknown; path: JsonPath | undefined } {
  const places = placesIn(root);
  const sameType = 'sameType' in mutation && mutation.sameType === true;
  const typed = sameType ? places.filter((place) => typeof place.value === (mutation.kind === 'number' ? 'number' : 'string')) : places;
  // Half the time only near the top (a story's own fields rather than its hundreds of text runs).
  const shallow = typed.filter((place) => place.path.length <= 2);
  const candidates = mutation.pick % 2 === 1 && shallow.length > 0 ? shallow : typed;
  const anywhere = chosen(candidates, mutation.pick);
  if (!anywhere) return { root, path: undefined };
  switch (mutation.kind) {
    case 'drop': {
      const place = chosen(
        places.filter((candidate) => typeof candidate.path.at(-1) === 'string'),
        mutation.pick,
      );
      if (!place) return { root, path: undefined };
      delete (parentOf(root, place.path) as Record<string, unknown>)[place.path.at(-1) as string];
      return { root, path: place.path };
    }
    case 'remove-element': {
      const place = chosen(
        places.filter((candidate) => Array.isArray(candidate.value) && candidate.value.length > 0),
        mutation.pick,
      );
      if (!place) return { root, path: undefined };
      (place.value as unknown[]).splice(mutation.pick % (place.value as unknown[]).length, 1);
      return { root, path: place.path };
    }
    case 'duplicate-element': {
      const place = chosen(
        places.filter((candidate) => Array.isArray(candidate.value) && candidate.value.length > 0),
        mutation.pick,
      );
      if (!place) return { root, path: undefined };
      const list = place.value as unknown[];
      list.push(structuredClone(list[mutation.pick % list.length]));
      return { root, path: place.path };
    }
    case 'extra-key': {
      const place = chosen(
        places.filter((candidate) => isObject(candidate.value)),
        mutation.pick,
      );
      if (!place) return { root, path: undefined };
      Object.defineProperty(place.value, mutation.key, { value: mutation.value, enumerable: true, writable: true, configurable: true });
      return { root, path: place.path };
    }
    case 'empty': {
      const value = anywhere.value;
      const empty = typeof value === 'string' ? '' : Array.isArray(value) ? [] : isObject(value) ? {} : null;
      return { root: setAt(root, anywhere.path, empty), path: anywhere.path };
    }
    case 'replace':
      return { root: setAt(root, anywhere.path, structuredClone(mutation.value)), path: anywhere.path };
    case 'huge-string':
      return { root: setAt(root, anywhere.path, mutation.unit.repeat(mutation.length)), path: anywhere.path };
    case 'boundary-string':
      return { root: setAt(root, anywhere.path, boundaryString(mutation.length)), path: anywhere.path };
    case 'number':
      return { root: setAt(root, anywhere.path, mutation.value), path: anywhere.path };
    case 'number-string':
    case 'junk-text':
    case 'unknown-id':
      return { root: setAt(root, anywhere.path, mutation.value), path: anywhere.path };
    case 'deep':
      return { root: setAt(root, anywhere.path, new DeepNesting(mutation.depth, mutation.shape)), path: anywhere.path };
  }
}

/** Applies the mutations one after another to a copy of `request` and writes the result as JSON text. */
export function mutateRequest(request: unknown, mutations: readonly Mutation[]): MutatedRequest {
  let root: unknown = structuredClone(request);
  const paths: JsonPath[] = [];
  for (const mutation of mutations) {
    const applied = applyOne(root, mutation);
    root = applied.root;
    if (applied.path) paths.push(applied.path);
  }
  return { text: toJsonText(root), paths };
}

const DEEP_MARK = '\u0000deep-nesting\u0000';

/** JSON text of a value that may hold DeepNesting, written out without recursion. */
export function toJsonText(value: unknown): string {
  const deep: DeepNesting[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof DeepNesting) {
      deep.push(item);
      return `${DEEP_MARK}${deep.length - 1}`;
    }
    return item;
  }) as string | undefined;
  if (text === undefined) return 'null';
  return text.replace(/"\\u0000deep-nesting\\u0000(\d+)"/g, (_match, index: string) => {
    const nesting = deep[Number(index)] as DeepNesting;
    return nesting.shape === 'array' ? `${'['.repeat(nesting.depth)}${']'.repeat(nesting.depth)}` : `${'{"a":'.repeat(nesting.depth)}1${'}'.repeat(nesting.depth)}`;
  });
}

/**
 * Whether an error reported at `problemPath` is about one of the places struck: it names the
 * place, a place that holds it (an object that got an extra key, a union that no longer matches)
 * or a place inside it (a field missing from an object put in its place). Indexes match any
 * index: a removed element shifts the places after it.
 */
export function pointsAtStruckPlace(problemPath: string, struck: readonly JsonPath[]): boolean {
  const wildcard = (path: JsonPath) => formatPath(path.map((key) => (typeof key === 'number' ? 0 : key)));
  const problem = problemPath.replace(/\[\d+\]/g, '[0]');
  return struck.some((path) => {
    const place = wildcard(path);
    if (place === '' || problem === place || problem.startsWith(`${place}.`) || problem.startsWith(`${place}[`)) return true;
    for (let length = 0; length < path.length; length += 1) if (wildcard(path.slice(0, length)) === problem) return true;
    return false;
  });
}
