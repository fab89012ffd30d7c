import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import {
  createTransactions,
  type Engine,
  plan,
  runToEnd,
  startEngine,
  why,
} from '../../../test/support/migration-engine';
import { psql, runPsqlFile } from '../../../test/support/psql';
import { batchTransaction, nextWidth } from './copy';

/**
 * Copy batches start at batchRows rows and grow to take about batchSeconds
 * (stay at batchRows when it is 0), in the engine and in the exported script
 * alike, and each batch is one transaction in three round trips.
 */

const ROWS = 20_000;

describe('nextWidth', () => {
  const timed = { batchRows: 1_000, batchSeconds: 1 };
  const fixed = { batchRows: 1_000, batchSeconds: 0 };

  it('grows the width by target / the last copy’s time when that is more than batchRows asks, at most 4x', () => {
    expect(nextWidth(10, { rows: 1_000, seconds: 0.5 }, timed, 0.001)).toBe(20);
    expect(nextWidth(10, { rows: 500, seconds: 0.01 }, timed, 0.001)).toBe(40);
    expect(nextWidth(10, { rows: 5_000, seconds: 0.5 }, timed, 0.001)).toBe(20);
    // Past the target: back toward the target, but never toward fewer than batchRows rows.
    expect(nextWidth(10, { rows: 5_000, seconds: 2 }, timed, 0.001)).toBe(5);
    expect(nextWidth(10, { rows: 5_000, seconds: 60 }, timed, 0.001)).toBe(2.5);
    expect(nextWidth(10, { rows: 500, seconds: 60 }, timed, 0.001)).toBe(20);
  });

  it('scales by batchRows / the last batch’s rows when the target is 0 (and in journals without one)', () => {
    expect(nextWidth(10, { rows: 500, seconds: 0.01 }, fixed, 0.001)).toBe(20);
    expect(nextWidth(10, { rows: 2_000, seconds: 0.01 }, fixed, 0.001)).toBe(5);
    expect(nextWidth(10, { rows: 2_000, seconds: 0.01 }, { batchRows: 1_000 }, 0.001)).toBe(5);
  });

  it('widens an empty range 4x, and never goes below the minimum', () => {
    expect(nextWidth(10, { rows: 0, seconds: 30 }, timed, 0.001)).toBe(40);
    expect(nextWidth(1, { rows: 50_000, seconds: 0.01 }, fixed, 1)).toBe(1);
  });
});

describe.each(testServers)('copy batches on %s', (server) => {
  let db: TestDatabase;
  let admin: pg.Client;
  const engines: Engine[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('batch sizing', server);
    admin = await db.admin();
    for (const t of ['by_time', 'by_rows', 'script_by_time', 'script_by_rows'])
      await createTransactions(admin, `public.${t}`, ROWS);
    // Time columns whose widths are whole numbers: an integer sequence and a date.
    for (const side of ['engine', 'script']) {
      await admin.query(`
        CREATE TABLE public.ticks_${side} (id bigint PRIMARY KEY, seq bigint NOT NULL, v text);
        CREATE INDEX ON public.ticks_${side} (seq);
        INSERT INTO public.ticks_${side} SELECT g, g * 3, 'v' || g FROM generate_series(1, ${ROWS}) g;
        CREATE TABLE public.days_${side} (id bigint PRIMARY KEY, day date NOT NULL, v text);
        CREATE INDEX ON public.days_${side} (day);
        INSERT INTO public.days_${side} SELECT g, date '2020-01-01' + g / 20, 'v' || g FROM generate_series(1, ${ROWS}) g;
        ANALYZE public.ticks_${side}, public.days_${side};`);
    }
  });
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
  });
  afterAll(async () => {
    await admin?.end();
    await db?.cleanup();
  });

  const sized = (batchSettings: { batchSeconds?: number }) => ({
    acceptCompositeKey: true,
    confirmedFreeBytes: 1e12,
    batchRows: 100,
    ...batchSettings,
  });

  function freshEngine(): Engine {
    const engine = startEngine(db.profile(), db.password);
    engines.push(engine);
    return engine;
  }

  /** Migrates the table with the engine; the rows of each batch its journal records. */
  async function engineBatches(table: string, column: string, batchSettings: { batchSeconds?: number } = {}) {
    const engine = freshEngine();
    const m = await plan(engine, 'public', table, column, 'partitions', sized(batchSettings));
    const done = await runToEnd(engine, m.id);
    expect(done.state, why(done)).toBe('swapped');
    return engine.service.journal.events(m.id, 'batch_done').map((e) => (e.data as { rows: number }).rows);
  }

  /** Migrates the table by running the exported script with real psql; the rows of each batch it reports. */
  async function scriptBatches(table: string, column: string, batchSettings: { batchSeconds?: number } = {}) {
    const engine = freshEngine();
    const m = await plan(engine, 'public', table, column, 'partitions', sized(batchSettings));
    const { fileName, script } = await engine.dispatch('migration:export', { id: m.id });
    const file = join(engine.dataDir, fileName);
    writeFileSync(file, script);
    const ran = await runPsqlFile(db, file);
    expect(ran.code, ran.out).toBe(0);
    return [...ran.out.matchAll(/copied (\d+) rows up to/g)].map((x) => Number(x[1]));
  }

  const total = (rows: number[]) => rows.reduce((a, b) => a + b, 0);

  it('grows batches from batchRows toward the time target (1 s by default), and keeps them at batchRows with 0', async () => {
    const timed = await engineBatches('by_time', 'executed_at');
    expect(total(timed)).toBe(ROWS);
    expect(timed[0]).toBeLessThan(300);
    // 100 rows take milliseconds: each batch may be 4x the last, so a few batches copy everything.
    expect(timed.length).toBeLessThan(20);
    expect(Math.max(...timed)).toBeGreaterThan(2_000);

    const fixed = await engineBatches('by_rows', 'executed_at', { batchSeconds: 0 });
    expect(total(fixed)).toBe(ROWS);
    expect(fixed.length).toBeGreaterThan(100);
    expect(Math.max(...fixed.slice(0, -1))).toBeLessThan(400);
  });

  it('sizes the first batch of a table never analyzed by what its heap can hold, not as the whole table', async () => {
    await admin.query(`
      CREATE TABLE public.never_analyzed (id bigint PRIMARY KEY, at timestamptz NOT NULL, v text)
        WITH (autovacuum_enabled = false);
      CREATE INDEX ON public.never_analyzed (at);
      INSERT INTO public.never_analyzed
        SELECT g, timestamptz '2026-01-01' + g * interval '1 minute', repeat('v', 50) FROM generate_series(1, ${ROWS}) g;`);
    const rows = await engineBatches('never_analyzed', 'at', { batchSeconds: 0 });
    expect(total(rows)).toBe(ROWS);
    expect(rows[0]).toBeLessThanOrEqual(100);
    expect(rows.length).toBeGreaterThan(20);
  });

  it.skipIf(!psql)('sizes the exported script’s batches the same way', async () => {
    const timed = await scriptBatches('script_by_time', 'executed_at', { batchSeconds: 1 });
    expect(total(timed)).toBe(ROWS);
    expect(timed.length).toBeLessThan(20);
    const fixed = await scriptBatches('script_by_rows', 'executed_at', { batchSeconds: 0 });
    expect(total(fixed)).toBe(ROWS);
    expect(fixed.length).toBeGreaterThan(100);
  });

  it.skipIf(!psql)(
    'sizes batches over integer and date time columns, in the engine and the script',
    async () => {
      for (const [table, column] of [
        ['ticks', 'seq'],
        ['days', 'day'],
      ] as const) {
        const batches = (await engineBatches(`${table}_engine`, column)).length;
        expect(batches, table).toBeGreaterThan(1);
        expect(batches, table).toBeLessThan(30);
        const copied = await scriptBatches(`${table}_script`, column);
        expect(total(copied), table).toBe(ROWS);
        expect(copied.length, table).toBeGreaterThan(1);
        expect(copied.length, table).toBeLessThan(30);
        for (const side of ['engine', 'script'])
          expect(
            (await admin.query(`SELECT count(*)::int AS n FROM public.${table}_${side}`)).rows[0].n,
            `${table}_${side}`,
          ).toBe(ROWS);
      }
    },
  );

  it('runs a batch in three round trips, and rolls back all of it when any part fails', async () => {
    await admin.query(`
      CREATE TABLE public.mark (id int PRIMARY KEY, hw int);
      INSERT INTO public.mark VALUES (1, 0);
      CREATE TABLE public.source AS SELECT g AS v FROM generate_series(1, 10) g;
      CREATE TABLE public.target (v int CHECK (v <> 7));`);
    let trips = 0;
    const counted = {
      query: ((...args: Parameters<pg.Client['query']>) => {
        trips++;
        return (admin.query as (...a: unknown[]) => unknown)(...args);
      }) as pg.Client['query'],
    };
    const batch = (from: number, to: number, expectedMark = from) =>
      batchTransaction(
        counted,
        'SELECT hw FROM public.mark WHERE id = 1 FOR UPDATE',
        (mark) => {
          if (mark?.hw !== expectedMark) throw new Error(`the mark is at ${mark?.hw}`);
        },
        `INSERT INTO public.target SELECT v FROM public.source WHERE v > ${from} AND v <= ${to}`,
        (copied) => `UPDATE public.mark SET hw = hw + ${copied} WHERE id = 1`,
      );
    const state = async () =>
      (
        await admin.query<{ hw: number; n: number }>(
          `SELECT (SELECT hw FROM public.mark) AS hw, (SELECT count(*)::int FROM public.target) AS n`,
        )
      ).rows[0];

    expect(await batch(0, 5)).toMatchObject({ rows: 5 });
    expect(trips).toBe(3);
    expect(await state()).toEqual({ hw: 5, n: 5 });

    // The mark is not where the batch starts: nothing is copied.
    await expect(batch(5, 8, 4)).rejects.toThrow('the mark is at 5');
    // The copy fails (row 7 breaks the CHECK): neither rows nor the mark move.
    await expect(batch(5, 8)).rejects.toThrow(/violates check constraint/);
    expect(await state()).toEqual({ hw: 5, n: 5 });
    // The COMMIT fails (a deferred key sees the duplicate there): neither rows nor the mark move.
    await admin.query(
      `ALTER TABLE public.target ADD CONSTRAINT target_once UNIQUE (v) DEFERRABLE INITIALLY DEFERRED`,
    );
    await expect(batch(0, 6, 5)).rejects.toThrow(/target_once/);
    expect(await state()).toEqual({ hw: 5, n: 5 });
    // The session is usable again, outside any transaction.
    expect(admin.getTransactionStatus()).toBe('I');
  });
});
