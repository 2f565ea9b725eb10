/**
 * The native menus, as a template built by a pure function from the platform, whether this is
 * a development run, and the recent libraries. The main process turns it into a Menu
 * (`Menu.buildFromTemplate`); the tests read it as data. Items whose work happens in the window
 * (New Story, Import, Find…) call `actions.command`, which main sends to the focused window as a
 * `menu-command` event; the library items open dialogs in main.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { acceleratorFor, COMMAND_LABELS, COMMAND_SHORTCUTS } from '../shared/commands';
import type { MenuCommand } from './preload-api';

export interface MenuActions {
  /** A command for the focused window. */
  command: (command: MenuCommand) => void;
  /** Shows the Open Library dialog. */
  openLibrary: () => void;
  openRecentLibrary: (file: string) => void;
  clearRecentLibraries: () => void;
}

export interface MenuContext {
  platform: NodeJS.Platform;
  /** Development runs get Reload and the developer tools; release builds do not. */
  isDevelopment: boolean;
  /** Most recent first. */
  recentLibraries: readonly string[];
  appName: string;
}

const separator: MenuItemConstructorOptions = { type: 'separator' };

function recentLibrariesMenu(context: MenuContext, actions: MenuActions): MenuItemConstructorOptions[] {
  if (context.recentLibraries.length === 0) return [{ label: 'No Recent Libraries', enabled: false }];
  return [
    ...context.recentLibraries.map((file): MenuItemConstructorOptions => ({ label: file, click: () => actions.openRecentLibrary(file) })),
    separator,
    { label: 'Clear Recent Libraries', click: () => actions.clearRecentLibraries() },
  ];
}

export function buildMenuTemplate(context: MenuContext, actions: MenuActions): MenuItemConstructorOptions[] {
  const { platform } = context;
  const isMac = platform === 'darwin';
  const key = (letter: string) => acceleratorFor({ key: letter }, isMac);
  /** A window command's item: its label and shortcut come from shared/commands.ts. */
  const command = (name: MenuCommand): MenuItemConstructorOptions => {
    const shortcut = COMMAND_SHORTCUTS[name];
    return { label: COMMAND_LABELS[name], ...(shortcut ? { accelerator: acceleratorFor(shortcut, isMac) } : {}), click: () => actions.command(name) };
  };

  const appMenu: MenuItemConstructorOptions = {
    label: context.appName,
    submenu: [
      { role: 'about', label: `About ${context.appName}` },
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit' },
    ],
  };

  const fileMenu: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      command('new-story'),
      command('save'),
      separator,
      { label: 'Open Library…', accelerator: key('O'), click: () => actions.openLibrary() },
      { label: 'Recent Libraries', submenu: recentLibrariesMenu(context, actions) },
      separator,
      command('import'),
      command('export'),
      separator,
      command('show-history'),
      command('back-up-library'),
      command('show-backups'),
      separator,
      { role: 'close' },
      ...(isMac ? [] : [separator, { role: 'quit' } as const]),
    ],
  };

  const editMenu: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      // The page answers these keys itself (the story editor's undo spans all its fields; a
      // search box or dialog keeps its own), so the menu shows them without taking them.
      { ...command('undo'), registerAccelerator: false },
      { ...command('redo'), registerAccelerator: false },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
      separator,
      command('find-in-library'),
    ],
  };

  const viewMenu: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(context.isDevelopment ? [{ role: 'reload' } as const, { role: 'forceReload' } as const, { role: 'toggleDevTools' } as const, separator] : []),
      { role: 'togglefullscreen' },
      separator,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
    ],
  };

  const helpMenu: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      ...(isMac ? [] : [{ role: 'about', label: `About ${context.appName}` } as const, separator]),
      command('show-shortcuts'),
      { ...command('show-documentation'), label: `${context.appName} Documentation` },
    ],
  };

  return [
    ...(isMac ? [appMenu] : []),
    fileMenu,
    editMenu,
    viewMenu,
    ...(isMac ? [{ role: 'windowMenu' } as const] : []),
    helpMenu,
  ];
}
