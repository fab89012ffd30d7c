import './ProfilePage.css';
import { type ReactNode, useState } from 'react';
import type { Profile } from '../../shared/profile';
import type { AppErrorData } from '../../shared/result';
import { ConnectionTestPanel } from '../components/ConnectionTestPanel';
import { DeleteProfileDialog, type HistoryChoice } from '../components/DeleteProfileDialog';
import { ProfileLayout } from '../components/ProfileLayout';
import { TunnelDetails } from '../components/SshTunnelSection';
import { formatTime, passwordModeLabels, sslModeHints } from '../lib/format';
import { hrefOf } from '../lib/router';
import { useProfiles, useStores } from '../stores';
import { findProfile } from '../stores/profiles';
import { NotFoundPage } from './NotFoundPage';

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function passwordText(p: Profile): string {
  if (p.passwordMode === 'store') {
    return p.hasStoredPassword
      ? passwordModeLabels.store
      : 'Stored encrypted — but no password is stored yet';
  }
  return passwordModeLabels[p.passwordMode];
}

function ProfileDetails({ profile }: { profile: Profile }) {
  return (
    <dl className="facts details">
      <Detail label="Host">
        <span className="mono">{profile.host}</span>
      </Detail>
      <Detail label="Port">
        <span className="mono">{profile.port}</span>
      </Detail>
      <Detail label="Database">
        <span className="mono">{profile.database}</span>
      </Detail>
      <Detail label="User">
        <span className="mono">{profile.user}</span>
      </Detail>
      <Detail label="Password">{passwordText(profile)}</Detail>
      <Detail label="sslmode">
        <span className="mono">{profile.sslmode}</span>
        <span className="fact-hint">{sslModeHints[profile.sslmode]}</span>
      </Detail>
      {profile.sslRootCert ? (
        <Detail label="CA certificate">
          <span className="mono">{profile.sslRootCert}</span>
        </Detail>
      ) : null}
      {profile.sslCert ? (
        <Detail label="Client certificate">
          <span className="mono">{profile.sslCert}</span>
        </Detail>
      ) : null}
      {profile.sslKey ? (
        <Detail label="Client key">
          <span className="mono">{profile.sslKey}</span>
        </Detail>
      ) : null}
      <TunnelDetails profile={profile} />
      <Detail label="Connect timeout">{profile.connectTimeoutSec} s</Detail>
      <Detail label="Statement timeout">{profile.statementTimeoutMs.toLocaleString()} ms</Detail>
      <Detail label="Pool size">
        {profile.poolSize} {profile.poolSize === 1 ? 'session' : 'sessions'}
      </Detail>
      <Detail label="Updated">{formatTime(profile.updatedAt)}</Detail>
    </dl>
  );
}

export function ProfilePage({ id }: { id: string }) {
  const { profiles, navigation } = useStores();
  const loaded = useProfiles((s) => s.loaded);
  const profile = useProfiles((s) => findProfile(s, id));
  const test = useProfiles((s) => s.tests[id]);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState<'delete' | null>(null);
  const [actionError, setActionError] = useState<AppErrorData | null>(null);

  if (!loaded) return <p className="loading">Loading…</p>;
  if (!profile)
    return <NotFoundPage message="This server profile does not exist (it may have been deleted)." />;

  const base = `/profiles/${encodeURIComponent(profile.id)}`;

  const remove = async (choice: HistoryChoice) => {
    setBusy('delete');
    const result = await profiles.getState().remove(profile.id, choice === 'keep');
    setBusy(null);
    if (result.ok) {
      setConfirming(false);
      navigation.getState().replace(choice === 'keep' ? '/settings' : '/');
    } else {
      setActionError(result.error);
      setConfirming(false);
    }
  };

  return (
    <ProfileLayout
      profileId={profile.id}
      tab="details"
      actions={
        <>
          <button
            type="button"
            className="primary"
            onClick={() => void profiles.getState().test(profile.id)}
            disabled={test?.running}
          >
            {test?.running ? 'Testing…' : 'Test connection'}
          </button>
          <a className="button" href={hrefOf(`${base}/edit`)}>
            Edit
          </a>
          {/* An unsaved copy in the Add server form: nothing is stored until Save. */}
          <a className="button" href={hrefOf(`${base}/copy`)}>
            Duplicate
          </a>
          <button type="button" className="danger-outline" onClick={() => setConfirming(true)}>
            Delete…
          </button>
        </>
      }
    >
      {() => (
        <>
          {actionError ? (
            <div className="banner banner-error" role="alert">
              <p>{actionError.message}</p>
            </div>
          ) : null}

          <div className="profile-columns">
            <section className="card" aria-labelledby="connection-title">
              <h2 id="connection-title">Connection</h2>
              <ProfileDetails profile={profile} />
            </section>
            <section className="card" aria-labelledby="test-section-title">
              <h2 id="test-section-title">Connection test</h2>
              {!test?.result && !test?.running && !test?.error ? (
                <p className="muted">
                  Not tested since Tidemark started. <strong>Test connection</strong> shows the server
                  version, your rights, TimescaleDB, SSL and the round-trip time.
                </p>
              ) : null}
              <ConnectionTestPanel
                result={test?.result ?? null}
                running={test?.running ?? false}
                error={test?.error}
                onTrustHostKey={(key) => void profiles.getState().test(profile.id, key)}
              />
            </section>
          </div>

          {confirming ? (
            <DeleteProfileDialog
              profile={profile}
              busy={busy === 'delete'}
              onConfirm={(choice) => void remove(choice)}
              onCancel={() => setConfirming(false)}
            />
          ) : null}
        </>
      )}
    </ProfileLayout>
  );
}
