import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  MiB,
  rel,
  rig,
  sample,
  saveMany,
  T0,
} from '../../../test/support/history-fixtures';
import type { Series } from '../../shared/storage';
import { bucketMsFor, insertGaps } from './downsample';

const nulls = (s: Series) => s.points.filter((p) => p.bytes === null);
const now = new Date(T0);

function* every(stepMs: number, from: number, to: number, skip?: [number, number]) {
  for (let t = from; t <= to; t += stepMs) {
    if (skip && t > skip[0] && t < skip[1]) continue;
    yield t;
  }
}

describe('chart series', () => {
  it('stays under ~1000 points for 90 days of hourly samples and draws a gap only where the laptop was off', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.schedules.set(p, { storage: 'hourly', heartbeatSeconds: 60 });
    const off: [number, number] = [T0 - 40 * DAY_MS, T0 - 38 * DAY_MS];
    const times = [...every(HOUR_MS, T0 - 90 * DAY_MS, T0, off)];
    saveMany(
      r,
      p,
      times.map((t, i) => sample(t, [rel('public.orders', MiB + i * 1000)], 1_000_000 + i)),
    );
    const orders = r.history.overview(p).relations[0]!.relationId;

    for (const s of [r.history.series(p, undefined, '90d', now), r.history.series(p, orders, '90d', now)]) {
      expect(s.points.length).toBeLessThanOrEqual(1000);
      expect(s.points.length).toBeGreaterThan(800);
      expect(s.to - s.from).toBe(90 * DAY_MS);
      expect(s.bucketMs).toBe(bucketMsFor(90 * DAY_MS));
      // Exactly one null, inside the two days without samples.
      expect(nulls(s)).toHaveLength(1);
      expect(nulls(s)[0]!.t).toBeGreaterThan(off[0]);
      expect(nulls(s)[0]!.t).toBeLessThan(off[1]);
      // Times ascend, and every value is a real reading at its real time.
      const ts = s.points.map((x) => x.t);
      expect(ts).toEqual([...ts].sort((a, b) => a - b));
      for (const point of s.points.filter((x) => x.bytes !== null)) expect(times).toContain(point.t);
      expect(s.points.at(-1)).toMatchObject({ t: T0 });
    }

    // The same history at finer ranges: every sample is its own point, still one gap at most.
    const week = r.history.series(p, undefined, '7d', now);
    expect(nulls(week)).toHaveLength(0);
    expect(week.points.filter((x) => x.t >= week.from)).toHaveLength(7 * 24 + 1);
  });

  it('draws no false gaps when buckets are narrower than the sampling interval (daily samples in 24 h / 7 d)', () => {
    const r = rig();
    const p = r.addProfile();
    const dailyAt3 = Date.UTC(2026, 2, 1, 3, 0, 0);
    saveMany(
      r,
      p,
      [...every(DAY_MS, dailyAt3 - 60 * DAY_MS, dailyAt3)].map((t, i) =>
        sample(t, [rel('public.a', MiB * (i + 1))]),
      ),
    );
    const day = r.history.series(p, undefined, '24h', now);
    // The sample at 03:00 today plus yesterday's (just before the range) so the chart draws a line.
    expect(day.points.map((x) => x.t)).toEqual([dailyAt3 - DAY_MS, dailyAt3]);
    expect(nulls(day)).toHaveLength(0);
    for (const range of ['7d', '30d', '90d', 'all'] as const) {
      expect(nulls(r.history.series(p, undefined, range, now))).toHaveLength(0);
    }
    const all = r.history.series(p, undefined, 'all', now);
    expect(all.from).toBe(dailyAt3 - 60 * DAY_MS);
    expect(all.points).toHaveLength(61);
  });

  it('draws no false gaps for frequent samples downsampled over 90 days', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.schedules.set(p, { storage: 'every 10m', heartbeatSeconds: 60 });
    const times = [...every(10 * MINUTE_MS, T0 - 90 * DAY_MS, T0)];
    saveMany(
      r,
      p,
      times.map((t) => sample(t, [], 1000)),
    );
    const s = r.history.series(p, undefined, '90d', now);
    expect(times.length).toBeGreaterThan(12_000);
    expect(s.points.length).toBeLessThanOrEqual(1000);
    expect(nulls(s)).toHaveLength(0);
  });

  it('does not break the line for a schedule change or an extra "Sample now", but does for two days off', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.schedules.set(p, { storage: 'hourly', heartbeatSeconds: 60 });
    const daily = [...every(DAY_MS, T0 - 80 * DAY_MS, T0 - 20 * DAY_MS)];
    const manual = [T0 - 50 * DAY_MS + 5 * MINUTE_MS, T0 - 49 * DAY_MS + 2 * HOUR_MS];
    const hourly = [...every(HOUR_MS, T0 - 20 * DAY_MS + HOUR_MS, T0, [T0 - 6 * DAY_MS, T0 - 4 * DAY_MS])];
    saveMany(
      r,
      p,
      [...daily, ...manual, ...hourly].sort((a, b) => a - b).map((t) => sample(t, [], 1000)),
    );
    for (const range of ['90d', '30d', 'all'] as const) {
      const s = r.history.series(p, undefined, range, now);
      expect(nulls(s).map((x) => x.t > T0 - 6 * DAY_MS && x.t < T0 - 4 * DAY_MS)).toEqual([true]);
    }
  });

  it('draws no gap between "Sample now" presses seconds apart, and exports exactly the samples taken', () => {
    const r = rig();
    const p = r.addProfile();
    // The default schedule (daily 03:00): the sample at creation, then two presses 20 s and 22 s later.
    const times = [T0 - 22_000, T0 - 2_000, T0];
    saveMany(
      r,
      p,
      times.map((t, i) => sample(t, [rel('public.orders', MiB + i * 1000)], 1_000_000 + i)),
    );
    const orders = r.history.overview(p).relations[0]!.relationId;
    for (const relationId of [undefined, orders]) {
      const s = r.history.series(p, relationId, 'all', now);
      expect(nulls(s)).toHaveLength(0);
      expect(s.points.map((x) => x.t)).toEqual(times);
      const exported = r.history.readings(p, relationId, 'all', now);
      expect(exported.readings.map((x) => x.t)).toEqual(times);
      expect(exported.readings.every((x) => x.bytes !== null)).toBe(true);
    }
  });

  it('gives a relation not measured this time a null point, never zero', () => {
    const r = rig();
    const p = r.addProfile();
    saveMany(
      r,
      p,
      [...every(HOUR_MS, T0 - DAY_MS, T0)].map((t, i) =>
        sample(t, [rel('public.locked', i === 12 ? null : MiB * (i + 1)), rel('public.other', MiB)]),
      ),
    );
    const id = r.history.overview(p).relations.find((x) => x.name === 'locked')!.relationId;
    const s = r.history.series(p, id, '24h', now);
    const at = T0 - 12 * HOUR_MS;
    expect(s.points.find((x) => x.t === at)).toEqual({ t: at, bytes: null });
    expect(s.points.some((x) => x.bytes === 0)).toBe(false);
    expect(nulls(s)).toHaveLength(1);
    // 25 samples in 90 days are each drawn (never bucketed away), the unmeasured one included.
    const wide = r.history.series(p, id, '90d', now);
    expect(wide.points).toHaveLength(25);
    expect(nulls(wide)).toHaveLength(1);
  });

  it('prefers a measured reading over an unmeasured one when samples share a bucket', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.schedules.set(p, { storage: 'every 30m', heartbeatSeconds: 60 });
    const times = [...every(30 * MINUTE_MS, T0 - 90 * DAY_MS, T0)];
    saveMany(
      r,
      p,
      times.map((t, i) => sample(t, [rel('public.locked', i === 2000 ? null : MiB + i)])),
    );
    const id = r.history.overview(p).relations[0]!.relationId;
    const wide = r.history.series(p, id, '90d', now);
    expect(wide.points.length).toBeLessThanOrEqual(1000);
    expect(nulls(wide)).toHaveLength(0);
  });

  it('is empty, not an error, for a profile without samples', () => {
    const r = rig();
    const p = r.addProfile();
    expect(r.history.series(p, undefined, 'all', now)).toEqual({
      from: T0,
      to: T0,
      bucketMs: 1000,
      points: [],
    });
    expect(r.history.series(p, undefined, '24h', now).points).toEqual([]);
  });
});

describe('gap detection', () => {
  const pt = (t: number) => ({ t, v: 1 as number | null });
  const gapsIn = (ts: number[], span: number) =>
    insertGaps(ts.map(pt), span, bucketMsFor(span), HOUR_MS, (t) => ({ t, v: null })).filter(
      (x) => x.v === null,
    );

  it('marks a silence much longer than the spacing around it, once', () => {
    const hourly = [0, 1, 2, 3, 50, 51, 52, 53].map((h) => h * HOUR_MS);
    expect(gapsIn(hourly, 7 * DAY_MS)).toHaveLength(1);
    // A lone sample between two silences (laptop opened briefly): both silences are gaps.
    const lone = [0, 1, 2, 3, 50, 100, 101, 102, 103].map((h) => h * HOUR_MS);
    expect(gapsIn(lone, 7 * DAY_MS)).toHaveLength(2);
  });

  it('never calls a silence a gap while the schedule had no sample due (daily, with "Sample now" seconds apart)', () => {
    const due = DAY_MS;
    const pressed = [0, 4_000, 46_000, 50_000, 3 * HOUR_MS].map((t) => pt(t));
    const span = 3 * HOUR_MS;
    const nullsOf = (dueEvery: number) =>
      insertGaps(pressed, span, bucketMsFor(span), dueEvery, (t) => ({ t, v: null })).filter(
        (x) => x.v === null,
      );
    expect(nullsOf(due)).toHaveLength(0);
    // The same points under a 15-minute schedule: three hours without a sample is a gap.
    expect(nullsOf(15 * MINUTE_MS)).toHaveLength(1);
    // Two samples are enough to have a gap between them.
    const two = [pt(0), pt(2 * DAY_MS)];
    expect(
      insertGaps(two, 7 * DAY_MS, bucketMsFor(7 * DAY_MS), HOUR_MS, (t) => ({ t, v: null })).filter(
        (x) => x.v === null,
      ),
    ).toHaveLength(1);
  });

  it('ignores gaps narrower than 1% of the range', () => {
    const nightly = [0, 1, 2, 3, 12, 13, 14, 15].map((h) => h * HOUR_MS);
    expect(gapsIn(nightly, 90 * DAY_MS)).toHaveLength(0);
    expect(gapsIn(nightly, DAY_MS)).toHaveLength(1);
  });
});
