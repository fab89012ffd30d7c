/**
 * The copy's rate and time left, from the progress of the last RATE_WINDOW_MS
 * only: a copy that slows down (a busier server, wider rows later on) shows it
 * within a minute, and the first batch alone never yields a rate (one batch
 * over the few microseconds since the previous report gave "328137818 rows/s").
 * Nothing is said before there is enough to say it from.
 */

export interface ProgressSample {
  /** A monotonic clock, in ms. */
  atMs: number;
  /** Rows copied so far. */
  rows: number;
}

export const RATE_WINDOW_MS = 45_000;
/** Below this span of progress a rate says more about timer noise than about the copy. */
export const MIN_SPAN_MS = 2_000;

/**
 * The samples to keep after `sample`: those inside the window, plus the last one
 * before it, so that the window is always covered end to end.
 */
export function pushSample(
  samples: readonly ProgressSample[],
  sample: ProgressSample,
  windowMs = RATE_WINDOW_MS,
): ProgressSample[] {
  const all = [...samples, sample];
  const edge = sample.atMs - windowMs;
  let first = 0;
  while (first + 1 < all.length && all[first + 1]!.atMs <= edge) first++;
  return all.slice(first);
}

/**
 * Rows per second over the samples, and seconds left to `rowsTotal` at that rate.
 * Null when the samples span less than MIN_SPAN_MS or no row moved; the time left
 * is also null once the copied rows reach the (estimated) total: the estimate was
 * low, and "0 s left" would be a guess dressed as a figure.
 */
export function progressRate(
  samples: readonly ProgressSample[],
  rowsTotal: number,
): { rate: number | null; etaSeconds: number | null } {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last) return { rate: null, etaSeconds: null };
  const spanMs = last.atMs - first.atMs;
  const rows = last.rows - first.rows;
  if (spanMs < MIN_SPAN_MS || rows <= 0) return { rate: null, etaSeconds: null };
  const rate = rows / (spanMs / 1000);
  const remaining = rowsTotal - last.rows;
  if (!(remaining > 0)) return { rate, etaSeconds: null };
  return { rate, etaSeconds: Math.max(1, Math.ceil(remaining / rate)) };
}
