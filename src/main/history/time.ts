import type { ChartRange } from '../../shared/storage';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** The span of a chart range; null for 'all' (from the first sample). */
export function rangeMs(range: ChartRange): number | null {
  switch (range) {
    case '24h':
      return DAY_MS;
    case '7d':
      return 7 * DAY_MS;
    case '30d':
      return 30 * DAY_MS;
    case '90d':
      return 90 * DAY_MS;
    case 'all':
      return null;
  }
}

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** An ISO time from the collector as epoch ms; null when absent or unreadable. */
export function msOf(value: string | Date | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** SQLite INTEGER columns take whole numbers; the collector's floats (reltuples, timings) are rounded. */
export const int = (value: number | null | undefined): number | null =>
  value === null || value === undefined || !Number.isFinite(value) ? null : Math.round(value);
