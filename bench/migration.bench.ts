/**
 * Migration benchmark (issue 5). Prints figures; asserts nothing.
 *
 * On one fresh embedded PostgreSQL 18 with a seed-shaped `transactions` table:
 * 1. rows/s of a single `INSERT INTO … SELECT * FROM transactions` into a
 *    partitioned table without indexes (what a DBA would run by hand), and of the
 *    wizard's batched copy into the same shape (each batch its own transaction,
 *    high-water mark committed with it) — alternating, median of the runs.
 *    Target: the wizard at least 0.8x the single INSERT … SELECT.
 * 2. How long the swap held its ACCESS EXCLUSIVE lock. Target: under 1 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { plan, startEngine } from '../src/main/migration/test-harness';
import { profileInputSchema } from '../src/shared/profile';
import { startPostgres } from '../test/support/servers';

const ROWS = Number(process.env.BENCH_MIGRATION_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_MIGRATION_RUNS ?? 3);

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export async function run(): Promise<void> {
  console.log(
    `\n== Migration: PostgreSQL 18, ${ROWS.toLocaleString('en-US')} rows over 90 days, ${RUNS} runs`,
  );
  const server = await startPostgres({ ssl: false });
  const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-bench-migration-'));
  const admin = new pg.Client({ ...server.info, database: 'postgres', ssl: false });
  await admin.connect();
  try {
    await admin.query(`
      CREATE TABLE transactions (
        id bigserial PRIMARY KEY, account_id integer NOT NULL, symbol text NOT NULL, side text NOT NULL,
        quantity numeric(18, 8) NOT NULL, price numeric(18, 8) NOT NULL, amount numeric(20, 8) NOT NULL,
        executed_at timestamptz NOT NULL, note text);
      CREATE INDEX ON transactions (executed_at);
      CREATE INDEX ON transactions (account_id, executed_at DESC);`);
    await admin.query(
      `INSERT INTO transactions (account_id, symbol, side, quantity, price, amount, executed_at, note)
       SELECT i % 997, 'S' || (i % 50), CASE WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END, i % 1000, 100 + i % 300,
              (i % 1000) * (100 + i % 300), timestamptz '2026-01-01' + (i::float8 / $1 * 90) * interval '1 day', NULL
         FROM generate_series(1, $1::int) i`,
      [ROWS],
    );
    await admin.query('VACUUM ANALYZE transactions');

    const fields = profileInputSchema.parse({
      name: 'bench',
      host: server.info.host,
      port: server.info.port,
      database: 'postgres',
      user: server.info.user,
      sslmode: 'disable',
      poolSize: 1,
      passwordMode: 'store',
    });
    const engine = startEngine(fields, server.info.password, dataDir);
    const single: number[] = [];
    const batched: number[] = [];
    const locks: number[] = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        // The hand-written way: one statement, one transaction, into the same shape.
        await admin.query(`DROP TABLE IF EXISTS by_hand`);
        await admin.query(
          `CREATE TABLE by_hand (LIKE transactions INCLUDING DEFAULTS) PARTITION BY RANGE (executed_at)`,
        );
        await admin.query(`CREATE TABLE by_hand_default PARTITION OF by_hand DEFAULT`);
        await admin.query(`
          DO $$ DECLARE d date; BEGIN
            FOR d IN SELECT generate_series(date '2026-01-01', date '2026-04-10', interval '1 day')::date LOOP
              EXECUTE format('CREATE TABLE %I PARTITION OF by_hand FOR VALUES FROM (%L) TO (%L)', 'by_hand_' || to_char(d, 'YYYYMMDD'), d, d + 1);
            END LOOP; END $$`);
        const started = performance.now();
        await admin.query(`INSERT INTO by_hand SELECT * FROM transactions`);
        single.push(ROWS / ((performance.now() - started) / 1000));
        await admin.query(`DROP TABLE by_hand`);

        // The wizard's copy, stopped before the swap.
        const m = await plan(engine, 'public', 'transactions', 'executed_at', 'partitions', {
          acceptCompositeKey: true,
          confirmedFreeBytes: 1e15,
          swap: { mode: 'confirm' },
        });
        engine.service.start(m.id, false);
        const ready = await engine.service.whenIdle(m.id);
        if (ready.state !== 'ready_to_swap')
          throw new Error(`the migration stopped: ${ready.error?.message}`);
        const copy = ready.steps.find((s) => s.key === 'copy');
        const seconds = (Date.parse(copy?.endedAt ?? '') - Date.parse(copy?.startedAt ?? '')) / 1000;
        batched.push(ROWS / seconds);

        engine.service.start(m.id, true);
        const swapped = await engine.service.whenIdle(m.id);
        if (swapped.state !== 'swapped') throw new Error(`the swap failed: ${swapped.error?.message}`);
        locks.push(swapped.swap?.lockHeldMs ?? Number.NaN);
        engine.service.rollback(m.id);
        const back = await engine.service.whenIdle(m.id);
        if (back.state !== 'rolled_back') throw new Error(`the rollback failed: ${back.error?.message}`);
      }
    } finally {
      await engine.close();
    }
    const a = median(single);
    const b = median(batched);
    console.log(`single INSERT … SELECT     ${Math.round(a).toLocaleString('en-US')} rows/s`);
    console.log(
      `wizard's batched copy      ${Math.round(b).toLocaleString('en-US')} rows/s  (${(b / a).toFixed(2)}x; target ≥ 0.8x)`,
    );
    console.log(
      `swap lock held             ${Math.round(median(locks))} ms median (${locks.map((l) => Math.round(l)).join(', ')} ms; target < 1000 ms)`,
    );
  } finally {
    await admin.end();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
