/**
 * The library store and the service over it, on real SQLite files: a new library holds the
 * sample, saves make revisions, stale saves are conflicts, trash and purge, assets, search.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidInputError, NotFoundError, StorydeskError } from '../shared/errors';
import type { Story } from '../shared/model';
import { openLibrary, openLibraryService } from '../electron/library';
import { SAMPLE_HERO_FILE } from '../electron/sample';
import { MATCH_END, MATCH_START } from '../electron/store/search';
import { IDLE_DELAY_MS, LibraryStore } from '../electron/store/store';
import { freshLibraryPath, sampleStory, tickingClock } from './helpers/library';

const SAMPLE_ID = 'sample-korea-poland-security-dialogue';

function open(file = freshLibraryPath()) {
  return openLibraryService(file, { author: 'tester', now: tickingClock(), newId: idSequence() });
}

function idSequence(): () => string {
  let next = 0;
  return () => `story-${++next}`;
}

/** An edit an editor might make: a sentence of the first section changed. */
function withFirstSentence(story: Story, text: string): Story {
  const edited = structuredClone(story);
  const first = edited.sections[0]?.body[0]?.content[0];
  if (first?.type !== 'text') throw new Error('the sample should start with text');
  first.text = text;
  return edited;
}

describe('a new library', () => {
  it('is created with the sample story, whole and as revision 1', async () => {
    const { store, service } = open();
    const stories = await service.listStories({});
    expect(stories.map((story) => story.id)).toEqual([SAMPLE_ID]);
    expect(stories[0]).toMatchObject({ sourceCount: 6, status: 'draft', revision: 1, feed: 'Top Headlines' });
    const story = await service.getStory({ id: SAMPLE_ID });
    expect({ ...story, revision: 0 }).toEqual(sampleStory());
    const revisions = await service.listRevisions({ storyId: SAMPLE_ID });
    expect(revisions).toHaveLength(1);
    expect(revisions[0]).toMatchObject({ revision: 1, author: 'Storydesk' });
    store.close();
  });

  it('holds the sample hero image, stored once under its SHA-256', async () => {
    const { store, service } = open();
    const story = await service.getStory({ id: SAMPLE_ID });
    const hero = story.hero;
    if (!hero) throw new Error('the sample has a hero image');
    const { asset, data } = await service.getAsset({ sha256: hero.asset.sha256 });
    expect(asset).toEqual(hero.asset);
    expect(Buffer.from(data, 'base64').equals(fs.readFileSync(SAMPLE_HERO_FILE))).toBe(true);
    store.close();
  });

  it('is built beside its final path and appears only when complete', () => {
    const file = freshLibraryPath();
    const { store } = open(file);
    const folder = fs.readdirSync(store.path.replace(/[^/]+$/, ''));
    expect(folder.filter((name) => name.includes('.creating'))).toEqual([]);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    store.close();
  });

  it('clears what a creation killed mid-way left beside it, and nothing of a creation still running', () => {
    const file = freshLibraryPath();
    const folder = path.dirname(file);
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    const abandoned = [`library.storydesk.creating-${deadPid}`, `library.storydesk.creating-${deadPid}-journal`];
    const running = `library.storydesk.creating-${process.ppid}`;
    for (const name of [...abandoned, running]) fs.writeFileSync(path.join(folder, name), 'half a library');
    open(file).store.close();
    expect(fs.readdirSync(folder).filter((name) => name.includes('.creating'))).toEqual([running]);
  });

  it('can be created without the sample', () => {
    const store = openLibrary(freshLibraryPath(), { withSample: false });
    expect(store.listStories()).toEqual([]);
    store.close();
  });
});

describe('saving', () => {
  it('makes every save a revision with who, when and a summary', async () => {
    const { store, service } = open();
    const story = await service.getStory({ id: SAMPLE_ID });
    const saved = await service.saveStory({ story: withFirstSentence(story, 'A new first sentence'), baseRevision: 1, summary: 'Tightened the lede', author: 'Ana' });
    expect(saved.revision).toBe(2);
    expect(saved.updatedAt).not.toBe(story.updatedAt);
    const revisions = await service.listRevisions({ storyId: SAMPLE_ID });
    expect(revisions.map((revision) => [revision.revision, revision.author, revision.summary])).toEqual([
      [2, 'Ana', 'Tightened the lede'],
      [1, 'Storydesk', 'Sample story: the seed page'],
    ]);
    expect(revisions[0]?.byteLength).toBeGreaterThan(1000);
    const { story: first } = await service.getRevision({ storyId: SAMPLE_ID, revision: 1 });
    expect(first.sections[0]?.body[0]?.content[0]).toEqual(story.sections[0]?.body[0]?.content[0]);
    expect((await service.getStory({ id: SAMPLE_ID })).sections[0]?.body[0]?.content[0]).toEqual({ type: 'text', text: 'A new first sentence' });
    store.close();
  });

  it('refuses a save based on a stale revision as a conflict naming both revisions, and keeps the newer text', async () => {
    const { store, service } = open();
    const story = await service.getStory({ id: SAMPLE_ID });
    await service.saveStory({ story: withFirstSentence(story, 'Edited in window A'), baseRevision: 1 });
    const stale = service.saveStory({ story: withFirstSentence(story, 'Edited in window B'), baseRevision: 1 });
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toMatchObject({ code: 'conflict', baseRevision: 1, currentRevision: 2 });
    await expect(stale).rejects.toThrow(/based on revision 1, but the library holds revision 2/);
    const kept = await service.getStory({ id: SAMPLE_ID });
    expect(kept.sections[0]?.body[0]?.content[0]).toEqual({ type: 'text', text: 'Edited in window A' });
    expect(kept.revision).toBe(2);
    store.close();
  });

  it('does not make a revision when nothing changed', async () => {
    const { store, service } = open();
    const story = await service.getStory({ id: SAMPLE_ID });
    const again = await service.saveStory({ story, baseRevision: 1 });
    expect(again.revision).toBe(1);
    expect(await service.listRevisions({ storyId: SAMPLE_ID })).toHaveLength(1);
    store.close();
  });

  it('refuses a status change through a plain save (the publish gate is elsewhere)', async () => {
    const { store, service } = open();
    const story = await service.getStory({ id: SAMPLE_ID });
    const attempt = service.saveStory({ story: { ...story, status: 'published' }, baseRevision: 1 });
    await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
    await expect(attempt).rejects.toMatchObject({ problems: [{ path: 'story.status' }] });
    store.close();
  });

  it('validates every request and names the bad field', async () => {
    const { store, service } = open();
    const story = await service.getStory({ id: SAMPLE_ID });
    const broken = structuredClone(story) as unknown as { sections: { body: { content: unknown[] }[] }[] };
    broken.sections[2]!.body[0]!.content[1] = { type: 'citation', sources: [] };
    const attempt = service.saveStory({ story: broken as unknown as Story, baseRevision: 1 });
    await expect(attempt).rejects.toMatchObject({ code: 'invalid-input', problems: [{ path: 'story.sections[2].body[0].content[1].sources' }] });
    await expect(service.getStory({ id: '../etc/passwd' })).rejects.toMatchObject({ code: 'invalid-input', problems: [{ path: 'id' }] });
    await expect(service.listStories({ sort: 'sideways' } as never)).rejects.toMatchObject({ problems: [{ path: 'sort' }] });
    store.close();
  });

  it('says which story does not exist', async () => {
    const { store, service } = open();
    await expect(service.getStory({ id: 'nope' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.getStory({ id: 'nope' })).rejects.toThrow('story "nope" does not exist');
    store.close();
  });

  it('changes status through setStoryStatus, as a revision', async () => {
    const { store, service } = open();
    const reviewed = await service.setStoryStatus({ id: SAMPLE_ID, status: 'review', baseRevision: 1 });
    expect(reviewed).toMatchObject({ status: 'review', revision: 2 });
    const published = await service.setStoryStatus({ id: SAMPLE_ID, status: 'published', baseRevision: 2, overrideReason: 'Editor-in-chief approved' });
    expect(published.status).toBe('published');
    expect(published.publishedAt).toBeDefined();
    const [latest] = await service.listRevisions({ storyId: SAMPLE_ID });
    expect(latest).toMatchObject({ summary: 'Status: review → published', overrideReason: 'Editor-in-chief approved' });
    store.close();
  });

  it('restores an earlier revision as a new revision, keeping the history', async () => {
    const { store, service } = open();
    const story = await service.getStory({ id: SAMPLE_ID });
    await service.saveStory({ story: withFirstSentence(story, 'A mistake'), baseRevision: 1 });
    const restored = await service.restoreRevision({ storyId: SAMPLE_ID, revision: 1, baseRevision: 2 });
    expect(restored.revision).toBe(3);
    expect(restored.sections).toEqual(story.sections);
    expect((await service.listRevisions({ storyId: SAMPLE_ID })).map((revision) => revision.summary)[0]).toBe('Restored revision 1');
    await expect(service.restoreRevision({ storyId: SAMPLE_ID, revision: 1, baseRevision: 2 })).rejects.toBeInstanceOf(ConflictError);
    store.close();
  });
});

describe('stories', () => {
  it('creates, duplicates, trashes, restores and purges', async () => {
    const { store, service } = open();
    const created = await service.createStory({ title: 'Flood defences fail in Valencia’s old town', feed: 'Europe' });
    expect(created).toMatchObject({ id: 'story-1', slug: 'flood-defences-fail-in-valencia-s-old-town', revision: 1, status: 'draft' });
    const copy = await service.duplicateStory({ id: SAMPLE_ID });
    expect(copy).toMatchObject({ id: 'story-2', title: `${sampleStory().title} (copy)`, status: 'draft', revision: 1 });
    expect(copy.sections).toEqual(sampleStory().sections);

    await service.trashStory({ id: created.id });
    expect((await service.listStories({})).map((story) => story.id).sort()).toEqual([SAMPLE_ID, 'story-2']);
    const trash = await service.listStories({ in: 'trash' });
    expect(trash.map((story) => story.id)).toEqual(['story-1']);
    expect(trash[0]?.trashedAt).toBeDefined();

    await expect(service.purgeStory({ id: SAMPLE_ID })).rejects.toThrow(/not in the trash/);
    await service.restoreStory({ id: created.id });
    expect(await service.listStories({ in: 'trash' })).toEqual([]);

    await service.trashStory({ id: created.id });
    await service.purgeStory({ id: created.id });
    await expect(service.getStory({ id: created.id })).rejects.toBeInstanceOf(NotFoundError);
    expect(store.db.prepare('SELECT count(*) AS n FROM revisions WHERE story_id = ?').get(created.id)).toEqual({ n: 0 });
    expect(await service.searchStories({ query: 'Valencia', in: 'all' })).toEqual([]);
    store.close();
  });

  it('keeps an editor’s own version as a copy after a conflict, leaving the stored story alone', async () => {
    const { store, service } = open();
    const stored = await service.getStory({ id: SAMPLE_ID });
    await service.saveStory({ story: { ...stored, title: 'Their title' }, baseRevision: 1 });
    const mine = { ...stored, title: 'My title', dek: 'My dek' };
    await expect(service.saveStory({ story: mine, baseRevision: 1 })).rejects.toBeInstanceOf(ConflictError);

    const copy = await service.duplicateStory({ id: SAMPLE_ID, content: mine });
    expect(copy).toMatchObject({ title: 'My title (copy)', dek: 'My dek', status: 'draft', revision: 1 });
    expect(copy.id).not.toBe(SAMPLE_ID);
    expect((await service.getStory({ id: SAMPLE_ID })).title).toBe('Their title');
    await expect(service.duplicateStory({ id: SAMPLE_ID, content: { ...mine, id: 'another-story' } })).rejects.toThrow(/content\.id: the content is story "another-story"/);
    store.close();
  });

  it('filters and sorts the list', async () => {
    const { store, service } = open();
    await service.createStory({ title: 'Alpha', feed: 'Europe' });
    await service.createStory({ title: 'beta', feed: 'Asia' });
    const europe = await service.listStories({ feed: 'Europe' });
    expect(europe.map((story) => story.title)).toEqual(['Alpha']);
    const byTitle = await service.listStories({ sort: 'title-asc' });
    expect(byTitle.map((story) => story.title)).toEqual(['Alpha', 'beta', sampleStory().title]);
    const newest = await service.listStories({});
    expect(newest[0]?.title).toBe('beta');
    expect(await service.listStories({ status: 'published' })).toEqual([]);
    store.close();
  });
});

describe('assets', () => {
  it('stores the same bytes once and refuses what is not the image it claims to be', async () => {
    const { store, service } = open();
    const png = fs.readFileSync(SAMPLE_HERO_FILE).toString('base64');
    const first = await service.putAsset({ mediaType: 'image/png', data: png });
    const second = await service.putAsset({ mediaType: 'image/png', data: png });
    expect(second).toEqual(first);
    expect(first).toMatchObject({ mediaType: 'image/png', width: 480, height: 270 });
    expect(store.db.prepare('SELECT count(*) AS n FROM assets').get()).toEqual({ n: 1 });
    await expect(service.putAsset({ mediaType: 'image/jpeg', data: png })).rejects.toMatchObject({
      problems: [{ path: 'mediaType', message: 'declared image/jpeg, but the bytes are image/png' }],
    });
    await expect(service.putAsset({ mediaType: 'image/png', data: Buffer.from('<svg onload=alert(1)>').toString('base64') })).rejects.toMatchObject({
      problems: [{ path: 'data', message: 'not a PNG, JPEG, GIF or WebP image' }],
    });
    await expect(service.getAsset({ sha256: '0'.repeat(64) })).rejects.toBeInstanceOf(NotFoundError);
    store.close();
  });
});

describe('search', () => {
  it('finds the sample through the seed’s Unicode, whichever dash or space is typed', async () => {
    const { store, service } = open();
    for (const query of ['Yeon‑doo', 'Yeon-doo', 'yeon doo', 'Europe–Northeast', 'Europe-Northeast Asia', 'countries’ security', "countries' security", 'Barth Eide', '32 years', 'kupie']) {
      const hits = await service.searchStories({ query });
      expect(hits.map((hit) => hit.story.id), `search for ${JSON.stringify(query)}`).toEqual([SAMPLE_ID]);
    }
    expect(await service.searchStories({ query: 'Valencia' })).toEqual([]);
    expect(await service.searchStories({ query: '   ' })).toEqual([]);
    store.close();
  });

  it('treats FTS5 syntax as plain words', async () => {
    const { store, service } = open();
    for (const query of ['"', 'NEAR(', 'title:', 'a OR', '*', 'Korea AND (', '-Poland', '^Warsaw']) {
      await expect(service.searchStories({ query })).resolves.toBeInstanceOf(Array);
    }
    expect((await service.searchStories({ query: '^Warsaw' })).length).toBe(1);
    store.close();
  });

  it('ranks title matches first and returns highlighted snippets as segments', async () => {
    const { store, service } = open();
    const created = await service.createStory({ title: 'Warsaw water rates rise', feed: 'Poland' });
    const hits = await service.searchStories({ query: 'Warsaw' });
    expect(hits.map((hit) => hit.story.id)).toEqual([created.id, SAMPLE_ID]);
    expect(hits[0]?.field).toBe('title');
    const sample = hits[1];
    expect(sample?.snippet.some((segment) => segment.match && segment.text === 'Warsaw')).toBe(true);
    expect(sample?.snippet.map((segment) => segment.text).join('')).not.toMatch(new RegExp(`[${MATCH_START}${MATCH_END}]`));
    store.close();
  });

  it('follows saves, trash and restore', async () => {
    const { store, service } = open();
    const story = await service.getStory({ id: SAMPLE_ID });
    await service.saveStory({ story: withFirstSentence(story, 'Zebrafish were sighted in the Vistula'), baseRevision: 1 });
    expect((await service.searchStories({ query: 'zebrafish' })).length).toBe(1);
    expect((await service.searchStories({ query: 'convened' })).length).toBe(0);
    await service.trashStory({ id: SAMPLE_ID });
    expect(await service.searchStories({ query: 'zebrafish' })).toEqual([]);
    expect((await service.searchStories({ query: 'zebrafish', in: 'trash' })).length).toBe(1);
    await service.restoreStory({ id: SAMPLE_ID });
    expect((await service.searchStories({ query: 'zebrafish' })).length).toBe(1);
    store.close();
  });
});

describe('the search index kept off the save path', () => {
  const pending = (store: LibraryStore) => (store.db.prepare('SELECT count(*) AS n FROM search_pending').get() as { n: number }).n;

  it('catches up before a search, so results are never stale', async () => {
    const { store, service } = open();
    const story = await service.getStory({ id: SAMPLE_ID });
    await service.saveStory({ story: withFirstSentence(story, 'Reindeer herders met in Tromsø'), baseRevision: 1 });
    expect(pending(store)).toBe(1);
    expect((await service.searchStories({ query: 'reindeer' })).map((hit) => hit.story.id)).toEqual([SAMPLE_ID]);
    expect(pending(store)).toBe(0);
    store.close();
  });

  it('catches up by itself once saves pause', async () => {
    const { store, service } = open();
    const story = await service.getStory({ id: SAMPLE_ID });
    await service.saveStory({ story: withFirstSentence(story, 'Reindeer herders met in Tromsø'), baseRevision: 1 });
    expect(pending(store)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, IDLE_DELAY_MS + 200));
    expect(pending(store)).toBe(0);
    expect(store.db.prepare("SELECT count(*) AS n FROM story_search WHERE story_search MATCH 'reindeer'").get()).toEqual({ n: 1 });
    store.close();
  });

  it('survives a crash: what was not indexed yet is indexed by the next process that opens the library', async () => {
    const file = freshLibraryPath();
    const first = open(file);
    const story = await first.service.getStory({ id: SAMPLE_ID });
    await first.service.saveStory({ story: withFirstSentence(story, 'Reindeer herders met in Tromsø'), baseRevision: 1 });
    // The first process "dies": it never closes and never idles. Another opens the same file.
    const second = open(file);
    expect((await second.service.searchStories({ query: 'Tromsø' })).map((hit) => hit.story.id)).toEqual([SAMPLE_ID]);
    second.store.close();
    first.store.db.close();
  });
});

describe('errors', () => {
  it('are typed and carry plain data for transports', async () => {
    const { store, service } = open();
    try {
      await service.getStory({ id: 'missing' });
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(StorydeskError);
      expect((error as StorydeskError).toPayload()).toEqual({ code: 'not-found', message: 'story "missing" does not exist', details: { what: 'story', id: 'missing' } });
    }
    store.close();
  });
});
