/**
 * The options every Storydesk window is created with. The web preferences are the Electron
 * security checklist's (items 2–4, 6, 8–10, 12): the page runs sandboxed and isolated from the
 * preload, with no Node anywhere, no `<webview>`, the same-origin policy on, no insecure content
 * and no experimental features. A pure function, so a test asserts every value.
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { MINIMUM_SIZE, type Rectangle, type WindowKind } from '../window-state';

export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webviewTag: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: true,
} as const satisfies WebPreferences;

export interface WindowOptionsInput {
  kind: WindowKind;
  bounds: Rectangle;
  /** Absolute path of dist/preload.cjs. */
  preload: string;
  title: string;
  /** Development runs may open the developer tools; release builds may not. */
  isDevelopment: boolean;
}

/** The background painted before the page's first frame, so a new window does not flash white in dark mode. */
const BACKGROUND = '#f6f5f2';

export function browserWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  const minimum = MINIMUM_SIZE[input.kind];
  return {
    ...input.bounds,
    minWidth: minimum.width,
    minHeight: minimum.height,
    title: input.title,
    backgroundColor: BACKGROUND,
    // Shown on 'ready-to-show', once the page has painted.
    show: false,
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: input.preload, devTools: input.isDevelopment },
  };
}
