import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, type TestServer } from '../../../test/support/database';
import { PoolManager } from '../postgres/pool-manager';
import { collectStorageSample } from './collector';

/**
 * The owner of a monitored database is often the application's role, not the
 * DBA's. It may set the database's search_path and, on PostgreSQL 15+, owns
 * `public`. An operator it plants there and puts before pg_catalog must never
 * run in Tidemark's monitoring sessions, which log in as the DBA (often a
 * superuser): that would hand the application's role the DBA's rights.
 */

describe.each<TestServer>(['postgres', 'postgres15'])('monitoring sessions on %s', (server) => {
  let db: TestDatabase;
  const owner = `tm_app_owner_${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    db = await createTestDatabase('planted operators', server);
    const admin = await db.admin();
    await admin.query(`CREATE ROLE ${owner} LOGIN; ALTER DATABASE ${db.name} OWNER TO ${owner}`);
    await admin.query('CREATE TABLE orders (id int PRIMARY KEY, note text)');
    // PostgreSQL 15+ gives the database's owner public (pg_database_owner); said outright for every version.
    await admin.query(`ALTER SCHEMA public OWNER TO ${owner}`);
    // Everything below is done with the owner's own rights.
    await admin.query(`SET ROLE ${owner}`);
    await admin.query(`ALTER DATABASE ${db.name} SET search_path = public, pg_catalog`);
    await admin.query(`
      CREATE FUNCTION public.tidemark_trap_eq(oid, oid) RETURNS boolean LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'planted operator ran as %', current_user; END $$;
      CREATE OPERATOR public.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = public.tidemark_trap_eq)`);
    await admin.query('RESET ROLE');
  });
  afterAll(async () => {
    const admin = await db.admin();
    await admin.query(
      `REASSIGN OWNED BY ${owner} TO CURRENT_USER; DROP OWNED BY ${owner}; DROP ROLE ${owner}`,
    );
    await db.cleanup();
  });

  it('a storage sample uses PostgreSQL’s own operators, whatever the database’s search_path', async () => {
    const pools = new PoolManager(async () => ({ fields: db.fields, password: db.password }), undefined, {
      env: {},
    });
    try {
      const s = await pools.withClient('p', (client) => collectStorageSample(client));
      expect(s.gaps.join('\n')).not.toContain('planted operator');
      expect(s.relations.map((r) => r.name)).toContain('orders');
    } finally {
      await pools.closeAll();
    }
  });
});
