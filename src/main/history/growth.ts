import type Database from 'better-sqlite3';
import { DEFAULT_ALERT_RULES, rateRequirementOf } from '../../shared/alerts';
import { reachOf } from '../../shared/reach';
import type { Growth, RateRequirement } from '../../shared/storage';
import type { Lookup } from './lookup';
import { fitRate, type Reading } from './rate-fit';
import { DAY_MS } from './time';

/** The default size threshold for the forecast (the size_critical default). */
export const DEFAULT_THRESHOLD_BYTES = DEFAULT_ALERT_RULES.sizeCriticalBytes;

/** What a rate needs when the caller has no rules at hand (the defaults). */
export const DEFAULT_RATE_REQUIREMENT = rateRequirementOf(DEFAULT_ALERT_RULES);

/** The rate is fitted over the last 7 days of readings (or the required window, if longer). */
export const BASIS_MS = 7 * DAY_MS;

interface Range {
  key: string | number;
  from: number;
  to: number;
}

/**
 * Growth rate (Theil–Sen, bytes/day) over the last 7 days of readings — the
 * whole history when those do not meet the requirement — and when a size
 * threshold is reached at that rate. No rate, and so no forecast, until the
 * readings span the required window with the required count.
 */
export class GrowthQuery {
  private readonly stmts;

  constructor(
    db: Database.Database,
    private readonly lookup: Lookup,
  ) {
    this.stmts = {
      dbLatest: db.prepare<[string], Reading>(
        'SELECT taken_at AS t, database_bytes AS bytes FROM samples WHERE profile_id = ? ORDER BY taken_at DESC LIMIT 1',
      ),
      relLatest: db.prepare<[number], Reading>(`
        SELECT taken_at AS t, total_bytes AS bytes FROM relation_sizes
        WHERE relation_id = ? AND total_bytes IS NOT NULL ORDER BY taken_at DESC LIMIT 1`),
      dbReadings: db.prepare<[Range], Reading>(`
        SELECT taken_at AS t, database_bytes AS bytes FROM samples
        WHERE profile_id = @key AND taken_at >= @from AND taken_at <= @to ORDER BY taken_at`),
      relReadings: db.prepare<[Range], Reading>(`
        SELECT taken_at AS t, total_bytes AS bytes FROM relation_sizes
        WHERE relation_id = @key AND taken_at >= @from AND taken_at <= @to AND total_bytes IS NOT NULL
        ORDER BY taken_at`),
    };
  }

  growth(
    profileId: string,
    relationId: number | undefined,
    thresholdBytes: number | undefined,
    requirement: RateRequirement,
    now: Date,
  ): Growth {
    if (relationId === undefined) this.lookup.profile(profileId);
    else this.lookup.relation(profileId, relationId);
    const threshold = thresholdBytes ?? DEFAULT_THRESHOLD_BYTES;
    const s = this.stmts;
    const isDb = relationId === undefined;
    const latest = isDb ? s.dbLatest.get(profileId) : s.relLatest.get(relationId);
    const base = {
      currentBytes: latest?.bytes ?? null,
      requirement,
      thresholdBytes: threshold,
      reachesAt: null,
      daysLeft: null,
    };
    if (!latest) return { ...base, bytesPerDay: null, fit: null, noRate: 'no samples yet' };

    const readings = isDb ? s.dbReadings : s.relReadings;
    const range: Range = {
      key: relationId ?? profileId,
      from: latest.t - Math.max(BASIS_MS, requirement.minWindowMs),
      to: latest.t,
    };
    let rate = fitRate(readings.all(range), requirement);
    if (rate.bytesPerDay === null) rate = fitRate(readings.all({ ...range, from: 0 }), requirement);
    if (rate.bytesPerDay === null) return { ...base, bytesPerDay: null, fit: null, noRate: rate.noRate };

    const { bytesPerDay, fit } = rate;
    return { ...base, bytesPerDay, fit, noRate: null, ...reachOf(latest, bytesPerDay, threshold, now) };
  }
}

/** Re-exported for the fleet overview and the disk-full alert. */
export { reachOf };
