import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import {
  createTransactions,
  difference,
  type Engine,
  PROFILE,
  plan,
  removeDir,
  runToEnd,
  startEngine,
  why,
} from '../../../test/support/migration-engine';
import { AppError } from '../errors';

/**
 * Bad input is refused with a message that says what is wrong and what to do;
 * a second migration of the same table is refused (same workstation or another);
 * a table without a key takes the offline path, which the pre-flight offers and
 * which keeps every change the application made during the copy.
 */

let db: TestDatabase;
let admin: pg.Client;
let engine: Engine;

describe.each(testServers)('on %s', (server) => {
  beforeAll(async () => {
    db = await createTestDatabase('migration input', server);
    admin = await db.admin();
    await admin.query(`
      CREATE TABLE public.no_time (id int PRIMARY KEY, name text, amount numeric);
      CREATE TABLE public.int_time (id int PRIMARY KEY, epoch_sec bigint NOT NULL, v text);
      INSERT INTO public.int_time SELECT i, 1700000000 + i * 60, 'v' FROM generate_series(1, 500) i;
      CREATE TABLE public.nullable_time (id int PRIMARY KEY, t timestamptz);
      INSERT INTO public.nullable_time VALUES (1, now()), (2, NULL);
    `);
    await createTransactions(admin, 'public.twice', 2_000);
    engine = startEngine(db.profile({ poolSize: 1 }), db.password);
  });
  afterAll(async () => {
    await engine?.close();
    await db?.cleanup();
  });

  const preflight = (
    table: string,
    timeColumn: string,
    settings = {},
    target: 'partitions' | 'timescaledb' = 'partitions',
  ) =>
    engine.dispatch('migration:preflight', {
      profileId: PROFILE,
      schema: 'public',
      table,
      timeColumn,
      target,
      settings,
    });

  async function refusal(promise: Promise<unknown>): Promise<AppError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }

  describe('choosing the table', () => {
    it('lists tables with their time columns and describes one with its size, rows and time range', async () => {
      const tables = await engine.dispatch('migration:listTables', { profileId: PROFILE });
      expect(tables.find((t) => t.table === 'twice')).toMatchObject({
        schema: 'public',
        kind: 'table',
        rowEstimate: 2_000,
        ineligible: null,
        timeColumns: [
          {
            name: 'executed_at',
            type: 'timestamp with time zone',
            kind: 'timestamptz',
            notNull: true,
            indexed: true,
          },
        ],
      });
      expect(tables.find((t) => t.table === 'int_time')?.timeColumns.map((c) => c.name)).toEqual([
        'epoch_sec',
      ]);
      const summary = await engine.dispatch('migration:describe', {
        profileId: PROFILE,
        schema: 'public',
        table: 'twice',
        timeColumn: 'executed_at',
      });
      expect(summary.totalBytes).toBeGreaterThan(0);
      expect(summary.primaryKey).toEqual(['id']);
      expect(summary.timeRange).toEqual({
        column: 'executed_at',
        min: expect.stringMatching(/^2026-01-01 /),
        max: expect.stringMatching(/^2026-01-31 /),
        nulls: 0,
        exact: true,
      });
    });
  });

  describe('bad input', () => {
    it('a table that does not exist', async () => {
      const e = await refusal(preflight('no_such_table', 't'));
      expect(e.code).toBe('not_found');
      expect(e.message).toBe(
        'There is no table "public"."no_such_table" in this database. Check the schema and table name (names are case-sensitive).',
      );
    });

    it('a table without a usable time column', async () => {
      const tables = await engine.dispatch('migration:listTables', { profileId: PROFILE });
      expect(tables.find((t) => t.table === 'no_time')?.ineligible).toBe(
        'No timestamp, date or integer time column.',
      );
      const e = await refusal(preflight('no_time', 'name'));
      expect(e.code).toBe('invalid_input');
      expect(e.message).toMatch(
        /"name" \(text\) cannot be the time column: it must be a timestamp, timestamptz, date or integer column/,
      );
      expect(e.message).toMatch(/This table has no such column/);
      expect(e.fields).toEqual({ timeColumn: 'Not a usable time column.' });
      const missing = await refusal(preflight('twice', 'created_at'));
      expect(missing.message).toBe('The table "public"."twice" has no column "created_at".');
    });

    it('an interval of zero, a negative one, or one PostgreSQL does not understand', async () => {
      for (const [interval, why] of [
        ['0 days', /must be greater than zero/],
        ['-1 day', /must be greater than zero/],
        ['fortnightly', /is not an interval PostgreSQL understands/],
      ] as const) {
        const e = await refusal(preflight('twice', 'executed_at', { interval }));
        expect(e.code).toBe('invalid_input');
        expect(e.message).toMatch(why);
        expect(Object.keys(e.fields ?? {})).toEqual(['settings.interval']);
      }
      const integer = await refusal(preflight('int_time', 'epoch_sec', { interval: '0' }));
      expect(integer.message).toMatch(/must be greater than zero/);
      const tooMany = await refusal(preflight('twice', 'executed_at', { interval: '1 second' }));
      expect(tooMany.message).toMatch(
        /would make about \d+ partitions \(at most 5000\) for "executed_at" from 2026-01-01 .* to 2026-01-31 .*\. Choose a longer interval, or, if the oldest or newest value is not real data/,
      );
    });

    it('partitions that would go past what the column’s type holds: the placeholder is named, not an overflow', async () => {
      await admin.query(`
        CREATE TABLE public.sentinel (id int PRIMARY KEY, seq bigint NOT NULL);
        INSERT INTO public.sentinel SELECT i, i FROM generate_series(1, 500) i;
        INSERT INTO public.sentinel VALUES (0, 9223372036854775807);
        ANALYZE public.sentinel;`);
      const settings = { acceptCompositeKey: true, confirmedFreeBytes: 1e9 };
      const top = await refusal(plan(engine, 'public', 'sentinel', 'seq', 'partitions', settings));
      expect(top.code).toBe('invalid_input');
      expect(top.message).toMatch(
        /newest value \(9223372036854775807\).* go past the largest value a bigint can hold\. .*ORDER BY "seq" DESC LIMIT 20/,
      );
      expect(Object.keys(top.fields ?? {})).toEqual(['settings.interval']);
      // A timestamp column whose intervals ahead step past year 294276.
      const far = await refusal(
        plan(engine, 'public', 'twice', 'executed_at', 'partitions', {
          ...settings,
          interval: '50000 years',
        }),
      );
      expect(far.message).toMatch(/go past the largest value a timestamp with time zone can hold/);
    });

    it('an integer time column and NULL times are reported for what they are', async () => {
      const ints = await preflight('int_time', 'epoch_sec', {
        acceptCompositeKey: true,
        confirmedFreeBytes: 1e9,
      });
      expect(ints.advice.defaults.interval).toMatch(/^\d+$/);
      expect(ints.blocked).toBe(false);
      const onTs = await preflight('nullable_time', 't', {}, 'partitions');
      // The primary key (id) becomes (id, t), and t cannot then hold the NULL: a STOP before the copy.
      expect(onTs.items.find((i) => i.id === 'time_column_nulls')).toMatchObject({
        status: 'blocking',
        reason: /1 rows have no "t"; the primary key "nullable_time_pkey" gets "t"/,
      });
    });

    it('a plan is not created while the pre-flight has blocking items, and says which', async () => {
      const e = await refusal(
        engine.service.create({
          profileId: PROFILE,
          schema: 'public',
          table: 'twice',
          timeColumn: 'executed_at',
          target: 'partitions',
        }),
      );
      expect(e.message).toMatch(/blocking item\(s\): Primary key "twice_pkey"/);
      expect(e.message).toMatch(/Fix: Accept the composite key/);
    });
  });

  describe('one migration per table at a time', () => {
    it('a second plan for the same table is refused, also when both are asked at once', async () => {
      const settings = { acceptCompositeKey: true, confirmedFreeBytes: 1e12 };
      const both = await Promise.allSettled([
        plan(engine, 'public', 'twice', 'executed_at', 'partitions', settings),
        plan(engine, 'public', 'twice', 'executed_at', 'partitions', settings),
      ]);
      const ok = both.filter((b) => b.status === 'fulfilled');
      const refused = both.filter((b) => b.status === 'rejected') as PromiseRejectedResult[];
      expect(ok).toHaveLength(1);
      expect(refused[0]?.reason).toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(/already open .* cancel, roll back or clean it up/),
      });
      const id = (ok[0] as PromiseFulfilledResult<{ id: string }>).value.id;

      // Started twice: the second start is refused while the first runs.
      engine.service.start(id, false);
      expect(() => engine.service.start(id, false)).toThrow(/already running/);
      const done = await engine.service.whenIdle(id);
      expect(done.state, why(done)).toBe('swapped');

      // Another workstation (its own journal) cannot start one on the same table meanwhile.
      const other = startEngine(db.profile({ poolSize: 1 }), db.password);
      try {
        const report = await other.dispatch('migration:preflight', {
          profileId: PROFILE,
          schema: 'public',
          table: 'twice',
          timeColumn: 'executed_at',
          target: 'partitions',
          settings,
        });
        expect(report.items.find((i) => i.id === 'active_migration')).toMatchObject({
          status: 'blocking',
          reason: expect.stringMatching(id),
        });
      } finally {
        await other.close();
        removeDir(other.dataDir);
      }

      // Cancel is for before the swap; after it, rollback.
      expect(() => engine.service.cancel(id)).toThrow(/already swapped: roll back instead/);
      engine.service.rollback(id);
      expect((await engine.service.whenIdle(id)).state).toBe('rolled_back');
    });

    it('cancelling before the swap removes everything the migration created; the source is as it was', async () => {
      const before = await admin.query(`SELECT count(*)::int AS n FROM public.twice`);
      const m = await plan(engine, 'public', 'twice', 'executed_at', 'partitions', {
        acceptCompositeKey: true,
        confirmedFreeBytes: 1e12,
        swap: { mode: 'confirm' },
      });
      const ready = await runToEnd(engine, m.id);
      expect(ready.state).toBe('ready_to_swap');
      engine.service.cancel(m.id);
      const cancelled = await engine.service.whenIdle(m.id);
      expect(cancelled.state, why(cancelled)).toBe('cancelled');
      expect(
        (await admin.query(`SELECT to_regclass($1) AS r`, [m.plan.names.newTable])).rows[0].r,
      ).toBeNull();
      expect(
        (
          await admin.query(
            `SELECT tgname FROM pg_trigger WHERE tgrelid = 'public.twice'::regclass AND NOT tgisinternal`,
          )
        ).rows,
      ).toEqual([]);
      expect((await admin.query(`SELECT count(*)::int AS n FROM public.twice`)).rows[0].n).toBe(
        before.rows[0].n,
      );
      // It was the only migration on the server: the registry and the schema went with it.
      expect((await admin.query(`SELECT to_regnamespace('tidemark_migration') AS s`)).rows[0].s).toBeNull();
      // And the table can be planned again.
      const again = await plan(engine, 'public', 'twice', 'executed_at', 'partitions', {
        acceptCompositeKey: true,
        confirmedFreeBytes: 1e12,
      });
      expect(again.state).toBe('planned');
      expect(engine.service.discard(again.id)).toEqual({ id: again.id });
    });
  });

  describe('cancelling while the copy runs', () => {
    it('stops after the batch in progress and removes the new table, the trigger and the log', async () => {
      await createTransactions(admin, 'public.cancelled', 10_000);
      const m = await plan(engine, 'public', 'cancelled', 'executed_at', 'partitions', {
        acceptCompositeKey: true,
        confirmedFreeBytes: 1e12,
        batchRows: 300,
        batchSeconds: 0, // fixed batches: the cancel comes at batch 4
      });
      let asked = false;
      const unsubscribe = engine.onEvent((e) => {
        if (
          e.event === 'migration:progress' &&
          e.payload.step === 'copy' &&
          e.payload.batches === 4 &&
          !asked
        ) {
          asked = true;
          expect(engine.service.cancel(m.id).state).toBe('cancelling');
        }
      });
      engine.service.start(m.id, false);
      const done = await engine.service.whenIdle(m.id);
      unsubscribe();
      expect(asked).toBe(true);
      expect(done.state, why(done)).toBe('cancelled');
      expect(done.steps.find((s) => s.key === 'copy')?.state).toBe('running');
      expect(
        (await admin.query(`SELECT to_regclass($1) AS r`, [m.plan.names.newTable])).rows[0].r,
      ).toBeNull();
      expect(
        (await admin.query(`SELECT to_regclass($1) AS r`, [`tidemark_migration.log_${m.id.slice(0, 6)}`]))
          .rows[0].r,
      ).toBeNull();
      expect(
        (
          await admin.query(
            `SELECT tgname FROM pg_trigger WHERE tgrelid = 'public.cancelled'::regclass AND NOT tgisinternal`,
          )
        ).rows,
      ).toEqual([]);
      expect((await admin.query(`SELECT count(*)::int AS n FROM public.cancelled`)).rows[0].n).toBe(10_000);
    });
  });

  describe('a table without a key', () => {
    it('a table never analyzed (or analyzed empty) says its row count is not known, never "0 rows"', async () => {
      // No index and no autovacuum: nothing sets reltuples behind the test's back.
      await admin.query(`
        CREATE TABLE public.unanalyzed (sensor int, t timestamptz NOT NULL) WITH (autovacuum_enabled = off);
        INSERT INTO public.unanalyzed SELECT i % 10, timestamptz '2026-03-01' + i * interval '1 minute' FROM generate_series(1, 3000) i;
        CREATE TABLE public.analyzed_empty (sensor int, t timestamptz NOT NULL) WITH (autovacuum_enabled = off);
        ANALYZE public.analyzed_empty;
        INSERT INTO public.analyzed_empty SELECT 1, now() FROM generate_series(1, 3000);`);
      for (const table of ['unanalyzed', 'analyzed_empty']) {
        const report = await preflight(table, 't', { confirmedFreeBytes: 1e12 });
        expect(report.table.rowEstimate).toBeNull();
        const size = report.items.find((i) => i.id === 'table_size');
        expect(size?.reason).toMatch(/how many rows is not known \(never analyzed\)/);
        expect(size?.sql).toBe(`ANALYZE "public"."${table}";`);
        const key = report.items.find((i) => i.id === 'capture_key');
        expect(key?.reason).toMatch(/compares every row \(how many is not known/);
        expect(key?.reason).not.toMatch(/\b0 rows/);
      }
      const tables = await engine.dispatch('migration:listTables', { profileId: PROFILE });
      expect(tables.find((t) => t.table === 'unanalyzed')?.rowEstimate).toBeNull();
      await admin.query(`ANALYZE public.unanalyzed`);
      const analyzed = await preflight('unanalyzed', 't', { confirmedFreeBytes: 1e12 });
      expect(analyzed.table.rowEstimate).toBe(3000);
      expect(analyzed.items.find((i) => i.id === 'capture_key')?.reason).toMatch(/compares all 3,000 rows/);
    });

    it('the pre-flight blocks the capture path and offers the offline one, which loses nothing', async () => {
      await admin.query(`
        CREATE TABLE public.readings (sensor int NOT NULL, reading_no bigint NOT NULL, t timestamptz NOT NULL, value float8);
        CREATE INDEX ON public.readings (t);
        INSERT INTO public.readings SELECT i % 10, i, timestamptz '2026-03-01' + i * interval '1 minute', i / 3.0 FROM generate_series(1, 8000) i;
        CREATE TABLE public.readings_shadow AS SELECT * FROM public.readings;
        ANALYZE public.readings;`);
      const blocked = await preflight('readings', 't', { confirmedFreeBytes: 1e12, syncMode: 'capture' });
      expect(blocked.captureKey).toBeNull();
      expect(blocked.items.find((i) => i.id === 'capture_key')).toMatchObject({
        status: 'blocking',
        fix: expect.stringMatching(/Add a primary key, or choose sync mode 'offline'/),
      });
      const offline = await preflight('readings', 't', { confirmedFreeBytes: 1e12 });
      expect(offline.advice.defaults.syncMode).toBe('offline');
      expect(offline.items.find((i) => i.id === 'capture_key')).toMatchObject({
        status: 'warning',
        reason: expect.stringMatching(/exclusive lock while it compares/),
      });

      const m = await plan(engine, 'public', 'readings', 't', 'partitions', {
        confirmedFreeBytes: 1e12,
        batchRows: 500,
      });
      expect(m.steps.map((s) => s.key)).not.toContain('capture');
      // The application writes during the copy, mirrored into the shadow in the same transaction.
      const writer = await db.admin();
      let stop = false;
      let ops = 0;
      const writing = (async () => {
        while (!stop && ops < 5_000) {
          const n = 1 + ((ops * 37) % 8000);
          await writer.query('BEGIN');
          if (ops % 3 === 0) {
            for (const t of ['readings', 'readings_shadow']) {
              await writer.query(
                `INSERT INTO public.${t} VALUES (99, $1, timestamptz '2026-03-02' + $2 * interval '1 second', 1)`,
                [100_000 + ops, ops],
              );
            }
          } else if (ops % 3 === 1) {
            for (const t of ['readings', 'readings_shadow'])
              await writer.query(`UPDATE public.${t} SET value = -value WHERE reading_no = $1`, [n]);
          } else {
            for (const t of ['readings', 'readings_shadow'])
              await writer.query(`DELETE FROM public.${t} WHERE reading_no = $1`, [n]);
          }
          await writer.query('COMMIT');
          ops++;
        }
      })();
      const done = await runToEnd(engine, m.id);
      stop = true;
      await writing;
      expect(done.state, why(done)).toBe('swapped');
      expect(ops).toBeGreaterThan(0);
      // The ranges the writer changed during the copy were compared and copied again under the swap's lock.
      expect(done.swap?.replayedInSwap).toBeGreaterThan(0);
      expect(await difference(admin, 'public.readings', 'public.readings_shadow')).toEqual({
        missing: 0,
        extra: 0,
      });
    });
  });

  describe('retention', () => {
    it('is announced by the pre-flight and starts only at the cleanup, detaching (not dropping) old partitions', async () => {
      await admin.query(`
        CREATE TABLE public.kept (id int PRIMARY KEY, t timestamptz NOT NULL, v int);
        INSERT INTO public.kept SELECT i, now() - i * interval '1 hour', i FROM generate_series(1, 24 * 30) i;
        ANALYZE public.kept;`);
      const settings = {
        acceptCompositeKey: true,
        confirmedFreeBytes: 1e12,
        retention: '10 days',
        partitionsAhead: 2,
      };
      const report = await preflight('kept', 't', settings);
      expect(report.items.find((i) => i.id === 'retention')).toMatchObject({
        status: 'warning',
        reason: expect.stringMatching(
          /partitions older than 10 days are detached: .* About 4[0-9]{2} rows are that old today/,
        ),
      });
      const m = await plan(engine, 'public', 'kept', 't', 'partitions', settings);
      const swapped = await runToEnd(engine, m.id);
      expect(swapped.state, why(swapped)).toBe('swapped');
      // Validation saw every row: nothing was detached yet.
      expect(swapped.validation?.ok).toBe(true);
      expect((await admin.query(`SELECT count(*)::int AS n FROM public.kept`)).rows[0].n).toBe(720);
      engine.service.cleanup(m.id, swapped.oldTable);
      const cleaned = await engine.service.whenIdle(m.id);
      expect(cleaned.state, why(cleaned)).toBe('cleaned_up');
      const inTable = (await admin.query(`SELECT count(*)::int AS n FROM public.kept`)).rows[0].n as number;
      expect(inTable).toBeLessThan(720);
      expect(inTable).toBeGreaterThanOrEqual(24 * 10);
      // The detached partitions still hold their rows, as tables of their own.
      const detached = await admin.query(
        `SELECT c.relname FROM pg_class c WHERE c.relname LIKE 'kept\\_p%' AND c.relkind = 'r' AND NOT c.relispartition`,
      );
      expect(detached.rows.length).toBeGreaterThan(0);
      let rows = 0;
      for (const { relname } of detached.rows)
        rows += (await admin.query(`SELECT count(*)::int AS n FROM public.${'"'}${relname}${'"'}`)).rows[0].n;
      expect(rows + inTable).toBe(720);
    });
  });
});
