import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import {
  createTransactions,
  difference,
  type Engine,
  plan,
  removeDir,
  runToEnd,
  startEngine,
  why,
} from '../../../test/support/migration-engine';
import { psql, runPsqlFile } from '../../../test/support/psql';
import type { EventMessage } from '../../shared/contract';

/**
 * Several sessions of the profile at once (settings copySessions and
 * buildSessions, within the pool size): the copy in time slices, the
 * partitions' indexes built apart then attached, statistics per partition and
 * for the parent. The result must be what one session makes: same rows, valid
 * indexes on the parent and every partition, statistics the planner can use for
 * both. On PostgreSQL 18 and 15 (where ANALYZE has no ONLY).
 */

const ROWS = 20_000;
let db: TestDatabase;
let admin: pg.Client;
const engines: Engine[] = [];

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close().catch(() => {})));
});

const batchesOf = (m: EventMessage) =>
  m.event === 'migration:progress' && m.payload.step === 'copy' ? m.payload.batches : 0;

/** Per slice, the ranges copied: each starts where the previous ended, the last ends where the slice does. */
function slicesOf(engine: Engine, id: string): Map<number, Array<{ lo: string | null; hi: string | null }>> {
  const bySlice = new Map<number, Array<{ lo: string | null; hi: string | null }>>();
  for (const e of engine.service.journal.events(id, 'batch_done')) {
    const d = e.data as { slice: number; lo: string | null; hi: string | null };
    bySlice.set(d.slice, [...(bySlice.get(d.slice) ?? []), { lo: d.lo, hi: d.hi }]);
  }
  return bySlice;
}

describe.each(testServers)('parallel sessions on %s', (server) => {
  beforeAll(async () => {
    db = await createTestDatabase('migration parallel', server);
    admin = await db.admin();
  });
  afterAll(async () => {
    await db?.cleanup();
  });

  it('copies in 2 slices and builds on 2 sessions: same rows, every index attached, statistics for partitions and parent', async () => {
    await createTransactions(admin, 'public.wide', ROWS);
    await admin.query(`ALTER TABLE public.wide ADD CONSTRAINT wide_account_id_key UNIQUE (account_id, id)`);
    await admin.query(`CREATE UNIQUE INDEX wide_symbol_id ON public.wide (symbol, id)`);
    await admin.query(`CREATE INDEX wide_lower_symbol ON public.wide (lower(symbol)) WHERE fee IS NOT NULL`);
    const engine = startEngine(db.profile({ poolSize: 3 }), db.password);
    engines.push(engine);
    const m = await plan(engine, 'public', 'wide', 'executed_at', 'partitions', {
      acceptCompositeKey: true,
      batchRows: 1_000,
      confirmedFreeBytes: 1e12,
      copySessions: 2,
      buildSessions: 2,
    });
    // The plan and the export say the copy runs in slices, and that the script runs it in one loop.
    const copyStep = m.plan.phases.flatMap((p) => p.steps).find((s) => s.key === 'copy');
    expect(copyStep?.why).toMatch(
      /cut into up to 2 slices .* The exported script copies batches sized the same way on one session, in one loop/,
    );
    expect(copyStep?.sql.join('\n')).toMatch(/SELECT next_lo, done FROM "tidemark_migration"\."copy_slices"/);
    const { script } = await engine.dispatch('migration:export', { id: m.id });
    expect(script).toMatch(/-- .*up to 2 slices of equal time width/);
    expect(script).toMatch(
      /-- .*The exported script copies batches sized the same way on one session, in one loop\./,
    );
    const done = await runToEnd(engine, m.id);
    expect(done.state, why(done)).toBe('swapped');
    expect(done.validation?.ok, JSON.stringify(done.validation)).toBe(true);
    expect(await difference(admin, 'public.wide', m.plan.names.oldTable)).toEqual({ missing: 0, extra: 0 });

    // Two slices, each copied in contiguous batches from its start to its end.
    const slices = slicesOf(engine, m.id);
    expect([...slices.keys()].sort()).toEqual([0, 1]);
    expect(slices.get(0)?.[0]?.lo).toBeNull();
    expect(slices.get(1)?.at(-1)?.hi).toBeNull();
    for (const ranges of slices.values())
      for (let i = 1; i < ranges.length; i++) expect(ranges[i]?.lo).toBe(ranges[i - 1]?.hi);
    expect(slices.get(0)?.at(-1)?.hi).toBe(slices.get(1)?.[0]?.lo);
    const steps = Object.fromEntries(done.steps.map((s) => [s.key, s]));
    expect(steps.copy?.rows).toBe(ROWS);
    expect(engine.service.journal.stepDetail(m.id, 'indexes')).toMatchObject({ sessions: 2 });
    expect(engine.service.journal.stepDetail(m.id, 'analyze')).toMatchObject(
      server === 'postgres' ? { how: 'by_partition', sessions: 2 } : { how: 'whole' },
    );
    // The slices' bookkeeping is gone once the copy is done.
    const left = await admin.query(
      `SELECT count(*)::int AS n FROM tidemark_migration.copy_slices WHERE migration_id = $1`,
      [m.id],
    );
    expect(left.rows[0].n).toBe(0);

    // Every index of the parent is valid and has one attached index on every partition.
    const parents = await admin.query<{ name: string; valid: boolean; children: number; partitions: number }>(
      `SELECT x.indexrelid::regclass::text AS name, x.indisvalid AS valid,
              (SELECT count(*)::int FROM pg_inherits i WHERE i.inhparent = x.indexrelid) AS children,
              (SELECT count(*)::int FROM pg_inherits i WHERE i.inhparent = 'public.wide'::regclass) AS partitions
         FROM pg_index x WHERE x.indrelid = 'public.wide'::regclass ORDER BY 1`,
    );
    expect(parents.rows.map((r) => r.name)).toEqual([
      'wide_account_id_key',
      'wide_account_time',
      'wide_lower_symbol',
      'wide_pkey',
      'wide_symbol_id',
      'wide_time',
    ]);
    for (const p of parents.rows) {
      expect(p.valid, p.name).toBe(true);
      expect(p.children, p.name).toBe(p.partitions);
    }
    // The constraints are partitioned constraints (a partition cannot drop its own part).
    const cons = await admin.query(
      `SELECT conname, contype FROM pg_constraint WHERE conrelid = 'public.wide'::regclass AND contype IN ('p', 'u') ORDER BY 1`,
    );
    expect(cons.rows).toEqual([
      { conname: 'wide_account_id_key', contype: 'u' },
      { conname: 'wide_pkey', contype: 'p' },
    ]);

    // Statistics: the parent's own (inherited) and each filled partition's, and row counts for all.
    const parent = await admin.query(
      `SELECT reltuples::float8 AS n, (SELECT count(*)::int FROM pg_stats WHERE schemaname = 'public' AND tablename = 'wide' AND inherited) AS stats
         FROM pg_class WHERE oid = 'public.wide'::regclass`,
    );
    expect(parent.rows[0].n).toBeGreaterThan(ROWS * 0.9);
    expect(parent.rows[0].stats).toBe(10);
    const parts = await admin.query<{ name: string; n: number; rows: number; stats: number }>(
      `SELECT c.relname AS name, c.reltuples::float8 AS n,
              (SELECT count(*)::int FROM pg_stats s WHERE s.schemaname = 'public' AND s.tablename = c.relname AND NOT s.inherited) AS stats
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'public.wide'::regclass`,
    );
    const filled = parts.rows.filter((p) => p.n > 0);
    expect(filled.length).toBeGreaterThanOrEqual(30);
    for (const p of parts.rows) {
      const actual = (await admin.query(`SELECT count(*)::int AS n FROM public.${p.name}`)).rows[0].n;
      // Analyzed: an exact count (each partition is smaller than the sample); never analyzed would be -1.
      expect(p.n, p.name).toBe(actual);
      expect(p.stats, p.name).toBe(actual > 0 ? 10 : 0);
    }
    // The expression index got its statistics on the partitions, as ANALYZE of the parent gives them.
    const expr = await admin.query(
      `SELECT count(*)::int AS n FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename
        WHERE c.relkind = 'i' AND s.schemaname = 'public' AND s.tablename LIKE 'wide_p%'`,
    );
    expect(expr.rows[0].n).toBeGreaterThanOrEqual(filled.length);
  });

  it.skipIf(!psql)(
    'the exported script of a plan with 2 build sessions runs in psql and builds the same',
    async () => {
      await createTransactions(admin, 'public.scripted', 3_000);
      const engine = startEngine(db.profile({ poolSize: 2 }), db.password);
      engines.push(engine);
      const m = await plan(engine, 'public', 'scripted', 'executed_at', 'partitions', {
        acceptCompositeKey: true,
        confirmedFreeBytes: 1e12,
        buildSessions: 2,
      });
      const indexes = m.plan.phases.flatMap((p) => p.steps).find((s) => s.key === 'indexes');
      expect(indexes?.sql.some((q) => /ON ONLY /.test(q))).toBe(true);
      expect(indexes?.sql.some((q) => /ATTACH PARTITION [^;]*scripted_p20260101_pkey"?;$/.test(q))).toBe(
        true,
      );
      const { fileName, script } = await engine.dispatch('migration:export', { id: m.id });
      const file = join(engine.dataDir, fileName);
      writeFileSync(file, script);
      const run = await runPsqlFile(db, file, { stopOnError: false });
      expect(run.out).not.toMatch(/ERROR/);
      expect(run.code).toBe(0);
      const parents = await admin.query<{ valid: boolean; children: number; partitions: number }>(
        `SELECT x.indisvalid AS valid, (SELECT count(*)::int FROM pg_inherits i WHERE i.inhparent = x.indexrelid) AS children,
              (SELECT count(*)::int FROM pg_inherits i WHERE i.inhparent = 'public.scripted'::regclass) AS partitions
         FROM pg_index x WHERE x.indrelid = 'public.scripted'::regclass`,
      );
      expect(parents.rows).toHaveLength(3);
      for (const p of parents.rows) expect(p).toMatchObject({ valid: true, children: p.partitions });
      const stats = await admin.query(
        `SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = 'public' AND tablename = 'scripted' AND inherited`,
      );
      expect(stats.rows[0].n).toBe(10);
    },
  );

  it('the copy of a small table reports no rate made from one batch (nor a time left from it)', async ({
    skip,
  }) => {
    skip(server !== 'postgres', 'the runner does the same on every server');
    await createTransactions(admin, 'public.small', 5_000);
    const engine = startEngine(db.profile({ poolSize: 1 }), db.password);
    engines.push(engine);
    const m = await plan(engine, 'public', 'small', 'executed_at', 'partitions', {
      acceptCompositeKey: true,
      // Many small batches, fixed: the rate must not come from one of them.
      batchRows: 500,
      batchSeconds: 0,
      confirmedFreeBytes: 1e12,
    });
    const seen: Array<{ rows: number; rate: number | null; eta: number | null }> = [];
    engine.onEvent((message) => {
      if (message.event === 'migration:progress' && message.payload.step === 'copy')
        seen.push({
          rows: message.payload.rowsCopied,
          rate: message.payload.rate,
          eta: message.payload.etaSeconds,
        });
    });
    const done = await runToEnd(engine, m.id);
    expect(done.state, why(done)).toBe('swapped');
    expect(seen.length).toBeGreaterThan(5);
    // A rate comes from at least 2 s of progress, so it can never exceed the rows copied over 2 s.
    for (const p of seen) {
      if (p.rate !== null) expect(p.rate).toBeLessThanOrEqual(p.rows / 2);
      if (p.eta !== null) expect(p.eta).toBeGreaterThanOrEqual(1);
    }
  });

  it('a 2-slice copy stopped mid-way is finished by a new engine on the same journal, every row once', async ({
    skip,
  }) => {
    skip(
      server !== 'postgres',
      'resumed with the statements of a one-session resume: PostgreSQL 18 is enough',
    );
    await createTransactions(admin, 'public.halves', ROWS);
    const first = startEngine(db.profile({ poolSize: 2 }), db.password);
    const settings = {
      acceptCompositeKey: true,
      batchRows: 400,
      batchSeconds: 0, // fixed batches: the app quits after batch 12
      confirmedFreeBytes: 1e12,
      copySessions: 2,
    };
    const m = await plan(first, 'public', 'halves', 'executed_at', 'partitions', settings);
    let closing: Promise<void> | undefined;
    first.onEvent((message) => {
      if (batchesOf(message) === 12 && !closing) closing = first.close(); // the app quits mid-copy
    });
    first.service.start(m.id, false);
    await first.service.whenIdle(m.id).catch(() => {});
    await closing;
    expect(closing).toBeDefined();
    const mid = await admin.query<{ slice: number; done: boolean; rows: number }>(
      `SELECT slice, done, rows_copied::int AS rows FROM tidemark_migration.copy_slices WHERE migration_id = $1 ORDER BY slice`,
      [m.id],
    );
    expect(mid.rows.map((r) => r.slice)).toEqual([0, 1]);
    expect(mid.rows.every((r) => !r.done && r.rows > 0)).toBe(true);
    const copiedMid = mid.rows.reduce((a, r) => a + r.rows, 0);
    expect(copiedMid).toBeLessThan(ROWS);
    // What the server holds is exactly what the slices' marks say was copied.
    expect((await admin.query(`SELECT count(*)::int AS n FROM ${m.plan.names.newTable}`)).rows[0].n).toBe(
      copiedMid,
    );

    const second = startEngine(db.profile({ poolSize: 2 }), db.password, first.dataDir);
    engines.push(second);
    expect(second.service.get(m.id).state).toBe('paused');
    second.service.start(m.id, false);
    const done = await second.service.whenIdle(m.id);
    expect(done.state, why(done)).toBe('swapped');
    const runs = await admin.query(
      `SELECT rows_copied::int AS rows, copy_done FROM tidemark_migration.runs WHERE migration_id = $1`,
      [m.id],
    );
    expect(runs.rows[0]).toEqual({ rows: ROWS, copy_done: true });
    expect(await difference(admin, 'public.halves', m.plan.names.oldTable)).toEqual({
      missing: 0,
      extra: 0,
    });
    // Each slice went on from its own mark: no range copied twice, none skipped. (A batch the server
    // committed as the app quit has no 'done' entry, only its start: the next one starts at its end.)
    const started = second.service.journal
      .events(m.id, 'batch_started')
      .map((e) => e.data as { slice: number; hi: string | null });
    for (const [slice, ranges] of slicesOf(second, m.id)) {
      const los = ranges.map((r) => r.lo);
      expect(new Set(los).size).toBe(los.length);
      for (let i = 1; i < ranges.length; i++) {
        const lo = ranges[i]?.lo;
        const follows = lo === ranges[i - 1]?.hi || started.some((b) => b.slice === slice && b.hi === lo);
        expect(follows, `slice ${slice} batch from ${lo}`).toBe(true);
      }
    }
    expect(done.validation?.ok).toBe(true);
    removeDir(first.dataDir);
  });
});
