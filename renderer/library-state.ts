/**
 * The library's state: the list (or the search's hits), its filters, the selection, the coverage
 * badges of the rows on screen, and the actions that create, duplicate, trash, restore and purge
 * stories. Components read through selectors and change things only through these actions.
 */
import { create } from 'zustand';
import type { SearchHit } from '../shared/api';
import type { StoryStatus, StorySummary } from '../shared/model';
import { api } from './connection';
import { attempt } from './notices';
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
  stories: StorySummary[];
  /** Feeds of every story in the current view, for the feed filter. */
  feeds: string[];
  /** The search's hits while `query` is not blank; null otherwise. */
  hits: SearchHit[] | null;
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
  feeds: [],
  hits: null,
  loaded: false,
  selectedId: null,
}));

let listRequest = 0;
let searchRequest = 0;

export async function refreshList(): Promise<void> {
  const { view, status, feed, sort } = useLibrary.getState();
  const request = ++listRequest;
  const result = await attempt('list the stories', async () => {
    const filtered = status !== '' || feed !== '';
    const [stories, all] = await Promise.all([
      api().listStories({ in: view, sort, ...(status ? { status } : {}), ...(feed ? { feed } : {}) }),
      filtered ? api().listStories({ in: view }) : undefined,
    ]);
    const feeds = [...new Set((all ?? stories).map((story) => story.feed).filter((name) => name !== ''))].sort((a, b) => a.localeCompare(b));
    return { stories, feeds };
  });
  if (!result || request !== listRequest) return;
  useLibrary.setState({ ...result, loaded: true });
}

export async function refreshSearch(): Promise<void> {
  const { query, view } = useLibrary.getState();
  const request = ++searchRequest;
  if (query.trim() === '') {
    useLibrary.setState({ hits: null });
    return;
  }
  const hits = await attempt('search the library', () => api().searchStories({ query, in: view, limit: 100 }));
  if (!hits || request !== searchRequest) return;
  useLibrary.setState({ hits });
}

export function setQuery(query: string): void {
  useLibrary.setState({ query });
}

export function setFilters(filters: Partial<Pick<LibraryState, 'status' | 'feed' | 'sort'>>): void {
  useLibrary.setState(filters);
  void refreshList();
}

export function showView(view: LibraryView): void {
  useLibrary.setState({ view, selectedId: null, status: '', feed: '' });
  closeStory();
  void refreshList();
  void refreshSearch();
}

export function selectStory(id: string | null): void {
  useLibrary.setState({ selectedId: id });
  if (id === null) closeStory();
  else void openStory(id);
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

// ---------------------------------------------------------------------------------------------
// Coverage badges, fetched lazily for the rows on screen and kept per revision.

interface CoverageBadge {
  blockers: number;
  warnings: number;
}

export const useCoverageBadges = create<Record<string, CoverageBadge>>(() => ({}));
const badgesRequested = new Set<string>();

export const badgeKey = (story: Pick<StorySummary, 'id' | 'revision'>) => `${story.id}@${story.revision}`;

/** Asks for a story's review once per revision; a failure only leaves the badge out. */
export function requestCoverageBadge(story: Pick<StorySummary, 'id' | 'revision'>): void {
  const key = badgeKey(story);
  if (badgesRequested.has(key)) return;
  badgesRequested.add(key);
  api()
    .reviewStory({ id: story.id })
    .then(
      (report) => useCoverageBadges.setState({ [key]: { blockers: report.counts.blocker, warnings: report.counts.warning } }),
      () => badgesRequested.delete(key),
    );
}
