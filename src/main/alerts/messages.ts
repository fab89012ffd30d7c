import type { AlertKind } from '../../shared/alerts';
import { formatBytes } from '../../shared/bytes';
import type { RelationKind } from '../../shared/storage';

/**
 * Alert messages in plain words, with the figures, naming the rule so that
 * an absolute-size rule and a growth rule are never confused.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** "34.2", "1,440"; one decimal below 1000. */
export function formatPct(pct: number): string {
  const abs = Math.abs(pct);
  return abs < 1000 ? pct.toFixed(1) : Math.round(pct).toLocaleString('en-US');
}

/** A threshold as the DBA typed it: "20", "12.5". */
const plain = (n: number) => (Number.isInteger(n) ? String(n) : String(Number(n.toFixed(2))));

/** "6 h", "45 min", "3 days". */
export function formatSpan(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (minutes < 120) return `${minutes} min`;
  const hours = ms / HOUR_MS;
  if (hours < 48) return `${plain(Number(hours.toFixed(1)))} h`;
  return `${plain(Number((ms / DAY_MS).toFixed(1)))} days`;
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

/**
 * "grew 34.2 % in 24 h (from 1.2 GiB to 1.6 GiB)" when the samples are a day
 * apart; otherwise the rate per 24 h with the real interval, so a figure
 * extrapolated from a short interval says so.
 */
function growthPhrase(pct: number, previousBytes: number, currentBytes: number, spanMs: number): string {
  const figures = `from ${formatBytes(previousBytes)} to ${formatBytes(currentBytes)}`;
  if (Math.abs(spanMs - DAY_MS) <= DAY_MS * 0.05) return `grew ${formatPct(pct)} % in 24 h (${figures})`;
  return `grew at ${formatPct(pct)} % per 24 h (${figures} in ${formatSpan(spanMs)})`;
}

export interface GrowthFigures {
  pct: number;
  previousBytes: number;
  currentBytes: number;
  spanMs: number;
  thresholdPct: number;
}

export function databaseGrowthMessage(database: string, f: GrowthFigures): string {
  return (
    `Database ${database} ${growthPhrase(f.pct, f.previousBytes, f.currentBytes, f.spanMs)}, ` +
    `above the ${plain(f.thresholdPct)} % growth warning.`
  );
}

export function relationGrowthMessage(relation: string, kind: RelationKind, f: GrowthFigures): string {
  return (
    `${relationWords[kind]} ${relation} ${growthPhrase(f.pct, f.previousBytes, f.currentBytes, f.spanMs)}, ` +
    `above the ${plain(f.thresholdPct)} % relation growth warning.`
  );
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
  },
): string {
  const when =
    f.daysLeft < 1
      ? 'within a day'
      : `in about ${Math.round(f.daysLeft)} day${Math.round(f.daysLeft) === 1 ? '' : 's'}`;
  return (
    `At the current rate (+${formatBytes(f.bytesPerDay)} a day), database ${database} (now ` +
    `${formatBytes(f.currentBytes)}) reaches the ${formatBytes(f.criticalBytes)} critical size ${when} ` +
    `(around ${f.reachesAt.toISOString().slice(0, 10)}), within the ${f.forecastDays}-day forecast warning.`
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

/** The title of a desktop notification. */
export const kindTitles: Record<AlertKind, string> = {
  growth_warning: 'Database growth warning',
  relation_growth: 'Relation growth warning',
  size_critical: 'Critical database size',
  forecast_warning: 'Size forecast warning',
  server_down: 'Server down',
  relation_size: 'Relation above its size limit',
};
