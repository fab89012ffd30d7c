import './SettingsStep.css';
import type { ReactNode } from 'react';
import { ErrorNote } from '../../components/MigrationParts';
import { formatCount } from '../../lib/format';
import type { SettingsForm } from '../../lib/migration';
import { useMigrationWizard, useStores } from '../../stores';
import { SwitchedSetting, TextSetting } from './SettingFields';

/** Step 3: the settings, suggested from the table with the reason for each, then the plan is made. */

export function SettingsStep() {
  const { migrationWizard: wizard } = useStores();
  const report = useMigrationWizard((s) => s.report.data);
  const form = useMigrationWizard((s) => s.form);
  const target = useMigrationWizard((s) => s.target);
  const creating = useMigrationWizard((s) => s.creating);
  const createError = useMigrationWizard((s) => s.createError);
  const errors = useMigrationWizard((s) => s.formErrors);
  if (!report || !form || !target) return <p className="loading">Run the pre-flight first.</p>;
  const advice = report.advice;
  const d = advice.defaults;
  const r = advice.reasons;
  const edit = (patch: Partial<SettingsForm>) => wizard.getState().editForm(patch);
  const ts = target === 'timescaledb';
  const columns = report.table.columns.map((c) => c.name).filter((c) => c !== report.timeColumn);
  const candidates = advice.segmentByCandidates;
  const others = columns.filter((c) => !candidates.some((x) => x.column === c));
  /** One segment-by column's box: a suggested column with its reason, or any other column. */
  const segmentBox = (column: string, text: ReactNode) => (
    <label key={column} className="mig-check">
      <input
        type="checkbox"
        checked={form.segmentBy.includes(column)}
        onChange={(e) =>
          edit({
            segmentBy: e.target.checked
              ? [...form.segmentBy, column]
              : form.segmentBy.filter((x) => x !== column),
          })
        }
      />
      {text}
    </label>
  );
  const unusedOrder = [report.timeColumn, ...columns].find((c) => !form.orderBy.some((o) => o.column === c));

  return (
    <div className="wizard-body">
      <form
        className="mig-settings-form"
        aria-labelledby="settings-title"
        onSubmit={(e) => {
          e.preventDefault();
          void wizard.getState().createPlan();
        }}
        noValidate
      >
        <section className="card">
          <h2 id="settings-title">Settings</h2>
          <p className="muted card-subhead">
            Suggested from the table’s size, indexes and column statistics; each with the reason. Change what
            does not fit.
          </p>

          <div className="settings-grid">
            <TextSetting
              label={ts ? 'Chunk interval' : 'Partition interval'}
              field="interval"
              value={form.interval}
              onChange={(v) => edit({ interval: v })}
              reason={r.interval}
              defaultText={d.interval}
            />
            {ts ? (
              <SwitchedSetting
                label="Compress chunks older than"
                field="compressAfter"
                inputLabel="Compress chunks older than"
                on={form.compress}
                onToggle={(on) => edit({ compress: on })}
                value={form.compressAfter}
                onChange={(v) => edit({ compressAfter: v })}
                reason={r.compressAfter}
                defaultText={d.compressAfter ?? 'off'}
              />
            ) : (
              <TextSetting
                label="Partitions created ahead"
                field="partitionsAhead"
                value={form.partitionsAhead}
                onChange={(v) => edit({ partitionsAhead: v })}
                reason={r.partitionsAhead}
                defaultText={String(d.partitionsAhead)}
                unit="intervals"
                numeric
              />
            )}
            {!ts && r.partitionUpkeep ? (
              <div className="field mig-setting" data-field="partitionUpkeep">
                <label className="mig-check">
                  <input
                    type="checkbox"
                    checked={form.partman}
                    onChange={(e) => edit({ partman: e.target.checked })}
                  />
                  <span>Hand the table to pg_partman (create_parent) instead of Tidemark’s upkeep</span>
                </label>
                <p className="field-hint">
                  <span className="default-value">Default: Tidemark’s upkeep.</span> {r.partitionUpkeep}
                </p>
              </div>
            ) : null}
            <SwitchedSetting
              label={`${ts ? 'Drop chunks older than' : 'Detach partitions older than'} (retention)`}
              field="retention"
              inputLabel="Retention: older than"
              on={form.retain}
              onToggle={(on) => edit({ retain: on })}
              value={form.retention}
              onChange={(v) => edit({ retention: v })}
              reason={r.retention}
              defaultText="off"
              note={
                form.retain ? (
                  <strong className="is-warn">
                    {ts
                      ? 'Rows in dropped chunks are deleted.'
                      : 'Rows in detached partitions leave the table (they stay in tables of their own).'}
                  </strong>
                ) : null
              }
            />
            <TextSetting
              label="Keep the old table after the swap"
              field="keepOldDays"
              value={form.keepOldDays}
              onChange={(v) => edit({ keepOldDays: v })}
              reason={r.keepOldDays}
              defaultText={`${d.keepOldDays} days`}
              unit="days"
              numeric
            />
          </div>
        </section>

        {ts ? (
          <section className="card" aria-labelledby="compress-title">
            <h2 id="compress-title">Compression layout</h2>
            <fieldset className="choice-group" data-testid="segment-by">
              <legend>Segment by</legend>
              <p className="field-hint">{r.segmentBy}</p>
              {candidates.map((c) =>
                segmentBox(
                  c.column,
                  <span>
                    <span className="mono">{c.column}</span>
                    {c.distinct !== null ? (
                      <span className="muted"> · about {formatCount(c.distinct)} distinct values</span>
                    ) : null}
                    <span className="radio-note">{c.reason}</span>
                  </span>,
                ),
              )}
              {others.length > 0 ? (
                <details className="other-columns">
                  <summary>Other columns</summary>
                  {others.map((c) => segmentBox(c, <span className="mono">{c}</span>))}
                </details>
              ) : null}
              {errors.segmentBy ? <p className="field-error">{errors.segmentBy}</p> : null}
            </fieldset>
            <fieldset className="choice-group" data-testid="order-by">
              <legend>Order by</legend>
              <p className="field-hint">{r.orderBy}</p>
              {form.orderBy.map((o, i) => (
                <div key={`ob-${o.column}`} className="order-row">
                  <select
                    aria-label={`Order-by column ${i + 1}`}
                    value={o.column}
                    onChange={(e) =>
                      edit({
                        orderBy: form.orderBy.map((x, j) => (j === i ? { ...x, column: e.target.value } : x)),
                      })
                    }
                  >
                    {[report.timeColumn, ...columns]
                      .filter((c) => c === o.column || !form.orderBy.some((x) => x.column === c))
                      .map((c) => (
                        <option key={c} value={c}>
                          {c}
                        </option>
                      ))}
                  </select>
                  <select
                    aria-label={`Direction of order-by column ${i + 1}`}
                    value={o.direction}
                    onChange={(e) =>
                      edit({
                        orderBy: form.orderBy.map((x, j) =>
                          j === i ? { ...x, direction: e.target.value as 'asc' | 'desc' } : x,
                        ),
                      })
                    }
                  >
                    <option value="desc">newest / largest first (DESC)</option>
                    <option value="asc">oldest / smallest first (ASC)</option>
                  </select>
                  <button
                    type="button"
                    className="small subtle"
                    onClick={() => edit({ orderBy: form.orderBy.filter((_, j) => j !== i) })}
                    aria-label={`Remove order-by column ${i + 1}`}
                  >
                    Remove
                  </button>
                </div>
              ))}
              <button
                type="button"
                className="small"
                disabled={unusedOrder === undefined}
                onClick={() =>
                  unusedOrder !== undefined &&
                  edit({ orderBy: [...form.orderBy, { column: unusedOrder, direction: 'asc' }] })
                }
              >
                Add a column
              </button>
              {errors.orderBy ? <p className="field-error">{errors.orderBy}</p> : null}
            </fieldset>
          </section>
        ) : null}

        <section className="card" aria-labelledby="swap-settings-title">
          <h2 id="swap-settings-title">Copy and swap</h2>
          <fieldset className="choice-group" data-testid="swap-mode">
            <legend>When the copy has caught up</legend>
            <label className="radio">
              <input
                type="radio"
                name="swap-mode"
                checked={form.swapMode === 'confirm'}
                onChange={() => edit({ swapMode: 'confirm' })}
              />
              <span>
                Wait for me to press <strong>Swap now</strong>
                <span className="radio-note">
                  Recommended: choose the moment (a quiet period), see who holds locks on the table first.
                </span>
              </span>
            </label>
            <label className="radio">
              <input
                type="radio"
                name="swap-mode"
                checked={form.swapMode === 'auto'}
                onChange={() => edit({ swapMode: 'auto' })}
              />
              <span>
                Swap at once
                <span className="radio-note">The run goes on to the swap and the validation by itself.</span>
              </span>
            </label>
          </fieldset>
          <p className="field-hint swap-hint">{r.swap}</p>
          <div className="settings-grid">
            <TextSetting
              label="Lock timeout of each swap attempt"
              field="lockTimeoutMs"
              value={form.lockTimeoutMs}
              onChange={(v) => edit({ lockTimeoutMs: v })}
              reason="The longest any application query waits behind an attempt."
              defaultText={`${d.swap.lockTimeoutMs} ms`}
              unit="ms"
              numeric
            />
            <TextSetting
              label="Swap attempts"
              field="attempts"
              value={form.attempts}
              onChange={(v) => edit({ attempts: v })}
              reason={`The pause between attempts starts at ${d.swap.backoffMs} ms and doubles, up to 30 s.`}
              defaultText={String(d.swap.attempts)}
              numeric
            />
            <TextSetting
              label="Rows per copy batch, at least"
              field="batchRows"
              value={form.batchRows}
              onChange={(v) => edit({ batchRows: v })}
              reason={r.batchRows}
              defaultText={formatCount(d.batchRows)}
              unit="rows"
              numeric
            />
            <TextSetting
              label="Seconds a copy batch grows to"
              field="batchSeconds"
              value={form.batchSeconds}
              onChange={(v) => edit({ batchSeconds: v })}
              reason={r.batchSeconds}
              defaultText={`${d.batchSeconds ?? 0} s`}
              unit="s"
              numeric="decimal"
            />
          </div>
        </section>

        {createError ? (
          <ErrorNote error={createError} title="The plan was not made." testId="create-error" />
        ) : null}

        <div className="wizard-actions">
          <button type="button" onClick={() => wizard.getState().goStep('preflight')}>
            Back
          </button>
          <span className="mig-spacer" />
          <button type="submit" className="primary" disabled={creating} data-testid="create-plan">
            {creating ? (
              <>
                <span className="spinner on-accent" aria-hidden="true" /> Checking and planning…
              </>
            ) : (
              'Next: see the plan'
            )}
          </button>
        </div>
      </form>
    </div>
  );
}
