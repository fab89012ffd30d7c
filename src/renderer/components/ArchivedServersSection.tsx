import './ArchivedServersSection.css';
import { useState } from 'react';
import type { Profile } from '../../shared/profile';
import { endpointOf, formatStamp } from '../lib/format';
import { hrefOf } from '../lib/router';
import { useProfiles, useStores } from '../stores';
import { DeleteProfileDialog } from './DeleteProfileDialog';

/**
 * Servers deleted with their history kept: not sampled, out of the sidebar. Their history opens as
 * before (charts, CSV); each can be restored (watched again) or deleted for good.
 */
export function ArchivedServersSection() {
  const { profiles } = useStores();
  const archived = useProfiles((s) => s.archived);
  const [deleting, setDeleting] = useState<Profile | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const act = async (run: () => Promise<{ ok: true } | { ok: false; error: { message: string } }>) => {
    setBusy(true);
    setError(null);
    const result = await run();
    setBusy(false);
    if (result.ok) setDeleting(null);
    else setError(result.error.message);
  };

  return (
    <section
      className="form-section"
      id="archived-servers"
      aria-labelledby="archived-title"
      data-testid="archived-servers"
    >
      <h2 id="archived-title">Archived servers</h2>
      {archived.length === 0 ? (
        <p className="muted">
          None. Deleting a server with “Keep history” puts it here: not sampled, its history readable.
        </p>
      ) : (
        <ul className="archived-list">
          {archived.map((p) => (
            <li key={p.id} data-testid="archived-server">
              <span className="archived-name">
                <strong>{p.name}</strong>{' '}
                <span className="mono muted">
                  {p.user}@{endpointOf(p)}
                </span>
                {p.archivedAt ? <span className="muted"> · archived {formatStamp(p.archivedAt)}</span> : null}
              </span>
              <a className="button small" href={hrefOf(`/profiles/${encodeURIComponent(p.id)}/storage`)}>
                Open history
              </a>
              <button
                type="button"
                className="small"
                disabled={busy}
                onClick={() => void act(() => profiles.getState().restore(p.id))}
              >
                Restore
              </button>
              <button type="button" className="small danger-outline" onClick={() => setDeleting(p)}>
                Delete for good…
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && !deleting ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {deleting ? (
        <DeleteProfileDialog
          profile={deleting}
          busy={busy}
          error={error}
          onConfirm={() => void act(() => profiles.getState().remove(deleting.id))}
          onCancel={() => setDeleting(null)}
        />
      ) : null}
    </section>
  );
}
