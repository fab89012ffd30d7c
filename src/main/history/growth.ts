import type Database from 'better-sqlite3';
import type { Growth } from '../../shared/storage';
import type { Lookup } from './lookup';
import { DAY_MS } from './time';

/** The default size threshold for the forecast (the size_critical default). */
export const DEFAULT_THRESHOLD_BYTES = 50 * 1024 ** 3;

/** Forecasts further out than this are "never" (and beyond what a Date can hold, eventually). */
const HORIZON_MS = 100 * 365 * DAY_MS;

const BASIS_MS = 7 * DAY_MS;

interface Fit {
  n: number;
  t0: number | null;
  t1: number | null;
  sx: number | null;
  sy: number | null;
  sxx: number | null;
  sxy: number | null;
}

interface Args {
  key: string | number;
  /** Time of the newest reading; x is in days relative to it, y in bytes relative to `y0`. */
  latest: number;
  y0: number;
  from: number;
}

/** Sums for a least-squares line, computed in SQL over the readings (never shipped row by row). */
const fitSql = (source: string) => `
  SELECT count(*) AS n, min(t) AS t0, max(t) AS t1, sum(x) AS sx, sum(y) AS sy, sum(x * x) AS sxx, sum(x * y) AS sxy
  FROM (SELECT t, (t - @latest) / ${DAY_MS}.0 AS x, CAST(bytes - @y0 AS REAL) AS y FROM (${source}))`;

/**
 * Growth rate (least squares, bytes/day) over the last 7 days of readings —
 * all readings when the last 7 days hold fewer than two — and when a size
 * threshold is reached at that rate.
 */
export class GrowthQuery {
  private readonly stmts;

  constructor(
    db: Database.Database,
    private readonly lookup: Lookup,
  ) {
    const dbSource = `SELECT taken_at AS t, database_bytes AS bytes FROM samples
                      WHERE profile_id = @key AND taken_at >= @from AND taken_at <= @latest`;
    const relSource = `SELECT taken_at AS t, total_bytes AS bytes FROM relation_sizes
                       WHERE relation_id = @key AND taken_at >= @from AND taken_at <= @latest
                         AND total_bytes IS NOT NULL`;
    this.stmts = {
      dbLatest: db.prepare<[string], { t: number; bytes: number }>(
        'SELECT taken_at AS t, database_bytes AS bytes FROM samples WHERE profile_id = ? ORDER BY taken_at DESC LIMIT 1',
      ),
      relLatest: db.prepare<[number], { t: number; bytes: number }>(`
        SELECT taken_at AS t, total_bytes AS bytes FROM relation_sizes
        WHERE relation_id = ? AND total_bytes IS NOT NULL ORDER BY taken_at DESC LIMIT 1`),
      dbFit: db.prepare<[Args], Fit>(fitSql(dbSource)),
      relFit: db.prepare<[Args], Fit>(fitSql(relSource)),
    };
  }

  growth(
    profileId: string,
    relationId: number | undefined,
    thresholdBytes: number | undefined,
    now: Date,
  ): Growth {
    if (relationId === undefined) this.lookup.profile(profileId);
    else this.lookup.relation(profileId, relationId);
    const threshold = thresholdBytes ?? DEFAULT_THRESHOLD_BYTES;
    const s = this.stmts;
    const latest = relationId === undefined ? s.dbLatest.get(profileId) : s.relLatest.get(relationId);
    const none: Growth = {
      currentBytes: latest?.bytes ?? null,
      bytesPerDay: null,
      basisDays: 0,
      thresholdBytes: threshold,
      reachesAt: null,
      daysLeft: null,
    };
    if (!latest) return none;

    const fit = relationId === undefined ? s.dbFit : s.relFit;
    const args: Args = {
      key: relationId ?? profileId,
      latest: latest.t,
      y0: latest.bytes,
      from: latest.t - BASIS_MS,
    };
    let f = fit.get(args)!;
    if (f.n < 2) f = fit.get({ ...args, from: Number.MIN_SAFE_INTEGER })!;
    const denominator = f.n * f.sxx! - f.sx! * f.sx!;
    if (f.n < 2 || denominator <= 0) return none;

    const bytesPerDay = (f.n * f.sxy! - f.sx! * f.sy!) / denominator;
    const result: Growth = { ...none, bytesPerDay, basisDays: (f.t1! - f.t0!) / DAY_MS };
    const nowMs = now.getTime();
    if (latest.bytes >= threshold) {
      return { ...result, reachesAt: new Date(latest.t).toISOString(), daysLeft: 0 };
    }
    if (bytesPerDay <= 0) return result;
    const reachesAt = latest.t + ((threshold - latest.bytes) / bytesPerDay) * DAY_MS;
    if (reachesAt - nowMs > HORIZON_MS) return result;
    return {
      ...result,
      reachesAt: new Date(reachesAt).toISOString(),
      daysLeft: Math.max(0, (reachesAt - nowMs) / DAY_MS),
    };
  }
}
