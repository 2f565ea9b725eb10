// The window commands' shortcuts as the page hears them: the platform's modifier, the physical
// key, and the browser's own keys left alone in a browser tab.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { acceleratorFor, COMMAND_SHORTCUTS, commandForKeyPress, EDITOR_SHORTCUTS, editorKeysLabel, shortcutLabel, WINDOW_COMMANDS, type KeyPress } from '../shared/commands';

function press(code: string, modifiers: Partial<KeyPress> = {}): KeyPress {
  const key = code.startsWith('Key') ? code.slice(3).toLowerCase() : code === 'Slash' ? '/' : code;
  return { key, code, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...modifiers };
}

describe('window command shortcuts', () => {
  it('answers Ctrl on Linux and Windows and ⌘ on macOS, never the other', () => {
    expect(commandForKeyPress(press('KeyS', { ctrlKey: true }), { isMac: false, inBrowser: false })).toBe('save');
    expect(commandForKeyPress(press('KeyS', { metaKey: true }), { isMac: true, inBrowser: false })).toBe('save');
    expect(commandForKeyPress(press('KeyS', { metaKey: true }), { isMac: false, inBrowser: false })).toBeUndefined();
    expect(commandForKeyPress(press('KeyS', { ctrlKey: true }), { isMac: true, inBrowser: false })).toBeUndefined();
    expect(commandForKeyPress(press('KeyS'), { isMac: false, inBrowser: false })).toBeUndefined();
  });

  it('tells shifted shortcuts from plain ones, and leaves Ctrl+I, B, K and the clipboard to the text editor', () => {
    expect(commandForKeyPress(press('KeyO', { ctrlKey: true, shiftKey: true, key: 'O' }), { isMac: false, inBrowser: true })).toBe('import');
    expect(commandForKeyPress(press('KeyO', { ctrlKey: true }), { isMac: false, inBrowser: true })).toBeUndefined();
    expect(commandForKeyPress(press('KeyH', { ctrlKey: true, shiftKey: true }), { isMac: false, inBrowser: true })).toBe('show-history');
    for (const code of ['KeyI', 'KeyB', 'KeyK', 'KeyU', 'KeyY', 'KeyC', 'KeyV', 'KeyX', 'KeyA']) {
      expect(commandForKeyPress(press(code, { ctrlKey: true }), { isMac: false, inBrowser: true }), code).toBeUndefined();
    }
    expect(commandForKeyPress(press('KeyK', { ctrlKey: true, shiftKey: true }), { isMac: false, inBrowser: true }), 'cite').toBeUndefined();
    // Undo and redo are the page's own, in Electron too (the menu shows them without taking them).
    expect(commandForKeyPress(press('KeyZ', { ctrlKey: true }), { isMac: false, inBrowser: false })).toBe('undo');
    expect(commandForKeyPress(press('KeyZ', { metaKey: true, shiftKey: true }), { isMac: true, inBrowser: false })).toBe('redo');
  });

  it('offers Ctrl+Alt+N for a new story in a browser tab, where Ctrl+N belongs to the browser', () => {
    // Alt changes the key a Mac reports (˜), not the physical key.
    expect(commandForKeyPress(press('KeyN', { metaKey: true, altKey: true, key: '˜' }), { isMac: true, inBrowser: true })).toBe('new-story');
    expect(commandForKeyPress(press('KeyN', { ctrlKey: true, altKey: true }), { isMac: false, inBrowser: false })).toBeUndefined();
    expect(commandForKeyPress(press('Slash', { ctrlKey: true }), { isMac: false, inBrowser: false })).toBe('show-shortcuts');
  });

  it('gives each command at most one shortcut, and no two commands the same one', () => {
    const spelled = WINDOW_COMMANDS.flatMap((command) => {
      const shortcut = COMMAND_SHORTCUTS[command];
      return shortcut ? [acceleratorFor(shortcut, false)] : [];
    });
    expect(new Set(spelled).size).toBe(spelled.length);
    expect(shortcutLabel({ key: 'O', shift: true }, true)).toBe('⌘⇧O');
    expect(shortcutLabel({ key: 'O', shift: true }, false)).toBe('Ctrl+Shift+O');
  });
});

describe('the README’s shortcut table', () => {
  it('names every shortcut the workbench answers', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('### Keyboard shortcuts'), readme.indexOf('\n## ', readme.indexOf('### Keyboard shortcuts')));
    for (const command of WINDOW_COMMANDS) {
      const shortcut = COMMAND_SHORTCUTS[command];
      if (shortcut) expect(table, command).toContain(`| ${acceleratorFor(shortcut, false)}`);
    }
    for (const { keys } of EDITOR_SHORTCUTS) {
      for (const key of editorKeysLabel(keys, false).split(' / ')) expect(table, keys).toContain(key);
    }
  });
});
