import { useId, useState } from 'react';
import { displayName, displayQuoted } from '../../../shared/ident';
import type { Migration } from '../../../shared/migration';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CheckIcon } from '../../components/MigrationParts';
import { Modal } from '../../components/Modal';
import { useNow } from '../../lib/clock';
import { exactTime, formatDuration, formatStamp } from '../../lib/format';
import { useMigrationRun, useStores } from '../../stores';
import { ActionError, opToRunAgain, useActionError } from './ActionParts';

/** Step 8: the keep period, then cleanup (the old table's name typed before it ends) or rollback. */

function CleanupDialog({ m, early, onClose }: { m: Migration; early: boolean; onClose: () => void }) {
  const { migrationRun } = useStores();
  const busy = useMigrationRun((s) => s.busy);
  const error = useActionError('cleanup');
  const [typed, setTyped] = useState('');
  const titleId = useId();
  const inputId = useId();
  // The name of what is dropped, not of the live table.
  const matches = typed === m.oldTable;
  return (
    <Modal titleId={titleId} onClose={onClose} className="wide-modal">
      <h2 id={titleId}>Drop the old table now?</h2>
      <div className="modal-body">
        <p>
          Cleanup drops <span className="mono">{displayQuoted(m.plan.names.oldTable)}</span> (the original
          table, kept since the swap) and the change logs.{' '}
          <strong>After it, a rollback is no longer possible.</strong>
        </p>
        {early && m.keepUntil ? (
          <p>
            You chose to keep it until{' '}
            <time dateTime={m.keepUntil} title={exactTime(m.keepUntil)}>
              {formatStamp(m.keepUntil)}
            </time>
            . To drop it before then, type the name of the table that is dropped.
          </p>
        ) : null}
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (early && !matches) return;
          void migrationRun
            .getState()
            .cleanup(early ? typed : undefined)
            .then((ok) => ok && onClose());
        }}
      >
        {early ? (
          <div className="field">
            <label htmlFor={inputId}>
              Type <span className="mono">{m.oldTable}</span> to confirm
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
              {typed !== '' && !matches
                ? 'That is not the name of the old table (it is case-sensitive).'
                : ' '}
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

export function CleanupSection({ m }: { m: Migration }) {
  const { migrationRun } = useStores();
  const busy = useMigrationRun((s) => s.busy);
  const now = useNow();
  const [dialog, setDialog] = useState<'cleanup' | 'rollback' | null>(null);
  const rollbackError = useActionError('rollback');
  const early = m.keepUntil !== null && now < Date.parse(m.keepUntil);
  const terminalRetry = opToRunAgain(m);

  if (m.state === 'cleaned_up' || m.state === 'rolled_back') {
    return (
      <section className="card mig-section" aria-labelledby="end-title" data-testid="finished">
        <h2 id="end-title">
          <span className="section-n">8</span> {m.state === 'cleaned_up' ? 'Cleaned up' : 'Rolled back'}
        </h2>
        <p>
          <CheckIcon status="pass" />{' '}
          {m.state === 'cleaned_up'
            ? `The old table ${displayQuoted(m.plan.names.oldTable)} and the change logs are gone; ${displayName(m.schema, m.table)} is the ${m.target === 'timescaledb' ? 'hypertable' : 'partitioned table'}.`
            : `The original table is back as ${displayName(m.schema, m.table)}, with the rows written since the swap; the new table was dropped.`}
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
        The original table is kept as <span className="mono">{displayQuoted(m.plan.names.oldTable)}</span>
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
          disabled={busy !== null || !m.allowedActions.includes('rollback')}
          data-testid="rollback"
        >
          {terminalRetry === 'rollback' ? 'Run the rollback again' : 'Roll back'}
        </button>
        <span className="mig-spacer" />
        {early ? (
          <span className="muted small-text">
            Before the keep period ends, cleanup asks you to type the old table’s name.
          </span>
        ) : null}
        <button
          type="button"
          className="danger"
          onClick={() => setDialog('cleanup')}
          disabled={busy !== null || !m.allowedActions.includes('cleanup')}
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
            void migrationRun
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
