/**
 * Migration 2: the full-text index (FTS5), one row per story keyed by the story's rowid. The
 * unicode61 tokenizer treats every dash, quote and space of Unicode (U+2011, U+2019, U+202F…)
 * as a separator and folds accents. Saves only mark a story in `search_pending`; the index
 * catches up when the library is idle or before the next search (see store.ts), so the stories
 * that exist when this migration runs are simply marked.
 */
import type { Migration } from './index';

export const searchIndex: Migration = {
  version: 2,
  name: 'full-text search over titles, deks, sections, timeline and sources',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE story_search USING fts5(
        title, dek, sections, timeline, sources,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      INSERT INTO story_search (story_search, rank) VALUES ('rank', 'bm25(10.0, 5.0, 1.0, 1.0, 2.0)');

      CREATE TABLE search_pending (
        story_rowid INTEGER PRIMARY KEY
      ) STRICT;
      INSERT INTO search_pending (story_rowid) SELECT rowid FROM stories;
    `);
  },
};
