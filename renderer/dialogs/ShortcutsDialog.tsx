/** Help: every window command with its shortcut on this platform, read from the same table as the menus. */
import { BROWSER_SHORTCUTS, COMMAND_LABELS, COMMAND_SHORTCUTS, EDITOR_SHORTCUTS, editorKeysLabel, shortcutLabel, WINDOW_COMMANDS } from '../../shared/commands';
import { inElectron, isMac, runCommand } from '../commands';
import { Dialog } from './Dialog';

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const mac = isMac();
  const browser = !inElectron();
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} className="shortcuts-dialog">
      <table>
        <thead>
          <tr>
            <th scope="col">Command</th>
            <th scope="col">Shortcut</th>
          </tr>
        </thead>
        <tbody>
          {WINDOW_COMMANDS.filter((command) => command !== 'show-documentation').map((command) => {
            const shortcut = COMMAND_SHORTCUTS[command];
            const alternative = browser ? BROWSER_SHORTCUTS[command] : undefined;
            return (
              <tr key={command}>
                <th scope="row">
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      onClose();
                      if (command !== 'show-shortcuts') runCommand(command);
                    }}
                  >
                    {COMMAND_LABELS[command]}
                  </button>
                </th>
                <td>
                  {alternative ? <kbd>{shortcutLabel(alternative, mac)}</kbd> : shortcut ? <kbd>{shortcutLabel(shortcut, mac)}</kbd> : '—'}
                </td>
              </tr>
            );
          })}
          <tr>
            <th scope="row">Move through the library list</th>
            <td>
              <kbd>↑</kbd> <kbd>↓</kbd> <kbd>Home</kbd> <kbd>End</kbd>, <kbd>Enter</kbd> opens
            </td>
          </tr>
          {EDITOR_SHORTCUTS.map(({ action, keys }) => (
            <tr key={action}>
              <th scope="row">{action}</th>
              <td>
                <kbd>{editorKeysLabel(keys, mac)}</kbd>
              </td>
            </tr>
          ))}
          <tr>
            <th scope="row">Clear the search</th>
            <td>
              <kbd>Esc</kbd> in the search box
            </td>
          </tr>
        </tbody>
      </table>
      {browser ? <p className="hint">In a browser tab, New Story is {shortcutLabel(BROWSER_SHORTCUTS['new-story'] ?? { key: 'N' }, mac)}: the browser keeps {shortcutLabel({ key: 'N' }, mac)} for a new window.</p> : null}
    </Dialog>
  );
}
