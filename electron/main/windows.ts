/**
 * The app's windows: one library window, and one window per open story (opening a story that
 * has a window focuses it). Each kind opens where it was last closed (window-state.ts), fitted
 * to the displays connected now. Events for the page go out from here.
 */
import { BrowserWindow, screen } from 'electron';
import { eventChannelFor } from '../ipc';
import type { StorydeskEventName, StorydeskEvents } from '../preload-api';
import { cascade, placeWindow, readWindowStates, writeWindowStates, type Rectangle, type WindowKind, type WindowStates } from '../window-state';
import { LIBRARY_WINDOW_URL, storyWindowUrl } from './navigation';
import { browserWindowOptions } from './window-options';

export interface WindowManagerOptions {
  /** The user-data folder, where window-state.json lives. */
  userData: string;
  /** Absolute path of dist/preload.cjs. */
  preload: string;
  isDevelopment: boolean;
}

/** The work areas of the connected displays, the primary one first. */
function displayAreas(): Rectangle[] {
  const primary = screen.getPrimaryDisplay();
  return [primary, ...screen.getAllDisplays().filter((display) => display.id !== primary.id)].map((display) => display.workArea);
}

export class WindowManager {
  private libraryWindow: BrowserWindow | undefined;
  private readonly storyWindows = new Map<string, BrowserWindow>();
  private readonly states: WindowStates;

  constructor(private readonly options: WindowManagerOptions) {
    this.states = readWindowStates(options.userData);
  }

  /** Opens the library window, or focuses it. */
  showLibraryWindow(title: string): BrowserWindow {
    if (this.libraryWindow && !this.libraryWindow.isDestroyed()) {
      focus(this.libraryWindow);
      return this.libraryWindow;
    }
    const window = this.createWindow('library', LIBRARY_WINDOW_URL, title, 0);
    window.on('closed', () => {
      this.libraryWindow = undefined;
    });
    this.libraryWindow = window;
    return window;
  }

  /** Opens a story's window, or focuses it when the story has one. */
  showStoryWindow(storyId: string, title: string): BrowserWindow {
    const open = this.storyWindows.get(storyId);
    if (open && !open.isDestroyed()) {
      focus(open);
      return open;
    }
    const window = this.createWindow('story', storyWindowUrl(storyId), title, this.storyWindows.size);
    window.on('closed', () => {
      if (this.storyWindows.get(storyId) === window) this.storyWindows.delete(storyId);
    });
    this.storyWindows.set(storyId, window);
    return window;
  }

  closeStoryWindow(storyId: string): void {
    this.storyWindows.get(storyId)?.close();
  }

  closeStoryWindows(): void {
    for (const window of this.storyWindows.values()) window.close();
  }

  /** After another library was opened: the library window starts over with it. */
  restartLibraryWindow(title: string): void {
    if (!this.libraryWindow || this.libraryWindow.isDestroyed()) {
      this.showLibraryWindow(title);
      return;
    }
    this.libraryWindow.setTitle(title);
    this.libraryWindow.webContents.reload();
    focus(this.libraryWindow);
  }

  /** The window a menu command is for: the focused one, else the library window. */
  targetWindow(): BrowserWindow | undefined {
    const focused = BrowserWindow.getFocusedWindow();
    if (focused && !focused.isDestroyed()) return focused;
    return this.libraryWindow && !this.libraryWindow.isDestroyed() ? this.libraryWindow : undefined;
  }

  send<Event extends StorydeskEventName>(window: BrowserWindow, event: Event, payload: StorydeskEvents[Event]): void {
    if (!window.isDestroyed()) window.webContents.send(eventChannelFor(event), payload);
  }

  broadcast<Event extends StorydeskEventName>(event: Event, payload: StorydeskEvents[Event]): void {
    for (const window of BrowserWindow.getAllWindows()) this.send(window, event, payload);
  }

  private createWindow(kind: WindowKind, url: string, title: string, openOfKind: number): BrowserWindow {
    const displays = displayAreas();
    const saved = this.states[kind];
    const bounds = cascade(placeWindow(kind, saved?.bounds, displays), openOfKind, displays);
    const window = new BrowserWindow(browserWindowOptions({ kind, bounds, preload: this.options.preload, title, isDevelopment: this.options.isDevelopment }));
    if (saved?.maximized) window.maximize();
    if (saved?.fullScreen) window.setFullScreen(true);
    window.once('ready-to-show', () => window.show());
    window.on('close', () => this.remember(kind, window));
    void window.loadURL(url);
    return window;
  }

  /** Keeps where a closing window was, for the next window of its kind. */
  private remember(kind: WindowKind, window: BrowserWindow): void {
    this.states[kind] = { bounds: window.getNormalBounds(), maximized: window.isMaximized(), fullScreen: window.isFullScreen() };
    try {
      writeWindowStates(this.options.userData, this.states);
    } catch (error) {
      // Losing a window's place is not worth interrupting the editor for.
      console.error(`Storydesk could not save the window positions: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function focus(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
