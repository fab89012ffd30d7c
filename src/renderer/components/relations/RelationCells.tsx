import { Fragment, type ReactNode } from 'react';
import { displayName } from '../../../shared/ident';
import type { RelationRow } from '../../../shared/storage';
import { formatBytes, formatCount, formatExactBytes, formatRatio } from '../../lib/format';
import type { SelectedRelation, SortKey } from '../../stores/storage';
import { Bytes, GrowthOver, KindBadge, RelTime } from '../Values';

export type Column = {
  key: SortKey;
  label: string;
  numeric?: boolean;
  title?: string;
  /** Name, kind, total and growth are always shown; the others are the DBA's choice. */
  always?: boolean;
  /** Shown until the DBA says otherwise. */
  shownByDefault?: boolean;
};

const WEEK_MS = 7 * 86_400_000;

/** Name first (sticky), then what matters on any window width, then the breakdown that may scroll. */
export const columns: Column[] = [
  { key: 'name', label: 'Name', always: true },
  { key: 'kind', label: 'Kind', always: true },
  { key: 'total', label: 'Total', numeric: true, title: 'Heap + TOAST + indexes', always: true },
  {
    key: 'growth',
    label: '7-day growth',
    numeric: true,
    title: 'Change of the total over the last 7 days; "over 19 s" when the history is shorter',
    always: true,
  },
  {
    key: 'rows',
    label: 'Rows',
    numeric: true,
    title: 'Row estimate (pg_class.reltuples)',
    shownByDefault: true,
  },
  { key: 'heap', label: 'Heap', numeric: true, shownByDefault: true },
  { key: 'toast', label: 'TOAST', numeric: true, shownByDefault: true },
  { key: 'indexes', label: 'Indexes', numeric: true, shownByDefault: true },
  {
    key: 'dead',
    label: 'Dead',
    numeric: true,
    title: 'Dead tuples (n_dead_tup), as read at the time said above the table',
    shownByDefault: true,
  },
  {
    key: 'lastVacuum',
    label: 'Vacuumed',
    title: 'Last vacuum, manual or auto, as read at the time said above the table',
    shownByDefault: true,
  },
  {
    key: 'lastAnalyze',
    label: 'Analyzed',
    title: 'Last analyze, manual or auto, as read at the time said above the table',
    shownByDefault: true,
  },
  { key: 'schema', label: 'Schema', title: 'Also shown before each name' },
];

export const selectionOf = (r: RelationRow): SelectedRelation => ({
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

/** One cell of a column; total and growth of a relation this sample could not size are one cell that says so (never 0). */
function Cell({ r, column }: { r: RelationRow; column: SortKey }) {
  switch (column) {
    case 'name':
      return null; // the sticky name cell is drawn by the row, with its disclosure
    case 'kind':
      return (
        <td>
          <KindBadge kind={r.kind} />
        </td>
      );
    case 'total':
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
        <td className="num strong" data-testid="cell-total">
          <Bytes value={r.totalBytes} />
        </td>
      );
    case 'growth':
      if (!r.measured) return null;
      return (
        <td className="num" data-testid="cell-growth">
          <GrowthOver
            bytes={r.growth7dBytes}
            spanMs={r.growth7dSpanMs}
            windowMs={WEEK_MS}
            emptyTitle="Not enough history over the last 7 days."
          />
        </td>
      );
    case 'rows':
      return (
        <td className="num" data-testid="cell-rows">
          {r.rowEstimate === null ? <span className="faint">—</span> : formatCount(r.rowEstimate)}
        </td>
      );
    case 'heap':
      return <PartCell r={r} value={r.heapBytes} testId="cell-heap" />;
    case 'toast':
      return <PartCell r={r} value={r.toastBytes} testId="cell-toast" />;
    case 'indexes':
      return <PartCell r={r} value={r.indexBytes} testId="cell-indexes" />;
    case 'dead':
      return (
        <td className="num">
          {r.deadTuples === null ? <span className="faint">—</span> : formatCount(r.deadTuples)}
        </td>
      );
    case 'lastVacuum':
      return (
        <td className="when">
          <RelTime iso={r.lastVacuum} empty="never" />
        </td>
      );
    case 'lastAnalyze':
      return (
        <td className="when">
          <RelTime iso={r.lastAnalyze} empty="never" />
        </td>
      );
    case 'schema':
      return (
        <td className="schema" title={r.schema}>
          {r.schema}
        </td>
      );
  }
}

/** The cells of one relation: the sticky name (with an optional disclosure), then the shown columns. */
export function RelationCells({
  r,
  shown,
  selected,
  onSelect,
  disclosure,
}: {
  r: RelationRow;
  shown: Column[];
  selected: boolean;
  onSelect: () => void;
  disclosure?: ReactNode;
}) {
  return (
    <>
      <td className="name sticky-col">
        <span className="expander">{disclosure}</span>
        <span className="rel-schema" title={r.schema}>
          {r.schema}.
        </span>
        <button
          type="button"
          className="rel-name"
          aria-pressed={selected}
          title={`Chart ${displayName(r.schema, r.name)}`}
          onClick={(e) => {
            e.stopPropagation();
            onSelect();
          }}
        >
          {r.name}
        </button>
        <RollupMeta r={r} />
      </td>
      {shown.map((c) => (
        <Cell key={c.key} r={r} column={c.key} />
      ))}
    </>
  );
}
