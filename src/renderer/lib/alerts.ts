import type { Alert, AlertKind, AlertRules } from '../../shared/alerts';
import { parseByteSize } from '../../shared/bytes';
import { formatBytes, formatExactBytes, formatSignedBytes } from './format';

/**
 * Titles a DBA reads: "is big" and "is getting big fast" are told apart by the words themselves,
 * and the hint below says which rule fired.
 */
export const alertKindLabels: Record<AlertKind, string> = {
  growth_warning: 'Database growing fast',
  relation_growth: 'Relation growing fast',
  size_critical: 'Database above its critical size',
  forecast_warning: 'Critical size reached soon',
  server_down: 'Server not answering',
  relation_size: 'Relation above its size limit',
  partition_upkeep: 'Partitions need upkeep',
  slot_retention: 'Inactive slot retaining WAL',
  wraparound: 'Transaction IDs near wraparound',
  disk_full: 'Disk full soon',
};

/** One line on what made the rule fire, for tooltips and the Alerts page. */
export const alertKindHints: Record<AlertKind, string> = {
  growth_warning:
    'The database grew more than the growth threshold (percent or bytes a day) since the sample one growth window before.',
  relation_growth:
    'One relation grew more than the growth threshold (percent or bytes a day) since the sample one growth window before.',
  size_critical: 'The database is bigger than the critical size, however slowly it grows.',
  forecast_warning:
    'At the rate fitted over enough history, the database reaches the critical size within the forecast window.',
  server_down: 'Heartbeats have been failing for longer than the server-down threshold.',
  relation_size: 'One relation is bigger than the size limit set for it, however slowly it grows.',
  partition_upkeep:
    'A table moved to native partitions has rows in its DEFAULT partition, or fewer than 2 partitions left ahead of now (fewer than it keeps, when it keeps fewer).',
  slot_retention:
    'An inactive replication slot keeps more WAL than the threshold: pg_wal cannot be cleaned past it until its consumer returns or the slot is dropped.',
  wraparound:
    'A database’s transaction-ID or multixact age is above the threshold share of wraparound (2^31); autovacuum is already freezing aggressively.',
  disk_full:
    'At the rate fitted over enough history, every database of the server together (the latest sample) fills the profile’s disk size within the disk-full window.',
};

export const severityLabels = { warning: 'Warning', critical: 'Critical' } as const;

const severityRank = { critical: 0, warning: 1 } as const;
/** Within a severity: the whole server, then the database, then single relations. */
const kindRank: Record<AlertKind, number> = {
  server_down: 0,
  size_critical: 1,
  forecast_warning: 2,
  growth_warning: 3,
  relation_size: 4,
  relation_growth: 5,
  partition_upkeep: 6,
  wraparound: 1,
  slot_retention: 2,
  disk_full: 1,
};

/** Most severe first, then the broadest, then the newest. */
export function sortAlerts(alerts: readonly Alert[]): Alert[] {
  return [...alerts].sort(
    (a, b) =>
      severityRank[a.severity] - severityRank[b.severity] ||
      kindRank[a.kind] - kindRank[b.kind] ||
      Date.parse(b.raisedAt) - Date.parse(a.raisedAt) ||
      a.subject.name.localeCompare(b.subject.name),
  );
}

/** Growth rules are about a change between two samples; the others about a size now (or nothing). */
export function isGrowthKind(kind: AlertKind): boolean {
  return kind === 'growth_warning' || kind === 'relation_growth';
}

/** The worst severity of a few alerts. */
export function worstSeverity(alerts: readonly Pick<Alert, 'severity'>[]): Alert['severity'] {
  return alerts.some((a) => a.severity === 'critical') ? 'critical' : 'warning';
}

/** "database shop", "relation public.orders", "server db1:5432". */
export function subjectText(alert: Pick<Alert, 'subject'>): string {
  return `${alert.subject.type} ${alert.subject.name}`;
}

/** How an active alert is being dealt with: "acknowledged until it clears", "snoozed until 13:00". */
export function acknowledgedText(
  alert: Pick<Alert, 'acknowledged'>,
  clock: (iso: string) => string,
): string | null {
  if (!alert.acknowledged) return null;
  return alert.acknowledged.until
    ? `snoozed until ${clock(alert.acknowledged.until)}`
    : 'acknowledged until it clears';
}

/** "1 alert", "2 alerts". */
export function alertCountText(n: number): string {
  return `${n} ${n === 1 ? 'alert' : 'alerts'}`;
}

/** Growth against the sample one growth window before: "+12.5 %"; whole numbers above 100 %. */
export function formatGrowthPct(pct: number): string {
  const abs = Math.abs(pct);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  const text = new Intl.NumberFormat('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(abs);
  return `${pct < 0 ? '−' : '+'}${text} %`;
}

/** The figures of an alert in plain words, e.g. "8.1 MiB → 9.7 MiB (+1.6 MiB)". */
export function figuresText(alert: Pick<Alert, 'previousBytes' | 'currentBytes'>): string | null {
  const { previousBytes: before, currentBytes: now } = alert;
  if (now === null) return null;
  if (before === null) return formatBytes(now);
  return `${formatBytes(before)} → ${formatBytes(now)} (${formatSignedBytes(now - before)})`;
}

// ---------- rules: GiB in the form, bytes in the contract ----------

/** A size field's text ("50" in GiB, or with its unit: "1 GB", "500 MiB") → bytes, or null if it is not one. */
export function gibToBytes(text: string): number | null {
  const parsed = parseByteSize(text, 'GiB');
  return parsed.ok ? parsed.bytes : null;
}

/** Bytes → the shortest GiB text that reads back as the same bytes ("50", "0.5", "0.001"). */
export function bytesToGib(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  for (let digits = 0; digits <= 12; digits++) {
    const text = trimZeros(gib.toFixed(digits));
    if (gibToBytes(text) === bytes) return text;
  }
  return String(gib);
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

export const byteRules = [
  'growthFloorBytes',
  'sizeCriticalBytes',
  'growthPerDayBytes',
  'slotRetainedBytes',
] as const;
export type ByteRule = (typeof byteRules)[number];
export const switchRules = [
  'growthWarningEnabled',
  'relationGrowthEnabled',
  'growthPerDayEnabled',
  'sizeCriticalEnabled',
  'forecastEnabled',
  'serverDownEnabled',
  'slotRetainedEnabled',
  'wraparoundEnabled',
  'diskFullEnabled',
] as const;
export type SwitchRule = (typeof switchRules)[number];
export type ValueRule = Exclude<keyof AlertRules, SwitchRule>;

export const isByteRule = (rule: string): rule is ByteRule => (byteRules as readonly string[]).includes(rule);

/** How a rule's default reads next to its field. */
export function defaultText(rule: ValueRule, rules: AlertRules): string {
  const value = rules[rule];
  if (isByteRule(rule)) return `${bytesToGib(value)} GiB`;
  if (rule === 'forecastDays' || rule === 'diskFullDays') return `${value} ${value === 1 ? 'day' : 'days'}`;
  if (rule === 'serverDownMinutes') return `${value} min`;
  if (rule === 'growthWindowHours' || rule === 'rateWindowHours') return `${value} h`;
  if (rule === 'rateMinSamples') return `${value} samples`;
  return `${value} %`;
}

/** "= 53,687,091,200 bytes" under a GiB field, or why it cannot be read. */
export function exactBytesHint(text: string): string | null {
  const bytes = gibToBytes(text);
  return bytes === null ? null : `= ${formatExactBytes(bytes)}`;
}
