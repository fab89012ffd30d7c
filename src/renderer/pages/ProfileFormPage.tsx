import './ProfileFormPage.css';
import { useEffect, useRef, useState } from 'react';
import { passwordModes, type SslMode, sslModes } from '../../shared/profile';
import { ConnectionTestPanel } from '../components/ConnectionTestPanel';
import { DemoOffer } from '../components/DemoOffer';
import { ProfileFleetFields } from '../components/ProfileFleetFields';
import { describedBy, FieldMessages, inputId, TextField } from '../components/ProfileTextField';
import { SshSection } from '../components/SshTunnelSection';
import { UriBox } from '../components/UriBox';
import { passwordModeLabels, sslModeHints } from '../lib/format';
import { useApp, useDemo, useProfileForm, useProfiles, useStores } from '../stores';
import { NotFoundPage } from './NotFoundPage';

/** Labels of every field main may name in `error.fields`. */
const fieldLabels: Record<string, string> = {
  name: 'Name',
  host: 'Host',
  port: 'Port',
  database: 'Database',
  user: 'User',
  sslmode: 'sslmode',
  sslRootCert: 'CA certificate file',
  sslCert: 'Client certificate file',
  sslKey: 'Client key file',
  connectTimeoutSec: 'Connect timeout',
  statementTimeoutMs: 'Statement timeout',
  poolSize: 'Pool size',
  passwordMode: 'Password',
  password: 'Password',
};

function ErrorSummary() {
  const problem = useProfileForm((s) => s.problem);
  const fieldErrors = useProfileForm((s) => s.fieldErrors);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (problem) ref.current?.focus();
  }, [problem]);
  if (!problem) return null;
  const entries = Object.entries(fieldErrors);
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={ref} data-testid="error-summary">
      <h2>{problem.title}</h2>
      {entries.length ? (
        <ul>
          {entries.map(([field, message]) => (
            <li key={field}>
              {document.getElementById(inputId(field)) ? (
                <button
                  type="button"
                  className="link"
                  onClick={() => document.getElementById(inputId(field))?.focus()}
                >
                  {fieldLabels[field] ?? field}
                </button>
              ) : (
                <span>{fieldLabels[field] ?? field}</span>
              )}
              : {message}
            </li>
          ))}
        </ul>
      ) : (
        <p>{problem.error.message}</p>
      )}
    </div>
  );
}

function SslSection() {
  const { profileForm } = useStores();
  const sslmode = useProfileForm((s) => s.draft.sslmode);
  const error = useProfileForm((s) => s.fieldErrors.sslmode);
  return (
    <fieldset className="form-section">
      <legend>SSL</legend>
      <div className="field">
        <label htmlFor="pf-sslmode">sslmode</label>
        <select
          id="pf-sslmode"
          value={sslmode}
          onChange={(e) => profileForm.getState().setField('sslmode', e.target.value as SslMode)}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy('pf-sslmode-hint', error && 'pf-sslmode-error')}
        >
          {sslModes.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
        <FieldMessages field="sslmode" hint={sslModeHints[sslmode]} error={error} />
      </div>
      <TextField
        field="sslRootCert"
        label="CA certificate file"
        placeholder="~/.postgresql/root.crt"
        hint="Needed for verify-ca and verify-full (default ~/.postgresql/root.crt). Write system to trust the system's CAs, with verify-full only."
      />
      <div className="field-row">
        <TextField
          field="sslCert"
          label="Client certificate file"
          placeholder="~/.postgresql/postgresql.crt"
        />
        <TextField field="sslKey" label="Client key file" placeholder="~/.postgresql/postgresql.key" />
      </div>
    </fieldset>
  );
}

function PasswordSection({ password, setPassword }: { password: string; setPassword: (v: string) => void }) {
  const { profileForm } = useStores();
  const mode = useProfileForm((s) => s.draft.passwordMode);
  const allowCleartext = useProfileForm((s) => s.draft.allowCleartextPassword);
  const editing = useProfileForm((s) => s.editing);
  const copyOf = useProfileForm((s) => s.copyOf);
  const modeError = useProfileForm((s) => s.fieldErrors.passwordMode);
  const passwordError = useProfileForm((s) => s.fieldErrors.password);
  const secretStorage = useApp((s) => s.info?.secretStorage);
  const weak = secretStorage && !secretStorage.strong;
  const source = editing ?? copyOf;
  const stored = source?.hasStoredPassword && source.passwordMode === 'store';

  return (
    <fieldset className="form-section" aria-describedby={modeError ? 'pf-passwordMode-error' : undefined}>
      <legend>Password</legend>
      <div className="radio-group">
        {passwordModes.map((m) => (
          <div className="radio" key={m}>
            <input
              type="radio"
              id={`pf-passwordMode-${m}`}
              name="passwordMode"
              value={m}
              checked={mode === m}
              onChange={() => profileForm.getState().setField('passwordMode', m)}
              aria-describedby={m === 'store' && weak ? 'pf-store-note' : undefined}
            />
            <label htmlFor={`pf-passwordMode-${m}`}>
              {passwordModeLabels[m]}
              {m === 'store' && weak ? (
                <span className="radio-note warn" id="pf-store-note">
                  {secretStorage.note}
                </span>
              ) : null}
            </label>
          </div>
        ))}
      </div>
      {modeError ? (
        <p className="field-error" id="pf-passwordMode-error">
          {modeError}
        </p>
      ) : null}
      {mode === 'store' ? (
        <div className="field">
          <label htmlFor="pf-password">Password</label>
          <input
            id="pf-password"
            name="password"
            type="password"
            autoComplete="new-password"
            placeholder={stored ? 'Leave empty to keep the stored password (same server only)' : ''}
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
              if (passwordError) profileForm.getState().clearFieldError('password');
            }}
            aria-invalid={passwordError ? true : undefined}
            aria-describedby={describedBy('pf-password-hint', passwordError && 'pf-password-error')}
          />
          <FieldMessages
            field="password"
            hint={
              stored && copyOf
                ? `The password stored with “${copyOf.name}” is stored with the copy too. Type one to store another; it is asked for if the copy points at another host, port, database or user.`
                : stored
                  ? 'A password is stored. Type a new one to replace it, or to use it with another host, port, database or user.'
                  : 'Encrypted before it is written; it never comes back to this window.'
            }
            error={passwordError}
          />
        </div>
      ) : null}
      <div className="radio">
        <input
          type="checkbox"
          id="pf-allowCleartextPassword"
          checked={allowCleartext}
          onChange={(e) => profileForm.getState().setField('allowCleartextPassword', e.target.checked)}
          aria-describedby="pf-allowCleartextPassword-hint"
        />
        <label htmlFor="pf-allowCleartextPassword">
          Send the password in clear text over an unverified connection
          <span className="radio-note" id="pf-allowCleartextPassword-hint">
            Off: when the server asks for a plain password (pg_hba.conf method "password"), Tidemark sends it
            only over SSL verified with verify-ca or verify-full, so nobody on the way, and no server posing
            as this one, can read it.
          </span>
        </label>
      </div>
    </fieldset>
  );
}

/** `offerDemo`: the Add server page also offers the demo server, while there is none. */
export function FormBody({ title, offerDemo = false }: { title: string; offerDemo?: boolean }) {
  const { profileForm } = useStores();
  const testing = useProfileForm((s) => s.testing);
  const saving = useProfileForm((s) => s.saving);
  const testResult = useProfileForm((s) => s.testResult);
  const hasDemo = useDemo((s) => s.profileId !== null);
  // The password stays in this component (and its input) only; it is handed to test/save and never stored.
  const [password, setPassword] = useState('');

  return (
    <section aria-labelledby="page-title" className="form-page">
      <header className="page-head">
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
      </header>
      <div className="form-layout">
        <div className="form-main">
          <UriBox onPassword={setPassword} />
          <ErrorSummary />
          <form
            id="profile-form"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void profileForm.getState().save(password);
            }}
          >
            <fieldset className="form-section">
              <legend>Server</legend>
              <TextField
                field="name"
                label="Name"
                placeholder="e.g. orders-primary"
                hint="How this server appears in Tidemark."
              />
              <div className="field-row">
                <TextField field="host" label="Host" placeholder="e.g. db1.example.com" className="grow" />
                <TextField field="port" label="Port" numeric className="narrow" />
              </div>
              <div className="field-row">
                <TextField field="database" label="Database" />
                <TextField field="user" label="User" placeholder="e.g. monitor" />
              </div>
            </fieldset>
            <PasswordSection password={password} setPassword={setPassword} />
            <SslSection />
            <SshSection />
            <fieldset className="form-section">
              <legend>Limits</legend>
              <div className="field-row">
                <TextField field="connectTimeoutSec" label="Connect timeout" numeric unit="s" />
                <TextField field="statementTimeoutMs" label="Statement timeout" numeric unit="ms" />
                <TextField
                  field="poolSize"
                  label="Pool size"
                  numeric
                  hint="1–10 sessions. 1 for servers behind a session-limited pooler."
                />
              </div>
            </fieldset>
            <ProfileFleetFields />
            <div className="form-actions">
              <button
                type="button"
                onClick={() => void profileForm.getState().test(password)}
                disabled={testing}
              >
                {testing ? 'Testing…' : 'Test connection'}
              </button>
              <span className="header-spacer" />
              <button type="button" className="subtle" onClick={() => profileForm.getState().cancel()}>
                Cancel
              </button>
              <button type="submit" className="primary" disabled={saving}>
                {saving ? 'Saving…' : 'Save'}
              </button>
            </div>
          </form>
        </div>
        <aside className="form-aside" aria-label="Connection test">
          {!testResult && !testing ? (
            <p className="muted aside-hint">
              <strong>Test connection</strong> tries the settings as they are in the form, before you save
              them.
            </p>
          ) : null}
          <ConnectionTestPanel
            result={testResult}
            running={testing}
            onTrustHostKey={(key) => void profileForm.getState().test(password, key)}
          />
          {offerDemo && !hasDemo ? <DemoOffer /> : null}
        </aside>
      </div>
    </section>
  );
}

export function NewProfilePage() {
  const { profileForm } = useStores();
  const [ready, setReady] = useState(false);
  useEffect(() => {
    profileForm.getState().startNew();
    setReady(true);
  }, [profileForm]);
  return ready ? <FormBody title="Add a server" offerDemo /> : null;
}

export function EditProfilePage({ id }: { id: string }) {
  const { profileForm } = useStores();
  const loaded = useProfiles((s) => s.loaded);
  const profile = useProfiles((s) => s.profiles.find((p) => p.id === id));
  const editingId = useProfileForm((s) => s.editing?.id);
  useEffect(() => {
    if (profile && profileForm.getState().editing?.id !== profile.id)
      profileForm.getState().startEdit(profile);
  }, [profile, profileForm]);
  if (!loaded) return <p className="loading">Loading…</p>;
  if (!profile)
    return <NotFoundPage message="This server profile does not exist (it may have been deleted)." />;
  if (editingId !== id) return null;
  return <FormBody title={`Edit “${profile.name}”`} />;
}
