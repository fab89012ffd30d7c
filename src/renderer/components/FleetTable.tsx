import './FleetTable.css';
import { formatBytes } from '../../shared/bytes';
import { type FleetRow, soonestFull } from '../../shared/fleet';
import { formatSpan } from '../../shared/span';
import { type FleetSortKey, filterFleet, groupByTag, sortFleet } from '../lib/fleet';
import { exactTime, formatDate } from '../lib/format';
import { hrefOf } from '../lib/router';
import { useFleet, useStores } from '../stores';
import { DemoBadge } from './ProfileLayout';
import { StatusDot } from './StatusDot';
import { Bytes, Change, RelTime } from './Values';

const DAY_MS = 86_400_000;

const columns: { key: FleetSortKey; label: string; title?: string }[] = [
  {
    key: 'risk',
    label: 'Risk',
    title: 'Down, then critical alerts, then days until full (within 30 days), then warnings',
  },
  { key: 'name', label: 'Server' },
  { key: 'status', label: 'Status' },
  { key: 'size', label: 'Size' },
  { key: 'change24h', label: '24 h' },
  { key: 'change7d', label: '7 days' },
  { key: 'full', label: 'Full in' },
  { key: 'wal', label: 'WAL kept', title: 'WAL retained by replication slots' },
  { key: 'xid', label: 'XID age', title: 'Oldest transaction-ID age, % of wraparound' },
  { key: 'alerts', label: 'Alerts' },
  { key: 'lastSample', label: 'Sampled' },
  { key: 'lastHeartbeat', label: 'Heartbeat' },
];

/** The size over the last 7 days, as a line; gaps where nothing was sampled. */
function Sparkline({ row }: { row: FleetRow }) {
  const points = row.sparkline.bytes;
  const known = points.filter((b) => b !== null) as number[];
  if (known.length < 2) return <span className="faint spark-empty">—</span>;
  const min = Math.min(...known);
  const max = Math.max(...known);
  const w = 84;
  const h = 20;
  const x = (i: number) => (i / (points.length - 1)) * w;
  const y = (b: number) => (max === min ? h / 2 : h - 1 - ((b - min) / (max - min)) * (h - 2));
  let d = '';
  let pen = false;
  points.forEach((b, i) => {
    if (b === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(b).toFixed(1)}`;
    pen = true;
  });
  return (
    <svg
      className="sparkline"
      width={w}
      height={h}
      role="img"
      aria-label={`Size over 7 days: ${formatBytes(min)} to ${formatBytes(max)}`}
    >
      <title>{`Last 7 days, 4-hour buckets: ${formatBytes(min)} to ${formatBytes(max)}`}</title>
      <path d={d} />
    </svg>
  );
}

function FullIn({ row }: { row: FleetRow }) {
  const soonest = soonestFull(row);
  if (soonest) {
    const fit = row.fit
      ? ` (rate fitted over ${row.fit.samples} samples in ${formatSpan(row.fit.spanMs)})`
      : '';
    const what = soonest.what === 'disk' ? 'Disk full' : 'Critical size';
    if (soonest.already)
      return (
        <span title={`${what}: reached in the latest sample`} data-testid="full-in">
          {what.toLowerCase()} now
        </span>
      );
    return (
      <span title={`${what} around ${exactTime(soonest.reachesAt)}${fit}`} data-testid="full-in">
        {soonest.daysLeft < 1 ? '< 1 day' : `${Math.round(soonest.daysLeft)} d`}{' '}
        <span className="muted">
          {what.toLowerCase()} ~{formatDate(soonest.reachesAt)}
        </span>
      </span>
    );
  }
  if (row.noRate)
    return (
      <span className="faint" title={row.noRate}>
        {row.noRate.startsWith('not enough') ? 'not enough history yet' : row.noRate}
      </span>
    );
  return (
    <span className="faint" title="Flat or shrinking at the fitted rate">
      not growing
    </span>
  );
}

function Missing({ why }: { why: string | null }) {
  return (
    <span className="faint" title={why ?? 'Not known'}>
      —
    </span>
  );
}

function Row({ row }: { row: FleetRow }) {
  const href = hrefOf(`/profiles/${encodeURIComponent(row.profileId)}/storage`);
  return (
    <tr data-testid="fleet-row" data-profile={row.profileId} data-status={row.status}>
      <td className="num" title={row.riskReason ?? 'Nothing stands out'}>
        {row.riskRank}
        {row.riskReason ? <span className="risk-reason"> {row.riskReason}</span> : null}
      </td>
      <td>
        <a href={href} className="fleet-name">
          {row.name}
        </a>
        <DemoBadge profileId={row.profileId} />
        <span className="mono muted fleet-endpoint">{row.endpoint}</span>
        {row.tags.length > 0 ? (
          <span className="fleet-tags">
            {row.tags.map((t) => (
              <span key={t} className="tag">
                {t}
              </span>
            ))}
          </span>
        ) : null}
      </td>
      <td>
        <StatusDot state={row.status} detail={row.statusMessage ?? undefined} /> {row.status}
      </td>
      <td className="num">
        <Bytes value={row.databaseBytes} />
        <Sparkline row={row} />
      </td>
      <td className="num">
        {row.databaseBytes === null ? (
          <Missing why="Never sampled" />
        ) : (
          <Change change={row.change24h} window="24 h" windowMs={DAY_MS} />
        )}
      </td>
      <td className="num">
        {row.databaseBytes === null ? (
          <Missing why="Never sampled" />
        ) : (
          <Change change={row.change7d} window="7 days" windowMs={7 * DAY_MS} />
        )}
      </td>
      <td>
        <FullIn row={row} />
      </td>
      <td className="num">
        {row.walRetainedBytes === null ? (
          <Missing why={row.diskFactsNote} />
        ) : (
          formatBytes(row.walRetainedBytes)
        )}
      </td>
      <td className="num">
        {row.xidAgePct === null ? <Missing why={row.diskFactsNote} /> : `${row.xidAgePct.toFixed(1)} %`}
      </td>
      <td data-testid="fleet-alerts">
        {row.alerts.critical + row.alerts.warning === 0 ? (
          <span className="faint">none</span>
        ) : (
          <a href={hrefOf(`/profiles/${encodeURIComponent(row.profileId)}/alerts`)}>
            {row.alerts.critical > 0 ? (
              <span className="sev sev-critical">{row.alerts.critical} critical</span>
            ) : null}{' '}
            {row.alerts.warning > 0 ? (
              <span className="sev sev-warning">{row.alerts.warning} warning</span>
            ) : null}
          </a>
        )}
      </td>
      <td>
        <RelTime iso={row.lastSampleAt} empty="never" />
        {row.lastSampleError ? (
          <span className="form-error" title={row.lastSampleError}>
            {' '}
            (last failed)
          </span>
        ) : null}
      </td>
      <td>
        <RelTime iso={row.lastHeartbeatAt} empty="none yet" />
      </td>
    </tr>
  );
}

function Head() {
  const { fleet } = useStores();
  const sort = useFleet((s) => s.sort);
  return (
    <thead>
      <tr>
        {columns.map((c) => {
          const active = sort.key === c.key;
          return (
            <th
              key={c.key}
              scope="col"
              aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
              title={c.title}
            >
              <button type="button" className="sort" onClick={() => fleet.getState().sortBy(c.key)}>
                {c.label}
                {active ? (sort.descending ? ' ▼' : ' ▲') : ''}
              </button>
            </th>
          );
        })}
      </tr>
    </thead>
  );
}

function Table({ rows }: { rows: FleetRow[] }) {
  return (
    <div className="table-scroll">
      <table className="data fleet-table">
        <Head />
        <tbody>
          {rows.map((r) => (
            <Row key={r.profileId} row={r} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Every server in one table, most at risk first; sortable, filterable, foldable by tag. */
export function FleetTable({ rows: all }: { rows: FleetRow[] }) {
  const sort = useFleet((s) => s.sort);
  const filter = useFleet((s) => s.filter);
  const tag = useFleet((s) => s.tag);
  const byTag = useFleet((s) => s.byTag);
  const rows = sortFleet(filterFleet(all, filter, tag), sort);
  if (rows.length === 0)
    return (
      <p className="muted" data-testid="fleet-empty">
        No server matches.
      </p>
    );
  if (!byTag) return <Table rows={rows} />;
  return (
    <>
      {groupByTag(rows).map((g) => (
        <details key={g.tag ?? ''} open className="fleet-group" data-testid="fleet-group">
          <summary>
            {g.tag ?? 'No tag'} <span className="muted">({g.rows.length})</span>
          </summary>
          <Table rows={g.rows} />
        </details>
      ))}
    </>
  );
}
