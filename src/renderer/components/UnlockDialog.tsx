import { useId, useState } from 'react';
import { useStores, useUnlock } from '../stores';
import type { UnlockPrompt } from '../stores/unlock';
import { Modal } from './Modal';

/**
 * Asks for the password of a profile with passwordMode 'ask', or for its SSH key's passphrase with
 * sshSecretMode 'ask' (or for a draft's password, for one test).
 */
export function UnlockDialog() {
  const prompt = useUnlock((s) => s.prompt);
  if (!prompt) return null;
  // Keyed so each prompt starts with an empty field.
  return (
    <UnlockForm key={prompt.kind === 'profile' ? `${prompt.profileId} ${prompt.secret}` : prompt.title} />
  );
}

function wordsFor(prompt: UnlockPrompt) {
  if (prompt.kind === 'once')
    return { title: prompt.title, label: 'Password', explanation: prompt.message ?? '' };
  return prompt.secret === 'sshSecret'
    ? {
        title: `SSH passphrase for “${prompt.profileName}”`,
        label: 'Passphrase',
        explanation:
          'The SSH tunnel of this profile asks for its key passphrase (or SSH password) instead of storing it. Tidemark keeps it in memory until it quits.',
      }
    : {
        title: `Password for “${prompt.profileName}”`,
        label: 'Password',
        explanation:
          'This profile asks for its password instead of storing it. Tidemark keeps it in memory until it quits.',
      };
}

function UnlockForm() {
  const { unlock } = useStores();
  const prompt = useUnlock((s) => s.prompt)!;
  const busy = useUnlock((s) => s.busy);
  const error = useUnlock((s) => s.error);
  const [password, setPassword] = useState('');
  const titleId = useId();
  const inputId = useId();
  const errorId = useId();
  const { title, label, explanation } = wordsFor(prompt);

  return (
    <Modal titleId={titleId} onClose={() => unlock.getState().cancel()} className="unlock-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const value = password;
          setPassword('');
          void unlock.getState().submit(value);
        }}
      >
        <h2 id={titleId}>{title}</h2>
        {prompt.kind === 'profile' && prompt.message ? <p className="muted">{prompt.message}</p> : null}
        <p className="muted">{explanation}</p>
        <div className="field">
          <label htmlFor={inputId}>{label}</label>
          <input
            id={inputId}
            type="password"
            autoComplete="off"
            // biome-ignore lint/a11y/noAutofocus: the dialog exists to take this one input
            autoFocus
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
          />
          {error ? (
            <p className="field-error" id={errorId}>
              {error}
            </p>
          ) : null}
        </div>
        <div className="modal-actions">
          <button type="button" onClick={() => unlock.getState().cancel()}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Checking…' : prompt.kind === 'profile' ? 'Unlock' : 'Use for this test'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
