/**
 * The errors Storydesk reports across its API, typed so that every transport (IPC, HTTP, the
 * command line) can carry them as plain data and rebuild them on the other side.
 */
import type { z } from 'zod';

export type ErrorCode = 'not-found' | 'conflict' | 'invalid-input' | 'publish-blocked' | 'library-unusable' | 'internal';

/** One thing wrong with an input: where (`sections[2].body[0].content[1].text`) and what. */
export interface FieldProblem {
  path: string;
  message: string;
}

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export class StorydeskError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'StorydeskError';
    this.code = code;
    this.details = details;
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export class NotFoundError extends StorydeskError {
  constructor(what: string, id: string | number) {
    super('not-found', `${what} ${JSON.stringify(id)} does not exist`, { what, id });
    this.name = 'NotFoundError';
  }
}

/** A save based on a revision that is no longer the latest: never a silent overwrite. */
export class ConflictError extends StorydeskError {
  readonly baseRevision: number;
  readonly currentRevision: number;

  constructor(storyId: string, baseRevision: number, currentRevision: number) {
    super(
      'conflict',
      `story ${JSON.stringify(storyId)} was changed elsewhere: this save is based on revision ${baseRevision}, ` +
        `but the library holds revision ${currentRevision}`,
      { storyId, baseRevision, currentRevision },
    );
    this.name = 'ConflictError';
    this.baseRevision = baseRevision;
    this.currentRevision = currentRevision;
  }
}

export class InvalidInputError extends StorydeskError {
  readonly problems: FieldProblem[];

  constructor(what: string, problems: FieldProblem[]) {
    const listed = problems
      .slice(0, 5)
      .map((problem) => (problem.path ? `${problem.path}: ${problem.message}` : problem.message))
      .join('; ');
    const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
    super('invalid-input', `invalid ${what}: ${listed}${more}`, { problems });
    this.name = 'InvalidInputError';
    this.problems = problems;
  }
}

/** One blocker of the coverage review, as the publish gate reports it. */
export interface BlockerSummary {
  code: string;
  message: string;
  place: string;
}

/**
 * Publishing (or a final export) refused because the coverage review found blockers and the
 * request gave no override reason. The editor shows the blockers and asks for a reason.
 */
export class PublishBlockedError extends StorydeskError {
  readonly blockers: BlockerSummary[];

  /** `action` names what was refused: publishing it, or exporting it as final. */
  constructor(storyId: string, blockers: BlockerSummary[], action = 'publishing it') {
    const listed = blockers
      .slice(0, 3)
      .map((blocker) => `${blocker.place}: ${blocker.message}`)
      .join('; ');
    const more = blockers.length > 3 ? `; and ${blockers.length - 3} more` : '';
    super(
      'publish-blocked',
      `story ${JSON.stringify(storyId)} has ${blockers.length} blocker${blockers.length === 1 ? '' : 's'} (${listed}${more}); ` +
        `${action} anyway needs a written override reason`,
      { storyId, blockers, action },
    );
    this.name = 'PublishBlockedError';
    this.blockers = blockers;
  }
}

/** The library file cannot be used: not a library, damaged, from a newer version, unwritable. */
export class LibraryUnusableError extends StorydeskError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('library-unusable', message, details);
    this.name = 'LibraryUnusableError';
  }
}

/** Rebuilds the typed error that a transport carried as plain data. */
export function errorFromPayload(payload: ErrorPayload): StorydeskError {
  const details = payload.details ?? {};
  switch (payload.code) {
    case 'conflict': {
      const error = new ConflictError(
        String(details.storyId ?? ''),
        Number(details.baseRevision ?? 0),
        Number(details.currentRevision ?? 0),
      );
      error.message = payload.message;
      return error;
    }
    case 'invalid-input': {
      const problems = Array.isArray(details.problems) ? (details.problems as FieldProblem[]) : [];
      const error = new InvalidInputError('input', problems);
      error.message = payload.message;
      return error;
    }
    case 'not-found': {
      const id = details.id;
      const error = new NotFoundError(String(details.what ?? 'item'), typeof id === 'number' ? id : String(id ?? ''));
      error.message = payload.message;
      return error;
    }
    case 'publish-blocked': {
      const blockers = Array.isArray(details.blockers) ? (details.blockers as BlockerSummary[]) : [];
      const error = new PublishBlockedError(String(details.storyId ?? ''), blockers, String(details.action ?? 'publishing it'));
      error.message = payload.message;
      return error;
    }
    default:
      return new StorydeskError(payload.code, payload.message, details);
  }
}

/** `['sections', 2, 'body', 0]` → `sections[2].body[0]`; odd keys are quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) text += text ? `.${key}` : key;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text;
}

/** Turns zod's issues into field problems, one per issue, each with a readable path. */
export function problemsFromZod(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** Parses `input` with `schema`, or throws an InvalidInputError that names every bad field. */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, input: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) throw new InvalidInputError(what, problemsFromZod(result.error));
  return result.data;
}
