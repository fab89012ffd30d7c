import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLD_BYTES } from './growth';
import { DAY_MS, GiB, HOUR_MS, MiB, rel, rig, sample, saveMany, T0 } from './test-fixtures';

function* hourly(days: number) {
  for (let t = T0 - days * DAY_MS; t <= T0; t += HOUR_MS) yield t;
}

describe('growth rate and forecast', () => {
  it('fits bytes/day on a linear history and says when the threshold is reached', () => {
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
    const g = r.history.growth(p, undefined, undefined, now);
    expect(g.currentBytes).toBe(30 * GiB);
    expect(g.bytesPerDay).toBeCloseTo(GiB, -2);
    expect(g.basisDays).toBe(7);
    expect(g.thresholdBytes).toBe(DEFAULT_THRESHOLD_BYTES);
    // 20 GiB to go at 1 GiB/day from the latest sample; 2 of those days have passed by `now`.
    expect(Date.parse(g.reachesAt!)).toBeCloseTo(T0 + 20 * DAY_MS, -4);
    expect(g.daysLeft).toBeCloseTo(18, 3);

    const id = r.history.overview(p).relations[0]!.relationId;
    const rg = r.history.growth(p, id, 20 * GiB, now);
    expect(rg.bytesPerDay).toBeCloseTo(GiB / 2, -2);
    expect(rg.currentBytes).toBe(15 * GiB);
    expect(rg.daysLeft).toBeCloseTo(10 - 2, 3);
  });

  it('has no forecast for a flat or shrinking size, nor a rate with fewer than two samples', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.saveSample(p, sample(T0, [], 5 * GiB));
    expect(r.history.growth(p, undefined, undefined, new Date(T0))).toMatchObject({
      currentBytes: 5 * GiB,
      bytesPerDay: null,
      reachesAt: null,
      daysLeft: null,
    });
    r.history.saveSample(p, sample(T0 + DAY_MS, [], 4 * GiB));
    const shrinking = r.history.growth(p, undefined, undefined, new Date(T0 + DAY_MS));
    expect(shrinking.bytesPerDay).toBeCloseTo(-GiB, -2);
    expect(shrinking).toMatchObject({ reachesAt: null, daysLeft: null, basisDays: 1 });

    const q = r.addProfile();
    expect(r.history.growth(q, undefined, undefined, new Date(T0))).toMatchObject({
      currentBytes: null,
      bytesPerDay: null,
    });
  });

  it('falls back to the whole history when the last 7 days hold fewer than two samples', () => {
    const r = rig();
    const p = r.addProfile();
    saveMany(r, p, [
      sample(T0 - 20 * DAY_MS, [], 0),
      sample(T0 - 10 * DAY_MS, [], 10 * MiB),
      sample(T0, [], 20 * MiB),
    ]);
    const g = r.history.growth(p, undefined, undefined, new Date(T0));
    expect(g.basisDays).toBe(20);
    expect(g.bytesPerDay).toBeCloseTo(MiB, 3);
  });

  it('ignores readings of a relation that was not measured, and reports a threshold already passed', () => {
    const r = rig();
    const p = r.addProfile();
    saveMany(r, p, [
      sample(T0 - 2 * DAY_MS, [rel('public.t', 100 * MiB)]),
      sample(T0 - DAY_MS, [rel('public.t', null)]),
      sample(T0, [rel('public.t', 102 * MiB)]),
    ]);
    const id = r.history.overview(p).relations[0]!.relationId;
    const g = r.history.growth(p, id, 101 * MiB, new Date(T0));
    expect(g.bytesPerDay).toBeCloseTo(MiB, 3);
    expect(g).toMatchObject({ currentBytes: 102 * MiB, reachesAt: new Date(T0).toISOString(), daysLeft: 0 });
  });
});
