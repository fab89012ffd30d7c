import './ImportPage.css';
import { useEffect } from 'react';
import type { ProfileCandidate } from '../../shared/profile';
import { hrefOf } from '../lib/router';
import { useDiscover, useStores } from '../stores';

const sourceLabel: Record<ProfileCandidate['source'], string> = {
  pg_service: 'pg_service.conf',
  pgpass: '.pgpass',
};

function endpointOfCandidate(c: ProfileCandidate): string {
  const { user, host, port, database } = c.input;
  const where = `${host ?? '?'}:${port ?? 5432}/${database ?? '?'}`;
  return user ? `${user}@${where}` : where;
}

function SearchedFiles({ searched }: { searched: string[] }) {
  if (searched.length === 0) return null;
  return (
    <details className="searched">
      <summary>Where Tidemark looked</summary>
      <ul>
        {searched.map((line) => (
          <li key={line} className="mono">
            {line}
          </li>
        ))}
      </ul>
    </details>
  );
}

export function ImportPage() {
  const { discover } = useStores();
  const status = useDiscover((s) => s.status);
  const error = useDiscover((s) => s.error);
  const candidates = useDiscover((s) => s.candidates);
  const searched = useDiscover((s) => s.searched);
  const selected = useDiscover((s) => s.selected);
  const importing = useDiscover((s) => s.importing);
  const outcomes = useDiscover((s) => s.outcomes);

  useEffect(() => {
    void discover.getState().discover();
  }, [discover]);

  const imported = Object.values(outcomes).filter((o) => o.ok).length;

  return (
    <section aria-labelledby="page-title" className="import-page">
      <header className="page-head">
        <div>
          <h1 id="page-title" tabIndex={-1}>
            Import servers
          </h1>
          <p className="muted">
            From your <span className="mono">pg_service.conf</span> and <span className="mono">.pgpass</span>.
            Passwords stay in <span className="mono">.pgpass</span>; Tidemark reads them there when it
            connects.
          </p>
        </div>
        <div className="page-actions">
          <button
            type="button"
            onClick={() => void discover.getState().discover()}
            disabled={status === 'searching'}
          >
            Search again
          </button>
        </div>
      </header>

      {status === 'searching' ? <p className="loading">Looking for pg_service.conf and .pgpass…</p> : null}
      {status === 'failed' ? (
        <div className="banner banner-error" role="alert">
          <p>{error}</p>
        </div>
      ) : null}

      {status === 'ready' && candidates.length === 0 ? (
        <div className="card">
          <p>No servers found.</p>
          <SearchedFiles searched={searched} />
          <a className="button primary" href={hrefOf('/profiles/new')}>
            Add a server by hand
          </a>
        </div>
      ) : null}

      {status === 'ready' && candidates.length > 0 ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void discover.getState().importSelected();
          }}
        >
          <fieldset className="card candidate-list">
            <legend className="visually-hidden">Servers found</legend>
            <ul>
              {candidates.map((c, i) => {
                const outcome = outcomes[i];
                const id = `candidate-${i}`;
                return (
                  <li
                    // biome-ignore lint/suspicious/noArrayIndexKey: candidates are a fixed list per search
                    key={i}
                    className={c.problem ? 'candidate disabled' : 'candidate'}
                    data-testid="import-candidate"
                  >
                    <input
                      type="checkbox"
                      id={id}
                      checked={selected.includes(i)}
                      disabled={Boolean(c.problem) || importing || outcome?.ok === true}
                      onChange={() => discover.getState().toggle(i)}
                      aria-describedby={`${id}-detail`}
                    />
                    <label htmlFor={id}>
                      <span className="candidate-name">{c.input.name ?? c.label}</span>
                      <span className="badge">{sourceLabel[c.source]}</span>
                    </label>
                    <div className="candidate-detail" id={`${id}-detail`}>
                      <span className="mono">{endpointOfCandidate(c)}</span>
                      {c.problem ? <span className="candidate-problem">{c.problem}</span> : null}
                      {outcome?.ok ? (
                        <a
                          href={hrefOf(`/profiles/${encodeURIComponent(outcome.profileId)}`)}
                          className="ok-text"
                        >
                          Imported as “{outcome.name}”
                        </a>
                      ) : null}
                      {outcome && !outcome.ok ? <span className="field-error">{outcome.message}</span> : null}
                    </div>
                  </li>
                );
              })}
            </ul>
          </fieldset>
          <SearchedFiles searched={searched} />
          <div className="form-actions">
            <span className="muted">{imported > 0 ? `${imported} imported.` : ''}</span>
            <span className="header-spacer" />
            <a className="button subtle" href={hrefOf('/')}>
              {imported > 0 ? 'Done' : 'Cancel'}
            </a>
            <button type="submit" className="primary" disabled={importing || selected.length === 0}>
              {importing ? 'Importing…' : `Import ${selected.length || ''} selected`.replace('  ', ' ')}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
