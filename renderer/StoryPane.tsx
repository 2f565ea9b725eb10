/**
 * The open story: its header (title, dek, feed, slug, status), its hero image, its coverage
 * review and the finished page as it will be exported, in a sandboxed frame that runs no script.
 * Edits save themselves after a pause; the indicator at the top says where the saving stands, and
 * banners appear for a conflict with another window or tab and for a draft kept from earlier.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { STORY_STATUSES, type Story, type StoryStatus } from '../shared/model';
import { slugFromTitle } from '../shared/story-text';
import { storyOfThisWindow } from './api';
import { inElectron, isMac, openDialog, openStoryWindow } from './commands';
import { CoveragePanel } from './CoveragePanel';
import { Dialog } from './dialogs/Dialog';
import { registerReveal, setActivePart } from './editor/reveal';
import { Field } from './Field';
import { formatTime, plural, STATUS_LABELS } from './format';
import { HeroEditor } from './HeroEditor';
import { Preview } from './Preview';
import { SectionsEditor } from './SectionsEditor';
import { SourcesPanel } from './SourcesPanel';
import { TimelineEditor } from './TimelineEditor';
import { duplicateStory, selectStory, trashStory, useLibrary } from './library-state';
import {
  cancelPublish,
  changeStatus,
  discardKeptDraft,
  editHeader,
  keepMineAsCopy,
  redo,
  reloadTheirs,
  restoreKeptDraft,
  saveNow,
  undo,
  useStoryEditor,
  type SaveState,
} from './story-state';

/** What the pane's header shows of the story: a keystroke in the text changes none of it. */
function headerOf(story: Story | null) {
  if (!story) return null;
  const { id, title, feed, status, updatedAt, revision } = story;
  return { id, title, feed, status, updatedAt, revision, sourceCount: story.sources.length };
}

export function StoryPane() {
  const story = useStoryEditor(useShallow((state) => headerOf(state.story)));
  const loading = useStoryEditor((state) => state.loading);
  const inTrash = useLibrary((state) => state.view === 'trash');
  const title = story ? story.title || 'Untitled story' : null;
  useEffect(() => {
    document.title = title ? `${title} — Storydesk` : 'Storydesk';
  }, [title]);

  if (!story) {
    return (
      <main className="story-pane empty-pane" aria-label="Story">
        <p>
          {loading
            ? 'Opening the story…'
            : storyOfThisWindow() !== null
              ? 'This window’s story is no longer open here (it was moved to the trash, or could not be opened). Find it in the library window; the trash can restore it.'
              : 'Choose a story in the library, or create one.'}
        </p>
      </main>
    );
  }
  return (
    <main className="story-pane" aria-label="Story" aria-busy={loading}>
      <ConflictBanner />
      <KeptDraftBanner />
      <header className="story-header">
        <div className="story-toolbar">
          <SaveIndicator />
          <div className="story-actions">
            {inTrash ? null : <UndoButtons />}
            {storyOfThisWindow() === null ? (
              <button type="button" onClick={() => openStoryWindow(story.id)}>
                {inElectron() ? 'Open in new window' : 'Open in new tab'}
              </button>
            ) : null}
            <button type="button" onClick={() => openDialog('history')}>
              History
            </button>
            <button type="button" onClick={() => openDialog('export')}>
              Export…
            </button>
            {inTrash ? null : (
              <>
                <button type="button" onClick={() => void duplicateStory(story.id)}>
                  Duplicate
                </button>
                <button type="button" onClick={() => void trashStory(story.id)}>
                  Move to trash
                </button>
              </>
            )}
          </div>
        </div>
        <p className="story-feed">{story.feed || 'No feed'}</p>
        <h1>{story.title || 'Untitled story'}</h1>
        <p className="story-meta">
          <span className={`badge status-${story.status}`}>{STATUS_LABELS[story.status]}</span>
          <span>
            Updated <time dateTime={story.updatedAt}>{formatTime(story.updatedAt)}</time>
          </span>
          <span>Revision {story.revision}</span>
          <span>{plural(story.sourceCount, 'source')}</span>
        </p>
      </header>
      {inTrash ? <p className="trash-note">This story is in the trash. Restore it to edit it.</p> : null}
      <div className="story-body">
        <div className="story-edit">
          <fieldset className="plain" disabled={inTrash}>
            <legend className="visually-hidden">Story details</legend>
            <DetailsForm />
            <HeroEditor />
          </fieldset>
          <SectionsEditor readOnly={inTrash} />
          <SourcesPanel readOnly={inTrash} />
          <TimelineEditor readOnly={inTrash} />
        </div>
        <aside className="story-side" aria-label="Coverage and preview">
          <LiveCoverage />
          <LivePreview />
        </aside>
      </div>
      <PublishDialog />
    </main>
  );
}

/** Undo and redo for the mouse: the same history as Ctrl/⌘+Z and Ctrl/⌘+Shift+Z. */
function UndoButtons() {
  const canUndo = useStoryEditor((state) => state.canUndo);
  const canRedo = useStoryEditor((state) => state.canRedo);
  const keys = isMac() ? ['⌘Z', '⌘⇧Z'] : ['Ctrl+Z', 'Ctrl+Shift+Z'];
  return (
    <>
      <button type="button" disabled={!canUndo} title={`Undo the last edit (${keys[0]})`} onClick={() => undo()}>
        Undo
      </button>
      <button type="button" disabled={!canRedo} title={`Redo (${keys[1]})`} onClick={() => redo()}>
        Redo
      </button>
    </>
  );
}

/** The coverage panel, drawn again when a new review arrives, without the rest of the pane. */
function LiveCoverage() {
  const report = useStoryEditor((state) => state.report);
  return report ? <CoveragePanel report={report} /> : null;
}

/** The preview, likewise on its own. */
function LivePreview() {
  const previewHtml = useStoryEditor((state) => state.previewHtml);
  return <Preview html={previewHtml} />;
}

// ---------------------------------------------------------------------------------------------

const SAVE_STATE_TEXT: Record<SaveState, string> = {
  saved: 'All changes saved',
  unsaved: 'Edited',
  saving: 'Saving…',
  invalid: 'Not saved: a field needs fixing',
  failed: 'Not saved yet',
  conflict: 'Not saved: changed elsewhere',
};

function SaveIndicator() {
  const saveState = useStoryEditor((state) => state.saveState);
  const saveError = useStoryEditor((state) => state.saveError);
  return (
    <div className={`save-state save-${saveState}`} role="status">
      <span>{SAVE_STATE_TEXT[saveState]}</span>
      {saveState === 'failed' ? (
        <>
          <span className="save-error">{saveError}</span>
          <button type="button" onClick={() => void saveNow()}>
            Try again now
          </button>
        </>
      ) : null}
    </div>
  );
}

function ConflictBanner() {
  const conflict = useStoryEditor((state) => state.conflict);
  const [busy, setBusy] = useState(false);
  const headingId = useId();
  if (!conflict) return null;
  const { theirs, changes } = conflict;
  return (
    <section className="banner banner-conflict" role="alert" aria-labelledby={headingId}>
      <h2 id={headingId}>This story was changed in another window or tab</h2>
      <p>
        Your edits here are not saved. The library now holds revision {theirs.revision}, saved {formatTime(theirs.updatedAt)}.{' '}
        {changes.length === 0 ? 'It says the same as the version you started from.' : 'That version changed:'}
      </p>
      {changes.length > 0 ? (
        <ul className="changes">
          {changes.map((change, index) => (
            <li key={index}>{change}</li>
          ))}
        </ul>
      ) : null}
      <div className="banner-actions">
        <button type="button" onClick={() => reloadTheirs()}>
          Reload their version (drop my edits)
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            const copyId = await keepMineAsCopy();
            setBusy(false);
            if (copyId) selectStory(copyId);
          }}
        >
          Keep mine as a copy
        </button>
      </div>
    </section>
  );
}

function KeptDraftBanner() {
  const kept = useStoryEditor((state) => state.keptDraft);
  if (!kept) return null;
  return (
    <section className="banner" aria-label="Unsaved changes from earlier">
      <p>This window kept changes to this story from {formatTime(kept.keptAt)} that were never saved.</p>
      <div className="banner-actions">
        <button type="button" onClick={() => restoreKeptDraft()}>
          Restore my changes
        </button>
        <button type="button" onClick={() => discardKeptDraft()}>
          Discard them
        </button>
      </div>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------

function DetailsForm() {
  const story = useStoryEditor(useShallow((state) => (state.story ? { title: state.story.title, dek: state.story.dek, feed: state.story.feed, slug: state.story.slug } : null)));
  const problems = useStoryEditor((state) => state.problems);
  const feeds = useLibrary((state) => state.feeds);
  const feedListId = useId();
  const title = useRef<HTMLTextAreaElement>(null);
  useEffect(
    () =>
      registerReveal('story', () => {
        title.current?.scrollIntoView({ block: 'center' });
        title.current?.focus();
        title.current?.select();
      }),
    [],
  );
  if (!story) return null;
  const suggestedSlug = slugFromTitle(story.title || 'untitled story');
  return (
    <section className="details" aria-label="Story details" onFocusCapture={() => setActivePart({ part: 'story' })}>
      <Field label="Title" problem={problems.title}>
        {(props) => (
          // A headline is one line; the box wraps it so the whole of it shows.
          <textarea
            {...props}
            ref={title}
            className="title-input"
            rows={2}
            value={story.title}
            onKeyDown={(event) => {
              if (event.key === 'Enter') event.preventDefault();
            }}
            onChange={(event) => editHeader('title', event.target.value.replace(/\s*\n\s*/g, ' '))}
          />
        )}
      </Field>
      <Field label="Dek" problem={problems.dek} hint="One or two sentences under the headline.">
        {(props) => <textarea {...props} rows={2} value={story.dek ?? ''} onChange={(event) => editHeader('dek', event.target.value)} />}
      </Field>
      <div className="field-row">
        <Field label="Feed" problem={problems.feed}>
          {(props) => (
            <>
              <input {...props} list={feedListId} value={story.feed} onChange={(event) => editHeader('feed', event.target.value)} />
              <datalist id={feedListId}>
                {feeds.map((feed) => (
                  <option key={feed} value={feed} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <StatusControl />
      </div>
      <Field label="Slug" problem={problems.slug} hint="The page's name in addresses: lowercase letters and digits joined by hyphens.">
        {(props) => (
          <div className="with-button">
            <input {...props} value={story.slug} spellCheck={false} onChange={(event) => editHeader('slug', event.target.value)} />
            <button type="button" disabled={story.slug === suggestedSlug} onClick={() => editHeader('slug', suggestedSlug)}>
              From title
            </button>
          </div>
        )}
      </Field>
    </section>
  );
}

function StatusControl() {
  const status = useStoryEditor((state) => state.story?.status);
  const [changing, setChanging] = useState(false);
  const id = useId();
  if (!status) return null;
  return (
    <div className="field">
      <label htmlFor={id}>Status</label>
      <select
        id={id}
        value={status}
        disabled={changing}
        onChange={async (event) => {
          setChanging(true);
          await changeStatus(event.target.value as StoryStatus);
          setChanging(false);
        }}
      >
        {STORY_STATUSES.map((value) => (
          <option key={value} value={value}>
            {STATUS_LABELS[value]}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The publish gate: the blockers, and a reason to publish anyway, which is kept with the revision. */
function PublishDialog() {
  const gate = useStoryEditor((state) => state.publishGate);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const reasonId = useId();
  if (!gate) return null;
  const close = () => {
    setReason('');
    cancelPublish();
  };
  return (
    <Dialog title="This story has blockers" onClose={close} className="publish-dialog">
      <p>
        The coverage review found {plural(gate.blockers.length, 'blocker')}. Fix {gate.blockers.length === 1 ? 'it' : 'them'} before publishing, or give a reason
        to publish anyway; the reason is kept in the story's history.
      </p>
      <ul className="blockers">
        {gate.blockers.map((blocker, index) => (
          <li key={index}>
            <span className="place">{blocker.place}</span> {blocker.message}
          </li>
        ))}
      </ul>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          if (reason.trim() === '') return;
          setBusy(true);
          const published = await changeStatus('published', reason.trim());
          setBusy(false);
          if (published) setReason('');
        }}
      >
        <label htmlFor={reasonId}>Reason for publishing anyway</label>
        <textarea id={reasonId} rows={3} required value={reason} onChange={(event) => setReason(event.target.value)} />
        <div className="dialog-actions">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="danger" disabled={busy || reason.trim() === ''}>
            Publish anyway
          </button>
        </div>
      </form>
    </Dialog>
  );
}
