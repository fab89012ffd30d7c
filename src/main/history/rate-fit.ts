import { formatSpan } from '../../shared/span';
import type { RateFit, RateRequirement } from '../../shared/storage';
import { DAY_MS } from './time';

/** One measured size; "not measured" readings never get here. */
export interface Reading {
  t: number;
  bytes: number;
}

/**
 * Beyond this many readings the fit thins them evenly (first and last kept):
 * the pairwise slopes grow with the square of the count, and 240 readings over
 * the window say as much about the trend as 10,000 do.
 */
const MAX_POINTS = 240;

function thinned(readings: Reading[]): Reading[] {
  if (readings.length <= MAX_POINTS) return readings;
  const step = (readings.length - 1) / (MAX_POINTS - 1);
  return Array.from({ length: MAX_POINTS }, (_, i) => readings[Math.round(i * step)]!);
}

/**
 * Puts the k-th smallest value at index k, smaller ones before it, larger
 * after (Hoare's selection): linear on average, where sorting the ~29,000
 * slopes of a 240-point fit costs ten times more.
 */
function select(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i++] = values[j]!;
        values[j--] = swap;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k]!;
}

/** The median (the mean of the two middle values for an even count); reorders `values`. */
function median(values: Float64Array): number {
  const mid = values.length >> 1;
  const upper = select(values, mid);
  if (values.length % 2) return upper;
  // Everything before `mid` is now at most `upper`: the lower middle value is their largest.
  let lower = values[0]!;
  for (let i = 1; i < mid; i++) if (values[i]! > lower) lower = values[i]!;
  return (lower + upper) / 2;
}

/**
 * Theil–Sen: the median of the slopes between every pair of readings, in
 * bytes a day. A few wild readings (a VACUUM FULL, a bulk load later deleted)
 * move a least-squares line a lot and this median hardly at all. Null with
 * fewer than two readings at different times.
 */
export function theilSenBytesPerDay(readings: Reading[]): number | null {
  const points = thinned(readings);
  const n = points.length;
  // Typed and preallocated: the fleet overview fits a hundred of these in one call.
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dt = points[j]!.t - points[i]!.t;
      if (dt !== 0) slopes[count++] = ((points[j]!.bytes - points[i]!.bytes) / dt) * DAY_MS;
    }
  }
  if (count === 0) return null;
  return median(slopes.subarray(0, count));
}

export type RateResult = { bytesPerDay: number; fit: RateFit } | { bytesPerDay: null; noRate: string };

const samplesText = (n: number) => `${n} sample${n === 1 ? '' : 's'}`;

/**
 * The rate over `readings` (oldest first) if they meet the requirement —
 * spanning at least its window, with at least its count — else why not, in
 * the words the UI and the CLI show.
 */
export function fitRate(readings: Reading[], requirement: RateRequirement): RateResult {
  const n = readings.length;
  if (n === 0) return { bytesPerDay: null, noRate: 'no samples yet' };
  const from = readings[0]!.t;
  const to = readings[n - 1]!.t;
  const spanMs = to - from;
  const have = n === 1 ? samplesText(1) : `${samplesText(n)} over ${formatSpan(spanMs)}`;
  if (spanMs < requirement.minWindowMs) {
    return {
      bytesPerDay: null,
      noRate: `not enough history yet (${have}; a rate needs ${formatSpan(requirement.minWindowMs)})`,
    };
  }
  if (n < requirement.minSamples) {
    return {
      bytesPerDay: null,
      noRate: `not enough history yet (${have}; a rate needs at least ${samplesText(requirement.minSamples)})`,
    };
  }
  return {
    bytesPerDay: theilSenBytesPerDay(readings)!,
    fit: {
      method: 'theil-sen',
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      spanMs,
      samples: n,
    },
  };
}
