/**
 * Migration 1: the core tables. A story's current state is its newest revision; the `stories`
 * row holds what lists need (title, status, dates) so that listing never parses story JSON.
 */
import type { Migration } from './index';

export const coreTables: Migration = {
  version: 1,
  name: 'core tables: stories, revisions, assets, library settings',
  up(db) {
    db.exec(`
      CREATE TABLE library_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE stories (
        id           TEXT PRIMARY KEY,
        revision     INTEGER NOT NULL CHECK (revision >= 1),
        slug         TEXT NOT NULL,
        title        TEXT NOT NULL,
        feed         TEXT NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('draft', 'review', 'published')),
        source_count INTEGER NOT NULL,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        published_at TEXT,
        trashed_at   TEXT
      ) STRICT;
      CREATE INDEX stories_by_update ON stories (updated_at DESC, id);

      CREATE TABLE revisions (
        id              INTEGER PRIMARY KEY,
        story_id        TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
        revision        INTEGER NOT NULL CHECK (revision >= 1),
        saved_at        TEXT NOT NULL,
        author          TEXT NOT NULL,
        summary         TEXT NOT NULL,
        override_reason TEXT,
        content         TEXT NOT NULL,
        UNIQUE (story_id, revision)
      ) STRICT;

      CREATE TABLE assets (
        sha256      TEXT PRIMARY KEY,
        media_type  TEXT NOT NULL,
        width       INTEGER NOT NULL,
        height      INTEGER NOT NULL,
        byte_length INTEGER NOT NULL,
        data        BLOB NOT NULL,
        created_at  TEXT NOT NULL
      ) STRICT;
    `);
  },
};
