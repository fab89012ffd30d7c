import './MigrationRunPage.css';
import { useEffect } from 'react';
import type { Migration } from '../../../shared/migration';
import { finishedStates } from '../../../shared/migration-actions';
import { CheckIcon, ErrorNote, StateBadge, Stepper } from '../../components/MigrationParts';
import { ProfileLayout } from '../../components/ProfileLayout';
import { LoadError, RelTime } from '../../components/Values';
import { currentStep, targetLabels, type WizardStepId, wizardSteps } from '../../lib/migration';
import { hrefOf } from '../../lib/router';
import { useMigrationRun, useStores } from '../../stores';
import { migrationsPath } from '../../stores/migration-call';
import { opToRunAgain } from './ActionParts';
import { CleanupSection } from './CleanupSection';
import { PlanSection } from './PlanSection';
import { PoliciesSection } from './PoliciesSection';
import { RunSection } from './RunSection';
import { SwapSection } from './SwapSection';
import { ValidationSection } from './ValidationSection';

/** One migration from its plan to its end: a composition of the sections of steps 4 to 8. */

function Outcome({ m }: { m: Migration }) {
  const notice = useMigrationRun((s) => s.notice);
  const { migrationRun } = useStores();
  if (m.state === 'failed' && m.error) {
    const retry = opToRunAgain(m);
    return (
      <ErrorNote
        error={{
          code: 'internal',
          message: m.error.message,
          ...(m.error.detail ? { detail: m.error.detail } : {}),
        }}
        testId="migration-error"
      >
        {retry === 'cancel' && m.allowedActions.includes('cancel') ? (
          <button type="button" className="small" onClick={() => void migrationRun.getState().act('cancel')}>
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
  const liveStep = useMigrationRun((s) => s.live?.step ?? null);
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
  const showPolicies = m.target === 'timescaledb' && (m.state === 'swapped' || m.state === 'cleaned_up');
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
          <a href={hrefOf(migrationsPath(profileId))}>all migrations</a>
        </p>
      </section>
      <Outcome m={m} />
      <PlanSection m={m} />
      {showRun ? <RunSection m={m} /> : null}
      {showSwap ? <SwapSection m={m} /> : null}
      {showValidation ? <ValidationSection m={m} /> : null}
      {showPolicies ? <PoliciesSection m={m} /> : null}
      {showCleanup ? <CleanupSection m={m} /> : null}
    </div>
  );
}

export function MigrationRunPage({ id, migrationId }: { id: string; migrationId: string }) {
  const { migrationRun } = useStores();
  const current = useMigrationRun((s) => (s.currentId === migrationId ? s.current : null));
  useEffect(() => {
    migrationRun.getState().openMigration(migrationId);
  }, [migrationRun, migrationId]);
  const m = current?.data ?? null;
  return (
    <ProfileLayout profileId={id} tab="migrate">
      {() => (
        <>
          {current?.error && !m ? (
            <LoadError
              message={current.error.message}
              onRetry={() => void migrationRun.getState().refreshCurrent()}
            />
          ) : null}
          {!m && (!current || current.loading) ? <p className="loading">Reading the migration…</p> : null}
          {m ? <MigrationBody m={m} profileId={id} /> : null}
        </>
      )}
    </ProfileLayout>
  );
}
