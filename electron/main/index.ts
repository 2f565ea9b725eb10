/**
 * The Electron main process: a thin shell over the service (electron/library.ts). It opens the
 * library, serves the UI from app://storydesk/, carries the API over IPC, and owns the windows,
 * the menus and the dialogs. Every decision it makes is a pure function in a module beside it
 * (tested under Node, since Electron itself cannot run where the tests do); this file wires them
 * to Electron. docs/electron.md describes the whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, ipcMain, Menu, protocol, session, shell, type BrowserWindow, type MessageBoxOptions, type OpenDialogOptions } from 'electron';
import type { ApiHandlers } from '../../shared/api';
import { LibraryUnusableError } from '../../shared/errors';
import { APP_SCHEME, appProtocolHandler } from '../app-protocol';
import { bindApiToIpc } from '../ipc';
import { openLibraryService } from '../library';
import { buildMenuTemplate, type MenuActions } from '../menu';
import { APP_NAME, packageRoot, resolveLibraryPath, userDataFolder } from '../paths';
import { startMaintenance, type Maintenance } from '../store/maintenance';
import type { LibraryStore } from '../store/store';
import { forgetLibrary, LIBRARY_EXTENSION, libraryArgument, readRecentLibraries, recoveryChoices, rememberLibrary, writeRecentLibraries } from './libraries';
import { denyAllPermissions, guardWebContents } from './navigation';
import { electronSqliteBindingPath, hasElectronSqliteBinding, isNativeModuleVersionError, probeSqliteDriver, useSqliteBinding } from './sqlite-binding';
import { WindowManager } from './windows';

// ---------------------------------------------------------------------------------------------
// Before the app is ready: the scheme's privileges, the app's name and folder, the sandbox.

// `standard` gives app:// origins and relative URLs like https; `secure` makes it a secure
// context. It may not bypass the CSP, and it offers no CORS to anyone.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);

app.setName(APP_NAME);
// The same folder the command line uses (electron/paths.ts), so both find the same library.
app.setPath('userData', userDataFolder());
app.enableSandbox();

const distFolder = path.dirname(fileURLToPath(import.meta.url));
const isDevelopment = !app.isPackaged;
const userData = app.getPath('userData');

interface OpenLibrary {
  file: string;
  store: LibraryStore;
  service: ApiHandlers;
  /** Automatic backups and the thinning of old revisions, while the library is open. */
  maintenance: Maintenance;
}

/** Stops a library's upkeep and closes it (a backup cut short leaves nothing behind). */
function closeLibrary(open: OpenLibrary): void {
  void open.maintenance.stop();
  open.store.close();
}

let library: OpenLibrary | undefined;
let recentLibraries = readRecentLibraries(userData);
/** A library the system asked us to open (macOS `open-file`) before the app was ready. */
let libraryAskedBeforeReady: string | undefined;
let windows: WindowManager | undefined;

function log(message: string): void {
  console.error(`storydesk: ${message}`);
}

function currentService(): ApiHandlers {
  if (!library) throw new LibraryUnusableError('no library is open');
  return library.service;
}

function libraryWindowTitle(): string {
  return library ? `${path.basename(library.file, LIBRARY_EXTENSION)} — ${APP_NAME}` : APP_NAME;
}

// ---------------------------------------------------------------------------------------------
// Libraries: open one, switch to it, or say why it cannot be opened and offer another.

/** Why a library could not be opened, in a sentence for the dialog. */
function reasonOf(error: unknown): string {
  if (isNativeModuleVersionError(error)) {
    return (
      'Storydesk’s SQLite driver was built for Node.js, not for Electron. Run `node scripts/install-electron.js` ' +
      'in the Storydesk folder (it needs the internet once) and start Storydesk again.'
    );
  }
  return error instanceof Error ? error.message : String(error);
}

/** Opens `file` (creating it with the sample story unless `mustExist`) and makes it the app's library. */
function switchToLibrary(file: string, mustExist: boolean): void {
  if (mustExist && !fs.existsSync(file)) throw new LibraryUnusableError(`${file} no longer exists`);
  const opened = openLibraryService(file);
  if (opened.store.created) log(`created a new library at ${file}, with the sample story`);
  const previous = library;
  library = { file, store: opened.store, service: opened.service, maintenance: startMaintenance(opened.store, { log: (message) => console.error(message) }) };
  windows?.closeStoryWindows();
  if (previous) closeLibrary(previous);
  recentLibraries = rememberLibrary(recentLibraries, file);
  saveRecentLibraries();
  app.addRecentDocument(file);
  updateMenu();
}

async function chooseLibraryFile(parent: BrowserWindow | undefined): Promise<string | undefined> {
  const options: OpenDialogOptions = {
    title: 'Open Library',
    properties: ['openFile'],
    filters: [
      { name: 'Storydesk library', extensions: [LIBRARY_EXTENSION.slice(1)] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled ? undefined : result.filePaths[0];
}

/**
 * Opens `file`; when it cannot be opened, says why and offers the recent libraries, a file
 * chooser, or giving up. Returns whether some library was opened.
 */
async function openLibrary(file: string, how: { atStartup: boolean; mustExist: boolean }): Promise<boolean> {
  let candidate: string | undefined = file;
  let mustExist = how.mustExist;
  while (candidate !== undefined) {
    try {
      switchToLibrary(candidate, mustExist);
      return true;
    } catch (error) {
      log(`cannot open ${candidate}: ${reasonOf(error)}`);
      if (isNativeModuleVersionError(error)) {
        // No other library would open either.
        dialog.showErrorBox('Storydesk cannot open its libraries', reasonOf(error));
        return false;
      }
      if (error instanceof LibraryUnusableError && !fs.existsSync(candidate)) {
        recentLibraries = forgetLibrary(recentLibraries, candidate);
        saveRecentLibraries();
        updateMenu();
      }
      const choices = recoveryChoices(candidate, recentLibraries, how.atStartup ? 'Quit' : 'Cancel');
      const parent = windows?.targetWindow();
      const messageOptions: MessageBoxOptions = {
        type: 'warning',
        message: 'Storydesk cannot open this library',
        detail: `${candidate}\n\n${reasonOf(error)}`,
        buttons: choices.buttons,
        defaultId: choices.chooseIndex,
        cancelId: choices.cancelIndex,
        noLink: true,
      };
      const { response } = parent ? await dialog.showMessageBox(parent, messageOptions) : await dialog.showMessageBox(messageOptions);
      mustExist = true;
      if (response < choices.libraries.length) candidate = choices.libraries[response];
      else if (response === choices.chooseIndex) candidate = await chooseLibraryFile(parent);
      else candidate = undefined;
    }
  }
  return false;
}

async function openAnotherLibrary(file: string, mustExist: boolean): Promise<void> {
  if (library?.file === file) {
    windows?.showLibraryWindow(libraryWindowTitle());
    return;
  }
  if (await openLibrary(file, { atStartup: false, mustExist })) windows?.restartLibraryWindow(libraryWindowTitle());
}

function saveRecentLibraries(): void {
  try {
    writeRecentLibraries(userData, recentLibraries);
  } catch (error) {
    log(`could not save the recent libraries: ${reasonOf(error)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Menus and stories.

const menuActions: MenuActions = {
  command: (command) => {
    const target = windows?.targetWindow();
    if (target) windows?.send(target, 'menu-command', { command });
  },
  openLibrary: () => {
    void chooseLibraryFile(windows?.targetWindow()).then((file) => (file === undefined ? undefined : openAnotherLibrary(file, true)));
  },
  openRecentLibrary: (file) => void openAnotherLibrary(file, true),
  clearRecentLibraries: () => {
    recentLibraries = [];
    saveRecentLibraries();
    app.clearRecentDocuments();
    updateMenu();
  },
};

function updateMenu(): void {
  if (!app.isReady()) return;
  const template = buildMenuTemplate({ platform: process.platform, isDevelopment, recentLibraries, appName: APP_NAME }, menuActions);
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** Opens a story's window once the library confirms the story exists. */
async function openStory(storyId: string): Promise<void> {
  try {
    const story = await currentService().getStory({ id: storyId });
    windows?.showStoryWindow(story.id, story.title || 'Untitled story');
  } catch (error) {
    log(`cannot open story ${storyId}: ${reasonOf(error)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Every web contents, whoever creates it, gets the navigation guards before it loads anything.

app.on('web-contents-created', (_event, contents) => {
  guardWebContents(contents, {
    openStory: (storyId) => void openStory(storyId),
    openExternal: (url) => void shell.openExternal(url),
    onRefused: (what, url) => log(`refused a ${what} to ${url}`),
  });
});

// ---------------------------------------------------------------------------------------------
// One Storydesk at a time: a second launch hands its library to this one and quits.

const launchLibrary = libraryArgument(process.argv, process.cwd());

if (!app.requestSingleInstanceLock({ library: launchLibrary ?? null })) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    const asked = (additionalData as { library?: unknown } | undefined)?.library;
    const file = typeof asked === 'string' && path.isAbsolute(asked) ? asked : libraryArgument(argv, workingDirectory);
    if (file !== undefined) void openAnotherLibrary(file, false);
    else windows?.showLibraryWindow(libraryWindowTitle());
  });

  // macOS hands over a .storydesk file opened in the Finder this way, before or after launch.
  app.on('open-file', (event, file) => {
    event.preventDefault();
    if (app.isReady()) void openAnotherLibrary(file, true);
    else libraryAskedBeforeReady = file;
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    if (library) windows?.showLibraryWindow(libraryWindowTitle());
  });

  app.on('will-quit', () => {
    if (library) closeLibrary(library);
    library = undefined;
  });

  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  denyAllPermissions(session.defaultSession);
  protocol.handle(APP_SCHEME, appProtocolHandler(path.join(distFolder, 'renderer')));

  const binding = electronSqliteBindingPath({ isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, packageRoot: packageRoot() });
  if (hasElectronSqliteBinding(binding)) useSqliteBinding(binding);
  else log(`no Electron build of better-sqlite3 at ${binding}; trying the one in node_modules`);
  const driverFailure = probeSqliteDriver();
  if (driverFailure) {
    log(`the SQLite driver does not load: ${driverFailure.message}`);
    dialog.showErrorBox('Storydesk cannot open its libraries', reasonOf(driverFailure));
    app.quit();
    return;
  }

  bindApiToIpc({
    ipcMain,
    service: currentService,
    onStoryChanges: (changes) => {
      for (const change of changes) {
        windows?.broadcast('story-changed', change);
        if (change.change === 'purged') windows?.closeStoryWindow(change.storyId);
      }
    },
    onRefusedSender: (method, frameUrl) => log(`refused ${method} from ${frameUrl ?? 'a frame that is gone'}`),
    onUnexpectedError: (method, payload) => log(`${method} failed: ${payload.message}`),
  });

  windows = new WindowManager({ userData, preload: path.join(distFolder, 'preload.cjs'), isDevelopment });
  updateMenu();

  const first = launchLibrary ?? libraryAskedBeforeReady ?? resolveLibraryPath(undefined);
  if (!(await openLibrary(first, { atStartup: true, mustExist: false }))) {
    app.quit();
    return;
  }
  windows.showLibraryWindow(libraryWindowTitle());
}
