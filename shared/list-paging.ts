/**
 * Keyset paging of the story list: where the next page of `listStories` starts. A page starts
 * after the previous page's last story, named by the value the sort orders by and its id, so a
 * page lands in the right place even when that story has changed or gone since.
 */
import type { ListStoriesRequest } from './api';
import type { StorySummary } from './model';

export type StorySortOrder = NonNullable<ListStoriesRequest['sort']>;
export type PageCursor = NonNullable<ListStoriesRequest['after']>;

/** The `after` of the page that follows `last` in the list sorted by `sort`. */
export function cursorAfter(last: StorySummary, sort: StorySortOrder = 'updated-desc'): PageCursor {
  switch (sort) {
    case 'updated-desc':
    case 'updated-asc':
      return { key: last.updatedAt, id: last.id };
    case 'created-desc':
      return { key: last.createdAt, id: last.id };
    case 'title-asc':
      return { key: last.title, id: last.id };
  }
}
