import type { AlertKind } from '../../shared/alerts';
import { formatBytes } from '../../shared/bytes';
import { shellWord } from '../../shared/plain-text';
import { formatSpan, plainNumber } from '../../shared/span';
import type { RateFit, RelationKind } from '../../shared/storage';

/**
 * Alert messages in plain words, with the figures, naming the rule so that
 * an absolute-size rule and a growth rule are never confused.
 */

/** "34.2", "1,440"; one decimal below 1000. */
export function formatPct(pct: number): string {
  const abs = Math.abs(pct);
  return abs < 1000 ? pct.toFixed(1) : Math.round(pct).toLocaleString('en-US');
}

/** "2026-03-01 10:02 UTC" */
const utc = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

const relationWords: Record<RelationKind, string> = {
  table: 'Table',
  partitioned: 'Partitioned table',
  hypertable: 'Hypertable',
  matview: 'Materialized view',
  partition: 'Partition',
  chunk: 'Chunk',
};

const DAY_MS = 86_400_000;

/** What a growth rule compared: the size now against its baseline, one growth window earlier. */
export interface GrowthFigures {
  previousBytes: number;
  currentBytes: number;
  /** The real span between the two samples. */
  spanMs: number;
  pct: number | null;
  bytesPerDay: number;
  /** Which rules fired, with their thresholds. */
  pctAbove: number | null;
  perDayAbove: number | null;
}

/**
 * "grew 34.2 % in 24 h (from 1.2 GiB to 1.6 GiB), above the 20 % growth
 * warning": the real span is always stated, and the rule (or both) that fired.
 */
function growthPhrase(f: GrowthFigures, ruleName: string): string {
  const grown = f.currentBytes - f.previousBytes;
  const amount =
    f.pctAbove !== null && f.pct !== null
      ? `${formatPct(f.pct)} %${f.perDayAbove !== null ? ` (+${formatBytes(grown)})` : ''}`
      : `${formatBytes(grown)}`;
  const rate =
    f.perDayAbove !== null && Math.abs(f.spanMs - DAY_MS) > DAY_MS * 0.05
      ? `${formatBytes(f.bytesPerDay)} a day; `
      : '';
  const thresholds = [
    f.pctAbove !== null ? `${plainNumber(f.pctAbove)} %` : null,
    f.perDayAbove !== null ? `${formatBytes(f.perDayAbove)} a day` : null,
  ].filter((t) => t !== null);
  return (
    `grew ${amount} in ${formatSpan(f.spanMs)} (${rate}from ${formatBytes(f.previousBytes)} to ` +
    `${formatBytes(f.currentBytes)}), above the ${thresholds.join(' and ')} ${ruleName}` +
    (thresholds.length > 1 ? 's' : '')
  );
}

export function databaseGrowthMessage(database: string, f: GrowthFigures): string {
  return `Database ${database} ${growthPhrase(f, 'growth warning')}.`;
}

export function relationGrowthMessage(relation: string, kind: RelationKind, f: GrowthFigures): string {
  return `${relationWords[kind]} ${relation} ${growthPhrase(f, 'relation growth warning')}.`;
}

export function sizeCriticalMessage(database: string, bytes: number, criticalBytes: number): string {
  return (
    `Database ${database} is ${formatBytes(bytes)}, above the ${formatBytes(criticalBytes)} critical size ` +
    '(absolute-size rule).'
  );
}

export function relationSizeMessage(
  relation: string,
  kind: RelationKind,
  bytes: number,
  limit: number,
): string {
  return (
    `${relationWords[kind]} ${relation} is ${formatBytes(bytes)}, above its own ${formatBytes(limit)} size ` +
    'limit (absolute-size rule for this relation).'
  );
}

export function forecastMessage(
  database: string,
  f: {
    currentBytes: number;
    bytesPerDay: number;
    daysLeft: number;
    reachesAt: Date;
    criticalBytes: number;
    forecastDays: number;
    fit: RateFit;
  },
): string {
  const when =
    f.daysLeft < 1
      ? 'within a day'
      : `in about ${Math.round(f.daysLeft)} day${Math.round(f.daysLeft) === 1 ? '' : 's'}`;
  return (
    `At the current rate (+${formatBytes(f.bytesPerDay)} a day, fitted over ${f.fit.samples} samples in ` +
    `${formatSpan(f.fit.spanMs)}), database ${database} (now ` +
    `${formatBytes(f.currentBytes)}) reaches the ${formatBytes(f.criticalBytes)} critical size ${when} ` +
    `(around ${f.reachesAt.toISOString().slice(0, 10)}), within the ${f.forecastDays}-day forecast warning.`
  );
}

/**
 * "Server db1:5432: disk full around 2026-03-20 UTC (in about 4 days) at the rate
 * fitted over 8 h (6 samples) …": what is counted as used (the sum of every
 * database in the latest sample) and what is not (pg_wal, logs, other files).
 */
export function diskFullMessage(
  server: string,
  f: {
    usedBytes: number;
    /** False when the sample listed no databases and only the profile's database is counted. */
    usedIsSum: boolean;
    diskBytes: number;
    /** The fitted rate; null before the history has one (only a disk already full is said then). */
    rate: { bytesPerDay: number; fit: RateFit } | null;
    database: string;
    daysLeft: number;
    reachesAt: Date;
    diskFullDays: number;
  },
): string {
  const used = f.usedIsSum
    ? `every database on the server is ${formatBytes(f.usedBytes)} (their sum in the latest sample)`
    : `database ${f.database} is ${formatBytes(f.usedBytes)} (the only database in the latest sample)`;
  const days = Math.round(f.daysLeft);
  const disk = `The disk is ${formatBytes(f.diskBytes)} (the profile's disk size); ${used}; `;
  const uncounted = 'pg_wal, logs and other files on the volume are not counted.';
  if (f.usedBytes >= f.diskBytes || f.rate === null)
    return (
      `Server ${server}: disk already full: what the databases use is at or above the disk size (is it right?). ` +
      disk +
      uncounted
    );
  const when =
    `disk full around ${f.reachesAt.toISOString().slice(0, 10)} UTC ` +
    `(${f.daysLeft < 1 ? 'within a day' : `in about ${days} day${days === 1 ? '' : 's'}`})`;
  return (
    `Server ${server}: ${when} at the rate fitted over ${formatSpan(f.rate.fit.spanMs)} (${f.rate.fit.samples} samples), ` +
    `+${formatBytes(f.rate.bytesPerDay)} a day for database ${f.database}, within the ${f.diskFullDays}-day ` +
    `disk-full warning. ${disk}${uncounted}`
  );
}

export function serverDownMessage(
  server: string,
  profileName: string,
  f: { since: Date; downForMs: number; minutes: number; lastError: string | null },
): string {
  return (
    `Server ${server} (profile ${profileName}) has not answered heartbeats for ${formatSpan(f.downForMs)} ` +
    `(failing since ${utc(f.since)}), past the ${f.minutes}-minute server-down rule.` +
    (f.lastError ? ` Last error: ${f.lastError}` : '')
  );
}

const rows = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'row' : 'rows'}`;

/**
 * "412 rows are in public.orders_default …" and/or "Only 1 partition is left
 * ahead of now in public.orders …", with the command that fixes it.
 */
export function partitionUpkeepMessage(f: {
  profileName: string;
  table: string;
  timeColumn: string;
  defaultPartition: string | null;
  /** Null when the DEFAULT partition is empty. */
  defaultRows: number | null;
  /** The count stopped at its limit: there may be more. */
  defaultRowsCapped: boolean;
  /** Null when enough partitions are ahead. */
  ahead: number | null;
  wantedAhead: number;
}): string {
  const said: string[] = [];
  if (f.defaultRows !== null) {
    const one = f.defaultRows === 1 && !f.defaultRowsCapped;
    const count = `${f.defaultRowsCapped ? 'At least ' : ''}${rows(f.defaultRows)}`;
    said.push(
      `${count} ${one ? 'is' : 'are'} in ${f.defaultPartition}, the DEFAULT partition of ${f.table}: ` +
        `no partition takes ${one ? 'it' : 'them'} (a NULL ${f.timeColumn}, or a range no partition could be ` +
        'made for, such as a name already taken by another table). Queries over that time range read the whole ' +
        'DEFAULT partition, and no partition can be made for a range it holds rows of.',
    );
  }
  if (f.ahead !== null) {
    const left =
      f.ahead === 0 ? 'No partition is' : `Only ${f.ahead} partition${f.ahead === 1 ? ' is' : 's are'}`;
    said.push(
      `${left} left ahead of now in ${f.table} (upkeep keeps ${f.wantedAhead}): once time passes ` +
        `${f.ahead === 0 ? 'the current one' : 'them'}, new rows land in the DEFAULT partition.`,
    );
  }
  said.push(
    `Run tidemark partitions maintain ${shellWord(f.profileName)} ${shellWord(f.table)}: it makes the ` +
      'partitions, moves the rows out of the DEFAULT partition, and says what it could not do and why.',
  );
  return said.join(' ');
}

/** The title of a desktop notification. */
export const kindTitles: Record<AlertKind, string> = {
  growth_warning: 'Database growth warning',
  relation_growth: 'Relation growth warning',
  size_critical: 'Critical database size',
  forecast_warning: 'Size forecast warning',
  server_down: 'Server down',
  relation_size: 'Relation above its size limit',
  partition_upkeep: 'Partition upkeep needs you',
  slot_retention: 'Replication slot retaining WAL',
  wraparound: 'Transaction-ID wraparound approaching',
  disk_full: 'Disk full soon',
};
