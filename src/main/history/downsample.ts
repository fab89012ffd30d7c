/**
 * Bucketing and gap detection shared by the storage and latency charts.
 *
 * A chart gets at most MAX_BUCKETS buckets (one value each) plus at most one
 * null point per real gap, and a gap must be wider than 1% of the range, so a
 * series never exceeds ~1000 points.
 */
export const MAX_BUCKETS = 900;

/** How much longer than the usual spacing a silence must be to count as a gap. */
export const GAP_FACTOR = 2.5;

/** Gaps narrower than this share of the range are not drawn (a few pixels at most). */
export const MIN_GAP_SHARE = 0.01;

/** Bucket width for a span: whole seconds, at most MAX_BUCKETS buckets. */
export function bucketMsFor(spanMs: number): number {
  const raw = Math.ceil(Math.max(0, spanMs) / MAX_BUCKETS);
  return Math.max(1000, Math.ceil(raw / 1000) * 1000);
}

function upperMedian(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Inserts a null point where samples were due and missing, and nowhere else.
 *
 * Empty buckets are not gaps by themselves: with daily samples in a 24 h
 * chart almost every bucket is empty, and a few "Sample now" presses seconds
 * apart say nothing about when the next sample is due. A silence is a gap
 * when it is much longer than both the schedule's longest wait (`dueEveryMs`)
 * and the spacing the series usually has around that place (the upper median
 * of up to two spacings on either side, so history taken under an older,
 * slower schedule does not break into gaps either).
 */
export function insertGaps<P extends { t: number }>(
  points: P[],
  spanMs: number,
  bucketMs: number,
  dueEveryMs: number,
  nullAt: (t: number) => P,
): P[] {
  if (points.length < 2) return points;
  const spacing = points.slice(1).map((p, i) => p.t - points[i]!.t);
  const floor = spanMs * MIN_GAP_SHARE;
  const out: P[] = [points[0]!];
  for (let i = 0; i < spacing.length; i++) {
    const delta = spacing[i]!;
    const around = [spacing[i - 2], spacing[i - 1], spacing[i + 1], spacing[i + 2]].filter(
      (v): v is number => v !== undefined,
    );
    const usual = Math.max(dueEveryMs, around.length > 0 ? upperMedian(around) : 0);
    if (delta > floor && delta > GAP_FACTOR * usual) {
      const before = points[i]!.t;
      const nextBucket = (Math.floor(before / bucketMs) + 1) * bucketMs;
      out.push(nullAt(Math.min(nextBucket, before + Math.floor(delta / 2))));
    }
    out.push(points[i + 1]!);
  }
  return out;
}
