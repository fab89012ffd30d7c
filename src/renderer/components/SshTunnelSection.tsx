import { useEffect, useState } from 'react';
import {
  type Profile,
  type SshHostKey,
  type SshSecretMode,
  sshSecretModes,
  type TunnelStatus,
} from '../../shared/profile';
import { formatTime } from '../lib/format';
import { useProfileForm, useStores } from '../stores';
import { TextField } from './ProfileTextField';

/** The SSH tunnel: its part of the profile form, of the Connection page, and of a failed test. */

const secretModeLabels: Record<SshSecretMode, string> = {
  none: 'None (an unencrypted key, or the SSH agent)',
  store: 'Stored encrypted on this computer',
  ask: 'Asked for once each time Tidemark starts',
};

/** The form's "SSH tunnel" section. */
export function SshSection() {
  const { profileForm } = useStores();
  const host = useProfileForm((s) => s.draft.sshHost);
  const mode = useProfileForm((s) => s.draft.sshSecretMode);
  const secret = useProfileForm((s) => s.sshSecret);
  const secretError = useProfileForm((s) => s.fieldErrors.sshSecret);
  const stored = useProfileForm((s) => {
    const source = s.editing ?? s.copyOf;
    return source?.hasStoredSshSecret && source.sshSecretMode === 'store';
  });
  return (
    <fieldset className="form-section" data-testid="ssh-section">
      <legend>SSH tunnel</legend>
      <TextField
        field="sshHost"
        label="SSH server or ~/.ssh/config alias"
        placeholder="e.g. bastion-prod (leave empty to connect directly)"
        hint="An alias uses its HostName, Port, User, IdentityFile and ProxyJump from ~/.ssh/config. The server above is then named as the last SSH server sees it (often localhost)."
      />
      {host.trim() ? (
        <>
          <div className="field-row">
            <TextField field="sshUser" label="SSH login" placeholder="from ~/.ssh/config" />
            <TextField field="sshPort" label="SSH server port" placeholder="22" />
          </div>
          <TextField
            field="sshKeyFile"
            label="Key file"
            placeholder="~/.ssh/id_ed25519"
            hint="Tried first; then the alias's IdentityFile, the SSH agent (SSH_AUTH_SOCK), and the passphrase below as a password."
          />
          <div className="field">
            <label htmlFor="pf-sshSecretMode">Key passphrase (or SSH password)</label>
            <select
              id="pf-sshSecretMode"
              value={mode}
              onChange={(e) =>
                profileForm.getState().setField('sshSecretMode', e.target.value as SshSecretMode)
              }
            >
              {sshSecretModes.map((m) => (
                <option key={m} value={m}>
                  {secretModeLabels[m]}
                </option>
              ))}
            </select>
          </div>
          {mode !== 'none' ? (
            <div className="field">
              <label htmlFor="pf-sshSecret">Passphrase</label>
              <input
                id="pf-sshSecret"
                type="password"
                autoComplete="off"
                placeholder={stored ? 'Leave empty to keep the stored passphrase (same tunnel only)' : ''}
                value={secret}
                onChange={(e) => profileForm.getState().setSshSecret(e.target.value)}
                aria-invalid={secretError ? true : undefined}
                aria-describedby={secretError ? 'pf-sshSecret-error' : undefined}
              />
              {secretError ? (
                <p className="field-error" id="pf-sshSecret-error" data-testid="error-sshSecret">
                  {secretError}
                </p>
              ) : null}
            </div>
          ) : null}
        </>
      ) : null}
    </fieldset>
  );
}

const stateLabels: Record<TunnelStatus['state'], string> = {
  up: 'up',
  connecting: 'connecting…',
  down: 'down',
  failed: 'failed',
};

/** The tunnel's line on the Connection page: where it goes and its state now. */
export function TunnelDetails({ profile }: { profile: Profile }) {
  const { profiles } = useStores();
  const [status, setStatus] = useState<TunnelStatus | null>(null);
  useEffect(() => {
    if (!profile.sshHost) return;
    let live = true;
    const read = async () => {
      const status = await profiles.getState().tunnel(profile.id);
      if (live) setStatus(status);
    };
    void read();
    const timer = setInterval(() => void read(), 5_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [profiles, profile.id, profile.sshHost]);
  if (!profile.sshHost) return null;
  const via = `${profile.sshUser ? `${profile.sshUser}@` : ''}${profile.sshHost}${profile.sshPort ? `:${profile.sshPort}` : ''}`;
  return (
    <div className="fact">
      <dt>SSH tunnel</dt>
      <dd>
        <span className="mono">{via}</span>{' '}
        <span data-testid="tunnel-state" data-state={status?.state ?? 'closed'}>
          {status ? stateLabels[status.state] : 'not opened yet'}
        </span>
        {status ? (
          <span className="fact-hint">
            {status.hops.length ? `${status.hops.join(' → ')}. ` : ''}
            {status.reason ? `${status.reason} ` : ''}
            {status.reconnects ? `Reopened ${status.reconnects}× since Tidemark started. ` : ''}
            Since {formatTime(status.at)}.
          </span>
        ) : null}
      </dd>
    </div>
  );
}

/** A first-use SSH host key: its fingerprint, and the choice to trust it. */
export function TrustHostKey({
  hostKey,
  onTrust,
}: {
  hostKey: SshHostKey;
  onTrust?: (fingerprint: string) => void;
}) {
  return (
    <div className="trust-host-key" data-testid="host-key">
      <p>
        {hostKey.host} presented a {hostKey.keyType} key:{' '}
        <code className="mono" data-testid="host-key-fingerprint">
          {hostKey.fingerprint}
        </code>
      </p>
      {onTrust ? (
        <button type="button" onClick={() => onTrust(hostKey.fingerprint)}>
          Trust this key and test again
        </button>
      ) : null}
    </div>
  );
}
