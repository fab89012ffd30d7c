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
import { AppError } from '../errors';

const hyper = { schema: 'public', name: 'metrics' };
const root = { schema: 'public', name: 'logs' };

function withPieces(at: number, grow = 0) {
  return sample(at, [
    rel('public.orders', 100 * MiB + grow),
    rel('public.metrics', 40 * MiB, { kind: 'hypertable', children: 2, compressedChildren: 1 }),
    rel('_timescaledb_internal._hyper_1_1_chunk', 30 * MiB, { kind: 'chunk', parent: hyper }),
    rel('_timescaledb_internal._hyper_1_2_chunk', 10 * MiB, { kind: 'chunk', parent: hyper }),
    rel('public.logs', 20 * MiB, { kind: 'partitioned', children: 2 }),
    rel('public.logs_2026_02', 15 * MiB, { kind: 'partition', parent: root }),
    rel('public.logs_2026_03', 5 * MiB, { kind: 'partition', parent: root }),
    rel('public.daily_totals', MiB, { kind: 'matview' }),
  ]);
}

describe('storage overview', () => {
  it('leaves the relations out when asked (the Storage page reads them in windows)', () => {
    const r = rig();
    const p = r.addProfile();
    saveMany(r, p, [withPieces(T0 - DAY_MS), withPieces(T0, 5 * MiB)]);
    const o = r.history.overview(p, { relations: false });
    expect(o.relations).toEqual([]);
    expect(o.latest?.databaseBytes).toBe(r.history.overview(p).latest?.databaseBytes);
  });
  it('lists only top-level relations; chunks and partitions appear only on drill-down', () => {
    const r = rig();
    const p = r.addProfile();
    saveMany(r, p, [withPieces(T0 - DAY_MS), withPieces(T0, 5 * MiB)]);
    const o = r.history.overview(p);
    expect(o.relations.map((x) => `${x.name}:${x.kind}`)).toEqual([
      'orders:table',
      'metrics:hypertable',
      'logs:partitioned',
      'daily_totals:matview',
    ]);
    expect(o.relations.every((x) => x.parentId === null)).toBe(true);

    const metrics = o.relations.find((x) => x.name === 'metrics')!;
    expect(metrics).toMatchObject({ children: 2, compressedChildren: 1 });
    const chunks = r.history.children(p, metrics.relationId);
    expect(chunks.map((c) => c.name)).toEqual(['_hyper_1_1_chunk', '_hyper_1_2_chunk']);
    expect(chunks.every((c) => c.kind === 'chunk' && c.parentId === metrics.relationId)).toBe(true);
    const logs = o.relations.find((x) => x.name === 'logs')!;
    expect(r.history.children(p, logs.relationId).map((c) => c.name)).toEqual([
      'logs_2026_02',
      'logs_2026_03',
    ]);
    // The top growers never list a chunk either.
    expect(r.history.topGrowers(p, '7d', 10).map((g) => g.name)).toEqual(['orders']);
  });

  it('answers an unknown profile or a relation of another profile with a clear not-found', () => {
    const r = rig();
    const a = r.addProfile();
    const b = r.addProfile();
    r.history.saveSample(a, withPieces(T0));
    const orders = r.history.overview(a).relations[0]!.relationId;
    for (const call of [
      () => r.history.overview('nope'),
      () => r.history.children(b, orders),
      () => r.history.children(a, 999_999),
      () => r.history.series(b, orders, '7d'),
      () => r.history.growth(b, { relationId: orders }),
    ]) {
      expect(call).toThrow(AppError);
      try {
        call();
      } catch (err) {
        expect((err as AppError).code).toBe('not_found');
      }
    }
    expect(r.history.overview(b)).toMatchObject({
      latest: null,
      relations: [],
      status: { state: 'unknown' },
    });
  });

  it('computes the change over 24 h and 7 d against the sample nearest to that time', () => {
    const r = rig();
    const p = r.addProfile();
    const db = (at: number, bytes: number) => sample(at, [], bytes);
    saveMany(r, p, [
      db(T0 - 8 * DAY_MS, 500),
      db(T0 - 7 * DAY_MS - HOUR_MS, 600), // nearest before 7 d ago
      db(T0 - DAY_MS - 2 * HOUR_MS, 800),
      db(T0 - DAY_MS + HOUR_MS, 850), // 1 h after 24 h ago: nearer than 2 h before (schedule jitter)
      db(T0, 1000),
    ]);
    const latest = r.history.overview(p).latest!;
    expect(latest.databaseBytes).toBe(1000);
    // Each change carries the span it is really computed over.
    expect(latest.change24h).toEqual({ bytes: 150, pct: (150 / 850) * 100, spanMs: DAY_MS - HOUR_MS });
    expect(latest.change7d).toEqual({ bytes: 400, pct: (400 / 600) * 100, spanMs: 7 * DAY_MS + HOUR_MS });
  });

  it('has no change over 24 h or 7 d without a sample from about then', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.saveSample(p, sample(T0 - 10 * MINUTE_MS, [rel('public.orders', 100 * MiB)], 1000));
    r.history.saveSample(p, sample(T0, [rel('public.orders', 101 * MiB)], 1100));
    const o = r.history.overview(p);
    expect(o.latest).toMatchObject({ change24h: null, change7d: null });
    // 7-day growth of a relation is "growth within the last 7 days of history": known after two
    // samples, and it says over how long (10 min, not 7 days).
    expect(o.relations[0]).toMatchObject({ growth7dBytes: MiB, growth7dSpanMs: 10 * MINUTE_MS });
    expect(r.history.topGrowers(p, '7d', 10)).toEqual([
      expect.objectContaining({ name: 'orders', growthBytes: MiB, spanMs: 10 * MINUTE_MS }),
    ]);

    // A sample 30 days old is too stale to stand for "7 days ago".
    const q = r.addProfile();
    r.history.saveSample(q, sample(T0 - 30 * DAY_MS, [], 10));
    r.history.saveSample(q, sample(T0, [], 20));
    expect(r.history.overview(q).latest).toMatchObject({ change24h: null, change7d: null });
  });

  it('shows a relation not measured this time with null sizes and unknown growth, never zero', () => {
    const r = rig();
    const p = r.addProfile();
    saveMany(r, p, [
      sample(T0 - 7 * DAY_MS, [rel('public.orders', 100 * MiB), rel('public.locked', 50 * MiB)]),
      sample(T0, [rel('public.orders', 120 * MiB), rel('public.locked', null)]),
    ]);
    const locked = r.history.overview(p).relations.find((x) => x.name === 'locked')!;
    expect(locked).toMatchObject({
      measured: false,
      notMeasured: expect.stringMatching(/locked/),
      totalBytes: null,
      heapBytes: null,
      growth7dBytes: null,
      growth7dSpanMs: null,
    });
    const orders = r.history.overview(p).relations.find((x) => x.name === 'orders')!;
    expect(orders).toMatchObject({ growth7dBytes: 20 * MiB, growth7dSpanMs: 7 * DAY_MS });
  });

  it('reports reachability from the heartbeat and the last sample, error included', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.saveSample(p, sample(T0 - DAY_MS, [rel('public.orders', MiB)]));
    r.history.recordBeat(p, { at: new Date(T0 - 10 * MINUTE_MS), ok: true, latencyMs: 4, message: null });
    r.history.recordBeat(p, {
      at: new Date(T0 - 5 * MINUTE_MS),
      ok: false,
      latencyMs: null,
      message: 'ECONNREFUSED',
    });
    r.history.recordBeat(p, { at: new Date(T0), ok: false, latencyMs: null, message: 'ECONNREFUSED' });
    r.history.recordAttempt(p, { at: new Date(T0 - MINUTE_MS), ok: false, error: 'connection refused' });
    expect(r.history.overview(p).status).toEqual({
      state: 'down',
      since: new Date(T0 - 5 * MINUTE_MS).toISOString(),
      lastCheckAt: new Date(T0).toISOString(),
      lastSampleAt: new Date(T0 - DAY_MS).toISOString(),
      lastSampleError: 'connection refused',
      message: 'ECONNREFUSED',
    });
  });
});

describe('top growers', () => {
  it('ranks by absolute growth with %, against the measured size nearest to the window start', () => {
    const r = rig();
    const p = r.addProfile();
    saveMany(r, p, [
      sample(T0 - 8 * DAY_MS, [
        rel('public.a', 10 * MiB),
        rel('public.b', 100 * MiB),
        rel('public.c', 10 * MiB),
      ]),
      // 7 d before the latest: b is locked, so its baseline is the nearest measured one (8 d ago).
      sample(T0 - 7 * DAY_MS, [rel('public.a', 20 * MiB), rel('public.b', null), rel('public.c', 10 * MiB)]),
      sample(T0 - DAY_MS, [
        rel('public.a', 30 * MiB),
        rel('public.b', 150 * MiB),
        rel('public.c', 9 * MiB),
        rel('public.d', 0),
      ]),
      sample(T0, [
        rel('public.a', 40 * MiB),
        rel('public.b', 160 * MiB),
        rel('public.c', 8 * MiB),
        rel('public.d', 0),
        rel('public.new_table', MiB),
      ]),
    ]);
    const growers = r.history.topGrowers(p, '7d', 10);
    expect(growers).toEqual([
      expect.objectContaining({
        name: 'b',
        fromBytes: 100 * MiB,
        toBytes: 160 * MiB,
        growthBytes: 60 * MiB,
        growthPct: 60,
        spanMs: 8 * DAY_MS,
      }),
      expect.objectContaining({
        name: 'a',
        fromBytes: 20 * MiB,
        toBytes: 40 * MiB,
        growthBytes: 20 * MiB,
        growthPct: 100,
      }),
    ]);
    expect(r.history.topGrowers(p, '24h', 1).map((g) => [g.name, g.growthBytes])).toEqual([['a', 10 * MiB]]);
  });

  it('leaves out a relation not measured in the latest sample instead of counting it as no growth', () => {
    const r = rig();
    const p = r.addProfile();
    saveMany(r, p, [
      sample(T0 - DAY_MS, [rel('public.a', 10 * MiB), rel('public.locked', 10 * MiB)]),
      sample(T0, [rel('public.a', 11 * MiB), rel('public.locked', null)]),
    ]);
    expect(r.history.topGrowers(p, '24h', 10).map((g) => g.name)).toEqual(['a']);
  });
});
