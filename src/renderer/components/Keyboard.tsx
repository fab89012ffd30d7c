import { useEffect, useId, useState } from 'react';
import {
  isTypingTarget,
  neighbourServerPath,
  type ShortcutId,
  serverOfPath,
  shortcutFor,
  shortcuts,
} from '../lib/shortcuts';
import { type Stores, useStores } from '../stores';
import { CommandPalette } from './CommandPalette';
import { Modal } from './Modal';

/** What each shortcut of lib/shortcuts.ts does; false when it does nothing here (the key is left alone). */
function act(id: ShortcutId, stores: Stores, showHelp: () => void): boolean {
  const { navigation, palette, profiles, sidebar, storage } = stores;
  const path = navigation.getState().path;
  const server = serverOfPath(path);
  switch (id) {
    case 'palette':
      palette.getState().show(server);
      return true;
    case 'help':
      showHelp();
      return true;
    case 'sample': {
      if (!server || !profiles.getState().profiles.some((p) => p.id === server)) return false;
      storage.getState().open(server);
      navigation.getState().navigate(`/profiles/${encodeURIComponent(server)}/storage`);
      if (!storage.getState().sampling) void storage.getState().sampleNow();
      return true;
    }
    case 'nextServer':
    case 'previousServer': {
      const ids = profiles.getState().profiles.map((p) => p.id);
      const next = neighbourServerPath(path, ids, id === 'nextServer' ? 1 : -1);
      if (!next) return false;
      navigation.getState().navigate(next);
      return true;
    }
    case 'sidebar':
      sidebar.getState().toggle();
      return true;
    case 'search': {
      const field = document.getElementById('rel-filter');
      if (!field) return false;
      field.focus();
      return true;
    }
  }
}

/**
 * The app's keyboard: one key handler for the shortcut table, the command
 * palette and the shortcuts overlay. Mounted once in the app shell.
 */
export function Keyboard() {
  const stores = useStores();
  const [help, setHelp] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      // An open dialog (this palette, a confirmation, a passphrase) owns the keyboard.
      if (document.querySelector('dialog[open]')) return;
      const shortcut = shortcutFor(event, isTypingTarget(event.target));
      if (shortcut && act(shortcut.id, stores, () => setHelp(true))) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [stores]);
  return (
    <>
      <CommandPalette />
      {help ? <ShortcutsHelp onClose={() => setHelp(false)} /> : null}
    </>
  );
}

function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const titleId = useId();
  return (
    <Modal titleId={titleId} onClose={onClose} className="shortcuts-help">
      <h2 id={titleId}>Keyboard shortcuts</h2>
      <div className="modal-body">
        <p>Single keys work when the cursor is not in a field.</p>
        <table className="shortcuts-table" data-testid="shortcuts-table">
          <thead>
            <tr>
              <th scope="col">Keys</th>
              <th scope="col">What it does</th>
            </tr>
          </thead>
          <tbody>
            {shortcuts.map((s) => (
              <tr key={s.id} data-shortcut={s.id}>
                <td>
                  {s.keys.map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                </td>
                <td>{s.description}</td>
              </tr>
            ))}
            <tr>
              <td>
                <kbd>Esc</kbd>
              </td>
              <td>Close a dialog, this list or the palette</td>
            </tr>
          </tbody>
        </table>
      </div>
      <div className="modal-actions">
        {/* biome-ignore lint/a11y/noAutofocus: the overlay's only control */}
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </Modal>
  );
}
