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
import type { Migration } from '../../shared/migration';
import type { MigrationSpec } from './spec';
import { maintainedTables, maintainPartitions } from './upkeep';

/**
 * Time passes after a migration to native partitions: rows arrive beyond the
 * partitions made at the swap. Upkeep makes the next partitions, moves the
 * rows that landed in the DEFAULT partition into them, keeps partitions ahead
 * and detaches what retention let go — on PostgreSQL 18 and 15.
 */

const partitionOf = async (admin: pg.Client, id: number) =>
  (
    await admin.query<{ p: string }>(`SELECT tableoid::regclass::text AS p FROM transactions WHERE id = $1`, [
      id,
    ])
  ).rows[0]?.p;

describe.each(testServers)('partition upkeep on %s', (server) => {
  let db: TestDatabase;
  let admin: pg.Client;
  let engine: Engine;
  let migration: Migration;
  let spec: MigrationSpec;

  beforeAll(async () => {
    db = await createTestDatabase('partition upkeep', server);
    admin = await db.admin();
    // 30 days from 2026-01-01.
    await createTransactions(admin, 'public.transactions', 3_000, 30);
    engine = startEngine(db.profile({ poolSize: 1 }), db.password);
    migration = await plan(engine, 'public', 'transactions', 'executed_at', 'partitions', {
      acceptCompositeKey: true,
      interval: '1 day',
      partitionsAhead: 2,
      confirmedFreeBytes: 1e12,
    });
    const done = await runToEnd(engine, migration.id);
    expect(done.state, why(done)).toBe('swapped');
    migration = done;
    spec = engine.service.journal.get(migration.id)!.spec;
  });
  afterAll(async () => {
    await engine?.close();
    await db?.cleanup();
  });

  const insertAt = async (at: string) =>
    Number(
      (
        await admin.query<{ id: string }>(
          `INSERT INTO transactions (account_id, symbol, side, quantity, price, amount, executed_at)
           VALUES (1, 'LATE', 'buy', 1, 1, 1, $1) RETURNING id`,
          [at],
        )
      ).rows[0]!.id,
    );

  const maintain = (now: string) =>
    engine.pools.withClient(PROFILE, (client) => maintainPartitions(client, spec, new Date(now)));

  it('makes the next partitions, moves rows out of the DEFAULT partition, and says how many are ahead', async () => {
    const specs = maintainedTables(engine.service.journal.list(PROFILE));
    expect(specs.map((s) => s.names.table)).toEqual(['transactions']);

    // Weeks later: rows land beyond every partition, in the DEFAULT one.
    const late = [await insertAt('2026-02-10 08:00+00'), await insertAt('2026-02-10 09:00+00')];
    expect(await partitionOf(admin, late[0]!)).toBe('transactions_default');

    const report = await maintain('2026-02-12T12:00:00Z');
    expect(report.skipped).toBeNull();
    expect(report.created).toEqual(
      expect.arrayContaining([
        'transactions_p20260210',
        'transactions_p20260212',
        'transactions_p20260213',
        'transactions_p20260214',
      ]),
    );
    expect(report.movedRows).toBe(2);
    expect(report.defaultRows).toBe(0);
    expect(report.ahead).toBe(2);
    for (const id of late) expect(await partitionOf(admin, id)).toBe('transactions_p20260210');

    // A row for tomorrow now has its partition; nothing was lost on the way.
    const tomorrow = await insertAt('2026-02-13 10:00+00');
    expect(await partitionOf(admin, tomorrow)).toBe('transactions_p20260213');
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM transactions WHERE symbol = 'LATE'`);
    expect(rows[0].n).toBe(3);

    // A second round the same day has nothing to do.
    const again = await maintain('2026-02-12T13:00:00Z');
    expect(again).toMatchObject({ created: [], movedRows: 0, defaultRows: 0, ahead: 2 });
  });

  it('detaches partitions older than the retention, keeping their rows in tables of their own', async () => {
    const retained = { ...spec, settings: { ...spec.settings, retention: '30 days' } };
    const report = await engine.pools.withClient(PROFILE, (client) =>
      maintainPartitions(client, retained, new Date('2026-02-12T12:00:00Z')),
    );
    // Ranges ending on or before 2026-01-13 are out: 2026-01-01 … 2026-01-12.
    expect(report.detached).toContain('transactions_p20260101');
    expect(report.detached).toContain('transactions_p20260112');
    expect(report.detached).not.toContain('transactions_p20260113');
    const attached = await admin.query(
      `SELECT count(*)::int AS n FROM pg_inherits WHERE inhrelid = 'transactions_p20260101'::regclass`,
    );
    expect(attached.rows[0].n).toBe(0);
    const kept = await admin.query(`SELECT count(*)::int AS n FROM transactions_p20260101`);
    expect(kept.rows[0].n).toBeGreaterThan(0);
  });

  it('says so, and does nothing, once the table is no longer partitioned', async () => {
    engine.service.rollback(migration.id);
    const rolledBack = await engine.service.whenIdle(migration.id);
    expect(rolledBack.state, why(rolledBack)).toBe('rolled_back');
    expect(maintainedTables(engine.service.journal.list(PROFILE))).toEqual([]);
    const report = await maintain('2026-02-20T00:00:00Z');
    expect(report.skipped).toMatch(/no longer a partitioned table/);
  });
});

describe('partition upkeep of a table whose name holds a dot and a quote', () => {
  let db: TestDatabase;
  let engine: Engine;

  beforeAll(async () => {
    db = await createTestDatabase('partition upkeep odd name', testServers[0]!);
    const admin = await db.admin();
    await createTransactions(admin, 'public."tx.live ""q"""', 300, 3);
    engine = startEngine(db.profile({ poolSize: 1 }), db.password);
    const migration = await plan(engine, 'public', 'tx.live "q"', 'executed_at', 'partitions', {
      acceptCompositeKey: true,
      interval: '1 day',
      partitionsAhead: 2,
      confirmedFreeBytes: 1e12,
    });
    const done = await runToEnd(engine, migration.id);
    expect(done.state, why(done)).toBe('swapped');
  });
  afterAll(async () => {
    await engine?.close();
    await db?.cleanup();
  });

  it('names it so no other table reads the same (schema "public.tx", table "live \\"q\\"" would join to it with a bare dot)', async () => {
    const [report] = await engine.dispatch('partitions:maintain', { profileId: PROFILE });
    expect(report?.table).toBe('public."tx.live ""q"""');
    expect(report?.defaultPartition).toMatch(/^public\."tx\.live ""q""_default"$/);
    const rows = engine.service.journal.list(PROFILE);
    expect(maintainedTables(rows, 'public."tx.live ""q"""')).toHaveLength(1);
    expect(maintainedTables(rows, 'tx.live "q"')).toHaveLength(1);
    expect(maintainedTables(rows, 'public.tx.live "q"')).toEqual([]);
  });
});
