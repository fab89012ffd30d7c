import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import { PoolManager } from '../postgres/pool-manager';
import { type CollectOptions, collectStorageSample } from './collector';
import { relationsSql } from './sql/relations';
import type { CollectedSample } from './types';

/**
 * The sampled database's size is derived from the relations the sample
 * measured plus what its relation statement does not look at (catalogs,
 * sequences, temporary tables), instead of stat-ing every file again with
 * pg_database_size. It must agree with pg_database_size, and never be short
 * when a relation could not be measured.
 */

const MiB = 1024 * 1024;
/** Files pg_database_size counts that belong to no relation (PG_VERSION, pg_filenode.map, pg_internal.init). */
const TOLERANCE = 1 * MiB;

describe.each(testServers)('the current database size on %s', (server) => {
  let db: TestDatabase;
  let admin: pg.Client;
  let pools: PoolManager;
  const holders: pg.Client[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('database size', server);
    admin = await db.admin();
    pools = new PoolManager(async () => ({ fields: db.profile(), password: db.password }), undefined, {
      env: {},
    });
    await admin.query(`
      CREATE TABLE docs (id int PRIMARY KEY, body text);
      ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL;
      INSERT INTO docs SELECT g, repeat('x', 3000) FROM generate_series(1, 300) g;
      CREATE UNLOGGED TABLE scratch (id int PRIMARY KEY);
      INSERT INTO scratch SELECT generate_series(1, 5000);
      CREATE SEQUENCE tickets;
      CREATE MATERIALIZED VIEW doc_ids AS SELECT id FROM docs;
      CREATE TABLE plan (k int NOT NULL, v text) PARTITION BY RANGE (k);
      CREATE TABLE plan_1 PARTITION OF plan FOR VALUES FROM (0) TO (100);
      INSERT INTO plan SELECT g, 'v' FROM generate_series(0, 99) g;
    `);
    await admin.query('VACUUM (ANALYZE)');
  });
  afterEach(async () => {
    for (const h of holders.splice(0)) await h.query('ROLLBACK').catch(() => {});
  });
  afterAll(async () => {
    await pools?.closeAll();
    await db?.cleanup();
  });

  const sample = (options?: CollectOptions): Promise<CollectedSample> =>
    pools.withClient('p', (client) => collectStorageSample(client, options));

  async function databaseSize(): Promise<number> {
    const { rows } = await admin.query<{ b: string }>('SELECT pg_database_size(current_database()) AS b');
    return Number(rows[0]?.b);
  }

  async function holder(): Promise<pg.Client> {
    const client = await db.admin();
    holders.push(client);
    return client;
  }

  it('is derived, and within 1 MiB of pg_database_size — another session’s 3 MiB temporary table included', async () => {
    // A temporary table of another session: in pg_class, never in the relation list, counted by pg_database_size.
    const other = await holder();
    await other.query(
      `CREATE TEMP TABLE stash AS SELECT g AS id, repeat('y', 200) AS pad FROM generate_series(1, 12000) g`,
    );
    const before = await databaseSize();
    const s = await sample();
    const after = await databaseSize();
    expect(s.database.from).toBe('derived');
    expect(s.database.bytes).toBeGreaterThan(Math.min(before, after) - TOLERANCE);
    expect(s.database.bytes).toBeLessThanOrEqual(Math.max(before, after));
    expect(s.databases.find((d) => d.name === db.name)?.bytes).toBe(s.database.bytes);
    // Two for the relations and the size, one (led by the sample's COMMIT) for what else fills the disk.
    expect(s.roundTrips).toBe(3);
  });

  it('the relation statement’s last row sums every catalog, sequence and temporary table; a locked one makes it NULL', async () => {
    const other = await holder();
    await other.query('CREATE TEMP TABLE scratchpad AS SELECT generate_series(1, 2000) AS id');
    await other.query('CREATE TEMP SEQUENCE temp_ticket');
    await admin.query('CREATE TABLE information_schema.tidemark_note (id int PRIMARY KEY, body text)');
    try {
      const version = await admin.query<{ v: string }>('SHOW server_version_num');
      const sql = relationsSql({
        versionNum: Number(version.rows[0]?.v),
        timescale: 'none',
        canSize: true,
        limit: false,
        outside: true,
        upkeep: true,
      });
      const last = async (blocked: number[]) =>
        (await admin.query({ text: sql, values: [blocked, 50_000], rowMode: 'array' })).rows.at(-1);
      const row = await last([]);
      // The filter as the DBA reads it: not a table, matview or partitioned table of a user schema.
      const reference = await admin.query<{ bytes: string }>(`
        SELECT sum(pg_total_relation_size(c.oid))::int8 AS bytes
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm', 'S') AND NOT c.relisshared
          AND NOT (c.relkind IN ('r', 'm') AND c.relpersistence <> 't'
                   AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema')`);
      expect(row?.[3]).toBe('o');
      expect(row?.[6]).toBe(reference.rows[0]?.bytes);
      const sequence = await admin.query<{ oid: number }>(`SELECT 'public.tickets'::regclass::oid AS oid`);
      expect((await last([sequence.rows[0]!.oid]))?.[6]).toBeNull();
    } finally {
      await admin.query('DROP TABLE information_schema.tidemark_note');
    }
  });

  it('a locked table (not measured) makes the sample ask pg_database_size instead of coming up short', async () => {
    const other = await holder();
    await other.query('BEGIN');
    await other.query('LOCK TABLE docs IN ACCESS EXCLUSIVE MODE');
    const s = await sample();
    expect(s.relations.find((r) => r.name === 'docs')?.measured).toBe(false);
    expect(s.database.from).toBe('pg_database_size');
    expect(s.database.bytes).toBe(await databaseSize());
  });

  it('a locked relation outside the list (a temporary table) also falls back to pg_database_size', async () => {
    const other = await holder();
    await other.query('CREATE TEMP TABLE held (id int)');
    await other.query('BEGIN');
    await other.query('LOCK TABLE held IN ACCESS EXCLUSIVE MODE');
    const s = await sample();
    expect(s.relations.every((r) => r.measured)).toBe(true);
    expect(s.database.from).toBe('pg_database_size');
    expect(s.database.bytes).toBe(await databaseSize());
    // Two for the relations, one for pg_database_size, one for what else fills the disk.
    expect(s.roundTrips).toBe(4);
  });

  it('relations left out by the relation limit: pg_database_size', async () => {
    const s = await sample({ maxRelations: 1 });
    expect(s.database.from).toBe('pg_database_size');
    expect(s.database.bytes).toBe(await databaseSize());
  });

  it('other databases: sized in a sample that is due, carried with their time in the samples between', async () => {
    const due = await sample();
    const names = (await admin.query<{ n: string }>('SELECT datname AS n FROM pg_database')).rows.map(
      (r) => r.n,
    );
    expect(due.databases.map((d) => d.name).sort()).toEqual(names.sort());
    expect(due.databases.every((d) => d.sizedAt === undefined)).toBe(true);

    const sizedAt = new Date('2026-01-01T10:00:00Z');
    const between = await sample({ otherDatabases: [{ name: 'postgres', bytes: 4242, sizedAt }] });
    expect(between.databases).toEqual(
      expect.arrayContaining([
        { name: db.name, bytes: between.database.bytes },
        { name: 'postgres', bytes: 4242, sizedAt },
      ]),
    );
    expect(between.databases).toHaveLength(2);
  });
});
