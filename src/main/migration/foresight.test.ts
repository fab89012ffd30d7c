import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import {
  type Engine,
  PROFILE,
  plan,
  runToEnd,
  startEngine,
  why,
} from '../../../test/support/migration-engine';
import { withTimescale } from '../../../test/support/timescale';
import type { MigrationTarget, PreflightReport } from '../../shared/migration';
import { probeServer } from '../postgres/server-facts';
import { findTableOid, readTable, timeColumnsOf, withCatalogPath } from './catalog';
import { readObjects } from './dependents';
import { foresee } from './foresight';

/**
 * What would fail after the copy is a STOP before it: NULL times under a key
 * that gets the time column, infinite times, NOT VALID constraints that rows
 * break. Each STOP's query shows the rows. Shapes that look risky but work
 * (deferrable, partial, expression and NULLS NOT DISTINCT unique keys, NULL
 * times without such a key) pass and migrate, on native partitions and on TimescaleDB.
 */

type Q = (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

const FIXTURES = `
  DROP TABLE IF EXISTS public.fs_null_key, public.fs_null_nokey, public.fs_infinite, public.fs_check_broken,
                       public.fs_check_kept, public.fs_shapes, public.fs_excluded CASCADE;
  CREATE TABLE public.fs_null_key (id int PRIMARY KEY, t timestamptz);
  INSERT INTO public.fs_null_key SELECT i, CASE WHEN i % 100 = 0 THEN NULL ELSE timestamptz '2026-01-01' + i * interval '1 hour' END
    FROM generate_series(1, 500) i;
  CREATE TABLE public.fs_null_nokey (id int, t timestamptz);
  INSERT INTO public.fs_null_nokey SELECT i, CASE WHEN i % 100 = 0 THEN NULL ELSE timestamptz '2026-01-01' + i * interval '1 hour' END
    FROM generate_series(1, 500) i;
  CREATE TABLE public.fs_infinite (id int, t timestamptz NOT NULL);
  INSERT INTO public.fs_infinite SELECT i, timestamptz '2026-01-01' + i * interval '1 hour' FROM generate_series(1, 100) i;
  INSERT INTO public.fs_infinite VALUES (0, '-infinity'), (101, 'infinity');
  CREATE TABLE public.fs_check_broken (id int, t timestamptz NOT NULL, qty int);
  INSERT INTO public.fs_check_broken SELECT i, timestamptz '2026-01-01' + i * interval '1 hour', i - 3 FROM generate_series(1, 100) i;
  ALTER TABLE public.fs_check_broken ADD CONSTRAINT "positive qty" CHECK (qty > 0) NOT VALID;
  CREATE TABLE public.fs_check_kept (id int, t timestamptz NOT NULL, qty int);
  INSERT INTO public.fs_check_kept SELECT i, timestamptz '2026-01-01' + i * interval '1 hour', i FROM generate_series(1, 100) i;
  ALTER TABLE public.fs_check_kept ADD CONSTRAINT "positive qty" CHECK (qty > 0) NOT VALID;
  CREATE TABLE public.fs_shapes (id int, t timestamptz NOT NULL, code text, qty int,
    CONSTRAINT fs_shapes_pkey PRIMARY KEY (id) DEFERRABLE INITIALLY IMMEDIATE);
  CREATE UNIQUE INDEX fs_shapes_code ON public.fs_shapes (code) WHERE qty > 0;
  CREATE UNIQUE INDEX fs_shapes_lower ON public.fs_shapes (lower(code), id);
  CREATE UNIQUE INDEX fs_shapes_nnd ON public.fs_shapes (qty, id) INCLUDE (t) NULLS NOT DISTINCT;
  INSERT INTO public.fs_shapes SELECT i, timestamptz '2026-01-01' + i * interval '1 hour', 'c' || i, i % 5 FROM generate_series(1, 300) i;
  CREATE TABLE public.fs_excluded (id int, t timestamptz NOT NULL, CONSTRAINT one_per_id EXCLUDE USING btree (id WITH =));
  INSERT INTO public.fs_excluded VALUES (1, now());
  ANALYZE;`;

const settings = {
  acceptCompositeKey: true,
  confirmedFreeBytes: 1e12,
  interval: '1 day',
  compressAfter: null,
};

async function preflight(engine: Engine, table: string, target: MigrationTarget): Promise<PreflightReport> {
  return engine.dispatch('migration:preflight', {
    profileId: PROFILE,
    schema: 'public',
    table,
    timeColumn: 't',
    target,
    settings,
  });
}

/** The blocking item with that id, and what its query shows. */
async function stop(engine: Engine, q: Q, table: string, target: MigrationTarget, id: string) {
  const report = await preflight(engine, table, target);
  const item = report.items.find((i) => i.id === id);
  expect(item?.status, JSON.stringify(report.items.filter((i) => i.status !== 'pass'))).toBe('blocking');
  expect(report.blocked).toBe(true);
  expect(item?.fix).toBeTruthy();
  // Catalog STOPs (an exclusion constraint) have no rows to show.
  return { item: item!, rows: item?.sql ? (await q(item.sql)).rows : [] };
}

async function migrates(engine: Engine, table: string, target: MigrationTarget) {
  const report = await preflight(engine, table, target);
  expect(report.blocked, JSON.stringify(report.items.filter((i) => i.status === 'blocking'))).toBe(false);
  const m = await plan(engine, 'public', table, 't', target, { ...settings, batchRows: 100 });
  const done = await runToEnd(engine, m.id);
  expect(done.state, why(done)).toBe('swapped');
  expect(done.validation?.ok, JSON.stringify(done.validation)).toBe(true);
  return report;
}

async function commonStops(engine: Engine, q: Q, target: MigrationTarget) {
  const infinite = await stop(engine, q, 'fs_infinite', target, 'time_column_infinite');
  expect(infinite.rows.map((r) => Number(r.id)).sort()).toEqual([0, 101]);

  const excluded = await stop(engine, q, 'fs_excluded', target, 'key:one_per_id');
  expect(excluded.item.reason).toMatch(/Exclusion constraints cannot be kept/);

  const broken = await stop(engine, q, 'fs_check_broken', target, 'constraint_not_valid:positive qty');
  expect(broken.rows.map((r) => Number(r.id)).sort()).toEqual([1, 2, 3]);
  expect(broken.item.fix).toMatch(/VALIDATE CONSTRAINT "positive qty"/);
}

describe.each(testServers)('native partitions on %s', (server) => {
  let db: TestDatabase;
  let engine: Engine;
  const q: Q = (sql, params) => engine.query(sql, params);
  beforeAll(async () => {
    db = await createTestDatabase('migration foresight', server);
    engine = startEngine(db.profile({ poolSize: 1 }), db.password);
    await q(FIXTURES);
  });
  afterAll(async () => {
    await engine?.close();
    await db?.cleanup();
  });

  it('NULL times under a primary key that gets the time column: a STOP, with the rows', async () => {
    const { item, rows } = await stop(engine, q, 'fs_null_key', 'partitions', 'time_column_nulls');
    expect(item.reason).toMatch(/primary key "fs_null_key_pkey" gets "t", which then must be NOT NULL/);
    expect(rows).toHaveLength(5);
  });

  it('NULL times without such a key go to the DEFAULT partition, and the migration keeps them', async () => {
    const report = await migrates(engine, 'fs_null_nokey', 'partitions');
    expect(report.items.find((i) => i.id === 'time_column_nulls')).toMatchObject({
      status: 'warning',
      reason: expect.stringMatching(/5 rows have no "t"; they will go to the DEFAULT partition/),
    });
    expect((await q(`SELECT count(*)::int AS n FROM public.fs_null_nokey WHERE t IS NULL`)).rows[0]!.n).toBe(
      5,
    );
  });

  it('infinite times and NOT VALID constraints that rows break: STOPs, with the rows', async () => {
    await commonStops(engine, q, 'partitions');
    if (server !== 'postgres') return; // NOT NULL constraints are NOT VALID only from PostgreSQL 18 on.
    await q(`CREATE TABLE public.fs_nn (id int, t timestamptz NOT NULL, who text)`);
    await q(`INSERT INTO public.fs_nn VALUES (1, now(), 'a'), (2, now(), NULL)`);
    await q(`ALTER TABLE public.fs_nn ADD CONSTRAINT who_set NOT NULL who NOT VALID`);
    const nn = await stop(engine, q, 'fs_nn', 'partitions', 'constraint_not_valid:who_set');
    expect(nn.rows.map((r) => Number(r.id))).toEqual([2]);
  });

  it('a NOT VALID constraint every row meets is a warning, and the migration goes through', async () => {
    const report = await migrates(engine, 'fs_check_kept', 'partitions');
    expect(report.items.find((i) => i.id === 'constraint_not_valid:positive qty')?.status).toBe('warning');
  });

  it('a NOT VALID foreign key from the table: a STOP before PostgreSQL 18, which keeps it NOT VALID', async () => {
    await q(`
      CREATE TABLE public.fs_fk_parent (id int PRIMARY KEY);
      INSERT INTO public.fs_fk_parent VALUES (1), (2);
      CREATE TABLE public.fs_fk_loose (id int PRIMARY KEY, t timestamptz NOT NULL, parent int);
      INSERT INTO public.fs_fk_loose SELECT i, timestamptz '2026-01-01' + i * interval '1 hour', 1 + i % 2
        FROM generate_series(1, 100) i;
      ALTER TABLE public.fs_fk_loose ADD CONSTRAINT "loose parent" FOREIGN KEY (parent) REFERENCES public.fs_fk_parent NOT VALID`);
    const convalidated = async () =>
      (await q(`SELECT convalidated FROM pg_constraint WHERE conname = 'loose parent'`)).rows[0]!
        .convalidated;
    if (server === 'postgres') {
      await migrates(engine, 'fs_fk_loose', 'partitions');
      expect(await convalidated()).toBe(false);
      return;
    }
    // stop() runs the item's statement: the fix it offers, after which the table migrates.
    const { item } = await stop(engine, q, 'fs_fk_loose', 'partitions', 'constraint_not_valid:loose parent');
    expect(item.reason).toMatch(
      /^PostgreSQL before 18 cannot add a NOT VALID foreign key to a partitioned table/,
    );
    expect(item.sql).toBe('ALTER TABLE "public"."fs_fk_loose" VALIDATE CONSTRAINT "loose parent";');
    expect(await convalidated()).toBe(true);
    await migrates(engine, 'fs_fk_loose', 'partitions');
  });

  it('deferrable, partial, expression and NULLS NOT DISTINCT unique keys migrate', async () => {
    await migrates(engine, 'fs_shapes', 'partitions');
    await expect(
      // The partial key is now (code, t): a second 'c7' at the same time is refused.
      q(`INSERT INTO public.fs_shapes SELECT 1000, t, code, 3 FROM public.fs_shapes WHERE id = 7`),
    ).rejects.toMatchObject({
      code: '23505',
    });
  });
});

describe('TimescaleDB', () => {
  it('NULL times, infinite times and broken NOT VALID constraints are STOPs; risky-looking keys migrate', async () => {
    await withTimescale(async (ts) => {
      const engine = startEngine(ts.profile({ poolSize: 1 }), ts.password);
      const q: Q = (sql, params) => engine.query(sql, params);
      try {
        await q(FIXTURES);
        const nulls = await stop(engine, q, 'fs_null_nokey', 'timescaledb', 'time_column_nulls');
        expect(nulls.item.reason).toMatch(/a hypertable refuses them/);
        expect(nulls.rows).toHaveLength(5);
        await commonStops(engine, q, 'timescaledb');
        await migrates(engine, 'fs_check_kept', 'timescaledb');
        await migrates(engine, 'fs_shapes', 'timescaledb');
      } finally {
        await q(FIXTURES.split(';')[0]!).catch(() => {});
        await engine.close();
      }
    });
  });
});

// The decision not to read the rows is the same on every version: PostgreSQL 18 is enough.
describe('on a table too big to read twice', () => {
  let db: TestDatabase;
  let engine: Engine;
  const q: Q = (sql, params) => engine.query(sql, params);
  beforeAll(async () => {
    db = await createTestDatabase('migration foresight big');
    engine = startEngine(db.profile({ poolSize: 1 }), db.password);
    await q(FIXTURES);
  });
  afterAll(async () => {
    await engine?.close();
    await db?.cleanup();
  });

  /** The checks on the real catalog, with the table's size and the time range's exactness as a 500 GB table has them. */
  async function foreseeBig(table: string, target: MigrationTarget, nulls: number) {
    return engine.pools.withClient(PROFILE, async (c) => {
      const info = {
        ...(await readTable(
          c,
          await findTableOid(c, 'public', table),
          await engine.pools.serverFacts(PROFILE, c),
        )),
        totalBytes: 500 * 1024 ** 3,
      };
      const objects = await withCatalogPath(c, () => readObjects(c, info.oid));
      const time = timeColumnsOf(info).find((t) => t.name === 't')!;
      const range = { column: 't', min: '2026-01-01', max: '2026-02-01', nulls, exact: false };
      const server = await probeServer(c);
      const seqScans = async () => {
        await c.query(`SELECT pg_stat_force_next_flush()`);
        await c.query(`SELECT pg_stat_clear_snapshot()`);
        const { rows } = await c.query(`SELECT seq_scan FROM pg_stat_user_tables WHERE relname = $1`, [
          table,
        ]);
        return Number(rows[0].seq_scan);
      };
      const before = await seqScans();
      const items = await foresee(c, { info, objects, time, range, target, server });
      const after = await seqScans();
      return { items, scans: after - before };
    });
  }

  it('NULLs it cannot count under a key that needs the time column: a STOP with the ways to know, without reading the rows', async () => {
    const { items, scans } = await foreseeBig('fs_null_key', 'partitions', 0);
    expect(items.find((i) => i.id === 'time_column_nulls')).toMatchObject({
      status: 'blocking',
      reason: expect.stringMatching(/too big to count them without an index on "t" \(statistics say none\)/),
      fix: expect.stringMatching(/CREATE INDEX CONCURRENTLY .* VALIDATE CONSTRAINT/),
    });
    expect(scans).toBe(0);
    // Without such a key the rows would go to the DEFAULT partition: a warning.
    const nokey = await foreseeBig('fs_null_nokey', 'partitions', 0);
    expect(nokey.items.find((i) => i.id === 'time_column_nulls')?.status).toBe('warning');
  });

  it('a NOT VALID constraint it would have to scan for: a STOP that asks for VALIDATE, without reading the rows', async () => {
    const { items, scans } = await foreseeBig('fs_check_kept', 'timescaledb', 0);
    expect(items.find((i) => i.id === 'constraint_not_valid:positive qty')).toMatchObject({
      status: 'blocking',
      sql: 'ALTER TABLE "public"."fs_check_kept" VALIDATE CONSTRAINT "positive qty";',
    });
    expect(scans).toBe(0);
  });
});
