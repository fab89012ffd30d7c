import { describe, expect, it } from 'vitest';
import {
  createTransactions,
  difference,
  type Engine,
  PROFILE,
  plan,
  qIdent,
  runToEnd,
  startEngine,
  why,
} from '../../../test/support/migration-engine';
import { withTimescale } from '../../../test/support/timescale';

/**
 * TimescaleDB 2.23 (PGlite, one connection at a time): the seed's `transactions`
 * (id alone is the primary key) goes through every phase to a validated
 * hypertable, is rolled back, migrated again and cleaned up. Every query here
 * goes through the engine's own pool of one session, as the server allows.
 * `expected` is kept by hand next to the table, so "identical" means identical
 * to what was written, whichever table holds the name.
 */

const TABLE = 'public.transactions_ts';
const role = `tidemark_reader_${process.pid}`;

async function check(engine: Engine, relation = TABLE) {
  return difference(engine, relation, 'public.transactions_ts_expected');
}

describe('a seed-shaped table into a TimescaleDB hypertable and back', () => {
  it('prepare → copy → swap → validate → rollback → migrate again → cleanup, contents identical throughout', async () => {
    await withTimescale(async (ts) => {
      const engine = startEngine(ts.profile({ poolSize: 1 }), ts.password);
      const q = (sql: string, params?: unknown[]) => engine.query(sql, params);
      try {
        await q(`SET search_path = public`);
        await q(`DROP TABLE IF EXISTS ${TABLE}, public.transactions_ts_expected CASCADE`);
        await q(`DROP ROLE IF EXISTS ${qIdent(role)}`);
        await createTransactions(engine, TABLE, 6_000, 20);
        await q(`CREATE TABLE public.transactions_ts_expected AS SELECT * FROM ${TABLE}`);
        await q(
          `CREATE VIEW public.transactions_ts_recent AS SELECT id, account_id, symbol, amount, executed_at FROM ${TABLE} WHERE side = 'buy'`,
        );
        await q(`CREATE ROLE ${qIdent(role)}`);
        await q(`GRANT SELECT ON ${TABLE}, public.transactions_ts_recent TO ${qIdent(role)}`);

        // Pre-flight: TimescaleDB and its API, the composite key proposal, the view and the grant.
        const report = await engine.dispatch('migration:preflight', {
          profileId: PROFILE,
          schema: 'public',
          table: 'transactions_ts',
          timeColumn: 'executed_at',
          target: 'timescaledb',
        });
        expect(report.server.timescaledb).toMatchObject({
          api: 'columnstore',
          installed: expect.stringMatching(/^2\.23/),
        });
        expect(report.blocked).toBe(true);
        const key = report.items.find((i) => i.id === 'key:transactions_ts_pkey');
        expect(key?.status).toBe('blocking');
        expect(report.proposedKeys).toEqual([
          expect.objectContaining({
            columns: ['id'],
            proposedColumns: ['id', 'executed_at'],
            consequence: expect.stringMatching(/ON CONFLICT/),
          }),
        ]);
        expect(report.items.find((i) => i.id === 'dependent:views')?.objects).toEqual([
          '"public"."transactions_ts_recent"',
        ]);
        expect(report.advice.defaults).toMatchObject({
          interval: '1 day',
          compressAfter: '7 days',
          orderBy: [{ column: 'executed_at', direction: 'desc' }],
        });
        // account_id leads an index; with 97 accounts over 6,000 rows its segments would be too small to suggest.
        expect(report.advice.segmentByCandidates).toEqual([
          expect.objectContaining({
            column: 'account_id',
            distinct: 97,
            reason: expect.stringMatching(/too many values/),
          }),
        ]);

        const first = await plan(engine, 'public', 'transactions_ts', 'executed_at', 'timescaledb', {
          acceptCompositeKey: true,
          batchRows: 1_000,
          confirmedFreeBytes: 1e12,
        });
        const swapped = await runToEnd(engine, first.id);
        expect(swapped.state, why(swapped)).toBe('swapped');
        expect(swapped.validation?.ok, JSON.stringify(swapped.validation)).toBe(true);
        expect(swapped.validation?.checks.find((c) => c.id === 'compression')?.status).toBe('pass');
        expect(swapped.validation?.checks.find((c) => c.id === 'pruning')?.status).toBe('pass');
        expect(await check(engine)).toEqual({ missing: 0, extra: 0 });

        // A hypertable with chunks, compression settings and a policy added only now, after the swap.
        const ht = await q(
          `SELECT num_chunks FROM timescaledb_information.hypertables WHERE hypertable_name = 'transactions_ts'`,
        );
        expect(Number(ht.rows[0]?.num_chunks)).toBeGreaterThanOrEqual(20);
        const jobs = await q(
          `SELECT proc_name, scheduled FROM timescaledb_information.jobs WHERE hypertable_name = 'transactions_ts'`,
        );
        expect(jobs.rows).toEqual([{ proc_name: 'policy_compression', scheduled: true }]);
        // The composite key has the old key's name; id alone is no longer unique, (id, executed_at) is.
        const pk = await q(
          `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '${TABLE}'::regclass AND contype = 'p'`,
        );
        expect(pk.rows).toEqual([{ conname: 'transactions_ts_pkey', def: 'PRIMARY KEY (id, executed_at)' }]);

        // The application keeps working: the view reads the new table, the grant holds, the sequence continues.
        const inserted = await q(
          `INSERT INTO ${TABLE} (account_id, symbol, side, quantity, price, amount, executed_at, note) VALUES (5, 'NEW', 'buy', 1, 2, 2, '2026-01-10', 'after the swap') RETURNING *`,
        );
        const newId = Number(inserted.rows[0]!.id);
        expect(newId).toBeGreaterThan(6_000);
        await q(`INSERT INTO public.transactions_ts_expected SELECT * FROM ${TABLE} WHERE id = $1`, [newId]);
        await q(`UPDATE ${TABLE} SET note = 'changed after the swap' WHERE id IN (10, 20)`);
        await q(
          `UPDATE public.transactions_ts_expected SET note = 'changed after the swap' WHERE id IN (10, 20)`,
        );
        await q(`DELETE FROM ${TABLE} WHERE id = 30`);
        await q(`DELETE FROM public.transactions_ts_expected WHERE id = 30`);
        expect(
          (await q(`SELECT count(*)::int AS n FROM public.transactions_ts_recent WHERE id = $1`, [newId]))
            .rows[0]!.n,
        ).toBe(1);
        await q(`SET ROLE ${qIdent(role)}`);
        try {
          expect((await q(`SELECT count(*)::int AS n FROM ${TABLE} WHERE id = $1`, [newId])).rows[0]!.n).toBe(
            1,
          );
        } finally {
          await q(`RESET ROLE`);
        }
        expect(await check(engine)).toEqual({ missing: 0, extra: 0 });

        // Rollback: the original table is back under its name, with what was written since the swap.
        engine.service.rollback(first.id);
        const back = await engine.service.whenIdle(first.id);
        expect(back.state, why(back)).toBe('rolled_back');
        const isHyper = await q(
          `SELECT count(*)::int AS n FROM timescaledb_information.hypertables WHERE hypertable_name = 'transactions_ts'`,
        );
        expect(isHyper.rows[0]!.n).toBe(0);
        expect(await check(engine)).toEqual({ missing: 0, extra: 0 });
        const pkBack = await q(
          `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '${TABLE}'::regclass AND contype = 'p'`,
        );
        expect(pkBack.rows).toEqual([{ def: 'PRIMARY KEY (id)' }]);
        expect(
          (await q(`SELECT count(*)::int AS n FROM public.transactions_ts_recent WHERE id = $1`, [newId]))
            .rows[0]!.n,
        ).toBe(1);
        // The application writes to the original table again (no trigger of TimescaleDB's came back with it).
        const afterRollback = await q(
          `INSERT INTO ${TABLE} (account_id, symbol, side, quantity, price, amount, executed_at) VALUES (6, 'RB', 'sell', 1, 1, 1, '2026-01-11') RETURNING id`,
        );
        expect(Number(afterRollback.rows[0]!.id)).toBeGreaterThan(newId);
        await q(`INSERT INTO public.transactions_ts_expected SELECT * FROM ${TABLE} WHERE id = $1`, [
          afterRollback.rows[0]!.id,
        ]);
        const triggers = await q(
          `SELECT tgname FROM pg_trigger WHERE tgrelid = '${TABLE}'::regclass AND NOT tgisinternal`,
        );
        expect(triggers.rows).toEqual([]);

        // Migrated again, then cleaned up (the keep period is waived by typing the name).
        const second = await plan(engine, 'public', 'transactions_ts', 'executed_at', 'timescaledb', {
          acceptCompositeKey: true,
          batchRows: 2_500,
          confirmedFreeBytes: 1e12,
        });
        const again = await runToEnd(engine, second.id);
        expect(again.state, why(again)).toBe('swapped');
        expect(await check(engine)).toEqual({ missing: 0, extra: 0 });
        engine.service.cleanup(second.id, again.oldTable);
        const cleaned = await engine.service.whenIdle(second.id);
        expect(cleaned.state, why(cleaned)).toBe('cleaned_up');
        expect((await q(`SELECT to_regclass($1) AS r`, [second.plan.names.oldTable])).rows[0]!.r).toBeNull();
        expect(await check(engine)).toEqual({ missing: 0, extra: 0 });
        // The sequence survived the cleanup and still feeds the default.
        const next = await q(
          `INSERT INTO ${TABLE} (account_id, symbol, side, quantity, price, amount, executed_at) VALUES (1, 'Z', 'sell', 1, 1, 1, '2026-01-02') RETURNING id`,
        );
        expect(Number(next.rows[0]!.id)).toBeGreaterThan(Number(afterRollback.rows[0]!.id));
      } finally {
        await q(`RESET ROLE`).catch(() => {});
        await q(`DROP TABLE IF EXISTS ${TABLE}, public.transactions_ts_expected CASCADE`).catch(() => {});
        await q(`DROP ROLE IF EXISTS ${qIdent(role)}`).catch(() => {});
        await engine.close();
      }
    });
  });

  it('on a hypertable, foreign keys both ways, a trigger and row level security work after the swap and after the rollback', async () => {
    await withTimescale(async (ts) => {
      const engine = startEngine(ts.profile({ poolSize: 1 }), ts.password);
      const q = (sql: string, params?: unknown[]) => engine.query(sql, params);
      const R = `tidemark_ts_rls_${process.pid}`;
      try {
        await q(`SET search_path = public`);
        await q(
          `DROP TABLE IF EXISTS public."TS Trades", public.ts_accounts, public.ts_notes, public.ts_audit CASCADE`,
        );
        await q(`DROP ROLE IF EXISTS ${qIdent(R)}`);
        await q(`
          CREATE ROLE ${qIdent(R)};
          CREATE TABLE public.ts_accounts (id int PRIMARY KEY);
          INSERT INTO public.ts_accounts SELECT generate_series(1, 10);
          CREATE TABLE public."TS Trades" (
            id bigserial PRIMARY KEY, account int NOT NULL REFERENCES public.ts_accounts (id), "At" timestamptz NOT NULL,
            secret boolean NOT NULL DEFAULT false, UNIQUE (id, "At"));
          INSERT INTO public."TS Trades" (account, "At", secret) SELECT 1 + i % 10, '2026-03-01'::timestamptz + i * interval '10 minutes', i % 10 = 0 FROM generate_series(1, 2000) i;
          CREATE TABLE public.ts_notes (trade bigint NOT NULL, at timestamptz NOT NULL, FOREIGN KEY (trade, at) REFERENCES public."TS Trades" (id, "At"));
          INSERT INTO public.ts_notes SELECT id, "At" FROM public."TS Trades" WHERE id <= 5;
          CREATE TABLE public.ts_audit (trade bigint);
          CREATE FUNCTION public.ts_audit_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.ts_audit VALUES (NEW.id); RETURN NEW; END $$;
          CREATE TRIGGER audited AFTER INSERT ON public."TS Trades" FOR EACH ROW EXECUTE FUNCTION public.ts_audit_fn();
          ALTER TABLE public."TS Trades" ENABLE ROW LEVEL SECURITY;
          CREATE POLICY no_secrets ON public."TS Trades" FOR SELECT TO ${qIdent(R)} USING (NOT secret);
          GRANT SELECT ON public."TS Trades" TO ${qIdent(R)};
          ANALYZE public."TS Trades";`);
        const base = {
          profileId: PROFILE,
          schema: 'public',
          table: 'TS Trades',
          timeColumn: 'At',
          target: 'timescaledb' as const,
        };
        const withCompression = await engine.dispatch('migration:preflight', {
          ...base,
          settings: { acceptCompositeKey: true, confirmedFreeBytes: 1e12 },
        });
        expect(withCompression.items.find((i) => i.id === 'dependent:rls_compression')).toMatchObject({
          status: 'blocking',
          fix: expect.stringMatching(/compress after: none/),
        });
        const m = await plan(engine, 'public', 'TS Trades', 'At', 'timescaledb', {
          acceptCompositeKey: true,
          confirmedFreeBytes: 1e12,
          batchRows: 500,
          compressAfter: null,
        });
        const done = await runToEnd(engine, m.id);
        expect(done.state, why(done)).toBe('swapped');
        expect(done.validation?.ok, JSON.stringify(done.validation)).toBe(true);

        const check = async () => {
          await expect(
            q(`INSERT INTO public."TS Trades" (account, "At") VALUES (99, '2026-03-02')`),
          ).rejects.toMatchObject({ code: '23503' });
          await expect(q(`INSERT INTO public.ts_notes VALUES (123456, '2026-03-02')`)).rejects.toMatchObject({
            code: '23503',
          });
          const row = await q(
            `INSERT INTO public."TS Trades" (account, "At") VALUES (2, '2026-03-02') RETURNING id, "At"`,
          );
          await q(`INSERT INTO public.ts_notes VALUES ($1, $2)`, [row.rows[0]!.id, row.rows[0]!.At]);
          expect(
            (await q(`SELECT count(*)::int AS n FROM public.ts_audit WHERE trade = $1`, [row.rows[0]!.id]))
              .rows[0]!.n,
          ).toBe(1);
          // One session for everything here: the engine's own keeps row_security off (it never filters silently).
          await q(`SET row_security = on`);
          await q(`SET ROLE ${qIdent(R)}`);
          try {
            expect(
              (await q(`SELECT count(*)::int AS n FROM public."TS Trades" WHERE secret`)).rows[0]!.n,
            ).toBe(0);
            expect((await q(`SELECT count(*)::int AS n FROM public."TS Trades"`)).rows[0]!.n).toBeGreaterThan(
              1000,
            );
          } finally {
            await q(`RESET ROLE`);
            await q(`SET row_security = off`);
          }
        };
        expect((await q(`SELECT count(*)::int AS n FROM public.ts_audit`)).rows[0]!.n).toBe(0);
        await check();
        const ht = await q(
          `SELECT count(*)::int AS n FROM timescaledb_information.hypertables WHERE hypertable_name = 'TS Trades'`,
        );
        expect(ht.rows[0]!.n).toBe(1);

        engine.service.rollback(m.id);
        const back = await engine.service.whenIdle(m.id);
        expect(back.state, why(back)).toBe('rolled_back');
        await check();
        expect((await q(`SELECT count(*)::int AS n FROM public."TS Trades"`)).rows[0]!.n).toBe(2002);
      } finally {
        await q(`RESET ROLE`).catch(() => {});
        await q(
          `DROP TABLE IF EXISTS public."TS Trades", public.ts_accounts, public.ts_notes, public.ts_audit CASCADE`,
        ).catch(() => {});
        await q(`DROP FUNCTION IF EXISTS public.ts_audit_fn()`).catch(() => {});
        await q(`DROP ROLE IF EXISTS ${qIdent(R)}`).catch(() => {});
        await engine.close();
      }
    });
  });
});
