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

function median(sorted: Float64Array): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Theil–Sen: the median of the slopes between every pair of readings, in
 * bytes a day. A few wild readings (a VACUUM FULL, a bulk load later deleted)
 * move a least-squares line a lot and this median hardly at all. Null with
 * fewer than two readings at different times.
 */
export function theilSenBytesPerDay(readings: Reading[]): number | null {
  const points = thinned(readings);
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dt = points[j]!.t - points[i]!.t;
      if (dt !== 0) slopes.push(((points[j]!.bytes - points[i]!.bytes) / dt) * DAY_MS);
    }
  }
  if (slopes.length === 0) return null;
  return median(Float64Array.from(slopes).sort());
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
