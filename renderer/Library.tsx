/**
 * The library (DESIGN §8, left column): search on top, the stories below with filters and sort,
 * a form for a new story, and the trash. Everything works from the keyboard: Tab reaches each
 * control, the arrow keys move through the list, Enter opens a story.
 */
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { STORY_SORTS, type SearchHit, type Snippet } from '../shared/api';
import { STORY_STATUSES, type StoryStatus, type StorySummary } from '../shared/model';
import { formatTime, plural, STATUS_LABELS } from './format';
import {
  badgeKey,
  createStory,
  loadMoreHits,
  loadMoreStories,
  emptyTrash,
  purgeStory,
  requestCoverageBadges,
  restoreStory,
  selectStory,
  setFilters,
  setQuery,
  showView,
  useCoverageBadges,
  useLibrary,
  type StorySort,
} from './library-state';
import { VirtualList } from './VirtualList';

/** How long the rows on screen must stay put before their coverage badges are fetched. */
const BADGE_DELAY_MS = 100;
/** Load the next page of the list when the screen comes this close (in rows) to the last loaded. */
const LOAD_AHEAD_ROWS = 50;

const SORT_LABELS: Record<StorySort, string> = {
  'updated-desc': 'Recently updated',
  'updated-asc': 'Least recently updated',
  'created-desc': 'Newest first',
  'title-asc': 'Title A–Z',
};

export function Library() {
  const view = useLibrary((state) => state.view);
  return (
    <nav className="library" aria-label="Library">
      <SearchBox />
      <Filters />
      {view === 'active' ? <NewStoryForm /> : <TrashHeader />}
      <StoryList />
      <div className="view-switch">
        <button type="button" aria-pressed={view === 'active'} onClick={() => showView('active')}>
          Stories
        </button>
        <button type="button" aria-pressed={view === 'trash'} onClick={() => showView('trash')}>
          Trash
        </button>
      </div>
    </nav>
  );
}

/** Each keystroke searches at once (library-state.ts drops answers the editor has typed past). */
/** The trash's title, and Empty Trash, which asks first: it cannot be undone. */
function TrashHeader() {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const empty = useLibrary((state) => state.loaded && state.stories.length === 0);
  return (
    <div className="trash-header">
      <h2 className="view-title">Trash</h2>
      {confirming ? (
        <p className="confirm-empty" role="group" aria-label="Empty the trash?">
          <span>Delete every story in the trash and its history for good?</span>
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              await emptyTrash();
              setBusy(false);
              setConfirming(false);
            }}
          >
            Delete them all
          </button>
          <button type="button" autoFocus onClick={() => setConfirming(false)}>
            Keep them
          </button>
        </p>
      ) : (
        <button type="button" disabled={empty} onClick={() => setConfirming(true)}>
          Empty trash…
        </button>
      )}
    </div>
  );
}

function SearchBox() {
  const query = useLibrary((state) => state.query);
  const view = useLibrary((state) => state.view);
  return (
    <div className="search">
      <label htmlFor="library-search" className="visually-hidden">
        Search the library
      </label>
      <input
        id="library-search"
        type="search"
        placeholder={view === 'trash' ? 'Search the trash' : 'Search stories'}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') setQuery('');
        }}
      />
    </div>
  );
}

function Filters() {
  const status = useLibrary((state) => state.status);
  const feed = useLibrary((state) => state.feed);
  const sort = useLibrary((state) => state.sort);
  const feeds = useLibrary((state) => state.feeds);
  return (
    <div className="filters">
      <label>
        Status
        <select value={status} onChange={(event) => setFilters({ status: event.target.value as StoryStatus | '' })}>
          <option value="">All</option>
          {STORY_STATUSES.map((value) => (
            <option key={value} value={value}>
              {STATUS_LABELS[value]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Feed
        <select value={feed} onChange={(event) => setFilters({ feed: event.target.value })}>
          <option value="">All</option>
          {feeds.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </label>
      <label>
        Sort
        <select value={sort} onChange={(event) => setFilters({ sort: event.target.value as StorySort })}>
          {STORY_SORTS.map((value) => (
            <option key={value} value={value}>
              {SORT_LABELS[value]}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

function NewStoryForm() {
  const [title, setTitle] = useState('');
  const [feed, setFeed] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (title.trim() === '' || busy) return;
    setBusy(true);
    const created = await createStory(title.trim(), feed.trim());
    setBusy(false);
    if (created) {
      setTitle('');
      setFeed('');
    }
  };
  return (
    <form className="new-story" aria-label="New story" onSubmit={(event) => void submit(event)}>
      <input aria-label="New story title" placeholder="New story title" value={title} onChange={(event) => setTitle(event.target.value)} />
      <input aria-label="New story feed" placeholder="Feed" value={feed} onChange={(event) => setFeed(event.target.value)} />
      <button type="submit" disabled={busy || title.trim() === ''}>
        Create
      </button>
    </form>
  );
}

interface ListRow {
  story: StorySummary;
  hit?: SearchHit;
}

// A search hit's row holds a snippet, so it is measured apart from the same story's plain row.
const rowKey = (row: ListRow) => (row.hit ? `hit:${row.story.id}` : row.story.id);
const rowAttributes = (row: ListRow) => ({ className: 'story-row', 'data-story-id': row.story.id });

/**
 * The hits of the search while there is a query, else the stories; filters apply to both. Only
 * the rows near the screen are in the page (VirtualList.tsx); the list loads its next page as
 * the screen nears the last story loaded.
 */
function StoryList() {
  const view = useLibrary((state) => state.view);
  const stories = useLibrary((state) => state.stories);
  const complete = useLibrary((state) => state.complete);
  const hits = useLibrary((state) => state.hits);
  const hitsQuery = useLibrary((state) => state.hitsQuery);
  const hitsComplete = useLibrary((state) => state.hitsComplete);
  const loaded = useLibrary((state) => state.loaded);
  const status = useLibrary((state) => state.status);
  const feed = useLibrary((state) => state.feed);
  const sort = useLibrary((state) => state.sort);
  const selectedId = useLibrary((state) => state.selectedId);
  const scrollerRef = useRef<HTMLElement>(null);
  const badgeTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const inTrash = view === 'trash';

  const rows: ListRow[] = useMemo(
    () =>
      hits
        ? hits.filter(({ story }) => (status === '' || story.status === status) && (feed === '' || story.feed === feed)).map((hit) => ({ story: hit.story, hit }))
        : stories.map((story) => ({ story })),
    [hits, stories, status, feed],
  );
  const allLoaded = hits ? hitsComplete : complete;

  // A new query, view, filter or sort shows its list from the top.
  const shown = hits ? `search ${hitsQuery}` : `list ${view} ${status} ${feed} ${sort}`;
  useLayoutEffect(() => {
    scrollerRef.current?.scrollTo({ top: 0 });
  }, [shown]);
  const loadMore = useCallback((all: boolean) => (hits ? loadMoreHits() : loadMoreStories({ all })), [hits]);

  // Badges for the rows on screen once scrolling rests there; the next page before the screen reaches the end.
  const onVisibleRowsChange = useCallback(
    (first: number, last: number) => {
      clearTimeout(badgeTimer.current);
      if (!inTrash) badgeTimer.current = setTimeout(() => requestCoverageBadges(rows.slice(first, last).map((row) => row.story)), BADGE_DELAY_MS);
      if (!allLoaded && last + LOAD_AHEAD_ROWS >= rows.length) void loadMore(false);
    },
    [rows, inTrash, allLoaded, loadMore],
  );
  useEffect(() => () => clearTimeout(badgeTimer.current), []);

  const selectedRowAttributes = useCallback(
    (row: ListRow) => ({ ...rowAttributes(row), ...(row.story.id === selectedId ? { className: 'story-row selected' } : {}) }),
    [selectedId],
  );
  const renderRow = useCallback(
    (row: ListRow) => <StoryRow story={row.story} hit={row.hit} inTrash={inTrash} selected={row.story.id === selectedId} />,
    [inTrash, selectedId],
  );

  const label = hits ? 'Search results' : inTrash ? 'Stories in the trash' : 'Stories';
  return (
    // data-query: the query the results on screen answer (what tests and the benchmark wait for).
    <section ref={scrollerRef} className="story-list" aria-label={label} data-query={hits ? hitsQuery : undefined} style={{ overflowAnchor: 'none' }}>
      {loaded && rows.length === 0 ? (
        <p className="empty">{hits ? 'No story matches.' : inTrash ? 'The trash is empty.' : 'No stories yet.'}</p>
      ) : null}
      <VirtualList
        items={rows}
        keyOf={rowKey}
        renderRow={renderRow}
        rowAttributes={selectedRowAttributes}
        scrollerRef={scrollerRef}
        estimatedRowHeight={hits ? 100 : 64}
        focusSelector="button.story-open"
        complete={allLoaded}
        onLoadAll={() => loadMore(true)}
        onVisibleRowsChange={onVisibleRowsChange}
      />
    </section>
  );
}

/** A row's content (its <li> is the list's); re-rendered only when its story, hit or selection changes. */
const StoryRow = memo(function StoryRow({ story, hit, inTrash, selected }: { story: StorySummary; hit?: SearchHit | undefined; inTrash: boolean; selected: boolean }) {
  const badge = useCoverageBadges((badges) => badges[badgeKey(story)]);
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <button type="button" className="story-open" aria-current={selected ? 'true' : undefined} onClick={() => selectStory(story.id)}>
        <span className="story-title">{story.title || 'Untitled story'}</span>
        {hit ? <SnippetText snippet={hit.snippet} /> : null}
        <span className="story-meta">
          {story.feed ? <span className="feed">{story.feed}</span> : null}
          <span className={`badge status-${story.status}`}>{STATUS_LABELS[story.status]}</span>
          {badge ? (
            <span className={badge.blockers > 0 ? 'badge coverage-blocked' : badge.sentences === 0 ? 'badge' : 'badge coverage-clear'} title="Coverage review">
              {badge.blockers > 0 ? plural(badge.blockers, 'blocker') : badge.warnings > 0 ? plural(badge.warnings, 'warning') : badge.sentences === 0 ? 'No text yet' : 'Covered'}
            </span>
          ) : null}
          <span>{plural(story.sourceCount, 'source')}</span>
          <time dateTime={story.updatedAt}>{formatTime(story.updatedAt)}</time>
        </span>
      </button>
      {inTrash ? (
        <span className="row-actions">
          {confirming ? (
            <>
              <span className="confirm-question">Delete “{story.title || 'Untitled story'}” and its history for good?</span>
              <button type="button" className="danger" onClick={() => void purgeStory(story.id)}>
                Delete for good
              </button>
              <button type="button" autoFocus onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </>
          ) : (
            <>
              <button type="button" onClick={() => void restoreStory(story.id)}>
                Restore
              </button>
              <button type="button" onClick={() => setConfirming(true)}>
                Delete for good…
              </button>
            </>
          )}
        </span>
      ) : null}
    </>
  );
});

/** A search snippet as text, its matches in <mark>: segments are never read as markup. */
export function SnippetText({ snippet }: { snippet: Snippet }) {
  return (
    <span className="snippet">
      {snippet.map((segment, index) => (segment.match ? <mark key={index}>{segment.text}</mark> : <span key={index}>{segment.text}</span>))}
    </span>
  );
}
