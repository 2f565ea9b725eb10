/**
 * Paging the story list (`listStories` with `limit` and `after`) and the feed filter's choices
 * (`listFeeds`), through the service over a real library: pages put together are the whole list,
 * in every sort, also when stories share a timestamp or change between two pages.
 */
import { describe, expect, it } from 'vitest';
import { openLibraryService } from '../electron/library';
import { STORY_SORTS, type ApiHandlers } from '../shared/api';
import { cursorAfter } from '../shared/list-paging';
import type { StorySummary } from '../shared/model';
import { freshLibraryPath } from './helpers/library';

/** A clock that moves one second every third call, so that several stories share a timestamp. */
function steppingClock(): () => Date {
  let calls = 0;
  return () => new Date(Date.UTC(2026, 10, 28, 10, 0, Math.floor(calls++ / 3)));
}

function idSequence(): () => string {
  let next = 0;
  return () => `story-${String(++next).padStart(2, '0')}`;
}

async function libraryOf(count: number) {
  const opened = openLibraryService(freshLibraryPath(), { author: 'tester', now: steppingClock(), newId: idSequence() });
  const feeds = ['Europe', 'asia', 'Économie', ''];
  for (let index = 0; index < count; index++) {
    // Titles repeat in different cases, so the title sort has ties broken by id too.
    await opened.service.createStory({ title: index % 4 === 0 ? 'Budget' : `${index % 2 ? 'b' : 'B'}udget ${index % 5}`, feed: feeds[index % feeds.length] });
  }
  return opened;
}

/** Every page of the list, `pageSize` at a time, as the library view loads them. */
async function allPages(service: ApiHandlers, request: Parameters<ApiHandlers['listStories']>[0], pageSize: number): Promise<StorySummary[]> {
  const listed: StorySummary[] = [];
  for (;;) {
    const last = listed.at(-1);
    const page = await service.listStories({ ...request, limit: pageSize, ...(last ? { after: cursorAfter(last, request.sort) } : {}) });
    listed.push(...page);
    if (page.length < pageSize) return listed;
  }
}

describe('paging the story list', () => {
  it('gives, page by page, exactly the whole list in every sort and filter', async () => {
    const { store, service } = await libraryOf(30);
    await service.trashStory({ id: 'story-05' });
    for (const sort of STORY_SORTS) {
      for (const filter of [{}, { feed: 'Europe' }, { in: 'trash' as const }, { status: 'draft' as const }]) {
        const whole = await service.listStories({ ...filter, sort });
        expect(whole.length).toBeGreaterThan(0);
        for (const pageSize of [1, 7, 100]) {
          expect((await allPages(service, { ...filter, sort }, pageSize)).map((story) => story.id), `${sort} ${JSON.stringify(filter)} by ${pageSize}`).toEqual(
            whole.map((story) => story.id),
          );
        }
      }
    }
    store.close();
  });

  it('starts the next page in the right place when the last story of a page changed in between', async () => {
    const { store, service } = await libraryOf(12);
    const firstPage = await service.listStories({ limit: 5 });
    const last = firstPage.at(-1);
    if (!last) throw new Error('the first page is empty');
    const before = await service.listStories({});
    // The last story of the page is saved again: it moves to the top of the list.
    const story = await service.getStory({ id: last.id });
    await service.saveStory({ story: { ...story, title: `${story.title} (updated)` }, baseRevision: story.revision });
    const nextPage = await service.listStories({ limit: 100, after: cursorAfter(last) });
    expect(nextPage.map((summary) => summary.id)).toEqual(before.slice(5).map((summary) => summary.id));
    store.close();
  });

  it('refuses a page size below one and a cursor without an id', async () => {
    const { store, service } = await libraryOf(1);
    await expect(service.listStories({ limit: 0 })).rejects.toMatchObject({ problems: [{ path: 'limit' }] });
    await expect(service.listStories({ after: { key: '2026', id: '' } })).rejects.toMatchObject({ problems: [{ path: 'after.id' }] });
    store.close();
  });
});

describe('the feed filter’s choices', () => {
  it('lists each feed once, sorted as text, without the empty feed, for the library and for the trash', async () => {
    const { store, service } = await libraryOf(8);
    expect(await service.listFeeds({})).toEqual(['asia', 'Économie', 'Europe', 'Top Headlines']);
    expect(await service.listFeeds({ in: 'trash' })).toEqual([]);
    // Both stories of the feed "asia" go to the trash, and one of the two of "Économie".
    for (const id of ['story-02', 'story-06', 'story-03']) await service.trashStory({ id });
    expect(await service.listFeeds({ in: 'trash' })).toEqual(['asia', 'Économie']);
    expect(await service.listFeeds({ in: 'active' })).toEqual(['Économie', 'Europe', 'Top Headlines']);
    store.close();
  });
});
