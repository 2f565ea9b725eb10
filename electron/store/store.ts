/**
 * The library store: the one module that owns the SQLite file (better-sqlite3). Every statement
 * Storydesk runs is prepared here; every write is one transaction. A story's current state is
 * its newest revision, so every save is a revision, and a save based on an older revision is a
 * conflict, never an overwrite.
 *
 * Two kinds of work are kept off the save path and done when the library is idle (or sooner when
 * needed): re-indexing saved stories for search (a save only marks the story in
 * `search_pending`; a search first catches the index up, so results are never stale) and WAL
 * checkpoints (a backstop runs one inline after many writes without an idle moment).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SearchHit } from '../../shared/api';
import { ConflictError, LibraryUnusableError, NotFoundError, StorydeskError } from '../../shared/errors';
import type { AssetRef, ImageMediaType, Story, StoryStatus, StorySummary } from '../../shared/model';
import { cannotWrite, inspectLibraryFile, isCorruptionError, openReadOnly } from './library-file';
import { LATEST_VERSION, migrate } from './migrations/index';
import { isProcessRunning } from './process-alive';
import { buildMatchQuery, fieldOfSnippet, indexStoryForSearch, MATCH_END, MATCH_START, snippetSegments } from './search';

export interface RevisionMeta {
  author: string;
  summary: string;
  overrideReason?: string;
}

export interface StoredRevision {
  storyId: string;
  revision: number;
  savedAt: string;
  author: string;
  summary: string;
  overrideReason?: string;
  byteLength: number;
}

export interface ListFilter {
  in?: 'active' | 'trash';
  status?: StoryStatus;
  feed?: string;
  sort?: 'updated-desc' | 'updated-asc' | 'created-desc' | 'title-asc';
  /** At most this many stories (a page); all of them when absent. */
  limit?: number;
  /**
   * Keyset paging: start after the story with this sort key and id (the last of the previous
   * page). `key` is what the sort orders by: `updatedAt`, `createdAt` or `title`. A key rather
   * than an id alone, so that a page still starts in the right place when that story has
   * changed or gone since.
   */
  after?: { key: string; id: string };
}

/** One story of an import (`importStories`). */
export interface StoryImport {
  /** `revision` 1 for a new story, `replacesRevision + 1` for a replacement. */
  story: Story;
  meta: RevisionMeta;
  /** The revision of the library's story that this one replaces; absent for a new story. */
  replacesRevision?: number;
}

/** How long after the last write the idle work (search index, checkpoint) runs. */
export const IDLE_DELAY_MS = 400;
/** Writes after which a checkpoint runs inline if no idle moment came. */
const CHECKPOINT_BACKSTOP_WRITES = 500;

/** What a save needs to know of the stored story without reading its content. */
export interface StoryHead {
  id: string;
  revision: number;
  status: StoryStatus;
  createdAt: string;
  updatedAt: string;
  publishedAt?: string;
}

export interface OpenOptions {
  /** Called once when a new library is created, inside its first transaction. */
  seed?: (store: LibraryStore) => void;
  /** Run `PRAGMA quick_check` before opening (default: for files up to 8 MiB). */
  quickCheck?: boolean;
  now?: () => Date;
}


interface RevisionRow {
  story_id: string;
  revision: number;
  saved_at: string;
  author: string;
  summary: string;
  override_reason: string | null;
  byte_length: number;
}

const SUMMARY_COLUMNS = 'id, slug, title, feed, status, revision, created_at, updated_at, source_count, trashed_at';

const SORT_CLAUSES: Record<NonNullable<ListFilter['sort']>, string> = {
  'updated-desc': 'updated_at DESC, id',
  'updated-asc': 'updated_at ASC, id',
  'created-desc': 'created_at DESC, id',
  'title-asc': 'title COLLATE NOCASE ASC, id',
};

/** Where each sort's next page starts: after the previous page's last (key, id), in SORT_CLAUSES order. */
const AFTER_CLAUSES: Record<NonNullable<ListFilter['sort']>, string> = {
  'updated-desc': '(updated_at < @afterKey OR (updated_at = @afterKey AND id > @afterId))',
  'updated-asc': '(updated_at > @afterKey OR (updated_at = @afterKey AND id > @afterId))',
  'created-desc': '(created_at < @afterKey OR (created_at = @afterKey AND id > @afterId))',
  'title-asc': '(title COLLATE NOCASE > @afterKey OR (title COLLATE NOCASE = @afterKey AND id > @afterId))',
};

/** A summary row as an array, in SUMMARY_COLUMNS order. */
type RawSummaryRow = [string, string, string, string, StoryStatus, number, string, string, number, string | null];

/** Summaries are read as array rows: building 10,000 of them this way is a third faster. */
function summaryFromRawRow(row: RawSummaryRow): StorySummary {
  const summary: StorySummary = {
    id: row[0],
    slug: row[1],
    title: row[2],
    feed: row[3],
    status: row[4],
    revision: row[5],
    createdAt: row[6],
    updatedAt: row[7],
    sourceCount: row[8],
  };
  if (row[9] !== null) summary.trashedAt = row[9];
  return summary;
}

function revisionFromRow(row: RevisionRow): StoredRevision {
  const revision: StoredRevision = {
    storyId: row.story_id,
    revision: row.revision,
    savedAt: row.saved_at,
    author: row.author,
    summary: row.summary,
    byteLength: row.byte_length,
  };
  if (row.override_reason !== null) revision.overrideReason = row.override_reason;
  return revision;
}

/**
 * Opens the SQLite connection with the settings every Storydesk library uses: for writing, or
 * read-only (openReadOnly) when this process may not write the file or its folder.
 *
 * A library that cannot be written is opened read-only rather than refused: its editor can still
 * read, search and export their stories, and every save fails with a LibraryUnusableError of
 * reason 'read-only' that says what to make writable (LibraryStore.write). Once they have, the
 * next save reconnects for writing by itself, so the editor's retries land without a restart.
 */
function connect(file: string, readOnly: boolean): Database.Database {
  if (readOnly) {
    const db = openReadOnly(file);
    db.pragma('cache_size = -32768');
    return db;
  }
  const db = new Database(file, { fileMustExist: true });
  db.pragma('journal_mode = WAL');
  // WAL + NORMAL: a crash of the app loses nothing committed; a power cut may lose the last
  // transactions but never leaves the file inconsistent.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Checkpoints run when the library is idle (LibraryStore.runIdleWork), not inside a save.
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('cache_size = -32768');
  return db;
}

/** Every statement the store runs often, prepared once per connection. */
function prepareStatements(db: Database.Database) {
  return {
    summary: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM stories WHERE id = ?`).raw(true),
    currentText: db.prepare(
      `SELECT revisions.content FROM stories
       JOIN revisions ON revisions.story_id = stories.id AND revisions.revision = stories.revision
       WHERE stories.id = ?`,
    ).pluck(),
    head: db.prepare('SELECT rowid, revision, trashed_at FROM stories WHERE id = ?'),
    storyHead: db.prepare('SELECT id, revision, status, created_at, updated_at, published_at FROM stories WHERE id = ?'),
    markForSearch: db.prepare('INSERT INTO search_pending (story_rowid) VALUES (?) ON CONFLICT DO NOTHING'),
    anyPendingSearch: db.prepare('SELECT EXISTS (SELECT 1 FROM search_pending)').pluck(),
    pendingSearch: db.prepare(
      `SELECT search_pending.story_rowid AS rowid, revisions.content AS content FROM search_pending
       JOIN stories ON stories.rowid = search_pending.story_rowid
       JOIN revisions ON revisions.story_id = stories.id AND revisions.revision = stories.revision`,
    ),
    clearPendingSearch: db.prepare('DELETE FROM search_pending'),
    unmarkForSearch: db.prepare('DELETE FROM search_pending WHERE story_rowid = ?'),
    insertStory: db.prepare(
      `INSERT INTO stories (id, revision, slug, title, feed, status, source_count, created_at, updated_at, published_at)
       VALUES (@id, @revision, @slug, @title, @feed, @status, @sourceCount, @createdAt, @updatedAt, @publishedAt)`,
    ),
    updateStory: db.prepare(
      `UPDATE stories SET revision = @revision, slug = @slug, title = @title, feed = @feed, status = @status,
         source_count = @sourceCount, updated_at = @updatedAt, published_at = @publishedAt WHERE id = @id`,
    ),
    insertRevision: db.prepare(
      `INSERT INTO revisions (story_id, revision, saved_at, author, summary, override_reason, content)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    listRevisions: db.prepare(
      `SELECT story_id, revision, saved_at, author, summary, override_reason, length(CAST(content AS BLOB)) AS byte_length
       FROM revisions WHERE story_id = ? ORDER BY revision DESC`,
    ),
    getRevision: db.prepare(
      `SELECT story_id, revision, saved_at, author, summary, override_reason, length(CAST(content AS BLOB)) AS byte_length, content
       FROM revisions WHERE story_id = ? AND revision = ?`,
    ),
    setTrashed: db.prepare('UPDATE stories SET trashed_at = ? WHERE id = ?'),
    deleteStory: db.prepare('DELETE FROM stories WHERE id = ?'),
    deleteSearch: db.prepare('DELETE FROM story_search WHERE rowid = ?'),
    insertAsset: db.prepare(
      `INSERT INTO assets (sha256, media_type, width, height, byte_length, data, created_at)
       VALUES (@sha256, @mediaType, @width, @height, @byteLength, @data, @createdAt)
       ON CONFLICT (sha256) DO NOTHING`,
    ),
    getAsset: db.prepare('SELECT sha256, media_type, width, height, byte_length, data FROM assets WHERE sha256 = ?'),
    getAssetRef: db.prepare('SELECT sha256, media_type, width, height, byte_length FROM assets WHERE sha256 = ?'),
    getSetting: db.prepare('SELECT value FROM library_meta WHERE key = ?').pluck(),
    putSetting: db.prepare('INSERT INTO library_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    search: db
      .prepare(
        `SELECT ${SUMMARY_COLUMNS.split(', ')
          .map((column) => `stories.${column}`)
          .join(', ')},
                story_search.title, story_search.dek, story_search.sections, story_search.timeline, story_search.sources,
                snippet(story_search, -1, '${MATCH_START}', '${MATCH_END}', '…', 16), rank
         FROM story_search JOIN stories ON stories.rowid = story_search.rowid
         WHERE story_search MATCH @query
           AND (@scope = 'all' OR (@scope = 'trash') = (stories.trashed_at IS NOT NULL))
         ORDER BY rank LIMIT @limit`,
      )
      .raw(true),
  };
}

export class LibraryStore {
  readonly path: string;
  /** True when this open created the library (it did not exist, or was an empty file). */
  created = false;
  private connection: Database.Database;
  private openedReadOnly: boolean;
  private readonly now: () => Date;
  private statements: ReturnType<typeof prepareStatements>;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private writesSinceCheckpoint = 0;

  private constructor(file: string, db: Database.Database, now: () => Date, readOnly = false) {
    this.path = file;
    this.connection = db;
    this.now = now;
    this.openedReadOnly = readOnly;
    this.statements = prepareStatements(db);
  }

  /** The connection; a new one once a read-only library can be written again (ensureWritable). */
  get db(): Database.Database {
    return this.connection;
  }

  /** Whether the library is open read-only, because this process may not write the file or its folder (see connect). */
  get readOnly(): boolean {
    return this.openedReadOnly;
  }

  /**
   * Opens the library at `file`, creating it (with `seed`) when it does not exist. A file that
   * is not a Storydesk library, is damaged or comes from a newer version is refused with a
   * LibraryUnusableError and left exactly as it was.
   */
  static open(file: string, options: OpenOptions = {}): LibraryStore {
    const absolute = path.resolve(file);
    const now = options.now ?? (() => new Date());
    const state = inspectLibraryFile(absolute, { quickCheck: options.quickCheck });
    if (state.kind === 'missing' || state.kind === 'empty') return LibraryStore.create(absolute, options, now);

    let db: Database.Database | undefined;
    const readOnly = cannotWrite(absolute) !== undefined;
    try {
      db = connect(absolute, readOnly);
      migrate(db);
      return new LibraryStore(absolute, db, now, readOnly);
    } catch (error) {
      db?.close();
      throw translateError(error, absolute);
    }
  }

  /** Builds a new library beside its final path and moves it into place only when complete. */
  private static create(file: string, options: OpenOptions, now: () => Date): LibraryStore {
    const partial = `${file}.creating-${process.pid}`;
    let db: Database.Database;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      removeAbandonedCreations(file);
      db = new Database(partial);
    } catch (error) {
      throw translateError(error, file);
    }
    try {
      db.pragma('journal_mode = DELETE');
      db.pragma('foreign_keys = ON');
      migrate(db);
      const store = new LibraryStore(partial, db, now);
      if (options.seed) db.transaction(() => options.seed?.(store))();
      store.close();
      // A library that appeared meanwhile (another window) wins; ours is discarded.
      if (fs.existsSync(file) && fs.statSync(file).size > 0) fs.rmSync(partial);
      else fs.renameSync(partial, file);
    } catch (error) {
      if (db.open) db.close();
      fs.rmSync(partial, { force: true });
      throw translateError(error, file);
    }
    const store = LibraryStore.open(file, { ...options, seed: undefined, now });
    store.created = true;
    return store;
  }

  /** Catches the search index up and closes the file (SQLite checkpoints the WAL on close). */
  close(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (!this.db.open) return;
    try {
      this.flushSearchIndex();
    } catch {
      // A library that cannot be written (read-only, full) still closes; the index catches up
      // the next time it is opened for writing.
    }
    this.db.close();
  }

  get formatVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /**
   * Makes sure the library may be written: a library opened read-only is reconnected for
   * writing once the file and its folder can be written again, and refused until then.
   */
  private ensureWritable(): void {
    if (!this.readOnly || this.db.inTransaction) return;
    const denied = cannotWrite(this.path);
    if (denied !== undefined) {
      throw new LibraryUnusableError(
        `the library ${this.path} is open read-only: Storydesk may not write ${denied}. Nothing was saved, and nothing in the library was changed. ` +
          'Check the permissions: make the file and its folder writable for you, and saving works again',
        { path: this.path, reason: 'read-only' },
      );
    }
    let db: Database.Database | undefined;
    try {
      db = connect(this.path, false);
      migrate(db);
    } catch (error) {
      db?.close();
      throw translateError(error, this.path);
    }
    this.connection.close();
    this.connection = db;
    this.statements = prepareStatements(db);
    this.openedReadOnly = false;
  }

  /** Runs `work` in one write transaction, with SQLite's failures turned into Storydesk errors. */
  private write<T>(work: () => T): T {
    this.ensureWritable();
    let result: T;
    try {
      result = this.db.transaction(work).immediate();
    } catch (error) {
      throw translateError(error, this.path);
    }
    this.afterWrite();
    return result;
  }

  /** Schedules the idle work after a write, and checkpoints inline when idleness never comes. */
  private afterWrite(): void {
    // Inside a caller's transaction (a batch), the batch's own end is the write that counts.
    if (this.db.inTransaction) return;
    this.writesSinceCheckpoint += 1;
    if (this.writesSinceCheckpoint >= CHECKPOINT_BACKSTOP_WRITES) {
      try {
        this.checkpoint();
      } catch {
        // The write itself is committed; a checkpoint that cannot run now runs when idle.
      }
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.runIdleWork(), IDLE_DELAY_MS);
    this.idleTimer.unref?.();
  }

  /**
   * The work kept off the save path: brings the search index up to date, then copies the WAL
   * back into the library file. Runs by itself once writes pause; safe to call at any time.
   */
  runIdleWork(): void {
    this.idleTimer = undefined;
    if (!this.db.open) return;
    try {
      this.flushSearchIndex();
      this.checkpoint();
    } catch {
      // Idle work is retried after the next write; a failing library reports its error to the
      // operation the editor asked for, not to a timer.
    }
  }

  private checkpoint(): void {
    this.writesSinceCheckpoint = 0;
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /** Re-indexes every story saved since the index last caught up. Returns how many. */
  flushSearchIndex(): number {
    if (!this.statements.anyPendingSearch.get()) return 0;
    this.ensureWritable();
    try {
      return this.db.transaction(() => {
        const pending = this.statements.pendingSearch.all() as { rowid: number; content: string }[];
        for (const row of pending) indexStoryForSearch(this.db, row.rowid, JSON.parse(row.content) as Story);
        this.statements.clearPendingSearch.run();
        return pending.length;
      }).immediate();
    } catch (error) {
      throw translateError(error, this.path);
    }
  }

  private read<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw translateError(error, this.path);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Stories

  listStories(filter: ListFilter = {}): StorySummary[] {
    const sort = filter.sort ?? 'updated-desc';
    const conditions = [filter.in === 'trash' ? 'trashed_at IS NOT NULL' : 'trashed_at IS NULL'];
    const parameters: Record<string, unknown> = {};
    if (filter.status) {
      conditions.push('status = @status');
      parameters.status = filter.status;
    }
    if (filter.feed !== undefined) {
      conditions.push('feed = @feed');
      parameters.feed = filter.feed;
    }
    if (filter.after) {
      conditions.push(AFTER_CLAUSES[sort]);
      parameters.afterKey = filter.after.key;
      parameters.afterId = filter.after.id;
    }
    let sql = `SELECT ${SUMMARY_COLUMNS} FROM stories WHERE ${conditions.join(' AND ')} ORDER BY ${SORT_CLAUSES[sort]}`;
    if (filter.limit !== undefined) {
      sql += ' LIMIT @limit';
      parameters.limit = filter.limit;
    }
    return this.read(() => (this.db.prepare(sql).raw(true).all(parameters) as RawSummaryRow[]).map(summaryFromRawRow));
  }

  /** The feeds of the stories in the library (`active`) or in the trash, without the empty feed: the feed filter's choices. */
  listFeeds(where: 'active' | 'trash' = 'active'): string[] {
    const condition = where === 'trash' ? 'trashed_at IS NOT NULL' : 'trashed_at IS NULL';
    const sql = `SELECT DISTINCT feed FROM stories WHERE ${condition} AND feed <> ''`;
    // Sorted as the UI sorts text (localeCompare), not by SQLite's byte order.
    return this.read(() => this.db.prepare(sql).pluck().all() as string[]).sort((a, b) => a.localeCompare(b));
  }

  getSummary(id: string): StorySummary {
    const row = this.read(() => this.statements.summary.get(id) as RawSummaryRow | undefined);
    if (!row) throw new NotFoundError('story', id);
    return summaryFromRawRow(row);
  }

  getStory(id: string): Story {
    return JSON.parse(this.getStoryText(id)) as Story;
  }

  /** The current revision's stored JSON, for callers that compare or forward it as text. */
  getStoryText(id: string): string {
    const text = this.read(() => this.statements.currentText.get(id) as string | undefined);
    if (text === undefined) throw new NotFoundError('story', id);
    return text;
  }

  /** Revision, status and dates of a story, without reading its content. */
  getStoryHead(id: string): StoryHead {
    const row = this.read(
      () =>
        this.statements.storyHead.get(id) as
          | { id: string; revision: number; status: StoryStatus; created_at: string; updated_at: string; published_at: string | null }
          | undefined,
    );
    if (!row) throw new NotFoundError('story', id);
    const head: StoryHead = { id: row.id, revision: row.revision, status: row.status, createdAt: row.created_at, updatedAt: row.updated_at };
    if (row.published_at !== null) head.publishedAt = row.published_at;
    return head;
  }

  hasStory(id: string): boolean {
    return this.statements.head.get(id) !== undefined;
  }

  /** Stores a new story as revision 1. `story.revision` must be 1. */
  insertStory(story: Story, meta: RevisionMeta): Story {
    return this.write(() => {
      if (this.statements.head.get(story.id)) throw new StorydeskError('conflict', `a story with id "${story.id}" exists already`, { storyId: story.id });
      const result = this.statements.insertStory.run(storyColumns(story));
      this.insertRevision(story, meta);
      this.statements.markForSearch.run(result.lastInsertRowid);
      return story;
    });
  }

  /**
   * Saves `story` as the revision after `baseRevision`. Refused as a conflict when the library
   * holds a newer revision than `baseRevision`. `story.revision` must be `baseRevision + 1`.
   */
  saveStory(story: Story, baseRevision: number, meta: RevisionMeta): Story {
    return this.write(() => {
      const head = this.statements.head.get(story.id) as { rowid: number; revision: number } | undefined;
      if (!head) throw new NotFoundError('story', story.id);
      if (head.revision !== baseRevision) throw new ConflictError(story.id, baseRevision, head.revision);
      this.statements.updateStory.run(storyColumns(story));
      this.insertRevision(story, meta);
      this.statements.markForSearch.run(head.rowid);
      return story;
    });
  }

  /**
   * Writes an import in one transaction: every asset, then every story — a new one as revision 1
   * (`insertStory`), a replacement as the revision after `replacesRevision` (`saveStory`, so a
   * library changed meanwhile is a conflict). If any write fails, nothing is written.
   *
   * Both lists are iterated inside the transaction, so they may be generators that read each item
   * as it is written (an import from a file holds one story at a time); an item that cannot be
   * read throws, and nothing is written either. Returns how many stories were written.
   */
  importStories(assets: Iterable<{ asset: AssetRef; data: Uint8Array }>, stories: Iterable<StoryImport>): number {
    return this.write(() => {
      for (const { asset, data } of assets) this.putAsset(asset, data);
      let written = 0;
      for (const { story, meta, replacesRevision } of stories) {
        if (replacesRevision === undefined) this.insertStory(story, meta);
        else this.saveStory(story, replacesRevision, meta);
        written += 1;
      }
      return written;
    });
  }

  private insertRevision(story: Story, meta: RevisionMeta): void {
    this.statements.insertRevision.run(
      story.id,
      story.revision,
      story.updatedAt,
      meta.author,
      meta.summary,
      meta.overrideReason ?? null,
      JSON.stringify(story),
    );
  }

  trashStory(id: string): StorySummary {
    return this.write(() => {
      this.getSummary(id);
      this.statements.setTrashed.run(this.now().toISOString(), id);
      return this.getSummary(id);
    });
  }

  restoreStory(id: string): StorySummary {
    return this.write(() => {
      this.getSummary(id);
      this.statements.setTrashed.run(null, id);
      return this.getSummary(id);
    });
  }

  /** Deletes a trashed story and its whole history. */
  purgeStory(id: string): void {
    this.write(() => {
      const head = this.statements.head.get(id) as { rowid: number; trashed_at: string | null } | undefined;
      if (!head) throw new NotFoundError('story', id);
      if (head.trashed_at === null) {
        throw new StorydeskError('invalid-input', `story "${id}" is not in the trash: move it to the trash before deleting it for good`, {
          storyId: id,
        });
      }
      this.statements.deleteSearch.run(head.rowid);
      this.statements.unmarkForSearch.run(head.rowid);
      this.statements.deleteStory.run(id);
    });
  }

  searchStories(typed: string, options: { limit?: number; in?: 'active' | 'trash' | 'all' } = {}): SearchHit[] {
    const query = buildMatchQuery(typed);
    if (!query) return [];
    try {
      this.flushSearchIndex();
    } catch (error) {
      // A library that cannot be written is still searched, as far as its index goes.
      if (!(error instanceof LibraryUnusableError)) throw error;
    }
    type SearchRow = [...RawSummaryRow, string, string, string, string, string, string, number];
    const rows = this.read(() => this.statements.search.all({ query, scope: options.in ?? 'active', limit: options.limit ?? 20 }) as SearchRow[]);
    return rows.map((row) => {
      const [title, dek, sections, timeline, sources, marked, rank] = row.slice(10) as [string, string, string, string, string, string, number];
      const snippet = snippetSegments(marked);
      const field = fieldOfSnippet(snippet, { title, dek, sections, timeline, sources });
      return { story: summaryFromRawRow(row.slice(0, 10) as RawSummaryRow), field, snippet, score: -rank };
    });
  }

  // -------------------------------------------------------------------------------------------
  // Revisions

  listRevisions(storyId: string): StoredRevision[] {
    this.getSummary(storyId);
    return this.read(() => (this.statements.listRevisions.all(storyId) as RevisionRow[]).map(revisionFromRow));
  }

  getRevision(storyId: string, revision: number): { revision: StoredRevision; story: Story } {
    const row = this.read(() => this.statements.getRevision.get(storyId, revision) as (RevisionRow & { content: string }) | undefined);
    if (!row) {
      this.getSummary(storyId);
      throw new NotFoundError(`revision of story "${storyId}"`, revision);
    }
    return { revision: revisionFromRow(row), story: JSON.parse(row.content) as Story };
  }

  // -------------------------------------------------------------------------------------------
  // Assets

  /** Stores image bytes once, keyed by their SHA-256; storing the same bytes again is a no-op. */
  putAsset(asset: AssetRef, data: Uint8Array): AssetRef {
    this.write(() => this.statements.insertAsset.run({ ...asset, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), createdAt: this.now().toISOString() }));
    return asset;
  }

  /** What the library knows of an image, without reading its bytes. */
  getAssetRef(sha256: string): AssetRef {
    const row = this.read(
      () => this.statements.getAssetRef.get(sha256) as { sha256: string; media_type: ImageMediaType; width: number; height: number; byte_length: number } | undefined,
    );
    if (!row) throw new NotFoundError('asset', sha256);
    return { sha256: row.sha256, mediaType: row.media_type, width: row.width, height: row.height, byteLength: row.byte_length };
  }

  getAsset(sha256: string): { asset: AssetRef; data: Uint8Array } {
    const row = this.read(
      () =>
        this.statements.getAsset.get(sha256) as
          | { sha256: string; media_type: ImageMediaType; width: number; height: number; byte_length: number; data: Buffer }
          | undefined,
    );
    if (!row) throw new NotFoundError('asset', sha256);
    return {
      asset: { sha256: row.sha256, mediaType: row.media_type, width: row.width, height: row.height, byteLength: row.byte_length },
      data: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Library settings

  /** A library-wide setting (such as the coverage rules) as stored JSON, or undefined when unset. */
  getSetting(key: string): unknown {
    const text = this.read(() => this.statements.getSetting.get(key) as string | undefined);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  }

  putSetting(key: string, value: unknown): void {
    this.write(() => this.statements.putSetting.run(key, JSON.stringify(value)));
  }

  // -------------------------------------------------------------------------------------------
  // Whole library

  /** A consistent copy of the library, taken online (saves may continue meanwhile). */
  async backupTo(destination: string): Promise<void> {
    try {
      await this.db.backup(destination);
    } catch (error) {
      throw translateError(error, this.path);
    }
  }

  /**
   * Reads every page of the library (`PRAGMA integrity_check`) and checks the search index
   * against the stories. Returns the problems found: none for a sound library.
   */
  checkIntegrity(): string[] {
    const problems: string[] = [];
    try {
      const rows = this.db.pragma('integrity_check(100)', { simple: false }) as { integrity_check: string }[];
      problems.push(...rows.map((row) => row.integrity_check).filter((message) => message !== 'ok'));
      problems.push(...(this.db.pragma('foreign_key_check') as { table: string; rowid: number }[]).map((row) => `${row.table} row ${row.rowid} points at a missing row`));
      // The index check below is a write statement, and the index may wait for stories saved
      // before the library became read-only: a read-only library has its pages checked (above,
      // the index's among them), and its index when it can be written again.
      if (this.readOnly && cannotWrite(this.path) !== undefined) return problems;
      this.flushSearchIndex();
      this.db.prepare("INSERT INTO story_search (story_search, rank) VALUES ('integrity-check', 0)").run();
    } catch (error) {
      problems.push(`SQLite reports: ${(error as Error).message}`);
    }
    return problems;
  }
}

/**
 * Removes what earlier attempts to create `file` left beside it: `<file>.creating-<pid>` (and its
 * journal) of this process, or of one that is no longer running (killed mid-way).
 */
function removeAbandonedCreations(file: string): void {
  const prefix = `${path.basename(file)}.creating-`;
  for (const name of fs.readdirSync(path.dirname(file))) {
    if (!name.startsWith(prefix)) continue;
    const writer = Number(/^(\d+)/.exec(name.slice(prefix.length))?.[1]);
    if (writer === process.pid || (Number.isInteger(writer) && !isProcessRunning(writer))) fs.rmSync(path.join(path.dirname(file), name), { force: true });
  }
}

function storyColumns(story: Story) {
  return {
    id: story.id,
    revision: story.revision,
    slug: story.slug,
    title: story.title,
    feed: story.feed,
    status: story.status,
    sourceCount: story.sources.length,
    createdAt: story.createdAt,
    updatedAt: story.updatedAt,
    publishedAt: story.publishedAt ?? null,
  };
}

/** SQLite's low-level failures, said in terms of the library. Storydesk errors pass through. */
export function translateError(error: unknown, file: string): Error {
  if (error instanceof StorydeskError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = (error as Error)?.message ?? String(error);
  if (isCorruptionError(error)) {
    return new LibraryUnusableError(`the library ${file} is damaged (SQLite reports: ${message}). Restore it from a backup (storydesk restore-backup)`, {
      path: file,
      reason: 'damaged',
    });
  }
  // SQLite says SQLITE_FULL both for a full disk and for a library at its page limit
  // (`max_page_count`); Node's file calls (creating a library) say ENOSPC.
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return new LibraryUnusableError(`the library ${file} could not be written: the disk is full. Nothing was saved; free some space and try again`, {
      path: file,
      reason: 'disk-full',
    });
  }
  if (
    (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) ||
    code === 'SQLITE_CANTOPEN' ||
    code === 'SQLITE_PERM' ||
    code === 'SQLITE_IOERR_WRITE' ||
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS'
  ) {
    return new LibraryUnusableError(
      `the library ${file} cannot be written (${message}). Nothing was saved. Check the permissions: the file, its folder and the ` +
        `${path.basename(file)}-wal and -shm files beside it must be writable for you`,
      { path: file, reason: 'read-only' },
    );
  }
  if (code === 'SQLITE_BUSY') {
    return new LibraryUnusableError(`the library ${file} is busy: another program holds it locked. Try again in a moment`, { path: file, reason: 'busy' });
  }
  return error instanceof Error ? error : new Error(message);
}

export { LATEST_VERSION };
