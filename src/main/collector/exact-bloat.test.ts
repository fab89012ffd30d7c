import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import { PoolManager } from '../postgres/pool-manager';
import { measureExactBloat } from './exact-bloat';

/**
 * Exact bloat on demand from pgstattuple, on real servers (PostgreSQL 18 and
 * 15 both ship it): the message when it is not installed, the figure and the
 * function that gave it for a table and an index, and a role without the
 * rights told which role grants them.
 */
describe.each(testServers)('exact bloat with pgstattuple on %s', (server) => {
  const plain = `tm_exact_${randomBytes(3).toString('hex')}`;
  let db: TestDatabase;
  let admin: pg.Client;
  const managers: PoolManager[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('exact bloat', server);
    admin = await db.admin();
    await admin.query(`
      CREATE TABLE items (id int PRIMARY KEY, body text);
      INSERT INTO items SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g;
      DELETE FROM items WHERE id <= 16000;
      CREATE TABLE parted (k int) PARTITION BY RANGE (k);
      CREATE TABLE "odd ""name""" (id int);
    `);
    const password = admin.escapeLiteral(db.password);
    await admin.query(`CREATE ROLE ${plain} LOGIN PASSWORD ${password}`);
  });
  afterAll(async () => {
    await Promise.all(managers.map((m) => m.closeAll()));
    await admin?.query(`DROP ROLE IF EXISTS ${plain}`);
    await db?.cleanup();
  });

  const measure = (schema: string, name: string, user?: string) => {
    const fields = user ? db.profile({ user }) : db.profile();
    const m = new PoolManager(async () => ({ fields, password: db.password }), undefined, { env: {} });
    managers.push(m);
    return m.withClient('p', (client) => measureExactBloat(client, { schema, name }));
  };

  it('says how to install pgstattuple when it is not installed', async () => {
    await expect(measure('public', 'items')).rejects.toMatchObject({
      code: 'unsupported',
      message: expect.stringMatching(/not installed in database ".*"\. .*CREATE EXTENSION pgstattuple;/),
    });
  });

  it('measures a table with pgstattuple_approx and an index with pgstattuple, and says which', async () => {
    await admin.query('CREATE EXTENSION IF NOT EXISTS pgstattuple');
    const table = await measure('public', 'items');
    expect(table).toMatchObject({
      kind: 'table',
      function: 'pgstattuple_approx',
      schema: 'public',
      name: 'items',
    });
    // 80 % of the rows are deleted and not vacuumed yet: dead tuples or free space, either way bloat.
    expect(table.bloatPct).toBeGreaterThan(50);
    expect(table.bytes).toBeGreaterThan(table.bloatBytes);
    expect(table.scannedPct).toBeGreaterThan(0);
    const index = await measure('public', 'items_pkey');
    expect(index).toMatchObject({ kind: 'index', function: 'pgstattuple', scannedPct: null });
    expect(index.bytes).toBeGreaterThan(0);
    expect((await measure('public', 'odd "name"')).function).toBe('pgstattuple_approx');
  });

  it('refuses what it cannot measure, by name', async () => {
    await admin.query('CREATE EXTENSION IF NOT EXISTS pgstattuple');
    await expect(measure('public', 'parted')).rejects.toMatchObject({
      code: 'unsupported',
      message: expect.stringMatching(/no storage of its own/),
    });
    await expect(measure('public', 'nothing_here')).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/no relation public\.nothing_here/),
    });
  });

  it('tells a role without the rights which role grants them, and works once granted', async () => {
    await admin.query('CREATE EXTENSION IF NOT EXISTS pgstattuple');
    await expect(measure('public', 'items', plain)).rejects.toMatchObject({
      code: 'unsupported',
      message: expect.stringMatching(
        new RegExp(`"${plain}" may not run pgstattuple_approx\\(\\): .*pg_stat_scan_tables`),
      ),
    });
    await admin.query(`GRANT pg_stat_scan_tables TO ${plain}`);
    expect((await measure('public', 'items', plain)).function).toBe('pgstattuple_approx');
  });
});
