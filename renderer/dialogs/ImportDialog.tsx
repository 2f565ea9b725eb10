/**
 * Import: story and library bundles (.storybundle) and pages copied as text. Each file is
 * checked in full by the back end before anything is written, so a refused file changes nothing
 * and the others still go in. Progress shows file by file; at the end each file says what became
 * of it, and imported stories can be opened from here.
 */
import { useEffect, useId, useState } from 'react';
import { IMPORT_CONFLICT_CHOICES, type ImportResult } from '../../shared/api';
import { encodeBase64 } from '../../shared/base64';
import { importFileKind, NOT_A_BUNDLE_REASON } from '../../shared/bundle';
import { MAX_REQUEST_BYTES } from '../../shared/http-client';
import { inElectron } from '../commands';
import { api, currentLibrary } from '../connection';
import { formatBytes } from '../format';
import { selectStory } from '../library-state';
import { describeError } from '../notices';
import { Dialog } from './Dialog';
import { Elapsed } from './Elapsed';

type ConflictChoice = (typeof IMPORT_CONFLICT_CHOICES)[number];

const CONFLICT_LABELS: Record<ConflictChoice, string> = {
  copy: 'Keep both: import it as a copy',
  replace: 'Replace the library’s version (its history is kept)',
  skip: 'Skip it',
};

interface FileOutcome {
  name: string;
  /** What was imported or skipped, or why the file was refused. */
  result?: ImportResult;
  notes?: string[];
  error?: string;
}

async function importFile(file: File, onConflict: ConflictChoice): Promise<FileOutcome> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    const kind = importFileKind(file.name, bytes.subarray(0, 4));
    if (kind === 'not-a-bundle') return { name: file.name, error: `Nothing was imported: ${NOT_A_BUNDLE_REASON}.` };
    if (kind === 'bundle') return { name: file.name, result: await api().importBundle({ data: encodeBase64(bytes), onConflict }) };
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return { name: file.name, error: 'It is neither a Storydesk bundle nor UTF-8 text, so nothing was imported from it.' };
    }
    if (text.trim() === '') return { name: file.name, error: 'The file is empty.' };
    const { story, notes } = await api().importText({ text });
    return { name: file.name, result: { imported: [{ id: story.id, title: story.title, as: 'new' }], skipped: [] }, notes };
  } catch (error) {
    return { name: file.name, error: describeError(error, 'import it') };
  }
}

const AS_WORDS = { new: 'new', copy: 'as a copy', replaced: 'replacing the library’s version' } as const;

/** Files whose base64 form will not fit in one request to browser mode's server. */
function tooLargeForBrowserMode(file: File): boolean {
  return !inElectron() && Math.ceil(file.size / 3) * 4 + 4096 > MAX_REQUEST_BYTES;
}

export function ImportDialog({ onClose }: { onClose: () => void }) {
  const [files, setFiles] = useState<File[]>([]);
  const [onConflict, setOnConflict] = useState<ConflictChoice>('copy');
  const [progress, setProgress] = useState<{ done: number; current: string } | null>(null);
  const [outcomes, setOutcomes] = useState<FileOutcome[] | null>(null);
  const filesId = useId();
  const conflictId = useId();
  const [libraryPath, setLibraryPath] = useState<string | null>(null);
  useEffect(() => {
    currentLibrary().then((library) => setLibraryPath(library.path), () => undefined);
  }, []);

  const run = async () => {
    const results: FileOutcome[] = [];
    for (const [index, file] of files.entries()) {
      setProgress({ done: index, current: file.name });
      results.push(await importFile(file, onConflict));
    }
    setProgress(null);
    setOutcomes(results);
  };

  if (outcomes) {
    const failed = outcomes.filter((outcome) => outcome.error).length;
    return (
      <Dialog title="Import finished" onClose={onClose} className="import-dialog">
        <p role="status">
          {outcomes.length - failed} of {outcomes.length} file{outcomes.length === 1 ? '' : 's'} imported{failed > 0 ? `; ${failed} refused, with nothing written from ${failed === 1 ? 'it' : 'them'}` : ''}.
        </p>
        <ul className="import-outcomes">
          {outcomes.map((outcome, index) => (
            <li key={index} className={outcome.error ? 'refused' : undefined}>
              <strong>{outcome.name}</strong>
              {outcome.error ? <p className="field-problem">{outcome.error}</p> : null}
              {outcome.result?.imported.map((story) => (
                <p key={story.id}>
                  Imported “{story.title || 'Untitled story'}” {AS_WORDS[story.as]}.{' '}
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      onClose();
                      selectStory(story.id);
                    }}
                  >
                    Open it
                  </button>
                </p>
              ))}
              {outcome.result?.skipped.map((story) => (
                <p key={story.id}>
                  Skipped “{story.title || 'Untitled story'}”: {story.reason}
                </p>
              ))}
              {outcome.notes && outcome.notes.length > 0 ? (
                <ul className="notes">
                  {outcome.notes.map((note, noteIndex) => (
                    <li key={noteIndex}>{note}</li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title="Import" onClose={progress ? () => undefined : onClose} className="import-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (files.length > 0 && !progress) void run();
        }}
      >
        <p>Storydesk bundles (.storybundle) and story pages copied as text (.txt). Each file is checked in full before anything from it is written.</p>
        <label htmlFor={filesId}>Files to import</label>
        <input id={filesId} type="file" multiple accept=".storybundle,.zip,.txt,.text,.md" disabled={progress !== null} onChange={(event) => setFiles([...(event.target.files ?? [])])} />
        <label htmlFor={conflictId}>When a story from a bundle is already in the library</label>
        <select id={conflictId} value={onConflict} disabled={progress !== null} onChange={(event) => setOnConflict(event.target.value as ConflictChoice)}>
          {IMPORT_CONFLICT_CHOICES.map((choice) => (
            <option key={choice} value={choice}>
              {CONFLICT_LABELS[choice]}
            </option>
          ))}
        </select>
        {files.filter(tooLargeForBrowserMode).map((file) => (
          <p key={file.name} className="field-problem">
            “{file.name}” is {formatBytes(file.size)}, more than browser mode can take in one request. Import it from the command line
            instead: <code>npx storydesk import --library {JSON.stringify(libraryPath ?? 'LIBRARY')} {JSON.stringify(file.name)}</code> (or use the desktop app).
          </p>
        ))}
        {progress ? (
          <p className="progress-line" role="status">
            <progress aria-label="Importing" max={files.length} value={progress.done} /> Importing file {progress.done + 1} of {files.length}: {progress.current}{' '}
            <Elapsed key={progress.current} />
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" onClick={onClose} disabled={progress !== null}>
            Cancel
          </button>
          <button type="submit" disabled={files.length === 0 || progress !== null || files.some(tooLargeForBrowserMode)}>
            Import {files.length > 1 ? `${files.length} files` : ''}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
