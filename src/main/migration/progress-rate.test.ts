import { describe, expect, it } from 'vitest';
import { MIN_SPAN_MS, type ProgressSample, progressRate, pushSample } from './progress-rate';

const feed = (points: Array<[number, number]>, windowMs?: number): ProgressSample[] =>
  points.reduce<ProgressSample[]>((s, [atMs, rows]) => pushSample(s, { atMs, rows }, windowMs), []);

describe('copy rate and time left over a window', () => {
  it('says nothing from no samples, one sample, or a first batch right after the start', () => {
    expect(progressRate([], 100)).toEqual({ rate: null, etaSeconds: null });
    expect(progressRate(feed([[0, 0]]), 100)).toEqual({ rate: null, etaSeconds: null });
    // The old runner divided one batch by the microseconds since its own report: 328137818 rows/s.
    expect(
      progressRate(
        feed([
          [0, 0],
          [0.06, 20_000],
        ]),
        20_000,
      ),
    ).toEqual({ rate: null, etaSeconds: null });
    expect(
      progressRate(
        feed([
          [0, 0],
          [MIN_SPAN_MS - 1, 20_000],
        ]),
        40_000,
      ).rate,
    ).toBeNull();
  });

  it('a tiny table copied in one batch gets no rate and no "0 s left"', () => {
    const r = progressRate(
      feed([
        [0, 0],
        [150, 20_000],
      ]),
      20_000,
    );
    expect(r).toEqual({ rate: null, etaSeconds: null });
  });

  it('gives rows per second over the span, and the time left at that rate', () => {
    const r = progressRate(
      feed([
        [0, 0],
        [1_000, 10_000],
        [2_000, 20_000],
        [4_000, 40_000],
      ]),
      100_000,
    );
    expect(r.rate).toBeCloseTo(10_000);
    expect(r.etaSeconds).toBe(6);
  });

  it('does not divide by zero when nothing moved', () => {
    expect(
      progressRate(
        feed([
          [0, 500],
          [5_000, 500],
        ]),
        1_000,
      ),
    ).toEqual({ rate: null, etaSeconds: null });
  });

  it('keeps only the window: a copy that slowed down shows its new rate', () => {
    const points: Array<[number, number]> = [];
    for (let t = 0; t <= 60_000; t += 1_000) points.push([t, t * 100]); // 100k rows/s for a minute
    const start = 60_000 * 100;
    for (let t = 61_000; t <= 120_000; t += 1_000) points.push([t, start + (t - 60_000) * 10]); // then 10k rows/s
    const rows = start + 60_000 * 10;
    const samples = feed(points, 30_000);
    expect(samples[0]!.atMs).toBeGreaterThanOrEqual(90_000);
    expect(progressRate(samples, rows + 100_000).rate).toBeCloseTo(10_000);
    expect(progressRate(samples, rows + 100_000).etaSeconds).toBe(10);
  });

  it('keeps the last sample before the window edge so the window is covered', () => {
    const samples = feed(
      [
        [0, 0],
        [10_000, 1],
        [50_000, 2],
      ],
      30_000,
    );
    expect(samples.map((s) => s.atMs)).toEqual([10_000, 50_000]);
  });

  it('says no time left figure once the estimate is exceeded, and never less than 1 s before the end', () => {
    expect(
      progressRate(
        feed([
          [0, 0],
          [3_000, 30_000],
        ]),
        20_000,
      ),
    ).toEqual({ rate: 10_000, etaSeconds: null });
    expect(
      progressRate(
        feed([
          [0, 0],
          [3_000, 30_000],
        ]),
        30_001,
      ).etaSeconds,
    ).toBe(1);
  });
});
