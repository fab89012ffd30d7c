import { useId, useRef } from 'react';
import type { ProfileFileImport } from '../../shared/profile-transfer';
import { hrefOf } from '../lib/router';
import { useProfileTransfer, useStores } from '../stores';

const outcomeWords = {
  preview: { added: 'Will be added', skipped: 'Skipped', refused: 'Refused' },
  done: { added: 'Added', skipped: 'Skipped', refused: 'Refused' },
} as const;

/** Per entry of the file: what happens (or happened) to it, and why. */
function ImportReport({ report, caption }: { report: ProfileFileImport; caption: string }) {
  const words = outcomeWords[report.dryRun ? 'preview' : 'done'];
  return (
    <div className="table-scroll">
      <table className="data-table transfer-report" data-testid="transfer-report">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Profile</th>
            <th scope="col">What happens</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {report.entries.map((e) => (
            <tr key={e.entry} data-outcome={e.outcome}>
              <td>
                {e.profileId ? (
                  <a href={hrefOf(`/profiles/${encodeURIComponent(e.profileId)}`)}>{e.name}</a>
                ) : (
                  (e.name ?? `Entry ${e.entry}`)
                )}
              </td>
              <td className={e.outcome === 'refused' ? 'field-error' : undefined}>{words[e.outcome]}</td>
              <td>
                {e.reason ? <p>{e.reason}</p> : null}
                {e.notes.map((note) => (
                  <p key={note} className="muted small-text">
                    {note}
                  </p>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const count = (report: ProfileFileImport, outcome: 'added' | 'skipped' | 'refused') =>
  report.entries.filter((e) => e.outcome === outcome).length;

/**
 * Settings → Profiles in and out: every profile's settings to a file for another
 * workstation, and such a file in. No secret travels; nothing stored is replaced.
 */
export function ProfileTransferSection() {
  const { profileTransfer } = useStores();
  const exporting = useProfileTransfer((s) => s.exporting);
  const exported = useProfileTransfer((s) => s.exported);
  const picked = useProfileTransfer((s) => s.picked);
  const result = useProfileTransfer((s) => s.result);
  const busy = useProfileTransfer((s) => s.busy);
  const error = useProfileTransfer((s) => s.error);
  const fileInput = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const toAdd = picked ? count(picked.preview, 'added') : 0;
  const clearFile = () => {
    if (fileInput.current) fileInput.current.value = '';
  };

  return (
    <section className="form-section" aria-labelledby="transfer-title" data-testid="profile-transfer">
      <h2 id="transfer-title">Profiles in and out</h2>
      <p className="muted">
        Export every server profile to a JSON file to set up another workstation. The file holds no password,
        SSH passphrase or key (key file paths and SSH aliases are kept): what is stored here is asked for
        there.
      </p>
      <div className="form-actions">
        <button
          type="button"
          onClick={() => void profileTransfer.getState().exportFile()}
          disabled={exporting}
        >
          {exporting ? 'Exporting…' : 'Export profiles…'}
        </button>
        {exported ? (
          <span role="status" className="muted" data-testid="transfer-exported">
            {exported.count} profile{exported.count === 1 ? '' : 's'} saved as {exported.fileName}.
          </span>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={inputId}>Import profiles from a file</label>
        <input
          ref={fileInput}
          id={inputId}
          type="file"
          accept=".json,application/json"
          disabled={busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void profileTransfer.getState().pick(file);
          }}
          aria-describedby={`${inputId}-hint`}
        />
        <p className="field-hint" id={`${inputId}-hint`}>
          Nothing is saved until you confirm. A profile whose name exists here is skipped, never replaced.
        </p>
      </div>
      {error ? (
        <p className="field-error" role="alert" data-testid="transfer-error">
          {error.message}
        </p>
      ) : null}
      {picked ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void profileTransfer.getState().confirm().then(clearFile);
          }}
        >
          <p role="status">
            {picked.fileName}: {toAdd} to add, {count(picked.preview, 'skipped')} skipped,{' '}
            {count(picked.preview, 'refused')} refused.
          </p>
          <ImportReport report={picked.preview} caption={`What importing ${picked.fileName} would do`} />
          <div className="form-actions">
            <button
              type="button"
              onClick={() => {
                profileTransfer.getState().cancel();
                clearFile();
              }}
            >
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy || toAdd === 0}>
              {busy ? 'Importing…' : `Import ${toAdd} profile${toAdd === 1 ? '' : 's'}`}
            </button>
          </div>
        </form>
      ) : null}
      {result ? (
        <>
          <p role="status" data-testid="transfer-result">
            {count(result, 'added')} added, {count(result, 'skipped')} skipped, {count(result, 'refused')}{' '}
            refused.
          </p>
          <ImportReport report={result} caption="What the import did" />
        </>
      ) : null}
    </section>
  );
}
