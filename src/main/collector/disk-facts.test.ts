import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import { type DiskFacts, scanCountingText } from '../../shared/disk-facts';
import { PoolManager } from '../postgres/pool-manager';
import { probeServer } from '../postgres/server-facts';
import { type CollectOptions, collectStorageSample } from './collector';
import { oldestTablesSql, type TableAgeRow } from './sql/disk-facts';

/**
 * What else fills the disk, read from real servers (PostgreSQL 18 and 15): a
 * slot that retains WAL, XID ages per database, an index never scanned, a
 * duplicate and a prefix index, estimated bloat, tablespaces; and a role
 * without pg_monitor still gets the rest with the gap in words.
 */
describe.each(testServers)('disk facts on %s', (server) => {
  const suffix = randomBytes(3).toString('hex');
  const slot = `tm_slot_${suffix}`;
  const plain = `tm_disk_plain_${suffix}`;
  let db: TestDatabase;
  let admin: pg.Client;
  const managers: PoolManager[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('disk facts', server);
    admin = await db.admin();
    await admin.query(`
      CREATE TABLE items (id int PRIMARY KEY, a int, b int, v text, body text);
      INSERT INTO items SELECT g, g % 100, g % 7, md5(g::text), repeat('x', 200) FROM generate_series(1, 20000) g;
      CREATE INDEX items_unused ON items (body);
      CREATE INDEX items_v_1 ON items (v);
      CREATE INDEX items_v_2 ON items (v);
      CREATE INDEX items_a ON items (a);
      CREATE INDEX items_a_b ON items (a, b);
      DELETE FROM items WHERE id <= 16000;
      ANALYZE items;
    `);
    await admin.query('SELECT pg_create_physical_replication_slot($1, true)', [slot]);
    await admin.query('CREATE TABLE wal_churn AS SELECT g FROM generate_series(1, 50000) g');
    // Statistics, so it is not a table "left out of the bloat estimate" (see the last test).
    await admin.query('ANALYZE wal_churn');
    await admin.query('SELECT pg_switch_wal()');
    const password = admin.escapeLiteral(db.password);
    await admin.query(`CREATE ROLE ${plain} LOGIN PASSWORD ${password}`);
  });
  afterAll(async () => {
    await Promise.all(managers.map((m) => m.closeAll()));
    await admin?.query(
      'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1',
      [slot],
    );
    await admin?.query(`DROP ROLE IF EXISTS ${plain}`);
    await db?.cleanup();
  });

  async function facts(
    user?: string,
    options: CollectOptions = {},
  ): Promise<{ facts: DiskFacts; gaps: string[] }> {
    const fields = user ? db.profile({ user }) : db.profile();
    const m = new PoolManager(async () => ({ fields, password: db.password }), undefined, { env: {} });
    managers.push(m);
    const sample = await m.withClient('p', (client) => collectStorageSample(client, options));
    expect(sample.diskFacts).toBeTruthy();
    return { facts: sample.diskFacts!, gaps: sample.gaps };
  }

  it('shows pg_wal and the WAL an inactive physical slot retains', async () => {
    const { facts: f } = await facts();
    expect(f.wal?.bytes).toBeGreaterThan(0);
    const s = f.slots.find((x) => x.name === slot);
    expect(s).toMatchObject({ kind: 'physical', active: false, database: null });
    expect(s!.retainedBytes).toBeGreaterThan(1024 * 1024);
    expect(s!.fixSql).toBe(`SELECT pg_catalog.pg_drop_replication_slot('${slot}');`);
  });

  it('reports transaction-ID and multixact age per database, with the freeze thresholds', async () => {
    const { facts: f } = await facts();
    const here = f.databases.find((d) => d.name === db.name);
    expect(here?.xidAge).toBeGreaterThan(0);
    expect(here?.mxidAge).toBeGreaterThanOrEqual(0);
    expect(here?.tempBytes).toBeGreaterThanOrEqual(0);
    expect(f.databases.map((d) => d.name)).toContain('postgres');
    expect(f.freezeMaxAge).toBe(200_000_000);
    expect(f.multixactFreezeMaxAge).toBe(400_000_000);
    expect(f.oldestTables.length).toBeGreaterThan(0);
    expect(f.oldestTables[0]!.fixSql).toMatch(/^VACUUM \(FREEZE, VERBOSE\) "/);
  });

  it('names the index never scanned with its size, the duplicate and the prefix index, never a constraint', async () => {
    const { facts: f } = await facts();
    const unused = f.indexes.find((i) => i.kind === 'unused' && i.name === 'items_unused');
    expect(unused?.bytes).toBeGreaterThan(8192);
    expect(unused?.fixSql).toBe('DROP INDEX CONCURRENTLY "public"."items_unused";');
    expect(f.indexes.find((i) => i.kind === 'duplicate')).toMatchObject({
      name: 'items_v_2',
      coveredBy: 'items_v_1',
      table: 'items',
    });
    expect(f.indexes.find((i) => i.kind === 'prefix')).toMatchObject({
      name: 'items_a',
      coveredBy: 'items_a_b',
    });
    expect(f.indexes.map((i) => i.name)).not.toContain('items_pkey');
  });

  it('estimates the bloat of a table with most rows deleted, labelled by kind', async () => {
    const { facts: f } = await facts();
    const table = f.bloat.find((b) => b.kind === 'table' && b.name === 'items');
    expect(table?.bloatPct).toBeGreaterThan(50);
    expect(table?.fixSql).toBe('VACUUM (FULL, VERBOSE) "public"."items";');
  });

  it('lists tablespaces with their size and what lives there', async () => {
    const { facts: f } = await facts();
    const def = f.tablespaces.find((t) => t.name === 'pg_default');
    expect(def?.bytes).toBeGreaterThan(0);
    expect(def?.relations).toBeGreaterThan(0);
    expect(def?.databases).toContain(db.name);
  });

  it('stamps every fact read with the sample with the sample’s time', async () => {
    const takenAt = new Date('2026-03-02T12:00:00Z');
    const { facts: f } = await facts(undefined, { now: () => takenAt });
    expect(Object.values(f.measuredAt)).toEqual(Array(7).fill(takenAt.toISOString()));
    expect(f.slowGaps).toEqual([]);
  });

  it('carries the slow facts it is given instead of reading them, and reads the others', async () => {
    const takenAt = new Date('2026-03-02T12:00:00Z');
    const earlier = '2026-03-02T11:30:00.000Z';
    const carried = {
      bloat: [
        {
          kind: 'table' as const,
          schema: 'public',
          name: 'carried_table',
          table: null,
          bytes: 1,
          bloatBytes: 1,
          bloatPct: 100,
          fixSql: 'VACUUM (FULL, VERBOSE) "public"."carried_table";',
        },
      ],
      indexes: [],
      tablespaces: [],
      gaps: ['A carried gap.'],
      oldestTables: [
        {
          schema: 'public',
          name: 'carried_table',
          xidAge: 1,
          mxidAge: 1,
          bytes: 1,
          fixSql: 'VACUUM (FREEZE, VERBOSE) "public"."carried_table";',
        },
      ],
      measuredAt: { oldestTables: earlier, bloat: earlier, indexes: earlier, tablespaces: earlier },
    };
    const { facts: f, gaps } = await facts(undefined, { now: () => takenAt, slowDiskFacts: carried });
    expect(f.bloat).toEqual(carried.bloat);
    expect(f.oldestTables).toEqual(carried.oldestTables);
    expect(f.databases.find((d) => d.name === db.name)?.xidAge).toBeGreaterThan(0);
    expect(f.indexes).toEqual([]);
    expect(f.tablespaces).toEqual([]);
    expect(f.measuredAt).toEqual({
      wal: takenAt.toISOString(),
      slots: takenAt.toISOString(),
      databases: takenAt.toISOString(),
      oldestTables: earlier,
      bloat: earlier,
      indexes: earlier,
      tablespaces: earlier,
    });
    expect(f.slowGaps).toEqual(['A carried gap.']);
    expect(gaps).toContain('A carried gap.');
    expect(f.slots.find((x) => x.name === slot)?.retainedBytes).toBeGreaterThan(0);
  });

  it('without pg_monitor: no pg_wal size, the gap names the role, and the rest is there', async () => {
    const { facts: f, gaps } = await facts(plain);
    expect(f.wal).toBeNull();
    expect(gaps.some((g) => /pg_wal.*pg_monitor/.test(g))).toBe(true);
    expect(f.slots.find((x) => x.name === slot)?.retainedBytes).toBeGreaterThan(0);
    expect(f.databases.find((d) => d.name === db.name)?.xidAge).toBeGreaterThan(0);
    expect(f.tablespaces.find((t) => t.name === 'pg_global')?.bytes).toBeNull();
    expect(gaps.some((g) => /pg_global.*pg_read_all_stats/.test(g))).toBe(true);
    // Its statistics are unreadable to this role: left out, and said so.
    expect(f.bloat.find((b) => b.name === 'items')).toBeUndefined();
    expect(gaps.some((g) => /bloat estimate.*SELECT/.test(g))).toBe(true);
    // The gaps of the slow facts go with them when they are carried.
    expect(f.slowGaps.some((g) => /bloat estimate.*SELECT/.test(g))).toBe(true);
    expect(f.slowGaps.some((g) => /pg_global.*pg_read_all_stats/.test(g))).toBe(true);
    expect(f.slowGaps.some((g) => /pg_wal/.test(g))).toBe(false);
  });

  it('when one fact fails in the batch, reads each alone: only that one becomes a gap', async () => {
    // Told (by a stale probe) that it may list pg_wal, this role may not: that read fails, the rest is read.
    const m = new PoolManager(
      async () => ({ fields: db.profile({ user: plain }), password: db.password }),
      undefined,
      {
        env: {},
      },
    );
    managers.push(m);
    const probed = await m.withClient('p', (client) => probeServer(client));
    const stale = { ...probed, rights: { ...probed.rights, lsWalDir: true } };
    const { facts: f, gaps } = await facts(plain, { facts: stale });
    expect(f.wal).toBeNull();
    expect(
      gaps.some((g) => /^The size of pg_wal could not be read this time: .*permission denied/.test(g)),
    ).toBe(true);
    expect(f.inRecovery).toBe(false);
    expect(f.freezeMaxAge).toBe(200_000_000);
    expect(f.slots.find((x) => x.name === slot)?.retainedBytes).toBeGreaterThan(0);
    expect(f.databases.find((d) => d.name === db.name)?.xidAge).toBeGreaterThan(0);
    expect(f.oldestTables.length).toBeGreaterThan(0);
    expect(f.measuredAt.wal).toBeNull();
  });

  it('ranks a table by its TOAST table when that is older, and lists the oldest as reading every table would', async () => {
    await admin.query(`CREATE TABLE aged_toast (id int PRIMARY KEY, body text);
      INSERT INTO aged_toast SELECT g, repeat(md5(g::text), 400) FROM generate_series(1, 20) g`);
    // 200 transactions, then every table is frozen and every TOAST table but this one's: it is the oldest
    // of the database, 200 XIDs older than its own table.
    await admin.query(
      'DO $$ BEGIN FOR i IN 1..200 LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$',
    );
    await admin.query('VACUUM (FREEZE, PROCESS_TOAST false)');
    const toasts = await admin.query<{ name: string }>(`SELECT t.oid::regclass::text AS name FROM pg_class c
      JOIN pg_class t ON t.oid = c.reltoastrelid WHERE c.oid <> 'aged_toast'::regclass`);
    for (const t of toasts.rows) await admin.query(`VACUUM (FREEZE) ${t.name}`);
    const { rows } = await admin.query<{ heap: string; toast: string }>(`SELECT age(c.relfrozenxid) AS heap,
      age(t.relfrozenxid) AS toast FROM pg_class c JOIN pg_class t ON t.oid = c.reltoastrelid WHERE c.oid = 'aged_toast'::regclass`);
    const { facts: f } = await facts(undefined, { diskTop: 1000 });
    const aged = f.oldestTables[0];
    expect(aged?.name).toBe('aged_toast');
    // Ages only grow: read later, it is at least the TOAST table's age, 200 past the table's own.
    expect(aged!.xidAge).toBeGreaterThanOrEqual(Number(rows[0]!.toast));
    expect(aged!.xidAge).toBeGreaterThanOrEqual(Number(rows[0]!.heap) + 200);
    // The top N against every table's age (table and TOAST joined), in one transaction so the ages agree.
    await admin.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    try {
      for (const top of [1, 3, 10]) {
        const fast = await admin.query<TableAgeRow>(oldestTablesSql(top));
        const every = await admin.query<TableAgeRow>(`
          SELECT n.nspname::text AS schema, c.relname::text AS name,
                 GREATEST(age(c.relfrozenxid), COALESCE(age(t.relfrozenxid), 0))::int8 AS xid_age,
                 GREATEST(mxid_age(c.relminmxid), COALESCE(mxid_age(t.relminmxid), 0))::int8 AS mxid_age,
                 ((c.relpages::int8 + COALESCE(t.relpages, 0)) * current_setting('block_size')::int8) AS bytes
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
          WHERE c.relkind IN ('r', 'm') AND c.relfrozenxid <> '0'::xid ORDER BY 3 DESC, 1, 2`);
        expect(fast.rows.map((r) => r.xid_age)).toEqual(every.rows.slice(0, top).map((r) => r.xid_age));
        for (const row of fast.rows) expect(every.rows).toContainEqual(row);
      }
    } finally {
      await admin.query('ROLLBACK');
    }
  });

  it('says how many big tables have no statistics yet, instead of a bare "none found"', async () => {
    await admin.query(`
      CREATE TABLE never_analyzed (id int, body text) WITH (autovacuum_enabled = off);
      INSERT INTO never_analyzed SELECT g, repeat('x', 200) FROM generate_series(1, 10000) g;`);
    const count = (gaps: string[]) =>
      Number(gaps.find((g) => /no statistics yet/.test(g))?.match(/^(\d+) table\(s\)/)?.[1] ?? 0);
    const before = await facts();
    expect(before.facts.bloat.find((b) => b.name === 'never_analyzed')).toBeUndefined();
    expect(before.gaps.find((g) => /no statistics yet/.test(g))).toMatch(
      /^\d+ table\(s\) of 1 MiB or more are left out of the bloat estimate: they have no statistics yet/,
    );
    expect(before.facts.slowGaps.some((g) => /no statistics yet/.test(g))).toBe(true);
    await admin.query('ANALYZE never_analyzed');
    expect(count((await facts()).gaps)).toBe(count(before.gaps) - 1);
  });

  it('counts index scans since the later of the database reset and the loss of statistics (a crash restart)', async () => {
    // A crash restart discards every counter but leaves pg_stat_database.stats_reset as it was; it sets
    // the shared counters' reset time, as pg_stat_reset_shared does here.
    await admin.query(`SELECT pg_catalog.pg_stat_reset_shared('archiver')`);
    const { rows } = await admin.query<{ at: Date }>(
      `SELECT stats_reset AS at FROM pg_catalog.pg_stat_archiver`,
    );
    const { facts: f } = await facts();
    expect(f.statsReset).toBe(rows[0]!.at.toISOString());
    // The same time for the temporary-file counters: their difference across it is not claimed.
    expect(f.databases.find((d) => d.name === db.name)?.statsReset).toBe(rows[0]!.at.toISOString());
    expect(scanCountingText(f.statsReset, f.measuredAt.indexes!, (iso) => iso)).toMatch(
      /^Scans counted since .+ \(the statistics' last reset, or the crash restart that lost them\)\. That is less than a week: an index used weekly or monthly shows no scans yet\.$/,
    );
  });
});
