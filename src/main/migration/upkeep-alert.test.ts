import type Database from 'better-sqlite3';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import {
  createTransactions,
  type Engine,
  PROFILE,
  plan,
  runToEnd,
  startEngine,
  why,
} from '../../../test/support/migration-engine';
import type { Alert } from '../../shared/alerts';
import type { Migration, PreflightReport } from '../../shared/migration';
import { AlertService } from '../alerts/alert-service';
import { EventBus } from '../events';
import { openStore } from '../local-db/database';
import { ProfileRepository } from '../local-db/profile-repository';
import { createLogger } from '../logger';

/**
 * Time passes after a migration to native partitions and upkeep cannot keep
 * up: the partition_upkeep alert fires when rows stay in the DEFAULT partition
 * or too few partitions are left ahead, and clears once upkeep can do its work
 * again. The engine and the alerts only meet on the event bus.
 */

const DAY_MS = 86_400_000;
/** The day partition's name for `days` from now (upkeep runs on the real clock here). */
const dayPartition = (days: number) =>
  `transactions_p${new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '')}`;

describe.each(testServers)('the partition upkeep alert on %s', (server) => {
  let db: TestDatabase;
  let admin: pg.Client;
  let engine: Engine;
  let migration: Migration;
  let planned: Migration;
  let preflight: PreflightReport;
  let store: Database.Database;
  let alerts: AlertService;
  const bus = new EventBus();

  beforeAll(async () => {
    db = await createTestDatabase('partition upkeep alert', server);
    admin = await db.admin();
    await createTransactions(admin, 'public.transactions', 1_000, 30);
    engine = startEngine(db.profile({ poolSize: 1 }), db.password);
    engine.onEvent((m) => bus.emit(m.event, m.payload as never));
    // The alerts' own handle on the engine's store, with the profile the engine works on.
    store = openStore(engine.dataDir).db;
    store
      .prepare(
        `INSERT INTO profiles (id, name, host, port, database, user_name, sslmode, connect_timeout_sec,
           statement_timeout_ms, pool_size, password_mode, created_at, updated_at)
         VALUES (?, 'Prod EU', 'h', 5432, 'd', 'u', 'prefer', 10, 15000, 1, 'pgpass', 't', 't')`,
      )
      .run(PROFILE);
    const profiles = new ProfileRepository(store);
    alerts = new AlertService({
      db: store,
      events: bus,
      logger: createLogger(null),
      now: () => new Date(),
      forecast: () => {
        throw new Error('no forecast here');
      },
      profiles: { get: (id) => profiles.get(id)!.profile },
    });
    alerts.start();
    // PostgreSQL 15 carries pg_partman: there the pre-flight names it.
    if (server === 'postgres15')
      await admin.query('CREATE SCHEMA partman; CREATE EXTENSION pg_partman SCHEMA partman');
    const settings = {
      acceptCompositeKey: true,
      interval: '1 day',
      partitionsAhead: 2,
      confirmedFreeBytes: 1e12,
    };
    preflight = await engine.dispatch('migration:preflight', {
      profileId: PROFILE,
      schema: 'public',
      table: 'transactions',
      timeColumn: 'executed_at',
      target: 'partitions',
      settings,
    });
    migration = await plan(engine, 'public', 'transactions', 'executed_at', 'partitions', settings);
    planned = migration;
    const done = await runToEnd(engine, migration.id);
    expect(done.state, why(done)).toBe('swapped');
    migration = done;
  });
  afterAll(async () => {
    alerts?.stop();
    store?.close();
    await engine?.close();
    await db?.cleanup();
  });

  const upkeepAlerts = (include: 'active' | 'all' = 'active'): Alert[] =>
    alerts.list(PROFILE, include).filter((a) => a.kind === 'partition_upkeep');

  it('the plan and the pre-flight say what upkeep does, and name pg_partman where the server has it', async () => {
    const promise =
      "After the swap, Tidemark keeps 2 partitions ahead on the profile's sampling timer (while Tidemark runs) " +
      'and with tidemark partitions maintain PROFILE TABLE';
    const step = planned.plan.phases.flatMap((p) => p.steps).find((s) => s.key === 'partitions');
    expect(step?.why).toContain(promise);
    expect(preflight.advice.reasons.partitionsAhead).toMatch(/After the swap Tidemark keeps this many ahead/);
    const item = preflight.items.find((i) => i.id === 'partition_upkeep');
    expect(item).toMatchObject({ status: 'pass' });
    expect(item?.reason).toContain(promise);
    if (server === 'postgres15') {
      expect(item?.reason).toMatch(
        /pg_partman \d+\.\d+\.\d+ is installed \(schema partman\): the table can be handed to it instead \(the Partition upkeep setting\)\./,
      );
    } else {
      const { rows } = await admin.query(
        `SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'pg_partman'`,
      );
      if (rows[0].n === 0) expect(item?.reason).not.toContain('pg_partman');
      else expect(item?.reason).toMatch(/pg_partman .* is available on the server but not created/);
    }
  });

  it('fires while a row stays in the DEFAULT partition, and clears once upkeep can place it', async () => {
    // Weeks later a row lands beyond the partitions, and its partition cannot be made:
    // a plain table already has the name.
    await admin.query(`INSERT INTO transactions (account_id, symbol, side, quantity, price, amount, executed_at)
      VALUES (1, 'LATE', 'buy', 1, 1, 1, '2026-02-10 08:00+00')`);
    await admin.query('CREATE TABLE public.transactions_p20260210 (note text)');

    const [report] = await engine.service.maintainPartitions(PROFILE);
    expect(report).toMatchObject({ defaultRows: 1, defaultPartition: 'public.transactions_default' });
    const [raised] = upkeepAlerts();
    expect(raised).toMatchObject({
      severity: 'warning',
      subject: { type: 'relation', name: 'public.transactions', relationId: null },
      resolvedAt: null,
    });
    expect(raised!.message).toMatch(
      /^1 row is in public\.transactions_default, the DEFAULT partition of public\.transactions: no partition takes it \(a NULL executed_at/,
    );
    expect(raised!.message).toContain("Run tidemark partitions maintain 'Prod EU' public.transactions");
    expect(raised!.message).not.toMatch(/left ahead/);

    // Still there at the next round: the same alert, refreshed, and it can be acknowledged.
    await engine.service.maintainPartitions(PROFILE);
    expect(upkeepAlerts().map((a) => a.id)).toEqual([raised!.id]);
    expect(alerts.acknowledge(raised!.id).acknowledged).toMatchObject({ until: null });

    // The DBA removes what was in the way; the next round moves the row and the alert clears.
    await admin.query('DROP TABLE public.transactions_p20260210');
    const [fixed] = await engine.service.maintainPartitions(PROFILE, 'public.transactions');
    expect(fixed).toMatchObject({ movedRows: 1, defaultRows: 0 });
    expect(upkeepAlerts()).toEqual([]);
    const [cleared] = upkeepAlerts('all');
    expect(cleared).toMatchObject({ id: raised!.id, resolution: 'cleared' });
  });

  it('fires when fewer than two partitions are left ahead, and clears once they are made', async () => {
    // Tomorrow's partition is gone and a plain table holds its name: upkeep cannot make it.
    const tomorrow = dayPartition(1);
    await admin.query(`ALTER TABLE public.transactions DETACH PARTITION public.${tomorrow}`);
    await admin.query(`DROP TABLE public.${tomorrow}`);
    await admin.query(`CREATE TABLE public.${tomorrow} (note text)`);

    const [report] = await engine.service.maintainPartitions(PROFILE);
    expect(report).toMatchObject({ ahead: 1, wantedAhead: 2, defaultRows: 0 });
    const [raised] = upkeepAlerts();
    expect(raised?.message).toMatch(
      /^Only 1 partition is left ahead of now in public\.transactions \(upkeep keeps 2\): once time passes them, new rows land in the DEFAULT partition\./,
    );

    await admin.query(`DROP TABLE public.${tomorrow}`);
    const [fixed] = await engine.service.maintainPartitions(PROFILE);
    expect(fixed).toMatchObject({ created: [tomorrow], ahead: 2 });
    expect(upkeepAlerts()).toEqual([]);
  });

  it('clears when the table is no longer partitioned (rolled back)', async () => {
    await admin.query(`INSERT INTO transactions (account_id, symbol, side, quantity, price, amount, executed_at)
      VALUES (1, 'LATE', 'buy', 1, 1, 1, '2026-03-05 08:00+00')`);
    await admin.query('CREATE TABLE public.transactions_p20260305 (note text)');
    await engine.service.maintainPartitions(PROFILE);
    expect(upkeepAlerts()[0]?.message).toMatch(/^1 row is in public\.transactions_default/);

    engine.service.rollback(migration.id);
    const rolledBack = await engine.service.whenIdle(migration.id);
    expect(rolledBack.state, why(rolledBack)).toBe('rolled_back');
    expect(await engine.service.maintainPartitions(PROFILE)).toEqual([]);
    expect(upkeepAlerts()).toEqual([]);
  });
});
