import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  GiB,
  HOUR_MS,
  MINUTE_MS,
  MiB,
  rel,
  rig,
  sample,
  saveMany,
  T0,
} from '../../../test/support/history-fixtures';
import { DEFAULT_THRESHOLD_BYTES } from './growth';

function* hourly(days: number) {
  for (let t = T0 - days * DAY_MS; t <= T0; t += HOUR_MS) yield t;
}

const need = { minWindowMs: 6 * HOUR_MS, minSamples: 3 };

describe('growth rate and forecast', () => {
  it('fits bytes/day on a linear history, tells the fit, and says when the threshold is reached', () => {
    const r = rig();
    const p = r.addProfile();
    // 10 GiB growing 1 GiB a day, hourly, for 20 days; the fit uses the last 7.
    const bytesAt = (t: number) => Math.round(10 * GiB + ((t - (T0 - 20 * DAY_MS)) / DAY_MS) * GiB);
    saveMany(
      r,
      p,
      [...hourly(20)].map((t) => sample(t, [rel('public.orders', Math.round(bytesAt(t) / 2))], bytesAt(t))),
    );
    const now = new Date(T0 + 2 * DAY_MS);
    const g = r.history.growth(p, { requirement: need, now });
    expect(g.currentBytes).toBe(30 * GiB);
    expect(g.bytesPerDay).toBeCloseTo(GiB, -2);
    expect(g.fit).toEqual({
      method: 'theil-sen',
      from: new Date(T0 - 7 * DAY_MS).toISOString(),
      to: new Date(T0).toISOString(),
      spanMs: 7 * DAY_MS,
      samples: 7 * 24 + 1,
    });
    expect(g.noRate).toBeNull();
    expect(g.thresholdBytes).toBe(DEFAULT_THRESHOLD_BYTES);
    // 20 GiB to go at 1 GiB/day from the latest sample; 2 of those days have passed by `now`.
    expect(Date.parse(g.reachesAt!)).toBeCloseTo(T0 + 20 * DAY_MS, -4);
    expect(g.daysLeft).toBeCloseTo(18, 3);

    const id = r.history.overview(p).relations[0]!.relationId;
    const rg = r.history.growth(p, { relationId: id, thresholdBytes: 20 * GiB, requirement: need, now });
    expect(rg.bytesPerDay).toBeCloseTo(GiB / 2, -2);
    expect(rg.currentBytes).toBe(15 * GiB);
    expect(rg.daysLeft).toBeCloseTo(10 - 2, 3);
  });

  it('has no rate and no forecast from samples seconds apart, however fast they grew', () => {
    const r = rig();
    const p = r.addProfile();
    saveMany(r, p, [sample(T0 - 46_000, [], 126 * MiB - 50 * MiB), sample(T0, [], 126 * MiB)]);
    expect(r.history.growth(p, { requirement: need, now: new Date(T0) })).toMatchObject({
      currentBytes: 126 * MiB,
      bytesPerDay: null,
      fit: null,
      requirement: need,
      noRate: 'not enough history yet (2 samples over 46 s; a rate needs 6 h)',
      reachesAt: null,
      daysLeft: null,
    });
    // Many samples a minute apart are still not 6 hours.
    for (let t = T0 + MINUTE_MS; t <= T0 + 30 * MINUTE_MS; t += MINUTE_MS) {
      r.history.saveSample(p, sample(t, [], 126 * MiB + (t - T0)));
    }
    expect(r.history.growth(p, { requirement: need, now: new Date(T0 + HOUR_MS) }).noRate).toBe(
      'not enough history yet (32 samples over 31 min; a rate needs 6 h)',
    );
  });

  it('has no forecast for a flat or shrinking size, nor a rate with too few samples', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.saveSample(p, sample(T0, [], 5 * GiB));
    expect(r.history.growth(p, { requirement: need, now: new Date(T0) })).toMatchObject({
      currentBytes: 5 * GiB,
      bytesPerDay: null,
      noRate: 'not enough history yet (1 sample; a rate needs 6 h)',
      reachesAt: null,
      daysLeft: null,
    });
    r.history.saveSample(p, sample(T0 + DAY_MS, [], 4 * GiB));
    expect(r.history.growth(p, { requirement: need, now: new Date(T0 + DAY_MS) }).noRate).toBe(
      'not enough history yet (2 samples over 24 h; a rate needs at least 3 samples)',
    );
    r.history.saveSample(p, sample(T0 + 2 * DAY_MS, [], 3 * GiB));
    const shrinking = r.history.growth(p, { requirement: need, now: new Date(T0 + 2 * DAY_MS) });
    expect(shrinking.bytesPerDay).toBeCloseTo(-GiB, -2);
    expect(shrinking).toMatchObject({
      reachesAt: null,
      daysLeft: null,
      fit: { spanMs: 2 * DAY_MS, samples: 3 },
    });

    const q = r.addProfile();
    expect(r.history.growth(q, { requirement: need, now: new Date(T0) })).toMatchObject({
      currentBytes: null,
      bytesPerDay: null,
      noRate: 'no samples yet',
    });
  });

  it('falls back to the whole history when the last 7 days do not hold enough', () => {
    const r = rig();
    const p = r.addProfile();
    saveMany(r, p, [
      sample(T0 - 20 * DAY_MS, [], 0),
      sample(T0 - 10 * DAY_MS, [], 10 * MiB),
      sample(T0, [], 20 * MiB),
    ]);
    const g = r.history.growth(p, { requirement: need, now: new Date(T0) });
    expect(g.fit).toMatchObject({ spanMs: 20 * DAY_MS, samples: 3 });
    expect(g.bytesPerDay).toBeCloseTo(MiB, 3);
  });

  it('ignores readings of a relation that was not measured, and reports a threshold already passed', () => {
    const r = rig();
    const p = r.addProfile();
    saveMany(r, p, [
      sample(T0 - 2 * DAY_MS, [rel('public.t', 100 * MiB)]),
      sample(T0 - DAY_MS, [rel('public.t', null)]),
      sample(T0 - HOUR_MS, [rel('public.t', 101 * MiB)]),
      sample(T0, [rel('public.t', 102 * MiB)]),
    ]);
    const id = r.history.overview(p).relations[0]!.relationId;
    const g = r.history.growth(p, {
      relationId: id,
      thresholdBytes: 101 * MiB,
      requirement: need,
      now: new Date(T0),
    });
    // Three measured readings, the unmeasured one left out (never read as zero).
    expect(g.fit).toMatchObject({ samples: 3, spanMs: 2 * DAY_MS });
    expect(g.bytesPerDay! / MiB).toBeGreaterThan(0.9);
    expect(g).toMatchObject({ currentBytes: 102 * MiB, reachesAt: new Date(T0).toISOString(), daysLeft: 0 });
  });
});
