import { type FleetRow, soonestFull } from '../../shared/fleet';

/** The columns the fleet table sorts by; 'risk' is main's order (shared/fleet.ts compareRisk). */
export const fleetSortKeys = [
  'risk',
  'name',
  'status',
  'size',
  'change24h',
  'change7d',
  'full',
  'wal',
  'xid',
  'alerts',
  'lastSample',
  'lastHeartbeat',
] as const;
export type FleetSortKey = (typeof fleetSortKeys)[number];
export type FleetSort = { key: FleetSortKey; descending: boolean };

const statusOrder = { down: 0, unknown: 1, up: 2 } as const;
const time = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** The value a column sorts by; null (no figure) always sorts last. */
function sortValue(row: FleetRow, key: FleetSortKey): number | string | null {
  switch (key) {
    case 'risk':
      return row.riskRank;
    case 'name':
      return row.name.toLowerCase();
    case 'status':
      return statusOrder[row.status];
    case 'size':
      return row.databaseBytes;
    case 'change24h':
      return row.change24h?.bytes ?? null;
    case 'change7d':
      return row.change7d?.bytes ?? null;
    case 'full':
      return soonestFull(row)?.daysLeft ?? null;
    case 'wal':
      return row.walRetainedBytes;
    case 'xid':
      return row.xidAgePct;
    case 'alerts':
      return row.alerts.critical * 1_000_000 + row.alerts.warning;
    case 'lastSample':
      return time(row.lastSampleAt);
    case 'lastHeartbeat':
      return time(row.lastHeartbeatAt);
  }
}

export function sortFleet(rows: FleetRow[], sort: FleetSort): FleetRow[] {
  const sign = sort.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = sortValue(a, sort.key);
    const y = sortValue(b, sort.key);
    if (x === null || y === null) return x === y ? a.riskRank - b.riskRank : x === null ? 1 : -1;
    const c = typeof x === 'string' ? x.localeCompare(y as string) : x - (y as number);
    return c === 0 ? a.riskRank - b.riskRank : sign * c;
  });
}

/** Rows whose name, endpoint or a tag contains every word typed (any case); `tag` keeps only servers with it. */
export function filterFleet(rows: FleetRow[], text: string, tag: string | null): FleetRow[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((r) => {
    if (tag !== null && !r.tags.includes(tag)) return false;
    const hay = [r.name, r.endpoint, ...r.tags].join(' ').toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** Every tag in use, sorted. */
export const fleetTags = (rows: FleetRow[]) => [...new Set(rows.flatMap((r) => r.tags))].sort();

/** Rows grouped by tag (a server with two tags is in both groups); untagged servers last, under null. */
export function groupByTag(rows: FleetRow[]): { tag: string | null; rows: FleetRow[] }[] {
  const groups = fleetTags(rows).map((tag) => ({
    tag: tag as string | null,
    rows: rows.filter((r) => r.tags.includes(tag)),
  }));
  const untagged = rows.filter((r) => r.tags.length === 0);
  if (untagged.length > 0) groups.push({ tag: null, rows: untagged });
  return groups;
}
