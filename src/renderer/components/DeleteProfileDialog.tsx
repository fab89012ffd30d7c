import './DeleteProfileDialog.css';
import { useState } from 'react';
import type { Profile } from '../../shared/profile';
import { endpointOf } from '../lib/format';
import { ConfirmDialog } from './ConfirmDialog';

export type HistoryChoice = 'delete' | 'keep';

/**
 * Deleting a profile asks what happens to its stored history: deleted with it (in batches), or kept
 * readable offline under Archived servers (the profile is then no longer watched and keeps no secret).
 * An archived profile is only ever deleted for good.
 */
export function DeleteProfileDialog({
  profile,
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  profile: Profile;
  busy: boolean;
  error?: string | null;
  onConfirm: (choice: HistoryChoice) => void;
  onCancel: () => void;
}) {
  const archived = Boolean(profile.archivedAt);
  const [choice, setChoice] = useState<HistoryChoice>('delete');
  const keep = !archived && choice === 'keep';
  return (
    <ConfirmDialog
      title={archived ? `Delete “${profile.name}” for good?` : `Delete “${profile.name}”?`}
      confirmLabel={keep ? 'Delete profile, keep history' : 'Delete profile and history'}
      busy={busy}
      error={error ?? null}
      onConfirm={() => onConfirm(keep ? 'keep' : 'delete')}
      onCancel={onCancel}
    >
      <p>
        Its connection settings{archived ? '' : ' and stored password'} are removed from this computer.
        Nothing changes on the server <span className="mono">{endpointOf(profile)}</span>.
      </p>
      {archived ? null : (
        <fieldset className="plain-fieldset radio-group history-choice" data-testid="history-choice">
          <legend>Its stored history (storage samples, heartbeats, disk facts, alerts)</legend>
          <label className="radio">
            <input
              type="radio"
              name="history-choice"
              value="delete"
              checked={choice === 'delete'}
              onChange={() => setChoice('delete')}
            />
            <span>
              <strong>Delete history</strong> — with its schedule and alert rules. Large histories are deleted
              in batches, so this may take a moment.
            </span>
          </label>
          <label className="radio">
            <input
              type="radio"
              name="history-choice"
              value="keep"
              checked={choice === 'keep'}
              onChange={() => setChoice('keep')}
            />
            <span>
              <strong>Keep history</strong> — the server is no longer sampled and leaves the sidebar; its
              charts and CSV stay readable under Settings › Archived servers, where it can be restored or
              deleted for good. No password is kept.
            </span>
          </label>
        </fieldset>
      )}
      {archived ? (
        <p>
          Its kept history is deleted too, in batches: storage samples, heartbeats, disk facts and alerts.
        </p>
      ) : null}
      <p>The migration journal of its tables is kept in the local history file.</p>
    </ConfirmDialog>
  );
}
