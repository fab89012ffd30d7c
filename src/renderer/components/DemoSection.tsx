import { useEffect, useState } from 'react';
import { formatBytes } from '../../shared/bytes';
import { useDemo, useProfiles, useStores } from '../stores';
import { ConfirmDialog } from './ConfirmDialog';

/** Settings: where the demo server's files are, how big, and a way to delete them. */
export function DemoSection() {
  const { demo } = useStores();
  const status = useDemo((s) => s.status);
  const deleting = useDemo((s) => s.deleting);
  const error = useDemo((s) => s.error);
  const profileName = useProfiles((s) => s.profiles.find((p) => p.id === status?.profileId)?.name);
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    void demo.getState().loadStatus(true);
  }, [demo]);

  if (!status?.setUp) return null;
  const sizeText = status.sizeBytes === null ? 'an unknown size' : formatBytes(status.sizeBytes);
  return (
    <section
      className="form-section demo-section"
      aria-labelledby="demo-section-title"
      data-testid="demo-section"
    >
      <h2 id="demo-section-title">Demo server</h2>
      <p>
        Its files take <strong data-testid="demo-size">{sizeText}</strong> in{' '}
        <span className="mono" data-testid="demo-location">
          {status.location}
        </span>
        {status.inDataFolder
          ? ' (in the data folder)'
          : ' (a temporary folder: PostgreSQL cannot run as root)'}
        . It is {status.running ? 'running' : 'stopped'} and starts again with Tidemark while its profile
        exists.
      </p>
      <button type="button" className="danger" onClick={() => setConfirming(true)} data-testid="demo-delete">
        Delete the demo server…
      </button>
      {confirming ? (
        <ConfirmDialog
          title="Delete the demo server?"
          confirmLabel="Delete the demo server"
          busy={deleting}
          error={error?.message ?? null}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            void demo
              .getState()
              .remove()
              .then((done) => {
                if (done) setConfirming(false);
              });
          }}
        >
          <p>
            This stops it and deletes its files ({sizeText})
            {profileName ? <>, and the profile “{profileName}” with its storage history and alerts</> : null}.
            Your other servers and their history are not touched. You can start a new demo server later.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
