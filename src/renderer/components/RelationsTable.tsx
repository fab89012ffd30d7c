import { Fragment, type ReactNode, useMemo, useState } from 'react';
import type { RelationRow } from '../../shared/storage';
import { formatBytes, formatCount, formatExactBytes, formatRatio, relationKindLabels } from '../lib/format';
import { useStorage, useStores } from '../stores';
import type { KindFilter, SelectedRelation, Sort, SortKey } from '../stores/storage';
import { Bytes, GrowthOver, KindBadge, RelTime } from './Values';

type Column = { key: SortKey; label: string; numeric?: boolean; title?: string };

const WEEK_MS = 7 * 86_400_000;

const columns: Column[] = [
  { key: 'schema', label: 'Schema' },
  { key: 'name', label: 'Name' },
  { key: 'kind', label: 'Kind' },
  // Total and growth come first: on a narrow window they stay in view, the breakdown scrolls.
  { key: 'total', label: 'Total', numeric: true, title: 'Heap + TOAST + indexes' },
  {
    key: 'growth',
    label: '7-day growth',
    numeric: true,
    title: 'Change of the total over the last 7 days; "over 19 s" when the history is shorter',
  },
  { key: 'rows', label: 'Rows', numeric: true, title: 'Row estimate (pg_class.reltuples)' },
  { key: 'heap', label: 'Heap', numeric: true },
  { key: 'toast', label: 'TOAST', numeric: true },
  { key: 'indexes', label: 'Indexes', numeric: true },
  { key: 'dead', label: 'Dead', numeric: true, title: 'Dead tuples (n_dead_tup)' },
  { key: 'lastVacuum', label: 'Vacuumed', title: 'Last vacuum, manual or auto' },
  { key: 'lastAnalyze', label: 'Analyzed', title: 'Last analyze, manual or auto' },
];

const kindFilters: Array<{ value: KindFilter; label: string }> = [
  { value: 'all', label: 'All kinds' },
  { value: 'table', label: 'Tables' },
  { value: 'partitioned', label: 'Partitioned tables' },
  { value: 'hypertable', label: 'Hypertables' },
  { value: 'matview', label: 'Materialized views' },
];

const kindOrder: Record<RelationRow['kind'], number> = {
  table: 0,
  partitioned: 1,
  hypertable: 2,
  matview: 3,
  partition: 4,
  chunk: 5,
};

function sortValue(r: RelationRow, key: SortKey): string | number | null {
  switch (key) {
    case 'schema':
      return r.schema;
    case 'name':
      return r.name;
    case 'kind':
      return kindOrder[r.kind];
    case 'rows':
      return r.rowEstimate;
    case 'heap':
      return r.heapBytes;
    case 'toast':
      return r.toastBytes;
    case 'indexes':
      return r.indexBytes;
    case 'total':
      return r.totalBytes;
    case 'dead':
      return r.deadTuples;
    case 'lastVacuum':
      return r.lastVacuum ? Date.parse(r.lastVacuum) : null;
    case 'lastAnalyze':
      return r.lastAnalyze ? Date.parse(r.lastAnalyze) : null;
    case 'growth':
      return r.growth7dBytes;
  }
}

/** Sorted by the column; rows without a value (not measured, never vacuumed) always last. */
export function sortRelations(rows: RelationRow[], sort: Sort): RelationRow[] {
  const factor = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, sort.key);
    const vb = sortValue(b, sort.key);
    if (va === null && vb === null) return a.name.localeCompare(b.name);
    if (va === null) return 1;
    if (vb === null) return -1;
    const c =
      typeof va === 'string' && typeof vb === 'string'
        ? va.localeCompare(vb, undefined, { sensitivity: 'base', numeric: true })
        : (va as number) - (vb as number);
    return c !== 0 ? c * factor : a.name.localeCompare(b.name);
  });
}

export function filterRelations(rows: RelationRow[], text: string, kind: KindFilter): RelationRow[] {
  const needle = text.trim().toLowerCase();
  return rows.filter((r) => {
    if (kind !== 'all' && r.kind !== kind) return false;
    if (!needle) return true;
    return `${r.schema}.${r.name}`.toLowerCase().includes(needle);
  });
}

const selectionOf = (r: RelationRow): SelectedRelation => ({
  relationId: r.relationId,
  schema: r.schema,
  name: r.name,
  kind: r.kind,
});

/** "7 / 10 chunks compressed · 12.0 GiB → 3.0 GiB, 4.0x at compression time" or "12 partitions". */
function RollupMeta({ r }: { r: RelationRow }) {
  if (r.kind === 'partitioned' && r.children !== null) {
    return (
      <span className="rel-meta" data-testid="rollup-meta">
        {formatCount(r.children)} {r.children === 1 ? 'partition' : 'partitions'}
      </span>
    );
  }
  if (r.kind !== 'hypertable') return null;
  const parts: ReactNode[] = [];
  if (r.children !== null) {
    parts.push(
      r.compressedChildren !== null ? (
        <span key="c">
          {formatCount(r.compressedChildren)} / {formatCount(r.children)} chunks compressed
        </span>
      ) : (
        <span key="c">
          {formatCount(r.children)} {r.children === 1 ? 'chunk' : 'chunks'}
        </span>
      ),
    );
  }
  if (r.beforeCompressionBytes !== null && r.afterCompressionBytes !== null) {
    const ratio = formatRatio(r.beforeCompressionBytes, r.afterCompressionBytes);
    parts.push(
      <span
        key="r"
        title={`Recorded by TimescaleDB when the chunks were compressed: ${formatExactBytes(r.beforeCompressionBytes)} before, ${formatExactBytes(r.afterCompressionBytes)} after.`}
      >
        {formatBytes(r.beforeCompressionBytes)} → {formatBytes(r.afterCompressionBytes)}
        {ratio ? (
          <>
            , <strong>{ratio}</strong> at compression time
          </>
        ) : null}
      </span>,
    );
  }
  if (parts.length === 0) return null;
  return (
    <span className="rel-meta" data-testid="rollup-meta">
      {parts.map((p, i) => (
        <Fragment key={(p as { key: string }).key ?? i}>
          {i > 0 ? ' · ' : null}
          {p}
        </Fragment>
      ))}
    </span>
  );
}

/** Total and 7-day growth; for a relation this sample could not size, one cell that says so (never 0). */
function TotalCells({ r }: { r: RelationRow }) {
  if (!r.measured) {
    return (
      <td
        colSpan={2}
        className="not-measured"
        title={r.notMeasured ?? 'This relation could not be sized in this sample.'}
        data-testid="cell-not-measured"
      >
        not measured this time
        {r.notMeasured ? <span className="visually-hidden">: {r.notMeasured}</span> : null}
      </td>
    );
  }
  return (
    <>
      <td className="num strong" data-testid="cell-total">
        <Bytes value={r.totalBytes} />
      </td>
      <td className="num" data-testid="cell-growth">
        <GrowthOver
          bytes={r.growth7dBytes}
          spanMs={r.growth7dSpanMs}
          windowMs={WEEK_MS}
          emptyTitle="Not enough history over the last 7 days."
        />
      </td>
    </>
  );
}

function PartCell({ r, value, testId }: { r: RelationRow; value: number | null; testId: string }) {
  return (
    <td className="num" data-testid={testId}>
      {r.measured ? (
        <Bytes value={value} />
      ) : (
        <span className="faint" title={r.notMeasured ?? 'Not measured in this sample.'}>
          —
        </span>
      )}
    </td>
  );
}

function RelationCells({
  r,
  selected,
  onSelect,
  child,
}: {
  r: RelationRow;
  selected: boolean;
  onSelect: () => void;
  child?: boolean;
}) {
  return (
    <>
      <td className={child ? 'schema child-cell' : 'schema'} title={r.schema}>
        {r.schema}
      </td>
      <td className="name">
        <button
          type="button"
          className="rel-name"
          aria-pressed={selected}
          title={`Chart ${r.schema}.${r.name}`}
          onClick={(e) => {
            e.stopPropagation();
            onSelect();
          }}
        >
          {r.name}
        </button>
        <RollupMeta r={r} />
      </td>
      <td>
        <KindBadge kind={r.kind} />
      </td>
      <TotalCells r={r} />
      <td className="num" data-testid="cell-rows">
        {r.rowEstimate === null ? <span className="faint">—</span> : formatCount(r.rowEstimate)}
      </td>
      <PartCell r={r} value={r.heapBytes} testId="cell-heap" />
      <PartCell r={r} value={r.toastBytes} testId="cell-toast" />
      <PartCell r={r} value={r.indexBytes} testId="cell-indexes" />
      <td className="num">
        {r.deadTuples === null ? <span className="faint">—</span> : formatCount(r.deadTuples)}
      </td>
      <td className="when">
        <RelTime iso={r.lastVacuum} empty="never" />
      </td>
      <td className="when">
        <RelTime iso={r.lastAnalyze} empty="never" />
      </td>
    </>
  );
}

const CHILD_LIMIT = 200;

function ChildRows({ parent, selectedId }: { parent: RelationRow; selectedId: number | null }) {
  const { storage } = useStores();
  const entry = useStorage((s) => s.children[parent.relationId]);
  const [showAll, setShowAll] = useState(false);
  const span = columns.length + 1;
  const what = parent.kind === 'hypertable' ? 'chunks' : 'partitions';
  if (!entry || (entry.loading && !entry.data)) {
    return (
      <tr className="child-row info-row">
        <td />
        <td colSpan={span - 1} className="muted">
          Loading {what}…
        </td>
      </tr>
    );
  }
  if (entry.error && !entry.data) {
    return (
      <tr className="child-row info-row">
        <td />
        <td colSpan={span - 1}>
          <span className="field-error">{entry.error.message}</span>{' '}
          <button
            type="button"
            className="small"
            onClick={() => void storage.getState().toggleExpanded(parent.relationId)}
          >
            Close
          </button>
        </td>
      </tr>
    );
  }
  const rows = sortRelations(entry.data ?? [], { key: 'total', dir: 'desc' });
  const shown = showAll ? rows : rows.slice(0, CHILD_LIMIT);
  return (
    <>
      {rows.length === 0 ? (
        <tr className="child-row info-row">
          <td />
          <td colSpan={span - 1} className="muted">
            No {what} in the latest sample.
          </td>
        </tr>
      ) : null}
      {shown.map((c) => (
        <tr
          key={c.relationId}
          className={`child-row${c.relationId === selectedId ? ' selected' : ''}`}
          data-testid="child-row"
          data-relation={`${c.schema}.${c.name}`}
          onClick={() => storage.getState().select(selectionOf(c))}
        >
          <td className="expander" />
          <RelationCells
            r={c}
            child
            selected={c.relationId === selectedId}
            onSelect={() => storage.getState().select(selectionOf(c))}
          />
        </tr>
      ))}
      {rows.length > shown.length ? (
        <tr className="child-row info-row">
          <td />
          <td colSpan={span - 1}>
            <button type="button" className="small" onClick={() => setShowAll(true)}>
              Show all {formatCount(rows.length)} {what}
            </button>
          </td>
        </tr>
      ) : null}
    </>
  );
}

const PAGE = 200;

/** The relations of the latest sample: sortable, filterable, roll-ups open on demand. */
export function RelationsTable({ relations }: { relations: RelationRow[] }) {
  const { storage } = useStores();
  const sort = useStorage((s) => s.sort);
  const filterText = useStorage((s) => s.filterText);
  const filterKind = useStorage((s) => s.filterKind);
  const expanded = useStorage((s) => s.expanded);
  const selectedId = useStorage((s) => s.selected?.relationId ?? null);
  const [limit, setLimit] = useState(PAGE);

  const visible = useMemo(
    () => sortRelations(filterRelations(relations, filterText, filterKind), sort),
    [relations, filterText, filterKind, sort],
  );
  const shown = visible.slice(0, limit);
  const kindsPresent = new Set(relations.map((r) => r.kind));
  const notMeasured = relations.filter((r) => !r.measured).length;

  return (
    <section className="card relations" aria-labelledby="relations-title">
      <div className="card-head">
        <h2 id="relations-title">Relations</h2>
        <div className="table-filters">
          <label className="visually-hidden" htmlFor="rel-filter">
            Filter relations by schema or name
          </label>
          <input
            id="rel-filter"
            type="search"
            placeholder="Filter by schema or name"
            value={filterText}
            onChange={(e) => storage.getState().setFilterText(e.target.value)}
          />
          <label className="visually-hidden" htmlFor="rel-kind">
            Kind
          </label>
          <select
            id="rel-kind"
            value={filterKind}
            onChange={(e) => storage.getState().setFilterKind(e.target.value as KindFilter)}
          >
            {kindFilters
              .filter(
                (k) =>
                  k.value === 'all' ||
                  kindsPresent.has(k.value as RelationRow['kind']) ||
                  k.value === filterKind,
              )
              .map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
          </select>
          <span className="muted table-count" aria-live="polite" data-testid="relations-count">
            {visible.length === relations.length
              ? `${formatCount(relations.length)} ${relations.length === 1 ? 'relation' : 'relations'}`
              : `${formatCount(visible.length)} of ${formatCount(relations.length)}`}
            {notMeasured ? ` · ${notMeasured} not measured` : ''}
          </span>
        </div>
      </div>
      <div className="table-scroll">
        <table className="data-table" data-testid="relations-table">
          <caption className="visually-hidden">
            Relations of the latest sample. Chunks and partitions are rolled up into their hypertable or
            partitioned table; open one to see them. Select a relation to chart it.
          </caption>
          <thead>
            <tr>
              <th className="expander">
                <span className="visually-hidden">Open</span>
              </th>
              {columns.map((c) => {
                const active = sort.key === c.key;
                return (
                  <th
                    key={c.key}
                    className={c.numeric ? 'num' : undefined}
                    aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                    title={c.title}
                  >
                    <button type="button" className="sort" onClick={() => storage.getState().setSort(c.key)}>
                      {c.label}
                      <span className={`sort-mark${active ? ' on' : ''}`} aria-hidden="true">
                        {active ? (sort.dir === 'asc' ? '▲' : '▼') : '▾'}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => {
              const canOpen = (r.kind === 'hypertable' || r.kind === 'partitioned') && (r.children ?? 1) > 0;
              const open = expanded.includes(r.relationId);
              const selected = r.relationId === selectedId;
              return (
                <Fragment key={r.relationId}>
                  <tr
                    className={`${selected ? 'selected' : ''}${r.measured ? '' : ' unmeasured'}`}
                    data-testid="relation-row"
                    data-relation={`${r.schema}.${r.name}`}
                    data-kind={r.kind}
                    onClick={() => storage.getState().select(selectionOf(r))}
                  >
                    <td className="expander">
                      {canOpen ? (
                        <button
                          type="button"
                          className="disclosure"
                          aria-expanded={open}
                          aria-label={`${open ? 'Hide' : 'Show'} the ${r.kind === 'hypertable' ? 'chunks' : 'partitions'} of ${r.schema}.${r.name}`}
                          onClick={(e) => {
                            e.stopPropagation();
                            void storage.getState().toggleExpanded(r.relationId);
                          }}
                        >
                          <span aria-hidden="true">{open ? '▾' : '▸'}</span>
                        </button>
                      ) : null}
                    </td>
                    <RelationCells
                      r={r}
                      selected={selected}
                      onSelect={() => storage.getState().select(selectionOf(r))}
                    />
                  </tr>
                  {open ? <ChildRows parent={r} selectedId={selectedId} /> : null}
                </Fragment>
              );
            })}
            {visible.length === 0 ? (
              <tr className="info-row">
                <td colSpan={columns.length + 1} className="muted empty-row">
                  {relations.length === 0
                    ? 'This database has no tables or materialized views yet.'
                    : `No ${filterKind === 'all' ? 'relation' : relationKindLabels[filterKind].toLowerCase()} matches “${filterText}”.`}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {visible.length > shown.length ? (
        <div className="table-more">
          <span className="muted">
            Showing the first {formatCount(shown.length)} of {formatCount(visible.length)}.
          </span>
          <button type="button" className="small" onClick={() => setLimit((l) => l + PAGE * 5)}>
            Show {formatCount(Math.min(PAGE * 5, visible.length - shown.length))} more
          </button>
          <button type="button" className="small subtle" onClick={() => setLimit(visible.length)}>
            Show all
          </button>
        </div>
      ) : null}
    </section>
  );
}
