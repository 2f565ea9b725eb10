/**
 * All of the workbench's state, in zustand stores behind this one module: the library list and
 * its search, the story on screen, coverage badges, and the notices that report errors. Components
 * read through selectors and change things only through the named actions below; every call to
 * the back end goes through here, so one place decides what is refetched after a change.
 */
import { create } from 'zustand';
import type { SearchHit } from '../shared/api';
import type { CoverageReport } from '../shared/coverage-schema';
import { StorydeskError } from '../shared/errors';
import { HttpTransportError } from '../shared/http-client';
import type { Story, StoryStatus, StorySummary } from '../shared/model';
import type { Backend } from './api';

export type LibraryView = 'active' | 'trash';
export type StorySort = 'updated-desc' | 'updated-asc' | 'created-desc' | 'title-asc';

// ---------------------------------------------------------------------------------------------
// Notices: errors said plainly, each dismissible.

export interface Notice {
  id: number;
  message: string;
}

interface NoticesState {
  notices: Notice[];
}

export const useNotices = create<NoticesState>(() => ({ notices: [] }));
let nextNoticeId = 1;

/** What went wrong, in words for an editor, with what to do when there is something to do. */
export function describeError(error: unknown, doing: string): string {
  if (error instanceof HttpTransportError) {
    if (error.status === 401 || error.status === 403) {
      return `Could not ${doing}: the server did not accept this page (${error.message}). Open the address the server printed again; its token lasts one run.`;
    }
    return `Could not ${doing}: ${error.message}`;
  }
  if (error instanceof StorydeskError || error instanceof Error) return `Could not ${doing}: ${error.message}`;
  return `Could not ${doing}: ${String(error)}`;
}

export function notify(message: string): void {
  useNotices.setState((state) => ({ notices: [...state.notices, { id: nextNoticeId++, message }] }));
}

export function dismissNotice(id: number): void {
  useNotices.setState((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) }));
}

// ---------------------------------------------------------------------------------------------
// The back end, set once at start-up.

let backend: Backend | undefined;

function api(): Backend['api'] {
  if (!backend) throw new Error('the workbench started without a back end');
  return backend.api;
}

/** Runs `work`; a failure becomes a notice and `undefined`. */
async function attempt<Result>(doing: string, work: () => Promise<Result>): Promise<Result | undefined> {
  try {
    return await work();
  } catch (error) {
    notify(describeError(error, doing));
    return undefined;
  }
}

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
  useStoryPane.setState(EMPTY_PANE);
  void refreshList();
  void refreshSearch();
}

export function selectStory(id: string | null): void {
  useLibrary.setState({ selectedId: id });
  void loadStoryPane();
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
// The story on screen: read-only for now (header, coverage review, the finished page).

interface StoryPaneState {
  story: Story | null;
  report: CoverageReport | null;
  /** The exported HTML page, shown in a sandboxed frame. */
  previewHtml: string | null;
  loading: boolean;
}

const EMPTY_PANE: StoryPaneState = { story: null, report: null, previewHtml: null, loading: false };

export const useStoryPane = create<StoryPaneState>(() => EMPTY_PANE);

let paneRequest = 0;

function decodeUtf8Base64(data: string): string {
  const bytes = Uint8Array.from(atob(data), (character) => character.charCodeAt(0));
  return new TextDecoder('utf-8').decode(bytes);
}

export async function loadStoryPane(): Promise<void> {
  const id = useLibrary.getState().selectedId;
  const request = ++paneRequest;
  if (id === null) {
    useStoryPane.setState(EMPTY_PANE);
    return;
  }
  useStoryPane.setState((state) => ({ ...(state.story?.id === id ? state : EMPTY_PANE), loading: true }));
  const loaded = await attempt('open the story', async () => {
    const [story, report, page] = await Promise.all([
      api().getStory({ id }),
      api().reviewStory({ id }),
      api().exportStory({ id, format: 'html' }),
    ]);
    return { story, report, previewHtml: decodeUtf8Base64(page.data) };
  });
  if (request !== paneRequest) return;
  useStoryPane.setState(loaded ? { ...loaded, loading: false } : { ...EMPTY_PANE });
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

// ---------------------------------------------------------------------------------------------
// Start-up and events.

/** Connects the stores to the back end: the first fetch, and refetches when stories change. */
export function startWorkbench(connected: Backend): () => void {
  backend = connected;
  void refreshList();
  const refetchAll = () => {
    void refreshList();
    void refreshSearch();
    if (useLibrary.getState().selectedId !== null) void loadStoryPane();
  };
  return connected.listen({
    onStoryChanged: (id) => {
      void refreshList();
      void refreshSearch();
      if (useLibrary.getState().selectedId === id) void loadStoryPane();
    },
    onResync: refetchAll,
  });
}
