/**
 * The window commands (shared/commands.ts) carried out in the page: from the native menus in
 * Electron (main sends `menu-command`), from their shortcuts in a browser tab, and from buttons.
 * Also which dialog is open: one at a time, as native modal dialogs.
 */
import { create } from 'zustand';
import { commandForKeyPress, type WindowCommand } from '../shared/commands';
import { appPageAddress, storyOfThisWindow } from './api';
import { api } from './connection';
import { formatBytes } from './format';
import { showView, useLibrary } from './library-state';
import { attempt, notify } from './notices';
import { openStoryId, redo, saveNow, undo } from './story-state';

export type DialogName = 'import' | 'export' | 'history' | 'backups' | 'shortcuts';

export const useDialogs = create<{ open: DialogName | null }>(() => ({ open: null }));

export function openDialog(name: DialogName): void {
  useDialogs.setState({ open: name });
}

export function closeDialog(): void {
  useDialogs.setState({ open: null });
}

/** Whether this page runs in the Electron app (its menus own the shortcuts there). */
export const inElectron = (): boolean => window.storydesk !== undefined;

export const isMac = (): boolean => /Mac|iPhone|iPad/.test(navigator.platform);

function focusField(selector: string): void {
  // After React has shown the field (a view switch may re-render the library first).
  requestAnimationFrame(() => {
    const field = document.querySelector<HTMLInputElement>(selector);
    field?.focus();
    field?.select();
  });
}

/** Backs the library up now and says where; whether it worked. */
export async function backUpLibrary(): Promise<boolean> {
  const backup = await attempt('back up the library', () => api().backupLibrary({}));
  if (!backup) return false;
  const removed = backup.removed.length > 0 ? ` ${backup.removed.length} older backup${backup.removed.length === 1 ? ' was' : 's were'} removed, as the retention policy says.` : '';
  notify(`The library is backed up to ${backup.path} (${formatBytes(backup.byteLength)}).${removed}`, 'news');
  return true;
}

/** Opens a story in a window (Electron) or tab (browser mode) of its own. */
export function openStoryWindow(id: string): void {
  window.open(appPageAddress(`?story=${encodeURIComponent(id)}`), '_blank');
}

/** In a story's own window (no library beside it), New Story makes an untitled story and opens its window. */
async function newStoryInItsOwnWindow(): Promise<void> {
  const story = await attempt('create the story', () => api().createStory({ title: '' }));
  if (story) openStoryWindow(story.id);
}

/**
 * Undo and redo: in the story (or with nothing focused while a story is open) the story editor's
 * own, which spans its fields and its structural edits; in a search box or a dialog, the
 * field's own.
 */
function undoOrRedo(command: 'undo' | 'redo'): void {
  const focused = document.activeElement;
  const inStory = focused?.closest('.story-edit') != null;
  const inOtherField = !inStory && (focused?.closest('input, textarea, [contenteditable="true"], dialog') ?? null) !== null;
  if (openStoryId() !== null && !inOtherField) {
    if (command === 'undo') undo();
    else redo();
    return;
  }
  // The field's own history (execCommand is deprecated but remains the only way to reach it).
  document.execCommand(command);
}

export function runCommand(command: WindowCommand): void {
  switch (command) {
    case 'undo':
    case 'redo':
      undoOrRedo(command);
      return;
    case 'new-story':
      if (storyOfThisWindow() !== null) {
        void newStoryInItsOwnWindow();
        return;
      }
      if (useLibrary.getState().view !== 'active') showView('active');
      focusField('input[aria-label="New story title"]');
      return;
    case 'save':
      void saveNow();
      return;
    case 'import':
      openDialog('import');
      return;
    case 'export':
      openDialog('export');
      return;
    case 'back-up-library':
      void backUpLibrary();
      return;
    case 'show-backups':
      openDialog('backups');
      return;
    case 'find-in-library':
      if (storyOfThisWindow() !== null) notify('This window shows one story: search the library from the library window.', 'news');
      else focusField('#library-search');
      return;
    case 'show-history':
      if (openStoryId() === null) notify('Open a story to see its revision history.', 'news');
      else openDialog('history');
      return;
    case 'show-shortcuts':
    case 'show-documentation':
      openDialog('shortcuts');
      return;
  }
}

/**
 * In a browser tab the page answers the shortcuts itself; in Electron the menus do, and the page
 * leaves the keys alone so no command runs twice, except undo and redo, which the page answers in
 * both (the menu shows their keys without taking them) and which repeat while held.
 */
export function listenForShortcuts(): () => void {
  const onKeyDown = (event: KeyboardEvent) => {
    const command = commandForKeyPress(event, { isMac: isMac(), inBrowser: !inElectron() });
    if (!command) return;
    const pageOwns = command === 'undo' || command === 'redo';
    if (!pageOwns && (inElectron() || event.repeat)) return;
    event.preventDefault();
    runCommand(command);
  };
  document.addEventListener('keydown', onKeyDown);
  return () => document.removeEventListener('keydown', onKeyDown);
}
