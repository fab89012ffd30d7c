import { useId } from 'react';
import { type PreflightReport, syncModes } from '../../../shared/migration';
import { CheckIcon, CheckMark } from '../../components/MigrationParts';
import { formatBytes, formatCount } from '../../lib/format';
import { type SettingsForm, sizeUnits, syncModeLabels } from '../../lib/migration';
import { useMigrationWizard, useStores } from '../../stores';

/** What only the DBA can decide in step 2: the composite key, the free space, the sync mode, foreign keys. */

export function Decisions({ report, form }: { report: PreflightReport; form: SettingsForm }) {
  const { migrationWizard: wizard } = useStores();
  const errors = useMigrationWizard((s) => s.formErrors);
  const edit = (patch: Partial<SettingsForm>) => wizard.getState().editForm(patch);
  const freeId = useId();
  const unitId = useId();
  const fkItems = report.items.filter((i) => i.id.startsWith('dependent:fk_in:') && i.status !== 'pass');
  const freeItem = report.items.find((i) => i.id === 'free_space');
  const captureItem = report.items.find((i) => i.id === 'capture_key');

  return (
    <section className="card decisions" aria-labelledby="decisions-title" data-testid="decisions">
      <h2 id="decisions-title">Your decisions</h2>
      <p className="muted card-subhead">
        What only you can decide. Each change is checked again by the pre-flight.
      </p>

      {report.proposedKeys.length > 0 ? (
        <div className="decision" data-testid="composite-key">
          <h3>
            {report.target === 'timescaledb' ? 'A hypertable' : 'A partitioned table'} needs the time column
            in every unique key
          </h3>
          {report.proposedKeys.map((k) => (
            <div key={k.name} className="key-proposal" data-testid="proposed-key" data-key={k.name}>
              <p className="key-change">
                <span className="muted">
                  {k.kind === 'primary_key'
                    ? 'Primary key'
                    : k.kind === 'unique_constraint'
                      ? 'Unique constraint'
                      : 'Unique index'}{' '}
                </span>
                <span className="mono">{k.name}</span>
                <span className="key-cols">
                  <span className="mono" data-testid="key-now">
                    ({k.columns.join(', ')})
                  </span>
                  <span aria-hidden="true"> → </span>
                  <span className="visually-hidden"> becomes </span>
                  <span className="mono strong" data-testid="key-proposed">
                    ({k.proposedColumns.join(', ')})
                  </span>
                </span>
              </p>
              <p className="key-consequence">
                <strong>What changes for the application:</strong> {k.consequence}
              </p>
            </div>
          ))}
          <label className="mig-check">
            <input
              type="checkbox"
              checked={form.acceptCompositeKey}
              onChange={(e) => edit({ acceptCompositeKey: e.target.checked })}
            />
            <span>
              Accept the composite key
              {report.proposedKeys.length > 1 ? 's' : ''}: the application does not rely on the old uniqueness
              alone.
            </span>
          </label>
        </div>
      ) : null}

      <div className="decision" data-testid="free-space">
        <h3>Free disk space</h3>
        <p>
          The migration needs about{' '}
          <strong data-testid="space-needed" title={`${formatCount(report.requiredFreeBytes)} bytes`}>
            {formatBytes(report.requiredFreeBytes)}
          </strong>{' '}
          free: 2.5 × the table’s {formatBytes(report.table.totalBytes)}, for the copy, its indexes and the
          WAL. PostgreSQL cannot see the free space of its disk — check it (e.g.{' '}
          <span className="mono">df -h</span> on the data directory) and enter it.
        </p>
        <div className="field free-field">
          <label htmlFor={freeId}>Free space you confirm</label>
          <div className="input-unit">
            <input
              id={freeId}
              type="text"
              inputMode="decimal"
              className="num-input"
              value={form.freeSpace}
              placeholder="e.g. 120"
              aria-invalid={errors.confirmedFreeBytes ? true : undefined}
              aria-describedby={errors.confirmedFreeBytes ? `${freeId}-error` : undefined}
              onChange={(e) => edit({ freeSpace: e.target.value })}
            />
            <label htmlFor={unitId} className="visually-hidden">
              Unit
            </label>
            <select
              id={unitId}
              value={form.freeUnit}
              onChange={(e) => edit({ freeUnit: e.target.value as SettingsForm['freeUnit'] })}
            >
              {sizeUnits.map((u) => (
                <option key={u}>{u}</option>
              ))}
            </select>
            {freeItem ? <CheckMark status={freeItem.status} /> : null}
          </div>
          {errors.confirmedFreeBytes ? (
            <p className="field-error" id={`${freeId}-error`}>
              {errors.confirmedFreeBytes}
            </p>
          ) : null}
        </div>
      </div>

      <fieldset className="decision choice-group" data-testid="sync-mode">
        <legend>Changes during the copy</legend>
        {syncModes.map((mode) => {
          const disabled = mode === 'capture' && report.captureKey === null;
          return (
            <label key={mode} className={`radio${disabled ? ' disabled' : ''}`}>
              <input
                type="radio"
                name="sync-mode"
                checked={form.syncMode === mode}
                disabled={disabled}
                onChange={() => edit({ syncMode: mode })}
              />
              <span>
                {syncModeLabels[mode]}
                <span className="radio-note">
                  {mode === 'capture'
                    ? report.captureKey
                      ? `A trigger logs inserts, updates and deletes by (${report.captureKey.join(', ')}); they are replayed, the last ones inside the swap. Nothing is lost.`
                      : 'Needs a primary key or a unique key on NOT NULL columns; this table has none.'
                    : 'No trigger. The swap holds its lock while it compares every time range and copies again what changed: stop the application’s writes before the swap.'}
                </span>
              </span>
            </label>
          );
        })}
        {captureItem && captureItem.status !== 'pass' ? (
          <p className="radio-note warn">
            <CheckIcon status={captureItem.status} /> {captureItem.reason}
          </p>
        ) : null}
      </fieldset>

      {fkItems.length > 0 ? (
        <div className="decision">
          <h3>Foreign keys that point at this table</h3>
          <p>
            {fkItems.length} foreign key{fkItems.length > 1 ? 's' : ''} cannot point at the new table (see
            below).
          </p>
          <label className="mig-check">
            <input
              type="checkbox"
              checked={form.dropUnsupportedForeignKeys}
              onChange={(e) => edit({ dropUnsupportedForeignKeys: e.target.checked })}
            />
            <span>
              Drop foreign keys that cannot point at the new table (a rollback restores them; until then the
              database no longer checks those references).
            </span>
          </label>
        </div>
      ) : null}
    </section>
  );
}
