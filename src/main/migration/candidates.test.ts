import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import { type Engine, PROFILE, startEngine } from '../../../test/support/migration-engine';

/** The table picker's figures: a partitioned table is as big as its partitions, as the Storage page says. */

let db: TestDatabase;
let admin: pg.Client;
let engine: Engine;

describe.each(testServers)('on %s', (server) => {
  beforeAll(async () => {
    db = await createTestDatabase('migration candidates', server);
    admin = await db.admin();
    await admin.query(`
      CREATE TABLE public.events (id bigint, at timestamptz NOT NULL, body text) PARTITION BY RANGE (at);
      CREATE TABLE public.events_2026_01 PARTITION OF public.events
        FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
      CREATE TABLE public.events_2026_02 PARTITION OF public.events
        FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
      INSERT INTO public.events
        SELECT i, timestamptz '2026-01-01' + i * interval '1 minute', repeat('x', 200)
          FROM generate_series(1, 50000) i;
      ANALYZE public.events;
    `);
    engine = startEngine(db.profile({ poolSize: 1 }), db.password);
  });
  afterAll(async () => {
    await engine?.close();
    await db?.cleanup();
  });

  it('a partitioned table shows the sum of its partitions, not 0 B', async () => {
    const expected = await admin.query<{ bytes: string; rows: string }>(`
      SELECT sum(pg_total_relation_size(relid))::text AS bytes,
             (SELECT sum(reltuples) FROM pg_class c JOIN pg_partition_tree('public.events') t ON c.oid = t.relid
               WHERE c.relkind = 'r')::text AS rows
        FROM pg_partition_tree('public.events')`);
    const tables = await engine.dispatch('migration:listTables', { profileId: PROFILE });
    const events = tables.find((t) => t.schema === 'public' && t.table === 'events');
    expect(events).toMatchObject({ kind: 'partitioned', ineligible: 'Already partitioned.' });
    expect(events?.totalBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(events?.totalBytes).toBe(Number(expected.rows[0]!.bytes));
    // The parent's own reltuples (set by ANALYZE on it) is its partitions' rows again: not added twice.
    expect(events?.rowEstimate).toBe(Number(expected.rows[0]!.rows));
    expect(events?.rowEstimate).toBe(50_000);
    // Partitions are not offered as tables of their own.
    expect(tables.some((t) => t.table.startsWith('events_2026'))).toBe(false);
  });
});
