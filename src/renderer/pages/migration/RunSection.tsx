import './RunSection.css';
import { useState } from 'react';
import { displayQuoted } from '../../../shared/ident';
import type { Migration, MigrationProgress, StepStatus } from '../../../shared/migration';
import { busyStates, finishedStates, type MigrationActionName } from '../../../shared/migration-actions';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CheckIcon, Figures } from '../../components/MigrationParts';
import { RelTime } from '../../components/Values';
import { exactTime, formatCount, formatDuration, formatMs } from '../../lib/format';
import { rowsPerSecond } from '../../lib/migration';
import { useMigrationRun, useStores } from '../../stores';
import { ActionError, BusyLabel, useActionError } from './ActionParts';

/** Step 5: the copy's progress, its figures and the journaled steps; pause, resume, cancel as main allows. */

const stepStateLabels: Record<StepStatus['state'], string> = {
  pending: 'Not yet',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
};

function progressOf(m: Migration, live: MigrationProgress | null): MigrationProgress | null {
  return live ?? m.progress;
}

function ProgressBar({
  copied,
  total,
  done,
  ended,
}: {
  copied: number;
  total: number;
  done: boolean;
  /** Cancelled (or otherwise over) before the copy finished. */
  ended: boolean;
}) {
  const pct = done ? 100 : total > 0 ? Math.min(100, (copied / total) * 100) : 0;
  const text = done
    ? `${formatCount(copied)} rows copied, all of them`
    : total > 0
      ? `${formatCount(copied)} of about ${formatCount(total)} rows (${Math.floor(pct)} %)`
      : copied > 0
        ? `${formatCount(copied)} rows`
        : ended
          ? 'Nothing was copied.'
          : 'The copy has not started yet.';
  return (
    <div className="progress-wrap">
      <div
        className={`mig-progress${done ? ' mig-progress-done' : ''}`}
        role="progressbar"
        aria-label="Rows copied"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(pct)}
        aria-valuetext={text}
        data-testid="progress-bar"
      >
        <span style={{ width: `${pct}%` }} />
      </div>
      <p className="progress-text num" data-testid="progress-text">
        {text}
      </p>
    </div>
  );
}

function StepList({ steps }: { steps: StepStatus[] }) {
  return (
    <div className="table-scroll">
      <table className="data-table compact step-table" data-testid="step-list">
        <thead>
          <tr>
            <th scope="col">Phase</th>
            <th scope="col">Step</th>
            <th scope="col">State</th>
            <th scope="col" className="num">
              Rows
            </th>
            <th scope="col" className="num">
              Took
            </th>
          </tr>
        </thead>
        <tbody>
          {steps.map((s) => {
            const took = s.startedAt && s.endedAt ? Date.parse(s.endedAt) - Date.parse(s.startedAt) : null;
            return (
              <tr key={s.key} data-testid="run-step" data-step={s.key} data-state={s.state}>
                <td>{s.phase}</td>
                <td>
                  {s.title}
                  {s.error ? <span className="row-error">{s.error}</span> : null}
                </td>
                <td>
                  <span className={`step-state step-state-${s.state}`}>
                    {s.state === 'done' ? (
                      <CheckIcon status="pass" />
                    ) : s.state === 'failed' ? (
                      <CheckIcon status="fail" />
                    ) : s.state === 'running' ? (
                      <span className="spinner small-spinner" aria-hidden="true" />
                    ) : (
                      <span className="step-dot" aria-hidden="true" />
                    )}
                    {stepStateLabels[s.state]}
                  </span>
                </td>
                <td className="num">
                  {s.rows !== null ? formatCount(s.rows) : <span className="faint">—</span>}
                </td>
                <td className="num">{took !== null ? formatMs(took) : <span className="faint">—</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function RunSection({ m }: { m: Migration }) {
  const { migrationRun } = useStores();
  const live = useMigrationRun((s) => s.live);
  const busy = useMigrationRun((s) => s.busy);
  const [cancelling, setCancelling] = useState(false);
  const cancelError = useActionError('cancel');
  const p = progressOf(m, live);
  const copyStep = m.steps.find((s) => s.key === 'copy');
  const copyDone = copyStep?.state === 'done';
  const phase = p?.phase ? m.plan.phases.find((x) => x.id === p.phase) : null;
  const swapped = m.swappedAt !== null;
  const running = m.state === 'running';
  const can = (action: MigrationActionName) => m.allowedActions.includes(action);
  const runSteps = m.steps.filter((s) => s.phase !== 'D' || s.state !== 'pending');
  const copied = p?.rowsCopied ?? copyStep?.rows ?? 0;
  const total = Math.max(p?.rowsTotal ?? 0, copyDone ? copied : 0);
  // The validation counted the original table after the swap: newer than what the copy saw.
  const counted = m.validation?.rows && m.validation.rows.oldTable > total ? m.validation : null;

  return (
    <section className="card mig-section" aria-labelledby="run-title" data-testid="run">
      <div className="card-head">
        <h2 id="run-title">
          <span className="section-n">5</span> Copy, in batches
        </h2>
        <div className="head-actions">
          {can('pause') && !swapped ? (
            <button
              type="button"
              onClick={() => void migrationRun.getState().act('pause')}
              disabled={busy !== null}
              data-testid="pause"
            >
              <BusyLabel busy={busy === 'pause'} idle="Pause" working="Pausing…" />
            </button>
          ) : null}
          {can('resume') ? (
            <button
              type="button"
              className="primary"
              onClick={() => void migrationRun.getState().act('resume')}
              disabled={busy !== null}
              data-testid="resume"
            >
              <BusyLabel busy={busy === 'resume'} idle="Resume" working="Resuming…" />
            </button>
          ) : null}
          {can('cancel') ? (
            <button
              type="button"
              className="danger-outline"
              onClick={() => setCancelling(true)}
              disabled={busy !== null}
              data-testid="cancel"
            >
              Cancel the migration
            </button>
          ) : null}
        </div>
      </div>
      <ActionError action={['pause', 'resume']} title="That did not work." />

      <ProgressBar copied={copied} total={total} done={copyDone} ended={finishedStates.includes(m.state)} />
      {copyDone ? (
        <p className="copy-done" data-testid="copy-done">
          <CheckIcon status="pass" />
          <span>
            The copy is complete
            {copyStep?.endedAt ? (
              <>
                {' '}
                — finished <RelTime iso={copyStep.endedAt} />
              </>
            ) : null}
            .
          </span>
        </p>
      ) : null}
      <Figures
        className="run-figures"
        items={[
          {
            label: 'Now',
            wide: true,
            value: <span data-testid="current-phase">{nowText(m, p, phase?.title ?? null)}</span>,
          },
          {
            label: 'Rows copied',
            value: (
              <span className="num" data-testid="rows-copied">
                {formatCount(copied)}
              </span>
            ),
          },
          {
            label: copyDone ? 'Rows in the source' : 'Rows (estimate)',
            value: counted?.rows ? (
              <span className="num" data-testid="rows-total" title={exactTime(counted.checkedAt)}>
                {formatCount(counted.rows.oldTable)}{' '}
                <span className="muted small-text">
                  counted by the validation
                  {counted.rows.leftOut > 0
                    ? `, leaving out ${formatCount(counted.rows.leftOut)} changed since the swap`
                    : ''}
                </span>
              </span>
            ) : (
              <span className="num" data-testid="rows-total">
                {total > 0 ? formatCount(total) : '—'}
              </span>
            ),
          },
          {
            label: copyDone ? 'Copy rate' : 'Rate',
            value: <span className="num">{rowsPerSecond(p?.rate ?? null)}</span>,
          },
          {
            label: 'Time left',
            value: (
              <span className="num">
                {copyDone
                  ? 'none'
                  : running && p?.etaSeconds != null
                    ? `about ${formatDuration(p.etaSeconds * 1000)}`
                    : '—'}
              </span>
            ),
          },
          { label: 'Batches', value: <span className="num">{formatCount(p?.batches ?? 0)}</span> },
          ...(p?.pendingChanges != null
            ? [
                {
                  label: 'Changes to replay',
                  value: <span className="num">{formatCount(p.pendingChanges)}</span>,
                },
              ]
            : []),
          ...(p?.highWater && !copyDone
            ? [{ label: 'Copied up to', value: <span className="mono small-text">{p.highWater}</span> }]
            : []),
        ]}
      />
      {p?.message && busyStates.includes(m.state) && p.step !== 'swap' ? (
        <p className="run-message" role="status">
          {p.message}
        </p>
      ) : null}
      <details className="step-details" open={m.state === 'failed'}>
        <summary>Steps, as journaled on this computer</summary>
        <StepList steps={runSteps} />
      </details>

      {cancelling ? (
        <ConfirmDialog
          title="Cancel the migration?"
          confirmLabel="Cancel the migration"
          busy={busy === 'cancel'}
          error={cancelError?.message ?? null}
          onCancel={() => setCancelling(false)}
          onConfirm={() =>
            void migrationRun
              .getState()
              .act('cancel')
              .then((ok) => ok && setCancelling(false))
          }
        >
          <p>
            The copy stops after the batch in progress, and everything this migration created is removed: the
            new table <span className="mono">{displayQuoted(m.plan.names.newTable)}</span>, the change-capture
            trigger and its log.
          </p>
          <p>
            <strong>
              The source table{' '}
              <span className="mono">
                {m.schema}.{m.table}
              </span>{' '}
              stays untouched and in use
            </strong>{' '}
            — it was never written to.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

/** What the migration is doing, in a few words. */
function nowText(m: Migration, p: MigrationProgress | null, phaseTitle: string | null): string {
  switch (m.state) {
    case 'planned':
      return 'Not started';
    case 'ready_to_swap':
      return 'Caught up: waiting for you to swap';
    case 'swapped':
      return 'Swapped and validated';
    case 'cancelled':
      return 'Cancelled';
    case 'rolled_back':
      return 'Rolled back';
    case 'cleaned_up':
      return 'Cleaned up';
    default: {
      if (!p?.phase) return m.state === 'running' ? 'Starting…' : 'Not started';
      const step = p.stepTitle && p.stepTitle !== phaseTitle ? ` — ${p.stepTitle}` : '';
      const prefix = m.state === 'paused' ? 'Paused in ' : m.state === 'failed' ? 'Stopped in ' : '';
      return `${prefix}${p.phase} · ${phaseTitle ?? ''}${step}`;
    }
  }
}
