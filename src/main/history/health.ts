import type Database from 'better-sqlite3';
import type { HealthDetail, HealthSummary, Outage, UptimeFigure } from '../../shared/storage';
import { bucketMsFor, insertGaps } from './downsample';
import type { Lookup } from './lookup';
import type { StatusQuery } from './status';
import { DAY_MS } from './time';

export type HealthRange = '24h' | '7d' | '30d';
const HEALTH_RANGE_MS: Record<HealthRange, number> = { '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS };

interface UptimeRow {
  n1: number | null;
  ok1: number | null;
  f1: number | null;
  n7: number | null;
  ok7: number | null;
  f7: number | null;
  n30: number;
  ok30: number | null;
  f30: number | null;
  last: number | null;
}

/**
 * Share of beats answered, over the span really observed: from the window's
 * first beat to the last one. A server added a minute ago has "100 % over
 * 1 min", not 100 % over 30 days.
 */
const uptime = (
  ok: number | null,
  n: number | null,
  first: number | null,
  last: number | null,
): UptimeFigure =>
  n && first !== null && last !== null
    ? { pct: ((ok ?? 0) / n) * 100, spanMs: last - first, beats: n }
    : null;

/** Up/down now, uptime % over the span observed, outages and latency, from heartbeat_current and heartbeat_history. */
export class HealthQuery {
  private readonly stmts;

  constructor(
    db: Database.Database,
    private readonly lookup: Lookup,
    private readonly status: StatusQuery,
    /** How often the profile's heartbeat is due. */
    private readonly beatEveryMs: (profileId: string) => number,
  ) {
    this.stmts = {
      profiles: db.prepare<[], { id: string; name: string }>(
        'SELECT id, name FROM profiles WHERE archived_at IS NULL ORDER BY name COLLATE NOCASE',
      ),
      uptime: db.prepare<
        [{ profileId: string; now: number; d1: number; d7: number; d30: number }],
        UptimeRow
      >(`
        SELECT sum(at > @d1) AS n1, sum(at > @d1 AND ok = 1) AS ok1, min(CASE WHEN at > @d1 THEN at END) AS f1,
               sum(at > @d7) AS n7, sum(at > @d7 AND ok = 1) AS ok7, min(CASE WHEN at > @d7 THEN at END) AS f7,
               count(*) AS n30, sum(ok) AS ok30, min(at) AS f30, max(at) AS last
        FROM heartbeat_history WHERE profile_id = @profileId AND at > @d30 AND at <= @now`),
      // Only the beats where the state flips: a 30-day range never ships 43,000 rows.
      flips: db.prepare<[{ profileId: string; from: number; to: number }], { at: number; ok: number }>(`
        SELECT at, ok FROM (
          SELECT at, ok, lag(ok) OVER (ORDER BY at) AS prev FROM heartbeat_history
          WHERE profile_id = @profileId AND at >= @from AND at <= @to)
        WHERE prev IS NULL OR ok <> prev
        ORDER BY at`),
      lastOkBefore: db.prepare<[string, number], { at: number }>(
        'SELECT at FROM heartbeat_history WHERE profile_id = ? AND at < ? AND ok = 1 ORDER BY at DESC LIMIT 1',
      ),
      firstAfter: db.prepare<[string, number, number], { at: number }>(
        'SELECT at FROM heartbeat_history WHERE profile_id = ? AND at > ? AND at < ? ORDER BY at LIMIT 1',
      ),
      latency: db.prepare<
        [{ profileId: string; from: number; to: number; bucket: number }],
        { k: number; ms: number | null }
      >(`
        SELECT CAST(at / @bucket AS INTEGER) AS k, avg(CASE WHEN ok = 1 THEN latency_ms END) AS ms
        FROM heartbeat_history WHERE profile_id = @profileId AND at >= @from AND at <= @to
        GROUP BY k ORDER BY k`),
    };
  }

  summary(profileId: string, now: Date): HealthSummary {
    return this.summaryOf(profileId, this.lookup.profile(profileId), now);
  }

  /** Every profile, by name. */
  overview(now: Date): HealthSummary[] {
    return this.stmts.profiles.all().map((p) => this.summaryOf(p.id, p.name, now));
  }

  detail(profileId: string, range: HealthRange, now: Date): HealthDetail {
    const summary = this.summary(profileId, now);
    const to = now.getTime();
    const span = HEALTH_RANGE_MS[range];
    const from = to - span;
    const bucket = bucketMsFor(span);
    const latency = this.stmts.latency
      .all({ profileId, from, to, bucket })
      .map(({ k, ms }) => ({ t: k * bucket, ms: ms === null ? null : Math.round(ms * 10) / 10 }));
    return {
      ...summary,
      outages: this.outages(profileId, from, to),
      latency: insertGaps(latency, span, bucket, this.beatEveryMs(profileId), (t) => ({ t, ms: null })),
    };
  }

  /**
   * Runs of failed beats that overlap [from, to], newest first: start = the
   * first failed beat (looked up before `from` when the run began earlier),
   * end = the first OK beat after it, or null while it lasts.
   */
  outages(profileId: string, from: number, to: number): Outage[] {
    const flips = this.stmts.flips.all({ profileId, from, to });
    const found: Outage[] = [];
    let start: number | null = null;
    for (const [i, flip] of flips.entries()) {
      if (flip.ok === 0) {
        start = flip.at;
        if (i === 0) {
          const lastOk = this.stmts.lastOkBefore.get(profileId, from)?.at ?? Number.MIN_SAFE_INTEGER;
          start = this.stmts.firstAfter.get(profileId, lastOk, from)?.at ?? flip.at;
        }
      } else if (start !== null) {
        found.push({
          start: new Date(start).toISOString(),
          end: new Date(flip.at).toISOString(),
          durationMs: flip.at - start,
        });
        start = null;
      }
    }
    if (start !== null)
      found.push({ start: new Date(start).toISOString(), end: null, durationMs: to - start });
    return found.reverse();
  }

  private summaryOf(profileId: string, name: string, now: Date): HealthSummary {
    const t = now.getTime();
    const u = this.stmts.uptime.get({
      profileId,
      now: t,
      d1: t - DAY_MS,
      d7: t - 7 * DAY_MS,
      d30: t - 30 * DAY_MS,
    })!;
    const { status, latencyMs } = this.status.of(profileId);
    return {
      profileId,
      name,
      status,
      latencyMs,
      uptime: {
        h24: uptime(u.ok1, u.n1, u.f1, u.last),
        d7: uptime(u.ok7, u.n7, u.f7, u.last),
        d30: uptime(u.ok30, u.n30, u.f30, u.last),
      },
    };
  }
}
