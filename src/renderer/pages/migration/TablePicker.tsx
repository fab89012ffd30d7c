import { useId, useMemo } from 'react';
import { displayName, relationKey } from '../../../shared/ident';
import type { TableCandidate, TableSummary } from '../../../shared/migration';
import { Figures } from '../../components/MigrationParts';
import { Bytes, LoadError } from '../../components/Values';
import { formatCount } from '../../lib/format';
import { useMigrationWizard, useStores } from '../../stores';

/** Step 1's table list (biggest first, the ones that cannot be chosen with the reason) and the chosen table's figures. */

export function TablePicker() {
  const { migrationWizard: wizard } = useStores();
  const tables = useMigrationWizard((s) => s.tables);
  const filter = useMigrationWizard((s) => s.tableFilter);
  const chosen = useMigrationWizard((s) => s.chosen);
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const all = tables.data ?? [];
    return f ? all.filter((t) => displayName(t.schema, t.table).toLowerCase().includes(f)) : all;
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
            onChange={(e) => wizard.getState().setTableFilter(e.target.value)}
          />
          <button
            type="button"
            className="small"
            onClick={() => void wizard.getState().loadTables()}
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
        <LoadError message={tables.error.message} onRetry={() => void wizard.getState().loadTables()} />
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
                  key={relationKey(t.schema, t.table)}
                  t={t}
                  checked={
                    chosen !== null &&
                    relationKey(chosen.schema, chosen.table) === relationKey(t.schema, t.table)
                  }
                  onChoose={() => void wizard.getState().chooseTable({ schema: t.schema, table: t.table })}
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
    // The whole row chooses, as its hover promises; the radio stays the keyboard's way in.
    <tr
      className={`${checked ? 'selected' : ''} ${disabled ? 'disabled' : ''}`}
      data-testid="table-row"
      data-table={displayName(t.schema, t.table)}
      onClick={(e) => {
        // The radio and its label choose by themselves (a click on them reaches the row too).
        if (disabled || checked || (e.target as HTMLElement).closest('input, label')) return;
        onChoose();
      }}
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
          {displayName(t.schema, t.table)}
        </label>
        {disabled ? (
          <span id={`${id}-why`} className="rel-meta muted small-text">
            Cannot be chosen: {t.ineligible}
          </span>
        ) : null}
      </td>
      <td className="num">
        <Bytes value={t.totalBytes} />
        {t.kind === 'partitioned' ? <span className="rel-meta muted small-text">all partitions</span> : null}
      </td>
      <td className="num">
        {t.rowEstimate === null ? (
          <span title="Never analyzed: not known">—</span>
        ) : (
          formatCount(t.rowEstimate)
        )}
      </td>
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

export function TableFacts({ summary }: { summary: TableSummary }) {
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
          value:
            summary.rowEstimate === null ? 'not known (never analyzed)' : formatCount(summary.rowEstimate),
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
