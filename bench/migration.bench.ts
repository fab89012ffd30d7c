/**
 * Migration benchmark (issues 5, 9, 12). Prints figures; asserts nothing.
 *
 * On one fresh embedded PostgreSQL 18 with a seed-shaped `transactions` table:
 * 1. rows/s of a single `INSERT INTO … SELECT * FROM transactions` into a
 *    partitioned table without indexes (what a DBA would run by hand), and of the
 *    wizard's batched copy into the same shape (daily partitions both; each batch
 *    its own transaction, the high-water mark committed with it): on one session
 *    with batches of 50,000 rows (batchSeconds 0, the sizing before batches were
 *    timed) and with the default time-sized batches, and on 2 sessions. Runs
 *    alternate; each copy is compared with the single INSERT of its own run, and
 *    the median ratio is printed with its range. Target: the wizard at least 0.8x.
 * 2. End to end: the hand-written move (INSERT … SELECT, then CREATE INDEX for
 *    each index the wizard builds, then ANALYZE) against the wizard's run from
 *    start to ready-to-swap. Target: at most 1.3x.
 * 3. How long the swap held its ACCESS EXCLUSIVE lock. Target: under 1 s.
 * 4. The same copy over a link with a round trip of LINK_RTT_MS (a TCP proxy
 *    holding each packet), as from a workstation through an SSH tunnel: the
 *    single INSERT, fixed batches and time-sized batches.
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Migration, MigrationSettingsInput } from '../src/shared/migration';
import { profileInputSchema } from '../src/shared/profile';
import { type Engine, plan, startEngine } from '../test/support/migration-engine';
import { startPostgres } from '../test/support/servers';
import { startTcpProxy } from '../test/support/tcp-proxy';
import { median } from './support';

const ROWS = Number(process.env.BENCH_MIGRATION_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_MIGRATION_RUNS ?? 7);
/** Sessions the wizard may use (the profile's pool size): what the 2-session copy and parallel builds draw on. */
const POOL = 2;
const LINK_RTT_MS = 10;

const seconds = (from?: string | null, to?: string | null) =>
  (Date.parse(to ?? '') - Date.parse(from ?? '')) / 1000;
const fmt = (s: number) => `${s.toFixed(2)} s`;

interface WizardRun {
  copySeconds: number;
  batches: number;
  total: number;
  steps: Record<string, number>;
  lockMs: number;
}

/** The wizard's settings in every run: the same daily partitions as the hand-written move. */
const SHAPE: MigrationSettingsInput = {
  interval: '1 day',
  acceptCompositeKey: true,
  confirmedFreeBytes: 1e15,
  swap: { mode: 'confirm' },
};
const FIXED: MigrationSettingsInput = { copySessions: 1, buildSessions: 1, batchSeconds: 0 };
const TIMED: MigrationSettingsInput = { copySessions: 1, buildSessions: 1 };
const TWO: MigrationSettingsInput = { copySessions: POOL, buildSessions: POOL };

export async function run(): Promise<void> {
  console.log(
    `\n== Migration: PostgreSQL 18, ${ROWS.toLocaleString('en-US')} rows over 90 days, ${RUNS} runs, pool of ${POOL} sessions`,
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

    const profile = (host: string, port: number) =>
      profileInputSchema.parse({
        name: 'bench',
        host,
        port,
        database: 'postgres',
        user: server.info.user,
        sslmode: 'disable',
        poolSize: POOL,
        passwordMode: 'store',
      });
    const engine = startEngine(profile(server.info.host, server.info.port), server.info.password, dataDir);
    const byHand: Array<Record<string, number>> = [];
    const runs = { fixed: [] as WizardRun[], timed: [] as WizardRun[], two: [] as WizardRun[] };
    try {
      for (let i = 0; i < RUNS; i++) {
        byHand.push(await handWritten(admin));
        for (const [key, settings] of [
          ['fixed', FIXED],
          ['timed', TIMED],
          ['two', TWO],
        ] as const) {
          await quiet(admin);
          runs[key].push(await wizardRun(engine, settings));
        }
      }
    } finally {
      await engine.close();
    }
    const single = byHand.map((h) => h.insert!);
    console.log(
      `single INSERT … SELECT     ${rate(median(single))}  (${single.map((s) => fmt(s)).join(', ')})`,
    );
    const copyLine = (label: string, rs: WizardRun[]) => {
      const ratios = rs.map((r, k) => single[k]! / r.copySeconds);
      const batches = median(rs.map((r) => r.batches));
      console.log(
        `${label.padEnd(27)}${rate(median(rs.map((r) => r.copySeconds)))}  ${median(ratios).toFixed(2)}x its run's single INSERT (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}x; target ≥ 0.8x), ${batches} batches`,
      );
    };
    copyLine("wizard's copy, 50,000 rows", runs.fixed);
    copyLine("wizard's copy, 1 s batches", runs.timed);
    copyLine(`wizard's copy, ${POOL} sessions`, runs.two);

    const hand = median(byHand.map((h) => h.total!));
    const part = (k: string) => fmt(median(byHand.map((h) => h[k]!)));
    console.log(
      `by hand, end to end        ${fmt(hand)} (INSERT … SELECT ${part('insert')}, CREATE INDEX ${part('index')}, ANALYZE ${part('analyze')})`,
    );
    for (const [label, rs] of [
      ['1 session', runs.timed],
      [`${POOL} sessions`, runs.two],
    ] as const) {
      const total = median(rs.map((r) => r.total));
      const keys = Object.keys(rs[0]!.steps);
      const steps = keys.map((k) => `${k} ${fmt(median(rs.map((r) => r.steps[k] ?? 0)))}`).join(', ');
      console.log(
        `wizard to ready-to-swap, ${label.padEnd(10)} ${fmt(total)} (${(total / hand).toFixed(2)}x by hand; target ≤ 1.3x) — ${steps}`,
      );
    }
    const locks = [...runs.timed, ...runs.two].map((r) => r.lockMs);
    console.log(
      `swap lock held             ${Math.round(median(locks))} ms median (${locks.map((l) => Math.round(l)).join(', ')} ms; target < 1000 ms)`,
    );

    // Over a slow link: what each batch's round trips cost.
    const proxy = await startTcpProxy(server.info, { delayMs: LINK_RTT_MS / 2 });
    const far = startEngine(profile(proxy.host, proxy.port), server.info.password);
    const farAdmin = new pg.Client({ ...server.info, host: proxy.host, port: proxy.port, ssl: false });
    await farAdmin.connect();
    try {
      const far3 = { single: [] as number[], fixed: [] as WizardRun[], timed: [] as WizardRun[] };
      for (let i = 0; i < 3; i++) {
        far3.single.push((await handWritten(farAdmin)).insert!);
        await quiet(admin);
        far3.fixed.push(await wizardRun(far, FIXED));
        await quiet(admin);
        far3.timed.push(await wizardRun(far, TIMED));
      }
      const farLine = (rs: WizardRun[]) =>
        `${rate(median(rs.map((r) => r.copySeconds)))} (${median(rs.map((r, k) => far3.single[k]! / r.copySeconds)).toFixed(2)}x, ${median(rs.map((r) => r.batches))} batches)`;
      console.log(
        `over a ${LINK_RTT_MS} ms round trip, 3 runs: single INSERT … SELECT ${rate(median(far3.single))}; wizard's copy, 50,000 rows ${farLine(far3.fixed)}; 1 s batches ${farLine(far3.timed)}`,
      );
    } finally {
      await farAdmin.end();
      await far.close();
      await proxy.close();
    }
  } finally {
    await admin.end();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const rate = (copySeconds: number) => `${Math.round(ROWS / copySeconds).toLocaleString('en-US')} rows/s`;

/**
 * Each measurement starts without the previous one's dirty pages to write: the
 * bench server runs with fsync off, so CHECKPOINT leaves them to the kernel,
 * and sync writes them out.
 */
async function quiet(admin: pg.Client): Promise<void> {
  await admin.query('CHECKPOINT');
  execSync('sync');
}

/** The hand-written move into the same shape: one INSERT … SELECT, the wizard's indexes, one ANALYZE. */
async function handWritten(admin: pg.Client): Promise<Record<string, number>> {
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
  await quiet(admin);
  const t0 = performance.now();
  await admin.query(`INSERT INTO by_hand SELECT * FROM transactions`);
  const t1 = performance.now();
  await admin.query(`ALTER TABLE by_hand ADD PRIMARY KEY (id, executed_at)`);
  await admin.query(`CREATE INDEX ON by_hand (executed_at)`);
  await admin.query(`CREATE INDEX ON by_hand (account_id, executed_at DESC)`);
  const t2 = performance.now();
  await admin.query(`ANALYZE by_hand`);
  const t3 = performance.now();
  await admin.query(`DROP TABLE by_hand`);
  return {
    insert: (t1 - t0) / 1000,
    index: (t2 - t1) / 1000,
    analyze: (t3 - t2) / 1000,
    total: (t3 - t0) / 1000,
  };
}

/** The wizard from start to ready-to-swap, then the swap and a rollback (so the next run finds the table as it was). */
async function wizardRun(engine: Engine, settings: MigrationSettingsInput): Promise<WizardRun> {
  const m = await plan(engine, 'public', 'transactions', 'executed_at', 'partitions', {
    ...SHAPE,
    ...settings,
  });
  const started = performance.now();
  engine.service.start(m.id, false);
  const ready: Migration = await engine.service.whenIdle(m.id);
  const total = (performance.now() - started) / 1000;
  if (ready.state !== 'ready_to_swap') throw new Error(`the migration stopped: ${ready.error?.message}`);
  const steps: Record<string, number> = {};
  for (const s of ready.steps) if (s.startedAt && s.endedAt) steps[s.key] = seconds(s.startedAt, s.endedAt);
  const copy = ready.steps.find((s) => s.key === 'copy');
  const copySeconds = seconds(copy?.startedAt, copy?.endedAt);
  const batches = engine.service.journal.events(m.id, 'batch_done').length;

  engine.service.start(m.id, true);
  const swapped = await engine.service.whenIdle(m.id);
  if (swapped.state !== 'swapped') throw new Error(`the swap failed: ${swapped.error?.message}`);
  const lockMs = swapped.swap?.lockHeldMs ?? Number.NaN;
  engine.service.rollback(m.id);
  const back = await engine.service.whenIdle(m.id);
  if (back.state !== 'rolled_back') throw new Error(`the rollback failed: ${back.error?.message}`);
  return { copySeconds, batches, total, steps, lockMs };
}
