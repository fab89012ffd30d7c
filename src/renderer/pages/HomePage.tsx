import { useEffect } from 'react';
import { DemoOffer } from '../components/DemoOffer';
import { FleetTable } from '../components/FleetTable';
import { LoadError } from '../components/Values';
import { fleetTags } from '../lib/fleet';
import { hrefOf } from '../lib/router';
import { useFleet, useProfiles, useStores } from '../stores';

function EmptyState() {
  return (
    <section className="empty-state" data-testid="empty-state" aria-labelledby="page-title">
      <div className="empty-mark" aria-hidden="true" />
      <h1 id="page-title" tabIndex={-1}>
        Welcome to Tidemark
      </h1>
      <p className="lede">
        Tidemark watches where the storage of your PostgreSQL servers goes and how fast it grows, and keeps
        that history on this computer.
      </p>
      <p>Start by telling it how to reach a server. Nothing is written to the server: Tidemark only reads.</p>
      <div className="empty-actions">
        <a className="button primary large" href={hrefOf('/profiles/new')}>
          Add your first server
        </a>
        <a className="button large" href={hrefOf('/import')}>
          Import from pg_service.conf / .pgpass
        </a>
      </div>
      <DemoOffer />
    </section>
  );
}

/** The start page: every server in one row, most at risk first (built in main by fleet:overview). */
function Overview() {
  const { fleet } = useStores();
  const overview = useFleet((s) => s.overview);
  const filter = useFleet((s) => s.filter);
  const tag = useFleet((s) => s.tag);
  const byTag = useFleet((s) => s.byTag);
  // Read on opening; samples, alerts, state flips and profile edits keep it current (stores/fleet.ts).
  useEffect(() => {
    void fleet.getState().load();
  }, [fleet]);
  const rows = overview.data?.rows ?? null;
  const tags = rows ? fleetTags(rows) : [];
  return (
    <section aria-labelledby="page-title">
      <header className="page-head">
        <div>
          <h1 id="page-title" tabIndex={-1}>
            Fleet
          </h1>
          <p className="muted">
            Every server, most at risk first: down, then critical alerts, then the disk or critical size
            soonest full, then warnings. Click a column to sort by it.
          </p>
        </div>
        <div className="page-actions">
          <a className="button primary" href={hrefOf('/profiles/new')}>
            Add server
          </a>
        </div>
      </header>
      <div className="fleet-controls">
        <input
          type="search"
          aria-label="Filter servers"
          placeholder="Filter by name, host or tag"
          value={filter}
          onChange={(e) => fleet.getState().setFilter(e.target.value)}
          data-testid="fleet-filter"
        />
        <label>
          Tag{' '}
          <select
            value={tag ?? ''}
            onChange={(e) => fleet.getState().setTag(e.target.value === '' ? null : e.target.value)}
            data-testid="fleet-tag"
          >
            <option value="">All servers</option>
            {tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={byTag}
            onChange={(e) => fleet.getState().setByTag(e.target.checked)}
            data-testid="fleet-by-tag"
          />{' '}
          Group by tag
        </label>
      </div>
      {overview.error ? (
        <LoadError message={overview.error.message} onRetry={() => void fleet.getState().load()} />
      ) : null}
      {rows ? <FleetTable rows={rows} /> : <p className="loading">Loading…</p>}
    </section>
  );
}

export function HomePage() {
  const loaded = useProfiles((s) => s.loaded);
  const loadError = useProfiles((s) => s.loadError);
  const count = useProfiles((s) => s.profiles.length);
  if (!loaded) return <p className="loading">Loading…</p>;
  if (loadError)
    return (
      <div className="banner banner-error" role="alert">
        <p>{loadError}</p>
      </div>
    );
  return count === 0 ? <EmptyState /> : <Overview />;
}
