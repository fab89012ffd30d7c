import '../styles/migration.css';
import { useEffect, useId, useState } from 'react';
import type { Migration, MigrationProgress, PlanStep, StepStatus, SwapAttempt } from '../../shared/migration';
import { ConfirmDialog } from '../components/ConfirmDialog';
import {
  CheckIcon,
  CheckMark,
  CopyButton,
  ErrorNote,
  Figures,
  SqlBlock,
  StateBadge,
  Stepper,
} from '../components/MigrationParts';
import { Modal } from '../components/Modal';
import { ProfileLayout } from '../components/ProfileLayout';
import { LoadError, RelTime } from '../components/Values';
import { useNow } from '../lib/clock';
import { exactTime, formatCount, formatDuration, formatMs, formatStamp } from '../lib/format';
import {
  busyStates,
  currentStep,
  finishedStates,
  formatWait,
  joinStatements,
  phaseOrder,
  plainName,
  rowsPerSecond,
  targetLabels,
  type WizardStepId,
  wizardSteps,
} from '../lib/migration';
import { hrefOf } from '../lib/router';
import { useMigration, useStores } from '../stores';
import type { MigrationAction } from '../stores/migration';

const runsLabels: Record<PlanStep['runs'], string> = {
  once: 'runs once',
  per_batch: 'runs once per batch (one time range, one transaction)',
  repeated: 'repeated until caught up',
  on_demand: 'only when you ask for it',
};

const stepStateLabels: Record<StepStatus['state'], string> = {
  pending: 'Not yet',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
};

function useActionError(action: MigrationAction | MigrationAction[]) {
  const list = Array.isArray(action) ? action : [action];
  return useMigration((s) =>
    s.actionError && list.includes(s.actionError.action) ? s.actionError.error : null,
  );
}

function ActionError({ action, title }: { action: MigrationAction | MigrationAction[]; title: string }) {
  const { migration } = useStores();
  const error = useActionError(action);
  if (!error) return null;
  return (
    <ErrorNote
      error={error}
      title={title}
      testId="action-error"
      onDismiss={() => migration.getState().clearActionError()}
    />
  );
}

function BusyLabel({ busy, idle, working }: { busy: boolean; idle: string; working: string }) {
  return busy ? (
    <>
      <span className="spinner small-spinner" aria-hidden="true" /> {working}
    </>
  ) : (
    idle
  );
}

// ================================================================ step 4: the plan

function PlanSection({ m }: { m: Migration }) {
  const { migration } = useStores();
  const busy = useMigration((s) => s.busy);
  const planned = m.state === 'planned';
  // Open while the plan is what the DBA decides on; folded once it runs, unless opened again.
  const [chosen, setOpen] = useState<boolean | null>(null);
  const open = chosen ?? planned;
  const all = m.plan.phases
    .flatMap((p) => [`-- Phase ${p.id}: ${p.title}`, ...p.steps.flatMap((s) => [`-- ${s.title}`, ...s.sql])])
    .join('\n\n');
  const phases = [...m.plan.phases].sort((a, b) => phaseOrder.indexOf(a.id) - phaseOrder.indexOf(b.id));

  return (
    <section className="card mig-section" aria-labelledby="plan-title" data-testid="plan">
      <div className="card-head">
        <h2 id="plan-title">
          <span className="section-n">4</span> The plan
        </h2>
        <div className="head-actions">
          <CopyButton text={all} label="Copy all" what="the SQL of every phase" />
          <button
            type="button"
            className="small"
            onClick={() => void migration.getState().exportScript()}
            disabled={busy !== null}
            data-testid="export-script"
          >
            <BusyLabel busy={busy === 'export'} idle="Export psql script" working="Exporting…" />
          </button>
          <button
            type="button"
            className="small subtle"
            aria-expanded={open}
            aria-controls="plan-body"
            onClick={() => setOpen(!open)}
          >
            {open ? 'Hide the SQL' : 'Show the SQL'}
          </button>
        </div>
      </div>
      <p className="muted card-subhead">
        Every statement, phase by phase, as Tidemark sends it. Values only known while it runs (a batch’s time
        range) are shown as psql variables. The export is a psql script for a maintenance window: it stops at
        the first error and resumes its copy where it stopped.
      </p>
      <p className="plan-names small-text">
        New table while it is built: <span className="mono">{plainName(m.plan.names.newTable)}</span> · old
        table after the swap: <span className="mono">{plainName(m.plan.names.oldTable)}</span> · change logs
        in <span className="mono">{plainName(m.plan.names.captureSchema)}</span>
      </p>
      <ActionError action="export" title="The script could not be exported." />
      {planned ? <PlannedActions m={m} /> : null}
      {open ? (
        <div id="plan-body" className="plan-phases">
          {phases.map((p) => (
            <section key={p.id} className="mig-phase" aria-labelledby={`phase-${p.id}`} data-phase={p.id}>
              <h3 id={`phase-${p.id}`}>
                <span className="phase-id">Phase {p.id}</span> {p.title}
              </h3>
              <p className="muted">{p.description}</p>
              <ol className="plan-steps">
                {p.steps.map((s) => (
                  <li key={s.key} data-testid="plan-step" data-step={s.key}>
                    <h4>
                      {s.title} <span className="muted small-text">· {runsLabels[s.runs]}</span>
                    </h4>
                    <p className="plan-why">{s.why}</p>
                    {s.sql.length > 0 ? (
                      <SqlBlock sql={joinStatements(s.sql)} what={`SQL of “${s.title}”`} testId="plan-sql" />
                    ) : null}
                  </li>
                ))}
              </ol>
            </section>
          ))}
        </div>
      ) : null}
    </section>
  );
}

function PlannedActions({ m }: { m: Migration }) {
  const { migration } = useStores();
  const busy = useMigration((s) => s.busy);
  const [discarding, setDiscarding] = useState(false);
  const discardError = useActionError('discard');
  return (
    <>
      <ActionError action="run" title="The migration did not start." />
      <div className="wizard-actions in-card">
        <button
          type="button"
          className="danger-outline"
          onClick={() => setDiscarding(true)}
          disabled={busy !== null}
        >
          Discard this plan
        </button>
        <span className="mig-spacer" />
        <span className="muted small-text">
          The source table stays in use throughout;{' '}
          {m.settings.swap.mode === 'confirm'
            ? 'the swap waits for you.'
            : 'the swap follows the copy by itself.'}
        </span>
        <button
          type="button"
          className="primary"
          onClick={() => void migration.getState().act('run')}
          disabled={busy !== null}
          data-testid="start-run"
        >
          <BusyLabel busy={busy === 'run'} idle="Start the migration" working="Starting…" />
        </button>
      </div>
      {discarding ? (
        <ConfirmDialog
          title="Discard this plan?"
          confirmLabel="Discard the plan"
          busy={busy === 'discard'}
          error={discardError?.message ?? null}
          onCancel={() => setDiscarding(false)}
          onConfirm={() => void migration.getState().act('discard')}
        >
          <p>
            Nothing has run yet: the plan is forgotten and{' '}
            <span className="mono">
              {m.schema}.{m.table}
            </span>{' '}
            is not touched.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

// ================================================================ step 5: the copy

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

function RunSection({ m }: { m: Migration }) {
  const { migration } = useStores();
  const live = useMigration((s) => s.live);
  const busy = useMigration((s) => s.busy);
  const [cancelling, setCancelling] = useState(false);
  const cancelError = useActionError('cancel');
  const p = progressOf(m, live);
  const copyStep = m.steps.find((s) => s.key === 'copy');
  const copyDone = copyStep?.state === 'done';
  const phase = p?.phase ? m.plan.phases.find((x) => x.id === p.phase) : null;
  const swapped = m.swappedAt !== null;
  const running = m.state === 'running';
  const canResume = (m.state === 'paused' || m.state === 'failed') && !failedInTerminalOp(m);
  const canCancel = !swapped && !finishedStates.includes(m.state) && m.state !== 'cancelling';
  const runSteps = m.steps.filter((s) => s.phase !== 'D' || s.state !== 'pending');
  const copied = p?.rowsCopied ?? copyStep?.rows ?? 0;
  const total = Math.max(p?.rowsTotal ?? 0, copyDone ? copied : 0);

  return (
    <section className="card mig-section" aria-labelledby="run-title" data-testid="run">
      <div className="card-head">
        <h2 id="run-title">
          <span className="section-n">5</span> Copy, in batches
        </h2>
        <div className="head-actions">
          {running && !swapped ? (
            <button
              type="button"
              onClick={() => void migration.getState().act('pause')}
              disabled={busy !== null}
              data-testid="pause"
            >
              <BusyLabel busy={busy === 'pause'} idle="Pause" working="Pausing…" />
            </button>
          ) : null}
          {canResume ? (
            <button
              type="button"
              className="primary"
              onClick={() => void migration.getState().act('resume')}
              disabled={busy !== null}
              data-testid="resume"
            >
              <BusyLabel busy={busy === 'resume'} idle="Resume" working="Resuming…" />
            </button>
          ) : null}
          {canCancel ? (
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
            value: (
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
            void migration
              .getState()
              .act('cancel')
              .then((ok) => ok && setCancelling(false))
          }
        >
          <p>
            The copy stops after the batch in progress, and everything this migration created is removed: the
            new table <span className="mono">{plainName(m.plan.names.newTable)}</span>, the change-capture
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

function failedInTerminalOp(m: Migration): 'cancel' | 'rollback' | 'cleanup' | null {
  if (m.state !== 'failed') return null;
  const step = m.error?.step ?? null;
  if (step === 'cancel' || step === 'rollback' || step === 'cleanup') return step;
  return null;
}

// ================================================================ step 6: the swap

type AttemptView = { attempt: SwapAttempt; maxAttempts: number | null; nextRetryInMs: number | null };

function Attempts({ attempts }: { attempts: AttemptView[] }) {
  if (attempts.length === 0) return null;
  return (
    <ol className="mig-attempts" data-testid="swap-attempts">
      {attempts.map(({ attempt: a, maxAttempts, nextRetryInMs }) => (
        <li
          key={`${a.attempt}-${a.at}`}
          className={`mig-attempt mig-attempt-${a.outcome}`}
          data-testid="swap-attempt"
          data-outcome={a.outcome}
        >
          <p className="attempt-head">
            <CheckMark
              status={a.outcome === 'swapped' ? 'pass' : a.outcome === 'lock_timeout' ? 'warning' : 'fail'}
              label={
                a.outcome === 'swapped'
                  ? 'Swapped'
                  : a.outcome === 'lock_timeout'
                    ? 'Lock not granted'
                    : 'Failed'
              }
            />
            <strong>
              Attempt {a.attempt}
              {maxAttempts ? ` of ${maxAttempts}` : ''}
            </strong>
            <time className="muted" dateTime={a.at} title={exactTime(a.at)}>
              {formatStamp(a.at, true)}
            </time>
          </p>
          <p>{a.message}</p>
          {nextRetryInMs !== null && a.outcome !== 'swapped' && !/again/i.test(a.message) ? (
            <p className="muted small-text">Next attempt in {formatWait(nextRetryInMs)}.</p>
          ) : null}
          {a.blockers.length > 0 ? (
            <div className="table-scroll">
              <table className="data-table compact blockers" data-testid="blockers">
                <caption className="visually-hidden">Sessions that blocked attempt {a.attempt}</caption>
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      pid
                    </th>
                    <th scope="col">User</th>
                    <th scope="col">Application</th>
                    <th scope="col">State</th>
                    <th scope="col">Lock</th>
                    <th scope="col">Transaction since</th>
                    <th scope="col">Query</th>
                  </tr>
                </thead>
                <tbody>
                  {a.blockers.map((b) => (
                    <tr key={`${b.pid}-${b.lockMode}`} data-testid="blocker" data-pid={b.pid}>
                      <td className="num mono">{b.pid}</td>
                      <td>{b.user ?? <span className="faint">—</span>}</td>
                      <td>{b.application || <span className="faint">—</span>}</td>
                      <td>{b.state ?? <span className="faint">—</span>}</td>
                      <td>
                        {b.lockMode} <span className="muted">({b.granted ? 'held' : 'waiting'})</span>
                      </td>
                      <td className="when">
                        {b.xactStart ? <RelTime iso={b.xactStart} /> : <span className="faint">—</span>}
                      </td>
                      <td className="mono mig-query" title={b.query ?? undefined}>
                        {b.query ?? <span className="faint">—</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function SwapSection({ m }: { m: Migration }) {
  const { migration } = useStores();
  const live = useMigration((s) => s.attempts);
  const busy = useMigration((s) => s.busy);
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
  const step = useMigration((s) => s.live?.step ?? null);
  const swapping = m.state === 'running' && (step ?? m.progress?.step) === 'swap';
  const retryable = m.state === 'failed' && !m.swappedAt && m.error?.step === 'swap';

  return (
    <section className="card mig-section" aria-labelledby="swap-title" data-testid="swap">
      <div className="card-head">
        <h2 id="swap-title">
          <span className="section-n">6</span> The swap
        </h2>
      </div>
      {ready || retryable ? (
        <div className="swap-ready" data-testid="swap-ready">
          <p>
            {ready ? 'The copy has caught up with the source table. ' : ''}
            Swapping renames{' '}
            <span className="mono">
              {m.schema}.{m.table}
            </span>{' '}
            to <span className="mono">{plainName(m.plan.names.oldTable)}</span> and puts the new table under
            its name, in one short transaction: it takes an ACCESS EXCLUSIVE lock with a lock timeout of{' '}
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
              onClick={() => void migration.getState().act('swap')}
              disabled={busy !== null}
              data-testid="swap-now"
            >
              <BusyLabel
                busy={busy === 'swap'}
                idle={retryable ? 'Try the swap again' : 'Swap now'}
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

// ================================================================ step 7: validation

function ValidationSection({ m }: { m: Migration }) {
  const { migration } = useStores();
  const busy = useMigration((s) => s.busy);
  const v = m.validation;
  const canValidate =
    m.swappedAt !== null && !finishedStates.includes(m.state) && !busyStates.includes(m.state);
  const counts = v
    ? {
        pass: v.checks.filter((c) => c.status === 'pass').length,
        warn: v.checks.filter((c) => c.status === 'warn').length,
        fail: v.checks.filter((c) => c.status === 'fail').length,
      }
    : null;
  return (
    <section className="card mig-section" aria-labelledby="val-title" data-testid="validation">
      <div className="card-head">
        <h2 id="val-title">
          <span className="section-n">7</span> Validation
        </h2>
        <div className="head-actions">
          {v ? (
            <span className="muted small-text">
              checked <RelTime iso={v.checkedAt} />
            </span>
          ) : null}
          {canValidate ? (
            <button
              type="button"
              className="small"
              onClick={() => void migration.getState().act('validate')}
              disabled={busy !== null}
              data-testid="validate-again"
            >
              <BusyLabel
                busy={busy === 'validate'}
                idle={v ? 'Validate again' : 'Validate'}
                working="Validating…"
              />
            </button>
          ) : null}
        </div>
      </div>
      <ActionError action="validate" title="The validation could not run." />
      {!v ? (
        <p className="muted">
          {busyStates.includes(m.state) ? 'The checklist runs right after the swap…' : 'Not validated yet.'}
        </p>
      ) : (
        <>
          <p className={`val-summary ${v.ok ? 'ok' : 'bad'}`} data-testid="validation-summary" data-ok={v.ok}>
            <CheckMark
              status={v.ok ? (counts?.warn ? 'warn' : 'pass') : 'fail'}
              label={
                v.ok
                  ? counts?.warn
                    ? `No check failed; ${counts.warn} warning${counts.warn > 1 ? 's' : ''}`
                    : 'Every check passed'
                  : `${counts?.fail} check${counts?.fail === 1 ? '' : 's'} failed`
              }
            />
          </p>
          <ul className="mig-checklist">
            {v.checks.map((c) => (
              <li key={c.id} data-testid="validation-check" data-id={c.id} data-status={c.status}>
                <CheckMark status={c.status} />
                <div>
                  <h4>{c.title}</h4>
                  <p>{c.details}</p>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

// ================================================================ step 8: keep, clean up or roll back

function CleanupDialog({ m, early, onClose }: { m: Migration; early: boolean; onClose: () => void }) {
  const { migration } = useStores();
  const busy = useMigration((s) => s.busy);
  const error = useActionError('cleanup');
  const [typed, setTyped] = useState('');
  const titleId = useId();
  const inputId = useId();
  const matches = typed === m.table;
  return (
    <Modal titleId={titleId} onClose={onClose} className="wide-modal">
      <h2 id={titleId}>Drop the old table now?</h2>
      <div className="modal-body">
        <p>
          Cleanup drops <span className="mono">{plainName(m.plan.names.oldTable)}</span> (the original table,
          kept since the swap) and the change logs.{' '}
          <strong>After it, a rollback is no longer possible.</strong>
        </p>
        {early && m.keepUntil ? (
          <p>
            You chose to keep it until{' '}
            <time dateTime={m.keepUntil} title={exactTime(m.keepUntil)}>
              {formatStamp(m.keepUntil)}
            </time>
            . To drop it before then, type the table name.
          </p>
        ) : null}
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (early && !matches) return;
          void migration
            .getState()
            .cleanup(early ? typed : undefined)
            .then((ok) => ok && onClose());
        }}
      >
        {early ? (
          <div className="field">
            <label htmlFor={inputId}>
              Type <span className="mono">{m.table}</span> to confirm
            </label>
            <input
              id={inputId}
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={typed}
              // biome-ignore lint/a11y/noAutofocus: typing the name is the one thing this dialog asks for
              autoFocus
              onChange={(e) => setTyped(e.target.value)}
              aria-invalid={typed !== '' && !matches ? true : undefined}
              aria-describedby={`${inputId}-hint`}
              data-testid="cleanup-confirm-input"
            />
            <p className="field-hint" id={`${inputId}-hint`}>
              {typed !== '' && !matches ? 'That is not the table name (it is case-sensitive).' : ' '}
            </p>
          </div>
        ) : null}
        {error ? (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        ) : null}
        <div className="modal-actions">
          {/* biome-ignore lint/a11y/noAutofocus: the safe choice gets focus when a destructive dialog opens */}
          <button type="button" onClick={onClose} autoFocus={!early}>
            Keep it
          </button>
          <button
            type="submit"
            className="danger"
            disabled={busy !== null || (early && !matches)}
            data-testid="cleanup-confirm"
          >
            {busy === 'cleanup' ? 'Dropping…' : 'Drop the old table'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function CleanupSection({ m }: { m: Migration }) {
  const { migration } = useStores();
  const busy = useMigration((s) => s.busy);
  const now = useNow();
  const [dialog, setDialog] = useState<'cleanup' | 'rollback' | null>(null);
  const rollbackError = useActionError('rollback');
  const early = m.keepUntil !== null && now < Date.parse(m.keepUntil);
  const terminalRetry = failedInTerminalOp(m);

  if (m.state === 'cleaned_up' || m.state === 'rolled_back') {
    return (
      <section className="card mig-section" aria-labelledby="end-title" data-testid="finished">
        <h2 id="end-title">
          <span className="section-n">8</span> {m.state === 'cleaned_up' ? 'Cleaned up' : 'Rolled back'}
        </h2>
        <p>
          <CheckIcon status="pass" />{' '}
          {m.state === 'cleaned_up'
            ? `The old table ${plainName(m.plan.names.oldTable)} and the change logs are gone; ${m.schema}.${m.table} is the ${m.target === 'timescaledb' ? 'hypertable' : 'partitioned table'}.`
            : `The original table is back as ${m.schema}.${m.table}, with the rows written since the swap; the new table was dropped.`}
        </p>
      </section>
    );
  }

  return (
    <section className="card mig-section" aria-labelledby="keep-title" data-testid="cleanup">
      <div className="card-head">
        <h2 id="keep-title">
          <span className="section-n">8</span> Keep period, then clean up
        </h2>
      </div>
      <p data-testid="keep-until">
        The original table is kept as <span className="mono">{plainName(m.plan.names.oldTable)}</span>
        {m.keepUntil ? (
          <>
            {' '}
            until{' '}
            <time dateTime={m.keepUntil} title={exactTime(m.keepUntil)}>
              <strong>{formatStamp(m.keepUntil)}</strong>
            </time>{' '}
            ({early ? `${formatDuration(Date.parse(m.keepUntil) - now)} from now` : 'the keep period is over'}
            )
          </>
        ) : null}
        . Until the cleanup, a rollback puts it back under its name with every row written since the swap.
      </p>
      <ActionError action="cleanup" title="The cleanup did not run." />
      <ActionError action="rollback" title="The rollback did not run." />
      <div className="wizard-actions in-card">
        <button
          type="button"
          className="danger-outline"
          onClick={() => setDialog('rollback')}
          disabled={busy !== null || !m.canRollback}
          data-testid="rollback"
        >
          {terminalRetry === 'rollback' ? 'Run the rollback again' : 'Roll back'}
        </button>
        <span className="mig-spacer" />
        {early ? (
          <span className="muted small-text">
            Before the keep period ends, cleanup asks you to type the table name.
          </span>
        ) : null}
        <button
          type="button"
          className="danger"
          onClick={() => setDialog('cleanup')}
          disabled={busy !== null || !m.canCleanup}
          data-testid="cleanup-open"
        >
          {terminalRetry === 'cleanup' ? 'Run the cleanup again' : 'Clean up: drop the old table'}
        </button>
      </div>
      {dialog === 'cleanup' ? <CleanupDialog m={m} early={early} onClose={() => setDialog(null)} /> : null}
      {dialog === 'rollback' ? (
        <ConfirmDialog
          title="Roll back the migration?"
          confirmLabel="Roll back"
          busy={busy === 'rollback'}
          error={rollbackError?.message ?? null}
          onCancel={() => setDialog(null)}
          onConfirm={() =>
            void migration
              .getState()
              .act('rollback')
              .then((ok) => ok && setDialog(null))
          }
        >
          <p>
            The original table comes back as{' '}
            <span className="mono">
              {m.schema}.{m.table}
            </span>
            , <strong>with the rows the application wrote, changed or deleted since the swap</strong>; what
            depends on the table is moved back, and the new{' '}
            {m.target === 'timescaledb' ? 'hypertable' : 'partitioned table'} is dropped.
          </p>
          <p>
            Like the swap, it takes a short lock with a lock timeout, and retries if sessions hold the table.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

// ================================================================ the page

function Outcome({ m }: { m: Migration }) {
  const notice = useMigration((s) => s.notice);
  const { migration } = useStores();
  if (m.state === 'failed' && m.error) {
    const retry = failedInTerminalOp(m);
    return (
      <ErrorNote
        error={{
          code: 'internal',
          message: m.error.message,
          ...(m.error.detail ? { detail: m.error.detail } : {}),
        }}
        testId="migration-error"
      >
        {retry === 'cancel' ? (
          <button type="button" className="small" onClick={() => void migration.getState().act('cancel')}>
            Run the cancel again
          </button>
        ) : null}
      </ErrorNote>
    );
  }
  if (m.state === 'paused' && m.error) {
    return (
      <div className="banner banner-warning" role="status" data-testid="migration-interrupted">
        <CheckIcon status="warning" />
        <p>{m.error.message}</p>
      </div>
    );
  }
  if (m.state === 'cancelled') {
    return (
      <div className="banner banner-ok" role="status" data-testid="migration-cancelled">
        <CheckIcon status="pass" />
        <p>
          Cancelled: everything this migration created was removed;{' '}
          <span className="mono">
            {m.schema}.{m.table}
          </span>{' '}
          is as it was.
        </p>
      </div>
    );
  }
  if (notice && !finishedStates.includes(m.state)) {
    return (
      <div className="banner" role="status" data-testid="migration-notice">
        <p>{notice}</p>
      </div>
    );
  }
  return null;
}

function stepDone(m: Migration, current: WizardStepId) {
  const order = wizardSteps.map((s) => s.id) as WizardStepId[];
  const at = order.indexOf(current);
  return (id: WizardStepId) => {
    if (m.state === 'cancelled') return order.indexOf(id) < order.indexOf('run');
    if (m.state === 'cleaned_up' || m.state === 'rolled_back') return true;
    return order.indexOf(id) < at;
  };
}

function MigrationBody({ m, profileId }: { m: Migration; profileId: string }) {
  const swapped = m.swappedAt !== null;
  const liveStep = useMigration((s) => s.live?.step ?? null);
  const step = liveStep ?? m.progress?.step ?? null;
  const current = currentStep(m.state, swapped, m.state === 'failed' ? (m.error?.step ?? step) : step);
  const showRun = m.state !== 'planned';
  const showSwap =
    m.state === 'ready_to_swap' ||
    swapped ||
    m.swap !== null ||
    (m.state === 'running' && step === 'swap') ||
    (m.state === 'failed' && m.error?.step === 'swap');
  const showValidation = swapped || m.validation !== null;
  const showCleanup = swapped || m.state === 'cleaned_up' || m.state === 'rolled_back';
  return (
    <div className="migrate-body" data-testid="migration" data-state={m.state} data-migration={m.id}>
      <Stepper current={current} done={stepDone(m, current)} />
      <section className="card mig-head" aria-labelledby="mig-title">
        <div className="mig-head-row">
          <h2 id="mig-title">
            <span className="mono">
              {m.schema}.{m.table}
            </span>{' '}
            <span className="muted mig-arrow" aria-hidden="true">
              →
            </span>
            <span className="visually-hidden"> to </span> {targetLabels[m.target]}
          </h2>
          <StateBadge state={m.state} />
        </div>
        <p className="muted small-text">
          Time column <span className="mono">{m.timeColumn}</span> ·{' '}
          {m.target === 'timescaledb' ? 'chunks' : 'partitions'} of {m.settings.interval} · planned{' '}
          <RelTime iso={m.createdAt} /> · id <span className="mono">{m.id}</span> ·{' '}
          <a href={hrefOf(`/profiles/${encodeURIComponent(profileId)}/migrate`)}>all migrations</a>
        </p>
      </section>
      <Outcome m={m} />
      <PlanSection m={m} />
      {showRun ? <RunSection m={m} /> : null}
      {showSwap ? <SwapSection m={m} /> : null}
      {showValidation ? <ValidationSection m={m} /> : null}
      {showCleanup ? <CleanupSection m={m} /> : null}
    </div>
  );
}

export function MigrationPage({ id, migrationId }: { id: string; migrationId: string }) {
  const { migration } = useStores();
  const current = useMigration((s) => (s.currentId === migrationId ? s.current : null));
  useEffect(() => {
    migration.getState().openMigration(id, migrationId);
  }, [migration, id, migrationId]);
  const m = current?.data ?? null;
  return (
    <ProfileLayout profileId={id} tab="migrate">
      {() => (
        <>
          {current?.error && !m ? (
            <LoadError
              message={current.error.message}
              onRetry={() => void migration.getState().refreshCurrent()}
            />
          ) : null}
          {!m && (!current || current.loading) ? <p className="loading">Reading the migration…</p> : null}
          {m ? <MigrationBody m={m} profileId={id} /> : null}
        </>
      )}
    </ProfileLayout>
  );
}
