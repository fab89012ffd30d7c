import type Database from 'better-sqlite3';
import type { ChartRange, Series } from '../../shared/storage';
import { bucketMsFor, insertGaps, MAX_BUCKETS } from './downsample';
import type { Lookup } from './lookup';
import { rangeMs } from './time';

type Point = Series['points'][number];

interface Window {
  key: string | number;
  from: number;
  to: number;
  span: number;
  bucket: number;
}

/** Prefers a measured row over a "not measured" one in the same bucket; bigger than any epoch-ms time. */
const MEASURED_FIRST = 10_000_000_000_000;

/**
 * Chart series, downsampled in SQL: one value per bucket (the last sample in
 * it, at that sample's exact time, so the tooltip shows a real reading), null
 * points only for real gaps, and a relation "not measured this time" as a
 * null point, never zero.
 */
export class SeriesQuery {
  private readonly stmts;

  constructor(
    db: Database.Database,
    private readonly lookup: Lookup,
    /** The longest wait between two samples the profile's schedule makes. */
    private readonly dueEveryMs: (profileId: string) => number,
  ) {
    this.stmts = {
      dbFirst: db.prepare<[string], { t: number | null }>(
        'SELECT min(taken_at) AS t FROM samples WHERE profile_id = ?',
      ),
      dbBuckets: db.prepare<Window, Point>(`
        SELECT max(taken_at) AS t, database_bytes AS bytes
        FROM samples
        WHERE profile_id = @key AND taken_at >= @from AND taken_at <= @to
        GROUP BY CAST(taken_at / @bucket AS INTEGER)
        ORDER BY t`),
      dbBefore: db.prepare<Window, Point>(`
        SELECT taken_at AS t, database_bytes AS bytes
        FROM samples
        WHERE profile_id = @key AND taken_at < @from AND taken_at >= @from - @span
        ORDER BY taken_at DESC LIMIT 1`),
      dbCount: db.prepare<Window, { n: number }>(
        'SELECT count(*) AS n FROM samples WHERE profile_id = @key AND taken_at >= @from AND taken_at <= @to',
      ),
      relCount: db.prepare<Window, { n: number }>(
        'SELECT count(*) AS n FROM relation_sizes WHERE relation_id = @key AND taken_at >= @from AND taken_at <= @to',
      ),
      relFirst: db.prepare<[number], { t: number | null }>(
        'SELECT min(taken_at) AS t FROM relation_sizes WHERE relation_id = ?',
      ),
      relBuckets: db.prepare<Window, Point & { pick: number }>(`
        SELECT max(taken_at + CASE WHEN total_bytes IS NULL THEN 0 ELSE ${MEASURED_FIRST} END) AS pick,
               taken_at AS t, total_bytes AS bytes
        FROM relation_sizes
        WHERE relation_id = @key AND taken_at >= @from AND taken_at <= @to
        GROUP BY CAST(taken_at / @bucket AS INTEGER)
        ORDER BY t`),
      relBefore: db.prepare<Window, Point>(`
        SELECT taken_at AS t, total_bytes AS bytes
        FROM relation_sizes
        WHERE relation_id = @key AND taken_at < @from AND taken_at >= @from - @span
        ORDER BY taken_at DESC LIMIT 1`),
    };
  }

  /**
   * The database total (no relationId) or one relation over a range ending
   * now. The last reading before the range (if within one range-width) leads
   * the points so a sparse schedule — daily samples in a 24 h chart — still
   * draws a line across the range; its `t` is then before `from`.
   */
  series(profileId: string, relationId: number | undefined, range: ChartRange, now: Date): Series {
    if (relationId === undefined) this.lookup.profile(profileId);
    else this.lookup.relation(profileId, relationId);
    const s = this.stmts;
    const isDb = relationId === undefined;
    const key = isDb ? profileId : relationId;
    const to = now.getTime();
    const fixed = rangeMs(range);
    const first = fixed === null ? (isDb ? s.dbFirst.get(profileId) : s.relFirst.get(relationId))?.t : null;
    const from = fixed === null ? Math.min(first ?? to, to) : to - fixed;
    const span = to - from;
    const w: Window = { key, from, to, span, bucket: bucketMsFor(span) };
    // Few enough samples to draw each one: a handful is never bucketed away.
    const count = (isDb ? s.dbCount : s.relCount).get(w)!.n;
    if (count > 0 && count <= MAX_BUCKETS) w.bucket = 1;

    const buckets = isDb ? s.dbBuckets.all(w) : s.relBuckets.all(w).map(({ t, bytes }) => ({ t, bytes }));
    const before = fixed === null ? undefined : (isDb ? s.dbBefore : s.relBefore).get(w);
    const points = before ? [before, ...buckets] : buckets;
    return {
      from,
      to,
      bucketMs: w.bucket,
      points: insertGaps(points, span, w.bucket, this.dueEveryMs(profileId), (t) => ({ t, bytes: null })),
    };
  }
}
