import { formatBytes } from '../../shared/bytes';
import { type FleetRow, soonestFull } from '../../shared/fleet';
import { formatSpan, matchesWindow } from '../../shared/span';
import { type CommandGroup, call, print, table, UsageError } from './common';

const DAY_MS = 86_400_000;
const dash = '—';

/** "+512 MiB", or "+3.3 MiB over 19 s" when the history does not span the window. */
function change(c: FleetRow['change24h'], windowMs: number): string {
  if (!c) return dash;
  const text = `${c.bytes >= 0 ? '+' : ''}${formatBytes(c.bytes)}`;
  return matchesWindow(c.spanMs, windowMs) ? text : `${text} over ${formatSpan(c.spanMs)}`;
}

function fullIn(row: FleetRow): string {
  const soonest = soonestFull(row);
  if (soonest) {
    const what = soonest.what === 'disk' ? 'disk full' : 'critical size';
    if (soonest.already) return `${what} now`;
    return `${what} ${soonest.reachesAt.slice(0, 10)} (${formatSpan(soonest.daysLeft * DAY_MS)})`;
  }
  return row.noRate ?? 'not growing';
}

function* fleetLines(rows: FleetRow[]): Iterable<string> {
  if (rows.length === 0) {
    yield 'No profiles yet. Add one with: tidemark profiles add --url URI';
    return;
  }
  const lines = [
    [
      '#',
      'NAME',
      'STATUS',
      'SIZE',
      '24H',
      '7D',
      'FULL',
      'WAL KEPT',
      'XID AGE',
      'ALERTS',
      'SAMPLED (UTC)',
      'TAGS',
    ],
  ];
  for (const r of rows) {
    lines.push([
      String(r.riskRank),
      r.name,
      r.status,
      r.databaseBytes === null ? dash : formatBytes(r.databaseBytes),
      change(r.change24h, DAY_MS),
      change(r.change7d, 7 * DAY_MS),
      fullIn(r),
      r.walRetainedBytes === null ? dash : formatBytes(r.walRetainedBytes),
      r.xidAgePct === null ? dash : `${r.xidAgePct.toFixed(1)} %`,
      `${r.alerts.critical} crit, ${r.alerts.warning} warn`,
      // The last good sample, and whether a later one failed (the size and facts are that sample's).
      (r.lastSampleAt ? r.lastSampleAt.slice(0, 16).replace('T', ' ') : 'never') +
        (r.lastSampleError ? ' (last failed)' : ''),
      r.tags.join(','),
    ]);
  }
  yield* table(lines);
}

export const fleetCommands: CommandGroup = {
  usage: '  fleet [--json]                         every server, most at risk first (the start page)',
  run: async (app, args, values, io) => {
    if (args.length > 0) throw new UsageError('fleet takes no arguments: tidemark fleet [--json]');
    const overview = await call(app, 'fleet:getOverview', {});
    print(io, values, overview, (o) => fleetLines(o.rows));
  },
};
