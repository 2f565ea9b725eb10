/**
 * The workbench window: a bar of library commands on top, the library on the left, the open story
 * beside it, notices and dialogs above. Shortcuts are heard here in a browser tab (the menus hear
 * them in Electron), and unsaved edits are saved before the window goes away.
 */
import { useEffect, useState } from 'react';
import { COMMAND_SHORTCUTS } from '../shared/commands';
import { storyOfThisWindow } from './api';
import { backUpLibrary, inElectron, isMac, listenForShortcuts, openDialog } from './commands';
import { currentLibrary } from './connection';
import { Dialogs } from './dialogs/Dialogs';
import { Library } from './Library';
import { Notices } from './Notices';
import { notify } from './notices';
import { flushSave, hasSaveUnderWay, hasUnsavedChanges, keepPendingDraft } from './story-state';
import { StoryPane } from './StoryPane';

function useSaveBeforeLeaving(): void {
  useEffect(() => {
    let closing = false;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      keepPendingDraft();
      if (closing || !hasUnsavedChanges()) return;
      if (inElectron()) {
        // The window waits for a save that can go through now, then closes itself; whatever
        // cannot be saved (a conflict, a full disk) is kept in the window's storage either way,
        // so it never holds the window open.
        if (!hasSaveUnderWay()) return;
        event.preventDefault();
        void flushSave().then(() => {
          closing = true;
          window.close();
        });
        return;
      }
      // A browser asks the editor whether to leave; the save starts meanwhile.
      event.preventDefault();
      void flushSave();
    };
    const onHidden = () => {
      if (document.visibilityState === 'hidden') void flushSave();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('visibilitychange', onHidden);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('visibilitychange', onHidden);
    };
  }, []);
}

/** A command's shortcut in aria-keyshortcuts' spelling ("Control+Shift+O"). */
function hint(command: keyof typeof COMMAND_SHORTCUTS): string | undefined {
  const shortcut = COMMAND_SHORTCUTS[command];
  if (!shortcut) return undefined;
  return [isMac() ? 'Meta' : 'Control', ...(shortcut.alt ? ['Alt'] : []), ...(shortcut.shift ? ['Shift'] : []), shortcut.key].join('+');
}

/** The library-wide commands, for browser mode (which has no menu bar) and for the mouse. */
function CommandBar() {
  const [library, setLibrary] = useState<{ name: string; path: string; readOnly: boolean } | null>(null);
  useEffect(() => {
    currentLibrary().then((info) => {
      setLibrary(info);
      if (info.readOnly) {
        notify(
          `This library is open read-only: Storydesk may not write ${info.path} or its folder. You can read, search and export its stories; your edits are kept and saved once you may write it again.`,
          'error',
        );
      }
    }, () => undefined);
  }, []);
  return (
    <div className="command-bar" role="toolbar" aria-label="Library commands">
      <span className="app-name">
        Storydesk
        {library ? (
          <span className="library-name" title={library.path}>
            {' '}
            · {library.name}
          </span>
        ) : null}
        {library?.readOnly ? (
          <span className="badge" title="Storydesk may not write this library's file or its folder: saves wait until it may">
            Read-only
          </span>
        ) : null}
      </span>
      <button type="button" onClick={() => openDialog('import')} aria-keyshortcuts={hint('import')}>
        Import…
      </button>
      <button type="button" onClick={() => openDialog('export')} aria-keyshortcuts={hint('export')}>
        Export…
      </button>
      <button type="button" onClick={() => void backUpLibrary()} aria-keyshortcuts={hint('back-up-library')}>
        Back up library
      </button>
      <button type="button" onClick={() => openDialog('backups')}>
        Backups…
      </button>
      <button type="button" onClick={() => openDialog('shortcuts')} aria-keyshortcuts={hint('show-shortcuts')}>
        Shortcuts
      </button>
    </div>
  );
}

export function App() {
  useEffect(() => listenForShortcuts(), []);
  useSaveBeforeLeaving();
  // A story's own window shows the story alone, without the library.
  const storyWindow = storyOfThisWindow() !== null;
  return (
    <div className={storyWindow ? 'workbench story-window' : 'workbench'}>
      <CommandBar />
      <Notices />
      {storyWindow ? null : <Library />}
      <StoryPane />
      <Dialogs />
    </div>
  );
}
