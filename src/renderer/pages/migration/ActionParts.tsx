import type { Migration } from '../../../shared/migration';
import { ErrorNote } from '../../components/MigrationParts';
import { useMigrationRun, useStores } from '../../stores';
import type { MigrationAction } from '../../stores/migration-run';

/** What every section of the run page shows about the actions it offers: the refusal, the spinner. */

export function useActionError(action: MigrationAction | MigrationAction[]) {
  const list = Array.isArray(action) ? action : [action];
  return useMigrationRun((s) =>
    s.actionError && list.includes(s.actionError.action) ? s.actionError.error : null,
  );
}

export function ActionError({
  action,
  title,
}: {
  action: MigrationAction | MigrationAction[];
  title: string;
}) {
  const { migrationRun } = useStores();
  const error = useActionError(action);
  if (!error) return null;
  return (
    <ErrorNote
      error={error}
      title={title}
      testId="action-error"
      onDismiss={() => migrationRun.getState().clearActionError()}
    />
  );
}

export function BusyLabel({ busy, idle, working }: { busy: boolean; idle: string; working: string }) {
  return busy ? (
    <>
      <span className="spinner small-spinner" aria-hidden="true" /> {working}
    </>
  ) : (
    idle
  );
}

/** The operation that failed and is to be run again ("Run the rollback again"), when one did. */
export function opToRunAgain(m: Migration): 'cancel' | 'rollback' | 'cleanup' | null {
  if (m.state !== 'failed') return null;
  const step = m.error?.step ?? null;
  return step === 'cancel' || step === 'rollback' || step === 'cleanup' ? step : null;
}
