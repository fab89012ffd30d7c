import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import {
  createTransactions,
  type Engine,
  plan,
  qIdent,
  runToEnd,
  startEngine,
  why,
} from '../../../test/support/migration-engine';
import { runPsqlFile } from '../../../test/support/psql';

/**
 * The database's owner (the application's role, not the DBA's) sets the
 * database's search_path to put public before pg_catalog and plants, in the
 * public schema it owns (PostgreSQL 15+), comparison operators on timestamptz
 * that make it superuser when a superuser compares two times. Tidemark's
 * migration, run as a superuser, compares times in every copy batch: it must
 * use PostgreSQL's own operators, and the owner must stay what it was.
 */

const OWNER = `tm_app_owner_${randomBytes(3).toString('hex')}`;
const settings = { acceptCompositeKey: true, confirmedFreeBytes: 1e12 };

describe.each(testServers)('a migration on %s', (server) => {
  let db: TestDatabase;
  let admin: pg.Client;
  let engine: Engine;

  beforeAll(async () => {
    db = await createTestDatabase('migration planted operators', server);
    admin = await db.admin();
    await createTransactions(admin, 'public.trades', 2000);
    await createTransactions(admin, 'public.trades_by_script', 2000);
    await admin.query(
      `CREATE ROLE ${OWNER} NOSUPERUSER; ALTER DATABASE ${qIdent(db.name)} OWNER TO ${OWNER}`,
    );
    // PostgreSQL 15+ gives the database's owner public (pg_database_owner); said outright for every version.
    await admin.query(`ALTER SCHEMA public OWNER TO ${OWNER}`);
    await admin.query(`SET ROLE ${OWNER}`);
    await admin.query(`ALTER DATABASE ${qIdent(db.name)} SET search_path = public, pg_catalog`);
    for (const [name, op] of [
      ['ge', '>='],
      ['lt', '<'],
      ['le', '<='],
      ['gt', '>'],
    ] as const) {
      await admin.query(`
        CREATE FUNCTION public.tidemark_trap_${name}(timestamptz, timestamptz) RETURNS boolean LANGUAGE plpgsql AS $$
        BEGIN
          BEGIN EXECUTE 'ALTER ROLE ${OWNER} SUPERUSER'; EXCEPTION WHEN OTHERS THEN NULL; END;
          RETURN $1 OPERATOR(pg_catalog.${op}) $2;
        END $$;
        CREATE OPERATOR public.${op} (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = public.tidemark_trap_${name})`);
    }
    await admin.query('RESET ROLE');
    engine = startEngine(db.profile({ poolSize: 1 }), db.password);
  });

  const ownerIsSuperuser = async () =>
    (await admin.query('SELECT rolsuper FROM pg_roles WHERE rolname = $1', [OWNER])).rows[0].rolsuper;

  afterAll(async () => {
    await engine?.close();
    await admin.query(
      `REASSIGN OWNED BY ${OWNER} TO CURRENT_USER; DROP OWNED BY ${OWNER}; DROP ROLE ${OWNER}`,
    );
    await db?.cleanup();
  });

  it('copies with PostgreSQL’s own operators: the owner stays a plain role', async () => {
    const m = await plan(engine, 'public', 'trades', 'executed_at', 'partitions', settings);
    const done = await runToEnd(engine, m.id);
    expect(await ownerIsSuperuser(), why(done)).toBe(false);
    expect(['ready_to_swap', 'swapped'], why(done)).toContain(done.state);
  });

  it('the exported script, run with psql as a superuser, does the same', async () => {
    const m = await plan(engine, 'public', 'trades_by_script', 'executed_at', 'partitions', settings);
    const { fileName, script } = await engine.dispatch('migration:export', { id: m.id });
    const file = join(engine.dataDir, fileName);
    writeFileSync(file, script);
    const run = await runPsqlFile(db, file);
    expect(run.code, run.out).toBe(0);
    expect(await ownerIsSuperuser()).toBe(false);
  });
});
