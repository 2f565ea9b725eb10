/**
 * Full-text search: what goes into the FTS5 index for a story, how an editor's words become an
 * FTS5 query, and how FTS5's marked snippets become plain segments for the UI.
 */
import type Database from 'better-sqlite3';
import type { Snippet } from '../../shared/api';
import type { Story } from '../../shared/model';
import { storySearchText } from '../../shared/story-text';

export const SEARCH_FIELDS = ['title', 'dek', 'sections', 'timeline', 'sources'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

/** Snippet markers: control characters that never occur in story text sent to the index. */
export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';
const MARKERS = new RegExp(`[${MATCH_START}${MATCH_END}]`, 'g');
const MARKER_SPLIT = new RegExp(`([${MATCH_START}${MATCH_END}])`);

const indexStatements = new WeakMap<Database.Database, { remove: Database.Statement; insert: Database.Statement }>();

/** Puts a story's current text into the index, replacing what was there for it. */
export function indexStoryForSearch(db: Database.Database, rowid: number | bigint, story: Story): void {
  let statements = indexStatements.get(db);
  if (!statements) {
    statements = {
      remove: db.prepare('DELETE FROM story_search WHERE rowid = ?'),
      insert: db.prepare('INSERT INTO story_search (rowid, title, dek, sections, timeline, sources) VALUES (?, ?, ?, ?, ?, ?)'),
    };
    indexStatements.set(db, statements);
  }
  const text = storySearchText(story);
  const clean = (value: string) => value.replace(MARKERS, ' ');
  statements.remove.run(rowid);
  statements.insert.run(rowid, clean(text.title), clean(text.dek), clean(text.sections), clean(text.timeline), clean(text.sources));
}

/**
 * Turns what an editor typed into an FTS5 query, or undefined when it holds no word. Each
 * whitespace-separated term becomes a quoted phrase of its words, so "Yeon‑doo", "Yeon-doo" and
 * "Yeon doo" all find "Jeong Yeon‑doo"; terms are ANDed; the last one matches as a prefix, so
 * results follow the editor's typing. FTS5 syntax typed by the editor is never interpreted.
 */
export function buildMatchQuery(typed: string): string | undefined {
  const terms = typed
    .split(/[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+/u)
    .map((term) => term.split(/[^\p{L}\p{N}\p{M}]+/u).filter(Boolean))
    .filter((words) => words.length > 0);
  if (terms.length === 0) return undefined;
  const endsWithSpace = /\s$/u.test(typed);
  return terms
    .map((words, index) => {
      const phrase = `"${words.join(' ')}"`;
      return index === terms.length - 1 && !endsWithSpace ? `${phrase} *` : phrase;
    })
    .join(' AND ');
}

/** FTS5 snippet text, with MATCH_START/MATCH_END around matches, as plain segments. */
export function snippetSegments(marked: string): Snippet {
  const segments: Snippet = [];
  let match = false;
  for (const part of marked.split(MARKER_SPLIT)) {
    if (part === MATCH_START) match = true;
    else if (part === MATCH_END) match = false;
    else if (part) {
      const last = segments.at(-1);
      if (last && last.match === match) last.text += part;
      else segments.push({ text: part, match });
    }
  }
  return segments;
}

/** Which field a snippet came from: the first (by weight) whose text contains it. */
export function fieldOfSnippet(snippet: Snippet, columns: Record<SearchField, string>): SearchField {
  const core = snippet
    .map((segment) => segment.text)
    .join('')
    .replace(/^…|…$/g, '');
  for (const field of SEARCH_FIELDS) if (core && columns[field].includes(core)) return field;
  return 'sections';
}
