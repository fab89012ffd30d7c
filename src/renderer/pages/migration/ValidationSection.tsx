import './ValidationSection.css';
import type { Migration } from '../../../shared/migration';
import { busyStates } from '../../../shared/migration-actions';
import { CheckMark } from '../../components/MigrationParts';
import { RelTime } from '../../components/Values';
import { useMigrationRun, useStores } from '../../stores';
import { ActionError, BusyLabel } from './ActionParts';

/** Step 7: the checklist that compares the new table with the old one. */

export function ValidationSection({ m }: { m: Migration }) {
  const { migrationRun } = useStores();
  const busy = useMigrationRun((s) => s.busy);
  const v = m.validation;
  const canValidate = m.allowedActions.includes('validate');
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
              onClick={() => void migrationRun.getState().act('validate')}
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
