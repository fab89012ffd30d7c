import { z } from 'zod';
import { formatBytes } from './bytes';
import { formatSpan } from './span';
import { changeSchema, rateFitSchema } from './storage';

const time = z.string().nullable();

/** When a size is reached at the fitted rate; null when there is no rate (or it never is, within a century). */
const reachSchema = z.object({
  thresholdBytes: z.number(),
  reachesAt: time,
  daysLeft: z.number().nullable(),
});

/** One server of the fleet overview (the start page and `tidemark fleet`). */
export const fleetRowSchema = z.object({
  profileId: z.string(),
  name: z.string(),
  /** "user@host:port/database" */
  endpoint: z.string(),
  tags: z.array(z.string()),
  /** From the heartbeats: unknown before the first one. */
  status: z.enum(['up', 'down', 'unknown']),
  statusSince: time,
  statusMessage: z.string().nullable(),
  lastHeartbeatAt: time,
  lastSampleAt: time,
  lastSampleError: z.string().nullable(),
  databaseName: z.string().nullable(),
  databaseBytes: z.number().nullable(),
  /** Against the sample nearest one window ago, with the real span (as on the Storage page). */
  change24h: changeSchema,
  change7d: changeSchema,
  /** Theil–Sen over the last 7 days (the whole history when those fall short); null with why. */
  bytesPerDay: z.number().nullable(),
  fit: rateFitSchema.nullable(),
  noRate: z.string().nullable(),
  /** The profile's critical size (its size_critical rule), reached at the fitted rate. */
  critical: reachSchema,
  /**
   * The data volume: its size as the DBA gave it on the profile, what the
   * server's databases take on it (the sum of every database in the latest
   * sample; WAL and other files are not in that sum), and when the fitted
   * rate fills it. Null when no disk size is given.
   */
  disk: reachSchema.extend({ source: z.enum(['profile']), usedBytes: z.number().nullable() }).nullable(),
  /** WAL retained by replication slots (disk-facts); null with `diskFactsNote` saying why. */
  walRetainedBytes: z.number().nullable(),
  /** Oldest transaction-ID age as % of wraparound (disk-facts); null with `diskFactsNote` saying why. */
  xidAgePct: z.number().nullable(),
  diskFactsNote: z.string().nullable(),
  /** Active alerts not acknowledged, by severity. */
  alerts: z.object({ critical: z.number(), warning: z.number() }),
  /** The database size over the last 7 days, the last reading of each of up to 42 four-hour buckets. */
  sparkline: z.object({ from: z.number(), bucketMs: z.number(), bytes: z.array(z.number().nullable()) }),
  /** 1 = most at risk (see compareRisk), and the first reason in words. */
  riskRank: z.number(),
  riskReason: z.string().nullable(),
});
export type FleetRow = z.infer<typeof fleetRowSchema>;

export const fleetOverviewSchema = z.object({
  at: z.string(),
  /** Worst first. */
  rows: z.array(fleetRowSchema),
});
export type FleetOverview = z.infer<typeof fleetOverviewSchema>;

/** Days until a disk or the critical size fills count for risk only within this horizon. */
export const RISK_HORIZON_DAYS = 30;

/**
 * A disk full within this many days (or already) ranks before critical alerts:
 * a full volume stops the server's writes (PostgreSQL cannot write WAL), while a
 * critical alert is a threshold the DBA chose or a slower danger.
 */
export const DISK_OUTAGE_DAYS = 7;

const DAY_MS = 86_400_000;

/** The sooner of "disk full" and "critical size reached", and which one it is; `already` when it is reached now. */
export function soonestFull(row: Pick<FleetRow, 'critical' | 'disk' | 'databaseBytes'>): {
  daysLeft: number;
  reachesAt: string;
  what: 'disk' | 'critical size';
  already: boolean;
} | null {
  const candidates = [
    row.disk?.daysLeft != null
      ? { ...row.disk, what: 'disk' as const, already: (row.disk.usedBytes ?? 0) >= row.disk.thresholdBytes }
      : null,
    row.critical.daysLeft !== null
      ? {
          ...row.critical,
          what: 'critical size' as const,
          already: (row.databaseBytes ?? 0) >= row.critical.thresholdBytes,
        }
      : null,
  ].filter((c) => c !== null);
  if (candidates.length === 0) return null;
  // The disk first on a tie: it is the outage, the critical size a threshold.
  const best = candidates.reduce((a, b) => (b.daysLeft! < a.daysLeft! ? b : a));
  return { daysLeft: best.daysLeft!, reachesAt: best.reachesAt!, what: best.what, already: best.already };
}

type RiskInput = Pick<
  FleetRow,
  'status' | 'alerts' | 'critical' | 'disk' | 'databaseBytes' | 'change7d' | 'name'
>;

const daysAtRisk = (row: RiskInput) => {
  const days = soonestFull(row)?.daysLeft;
  return days !== undefined && days <= RISK_HORIZON_DAYS ? days : Number.POSITIVE_INFINITY;
};

const diskOutageDays = (row: RiskInput) => {
  const days = row.disk?.daysLeft;
  return days != null && days <= DISK_OUTAGE_DAYS ? days : Number.POSITIVE_INFINITY;
};

/**
 * The fleet's default order, worst first. Each step only breaks ties of the one before:
 * 1. down (heartbeats failing) before anything else: nothing else about it is current;
 * 2. the disk full already or within 7 days at the fitted rate, sooner first (an outage coming);
 * 3. more critical alerts;
 * 4. fewer days until the disk is full or the critical size is reached, within 30 days
 *    (a server with no rate yet, or further out, ties here);
 * 5. more warning alerts;
 * 6. status unknown (no heartbeat yet) before up;
 * 7. faster 7-day growth in %;
 * 8. name.
 */
export function compareRisk(a: RiskInput, b: RiskInput): number {
  return (
    Number(b.status === 'down') - Number(a.status === 'down') ||
    diskOutageDays(a) - diskOutageDays(b) ||
    b.alerts.critical - a.alerts.critical ||
    daysAtRisk(a) - daysAtRisk(b) ||
    b.alerts.warning - a.alerts.warning ||
    Number(b.status === 'unknown') - Number(a.status === 'unknown') ||
    (b.change7d?.pct ?? Number.NEGATIVE_INFINITY) - (a.change7d?.pct ?? Number.NEGATIVE_INFINITY) ||
    a.name.localeCompare(b.name)
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "disk full: the databases take 80 GiB of the 50 GiB given", "disk full around 2026-12-05 UTC (in 2.5 days)". */
function fullText(row: RiskInput, soonest: NonNullable<ReturnType<typeof soonestFull>>): string {
  if (soonest.what === 'disk' && soonest.already && row.disk?.usedBytes != null)
    return `disk full: the databases take ${formatBytes(row.disk.usedBytes)} of the ${formatBytes(row.disk.thresholdBytes)} given`;
  if (soonest.already) return `${soonest.what === 'disk' ? 'disk full' : 'critical size reached'}`;
  // A date without a zone is read in the reader's own: this one is UTC's, and says so.
  return `${soonest.what === 'disk' ? 'disk full' : 'critical size'} around ${soonest.reachesAt.slice(0, 10)} UTC (in ${formatSpan(soonest.daysLeft * DAY_MS)})`;
}

/** The first step of compareRisk that puts this server ahead, in words; null when nothing does. */
export function riskReason(row: RiskInput): string | null {
  if (row.status === 'down') return 'down';
  const disk = soonestFull({ ...row, critical: { ...row.critical, daysLeft: null } });
  if (Number.isFinite(diskOutageDays(row)) && disk) return fullText(row, disk);
  if (row.alerts.critical > 0) return plural(row.alerts.critical, 'critical alert');
  const soonest = soonestFull(row);
  if (Number.isFinite(daysAtRisk(row)) && soonest) return fullText(row, soonest);
  if (row.alerts.warning > 0) return plural(row.alerts.warning, 'warning');
  if (row.status === 'unknown') return 'no heartbeat yet';
  return null;
}
