import { DemoOffer } from '../components/DemoOffer';
import { DemoBadge } from '../components/ProfileLayout';
import { StatusDot } from '../components/StatusDot';
import { endpointOf } from '../lib/format';
import { hrefOf } from '../lib/router';
import { useDemo, useProfiles, useStores } from '../stores';

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

function Overview() {
  const profiles = useProfiles((s) => s.profiles);
  const status = useProfiles((s) => s.status);
  return (
    <section aria-labelledby="page-title">
      <header className="page-head">
        <div>
          <h1 id="page-title" tabIndex={-1}>
            Servers
          </h1>
          <p className="muted">Pick a server to see where its storage goes and how fast it grows.</p>
        </div>
        <div className="page-actions">
          <a className="button primary" href={hrefOf('/profiles/new')}>
            Add server
          </a>
        </div>
      </header>
      <ul className="card-grid">
        {profiles.map((p) => (
          <li key={p.id}>
            <a className="card card-link" href={hrefOf(`/profiles/${encodeURIComponent(p.id)}/storage`)}>
              <span className="card-title">
                <StatusDot state={status[p.id]?.state ?? 'unknown'} detail={status[p.id]?.message} />
                {p.name}
                <DemoBadge profileId={p.id} />
              </span>
              <span className="mono muted">
                {p.user}@{endpointOf(p)}
              </span>
            </a>
          </li>
        ))}
      </ul>
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
