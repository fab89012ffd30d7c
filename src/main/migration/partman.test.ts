import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../../../test/support/cli';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { fingerprint, normalised } from '../../../test/support/fingerprint';
import {
  createTransactions,
  type Engine,
  PROFILE,
  plan,
  runToEnd,
  startEngine,
  why,
} from '../../../test/support/migration-engine';
import { psql, runPsqlFile } from '../../../test/support/psql';
import type { MigrationSettingsInput } from '../../shared/migration';
import { maintainPartitions } from './upkeep';
import { upkeepItem } from './upkeep-preflight';

/**
 * Handing the migrated table to pg_partman (Debian's PostgreSQL 15 with
 * pg_partman 4.7): the plan shows create_parent, the engine and the exported
 * script run it, part_config follows the swap and run_maintenance makes the
 * next partitions; Tidemark's upkeep leaves the table alone; a rollback
 * leaves no pg_partman configuration behind; the cleanup sets retention.
 */

const SETTINGS: MigrationSettingsInput = {
  acceptCompositeKey: true,
  confirmedFreeBytes: 1e12,
  interval: '1 week',
  partitionsAhead: 3,
  retention: '400 days',
  partitionUpkeep: 'pg_partman',
  batchRows: 700,
};

type Q = { query: pg.Client['query'] };

const children = async (q: Q, parent: string) =>
  (
    await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_catalog.pg_inherits WHERE inhparent = $1::regclass`,
      [parent],
    )
  ).rows[0]!.n;

const config = async (q: Q) =>
  (
    await q.query<{
      parent_table: string;
      premake: number;
      retention: string | null;
      template_table: string;
    }>(`SELECT parent_table, premake, retention, template_table FROM partman.part_config ORDER BY 1`)
  ).rows;

const templates = async (q: Q) =>
  (
    await q.query<{ t: string }>(
      `SELECT relname AS t FROM pg_catalog.pg_class WHERE relname LIKE 'template_%' ORDER BY 1`,
    )
  ).rows.map((r) => r.t);

async function withPartman(db: TestDatabase): Promise<pg.Client> {
  const admin = await db.admin();
  await admin.query(`CREATE SCHEMA partman; CREATE EXTENSION pg_partman SCHEMA partman`);
  return admin;
}

describe('pg_partman hand-over on postgres15', () => {
  let db: TestDatabase;
  let admin: pg.Client;
  let engine: Engine;

  const newTableOf = (id: string) => engine.service.journal.get(id)!.spec.names.newTable;

  beforeAll(async () => {
    db = await createTestDatabase('pg_partman hand-over', 'postgres15');
    admin = await withPartman(db);
    await createTransactions(admin, 'public.transactions', 3_000, 30);
    engine = startEngine(db.profile({ poolSize: 1 }), db.password);
  });
  afterAll(async () => {
    await admin?.end();
    await engine?.close();
    await db?.cleanup();
  });

  it('plans create_parent, runs it, follows the swap, and run_maintenance makes the next partitions', async () => {
    const report = await engine.dispatch('migration:preflight', {
      profileId: PROFILE,
      schema: 'public',
      table: 'transactions',
      timeColumn: 'executed_at',
      target: 'partitions',
      settings: SETTINGS,
    });
    const upkeep = report.items.find((i) => i.id === 'partition_upkeep');
    expect(upkeep?.status).toBe('pass');
    expect(upkeep?.reason).toMatch(/pg_partman 4\.7\.2 \(schema partman\) takes the table over/);
    // The wizard offers the hand-over only where pg_partman is installed.
    expect(report.advice.reasons.partitionUpkeep).toMatch(
      /pg_partman 4\.7\.2 is installed \(schema partman\)/,
    );
    const m = await plan(engine, 'public', 'transactions', 'executed_at', 'partitions', SETTINGS);
    const newTable = newTableOf(m.id);
    const steps = m.plan.phases.flatMap((p) => p.steps);
    expect(steps.map((s) => s.key)).not.toContain('partitions');
    const handOver = steps.find((s) => s.key === 'partman')!;
    expect(handOver.sql).toEqual([
      `SELECT "partman".create_parent(p_parent_table := 'public.${newTable}', p_control := 'executed_at', p_type := 'native', p_interval := '1 week', p_premake := 3, p_start_partition := (SELECT min("executed_at")::text FROM "public"."transactions"));`,
    ]);
    expect(steps.find((s) => s.key === 'finish')!.sql).toContain(
      `UPDATE "partman"."part_config" SET parent_table = 'public.transactions', infinite_time_partitions = true WHERE parent_table = 'public.${newTable}';`,
    );
    expect(steps.find((s) => s.key === 'cleanup')!.sql).toContain(
      `UPDATE "partman"."part_config" SET retention = '400 days', retention_keep_table = true WHERE parent_table = 'public.transactions';`,
    );
    const { script } = await engine.dispatch('migration:export', { id: m.id });
    expect(script).toContain(handOver.sql[0]);

    const done = await runToEnd(engine, m.id);
    expect(done.state, why(done)).toBe('swapped');
    expect((await config(admin)).map((c) => [c.parent_table, c.premake, c.retention])).toEqual([
      ['public.transactions', 3, null],
    ]);
    expect(Number((await admin.query(`SELECT count(*) FROM public.transactions`)).rows[0].count)).toBe(3_000);
    const inDefault = await admin.query(
      `SELECT count(*)::int AS n FROM public.transactions WHERE tableoid::regclass::text LIKE '%default'`,
    );
    expect(inDefault.rows[0].n).toBe(0);

    // Time passes, as far as pg_partman can tell: two more weeks wanted ahead.
    const before = await children(admin, 'public.transactions');
    await admin.query(
      `UPDATE partman.part_config SET premake = 5 WHERE parent_table = 'public.transactions'`,
    );
    await admin.query(`SELECT partman.run_maintenance('public.transactions')`);
    // pg_partman counts premake from the partition holding now, and names new partitions after the live table.
    expect(await children(admin, 'public.transactions')).toBeGreaterThanOrEqual(before + 2);
    const ahead = await admin.query<{ n: number; named: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE c.relname LIKE 'transactions\\_p%')::int AS named
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'public.transactions'::regclass AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
          AND substring(pg_get_expr(c.relpartbound, c.oid) from 'FROM \\(''([^'']+)''')::timestamptz > now()`,
    );
    expect(ahead.rows[0]!.n).toBeGreaterThanOrEqual(5);
    expect(ahead.rows[0]!.named).toBeGreaterThanOrEqual(2);

    // Tidemark's upkeep (timer and CLI) leaves the table to pg_partman and says why.
    const spec = engine.service.journal.get(m.id)!.spec;
    const upkept = await engine.pools.withClient(PROFILE, (c) => maintainPartitions(c, spec, new Date()));
    expect(upkept.created).toEqual([]);
    expect(upkept.skipped).toMatch(
      /handed to pg_partman at the migration: its run_maintenance keeps the partitions/,
    );

    engine.service.rollback(m.id);
    const back = await engine.service.whenIdle(m.id);
    expect(back.state, why(back)).toBe('rolled_back');
    expect(await config(admin)).toEqual([]);
    expect(await templates(admin)).toEqual([]);
    const kind = await admin.query(
      `SELECT relkind::text AS k FROM pg_class WHERE oid = 'public.transactions'::regclass`,
    );
    expect(kind.rows[0].k).toBe('r');
  });

  it('the cleanup hands retention to part_config', async () => {
    const m = await plan(engine, 'public', 'transactions', 'executed_at', 'partitions', SETTINGS);
    const done = await runToEnd(engine, m.id);
    expect(done.state, why(done)).toBe('swapped');
    engine.service.cleanup(m.id, done.oldTable);
    const cleaned = await engine.service.whenIdle(m.id);
    expect(cleaned.state, why(cleaned)).toBe('cleaned_up');
    expect((await config(admin)).map((c) => [c.parent_table, c.retention])).toEqual([
      ['public.transactions', '400 days'],
    ]);
    await admin.query(`SELECT partman.run_maintenance('public.transactions')`);
  });

  it('a cancel before the swap leaves no pg_partman configuration', async () => {
    await admin.query(`CREATE TABLE public.other (LIKE public.transactions INCLUDING ALL)`);
    await admin.query(`INSERT INTO public.other SELECT * FROM public.transactions`);
    const m = await plan(engine, 'public', 'other', 'executed_at', 'partitions', {
      ...SETTINGS,
      swap: { mode: 'confirm' },
    });
    const newTable = newTableOf(m.id);
    const ready = await runToEnd(engine, m.id);
    expect(ready.state, why(ready)).toBe('ready_to_swap');
    expect((await config(admin)).map((c) => c.parent_table)).toContain(`public.${newTable}`);
    engine.service.cancel(m.id);
    const gone = await engine.service.whenIdle(m.id);
    expect(gone.state, why(gone)).toBe('cancelled');
    expect((await config(admin)).map((c) => c.parent_table)).not.toContain(`public.${newTable}`);
    expect(await templates(admin)).not.toContain(`template_public_${newTable}`);
  });

  it('pre-flight refuses the hand-over when the role cannot use pg_partman, or the time column allows NULLs', async () => {
    const table = {
      reloptions: [] as string[],
      schema: 'public',
      table: 'transactions',
      time: { name: 'executed_at', kind: 'timestamptz' as const, notNull: true },
    };
    const base = engine.service.journal.list(PROFILE)[0]!.spec.settings;
    await admin.query(`CREATE ROLE partman_outsider NOLOGIN`);
    await admin.query(`GRANT USAGE ON SCHEMA partman TO partman_outsider`);
    await admin.query(`SET ROLE partman_outsider`);
    try {
      const refused = await upkeepItem(admin, base, table);
      expect(refused.status).toBe('blocking');
      expect(refused.reason).toMatch(/This role cannot use pg_partman: it lacks CREATE on schema partman/);
      const offered = await upkeepItem(admin, { ...base, partitionUpkeep: 'tidemark' }, table);
      expect(offered.status).toBe('warning');
      expect(offered.reason).toMatch(/cannot be handed to it: This role cannot use pg_partman/);
    } finally {
      await admin.query(`RESET ROLE`);
    }
    const nullable = await upkeepItem(admin, base, { ...table, time: { ...table.time, notNull: false } });
    expect(nullable.status).toBe('blocking');
    expect(nullable.fix).toMatch(/ALTER COLUMN "executed_at" SET NOT NULL/);
    const tuned = await upkeepItem(admin, base, { ...table, reloptions: ['fillfactor=90'] });
    expect(tuned.status).toBe('blocking');
    expect(tuned.reason).toMatch(/storage parameters \(fillfactor=90\)/);
  });
});

/** The exported script hands the table over exactly as the engine does. */
describe.skipIf(!psql)('pg_partman hand-over: the export against the engine on postgres15', () => {
  let byEngine: TestDatabase;
  let byScript: TestDatabase;
  let a: pg.Client;
  let b: pg.Client;
  let engineA: Engine;
  let engineB: Engine;
  beforeAll(async () => {
    byEngine = await createTestDatabase('partman export (engine)', 'postgres15');
    byScript = await createTestDatabase('partman export (script)', 'postgres15');
    a = await withPartman(byEngine);
    b = await withPartman(byScript);
    await createTransactions(a, 'public.transactions', 3_000, 30);
    await createTransactions(b, 'public.transactions', 3_000, 30);
    engineA = startEngine(byEngine.profile({ poolSize: 1 }), byEngine.password);
    engineB = startEngine(byScript.profile({ poolSize: 1 }), byScript.password);
  });
  afterAll(async () => {
    await a?.end();
    await b?.end();
    await engineA?.close();
    await engineB?.close();
    await byEngine?.cleanup();
    await byScript?.cleanup();
  });

  it('leaves the same partitions and part_config whether the engine or psql runs the plan', async () => {
    const viaEngine = await plan(engineA, 'public', 'transactions', 'executed_at', 'partitions', SETTINGS);
    const viaScript = await plan(engineB, 'public', 'transactions', 'executed_at', 'partitions', SETTINGS);
    const done = await runToEnd(engineA, viaEngine.id);
    expect(done.state, why(done)).toBe('swapped');
    const { fileName, script } = await engineB.dispatch('migration:export', { id: viaScript.id });
    const file = join(engineB.dataDir, fileName);
    writeFileSync(file, script);
    const ran = await runPsqlFile(byScript, file);
    expect(ran.out).not.toMatch(/ERROR/);
    expect(ran.code).toBe(0);

    const engineSide = normalised(await fingerprint(a), viaEngine.id);
    const scriptSide = normalised(await fingerprint(b), viaScript.id);
    expect(engineSide.some((l) => l.includes('_p20'))).toBe(true);
    expect(scriptSide).toEqual(engineSide);
    const partman = async (q: Q, id: string) =>
      normalised(
        (await config(q)).map((c) => JSON.stringify(c)),
        id,
      );
    expect(await partman(b, viaScript.id)).toEqual(await partman(a, viaEngine.id));
    expect((await config(a))[0]?.parent_table).toBe('public.transactions');
  });
});

/** The CLI: `migrate plan --pg-partman`, then `partitions maintain` says the table is pg_partman's (the real process). */
describe('pg_partman hand-over from the tidemark CLI on postgres15', () => {
  let db: TestDatabase;
  let admin: pg.Client;
  const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cli-partman-'));
  const tidemark = (...args: string[]) => spawnCli(args, { dataDir });
  beforeAll(async () => {
    db = await createTestDatabase('cli pg_partman', 'postgres15');
    admin = await withPartman(db);
    await createTransactions(admin, 'public.ledger', 2_000, 20);
    const { host, port, database, user } = db.fields;
    const url = `postgresql://${user}:${encodeURIComponent(db.password)}@${host}:${port}/${database}?sslmode=disable`;
    expect((await tidemark('profiles', 'add', '--url', url, '--name', 'pg')).code).toBe(0);
  });
  afterAll(async () => {
    await admin?.end();
    await db?.cleanup();
  });

  it('plans with --pg-partman, runs, and partitions maintain leaves the table to pg_partman', async () => {
    const plan = await tidemark(
      'migrate',
      'plan',
      'pg',
      'ledger',
      '--time',
      'executed_at',
      '--target',
      'partitions',
      '--accept-composite-key',
      '--free',
      '10GB',
      '--interval',
      '1 week',
      '--pg-partman',
      '--json',
    );
    expect(plan.code, plan.stderr).toBe(0);
    const id = (JSON.parse(plan.stdout) as { migration: { id: string } }).migration.id;
    const run = await tidemark('migrate', 'run', id);
    expect(run.code, run.stderr).toBe(0);
    expect((await config(admin)).map((c) => c.parent_table)).toEqual(['public.ledger']);
    const maintained = await tidemark('partitions', 'maintain', 'pg');
    expect(maintained.code, maintained.stderr).toBe(0);
    expect(maintained.stdout).toMatch(
      /public\.ledger: skipped\. public\.ledger was handed to pg_partman at the migration/,
    );
  });
});
