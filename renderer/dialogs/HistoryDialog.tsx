/**
 * The open story's revisions, newest first: who saved each, when, and why (the override reason
 * when the publish gate was passed with blockers). Any revision can be viewed read-only, as its
 * details and its finished page, and restored: restoring saves it again as the newest revision,
 * so history is never rewritten. Below the list: how many revisions are kept, the space they
 * take, and how long they last.
 */
import { useEffect, useState } from 'react';
import { describeHistoryPolicy } from '../../shared/revision-history';
import { formatBytes, formatTime, plural, STATUS_LABELS } from '../format';
import { closeRevision, loadRevisions, restoreRevision, useStoryEditor, viewRevision } from '../story-state';
import { Dialog } from './Dialog';

export function HistoryDialog({ onClose }: { onClose: () => void }) {
  const revisions = useStoryEditor((state) => state.revisions);
  const viewing = useStoryEditor((state) => state.viewing);
  const latest = useStoryEditor((state) => state.base?.revision);
  const title = useStoryEditor((state) => state.story?.title);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void loadRevisions();
    return () => closeRevision();
  }, []);

  if (viewing) {
    const { revision, story } = viewing;
    const isLatest = revision.revision === latest;
    return (
      <Dialog title={`Revision ${revision.revision} of “${title || 'Untitled story'}”`} onClose={onClose} className="history-dialog">
        <p className="revision-meta">
          Saved {formatTime(revision.savedAt)} by {revision.author}: {revision.summary}
          {revision.overrideReason ? ` (published over blockers: “${revision.overrideReason}”)` : ''}
        </p>
        <dl className="revision-details">
          <dt>Title</dt>
          <dd>{story.title || '(none)'}</dd>
          <dt>Dek</dt>
          <dd>{story.dek || '(none)'}</dd>
          <dt>Feed</dt>
          <dd>{story.feed || '(none)'}</dd>
          <dt>Slug</dt>
          <dd>
            <code>{story.slug}</code>
          </dd>
          <dt>Status</dt>
          <dd>{STATUS_LABELS[story.status]}</dd>
        </dl>
        <iframe title={`Revision ${revision.revision} as a page`} sandbox="" srcDoc={viewing.previewHtml} />
        <div className="dialog-actions">
          <button type="button" onClick={() => closeRevision()}>
            Back to all revisions
          </button>
          <button
            type="button"
            disabled={busy || isLatest}
            title={isLatest ? 'This is the current revision' : undefined}
            onClick={async () => {
              setBusy(true);
              const restored = await restoreRevision(revision.revision);
              setBusy(false);
              if (restored) onClose();
            }}
          >
            {isLatest ? 'This is the current revision' : `Restore revision ${revision.revision}`}
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title={`History of “${title || 'Untitled story'}”`} onClose={onClose} className="history-dialog">
      {revisions === null ? <p>Loading the revisions…</p> : null}
      {revisions ? (
        <ol className="revisions" aria-label="Revisions, newest first">
          {revisions.map((revision) => (
            <li key={revision.revision}>
              <div>
                <strong>Revision {revision.revision}</strong>
                {revision.revision === latest ? <span className="badge">Current</span> : null} <time dateTime={revision.savedAt}>{formatTime(revision.savedAt)}</time> · {revision.author}
                <p className="revision-summary">
                  {revision.summary}
                  {revision.overrideReason ? <span className="override"> Override: “{revision.overrideReason}”</span> : null}
                </p>
              </div>
              <button type="button" onClick={() => void viewRevision(revision.revision)} aria-label={`View revision ${revision.revision}`}>
                View
              </button>
            </li>
          ))}
        </ol>
      ) : null}
      {revisions ? (
        <p className="revision-space">
          {plural(revisions.length, 'revision')} kept, taking {formatBytes(revisions.reduce((sum, revision) => sum + revision.byteLength, 0))}.
          Storydesk keeps {describeHistoryPolicy()}; the current revision, changes of status and publications over blockers are always kept.
        </p>
      ) : null}
    </Dialog>
  );
}
