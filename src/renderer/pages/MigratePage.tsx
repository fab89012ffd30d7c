import '../styles/migration.css';
import { type ReactNode, useEffect, useId, useMemo, useRef } from 'react';
import type {
  MigrationSummary,
  MigrationTarget,
  PreflightItem,
  PreflightReport,
  TableCandidate,
  TableSummary,
} from '../../shared/migration';
import type { Profile } from '../../shared/profile';
import {
  CheckIcon,
  CheckMark,
  ErrorNote,
  Figures,
  SqlBlock,
  StateBadge,
  Stepper,
} from '../components/MigrationParts';
import { ProfileLayout } from '../components/ProfileLayout';
import { Bytes, LoadError, RelTime } from '../components/Values';
import { exactTime, formatBytes, formatCount, formatStamp } from '../lib/format';
import {
  categoryLabels,
  categoryOrder,
  finishedStates,
  plainFix,
  type SettingsField,
  type SettingsForm,
  sizeUnits,
  syncModeLabels,
  targetHints,
  targetLabels,
  type WizardStepId,
} from '../lib/migration';
import { hrefOf } from '../lib/router';
import { useMigration, useStores } from '../stores';

const base = (profileId: string) => `/profiles/${encodeURIComponent(profileId)}/migrate`;

// ================================================================ the list

function MigrationRow({ m, profileId }: { m: MigrationSummary; profileId: string }) {
  const { migration } = useStores();
  const listBusy = useMigration((s) => s.listBusy);
  const listError = useMigration((s) => (s.listError?.id === m.id ? s.listError.error : null));
  const href = hrefOf(`${base(profileId)}/${encodeURIComponent(m.id)}`);
  const resumable = m.state === 'paused' || (m.state === 'failed' && !m.swappedAt);
  return (
    <>
      <tr data-testid="migration-row" data-migration={m.id} data-state={m.state}>
        <td className="name">
          <a href={href} className="mono">
            {m.schema}.{m.table}
          </a>
          <span className="rel-meta muted small-text">
            time column <span className="mono">{m.timeColumn}</span>
          </span>
        </td>
        <td>{targetLabels[m.target]}</td>
        <td>
          <StateBadge state={m.state} />
        </td>
        <td className="when">
          <RelTime iso={m.updatedAt} />
        </td>
        <td className="when">
          {m.keepUntil && !finishedStates.includes(m.state) ? (
            <time dateTime={m.keepUntil} title={exactTime(m.keepUntil)}>
              {formatStamp(m.keepUntil)}
            </time>
          ) : (
            <span className="faint">—</span>
          )}
        </td>
        <td className="row-actions">
          {resumable ? (
            <button
              type="button"
              className="small primary"
              disabled={listBusy !== null}
              onClick={() => void migration.getState().resumeFromList(m.id)}
              aria-label={`Resume the migration of ${m.schema}.${m.table}`}
            >
              {listBusy === m.id ? 'Resuming…' : 'Resume'}
            </button>
          ) : null}
          <a className="button small" href={href} aria-label={`Open the migration of ${m.schema}.${m.table}`}>
            Open
          </a>
        </td>
      </tr>
      {m.error && !finishedStates.includes(m.state) ? (
        <tr className="info-row">
          <td colSpan={6} className="row-note">
            <CheckIcon status={m.state === 'failed' ? 'fail' : 'warn'} /> {m.error.message}
          </td>
        </tr>
      ) : null}
      {listError ? (
        <tr className="info-row">
          <td colSpan={6}>
            <ErrorNote error={listError} title="Could not resume." />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function MigrationList({ profile }: { profile: Profile }) {
  const { migration } = useStores();
  const list = useMigration((s) => s.list);
  const rows = list.data ?? [];
  return (
    <section className="card" aria-labelledby="mig-list-title" data-testid="migration-list">
      <div className="card-head">
        <h2 id="mig-list-title">Migrations on {profile.name}</h2>
        <a className="button primary" href={hrefOf(`${base(profile.id)}/new`)} data-testid="new-migration">
          New migration
        </a>
      </div>
      {list.error ? (
        <LoadError message={list.error.message} onRetry={() => void migration.getState().loadList()} />
      ) : null}
      {!list.data && list.loading ? <p className="loading">Loading…</p> : null}
      {list.data && rows.length === 0 ? (
        <div className="mig-empty" data-testid="no-migrations">
          <p>
            No migration yet. The wizard moves a large time-series table into a TimescaleDB hypertable or into
            native range partitions, a batch at a time, while the application keeps using it.
          </p>
          <p className="muted">
            Every step is journaled on this computer: if Tidemark is closed or the connection drops, the
            migration shows up here and resumes where it stopped.
          </p>
        </div>
      ) : null}
      {rows.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col">Target</th>
                <th scope="col">State</th>
                <th scope="col">Last change</th>
                <th scope="col">Old table kept until</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <MigrationRow key={m.id} m={m} profileId={profile.id} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

export function MigratePage({ id }: { id: string }) {
  const { migration } = useStores();
  useEffect(() => {
    migration.getState().open(id);
  }, [migration, id]);
  return (
    <ProfileLayout profileId={id} tab="migrate">
      {(profile) => (
        <div className="migrate-body">
          <MigrationList profile={profile} />
        </div>
      )}
    </ProfileLayout>
  );
}

// ================================================================ step 1: the table

function tableKey(t: { schema: string; table: string }) {
  return `${t.schema}.${t.table}`;
}

function TablePicker() {
  const { migration } = useStores();
  const tables = useMigration((s) => s.tables);
  const filter = useMigration((s) => s.tableFilter);
  const chosen = useMigration((s) => s.chosen);
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const all = tables.data ?? [];
    return f ? all.filter((t) => tableKey(t).toLowerCase().includes(f)) : all;
  }, [tables.data, filter]);
  const filterId = useId();

  return (
    <section className="card" aria-labelledby="pick-title">
      <div className="card-head">
        <h2 id="pick-title">Choose the table</h2>
        <div className="table-filters">
          <label htmlFor={filterId} className="visually-hidden">
            Filter tables
          </label>
          <input
            id={filterId}
            type="search"
            placeholder="Filter tables"
            value={filter}
            onChange={(e) => migration.getState().setTableFilter(e.target.value)}
          />
          <button
            type="button"
            className="small"
            onClick={() => void migration.getState().loadTables()}
            disabled={tables.loading}
          >
            {tables.loading ? 'Reading…' : 'Read again'}
          </button>
        </div>
      </div>
      <p className="muted card-subhead">
        Biggest first. Tables already partitioned, hypertables and tables without a timestamp, date or integer
        time column cannot be chosen; the reason is given.
      </p>
      {tables.error ? (
        <LoadError message={tables.error.message} onRetry={() => void migration.getState().loadTables()} />
      ) : null}
      {!tables.data && tables.loading ? <p className="loading">Reading the tables…</p> : null}
      {tables.data ? (
        <div className="table-scroll pick-scroll">
          <table className="data-table pick-table" data-testid="table-picker">
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Chosen</span>
                </th>
                <th scope="col">Table</th>
                <th scope="col" className="num">
                  Total size
                </th>
                <th scope="col" className="num">
                  Rows (estimate)
                </th>
                <th scope="col">Time columns</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((t) => (
                <TableRow
                  key={tableKey(t)}
                  t={t}
                  checked={chosen !== null && tableKey(chosen) === tableKey(t)}
                  onChoose={() => void migration.getState().chooseTable({ schema: t.schema, table: t.table })}
                />
              ))}
              {shown.length === 0 ? (
                <tr>
                  <td colSpan={5} className="empty-row muted">
                    {tables.data.length === 0
                      ? 'This database has no tables.'
                      : 'No table matches the filter.'}
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function TableRow({ t, checked, onChoose }: { t: TableCandidate; checked: boolean; onChoose: () => void }) {
  const id = useId();
  const disabled = t.ineligible !== null;
  return (
    <tr
      className={`${checked ? 'selected' : ''} ${disabled ? 'disabled' : ''}`}
      data-testid="table-row"
      data-table={tableKey(t)}
    >
      <td className="mig-pick">
        <input
          type="radio"
          name="migration-table"
          id={id}
          checked={checked}
          disabled={disabled}
          onChange={onChoose}
          aria-describedby={disabled ? `${id}-why` : undefined}
        />
      </td>
      <td className="name">
        <label htmlFor={id} className="mono">
          {tableKey(t)}
        </label>
        {disabled ? (
          <span id={`${id}-why`} className="rel-meta muted small-text">
            Cannot be chosen: {t.ineligible}
          </span>
        ) : null}
      </td>
      <td className="num">
        <Bytes value={t.totalBytes} />
      </td>
      <td className="num">{formatCount(t.rowEstimate)}</td>
      <td className="mono small-text">
        {t.timeColumns.length > 0 ? (
          t.timeColumns.map((c) => c.name).join(', ')
        ) : (
          <span className="faint">—</span>
        )}
      </td>
    </tr>
  );
}

function TableFacts({ summary }: { summary: TableSummary }) {
  const range = summary.timeRange;
  return (
    <Figures
      items={[
        { label: 'Total size', value: <Bytes value={summary.totalBytes} />, testId: 'chosen-size' },
        { label: 'Heap', value: <Bytes value={summary.tableBytes} /> },
        { label: 'Indexes', value: <Bytes value={summary.indexBytes} /> },
        { label: 'TOAST', value: <Bytes value={summary.toastBytes} /> },
        {
          label: 'Rows (estimate)',
          value: formatCount(summary.rowEstimate),
          testId: 'chosen-rows',
        },
        {
          label: range ? `Time range of ${range.column}${range.exact ? '' : ' (estimated)'}` : 'Time range',
          value: range?.min ? (
            <span className="mono range-text" data-testid="chosen-range">
              {range.min} → {range.max}
            </span>
          ) : (
            <span className="faint">{range ? 'no rows yet' : 'no time column'}</span>
          ),
        },
        ...(range && range.nulls > 0
          ? [{ label: 'Rows without a time', value: formatCount(range.nulls) }]
          : []),
      ]}
    />
  );
}

function timescaleBlocked(server: ReturnType<typeof useServer>): {
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

function useServer() {
  return useMigration((s) => s.server);
}

function ChooseStep({ profile }: { profile: Profile }) {
  const { migration } = useStores();
  const chosen = useMigration((s) => s.chosen);
  const summary = useMigration((s) => s.summary);
  const timeColumn = useMigration((s) => s.timeColumn);
  const target = useMigration((s) => s.target);
  const server = useServer();
  const probing = useMigration((s) => s.probing);
  const probeError = useMigration((s) => s.probeError);
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
              onRetry={() => void migration.getState().chooseTable(chosen)}
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
                      onChange={() => void migration.getState().chooseTimeColumn(c.name)}
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
                {(['timescaledb', 'partitions'] as MigrationTarget[]).map((t) => {
                  const disabled = t === 'timescaledb' && ts.disabled;
                  return (
                    <label key={t} className={`radio target-option${disabled ? ' disabled' : ''}`}>
                      <input
                        type="radio"
                        name="target"
                        value={t}
                        checked={target === t}
                        disabled={disabled || columns.length === 0}
                        onChange={() => migration.getState().chooseTarget(t)}
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
        <a className="button" href={hrefOf(base(profile.id))}>
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
          onClick={() => migration.getState().goStep('preflight')}
          data-testid="to-preflight"
        >
          Next: pre-flight checks
        </button>
      </div>
    </div>
  );
}

// ================================================================ step 2: the pre-flight

function countBy(items: PreflightItem[]) {
  return {
    pass: items.filter((i) => i.status === 'pass').length,
    warning: items.filter((i) => i.status === 'warning').length,
    blocking: items.filter((i) => i.status === 'blocking').length,
  };
}

function PreflightItemView({ item }: { item: PreflightItem }) {
  return (
    <li
      className={`pf-item pf-${item.status}`}
      data-testid="preflight-item"
      data-id={item.id}
      data-status={item.status}
    >
      <div className="pf-status">
        <CheckMark status={item.status} />
      </div>
      <div className="pf-text">
        <h4>{item.title}</h4>
        <p>{item.reason}</p>
        {item.fix ? (
          <p className="pf-fix">
            <strong>{item.status === 'pass' ? 'Note:' : 'What to do:'}</strong> {plainFix(item.fix)}
          </p>
        ) : null}
        {item.sql ? <SqlBlock sql={item.sql} what={`SQL for ${item.title}`} /> : null}
        {item.objects.length > 0 ? (
          <ul className="pf-objects">
            {item.objects.map((o) => (
              <li key={o} className="mono">
                {o}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </li>
  );
}

function Decisions({ report, form }: { report: PreflightReport; form: SettingsForm }) {
  const { migration } = useStores();
  const errors = useMigration((s) => s.formErrors);
  const edit = (patch: Partial<SettingsForm>) => migration.getState().editForm(patch);
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
        {(['capture', 'offline'] as const).map((mode) => {
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

function PreflightStep() {
  const { migration } = useStores();
  const report = useMigration((s) => s.report);
  const form = useMigration((s) => s.form);
  const stale = useMigration((s) => s.reportStale);
  const data = report.data;
  const counts = data ? countBy(data.items) : null;
  const blocking = data?.items.filter((i) => i.status === 'blocking') ?? [];

  const next = async () => {
    if (stale) await migration.getState().runPreflight();
    const s = migration.getState();
    if (s.report.data && !s.report.data.blocked && !s.reportStale && !s.report.error) s.goStep('settings');
  };

  return (
    <div className="wizard-body" aria-busy={report.loading}>
      <section className="card" aria-labelledby="pf-title" data-testid="preflight">
        <div className="card-head">
          <h2 id="pf-title">Pre-flight report</h2>
          <div className="head-actions">
            {data ? (
              <span className="muted small-text">
                checked <RelTime iso={data.checkedAt} />
              </span>
            ) : null}
            <button
              type="button"
              className="small"
              onClick={() => void migration.getState().runPreflight()}
              disabled={report.loading}
              data-testid="check-again"
            >
              {report.loading ? (
                <>
                  <span className="spinner small-spinner" aria-hidden="true" /> Checking…
                </>
              ) : (
                'Check again'
              )}
            </button>
          </div>
        </div>
        {report.error ? (
          <ErrorNote error={report.error} title="The pre-flight could not run." testId="preflight-error" />
        ) : null}
        {!data && report.loading ? (
          <p className="loading">Checking the table, the server and what depends on it…</p>
        ) : null}
        {data && counts ? (
          <>
            <p className="pf-summary" data-testid="preflight-summary">
              <CheckMark status="pass" label={`${counts.pass} passed`} />
              <CheckMark
                status="warning"
                label={`${counts.warning} warning${counts.warning === 1 ? '' : 's'}`}
              />
              <CheckMark status="blocking" label={`${counts.blocking} blocking`} />
              <span className="muted">
                {' '}
                {targetLabels[data.target]} on {data.server.version.split(' ').slice(0, 2).join(' ')}, time
                column <span className="mono">{data.timeColumn}</span>
              </span>
            </p>
            {stale ? (
              <div className="banner banner-warning" role="status" data-testid="preflight-stale">
                <p>Your decisions changed: check again to see the report with them.</p>
                <button
                  type="button"
                  className="small"
                  onClick={() => void migration.getState().runPreflight()}
                >
                  Check again
                </button>
              </div>
            ) : null}
            {blocking.length > 0 ? (
              <div className="banner banner-error blocking-list" role="alert" data-testid="preflight-blocked">
                <CheckIcon status="blocking" />
                <div>
                  <p>
                    <strong>
                      {blocking.length} item{blocking.length > 1 ? 's' : ''} must be resolved before the plan
                      can be made:
                    </strong>
                  </p>
                  <ul>
                    {blocking.map((i) => (
                      <li key={i.id}>
                        <strong>{i.title}</strong>
                        {i.fix ? <> — {plainFix(i.fix)}</> : null}
                      </li>
                    ))}
                  </ul>
                </div>
              </div>
            ) : null}
          </>
        ) : null}
      </section>

      {data && form ? <Decisions report={data} form={form} /> : null}

      {data ? (
        <section className="card pf-checks" aria-labelledby="pf-checks-title" data-testid="preflight-checks">
          <h2 id="pf-checks-title">Every check</h2>
          {categoryOrder.map((cat) => {
            const items = data.items.filter((i) => i.category === cat);
            if (items.length === 0) return null;
            return (
              <section key={cat} className="pf-group" aria-labelledby={`pf-${cat}`} data-category={cat}>
                <h3 id={`pf-${cat}`}>{categoryLabels[cat]}</h3>
                <ul className="pf-list">
                  {items.map((i) => (
                    <PreflightItemView key={i.id} item={i} />
                  ))}
                </ul>
              </section>
            );
          })}
        </section>
      ) : null}

      <div className="wizard-actions">
        <button type="button" onClick={() => migration.getState().goStep('choose')}>
          Back
        </button>
        <span className="mig-spacer" />
        {data?.blocked && !stale ? (
          <span className="muted small-text" data-testid="blocked-hint">
            Resolve the blocking items first.
          </span>
        ) : null}
        <button
          type="button"
          className="primary"
          disabled={!data || report.loading || (data.blocked && !stale)}
          onClick={() => void next()}
          data-testid="to-settings"
        >
          {stale ? 'Check again and continue' : 'Next: settings'}
        </button>
      </div>
    </div>
  );
}

// ================================================================ step 3: settings

/** Main's field messages may start mid-sentence ("must be greater than zero"). */
function sentence(text: string | undefined): string | undefined {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

function SettingField({
  label,
  field,
  reason,
  defaultText,
  children,
  inputId,
}: {
  label: string;
  field: SettingsField;
  reason: string | undefined;
  defaultText: string | null;
  children: ReactNode;
  inputId: string;
}) {
  const error = sentence(useMigration((s) => s.formErrors[field]));
  return (
    <div className="field mig-setting" data-field={field}>
      <label htmlFor={inputId}>{label}</label>
      {children}
      {error ? (
        <p className="field-error" id={`${inputId}-error`} data-testid={`error-${field}`}>
          {error}
        </p>
      ) : null}
      <p className="field-hint" id={`${inputId}-hint`}>
        {defaultText !== null ? (
          <>
            <span className="default-value">Default: {defaultText}.</span>{' '}
          </>
        ) : null}
        {reason}
      </p>
    </div>
  );
}

function TextSetting({
  label,
  field,
  value,
  onChange,
  reason,
  defaultText,
  unit,
  numeric,
}: {
  label: string;
  field: SettingsField;
  value: string;
  onChange: (v: string) => void;
  reason: string | undefined;
  defaultText: string | null;
  unit?: string;
  numeric?: boolean;
}) {
  const id = useId();
  const error = useMigration((s) => s.formErrors[field]);
  const input = (
    <input
      id={id}
      type="text"
      className={numeric ? 'num-input' : undefined}
      inputMode={numeric ? 'numeric' : undefined}
      value={value}
      aria-invalid={error ? true : undefined}
      aria-describedby={`${error ? `${id}-error ` : ''}${id}-hint`}
      onChange={(e) => onChange(e.target.value)}
    />
  );
  return (
    <SettingField label={label} field={field} reason={reason} defaultText={defaultText} inputId={id}>
      {unit ? (
        <div className="input-unit">
          {input}
          <span>{unit}</span>
        </div>
      ) : (
        input
      )}
    </SettingField>
  );
}

function SettingsStep() {
  const { migration } = useStores();
  const report = useMigration((s) => s.report.data);
  const form = useMigration((s) => s.form);
  const target = useMigration((s) => s.target);
  const creating = useMigration((s) => s.creating);
  const createError = useMigration((s) => s.createError);
  const errors = useMigration((s) => s.formErrors);
  if (!report || !form || !target) return <p className="loading">Run the pre-flight first.</p>;
  const advice = report.advice;
  const d = advice.defaults;
  const r = advice.reasons;
  const edit = (patch: Partial<SettingsForm>) => migration.getState().editForm(patch);
  const ts = target === 'timescaledb';
  const columns = report.table.columns.map((c) => c.name).filter((c) => c !== report.timeColumn);
  const candidates = advice.segmentByCandidates;
  const others = columns.filter((c) => !candidates.some((x) => x.column === c));
  const unusedOrder = [report.timeColumn, ...columns].find((c) => !form.orderBy.some((o) => o.column === c));

  return (
    <div className="wizard-body">
      <form
        className="mig-settings-form"
        aria-labelledby="settings-title"
        onSubmit={(e) => {
          e.preventDefault();
          void migration.getState().createPlan();
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
              <div className="field mig-setting" data-field="compressAfter">
                <label className="mig-check">
                  <input
                    type="checkbox"
                    checked={form.compress}
                    onChange={(e) => edit({ compress: e.target.checked })}
                  />
                  <span>Compress chunks older than</span>
                </label>
                <div className="input-unit">
                  <input
                    type="text"
                    aria-label="Compress chunks older than"
                    value={form.compressAfter}
                    disabled={!form.compress}
                    aria-invalid={errors.compressAfter ? true : undefined}
                    onChange={(e) => edit({ compressAfter: e.target.value })}
                  />
                </div>
                {errors.compressAfter ? (
                  <p className="field-error" data-testid="error-compressAfter">
                    {errors.compressAfter}
                  </p>
                ) : null}
                <p className="field-hint">
                  <span className="default-value">Default: {d.compressAfter ?? 'off'}.</span>{' '}
                  {r.compressAfter}
                </p>
              </div>
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
            <div className="field mig-setting" data-field="retention">
              <label className="mig-check">
                <input
                  type="checkbox"
                  checked={form.retain}
                  onChange={(e) => edit({ retain: e.target.checked })}
                />
                <span>{ts ? 'Drop chunks older than' : 'Detach partitions older than'} (retention)</span>
              </label>
              <input
                type="text"
                aria-label="Retention: older than"
                value={form.retention}
                disabled={!form.retain}
                aria-invalid={errors.retention ? true : undefined}
                onChange={(e) => edit({ retention: e.target.value })}
              />
              {errors.retention ? (
                <p className="field-error" data-testid="error-retention">
                  {errors.retention}
                </p>
              ) : null}
              <p className="field-hint">
                <span className="default-value">Default: off.</span> {r.retention}{' '}
                {form.retain ? (
                  <strong className="is-warn">
                    {ts
                      ? 'Rows in dropped chunks are deleted.'
                      : 'Rows in detached partitions leave the table (they stay in tables of their own).'}
                  </strong>
                ) : null}
              </p>
            </div>
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
              {candidates.map((c) => (
                <label key={c.column} className="mig-check">
                  <input
                    type="checkbox"
                    checked={form.segmentBy.includes(c.column)}
                    onChange={(e) =>
                      edit({
                        segmentBy: e.target.checked
                          ? [...form.segmentBy, c.column]
                          : form.segmentBy.filter((x) => x !== c.column),
                      })
                    }
                  />
                  <span>
                    <span className="mono">{c.column}</span>
                    {c.distinct !== null ? (
                      <span className="muted"> · about {formatCount(c.distinct)} distinct values</span>
                    ) : null}
                    <span className="radio-note">{c.reason}</span>
                  </span>
                </label>
              ))}
              {others.length > 0 ? (
                <details className="other-columns">
                  <summary>Other columns</summary>
                  {others.map((c) => (
                    <label key={c} className="mig-check">
                      <input
                        type="checkbox"
                        checked={form.segmentBy.includes(c)}
                        onChange={(e) =>
                          edit({
                            segmentBy: e.target.checked
                              ? [...form.segmentBy, c]
                              : form.segmentBy.filter((x) => x !== c),
                          })
                        }
                      />
                      <span className="mono">{c}</span>
                    </label>
                  ))}
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
              label="Rows per copy batch"
              field="batchRows"
              value={form.batchRows}
              onChange={(v) => edit({ batchRows: v })}
              reason={r.batchRows}
              defaultText={formatCount(d.batchRows)}
              unit="rows"
              numeric
            />
          </div>
        </section>

        {createError ? (
          <ErrorNote error={createError} title="The plan was not made." testId="create-error" />
        ) : null}

        <div className="wizard-actions">
          <button type="button" onClick={() => migration.getState().goStep('preflight')}>
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

// ================================================================ the wizard page

const stepIds: Record<'choose' | 'preflight' | 'settings', WizardStepId> = {
  choose: 'choose',
  preflight: 'preflight',
  settings: 'settings',
};

export function NewMigrationPage({ id }: { id: string }) {
  const { migration } = useStores();
  const step = useMigration((s) => s.step);
  useEffect(() => {
    const s = migration.getState();
    s.open(id);
    // Read again each time: a table migrated a moment ago is partitioned now.
    if (!migration.getState().tables.loading) void s.loadTables();
  }, [migration, id]);
  // A new step replaces the page's content without a new address: bring keyboard focus to its title.
  const titleRef = useRef<HTMLHeadingElement>(null);
  const shownStep = useRef(step);
  useEffect(() => {
    if (shownStep.current === step) return;
    shownStep.current = step;
    titleRef.current?.focus();
  }, [step]);
  const order: WizardStepId[] = ['choose', 'preflight', 'settings'];
  const at = order.indexOf(stepIds[step]);
  const titles = {
    choose: '1 · Choose the table, its time column and the target',
    preflight: '2 · Pre-flight checks',
    settings: '3 · Settings',
  };
  return (
    <ProfileLayout profileId={id} tab="migrate">
      {(profile) => (
        <div className="migrate-body wizard" data-testid="wizard" data-step={step}>
          <Stepper current={stepIds[step]} done={(s) => order.indexOf(s) !== -1 && order.indexOf(s) < at} />
          <h2 className="wizard-title" data-testid="wizard-title" ref={titleRef} tabIndex={-1}>
            {titles[step]}
          </h2>
          {step === 'choose' ? <ChooseStep profile={profile} /> : null}
          {step === 'preflight' ? <PreflightStep /> : null}
          {step === 'settings' ? <SettingsStep /> : null}
        </div>
      )}
    </ProfileLayout>
  );
}
