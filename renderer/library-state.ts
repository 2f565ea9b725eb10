/**
 * The library's state: the list (loaded a page at a time) or the search's hits, its filters, the
 * selection, the coverage badges of the rows on screen, and the actions that create, duplicate,
 * trash, restore and purge stories. Components read through selectors and change things only
 * through these actions.
 */
import { create } from 'zustand';
import type { SearchHit } from '../shared/api';
import type { StoryStatus, StorySummary } from '../shared/model';
import { cursorAfter } from '../shared/list-paging';
import { api } from './connection';
import { attempt, notify } from './notices';
import { closeStory, openStory } from './story-state';

export type LibraryView = 'active' | 'trash';
export type StorySort = 'updated-desc' | 'updated-asc' | 'created-desc' | 'title-asc';

// ---------------------------------------------------------------------------------------------
// The library: the list (or the search's hits), its filters and the selection.

interface LibraryState {
  view: LibraryView;
  status: StoryStatus | '';
  feed: string;
  sort: StorySort;
  query: string;
  /** The list as far as it is loaded: its first pages (`complete` says whether that is all). */
  stories: StorySummary[];
  /** False while more stories follow the last one loaded. */
  complete: boolean;
  /** Feeds of every story in the current view, for the feed filter. */
  feeds: string[];
  /** The search's hits while `query` is not blank; null otherwise. */
  hits: SearchHit[] | null;
  /** The query `hits` answer (the box may hold a newer one whose answer is on its way). */
  hitsQuery: string;
  /** False while more hits can be asked for (the first answer holds a screenful or two). */
  hitsComplete: boolean;
  loaded: boolean;
  selectedId: string | null;
}

export const useLibrary = create<LibraryState>(() => ({
  view: 'active',
  status: '',
  feed: '',
  sort: 'updated-desc',
  query: '',
  stories: [],
  complete: false,
  feeds: [],
  hits: null,
  hitsQuery: '',
  hitsComplete: true,
  loaded: false,
  selectedId: null,
}));

/** Stories per page: a few screenfuls, so the first one comes fast; more load as the list scrolls. */
export const LIST_PAGE_SIZE = 200;

/** Counts list requests: an answer to any but the latest is dropped. */
let listRequest = 0;
/** The filters the loaded stories were listed with. */
let listedFor = '';
let pageLoading: Promise<void> | null = null;

const filtersKey = ({ view, status, feed, sort }: LibraryState) => JSON.stringify([view, status, feed, sort]);

function listRequestFor({ view, status, feed, sort }: LibraryState) {
  return { in: view, sort, ...(status ? { status } : {}), ...(feed ? { feed } : {}) };
}

/**
 * Lists the stories again from the top (after a change, here or elsewhere): as many as are
 * loaded when the filters are the same, so the list does not shrink under the editor's eyes;
 * one page when they changed. The feed filter's choices come from their own cheap query.
 */
export async function refreshList(): Promise<void> {
  const state = useLibrary.getState();
  const key = filtersKey(state);
  const request = ++listRequest;
  const wanted = key === listedFor ? Math.max(LIST_PAGE_SIZE, state.stories.length) : LIST_PAGE_SIZE;
  // One more than wanted, to know without another request whether the list goes on.
  const limit = wanted + 1;
  const result = await attempt('list the stories', () =>
    Promise.all([api().listStories({ ...listRequestFor(state), limit }), api().listFeeds({ in: state.view })]),
  );
  if (!result || request !== listRequest) return;
  const [listed, feeds] = result;
  listedFor = key;
  const stories = keepUnchanged(useLibrary.getState().stories, listed);
  useLibrary.setState({ stories, feeds: sameStrings(useLibrary.getState().feeds, feeds) ? useLibrary.getState().feeds : feeds, complete: stories.length < limit, loaded: true });
}

const sameSummary = (a: StorySummary, b: StorySummary) =>
  a.revision === b.revision &&
  a.updatedAt === b.updatedAt &&
  a.title === b.title &&
  a.feed === b.feed &&
  a.status === b.status &&
  a.slug === b.slug &&
  a.sourceCount === b.sourceCount &&
  a.trashedAt === b.trashedAt;

const sameStrings = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((value, index) => value === b[index]);

/**
 * The new list, with the summaries that did not change kept as the same objects (and the old
 * list itself when nothing changed), so that a refresh after an autosave re-renders only the rows
 * that changed.
 */
function keepUnchanged(before: StorySummary[], after: StorySummary[]): StorySummary[] {
  const previous = new Map(before.map((story) => [story.id, story]));
  let changed = before.length !== after.length;
  const kept = after.map((story, index) => {
    const old = previous.get(story.id);
    if (old && sameSummary(old, story)) {
      if (before[index] !== old) changed = true;
      return old;
    }
    changed = true;
    return story;
  });
  return changed ? kept : before;
}

/** Loads the next page of the list (or, with `all`, the rest of it) after the last story loaded. */
export function loadMoreStories(options: { all?: boolean } = {}): Promise<void> {
  const loading = (pageLoading ?? Promise.resolve()).then(async () => {
    const state = useLibrary.getState();
    const last = state.stories.at(-1);
    if (state.complete || !last || filtersKey(state) !== listedFor) return;
    const request = listRequest;
    const page = await attempt('list more stories', () =>
      api().listStories({ ...listRequestFor(state), after: cursorAfter(last, state.sort), ...(options.all ? {} : { limit: LIST_PAGE_SIZE }) }),
    );
    // A refresh since then listed the stories anew; its answer wins.
    if (!page || request !== listRequest) return;
    useLibrary.setState((current) => {
      const known = new Set(current.stories.map((story) => story.id));
      return { stories: [...current.stories, ...page.filter((story) => !known.has(story.id))], complete: options.all === true || page.length < LIST_PAGE_SIZE };
    });
  });
  pageLoading = loading.finally(() => {
    if (pageLoading === loading) pageLoading = null;
  });
  return loading;
}

// ---------------------------------------------------------------------------------------------
// Search as you type: a search starts on each keystroke unless one is on its way, in which case
// the newest query goes as soon as that one answers; an answer to a query that the editor has
// typed past is not shown. So the server never queues stale searches, and nothing waits for a
// pause. The first answer holds the best few hits (ranking is the same, fewer snippets to make);
// scrolling towards their end asks again for more.

const FIRST_HITS = 30;
const MOST_HITS = 100;

let searching: Promise<void> | null = null;
let searchAgain = false;
/** How many hits the next search asks for. */
let hitsWanted = FIRST_HITS;

async function runSearches(): Promise<void> {
  do {
    searchAgain = false;
    const { query, view } = useLibrary.getState();
    if (query.trim() === '') {
      useLibrary.setState({ hits: null, hitsQuery: '' });
      continue;
    }
    const limit = hitsWanted;
    const hits = await attempt('search the library', () => api().searchStories({ query, in: view, limit }));
    if (hits && !searchAgain) useLibrary.setState({ hits, hitsQuery: query, hitsComplete: hits.length < limit || limit >= MOST_HITS });
  } while (searchAgain);
}

/** Searches for the query in the box (again, when stories changed); resolves once the newest answer is in. */
export function refreshSearch(): Promise<void> {
  if (searching) {
    searchAgain = true;
    return searching;
  }
  const running = runSearches().finally(() => {
    searching = null;
  });
  searching = running;
  return running;
}

export function setQuery(query: string): void {
  hitsWanted = FIRST_HITS;
  useLibrary.setState(query.trim() === '' ? { query, hits: null, hitsQuery: '' } : { query });
  void refreshSearch();
}

/** Asks for the rest of the hits (up to a hundred) of the query on screen. */
export function loadMoreHits(): Promise<void> {
  const { hits, hitsComplete, hitsQuery, query } = useLibrary.getState();
  if (!hits || hitsComplete || hitsWanted >= MOST_HITS || hitsQuery !== query) return searching ?? Promise.resolve();
  hitsWanted = MOST_HITS;
  return refreshSearch();
}

export function setFilters(filters: Partial<Pick<LibraryState, 'status' | 'feed' | 'sort'>>): void {
  useLibrary.setState(filters);
  void refreshList();
}

export function showView(view: LibraryView): void {
  useLibrary.setState({ view, selectedId: null, status: '', feed: '' });
  void closeStory();
  void refreshList();
  void refreshSearch();
}

export function selectStory(id: string | null): void {
  useLibrary.setState({ selectedId: id });
  if (id === null) void closeStory();
  else holdBadgesWhile(openStory(id));
}

export async function createStory(title: string, feed: string): Promise<boolean> {
  const story = await attempt('create the story', () => api().createStory({ title, feed }));
  if (!story) return false;
  if (useLibrary.getState().view !== 'active') showView('active');
  await refreshList();
  selectStory(story.id);
  return true;
}

export async function duplicateStory(id: string): Promise<void> {
  const copy = await attempt('duplicate the story', () => api().duplicateStory({ id }));
  if (!copy) return;
  await refreshList();
  selectStory(copy.id);
}

export async function trashStory(id: string): Promise<void> {
  if (!(await attempt('move the story to the trash', () => api().trashStory({ id })))) return;
  if (useLibrary.getState().selectedId === id) selectStory(null);
  await Promise.all([refreshList(), refreshSearch()]);
}

export async function restoreStory(id: string): Promise<void> {
  if (!(await attempt('restore the story', () => api().restoreStory({ id })))) return;
  if (useLibrary.getState().selectedId === id) selectStory(null);
  await Promise.all([refreshList(), refreshSearch()]);
}

export async function purgeStory(id: string): Promise<void> {
  if (!(await attempt('delete the story for good', () => api().purgeStory({ id })))) return;
  if (useLibrary.getState().selectedId === id) selectStory(null);
  await Promise.all([refreshList(), refreshSearch()]);
}

/**
 * Deletes every story in the trash for good, with its history, one by one; says how many went
 * and stops at the first that cannot be deleted (the rest stay in the trash).
 */
export async function emptyTrash(): Promise<void> {
  const trashed = await attempt('list the trash', () => api().listStories({ in: 'trash' }));
  if (!trashed) return;
  let deleted = 0;
  for (const story of trashed) {
    if (!(await attempt(`delete “${story.title || 'Untitled story'}” for good`, () => api().purgeStory({ id: story.id })))) break;
    deleted++;
    if (useLibrary.getState().selectedId === story.id) selectStory(null);
  }
  if (deleted > 0) notify(`Deleted ${deleted === 1 ? 'one story' : `${deleted} stories`} from the trash for good.`, 'news');
  await Promise.all([refreshList(), refreshSearch()]);
}

// ---------------------------------------------------------------------------------------------
// Coverage badges, fetched for the rows on screen and kept per revision. Two requests at a time
// at most, and none while a story opens, so that what the editor asks for never queues behind a
// screenful of reviews; rows that leave the screen before their turn are not reviewed.

interface CoverageBadge {
  blockers: number;
  warnings: number;
  /** Sentences in the sections and the timeline: a story without any has nothing to cover yet. */
  sentences: number;
}

export const useCoverageBadges = create<Record<string, CoverageBadge>>(() => ({}));

const BADGE_REQUESTS_AT_ONCE = 2;
const badgesRequested = new Set<string>();
let badgeQueue: Pick<StorySummary, 'id' | 'revision'>[] = [];
let badgesInFlight = 0;
/** The story being opened: badges wait for it. */
let badgesHeldBy: Promise<unknown> | null = null;

function holdBadgesWhile(opening: Promise<unknown>): void {
  const held = opening.catch(() => undefined);
  badgesHeldBy = held;
  void held.then(() => {
    if (badgesHeldBy !== held) return;
    badgesHeldBy = null;
    fetchQueuedBadges();
  });
}

export const badgeKey = (story: Pick<StorySummary, 'id' | 'revision'>) => `${story.id}@${story.revision}`;

/** The rows on screen now: their badges are fetched (once per revision), instead of any still waiting. */
export function requestCoverageBadges(stories: readonly Pick<StorySummary, 'id' | 'revision'>[]): void {
  badgeQueue = stories.filter((story) => !badgesRequested.has(badgeKey(story)));
  fetchQueuedBadges();
}

/** A failure only leaves the badge out (and lets a later request try again). */
function fetchQueuedBadges(): void {
  while (badgesHeldBy === null && badgesInFlight < BADGE_REQUESTS_AT_ONCE) {
    const story = badgeQueue.shift();
    if (!story) return;
    const key = badgeKey(story);
    if (badgesRequested.has(key)) continue;
    badgesRequested.add(key);
    badgesInFlight++;
    api()
      .reviewStory({ id: story.id })
      .then(
        (report) =>
          useCoverageBadges.setState({ [key]: { blockers: report.counts.blocker, warnings: report.counts.warning, sentences: report.figures.sentences.total } }),
        () => badgesRequested.delete(key),
      )
      .finally(() => {
        badgesInFlight--;
        fetchQueuedBadges();
      });
  }
}
