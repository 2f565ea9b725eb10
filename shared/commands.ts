/**
 * The workbench's window commands and their shortcuts, in one table. In Electron they are items
 * of the native menus (electron/menu.ts builds the accelerators from this table, and main sends
 * the chosen command to the focused window); in a browser tab the page listens for the same keys
 * itself. The Keyboard Shortcuts dialog lists this table, so what it says is what works.
 */

export const WINDOW_COMMANDS = [
  'undo',
  'redo',
  'new-story',
  'save',
  'import',
  'export',
  'back-up-library',
  'show-backups',
  'find-in-library',
  'show-history',
  'show-shortcuts',
  'show-documentation',
] as const;
export type WindowCommand = (typeof WINDOW_COMMANDS)[number];

export const COMMAND_LABELS: Record<WindowCommand, string> = {
  undo: 'Undo',
  redo: 'Redo',
  'new-story': 'New Story',
  save: 'Save Now',
  import: 'Import…',
  export: 'Export…',
  'back-up-library': 'Back Up Library',
  'show-backups': 'Backups…',
  'find-in-library': 'Find in Library',
  'show-history': 'Revision History…',
  'show-shortcuts': 'Keyboard Shortcuts',
  'show-documentation': 'Storydesk Documentation',
};

/** A key pressed with the platform's primary modifier (⌘ on macOS, Ctrl elsewhere). */
export interface Shortcut {
  /** A letter A–Z, or "/". */
  key: string;
  shift?: boolean;
  alt?: boolean;
}

/**
 * Ctrl/⌘+I, B and K are left to the text editor (italic, bold, link), and Ctrl/⌘+X, C, V and A
 * to the Edit menu's own roles. Undo and redo are the story editor's: in the story they undo
 * whole edits (typing, adding, moving, deleting) across all its fields; elsewhere, in a search box
 * or a dialog, the field's own undo.
 */
export const COMMAND_SHORTCUTS: Partial<Record<WindowCommand, Shortcut>> = {
  undo: { key: 'Z' },
  redo: { key: 'Z', shift: true },
  'new-story': { key: 'N' },
  save: { key: 'S' },
  import: { key: 'O', shift: true },
  export: { key: 'E', shift: true },
  'back-up-library': { key: 'B', shift: true },
  'find-in-library': { key: 'F' },
  'show-history': { key: 'H', shift: true },
  'show-shortcuts': { key: '/' },
};

/**
 * Keys a browser keeps for itself (Ctrl+N opens a browser window, and a page never hears it): in
 * browser mode the page also answers these instead.
 */
export const BROWSER_SHORTCUTS: Partial<Record<WindowCommand, Shortcut>> = {
  'new-story': { key: 'N', alt: true },
};

/** The shortcut as Electron's accelerator string, e.g. `Ctrl+Shift+O` or `Cmd+N`. */
export function acceleratorFor(shortcut: Shortcut, isMac: boolean): string {
  return [isMac ? 'Cmd' : 'Ctrl', ...(shortcut.alt ? ['Alt'] : []), ...(shortcut.shift ? ['Shift'] : []), shortcut.key].join('+');
}

/** The shortcut as an editor reads it: `⌘⇧O` on macOS, `Ctrl+Shift+O` elsewhere. */
export function shortcutLabel(shortcut: Shortcut, isMac: boolean): string {
  if (isMac) return `⌘${shortcut.alt ? '⌥' : ''}${shortcut.shift ? '⇧' : ''}${shortcut.key}`;
  return acceleratorFor(shortcut, false);
}

/** What a keyboard event reports, as far as shortcuts care. */
export interface KeyPress {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

function matches(press: KeyPress, shortcut: Shortcut, isMac: boolean): boolean {
  const primary = isMac ? press.metaKey && !press.ctrlKey : press.ctrlKey && !press.metaKey;
  if (!primary || press.shiftKey !== Boolean(shortcut.shift) || press.altKey !== Boolean(shortcut.alt)) return false;
  // The physical key for letters, so Alt and Shift (which change `key`) do not hide it.
  return shortcut.key === '/' ? press.key === '/' || press.code === 'Slash' : press.code === `Key${shortcut.key}`;
}

/** The command a key press asks for in the page, if any. */
export function commandForKeyPress(press: KeyPress, options: { isMac: boolean; inBrowser: boolean }): WindowCommand | undefined {
  const tables = options.inBrowser ? [COMMAND_SHORTCUTS, BROWSER_SHORTCUTS] : [COMMAND_SHORTCUTS];
  for (const table of tables) {
    for (const command of WINDOW_COMMANDS) {
      const shortcut = table[command];
      if (shortcut && matches(press, shortcut, options.isMac)) return command;
    }
  }
  return undefined;
}

/**
 * Keys the story editor answers besides the window commands, as the Keyboard Shortcuts dialog and
 * the README list them. `keys` use "Mod" for Ctrl (⌘ on macOS).
 */
export const EDITOR_SHORTCUTS: readonly { action: string; keys: string }[] = [
  { action: 'Cite a source (a list of sources opens; type to filter, ↑↓ and Enter to insert, Esc keeps the “[”)', keys: '[' },
  { action: 'Cite a source at the cursor, or after the selected sentence', keys: 'Mod+Shift+K' },
  { action: 'Bold', keys: 'Mod+B' },
  { action: 'Italic', keys: 'Mod+I' },
  { action: 'Link', keys: 'Mod+K' },
  { action: 'Move a section, source or timeline entry up or down', keys: 'Alt+↑ / Alt+↓' },
  { action: 'Remove a citation', keys: 'Backspace after it' },
];

/** An EDITOR_SHORTCUTS key spelled for this platform: `Ctrl+Shift+K` or `⌘⇧K`. */
export function editorKeysLabel(keys: string, isMac: boolean): string {
  if (!isMac) return keys.replaceAll('Mod+', 'Ctrl+');
  return keys.replaceAll('Mod+Shift+', '⌘⇧').replaceAll('Mod+', '⌘');
}
