const DAY_MS = 86_400_000;

/** Forecasts further out than this are "never" (and beyond what a Date can hold, eventually). */
const HORIZON_MS = 100 * 365 * DAY_MS;

/**
 * When `thresholdBytes` is reached from the `latest` reading at `bytesPerDay`:
 * already (the latest reading's time, 0 days), never (flat, shrinking, or past
 * a century: nulls), or at a date with the days left from `now`. Shared by
 * main's forecasts and alerts and the Storage page's disk-full line.
 */
export function reachOf(
  latest: { t: number; bytes: number },
  bytesPerDay: number,
  thresholdBytes: number,
  now: Date,
): { reachesAt: string | null; daysLeft: number | null } {
  if (latest.bytes >= thresholdBytes) return { reachesAt: new Date(latest.t).toISOString(), daysLeft: 0 };
  const never = { reachesAt: null, daysLeft: null };
  if (bytesPerDay <= 0) return never;
  const nowMs = now.getTime();
  const reachesAt = latest.t + ((thresholdBytes - latest.bytes) / bytesPerDay) * DAY_MS;
  if (reachesAt - nowMs > HORIZON_MS) return never;
  return {
    reachesAt: new Date(reachesAt).toISOString(),
    daysLeft: Math.max(0, (reachesAt - nowMs) / DAY_MS),
  };
}
