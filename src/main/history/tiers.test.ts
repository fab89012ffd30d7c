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
import { relationPageRequestSchema } from '../../shared/storage';

type Row = { relation_id: number; taken_at: number; total_bytes: number | null; dead_tuples: number | null };
const rowsOf = (r: ReturnType<typeof rig>, where = '1') =>
  r.db
    .prepare(
      `SELECT relation_id, taken_at, total_bytes, dead_tuples FROM relation_sizes WHERE ${where} ORDER BY 1, 2`,
    )
    .all() as Row[];

describe('compact format', () => {
  it('stores unchanged figures once, reads every sample back complete, keeps "not measured" apart', () => {
    const r = rig();
    const p = r.addProfile();
    const at = (n: number) => T0 - (20 - n) * 15 * MINUTE_MS;
    saveMany(
      r,
      p,
      Array.from({ length: 20 }, (_, n) =>
        sample(at(n), [
          rel('public.idle', 10 * MiB),
          rel('public.busy', (20 + n) * MiB, { deadTuples: n }),
          // Locked in samples 5 and 6: not measured, never a size.
          rel('public.locked', n === 5 || n === 6 ? null : 5 * MiB),
          // Missing from samples 10-12 (dropped and created again): no row for those.
          ...(n >= 10 && n <= 12 ? [] : [rel('public.back', MiB)]),
        ]),
      ),
    );
    const id = (name: string) =>
      r.db.prepare('SELECT id FROM relations WHERE name = ?').pluck().get(name) as number;
    expect(r.count('relation_sizes')).toBe(20 * 4 - 3);
    expect(r.count('relation_runs', `relation_id = ${id('idle')}`)).toBe(1);
    expect(r.count('relation_runs', `relation_id = ${id('busy')}`)).toBe(20);
    expect(r.count('relation_runs', `relation_id = ${id('locked')}`)).toBe(3);
    expect(r.count('relation_runs', `relation_id = ${id('back')}`)).toBe(2);
    expect(rowsOf(r, `relation_id = ${id('idle')}`).map((x) => x.total_bytes)).toEqual(
      Array(20).fill(10 * MiB),
    );
    expect(rowsOf(r, `relation_id = ${id('locked')}`).map((x) => x.total_bytes)).toEqual(
      Array.from({ length: 20 }, (_, n) => (n === 5 || n === 6 ? null : 5 * MiB)),
    );
    expect(rowsOf(r, `relation_id = ${id('back')}`).map((x) => x.taken_at)).toEqual(
      Array.from({ length: 20 }, (_, n) => at(n)).filter((_, n) => n < 10 || n > 12),
    );
    // Dead tuples on their own cadence: at most one stored per hour; a sample reads the latest at or before it.
    const busy = rowsOf(r, `relation_id = ${id('busy')}`);
    expect(busy.map((x) => x.total_bytes)).toEqual(Array.from({ length: 20 }, (_, n) => (20 + n) * MiB));
    expect(busy.map((x) => x.dead_tuples)).toEqual(Array.from({ length: 20 }, (_, n) => n - (n % 4)));
  });

  it('keeps the readings of a sample stored out of order', () => {
    const r = rig();
    const p = r.addProfile();
    saveMany(r, p, [
      sample(T0 - 2 * HOUR_MS, [rel('public.a', MiB), rel('public.b', MiB)]),
      sample(T0, [rel('public.a', MiB), rel('public.b', MiB)]),
      sample(T0 - HOUR_MS, [rel('public.a', 2 * MiB)]),
    ]);
    expect(rowsOf(r).map((x) => [x.taken_at - T0, x.total_bytes])).toEqual([
      [-2 * HOUR_MS, MiB],
      [-HOUR_MS, 2 * MiB],
      [0, MiB],
      [-2 * HOUR_MS, MiB],
      [0, MiB],
    ]);
    // The latest sample's list still reads each relation's newest run, the one that ends at it.
    expect(r.count('relation_runs', `is_newest = 1 AND last_at = ${T0}`)).toBe(2);
    expect(r.count('relation_runs', 'is_newest = 1')).toBe(2);
    const list = r.history.relationPage(p, relationPageRequestSchema.parse({})).rows;
    expect(list.map((x) => [x.name, x.totalBytes])).toEqual([
      ['a', MiB],
      ['b', MiB],
    ]);
  });
});

describe('downsampling', () => {
  it('keeps the last sample per tier bucket, and every kept sample reads back as before', async () => {
    const r = rig();
    const p = r.addProfile();
    // Every 5 minutes for 40 days; one busy table and one idle one.
    const samples = [];
    for (let t = T0 - 40 * DAY_MS; t <= T0; t += 5 * MINUTE_MS) {
      const n = (t - (T0 - 40 * DAY_MS)) / (5 * MINUTE_MS);
      samples.push(
        sample(t, [rel('public.busy', MiB + n * 8192, { deadTuples: n }), rel('public.idle', MiB)]),
      );
    }
    saveMany(r, p, samples);
    const before = rowsOf(r);
    const runsBefore = r.count('relation_runs');

    const pauses: number[] = [];
    const result = await r.history.downsample(new Date(T0), {
      batchSamples: 500,
      pause: async () => {
        pauses.push(r.count('samples'));
      },
    });
    expect(result.batches).toBe(pauses.length + 1);
    expect(result.batches).toBeGreaterThan(10);

    const kept = r.db.prepare('SELECT taken_at FROM samples ORDER BY taken_at').pluck().all() as number[];
    const age = (t: number) => T0 - t;
    // Daily beyond 30 days (last sample of each UTC day), hourly to 30 days, every 15 minutes for 7 days.
    expect(kept.filter((t) => age(t) > 30 * DAY_MS).every((t) => (t + 5 * MINUTE_MS) % DAY_MS === 0)).toBe(
      true,
    );
    expect(kept.filter((t) => age(t) > 7 * DAY_MS && age(t) < 30 * DAY_MS - HOUR_MS).length).toBe(
      23 * 24 - 1,
    );
    expect(kept.filter((t) => age(t) < 7 * DAY_MS - HOUR_MS && age(t) > 0).length).toBe((7 * 24 - 1) * 4);
    expect(kept.at(-1)).toBe(T0);

    // What remains reads back exactly as it was stored.
    const keptSet = new Set(kept);
    expect(rowsOf(r)).toEqual(before.filter((x) => keptSet.has(x.taken_at)));
    expect(result.samples).toBe(before.length / 2 - kept.length);
    // Runs and upkeep rows that no kept sample reads are gone; runs start at a kept sample.
    expect(r.count('relation_runs')).toBeLessThan(runsBefore / 3);
    expect(r.count('relation_runs', `from_at NOT IN (SELECT taken_at FROM samples)`)).toBe(0);
    expect(r.count('relation_upkeep')).toBeLessThanOrEqual(kept.length + 1);

    // Nothing left to do; the idle table is still one run.
    expect(await r.history.downsample(new Date(T0))).toMatchObject({ samples: 0, batches: 1 });
    expect(r.count('relation_runs', "relation_id = (SELECT id FROM relations WHERE name = 'idle')")).toBe(1);
  });

  it('follows the tiers in the settings', async () => {
    const r = rig();
    const p = r.addProfile();
    const samples = [];
    for (let t = T0 - 3 * DAY_MS; t <= T0; t += 10 * MINUTE_MS)
      samples.push(sample(t, [rel('public.a', MiB)]));
    saveMany(r, p, samples);
    r.history.settings.update({
      sampleRetentionDays: 90,
      heartbeatRetentionDays: 60,
      tierFineMinutes: 30,
      tierFineDays: 1,
      tierHourlyDays: 2,
    });
    await r.history.downsample(new Date(T0));
    const kept = r.db.prepare('SELECT taken_at FROM samples ORDER BY taken_at').pluck().all() as number[];
    const within = (from: number, to: number) => kept.filter((t) => T0 - t >= from && T0 - t < to).length;
    expect(within(0, DAY_MS)).toBe(48 + 1);
    expect(within(DAY_MS + HOUR_MS, 2 * DAY_MS - HOUR_MS)).toBe(22);
    expect(within(2 * DAY_MS + DAY_MS / 2, 4 * DAY_MS)).toBe(1);
  });
});
