/**
 * The library (DESIGN §8, left column): search on top, the stories below with filters and sort,
 * a form for a new story, and the trash. Everything works from the keyboard: Tab reaches each
 * control, the arrow keys move through the list, Enter opens a story.
 */
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { STORY_SORTS, type SearchHit, type Snippet } from '../shared/api';
import { STORY_STATUSES, type StoryStatus, type StorySummary } from '../shared/model';
import { formatTime, plural, STATUS_LABELS } from './format';
import {
  badgeKey,
  createStory,
  purgeStory,
  refreshSearch,
  requestCoverageBadge,
  restoreStory,
  selectStory,
  setFilters,
  setQuery,
  showView,
  useCoverageBadges,
  useLibrary,
  type StorySort,
} from './library-state';

/** How long typing must pause before the search runs. */
const SEARCH_DEBOUNCE_MS = 150;

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
      {view === 'active' ? <NewStoryForm /> : <h2 className="view-title">Trash</h2>}
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

function SearchBox() {
  const query = useLibrary((state) => state.query);
  const view = useLibrary((state) => state.view);
  useEffect(() => {
    const timer = setTimeout(() => void refreshSearch(), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, view]);
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

/** The hits of the search while there is a query, else the stories; filters apply to both. */
function StoryList() {
  const view = useLibrary((state) => state.view);
  const stories = useLibrary((state) => state.stories);
  const hits = useLibrary((state) => state.hits);
  const loaded = useLibrary((state) => state.loaded);
  const status = useLibrary((state) => state.status);
  const feed = useLibrary((state) => state.feed);
  const listRef = useRef<HTMLUListElement>(null);

  const rows: { story: StorySummary; hit?: SearchHit }[] = hits
    ? hits.filter(({ story }) => (status === '' || story.status === status) && (feed === '' || story.feed === feed)).map((hit) => ({ story: hit.story, hit }))
    : stories.map((story) => ({ story }));

  /** Up and down move between the rows' open buttons; Home and End jump to the ends. */
  const moveFocus = (event: KeyboardEvent<HTMLUListElement>) => {
    const buttons = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('button.story-open') ?? [])];
    const current = buttons.findIndex((button) => button === document.activeElement);
    const last = buttons.length - 1;
    const target =
      event.key === 'ArrowDown' ? Math.min(current + 1, last) : event.key === 'ArrowUp' ? Math.max(current - 1, 0) : event.key === 'Home' ? 0 : event.key === 'End' ? last : undefined;
    if (target === undefined || current === -1 && event.key !== 'Home' && event.key !== 'End') return;
    event.preventDefault();
    buttons[target]?.focus();
  };

  const label = hits ? 'Search results' : view === 'trash' ? 'Stories in the trash' : 'Stories';
  return (
    <section className="story-list" aria-label={label}>
      {loaded && rows.length === 0 ? (
        <p className="empty">{hits ? 'No story matches.' : view === 'trash' ? 'The trash is empty.' : 'No stories yet.'}</p>
      ) : null}
      <ul ref={listRef} onKeyDown={moveFocus}>
        {rows.map(({ story, hit }) => (
          <StoryRow key={story.id} story={story} hit={hit} inTrash={view === 'trash'} />
        ))}
      </ul>
    </section>
  );
}

function StoryRow({ story, hit, inTrash }: { story: StorySummary; hit?: SearchHit | undefined; inTrash: boolean }) {
  const selected = useLibrary((state) => state.selectedId === story.id);
  const badge = useCoverageBadges((badges) => badges[badgeKey(story)]);
  const rowRef = useRef<HTMLLIElement>(null);
  const [confirming, setConfirming] = useState(false);

  // Reviews are fetched only for the rows that scroll into view.
  useEffect(() => {
    const row = rowRef.current;
    if (inTrash || !row) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        requestCoverageBadge(story);
        observer.disconnect();
      }
    });
    observer.observe(row);
    return () => observer.disconnect();
  }, [inTrash, story]);

  return (
    <li ref={rowRef} className={selected ? 'story-row selected' : 'story-row'} data-story-id={story.id}>
      <button type="button" className="story-open" aria-current={selected ? 'true' : undefined} onClick={() => selectStory(story.id)}>
        <span className="story-title">{story.title || 'Untitled story'}</span>
        {hit ? <SnippetText snippet={hit.snippet} /> : null}
        <span className="story-meta">
          {story.feed ? <span className="feed">{story.feed}</span> : null}
          <span className={`badge status-${story.status}`}>{STATUS_LABELS[story.status]}</span>
          {badge ? (
            <span className={badge.blockers > 0 ? 'badge coverage-blocked' : 'badge coverage-clear'} title="Coverage review">
              {badge.blockers > 0 ? plural(badge.blockers, 'blocker') : badge.warnings > 0 ? plural(badge.warnings, 'warning') : 'Covered'}
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
    </li>
  );
}

/** A search snippet as text, its matches in <mark>: segments are never read as markup. */
export function SnippetText({ snippet }: { snippet: Snippet }) {
  return (
    <span className="snippet">
      {snippet.map((segment, index) => (segment.match ? <mark key={index}>{segment.text}</mark> : <span key={index}>{segment.text}</span>))}
    </span>
  );
}
