/**
 * The library's backups, newest first: when each was taken, its size and its file, with what
 * they take together. Says when Storydesk backs up by itself and how long backups last, offers
 * a backup now, and tells how to restore one (the command line does it, keeping the library it
 * replaces).
 */
import { useEffect, useState } from 'react';
import type { ApiResponse } from '../../shared/api';
import { AUTOMATIC_BACKUP_INTERVAL_MS, describeBackupPolicy } from '../../shared/backup-policy';
import { backUpLibrary } from '../commands';
import { api } from '../connection';
import { formatBytes, formatTime, plural } from '../format';
import { attempt } from '../notices';
import { Dialog } from './Dialog';

type Backups = ApiResponse<'listBackups'>;

/** The file's name without its folder, on any platform. */
const fileName = (file: string) => file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
const folderOf = (file: string) => file.slice(0, file.length - fileName(file).length - 1);

export function BackupsDialog({ onClose }: { onClose: () => void }) {
  const [backups, setBackups] = useState<Backups | null>(null);
  const [busy, setBusy] = useState(false);
  // Bumped after a backup, to list the backups again.
  const [listing, setListing] = useState(0);

  useEffect(() => {
    let open = true;
    void attempt('list the backups', () => api().listBackups({})).then((listed) => {
      if (open) setBackups(listed ?? []);
    });
    return () => {
      open = false;
    };
  }, [listing]);

  const total = backups?.reduce((sum, backup) => sum + backup.byteLength, 0) ?? 0;
  return (
    <Dialog title="Backups" onClose={onClose} className="backups-dialog">
      <p>
        While the library is open and changing, Storydesk backs it up every {AUTOMATIC_BACKUP_INTERVAL_MS / 60_000} minutes, and whenever you choose
        Back Up Library. It keeps {describeBackupPolicy()}.
      </p>
      {backups === null ? <p>Loading the backups…</p> : null}
      {backups?.length === 0 ? <p>No backups yet.</p> : null}
      {backups && backups.length > 0 ? (
        <>
          <p className="backups-total">
            {plural(backups.length, 'backup')}, taking {formatBytes(total)}, in <code>{folderOf(backups[0]!.path)}</code>.
          </p>
          <ol className="backups" aria-label="Backups, newest first">
            {backups.map((backup) => (
              <li key={backup.path}>
                <time dateTime={backup.createdAt}>{formatTime(backup.createdAt)}</time>
                <span>{formatBytes(backup.byteLength)}</span>
                <code title={backup.path}>{fileName(backup.path)}</code>
                {backup.path.includes('-before-restore') ? <span className="badge">Kept before a restore</span> : null}
              </li>
            ))}
          </ol>
        </>
      ) : null}
      <p className="backups-restore">
        To restore one, run <code>storydesk restore-backup --latest</code>, or give the backup&apos;s file instead of <code>--latest</code>. The
        library it replaces is backed up first, so a restore can itself be undone.
      </p>
      <div className="dialog-actions">
        <button
          type="button"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            if (await backUpLibrary()) setListing((count) => count + 1);
            setBusy(false);
          }}
        >
          {busy ? 'Backing up…' : 'Back up now'}
        </button>
      </div>
    </Dialog>
  );
}
