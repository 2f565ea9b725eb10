/**
 * Fuzzing the API over browser mode's HTTP transport, as the tests and the long run share it:
 * random JSON and mutated valid requests are POSTed to every method, and each answer is judged
 * against the method's request schema (shared/api.ts). A request the schema refuses must get a
 * 400 `invalid-input` that lists exactly the schema's problems and names the place that was
 * broken; a request it accepts may still be refused (a story that is not there, a stale
 * revision) but with a 4xx and a message; nothing is ever a 5xx; a refused request changes
 * nothing in the library, and a method that only reads changes nothing even when it succeeds.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { api, API_METHODS, EXPORT_FORMATS, type ApiHandlers, type ApiMethod } from '../../shared/api';
import { problemsFromZod, type FieldProblem } from '../../shared/errors';
import { TOKEN_HEADER } from '../../shared/http-client';
import { createBrowserServer, type BrowserServer } from '../../electron/server/http';
import { mutateRequest, mutationsArbitrary, pointsAtStruckPlace, sameTypeMutationArbitrary, toJsonText, type JsonPath } from './json-mutations';
import { libraryFingerprint, openFuzzLibrary, type FuzzLibrary } from './library';
import { READ_ONLY_METHODS, SAMPLE_ID, validRequests } from './api-requests';

/** The codes a request that the schema accepts may still be refused with, by the library's state. */
const STATE_REFUSALS = new Set(['not-found', 'conflict', 'publish-blocked', 'invalid-input']);

export interface ApiFuzzTarget {
  server: BrowserServer;
  /** The library the server's calls go to now; `useLibrary` swaps in another. */
  library: FuzzLibrary;
  useLibrary(library: FuzzLibrary): void;
  close(): Promise<void>;
}

/** A browser-mode server whose service is that of whichever library is current. */
export async function startFuzzServer(): Promise<ApiFuzzTarget> {
  let library = openFuzzLibrary();
  const service = Object.fromEntries(
    API_METHODS.map((method) => [method, (request: unknown) => (library.service[method] as (request: unknown) => Promise<unknown>)(request)]),
  ) as unknown as ApiHandlers;
  const server = await createBrowserServer({ service, staticRoot: library.folder, log: () => {} });
  return {
    server,
    get library() {
      return library;
    },
    useLibrary(next) {
      library.close();
      library = next;
    },
    async close() {
      await server.close();
      library.close();
    },
  };
}

/** How the answers to one method's cases came out: `200`, `400 invalid-input`, `404 not-found`… */
export type Outcomes = Map<string, number>;

interface Answer {
  status: number;
  body: unknown;
}

async function post(target: ApiFuzzTarget, method: string, body: string | Uint8Array): Promise<Answer> {
  const response = await fetch(`${target.server.url}api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: target.server.token },
    body,
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    assert.fail(`${method} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, body: parsed };
}

interface ErrorBody {
  code: string;
  message: string;
  details?: { problems?: FieldProblem[] } & Record<string, unknown>;
}

/** A refusal's body: `{ error: { code, message, details? } }` with a code and a message. */
function errorOf(answer: Answer, method: string): ErrorBody {
  const error = (answer.body as { error?: ErrorBody } | null)?.error;
  assert.ok(error && typeof error === 'object', `${method} answered ${answer.status} without { error }`);
  assert.equal(typeof error.code, 'string', `${method}: the error has no code`);
  assert.ok(typeof error.message === 'string' && error.message.length > 0, `${method}: the error has no message`);
  return error;
}

/** One method's fuzzing: judges every answer and keeps the library fingerprint up to date. */
class MethodFuzzer {
  readonly outcomes: Outcomes = new Map();
  private fingerprint: string;

  constructor(
    private readonly target: ApiFuzzTarget,
    readonly method: ApiMethod,
  ) {
    this.fingerprint = libraryFingerprint(target.library);
  }

  /** Sends `text` to the method and checks the answer; `struck` are the places a mutation broke. */
  async check(text: string, struck?: readonly JsonPath[]): Promise<void> {
    const { method } = this;
    const answer = await post(this.target, method, text);
    const context = () => `${method} answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 600)} to ${text.slice(0, 300)}`;
    assert.ok(answer.status < 500, `never a 5xx: ${context()}`);
    const expected = api[method].request.safeParse(JSON.parse(text));

    if (answer.status === 200) {
      assert.ok(expected.success, `accepted a request its schema refuses: ${context()}`);
      const response = api[method].response.safeParse(answer.body);
      assert.ok(response.success, `the answer does not match the method's response schema: ${context()}`);
      this.record('200');
      const after = libraryFingerprint(this.target.library);
      if (READ_ONLY_METHODS.has(method)) assert.equal(after, this.fingerprint, `a method that only reads changed the library: ${context()}`);
      this.fingerprint = after;
      return;
    }

    assert.ok(answer.status >= 400 && answer.status < 500, `a refusal is a 4xx: ${context()}`);
    const error = errorOf(answer, method);
    this.record(`${answer.status} ${error.code}`);
    assert.equal(libraryFingerprint(this.target.library), this.fingerprint, `a refused request changed the library: ${context()}`);
    if (!expected.success) {
      assert.equal(answer.status, 400, context());
      assert.equal(error.code, 'invalid-input', context());
      assert.ok(error.message.startsWith(`invalid request to ${method}: `), context());
      // Exactly the schema's problems, each with its place.
      assert.deepEqual(error.details?.problems, problemsFromZod(expected.error), context());
      const listed = (error.details?.problems ?? []).map((problem) => JSON.stringify(problem));
      assert.equal(new Set(listed).size, listed.length, `an error lists a problem twice: ${context()}`);
      if (struck && struck.length > 0) assertNamesStruckPlace(error.details?.problems ?? [], struck, context);
    } else {
      assert.ok(STATE_REFUSALS.has(error.code), `a valid request refused with ${error.code}: ${context()}`);
      if (error.code === 'invalid-input' && error.details?.problems) {
        for (const problem of error.details.problems) assert.ok(typeof problem.path === 'string' && problem.message, context());
      }
    }
  }

  /** Sends raw bytes (not necessarily JSON) to `method` and checks that a refusal is a 4xx that changes nothing. */
  async checkRaw(method: ApiMethod, body: string | Uint8Array): Promise<void> {
    const answer = await post(this.target, method, body);
    const context = () => `${method} answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 400)} to a raw body`;
    assert.ok(answer.status < 500, `never a 5xx: ${context()}`);
    if (answer.status === 200) {
      this.fingerprint = libraryFingerprint(this.target.library);
      this.record('200');
      return;
    }
    const error = errorOf(answer, method);
    this.record(`${answer.status} ${error.code}`);
    assert.ok(answer.status >= 400 && answer.status < 500, context());
    assert.equal(libraryFingerprint(this.target.library), this.fingerprint, `a refused request changed the library: ${context()}`);
  }

  /** Starts again from a fresh library (after a success that leaves nothing to fuzz, such as a purge). */
  reset(library: FuzzLibrary): void {
    this.target.useLibrary(library);
    this.fingerprint = libraryFingerprint(library);
  }

  private record(outcome: string): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
  }
}

/**
 * An invalid-input error must name the place broken: one of its problems is at that place or at
 * a place that holds it. The root counts only when the root itself was struck or got an extra
 * key; a story's "id used twice" may name the other of the two places.
 */
function assertNamesStruckPlace(problems: readonly FieldProblem[], struck: readonly JsonPath[], context: () => string): void {
  const named = problems.some(
    (problem) => (problem.path !== '' || struck.some((path) => path.length <= 1)) && pointsAtStruckPlace(problem.path, struck),
  );
  const duplicateId = problems.some((problem) => problem.message.includes('is used twice'));
  assert.ok(named || duplicateId, `no problem names the place that was broken (${struck.map((path) => JSON.stringify(path)).join(', ')}): ${context()}`);
}

/** A library prepared for fuzzing `method`: with the sample in the trash where the method wants it there. */
function libraryFor(method: ApiMethod): FuzzLibrary {
  const library = openFuzzLibrary();
  if (method === 'purgeStory' || method === 'restoreStory') library.store.trashStory(SAMPLE_ID);
  // Made once here: the first call of getLibraryInfo writes the library's id.
  library.store.putSetting('library-id', 'fuzz-library');
  return library;
}

/** Random JSON shaped like the method's request: its own keys, any values. */
function shapedLikeRequest(method: ApiMethod): fc.Arbitrary<unknown> {
  const shape = (api[method].request as unknown as { shape: Record<string, unknown> }).shape;
  const keys = Object.keys(shape);
  const anyValue = fc.jsonValue({ maxDepth: 3 });
  if (keys.length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), anyValue, { maxKeys: 2 });
  return fc.record(Object.fromEntries(keys.map((key) => [key, anyValue])), { requiredKeys: [] });
}

export interface ApiFuzzOptions {
  /** Mutated valid requests per method; random JSON gets a third as many. */
  numRuns: number;
  seed?: number;
  methods?: readonly ApiMethod[];
}

/** Fuzzes each method in turn, each on a fresh library; returns the outcomes by method. Throws on the first failure (fast-check's report: seed, path, counterexample). */
export async function fuzzApi(target: ApiFuzzTarget, options: ApiFuzzOptions): Promise<Map<ApiMethod, Outcomes>> {
  const results = new Map<ApiMethod, Outcomes>();
  const seeded = options.seed === undefined ? {} : { seed: options.seed };
  for (const method of options.methods ?? API_METHODS) {
    target.useLibrary(libraryFor(method));
    const fuzzer = new MethodFuzzer(target, method);
    results.set(method, fuzzer.outcomes);

    await fc.assert(
      fc.asyncProperty(fc.nat(), mutationsArbitrary(3), async (which, mutations) => {
        const requests = validRequests(target.library, method) as unknown[];
        if (requests.length === 0) return;
        const { text, paths } = mutateRequest(requests[which % requests.length], mutations);
        await fuzzer.check(text, paths);
        if (method === 'purgeStory' && !target.library.store.hasStory(SAMPLE_ID)) fuzzer.reset(libraryFor(method));
      }),
      { numRuns: options.numRuns, ...seeded },
    );

    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 4 }), shapedLikeRequest(method)), async (value) => {
        await fuzzer.check(toJsonText(value));
        if (method === 'purgeStory' && !target.library.store.hasStory(SAMPLE_ID)) fuzzer.reset(libraryFor(method));
      }),
      { numRuns: Math.ceil(options.numRuns / 3), ...seeded },
    );

    // Untouched valid requests too: each must succeed or be refused for the library's state.
    for (const request of validRequests(target.library, method) as unknown[]) await fuzzer.check(toJsonText(request));
  }
  return results;
}

/** Bodies that are not a JSON request at all: every method refuses them with a 4xx and changes nothing. */
const RAW_BODIES: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.constantFrom('', ' ', '{', '{"a":', 'nul', '\ufeff{}', '1e999', '[]]', '{"__proto__":{"polluted":1}}', '"\\ud800"', '{"a":1,"a":2}'),
  fc.string({ maxLength: 60 }),
  fc.uint8Array({ maxLength: 60 }),
  fc.constantFrom(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), new Uint8Array([0xc0, 0xaf]), new Uint8Array([0xed, 0xa0, 0x80])),
);

/** Raw bodies sent to random methods, on one library. */
export async function fuzzRawBodies(target: ApiFuzzTarget, options: { numRuns: number; seed?: number }): Promise<Outcomes> {
  target.useLibrary(libraryFor('getStory'));
  const fuzzer = new MethodFuzzer(target, 'getStory');
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...API_METHODS), RAW_BODIES, (method, body) => fuzzer.checkRaw(method, body)),
    { numRuns: options.numRuns, ...(options.seed === undefined ? {} : { seed: options.seed }) },
  );
  return fuzzer.outcomes;
}

/** A call that must succeed: its answer, checked against the method's response schema. */
async function mustSucceed(target: ApiFuzzTarget, method: ApiMethod, request: unknown, why: string): Promise<unknown> {
  const answer = await post(target, method, toJsonText(request));
  assert.equal(answer.status, 200, `${method} ${why}, but answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 600)}`);
  assert.ok(api[method].response.safeParse(answer.body).success, `${method}: the answer does not match the method's response schema`);
  return answer.body;
}

/**
 * Stories changed field by field, keeping each value's type, and saved over HTTP: whatever the
 * API accepts, it can then review, search, duplicate and export in every format, and its bundle
 * imports back as the same story. Returns how many stories were saved and gone through.
 */
export async function fuzzSavedStories(target: ApiFuzzTarget, options: { numRuns: number; seed?: number }): Promise<number> {
  target.useLibrary(libraryFor('saveStory'));
  let saved = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(sameTypeMutationArbitrary, { minLength: 1, maxLength: 4 }), async (mutations) => {
      const { store } = target.library;
      const current = store.getStory(SAMPLE_ID);
      const { text } = mutateRequest({ story: current, baseRevision: current.revision }, mutations);
      const answer = await post(target, 'saveStory', text);
      assert.ok(answer.status < 500, `never a 5xx: saveStory answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 400)}`);
      if (answer.status !== 200) return;
      const story = answer.body as { id: string; title: string };
      // A mutated id names another story (404): only saves of the sample itself get here.
      saved += 1;
      const why = `of a story the API accepted (${text.slice(0, 200)}…)`;
      await mustSucceed(target, 'getStory', { id: story.id }, why);
      await mustSucceed(target, 'reviewStory', { id: story.id }, why);
      await mustSucceed(target, 'searchStories', { query: story.title.slice(0, 40), in: 'all' }, why);
      for (const format of EXPORT_FORMATS) await mustSucceed(target, 'exportStory', { id: story.id, format }, why);
      const bundle = (await mustSucceed(target, 'exportStory', { id: story.id, format: 'bundle' }, why)) as { data: string };
      const imported = (await mustSucceed(target, 'importBundle', { data: bundle.data, onConflict: 'copy' }, why)) as { imported: { id: string }[] };
      const copyId = imported.imported[0]?.id as string;
      const { id: _id, slug: _slug, title: _title, createdAt: _created, updatedAt: _updated, revision: _revision, status: _status, publishedAt: _published, ...content } = store.getStory(story.id);
      const copy = store.getStory(copyId);
      const { id: _cid, slug: _cslug, title: _ctitle, createdAt: _ccreated, updatedAt: _cupdated, revision: _crevision, status: _cstatus, publishedAt: _cpublished, ...copied } = copy;
      assert.deepEqual(copied, content, 'the bundle of a saved story imports as another story');
      await mustSucceed(target, 'duplicateStory', { id: story.id }, why);
      await mustSucceed(target, 'exportLibraryBundle', {}, why);
      // The copies are not needed again: the library stays small.
      for (const stray of store.listStories().filter((summary) => summary.id !== SAMPLE_ID)) {
        store.trashStory(stray.id);
        store.purgeStory(stray.id);
      }
    }),
    { numRuns: options.numRuns, ...(options.seed === undefined ? {} : { seed: options.seed }) },
  );
  return saved;
}
