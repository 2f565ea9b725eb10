/** Whichever dialog is open (one at a time). */
import { closeDialog, useDialogs } from '../commands';
import { BackupsDialog } from './BackupsDialog';
import { ExportDialog } from './ExportDialog';
import { HistoryDialog } from './HistoryDialog';
import { ImportDialog } from './ImportDialog';
import { ShortcutsDialog } from './ShortcutsDialog';

export function Dialogs() {
  const open = useDialogs((state) => state.open);
  switch (open) {
    case 'import':
      return <ImportDialog onClose={closeDialog} />;
    case 'export':
      return <ExportDialog onClose={closeDialog} />;
    case 'history':
      return <HistoryDialog onClose={closeDialog} />;
    case 'backups':
      return <BackupsDialog onClose={closeDialog} />;
    case 'shortcuts':
      return <ShortcutsDialog onClose={closeDialog} />;
    case null:
      return null;
  }
}
