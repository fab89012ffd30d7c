import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MiB } from '../../../test/support/history-fixtures';
import { fitRate, type Reading, theilSenBytesPerDay } from './rate-fit';

/** A deterministic pseudo-random sequence (the same noise on every run). */
function noise(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31 - 0.5;
  };
}

/** Readings every 15 min over `days`, growing `perDay`, plus noise of ± `jitter`/2. */
function series(days: number, perDay: number, jitter: number, seed = 7): Reading[] {
  const rand = noise(seed);
  const out: Reading[] = [];
  for (let t = 0; t <= days * DAY_MS; t += 15 * 60_000) {
    out.push({ t, bytes: Math.round(500 * MiB + (t / DAY_MS) * perDay + rand() * jitter) });
  }
  return out;
}

/** Ordinary least squares, to show what the median of slopes is spared. */
function leastSquaresPerDay(readings: Reading[]): number {
  const n = readings.length;
  const mx = readings.reduce((s, r) => s + r.t, 0) / n;
  const my = readings.reduce((s, r) => s + r.bytes, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const r of readings) {
    sxy += (r.t - mx) * (r.bytes - my);
    sxx += (r.t - mx) ** 2;
  }
  return (sxy / sxx) * DAY_MS;
}

const need = { minWindowMs: 6 * HOUR_MS, minSamples: 3 };

describe('Theil–Sen rate', () => {
  it('finds the trend under noise five times the daily growth', () => {
    const readings = series(7, 10 * MiB, 50 * MiB);
    const perDay = theilSenBytesPerDay(readings)! / MiB;
    expect(perDay).toBeGreaterThan(9);
    expect(perDay).toBeLessThan(11);
  });

  it('is not dragged by outliers that pull least squares far off', () => {
    const readings = series(7, 10 * MiB, 2 * MiB);
    // A bulk load, deleted and vacuumed away again, near the end; and a sample of a moment-wide dip.
    for (let i = readings.length - 40; i < readings.length - 10; i++) readings[i]!.bytes += 2048 * MiB;
    readings[5]!.bytes -= 400 * MiB;
    const robust = theilSenBytesPerDay(readings)! / MiB;
    expect(robust).toBeGreaterThan(9);
    expect(robust).toBeLessThan(11.5);
    expect(leastSquaresPerDay(readings) / MiB).toBeGreaterThan(40);
  });

  it('thins a long dense history instead of comparing every pair', () => {
    // 30 days a minute apart: 43,201 readings, 933 million pairs if nothing were thinned.
    const readings: Reading[] = [];
    for (let t = 0; t <= 30 * DAY_MS; t += 60_000) readings.push({ t, bytes: (t / DAY_MS) * 3 * MiB });
    expect(theilSenBytesPerDay(readings)! / MiB).toBeCloseTo(3, 6);
  });

  it('has no slope without two readings at different times', () => {
    expect(theilSenBytesPerDay([])).toBeNull();
    expect(theilSenBytesPerDay([{ t: 5, bytes: 1 }])).toBeNull();
  });
});

describe('a rate needs history', () => {
  it('says why there is none: too short a span, then too few samples', () => {
    expect(fitRate([], need)).toEqual({ bytesPerDay: null, noRate: 'no samples yet' });
    expect(fitRate([{ t: 0, bytes: 1 }], need)).toEqual({
      bytesPerDay: null,
      noRate: 'not enough history yet (1 sample; a rate needs 6 h)',
    });
    expect(
      fitRate(
        [
          { t: 0, bytes: 100 },
          { t: 46_000, bytes: 200 },
        ],
        need,
      ),
    ).toEqual({
      bytesPerDay: null,
      noRate: 'not enough history yet (2 samples over 46 s; a rate needs 6 h)',
    });
    expect(
      fitRate(
        [
          { t: 0, bytes: 100 },
          { t: DAY_MS, bytes: 200 },
        ],
        need,
      ),
    ).toEqual({
      bytesPerDay: null,
      noRate: 'not enough history yet (2 samples over 24 h; a rate needs at least 3 samples)',
    });
  });

  it('fits once the readings span the window with enough of them, and tells the window and count', () => {
    const readings = [0, 3, 6].map((h) => ({ t: h * HOUR_MS, bytes: h * MiB }));
    expect(fitRate(readings, need)).toEqual({
      bytesPerDay: 24 * MiB,
      fit: {
        method: 'theil-sen',
        from: new Date(0).toISOString(),
        to: new Date(6 * HOUR_MS).toISOString(),
        spanMs: 6 * HOUR_MS,
        samples: 3,
      },
    });
  });
});
