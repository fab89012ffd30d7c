import './PlanSection.css';
import { useState } from 'react';
import { displayQuoted } from '../../../shared/ident';
import { type Migration, type PlanStep, phaseIds } from '../../../shared/migration';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CopyButton, SqlBlock } from '../../components/MigrationParts';
import { joinStatements } from '../../lib/migration';
import { useMigrationRun, useStores } from '../../stores';
import { ActionError, BusyLabel, useActionError } from './ActionParts';

/** Step 4: every statement of the plan, phase by phase, its export, and the start (or discard) of a plan. */

const runsLabels: Record<PlanStep['runs'], string> = {
  once: 'runs once',
  per_batch: 'runs once per batch (one time range, one transaction)',
  repeated: 'repeated until caught up',
  on_demand: 'only when you ask for it',
};

export function PlanSection({ m }: { m: Migration }) {
  const { migrationRun } = useStores();
  const busy = useMigrationRun((s) => s.busy);
  const planned = m.state === 'planned';
  // Open while the plan is what the DBA decides on; folded once it runs, unless opened again.
  const [chosen, setOpen] = useState<boolean | null>(null);
  const open = chosen ?? planned;
  const all = m.plan.phases
    .flatMap((p) => [`-- Phase ${p.id}: ${p.title}`, ...p.steps.flatMap((s) => [`-- ${s.title}`, ...s.sql])])
    .join('\n\n');
  const phases = [...m.plan.phases].sort((a, b) => phaseIds.indexOf(a.id) - phaseIds.indexOf(b.id));

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
            onClick={() => void migrationRun.getState().exportScript()}
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
        New table while it is built: <span className="mono">{displayQuoted(m.plan.names.newTable)}</span> ·
        old table after the swap: <span className="mono">{displayQuoted(m.plan.names.oldTable)}</span> ·
        change logs in <span className="mono">{displayQuoted(m.plan.names.captureSchema)}</span>
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
  const { migrationRun } = useStores();
  const busy = useMigrationRun((s) => s.busy);
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
          disabled={busy !== null || !m.allowedActions.includes('discard')}
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
          onClick={() => void migrationRun.getState().act('run')}
          disabled={busy !== null || !m.allowedActions.includes('run')}
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
          onConfirm={() => void migrationRun.getState().act('discard')}
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
