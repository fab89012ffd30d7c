import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, type TestServer } from '../../../test/support/database';
import { PoolManager } from '../postgres/pool-manager';
import { type CollectOptions, collectStorageSample } from './collector';
import { relationsSql } from './sql/relations';
import type { CollectedSample } from './types';

/**
 * The upkeep figures (dead tuples, vacuum and analyze times) on their own
 * cadence: a sample where they are due reads them with the pg_stat_get_*
 * functions; a steady-state sample does not call those functions at all,
 * claims none (not zeros), and says when the figures it carries were read.
 */
describe.each<TestServer>(['postgres', 'postgres15'])('the upkeep figures on %s', (server) => {
  let db: TestDatabase;
  let admin: pg.Client;
  let pools: PoolManager;

  beforeAll(async () => {
    db = await createTestDatabase('collector upkeep', server);
    admin = await db.admin();
    pools = new PoolManager(async () => ({ fields: db.profile(), password: db.password }), undefined, {
      env: {},
    });
    await admin.query(`
      CREATE TABLE churn (id int, payload text) WITH (autovacuum_enabled = off);
      INSERT INTO churn SELECT g, 'p' || g FROM generate_series(1, 1000) g;
      CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);
      CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      INSERT INTO events SELECT g, '2026-03-01' FROM generate_series(1, 100) g;
      ANALYZE events_2026;
      DELETE FROM churn WHERE id <= 300`);
    await admin.query('SELECT pg_stat_force_next_flush()');
    // The flush happens when the deleting session goes idle: wait for the server to show it.
    for (let i = 0; i < 100; i++) {
      const { rows } = await admin.query<{ dead: string }>(
        `SELECT pg_stat_get_dead_tuples('churn'::regclass) AS dead`,
      );
      if (Number(rows[0]?.dead) === 300) break;
      await sleep(50);
    }
  });
  afterAll(async () => {
    await pools?.closeAll();
    await db?.cleanup();
  });

  const sample = (options?: CollectOptions): Promise<CollectedSample> =>
    pools.withClient('p', (client) => collectStorageSample(client, options));
  const named = (s: CollectedSample, name: string) => s.relations.find((r) => r.name === name)!;

  it('a due sample reads dead tuples and vacuum/analyze times, and says it read them', async () => {
    const s = await sample();
    expect(s.upkeepAt).toBeUndefined();
    expect(named(s, 'churn').deadTuples).toBe(300);
    expect(named(s, 'events_2026').lastAnalyze).not.toBeNull();
  });

  it('a steady-state sample does not call the statistics functions, claims no figure, and carries their time', async () => {
    const versionNum = Number((await admin.query<{ v: string }>('SHOW server_version_num')).rows[0]?.v);
    const statement = (upkeep: boolean) =>
      relationsSql({ versionNum, timescale: 'none', canSize: true, limit: false, outside: true, upkeep });
    expect(statement(true)).toMatch(/pg_stat_get_dead_tuples/);
    expect(statement(false)).not.toMatch(/pg_stat_get_/);

    const readAt = new Date('2026-03-02T11:00:00Z');
    const s = await sample({ upkeep: { readAt } });
    expect(s.upkeepAt).toEqual(readAt);
    for (const name of ['churn', 'events', 'events_2026']) {
      expect(named(s, name)).toMatchObject({ deadTuples: null, lastVacuum: null, lastAnalyze: null });
    }
    // The sizes are read as always.
    expect(named(s, 'churn').totalBytes).toBeGreaterThan(0);
    expect(named(s, 'events').totalBytes).toBe(named(s, 'events_2026').totalBytes);
  });
});
