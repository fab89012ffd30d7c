import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/support/errors';
import { DAY_MS, HOUR_MS, MiB, rel, rig, sample, T0 } from '../../../test/support/history-fixtures';
import type { RelationKind } from '../../shared/storage';
import { AppError } from '../errors';

const tables = ['samples', 'sample_databases', 'relations', 'relation_sizes'];

describe('saveSample', () => {
  it('stores a sample with its databases and relations, and reuses relation ids across samples', () => {
    const r = rig();
    const p = r.addProfile();
    const first = r.history.saveSample(
      p,
      sample(T0 - DAY_MS, [
        rel('public.orders', 100 * MiB, { lastVacuum: '2026-02-27T03:00:00.000Z', rowEstimate: 1234.4 }),
        rel('public.events', 50 * MiB),
      ]),
    );
    const second = r.history.saveSample(
      p,
      sample(T0, [rel('public.orders', 110 * MiB), rel('public.events', 55 * MiB)]),
    );
    expect(second).toBeGreaterThan(first);
    expect(r.count('relations')).toBe(2);
    expect(r.count('relation_sizes')).toBe(4);
    expect(r.count('sample_databases')).toBe(4);

    const o = r.history.overview(p);
    expect(o.latest).toMatchObject({ sampleId: second, databaseName: 'app', durationMs: 120, gaps: [] });
    expect(o.latest!.databases.map((d) => d.name)).toEqual(['app', 'postgres']);
    const orders = o.relations.find((x) => x.name === 'orders')!;
    expect(orders).toMatchObject({ schema: 'public', kind: 'table', measured: true, totalBytes: 110 * MiB });
    // Same dimension row in both samples: 7-day growth is computed against the first one.
    expect(orders.growth7dBytes).toBe(10 * MiB);
    const firstRows = r.db
      .prepare('SELECT relation_id FROM relation_sizes WHERE sample_id = ? ORDER BY relation_id')
      .pluck()
      .all(first);
    const secondRows = r.db
      .prepare('SELECT relation_id FROM relation_sizes WHERE sample_id = ? ORDER BY relation_id')
      .pluck()
      .all(second);
    expect(secondRows).toEqual(firstRows);
    // The vacuum time round-trips as ISO; the float row estimate was rounded for the INTEGER column.
    const stored = r.db
      .prepare(
        'SELECT last_vacuum, row_estimate FROM relation_sizes WHERE sample_id = ? AND row_estimate = 1234',
      )
      .get(first);
    expect(stored).toEqual({ last_vacuum: Date.parse('2026-02-27T03:00:00.000Z'), row_estimate: 1234 });
  });

  it('is one transaction: an invalid row in the middle leaves nothing of that sample behind', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.saveSample(p, sample(T0 - HOUR_MS, [rel('public.orders', 10 * MiB)]));
    const before = Object.fromEntries(tables.map((t) => [t, r.count(t)]));
    const lastSampleAt = r.history.scheduleOf(p).lastSampleAt;

    const relations = [
      rel('public.orders', 11 * MiB),
      rel('public.brand_new_1', MiB),
      rel('public.brand_new_2', MiB),
      // The CHECK on kind refuses this row after several others were written.
      rel('public.broken', MiB, { kind: 'view' as RelationKind }),
      rel('public.brand_new_3', MiB),
    ];
    const err = errorOf(() => r.history.saveSample(p, sample(T0, relations)));
    expect(err.code).toBe('store_error');
    expect(err.detail).toMatch(/CHECK constraint failed/);

    expect(Object.fromEntries(tables.map((t) => [t, r.count(t)]))).toEqual(before);
    expect(r.count('relations', "name LIKE 'brand_new%'")).toBe(0);
    expect(r.history.scheduleOf(p).lastSampleAt).toEqual(lastSampleAt);
    expect(r.history.overview(p).latest!.takenAt).toBe(new Date(T0 - HOUR_MS).toISOString());
  });

  it('is one transaction: a write that fails late (after every size row) also rolls everything back', () => {
    const r = rig();
    const p = r.addProfile();
    // The last statement of the transaction (recording "last sampled") fails, as a full disk would.
    r.db.exec(
      `CREATE TEMP TRIGGER fail_late BEFORE INSERT ON schedules BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`,
    );
    expect(() => r.history.saveSample(p, sample(T0, [rel('public.a', MiB), rel('public.b', MiB)]))).toThrow(
      /could not be stored/,
    );
    for (const t of tables) expect(r.count(t)).toBe(0);
    r.db.exec('DROP TRIGGER fail_late');
    r.history.saveSample(p, sample(T0, [rel('public.a', MiB), rel('public.b', MiB)]));
    expect(r.count('relation_sizes')).toBe(2);
  });

  it('refuses a relation listed twice in one sample, keeping nothing', () => {
    const r = rig();
    const p = r.addProfile();
    expect(() =>
      r.history.saveSample(p, sample(T0, [rel('public.a', MiB), rel('public.a', 2 * MiB)])),
    ).toThrow(AppError);
    for (const t of tables) expect(r.count(t)).toBe(0);
  });

  it('writes parents before their chunks and partitions, whatever order the collector used', () => {
    const r = rig();
    const p = r.addProfile();
    const parent = { schema: 'public', name: 'metrics' };
    r.history.saveSample(
      p,
      sample(T0, [
        rel('_timescaledb_internal._hyper_1_1_chunk', MiB, { kind: 'chunk', parent }),
        rel('_timescaledb_internal._hyper_1_2_chunk', MiB, { kind: 'chunk', parent }),
        rel('public.metrics', 2 * MiB, { kind: 'hypertable', children: 2, compressedChildren: 1 }),
        // A partition whose root the sample does not list still gets a parent row.
        rel('public.logs_2026_03', MiB, { kind: 'partition', parent: { schema: 'public', name: 'logs' } }),
      ]),
    );
    const rows = r.db
      .prepare(
        `SELECT c.name AS child, p.name AS parent, p.kind AS parent_kind FROM relations c
         JOIN relations p ON p.id = c.parent_id ORDER BY c.name`,
      )
      .all();
    expect(rows).toEqual([
      { child: '_hyper_1_1_chunk', parent: 'metrics', parent_kind: 'hypertable' },
      { child: '_hyper_1_2_chunk', parent: 'metrics', parent_kind: 'hypertable' },
      { child: 'logs_2026_03', parent: 'logs', parent_kind: 'partitioned' },
    ]);
  });

  it('keeps a relation id when its kind changes (a table converted into a hypertable)', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.saveSample(p, sample(T0 - DAY_MS, [rel('public.tx', 10 * MiB)]));
    const id = r.db.prepare("SELECT id FROM relations WHERE name = 'tx'").pluck().get();
    r.history.saveSample(p, sample(T0, [rel('public.tx', 12 * MiB, { kind: 'hypertable' })]));
    expect(r.db.prepare("SELECT id, kind FROM relations WHERE name = 'tx'").get()).toEqual({
      id,
      kind: 'hypertable',
    });
    expect(r.history.series(p, id as number, '7d', new Date(T0)).points.map((x) => x.bytes)).toEqual([
      10 * MiB,
      12 * MiB,
    ]);
  });

  it('says clearly when the profile is gone, or when a sample of the same instant is already stored', () => {
    const r = rig();
    expect(errorOf(() => r.history.saveSample('no-such-profile', sample(T0, []))).code).toBe('not_found');
    const p = r.addProfile();
    r.history.saveSample(p, sample(T0, [rel('public.a', MiB)]));
    expect(errorOf(() => r.history.saveSample(p, sample(T0, [rel('public.a', MiB)]))).code).toBe('conflict');
  });

  it('records the stored sample as the last sample of the profile, in the same transaction', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.recordAttempt(p, { at: new Date(T0 - HOUR_MS), ok: false, error: 'connection refused' });
    expect(r.history.scheduleOf(p).lastSampleError).toBe('connection refused');
    r.history.saveSample(p, sample(T0, [rel('public.a', MiB)]));
    expect(r.history.scheduleOf(p)).toMatchObject({ lastSampleAt: new Date(T0), lastSampleError: null });
  });
});

describe('the other databases, sized on their own cadence', () => {
  it('a carried figure keeps the time it was taken; the latest sample tells what is known and since when', () => {
    const r = rig();
    const p = r.addProfile();
    expect(r.history.otherDatabases(p)).toEqual([]);
    r.history.saveSample(p, sample(T0 - HOUR_MS, [rel('public.orders', MiB)]));
    const sizedThen = new Date(T0 - HOUR_MS);
    expect(r.history.otherDatabases(p)).toEqual([{ name: 'postgres', bytes: 7 * MiB, sizedAt: sizedThen }]);

    const between = sample(T0, [rel('public.orders', MiB)]);
    between.databases = [
      { name: 'app', bytes: between.database.bytes },
      { name: 'postgres', bytes: 7 * MiB, sizedAt: sizedThen },
    ];
    r.history.saveSample(p, between);
    expect(r.history.otherDatabases(p)).toEqual([{ name: 'postgres', bytes: 7 * MiB, sizedAt: sizedThen }]);
    const dbs = r.history.overview(p).latest?.databases;
    expect(dbs).toEqual([
      { name: 'app', bytes: between.database.bytes, sizedAt: null },
      { name: 'postgres', bytes: 7 * MiB, sizedAt: sizedThen.toISOString() },
    ]);
  });
});
