import './SwapSection.css';
import { displayQuoted } from '../../../shared/ident';
import type { Migration } from '../../../shared/migration';
import { Figures } from '../../components/MigrationParts';
import { exactTime, formatCount, formatMs, formatStamp } from '../../lib/format';
import { useMigrationRun, useStores } from '../../stores';
import { ActionError, BusyLabel } from './ActionParts';
import { Attempts, type AttemptView } from './SwapAttempts';

/** Step 6: the swap, when main allows it, its tries and what it moved. */

export function SwapSection({ m }: { m: Migration }) {
  const { migrationRun } = useStores();
  const live = useMigrationRun((s) => s.attempts);
  const busy = useMigrationRun((s) => s.busy);
  const report = m.swap?.direction === 'forward' ? m.swap : null;
  const liveForward = live.filter((e) => e.direction === 'forward');
  const attempts: AttemptView[] =
    report && report.attempts.length >= liveForward.length
      ? report.attempts.map((a) => ({
          attempt: a,
          maxAttempts: m.settings.swap.attempts,
          nextRetryInMs: null,
        }))
      : liveForward.map((e) => ({
          attempt: e.attempt,
          maxAttempts: e.maxAttempts,
          nextRetryInMs: e.nextRetryInMs,
        }));
  const ready = m.state === 'ready_to_swap';
  const step = useMigrationRun((s) => s.live?.step ?? null);
  const swapping = m.state === 'running' && (step ?? m.progress?.step) === 'swap';
  const canSwap = m.allowedActions.includes('swap');

  return (
    <section className="card mig-section" aria-labelledby="swap-title" data-testid="swap">
      <div className="card-head">
        <h2 id="swap-title">
          <span className="section-n">6</span> The swap
        </h2>
      </div>
      {canSwap ? (
        <div className="swap-ready" data-testid="swap-ready">
          <p>
            {ready ? 'The copy has caught up with the source table. ' : ''}
            Swapping renames{' '}
            <span className="mono">
              {m.schema}.{m.table}
            </span>{' '}
            to <span className="mono">{displayQuoted(m.plan.names.oldTable)}</span> and puts the new table
            under its name, in one short transaction: it takes an ACCESS EXCLUSIVE lock with a lock timeout of{' '}
            {formatMs(m.settings.swap.lockTimeoutMs)}, replays the last captured changes while holding it, and
            moves what depends on the table. If sessions hold the table, it tries again up to{' '}
            {m.settings.swap.attempts} times; application queries never wait longer than the lock timeout.
          </p>
          <ActionError action="swap" title="The swap did not start." />
          <div className="wizard-actions in-card">
            <span className="mig-spacer" />
            <button
              type="button"
              className="primary"
              onClick={() => void migrationRun.getState().act('swap')}
              disabled={busy !== null}
              data-testid="swap-now"
            >
              <BusyLabel
                busy={busy === 'swap'}
                idle={ready ? 'Swap now' : 'Try the swap again'}
                working="Swapping…"
              />
            </button>
          </div>
        </div>
      ) : null}
      {swapping && attempts.length === 0 ? (
        <p className="run-message" role="status">
          <span className="spinner small-spinner" aria-hidden="true" /> Taking the lock…
        </p>
      ) : null}
      <Attempts attempts={attempts} />
      {report?.completedAt ? (
        <div className="swap-done" data-testid="swap-done">
          <Figures
            items={[
              {
                label: 'Lock held',
                value: (
                  <span className="num" data-testid="lock-held">
                    {report.lockHeldMs !== null ? formatMs(report.lockHeldMs) : '—'}
                  </span>
                ),
              },
              {
                label: 'Changes replayed inside the swap',
                value: (
                  <span className="num">
                    {report.replayedInSwap !== null ? formatCount(report.replayedInSwap) : '—'}
                  </span>
                ),
              },
              { label: 'Attempts', value: <span className="num">{report.attempts.length}</span> },
              {
                label: 'Swapped',
                value: (
                  <time dateTime={report.completedAt} title={exactTime(report.completedAt)}>
                    {formatStamp(report.completedAt, true)}
                  </time>
                ),
              },
            ]}
          />
          {report.moved.length > 0 ? (
            <details className="mig-moved">
              <summary>
                {report.moved.length} object{report.moved.length > 1 ? 's' : ''} moved to the new table
              </summary>
              <table className="data-table compact">
                <thead>
                  <tr>
                    <th scope="col">Kind</th>
                    <th scope="col">Name</th>
                    <th scope="col">What the swap did</th>
                  </tr>
                </thead>
                <tbody>
                  {report.moved.map((o) => (
                    <tr key={`${o.kind}-${o.name}`}>
                      <td>{o.kind}</td>
                      <td className="mono">{o.name}</td>
                      <td>{o.action}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
