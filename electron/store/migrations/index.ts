/**
 * The library's migrations, numbered from 1. `PRAGMA user_version` records the last one applied;
 * `migrate` applies the missing ones in a single transaction, so a library is always at one
 * version or the next, never between. Append new migrations; never edit a released one.
 */
import type Database from 'better-sqlite3';
import { LibraryUnusableError } from '../../../shared/errors';
import { coreTables } from './0001-core';
import { searchIndex } from './0002-search';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [coreTables, searchIndex];

/** The library format this build writes; a file with a higher user_version is refused. */
export const LATEST_VERSION = MIGRATIONS.length;

/** "SDK1": marks an SQLite file as a Storydesk library (`PRAGMA application_id`). */
export const APPLICATION_ID = 0x53444b31;

/**
 * Brings the database from its current version to `target` (the latest by default) in one
 * transaction. Returns the versions applied. The caller has checked the file is not newer.
 */
export function migrate(db: Database.Database, target = LATEST_VERSION): number[] {
  // Up to date (the usual case): no write lock is taken, so opening never waits on a writer.
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === target && version > 0) return [];
  return db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > LATEST_VERSION) {
      throw new LibraryUnusableError(
        `this library was written by a newer version of Storydesk (library format ${current}; this version reads formats up to ${LATEST_VERSION}). Update Storydesk to open it`,
        { reason: 'newer-version', version: current, supported: LATEST_VERSION },
      );
    }
    const pending = MIGRATIONS.filter((migration) => migration.version > current && migration.version <= target);
    for (const migration of pending) migration.up(db);
    if (current === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
    if (pending.length > 0) db.pragma(`user_version = ${target}`);
    return pending.map((migration) => migration.version);
  }).immediate();
}
