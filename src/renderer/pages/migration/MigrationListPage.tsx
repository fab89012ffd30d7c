import { displayName } from '../../../shared/ident';
import './MigrationListPage.css';
import { useEffect } from 'react';
import type { MigrationSummary } from '../../../shared/migration';
import { finishedStates } from '../../../shared/migration-actions';
import type { Profile } from '../../../shared/profile';
import { CheckIcon, ErrorNote, StateBadge } from '../../components/MigrationParts';
import { ProfileLayout } from '../../components/ProfileLayout';
import { LoadError, RelTime } from '../../components/Values';
import { exactTime, formatStamp } from '../../lib/format';
import { targetLabels } from '../../lib/migration';
import { hrefOf } from '../../lib/router';
import { useMigrationList, useStores } from '../../stores';
import { migrationPath, migrationsPath } from '../../stores/migration-call';

/** A profile's migrations: where each one stands, and the way into the wizard. */

function MigrationRow({ m, profileId }: { m: MigrationSummary; profileId: string }) {
  const { migrationList } = useStores();
  const listBusy = useMigrationList((s) => s.listBusy);
  const listError = useMigrationList((s) => (s.listError?.id === m.id ? s.listError.error : null));
  const href = hrefOf(migrationPath(profileId, m.id));
  const resumable = m.allowedActions.includes('resume');
  return (
    <>
      <tr data-testid="migration-row" data-migration={m.id} data-state={m.state}>
        <td className="name">
          <a href={href} className="mono">
            {m.schema}.{m.table}
          </a>
          <span className="rel-meta muted small-text">
            time column <span className="mono">{m.timeColumn}</span>
          </span>
        </td>
        <td>{targetLabels[m.target]}</td>
        <td>
          <StateBadge state={m.state} />
        </td>
        <td className="when">
          <RelTime iso={m.updatedAt} />
        </td>
        <td className="when">
          {m.keepUntil && !finishedStates.includes(m.state) ? (
            <time dateTime={m.keepUntil} title={exactTime(m.keepUntil)}>
              {formatStamp(m.keepUntil)}
            </time>
          ) : (
            <span className="faint">—</span>
          )}
        </td>
        <td className="row-actions">
          {resumable ? (
            <button
              type="button"
              className="small primary"
              disabled={listBusy !== null}
              onClick={() => void migrationList.getState().resumeFromList(m.id)}
              aria-label={`Resume the migration of ${displayName(m.schema, m.table)}`}
            >
              {listBusy === m.id ? 'Resuming…' : 'Resume'}
            </button>
          ) : null}
          <a
            className="button small"
            href={href}
            aria-label={`Open the migration of ${displayName(m.schema, m.table)}`}
          >
            Open
          </a>
        </td>
      </tr>
      {m.error && !finishedStates.includes(m.state) ? (
        <tr className="info-row">
          <td colSpan={6} className="row-note">
            <CheckIcon status={m.state === 'failed' ? 'fail' : 'warn'} /> {m.error.message}
          </td>
        </tr>
      ) : null}
      {listError ? (
        <tr className="info-row">
          <td colSpan={6}>
            <ErrorNote error={listError} title="Could not resume." />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function MigrationList({ profile }: { profile: Profile }) {
  const { migrationList } = useStores();
  const list = useMigrationList((s) => s.list);
  const rows = list.data ?? [];
  return (
    <section className="card" aria-labelledby="mig-list-title" data-testid="migration-list">
      <div className="card-head">
        <h2 id="mig-list-title">Migrations on {profile.name}</h2>
        <a
          className="button primary"
          href={hrefOf(`${migrationsPath(profile.id)}/new`)}
          data-testid="new-migration"
        >
          New migration
        </a>
      </div>
      {list.error ? (
        <LoadError message={list.error.message} onRetry={() => void migrationList.getState().loadList()} />
      ) : null}
      {!list.data && list.loading ? <p className="loading">Loading…</p> : null}
      {list.data && rows.length === 0 ? (
        <div className="mig-empty" data-testid="no-migrations">
          <p>
            No migration yet. The wizard moves a large time-series table into a TimescaleDB hypertable or into
            native range partitions, a batch at a time, while the application keeps using it.
          </p>
          <p className="muted">
            Every step is journaled on this computer: if Tidemark is closed or the connection drops, the
            migration shows up here and resumes where it stopped.
          </p>
        </div>
      ) : null}
      {rows.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col">Target</th>
                <th scope="col">State</th>
                <th scope="col">Last change</th>
                <th scope="col">Old table kept until</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <MigrationRow key={m.id} m={m} profileId={profile.id} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

export function MigrationListPage({ id }: { id: string }) {
  const { migrationList } = useStores();
  useEffect(() => {
    migrationList.getState().open(id);
  }, [migrationList, id]);
  return (
    <ProfileLayout profileId={id} tab="migrate">
      {(profile) => (
        <div className="migrate-body">
          <MigrationList profile={profile} />
        </div>
      )}
    </ProfileLayout>
  );
}
