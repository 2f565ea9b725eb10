/**
 * Migration 2: the full-text index (FTS5), one row per story keyed by the story's rowid, and
 * filled from the stories that already exist. The unicode61 tokenizer treats every dash, quote
 * and space of Unicode (U+2011, U+2019, U+202F…) as a separator and folds accents.
 */
import type { Migration } from './index';
import { indexStoryForSearch } from '../search';
import type { Story } from '../../../shared/model';

export const searchIndex: Migration = {
  version: 2,
  name: 'full-text search over titles, deks, sections, timeline and sources',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE story_search USING fts5(
        title, dek, sections, timeline, sources,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3'
      );
      INSERT INTO story_search (story_search, rank) VALUES ('rank', 'bm25(10.0, 5.0, 1.0, 1.0, 2.0)');
    `);
    const current = db.prepare(`
      SELECT stories.rowid AS rowid, revisions.content AS content
      FROM stories JOIN revisions ON revisions.story_id = stories.id AND revisions.revision = stories.revision
    `);
    for (const row of current.all() as { rowid: number; content: string }[]) {
      indexStoryForSearch(db, row.rowid, JSON.parse(row.content) as Story);
    }
  },
};
