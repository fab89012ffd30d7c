import { useEffect } from 'react';
import type { Migration } from '../../../shared/migration';
import { LoadError, RelTime } from '../../components/Values';
import { policyRows } from '../../lib/migration';
import { useMigrationRun, useStores } from '../../stores';

/**
 * After the swap to a hypertable: its retention and compression policies as
 * TimescaleDB holds them now, with when the scheduler runs each next. Read from
 * the server when the section opens (and on request), not on a timer.
 */
export function PoliciesSection({ m }: { m: Migration }) {
  const { migrationRun } = useStores();
  const policies = useMigrationRun((s) => s.policies);
  // biome-ignore lint/correctness/useExhaustiveDependencies: read again when the migration or its state changes (the finish step adds the policies)
  useEffect(() => {
    void migrationRun.getState().loadPolicies();
  }, [migrationRun, m.id, m.state]);
  const rows = policies.data ? policyRows(policies.data) : null;
  return (
    <section className="card mig-section" aria-labelledby="pol-title" data-testid="policies">
      <div className="card-head">
        <h2 id="pol-title">TimescaleDB policies</h2>
        <div className="head-actions">
          <button
            type="button"
            className="small"
            onClick={() => void migrationRun.getState().loadPolicies()}
            disabled={policies.loading}
          >
            {policies.loading ? 'Reading…' : 'Read again'}
          </button>
        </div>
      </div>
      {policies.error ? (
        <LoadError
          message={`The policies could not be read: ${policies.error.message}`}
          onRetry={() => void migrationRun.getState().loadPolicies()}
          compact
        />
      ) : null}
      {rows === null ? (
        <p className="muted">{policies.loading ? 'Reading the policies…' : 'Not read yet.'}</p>
      ) : rows.length === 0 ? (
        <p className="muted" data-testid="no-policies">
          The hypertable has no retention or compression policy.
        </p>
      ) : (
        <table className="data-table compact" data-testid="policy-list">
          <thead>
            <tr>
              <th scope="col">Policy</th>
              <th scope="col">Every</th>
              <th scope="col">Next run</th>
              <th scope="col">Last run</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.jobId} data-testid="policy" data-job={p.jobId}>
                <td>
                  {p.what} {p.setting ? <span className="mono">{p.setting}</span> : null}{' '}
                  <span className="faint">(job {p.jobId})</span>
                </td>
                <td className="mono">{p.every ?? '—'}</td>
                <td>{p.scheduled ? <RelTime iso={p.nextStart} empty="not planned yet" /> : 'paused'}</td>
                <td>{p.lastRun ?? <span className="faint">never</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
