import './ChooseStep.css';
import { migrationTargets } from '../../../shared/migration';
import type { Profile } from '../../../shared/profile';
import { CheckIcon } from '../../components/MigrationParts';
import { LoadError } from '../../components/Values';
import { targetHints, targetLabels } from '../../lib/migration';
import { hrefOf } from '../../lib/router';
import { useMigrationWizard, useStores } from '../../stores';
import { migrationsPath } from '../../stores/migration-call';
import type { ServerKnowledge } from '../../stores/migration-wizard';
import { TableFacts, TablePicker } from './TablePicker';

/** Step 1: the table, its time column and the target the server can take. */

function timescaleBlocked(server: ServerKnowledge | null): {
  disabled: boolean;
  reason: string | null;
  fix: string | null;
} {
  if (!server) return { disabled: false, reason: null, fix: null };
  const ts = server.facts.timescaledb;
  if (ts.installed) {
    return {
      disabled: false,
      reason: `TimescaleDB ${ts.installed} is installed${ts.api === 'columnstore' ? ' (columnstore API, 2.18+)' : ''}.`,
      fix: null,
    };
  }
  const item = server.timescale;
  return {
    disabled: true,
    reason:
      item?.reason ??
      (ts.available
        ? `TimescaleDB ${ts.available} is available on the server but not created in this database.`
        : 'TimescaleDB is not installed on this server.'),
    fix: item?.fix ?? null,
  };
}

export function ChooseStep({ profile }: { profile: Profile }) {
  const { migrationWizard: wizard } = useStores();
  const chosen = useMigrationWizard((s) => s.chosen);
  const summary = useMigrationWizard((s) => s.summary);
  const timeColumn = useMigrationWizard((s) => s.timeColumn);
  const target = useMigrationWizard((s) => s.target);
  const server = useMigrationWizard((s) => s.server);
  const probing = useMigrationWizard((s) => s.probing);
  const probeError = useMigrationWizard((s) => s.probeError);
  const ts = timescaleBlocked(server);
  const data = summary.data;
  const columns = data?.timeColumns ?? [];
  const ready = chosen && timeColumn && target && !(target === 'timescaledb' && ts.disabled);

  return (
    <div className="wizard-body">
      <TablePicker />
      {chosen ? (
        <section className="card" aria-labelledby="chosen-title" data-testid="chosen-table">
          <h2 id="chosen-title">
            <span className="mono">
              {chosen.schema}.{chosen.table}
            </span>
          </h2>
          {summary.error ? (
            <LoadError
              message={summary.error.message}
              onRetry={() => void wizard.getState().chooseTable(chosen)}
            />
          ) : null}
          {!data && summary.loading ? <p className="loading">Reading the table…</p> : null}
          {data ? <TableFacts summary={data} /> : null}

          {data ? (
            <div className="choice-grid">
              <fieldset className="choice-group" data-testid="time-columns">
                <legend>Time column</legend>
                {columns.length === 0 ? (
                  <p className="muted">
                    This table has no timestamp, timestamptz, date or integer column: it cannot be partitioned
                    by time.
                  </p>
                ) : null}
                {columns.map((c) => (
                  <label key={c.name} className="radio">
                    <input
                      type="radio"
                      name="time-column"
                      checked={timeColumn === c.name}
                      onChange={() => void wizard.getState().chooseTimeColumn(c.name)}
                    />
                    <span>
                      <span className="mono">{c.name}</span> <span className="muted">{c.type}</span>
                      <span className="radio-note">
                        {c.notNull ? 'NOT NULL' : 'allows NULL'} ·{' '}
                        {c.indexed ? 'an index starts with it' : 'no index starts with it (slower copy)'}
                      </span>
                    </span>
                  </label>
                ))}
              </fieldset>

              <fieldset className="choice-group" data-testid="targets">
                <legend>Target</legend>
                {migrationTargets.map((t) => {
                  const disabled = t === 'timescaledb' && ts.disabled;
                  return (
                    <label key={t} className={`radio target-option${disabled ? ' disabled' : ''}`}>
                      <input
                        type="radio"
                        name="target"
                        value={t}
                        checked={target === t}
                        disabled={disabled || columns.length === 0}
                        onChange={() => wizard.getState().chooseTarget(t)}
                        aria-describedby={`target-${t}-note`}
                      />
                      <span>
                        <strong>{targetLabels[t]}</strong>
                        <span className="radio-note" id={`target-${t}-note`}>
                          {targetHints[t]}
                          {t === 'timescaledb' ? (
                            probing ? (
                              <span className="target-status">
                                <span className="spinner small-spinner" aria-hidden="true" /> Checking whether
                                TimescaleDB is installed on {profile.name}…
                              </span>
                            ) : server ? (
                              <span
                                className={`target-status ${ts.disabled ? 'is-warn' : 'ok-text'}`}
                                data-testid="timescale-status"
                              >
                                <CheckIcon status={ts.disabled ? 'warning' : 'pass'} />{' '}
                                {ts.disabled ? 'Not available: ' : ''}
                                {ts.reason}
                                {ts.fix ? <span className="target-fix"> {ts.fix}</span> : null}
                              </span>
                            ) : null
                          ) : null}
                        </span>
                      </span>
                    </label>
                  );
                })}
                {probeError ? (
                  <p className="field-error" role="alert">
                    Could not check the server: {probeError.message}
                  </p>
                ) : null}
              </fieldset>
            </div>
          ) : null}
        </section>
      ) : null}

      <div className="wizard-actions">
        <a className="button" href={hrefOf(migrationsPath(profile.id))}>
          Back to the migrations
        </a>
        <span className="mig-spacer" />
        {!ready && chosen ? (
          <span className="muted small-text">
            {!timeColumn ? 'Choose a time column.' : !target ? 'Choose a target.' : ''}
          </span>
        ) : null}
        <button
          type="button"
          className="primary"
          disabled={!ready}
          onClick={() => wizard.getState().goStep('preflight')}
          data-testid="to-preflight"
        >
          Next: pre-flight checks
        </button>
      </div>
    </div>
  );
}
