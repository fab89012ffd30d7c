import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { PoolManager } from '../postgres/pool-manager';
import { type CollectOptions, collectStorageSample } from './collector';
import type { CollectedRelation, CollectedSample } from './types';

/**
 * A sample against PostgreSQL 18, compared with what PostgreSQL's own size
 * functions say when a DBA runs them directly.
 */

let db: TestDatabase;
let admin: pg.Client;
let pools: PoolManager;

beforeAll(async () => {
  db = await createTestDatabase('collector');
  admin = await db.admin();
  pools = new PoolManager(async () => ({ fields: db.profile(), password: db.password }), undefined, {
    env: {},
  });
});
afterAll(async () => {
  await pools?.closeAll();
  await db?.cleanup();
});

/** A sample taken the way the app takes it: on a pooled monitoring session (read-only, timeouts set). */
function sample(options?: CollectOptions): Promise<CollectedSample> {
  return pools.withClient('p', (client) => collectStorageSample(client, options));
}

function find(s: CollectedSample, schema: string, name: string): CollectedRelation {
  const found = s.relations.find((r) => r.schema === schema && r.name === name);
  if (!found) throw new Error(`${schema}.${name} is not in the sample`);
  return found;
}

/** What PostgreSQL reports for a relation, looked up by name (no identifier is quoted by hand). */
async function direct(schema: string, name: string) {
  const { rows } = await admin.query<Record<string, string | number | null>>(
    `SELECT pg_relation_size(c.oid) AS main,
            pg_table_size(c.oid) AS table_size,
            pg_indexes_size(c.oid) AS indexes,
            pg_total_relation_size(c.oid) AS total,
            coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) AS toast,
            c.reltuples AS reltuples
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, name],
  );
  const row = rows[0];
  if (!row) throw new Error(`no relation ${schema}.${name}`);
  const n = (v: string | number | null | undefined) => Number(v);
  return {
    main: n(row.main),
    table: n(row.table_size),
    indexes: n(row.indexes),
    total: n(row.total),
    toast: n(row.toast),
    reltuples: n(row.reltuples),
  };
}

/** Nothing else changes the test database's files while we compare (autovacuum off, everything vacuumed). */
async function settle(): Promise<void> {
  await admin.query('VACUUM (ANALYZE)');
}

describe('a storage sample on PostgreSQL 18', () => {
  beforeAll(async () => {
    await admin.query(`
      CREATE TABLE docs (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text, body text)
        WITH (autovacuum_enabled = off);
      CREATE INDEX docs_title ON docs (title);
      -- bodies of ~6 kB of random hex: compressed they still exceed the TOAST threshold
      INSERT INTO docs (title, body)
        SELECT 'doc ' || g, (SELECT string_agg(md5(random()::text || g || i), '') FROM generate_series(1, 200) i)
        FROM generate_series(1, 300) g;
      CREATE TABLE small (id int) WITH (autovacuum_enabled = off);
      INSERT INTO small SELECT generate_series(1, 10);
      CREATE UNLOGGED TABLE scratch (id int PRIMARY KEY, note text) WITH (autovacuum_enabled = off);
      INSERT INTO scratch SELECT g, 'n' || g FROM generate_series(1, 500) g;
      CREATE MATERIALIZED VIEW doc_titles AS SELECT id, title FROM docs;
      CREATE INDEX doc_titles_title ON doc_titles (title);
      CREATE TABLE never_analyzed (id int) WITH (autovacuum_enabled = off);
    `);
    await settle();
    await admin.query('CREATE TABLE never_analyzed_2 (id int) WITH (autovacuum_enabled = off)');
  });

  it("heap, TOAST, index and total bytes of every table equal PostgreSQL's own size functions", async () => {
    const s = await sample();
    for (const name of ['docs', 'small', 'scratch', 'doc_titles']) {
      const r = find(s, 'public', name);
      const d = await direct('public', name);
      expect(r.measured, name).toBe(true);
      expect(r.notMeasured, name).toBeNull();
      expect({ name, toast: r.toastBytes, index: r.indexBytes, total: r.totalBytes }).toEqual({
        name,
        toast: d.toast,
        index: d.indexes,
        total: d.total,
      });
      // heap = every fork of the table itself: pg_table_size without the TOAST part
      expect(r.heapBytes, name).toBe(d.table - d.toast);
      expect(r.heapBytes, name).toBeGreaterThanOrEqual(d.main);
      expect((r.heapBytes ?? 0) + (r.toastBytes ?? 0) + (r.indexBytes ?? 0), name).toBe(r.totalBytes);
    }
    // the table with big text values really has TOAST data, and indexes
    expect(find(s, 'public', 'docs').toastBytes).toBeGreaterThan(300 * 2000);
    expect(find(s, 'public', 'docs').indexBytes).toBeGreaterThan(0);
  });

  it('tells tables and materialized views apart, and reads row estimates, vacuum and analyze times', async () => {
    const s = await sample();
    expect(find(s, 'public', 'docs').kind).toBe('table');
    expect(find(s, 'public', 'doc_titles').kind).toBe('matview');
    const docs = find(s, 'public', 'docs');
    expect(docs.rowEstimate).toBe(300);
    expect(docs.parent).toBeNull();
    // VACUUM (ANALYZE) ran in beforeAll: both times are set, as ISO strings, in the recent past
    for (const at of [docs.lastVacuum, docs.lastAnalyze]) {
      expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Math.abs(Date.now() - Date.parse(at as string))).toBeLessThan(10 * 60_000);
    }
    // never analyzed: the estimate is unknown (reltuples -1), not zero rows
    const fresh = find(s, 'public', 'never_analyzed_2');
    expect(fresh.rowEstimate).toBeNull();
    expect(fresh.lastVacuum).toBeNull();
    expect(fresh.lastAnalyze).toBeNull();
    expect(fresh.measured).toBe(true);
  });

  it('lists no system relation, and sizes the database within 1 MiB of pg_database_size', async () => {
    const s = await sample();
    const schemas = new Set(s.relations.map((r) => r.schema));
    expect([...schemas].filter((n) => n.startsWith('pg_') || n === 'information_schema')).toEqual([]);
    const { rows } = await admin.query<{ size: string }>(
      'SELECT pg_database_size(current_database()) AS size',
    );
    // derived from the relations (collector-database-size.test.ts); only unowned files are missing
    expect(s.database.name).toBe(db.name);
    expect(Math.abs(s.database.bytes - Number(rows[0]?.size))).toBeLessThan(1024 * 1024);
    expect(s.databases).toContainEqual({ name: db.name, bytes: s.database.bytes });
    const all = await admin.query<{ datname: string; size: string }>(
      'SELECT datname, pg_database_size(oid) AS size FROM pg_database',
    );
    // every database of the server is there (sizes of the others may move: other test files write to them)
    expect(s.databases.map((d) => d.name).sort()).toEqual(all.rows.map((r) => r.datname).sort());
    expect(s.serverVersionNum).toBeGreaterThanOrEqual(180000);
    expect(s.gaps).toEqual([]);
  });

  it('counts dead tuples after a DELETE once the statistics are flushed', async () => {
    await admin.query(`
      CREATE TABLE churn (id int, payload text) WITH (autovacuum_enabled = off);
      INSERT INTO churn SELECT g, 'p' || g FROM generate_series(1, 1000) g`);
    await admin.query('DELETE FROM churn WHERE id <= 300');
    await admin.query('SELECT pg_stat_force_next_flush()');
    // The flush happens when the deleting session goes idle: wait for the server to show it.
    for (let i = 0; i < 100; i++) {
      const { rows } = await admin.query<{ dead: string }>(
        `SELECT pg_stat_get_dead_tuples('churn'::regclass) AS dead`,
      );
      if (Number(rows[0]?.dead) === 300) break;
      await sleep(50);
    }
    const s = await sample();
    expect(find(s, 'public', 'churn').deadTuples).toBe(300);
    expect(find(s, 'public', 'docs').deadTuples).toBe(0);
  });

  it('takes the same few round trips however many relations there are', async () => {
    const before = await sample();
    await admin.query(`DO $$ BEGIN
      FOR i IN 1..60 LOOP EXECUTE format('CREATE TABLE many_%s (id int PRIMARY KEY, t text)', i); END LOOP;
    END $$`);
    const after = await sample();
    expect(after.relations.length).toBeGreaterThanOrEqual(before.relations.length + 60);
    expect(after.roundTrips).toBe(before.roundTrips);
    // 2 for the relations, 1 for the sample's COMMIT and the disk facts (WAL, slots, ages, bloat, index usage…).
    expect(after.roundTrips).toBeLessThanOrEqual(3);
  });

  it('beyond maxRelations, sizes only the largest and says how many were left out', async () => {
    // the two largest by the planner's page count (ties by oid), as the DBA would rank them
    const { rows } = await admin.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'm') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
       ORDER BY c.relpages DESC, c.oid LIMIT 2`,
    );
    const s = await sample({ maxRelations: 2 });
    const sized = s.relations.filter((r) => r.kind === 'table' || r.kind === 'matview');
    expect(sized.map((r) => r.name).sort()).toEqual(rows.map((r) => r.relname).sort());
    expect(sized.every((r) => r.measured)).toBe(true);
    expect(s.gaps.join(' ')).toMatch(/Only the 2 largest of \d+ tables, partitions and chunks were sized/);
  });

  it('uses the time it is given', async () => {
    const at = new Date('2026-03-01T03:00:00Z');
    const s = await sample({ now: () => at });
    expect(s.takenAt).toEqual(at);
    expect(s.durationMs).toBeGreaterThanOrEqual(0);
  });
});

describe('native partitioning', () => {
  beforeAll(async () => {
    await admin.query(`
      CREATE SCHEMA parts;
      CREATE TABLE parts.readings (at date NOT NULL, region text NOT NULL, value float8, note text,
                                   PRIMARY KEY (at, region)) PARTITION BY RANGE (at);
      -- a sub-partitioned year, a plain year, and a default
      CREATE TABLE parts.readings_2024 PARTITION OF parts.readings
        FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (region);
      CREATE TABLE parts.readings_2024_eu PARTITION OF parts.readings_2024 FOR VALUES IN ('eu');
      CREATE TABLE parts.readings_2024_us PARTITION OF parts.readings_2024 FOR VALUES IN ('us');
      CREATE TABLE parts.readings_2025 PARTITION OF parts.readings
        FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
      CREATE TABLE parts.readings_other PARTITION OF parts.readings DEFAULT;
      CREATE INDEX ON parts.readings (value);
      INSERT INTO parts.readings
        SELECT d, r, random(), repeat(md5(d::text || r), 50)
        FROM generate_series('2024-01-01'::date, '2026-06-30', '1 day') d, unnest(ARRAY['eu', 'us']) r;
    `);
    await settle();
  });

  it('rolls every leaf, however deep, into the top-most root; the root total is the sum of the leaves', async () => {
    const s = await sample();
    const root = find(s, 'parts', 'readings');
    expect(root.kind).toBe('partitioned');
    expect(root.parent).toBeNull();
    expect(root.measured).toBe(true);

    const leaves = ['readings_2024_eu', 'readings_2024_us', 'readings_2025', 'readings_other'];
    expect(root.children).toBe(leaves.length);
    let heap = 0;
    let toast = 0;
    let index = 0;
    let total = 0;
    for (const name of leaves) {
      const leaf = find(s, 'parts', name);
      expect(leaf.kind, name).toBe('partition');
      expect(leaf.parent, name).toEqual({ schema: 'parts', name: 'readings' });
      const d = await direct('parts', name);
      expect(leaf.totalBytes, name).toBe(d.total);
      heap += leaf.heapBytes ?? 0;
      toast += leaf.toastBytes ?? 0;
      index += leaf.indexBytes ?? 0;
      total += d.total;
    }
    expect(root.totalBytes).toBe(total);
    expect({ heap: root.heapBytes, toast: root.toastBytes, index: root.indexBytes }).toEqual({
      heap,
      toast,
      index,
    });
    // and that is what PostgreSQL says the whole tree weighs
    const { rows } = await admin.query<{ total: string }>(
      `SELECT sum(pg_total_relation_size(relid)) AS total FROM pg_partition_tree('parts.readings')`,
    );
    expect(root.totalBytes).toBe(Number(rows[0]?.total));
    // row estimate of the root: the sum of its leaves
    expect(root.rowEstimate).toBe(2 * 912);
  });

  it('lists no partition as a top-level table, and not the intermediate partitioned table', async () => {
    const s = await sample();
    const top = s.relations.filter((r) => r.schema === 'parts' && r.parent === null).map((r) => r.name);
    expect(top).toEqual(['readings']);
    expect(s.relations.find((r) => r.name === 'readings_2024')).toBeUndefined();
  });
});

describe('names a DBA may really use', () => {
  it('keeps capitals, spaces, quotes and dots in schema and table names, and measures them', async () => {
    const schema = 'Odd "Schema".v2';
    const table = 'Table.With "Quotes" & Spaces';
    const child = 'Part.One';
    await admin.query(`CREATE SCHEMA ${admin.escapeIdentifier(schema)}`);
    const qualified = (name: string) => `${admin.escapeIdentifier(schema)}.${admin.escapeIdentifier(name)}`;
    await admin.query(`CREATE TABLE ${qualified(table)} ("Id" int PRIMARY KEY, "Body" text)`);
    await admin.query(
      `INSERT INTO ${qualified(table)} SELECT g, repeat('x', 100) FROM generate_series(1, 200) g`,
    );
    await admin.query(`CREATE TABLE ${qualified('Parted')} (k int) PARTITION BY RANGE (k)`);
    await admin.query(
      `CREATE TABLE ${qualified(child)} PARTITION OF ${qualified('Parted')} FOR VALUES FROM (0) TO (10)`,
    );
    await admin.query(`INSERT INTO ${qualified('Parted')} SELECT g % 10 FROM generate_series(1, 100) g`);
    await settle();

    const s = await sample();
    const t = find(s, schema, table);
    expect(t.kind).toBe('table');
    expect(t.totalBytes).toBe((await direct(schema, table)).total);
    const part = find(s, schema, child);
    expect(part.parent).toEqual({ schema, name: 'Parted' });
    expect(find(s, schema, 'Parted').totalBytes).toBe((await direct(schema, child)).total);
  });
});
