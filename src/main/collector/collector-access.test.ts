import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { PoolManager } from '../postgres/pool-manager';
import { type CollectOptions, collectStorageSample } from './collector';
import { LOCKED } from './collector-rollup';
import type { CollectedRelation, CollectedSample } from './types';

/**
 * A sample never hangs behind another session's lock, and a user without
 * rights still gets a sample of the rest, with the gap said in words.
 */

let db: TestDatabase;
let admin: pg.Client;
const managers: PoolManager[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  db = await createTestDatabase('collector access');
  admin = await db.admin();
  await admin.query(`
    CREATE TABLE free_a (id int PRIMARY KEY, body text);
    CREATE TABLE free_b (id int PRIMARY KEY, body text);
    CREATE TABLE locked_one (id int PRIMARY KEY, body text);
    CREATE TABLE late (id int PRIMARY KEY, body text);
    CREATE INDEX late_body ON late (body);
    CREATE TABLE reindexed (id int PRIMARY KEY, body text);
    CREATE INDEX reindexed_body ON reindexed (body);
    CREATE TABLE queued (id int PRIMARY KEY);
    CREATE TABLE plan (k int NOT NULL, v text) PARTITION BY RANGE (k);
    CREATE TABLE plan_1 PARTITION OF plan FOR VALUES FROM (0) TO (100);
    CREATE TABLE plan_2 PARTITION OF plan FOR VALUES FROM (100) TO (200);
    INSERT INTO free_a SELECT g, 'a' || g FROM generate_series(1, 500) g;
    INSERT INTO free_b SELECT g, 'b' || g FROM generate_series(1, 500) g;
    INSERT INTO locked_one SELECT g, 'l' || g FROM generate_series(1, 500) g;
    INSERT INTO late SELECT g, 'x' || g FROM generate_series(1, 500) g;
    INSERT INTO reindexed SELECT g, 'r' || g FROM generate_series(1, 500) g;
    INSERT INTO plan SELECT g, 'v' FROM generate_series(0, 199) g;
  `);
});
afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((fn) => fn()));
  await Promise.all(managers.splice(0).map((m) => m.closeAll()));
});
afterAll(async () => {
  await db?.cleanup();
});

function manager(user?: string): PoolManager {
  const fields = user ? db.profile({ user }) : db.profile();
  const m = new PoolManager(async () => ({ fields, password: db.password }), undefined, { env: {} });
  managers.push(m);
  return m;
}

function sample(m: PoolManager, options?: CollectOptions): Promise<CollectedSample> {
  return m.withClient('p', (client) => collectStorageSample(client, options));
}

function find(s: CollectedSample, name: string, schema = 'public'): CollectedRelation {
  const found = s.relations.find((r) => r.schema === schema && r.name === name);
  if (!found) throw new Error(`${schema}.${name} is not in the sample`);
  return found;
}

/** A second session of the test's own, holding whatever it is told to hold until the test ends. */
async function otherSession(): Promise<pg.Client> {
  const client = await db.admin();
  cleanups.push(async () => {
    await client.query('ROLLBACK').catch(() => {});
  });
  return client;
}

async function total(name: string): Promise<number> {
  const { rows } = await admin.query<{ t: string }>(
    `SELECT pg_total_relation_size(c.oid) AS t FROM pg_class c
     WHERE c.relname = $1 AND c.relnamespace = 'public'::regnamespace`,
    [name],
  );
  return Number(rows[0]?.t);
}

function expectNotMeasured(r: CollectedRelation) {
  expect(r.measured).toBe(false);
  expect(r.notMeasured).toBe(LOCKED);
  expect([r.heapBytes, r.toastBytes, r.indexBytes, r.totalBytes]).toEqual([null, null, null, null]);
}

describe('locks held by other sessions', () => {
  it('a table held in ACCESS EXCLUSIVE mode is "not measured this time"; the sample finishes and sizes the rest', async () => {
    const holder = await otherSession();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE locked_one IN ACCESS EXCLUSIVE MODE');
    const pid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;

    const s = await sample(manager());
    expectNotMeasured(find(s, 'locked_one'));
    for (const r of s.relations.filter((x) => x.name !== 'locked_one')) {
      expect(r.measured, r.name).toBe(true);
    }
    expect(find(s, 'free_a').totalBytes).toBe(await total('free_a'));
    // never waited: no lock timeout, no retry
    expect(s.roundTrips).toBe(2 + 1 + 1); // relations, pg_database_size (one not measured), disk facts
    expect(s.gaps.join(' ')).toContain(`public.locked_one (pid ${pid})`);
    expect(s.gaps.join(' ')).toMatch(/ACCESS EXCLUSIVE/);
  });

  it('a lock that is only waited for is respected too (a size function would queue behind it)', async () => {
    const reader = await otherSession();
    await reader.query('BEGIN');
    await reader.query('SELECT count(*) FROM queued');
    const migrator = await otherSession();
    const migratorPid = (await migrator.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]
      ?.pid;
    await migrator.query('BEGIN');
    const waiting = migrator.query('LOCK TABLE queued IN ACCESS EXCLUSIVE MODE');
    // wait until the server shows the migrator waiting
    for (let i = 0; i < 200; i++) {
      const { rows } = await admin.query(
        `SELECT 1 FROM pg_locks WHERE pid = $1 AND NOT granted AND mode = 'AccessExclusiveLock'`,
        [migratorPid],
      );
      if (rows.length > 0) break;
      await sleep(25);
    }

    const s = await sample(manager());
    expectNotMeasured(find(s, 'queued'));
    expect(find(s, 'free_b').measured).toBe(true);
    expect(s.roundTrips).toBe(2 + 1 + 1); // relations, pg_database_size (one not measured), disk facts
    expect(s.gaps.join(' ')).toContain(`public.queued (pid ${migratorPid}, waiting)`);

    await reader.query('COMMIT');
    await waiting;
    await migrator.query('COMMIT');
  });

  it('a lock on one of its indexes (REINDEX in an open transaction) keeps the table from being sized', async () => {
    const holder = await otherSession();
    await holder.query('BEGIN');
    await holder.query('REINDEX INDEX reindexed_body');
    const s = await sample(manager());
    expectNotMeasured(find(s, 'reindexed'));
    expect(find(s, 'free_a').measured).toBe(true);
    expect(s.roundTrips).toBe(2 + 1 + 1); // relations, pg_database_size (one not measured), disk facts
  });

  it('a lock taken after the check does not hang the sample: the statement gives up and is retried without it', async () => {
    const holder = await otherSession();
    const s = await sample(manager(), {
      afterLockCheck: async () => {
        await holder.query('BEGIN');
        await holder.query('LOCK TABLE late IN ACCESS EXCLUSIVE MODE');
      },
    });
    expectNotMeasured(find(s, 'late'));
    for (const r of s.relations.filter((x) => x.name !== 'late')) expect(r.measured, r.name).toBe(true);
    expect(find(s, 'free_b').totalBytes).toBe(await total('free_b'));
    // the relation statement timed out on the lock, the locks were read again, and it ran once more;
    // pg_database_size (a relation was not measured); then 1 for the disk facts, which wait for no lock
    expect(s.roundTrips).toBe(6);
    expect(s.gaps.join(' ')).not.toMatch(/could not be read/);
  });

  it('a locked partition leaves its root "not measured" rather than a partial (smaller) total', async () => {
    const holder = await otherSession();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE plan_2 IN ACCESS EXCLUSIVE MODE');
    const s = await sample(manager());
    expectNotMeasured(find(s, 'plan_2'));
    expect(find(s, 'plan_1')).toMatchObject({ measured: true, totalBytes: await total('plan_1') });
    const root = find(s, 'plan');
    expect(root.measured).toBe(false);
    expect(root.totalBytes).toBeNull();
    expect(root.notMeasured).toMatch(/partition is locked by another session/);
    expect(root.children).toBe(2);
  });
});

describe('a user without rights on everything', () => {
  const suffix = randomBytes(3).toString('hex');
  const plain = `tm_plain_${suffix}`;
  const monitor = `tm_monitor_${suffix}`;
  const secretDb = `t_secret_${suffix}`;

  beforeAll(async () => {
    const password = admin.escapeLiteral(db.password);
    await admin.query(`CREATE ROLE ${plain} LOGIN PASSWORD ${password}`);
    await admin.query(`CREATE ROLE ${monitor} LOGIN PASSWORD ${password} IN ROLE pg_monitor`);
    await admin.query(`CREATE DATABASE ${secretDb}`);
    await admin.query(`REVOKE CONNECT ON DATABASE ${secretDb} FROM PUBLIC`);
    await admin.query(`
      CREATE SCHEMA vault;
      REVOKE ALL ON SCHEMA vault FROM PUBLIC;
      CREATE TABLE vault.secrets (id int PRIMARY KEY, body text);
      INSERT INTO vault.secrets SELECT g, md5(g::text) FROM generate_series(1, 300) g;
      REVOKE ALL ON TABLE free_a FROM PUBLIC;
    `);
  });
  afterAll(async () => {
    // Roles belong to the server, not to the test database: drop them (they own nothing) with the other database.
    await Promise.all(managers.splice(0).map((m) => m.closeAll()));
    await admin.query(`DROP DATABASE IF EXISTS ${secretDb} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${plain}`);
    await admin.query(`DROP ROLE IF EXISTS ${monitor}`);
  });

  it('without pg_monitor: databases it may not CONNECT to are skipped, and the gap names them', async () => {
    const s = await sample(manager(plain));
    expect(s.databases.map((d) => d.name)).not.toContain(secretDb);
    expect(s.databases.map((d) => d.name)).toContain(db.name);
    const gap = s.gaps.find((g) => g.includes(secretDb));
    expect(gap).toMatch(/could not be sized/);
    expect(gap).toMatch(/no CONNECT privilege/);
    expect(gap).toMatch(/pg_read_all_stats/);
    expect(gap).toContain(plain);
  });

  it('relations in a schema it has no USAGE on, or tables it may not SELECT, are still sized (PostgreSQL allows it)', async () => {
    // Checked on PostgreSQL 18: the size and statistics functions take an OID and check no privilege
    // on the relation or its schema; only pg_database_size checks (CONNECT or pg_read_all_stats).
    const { rows } = await admin.query<{ t: string }>(`SELECT pg_total_relation_size('vault.secrets') AS t`);
    const s = await sample(manager(plain));
    expect(find(s, 'secrets', 'vault')).toMatchObject({ measured: true, totalBytes: Number(rows[0]?.t) });
    expect(find(s, 'free_a').measured).toBe(true);
  });

  it('with pg_monitor (pg_read_all_stats): every database is sized and there is no gap', async () => {
    const s = await sample(manager(monitor));
    const secret = s.databases.find((d) => d.name === secretDb);
    const { rows } = await admin.query<{ size: string }>('SELECT pg_database_size($1) AS size', [secretDb]);
    expect(secret?.bytes).toBe(Number(rows[0]?.size));
    expect(s.gaps.filter((g) => g.includes('could not be sized'))).toEqual([]);
  });

  it('without EXECUTE on the size functions: relations are listed as not measured, with the reason', async () => {
    await admin.query('REVOKE EXECUTE ON FUNCTION pg_catalog.pg_total_relation_size(regclass) FROM PUBLIC');
    try {
      const s = await sample(manager(plain));
      const a = find(s, 'free_a');
      expect(a.measured).toBe(false);
      expect(a.totalBytes).toBeNull();
      expect(a.notMeasured).toMatch(/size functions/);
      expect(s.gaps.join(' ')).toMatch(/may not run PostgreSQL's size functions/);
      // the database sizes are still there
      expect(s.database.name).toBe(db.name);
      expect(s.database.bytes).toBeGreaterThan(0);
    } finally {
      await admin.query('GRANT EXECUTE ON FUNCTION pg_catalog.pg_total_relation_size(regclass) TO PUBLIC');
    }
  });
});
