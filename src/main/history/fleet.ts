import type Database from 'better-sqlite3';
import { type AlertRules, rateRequirementOf } from '../../shared/alerts';
import type { FleetRow } from '../../shared/fleet';
import { BASIS_MS, reachOf } from './growth';
import { type Change, changeAgainst, JITTER_SHARE } from './overview';
import { fitRate, type RateResult, type Reading } from './rate-fit';
import { DAY_MS, HOUR_MS, iso } from './time';

/** What the history knows of one server for the fleet overview (alerts, disk facts and risk are added by the fleet service). */
export type FleetFacts = Omit<
  FleetRow,
  'alerts' | 'walRetainedBytes' | 'xidAgePct' | 'diskFactsNote' | 'riskRank' | 'riskReason'
>;

interface ProfileRow {
  id: string;
  name: string;
  host: string;
  port: number;
  database: string;
  user_name: string;
  tags: string;
  disk_bytes: number | null;
  state: 'up' | 'down' | null;
  since: number | null;
  last_check_at: number | null;
  message: string | null;
  last_sample_at: number | null;
  last_sample_error: string | null;
}

interface LatestRow {
  profile_id: string;
  t: number;
  bytes: number;
  database_name: string;
  /** Every database of the server in that sample. */
  all_bytes: number | null;
}

const SPARK_BUCKETS = 42;
const SPARK_BUCKET_MS = 4 * HOUR_MS;
/** Readings are read this far back from each profile's latest sample (the rate's basis, the sparkline). */
const READ_BACK_MS = 7 * DAY_MS;

/** Each profile's latest sample time, by one index seek per profile. */
const LATEST_TIMES = `WITH l AS (
  SELECT p.id AS profile_id, (SELECT max(taken_at) FROM samples WHERE profile_id = p.id) AS t FROM profiles p)`;

const endpointOf = (p: ProfileRow) => {
  const host = p.host.includes(':') && !p.host.startsWith('/') ? `[${p.host}]` : p.host;
  return `${p.user_name}@${host}:${p.port}/${p.database}`;
};

/** The reading at or before `cutoff` no older than `oldest`, and the first after it before `until` (sorted readings). */
function around(readings: Reading[], cutoff: number, oldest: number, until: number) {
  let lo = 0;
  let hi = readings.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (readings[mid]!.t <= cutoff) lo = mid + 1;
    else hi = mid;
  }
  const before = readings[lo - 1];
  const after = readings[lo];
  return {
    before: before && before.t >= oldest ? before : undefined,
    after: after && after.t < until ? after : undefined,
  };
}

/** The same rule as the Storage page's change (OverviewQuery), over readings already in memory. */
function changeOver(readings: Reading[], windowMs: number): Change {
  const latest = readings.at(-1)!;
  const cutoff = latest.t - windowMs;
  const { before, after } = around(
    readings,
    cutoff,
    cutoff - windowMs,
    Math.min(latest.t, cutoff + windowMs * JITTER_SHARE + 1),
  );
  return changeAgainst(latest, cutoff, before, after);
}

/** The readings with the baseline candidates older than them, oldest first, each time once. */
function withBaselines(readings: Reading[], baselines: Reading[] | undefined): Reading[] {
  const first = readings[0]!.t;
  const older = (baselines ?? []).filter((b) => b.t < first).sort((a, b) => a.t - b.t);
  return older.length > 0 ? [...older, ...readings] : readings;
}

function sparkline(readings: Reading[], now: number): FleetRow['sparkline'] {
  const from = now - SPARK_BUCKETS * SPARK_BUCKET_MS;
  const bytes: (number | null)[] = new Array(SPARK_BUCKETS).fill(null);
  for (const r of readings) {
    // Buckets end at their right edge, so a reading taken at `now` is in the last one.
    const k = Math.ceil((r.t - from) / SPARK_BUCKET_MS) - 1;
    if (k >= 0 && k < SPARK_BUCKETS) bytes[k] = r.bytes;
  }
  return { from, bucketMs: SPARK_BUCKET_MS, bytes };
}

/**
 * The fleet overview's history reads: ONE query per table over every
 * profile (profiles with their heartbeat and schedule, the latest samples,
 * the readings of the last 7 days), however many servers there are; the
 * whole history is read only for profiles whose recent readings fall short
 * of a rate, as the Storage page's growth does. The 7-day change's baseline
 * is read apart (two rows a profile), so only 7 days of readings are read.
 */
export class FleetQuery {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      profiles: db.prepare<[], ProfileRow>(`
        SELECT p.id, p.name, p.host, p.port, p.database, p.user_name, p.tags, p.disk_bytes,
               h.state, h.since, h.last_check_at, h.message, s.last_sample_at, s.last_sample_error
        FROM profiles p
        LEFT JOIN heartbeat_current h ON h.profile_id = p.id
        LEFT JOIN schedules s ON s.profile_id = p.id
        WHERE p.archived_at IS NULL -- archived servers are not watched: not in the fleet
        ORDER BY p.name COLLATE NOCASE`),
      // Each profile's newest sample by one index seek, not a scan of every sample.
      latest: db.prepare<[], LatestRow>(`
        SELECT s.profile_id, s.taken_at AS t, s.database_bytes AS bytes, s.database_name,
               (SELECT sum(d.bytes) FROM sample_databases d WHERE d.sample_id = s.id) AS all_bytes
        FROM profiles p
        JOIN samples s ON s.id = (SELECT id FROM samples WHERE profile_id = p.id ORDER BY taken_at DESC LIMIT 1)`),
      readings: db.prepare<[{ back: number }], Reading & { profile_id: string }>(`
        ${LATEST_TIMES}
        SELECT s.profile_id, s.taken_at AS t, s.database_bytes AS bytes
        -- CROSS JOIN keeps the profiles outer, so each profile's samples are an index seek, never a scan.
        FROM l CROSS JOIN samples s ON s.profile_id = l.profile_id AND s.taken_at >= l.t - @back
        ORDER BY s.profile_id, s.taken_at`),
      // The 7-day change's baseline candidates (OverviewQuery.change's window), older than the readings above.
      baselines: db.prepare<[{ w: number; jitter: number }], Reading & { profile_id: string }>(`
        ${LATEST_TIMES}
        SELECT l.profile_id, s.taken_at AS t, s.database_bytes AS bytes FROM l CROSS JOIN samples s ON s.id = (
          SELECT id FROM samples WHERE profile_id = l.profile_id AND taken_at <= l.t - @w AND taken_at >= l.t - 2 * @w
          ORDER BY taken_at DESC LIMIT 1)
        UNION ALL
        SELECT l.profile_id, s.taken_at AS t, s.database_bytes AS bytes FROM l CROSS JOIN samples s ON s.id = (
          SELECT id FROM samples WHERE profile_id = l.profile_id AND taken_at > l.t - @w
            AND taken_at < min(l.t, l.t - @w + @jitter + 1)
          ORDER BY taken_at LIMIT 1)`),
    };
  }

  facts(now: Date, rulesOf: (profileId: string) => AlertRules): FleetFacts[] {
    const profiles = this.stmts.profiles.all();
    const rules = new Map(profiles.map((p) => [p.id, rulesOf(p.id)]));
    const latest = new Map(this.stmts.latest.all().map((l) => [l.profile_id, l]));
    const longestWindow = Math.max(0, ...[...rules.values()].map((r) => r.rateWindowHours * HOUR_MS));
    const back = Math.max(READ_BACK_MS, longestWindow);
    const readings = this.grouped(this.stmts.readings.all({ back }));
    // A 7-day change may compare with a reading up to 7 days older than those: added where missing.
    const baselines = this.grouped(
      this.stmts.baselines.all({ w: 7 * DAY_MS, jitter: 7 * DAY_MS * JITTER_SHARE }),
    );

    const rates = new Map<string, RateResult>();
    const short: string[] = [];
    for (const p of profiles) {
      const mine = readings.get(p.id);
      if (!mine) continue;
      const requirement = rateRequirementOf(rules.get(p.id)!);
      const from = mine.at(-1)!.t - Math.max(BASIS_MS, requirement.minWindowMs);
      const rate = fitRate(
        mine.filter((r) => r.t >= from),
        requirement,
      );
      rates.set(p.id, rate);
      if (rate.bytesPerDay === null) short.push(p.id);
    }
    for (const [id, all] of this.wholeHistory(short)) {
      rates.set(id, fitRate(all, rateRequirementOf(rules.get(id)!)));
    }

    return profiles.map((p) => {
      const last = latest.get(p.id);
      const mine = readings.get(p.id) ?? [];
      const rate = rates.get(p.id) ?? null;
      const critical = rules.get(p.id)!.sizeCriticalBytes;
      // Without a rate only "reached already" can be said (a rate of 0 says nothing else).
      const perDay = rate?.bytesPerDay ?? 0;
      const reach = (threshold: number) =>
        last ? reachOf(last, perDay, threshold, now) : { reachesAt: null, daysLeft: null };
      // The volume holds every database of the server, so the disk fills from their sum at this database's rate.
      const used = last ? (last.all_bytes ?? last.bytes) : null;
      const diskReach =
        p.disk_bytes !== null && last && used !== null
          ? reachOf({ t: last.t, bytes: used }, perDay, p.disk_bytes, now)
          : { reachesAt: null, daysLeft: null };
      return {
        profileId: p.id,
        name: p.name,
        endpoint: endpointOf(p),
        tags: JSON.parse(p.tags) as string[],
        status: p.state ?? 'unknown',
        statusSince: iso(p.since),
        statusMessage: p.message,
        lastHeartbeatAt: iso(p.last_check_at),
        lastSampleAt: iso(Math.max(p.last_sample_at ?? 0, last?.t ?? 0) || null),
        lastSampleError: p.last_sample_error,
        databaseName: last?.database_name ?? null,
        databaseBytes: last?.bytes ?? null,
        change24h: mine.length > 0 ? changeOver(mine, DAY_MS) : null,
        change7d: mine.length > 0 ? changeOver(withBaselines(mine, baselines.get(p.id)), 7 * DAY_MS) : null,
        bytesPerDay: rate?.bytesPerDay ?? null,
        fit: rate?.bytesPerDay != null ? rate.fit : null,
        noRate: rate === null ? 'no samples yet' : rate.bytesPerDay === null ? rate.noRate : null,
        critical: { thresholdBytes: critical, ...reach(critical) },
        disk:
          p.disk_bytes === null
            ? null
            : { source: 'profile' as const, thresholdBytes: p.disk_bytes, usedBytes: used, ...diskReach },
        sparkline: sparkline(mine, now.getTime()),
      };
    });
  }

  private grouped(rows: (Reading & { profile_id: string })[]): Map<string, Reading[]> {
    const byProfile = new Map<string, Reading[]>();
    for (const r of rows) {
      const list = byProfile.get(r.profile_id) ?? [];
      if (list.length === 0) byProfile.set(r.profile_id, list);
      list.push({ t: r.t, bytes: r.bytes });
    }
    return byProfile;
  }

  /** Every reading of these profiles, in one query. */
  private wholeHistory(profileIds: string[]): Map<string, Reading[]> {
    if (profileIds.length === 0) return new Map();
    const rows = this.db
      .prepare<string[], Reading & { profile_id: string }>(
        `SELECT profile_id, taken_at AS t, database_bytes AS bytes FROM samples
         WHERE profile_id IN (${profileIds.map(() => '?').join(', ')}) ORDER BY profile_id, taken_at`,
      )
      .all(...profileIds);
    return this.grouped(rows);
  }
}
