/**
 * Export: the open story as an HTML page, a story bundle, TimelineJS, ninjs or CSL-JSON, or the
 * whole library as one bundle. A final export (for publication) passes the publish gate: with
 * blockers it asks for a reason, kept in the story's history. The file is then saved where the
 * editor's browser or the app saves downloads; what the format could not carry is listed.
 */
import { useId, useState } from 'react';
import type { ExportedFile, ExportFormat } from '../../shared/api';
import { PublishBlockedError, type BlockerSummary } from '../../shared/errors';
import { api } from '../connection';
import { formatBytes, plural } from '../format';
import { describeError } from '../notices';
import { flushSave, openStoryId, useStoryEditor } from '../story-state';
import { Dialog } from './Dialog';
import { Elapsed } from './Elapsed';

const FORMATS: { format: ExportFormat; label: string; hint: string }[] = [
  { format: 'html', label: 'Web page (.html)', hint: 'One self-contained file, images included.' },
  { format: 'bundle', label: 'Story bundle (.storybundle)', hint: 'The story, its page and its images, to move it to another library.' },
  { format: 'timelinejs', label: 'TimelineJS (.json)', hint: 'The timeline, for Knight Lab’s TimelineJS.' },
  { format: 'ninjs', label: 'ninjs 3.1 (.json)', hint: 'IPTC’s news format, for wires and content systems.' },
  { format: 'csl', label: 'CSL-JSON (.json)', hint: 'The sources, for reference managers.' },
];

type Scope = 'story' | 'library';

/** Hands the file to the browser (or the app) to save, as a download. */
export function saveFile(file: ExportedFile): void {
  const bytes = Uint8Array.from(atob(file.data), (character) => character.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mediaType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function ExportDialog({ onClose }: { onClose: () => void }) {
  const storyTitle = useStoryEditor((state) => state.story?.title);
  const hasStory = openStoryId() !== null;
  const [scope, setScope] = useState<Scope>(hasStory ? 'story' : 'library');
  const [format, setFormat] = useState<ExportFormat>(hasStory ? 'html' : 'bundle');
  const [final, setFinal] = useState(false);
  const [reason, setReason] = useState('');
  const [blockers, setBlockers] = useState<BlockerSummary[] | null>(null);
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<ExportedFile | null>(null);
  const reasonId = useId();

  const run = async () => {
    setWorking(true);
    setError(null);
    try {
      let file: ExportedFile;
      if (scope === 'library') {
        file = await api().exportLibraryBundle({});
      } else {
        await flushSave();
        const id = openStoryId();
        if (id === null) throw new Error('no story is open');
        file = await api().exportStory({ id, format, ...(final ? { final: true } : {}), ...(final && reason.trim() ? { overrideReason: reason.trim() } : {}) });
      }
      saveFile(file);
      setDone(file);
    } catch (caught) {
      if (caught instanceof PublishBlockedError) setBlockers(caught.blockers);
      else setError(describeError(caught, 'export'));
    } finally {
      setWorking(false);
    }
  };

  if (done) {
    return (
      <Dialog title="Exported" onClose={onClose} className="export-dialog">
        <p role="status">
          Saved <strong>{done.fileName}</strong> ({formatBytes(Math.floor((done.data.length * 3) / 4))}) to your downloads.
        </p>
        {done.notes.length > 0 ? (
          <>
            <p>What the format could not carry:</p>
            <ul>
              {done.notes.map((note, index) => (
                <li key={index}>{note}</li>
              ))}
            </ul>
          </>
        ) : null}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  const needsReason = blockers !== null && final && scope === 'story';
  return (
    <Dialog title="Export" onClose={onClose} className="export-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void run();
        }}
      >
        <fieldset>
          <legend>What</legend>
          <label className="choice">
            <input type="radio" name="scope" checked={scope === 'story'} disabled={!hasStory} onChange={() => setScope('story')} />
            {hasStory ? `This story: “${storyTitle || 'Untitled story'}”` : 'This story (open a story first)'}
          </label>
          <label className="choice">
            <input
              type="radio"
              name="scope"
              checked={scope === 'library'}
              onChange={() => {
                setScope('library');
                setFinal(false);
              }}
            />
            Every story in the library, as one library bundle
          </label>
        </fieldset>
        {scope === 'story' ? (
          <fieldset>
            <legend>Format</legend>
            {FORMATS.map(({ format: value, label, hint }) => (
              <label key={value} className="choice">
                <input type="radio" name="format" checked={format === value} onChange={() => setFormat(value)} />
                <span>
                  {label} <span className="hint">{hint}</span>
                </span>
              </label>
            ))}
            <label className="choice">
              <input
                type="checkbox"
                checked={final}
                onChange={(event) => {
                  setFinal(event.target.checked);
                  setBlockers(null);
                }}
              />
              <span>
                Final export, for publication <span className="hint">The coverage review must have no blockers, or you give a reason.</span>
              </span>
            </label>
          </fieldset>
        ) : null}
        {needsReason ? (
          <div className="gate" role="alert">
            <p>This story has {plural(blockers.length, 'blocker')}:</p>
            <ul className="blockers">
              {blockers.map((blocker, index) => (
                <li key={index}>
                  <span className="place">{blocker.place}</span> {blocker.message}
                </li>
              ))}
            </ul>
            <label htmlFor={reasonId}>Reason for exporting anyway</label>
            <textarea id={reasonId} rows={3} value={reason} onChange={(event) => setReason(event.target.value)} />
          </div>
        ) : null}
        {error ? (
          <p className="field-problem" role="alert">
            {error}
          </p>
        ) : null}
        {working ? (
          <p className="progress-line" role="status">
            <progress aria-label="Exporting" /> {scope === 'library' ? 'Exporting every story; a large library takes a minute or more…' : 'Exporting…'} <Elapsed />
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={working || (needsReason && reason.trim() === '')}>
            {needsReason ? 'Export anyway' : 'Export'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
