import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
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
import { psql, runPsqlFile } from '../../../test/support/psql';
import type { Migration } from '../../shared/migration';

/**
 * A role with nothing but CREATE on the database gets there before Tidemark:
 * it makes the objects Tidemark would make (its schema and registry, the new
 * table, a change log), each with a trigger that makes it superuser when
 * someone with that right writes into it. Tidemark, run as a superuser, must
 * refuse to touch them (the pre-flight, the run and the exported script), say
 * which object and whose, and the squatter must stay what it was.
 */

const SQUATTER = `tm_squat_${randomBytes(3).toString('hex')}`;

let db: TestDatabase;
let admin: pg.Client;
let engine: Engine;

const settings = { acceptCompositeKey: true, confirmedFreeBytes: 1e12 };

async function asSquatter(sql: string): Promise<void> {
  await admin.query(`SET ROLE ${SQUATTER}`);
  try {
    await admin.query(sql);
  } finally {
    await admin.query('RESET ROLE');
  }
}

async function squatterIsSuperuser(): Promise<boolean> {
  return (await admin.query(`SELECT rolsuper FROM pg_roles WHERE rolname = $1`, [SQUATTER])).rows[0].rolsuper;
}

async function exportFile(m: Migration): Promise<string> {
  const { fileName, script } = await engine.dispatch('migration:export', { id: m.id });
  const file = join(engine.dataDir, fileName);
  writeFileSync(file, script);
  return file;
}

const runPsql = (file: string) => runPsqlFile(db, file);

describe.each(testServers)("Tidemark's objects on %s", (server) => {
  beforeAll(async () => {
    db = await createTestDatabase('migration ownership', server);
    admin = await db.admin();
    await admin.query(`CREATE ROLE ${SQUATTER} NOSUPERUSER`);
    await admin.query(`GRANT CREATE ON DATABASE ${qIdent(db.name)} TO ${SQUATTER}`);
    // Run by whoever inserts: as a superuser, it makes the squatter one.
    await admin.query(`CREATE SCHEMA squatter AUTHORIZATION ${SQUATTER}`);
    await asSquatter(`CREATE FUNCTION squatter.climb() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN EXECUTE 'ALTER ROLE ${SQUATTER} SUPERUSER'; RETURN NEW; END $$`);
    engine = startEngine(db.profile({ poolSize: 1 }), db.password);
  });

  afterAll(async () => {
    await engine?.close();
    await db?.cleanup();
    const root = new pg.Client({ ...db.server, database: 'postgres', ssl: false });
    await root.connect();
    await root.query(`DROP ROLE IF EXISTS ${SQUATTER}`);
    await root.end();
  });

  it('refuses a squatted schema whose registry has a trigger: in the pre-flight, the run and the export', async () => {
    await createTransactions(admin, 'public.squat_registry', 300);
    const m = await plan(engine, 'public', 'squat_registry', 'executed_at', 'partitions', settings);
    const file = await exportFile(m);

    await asSquatter(`CREATE SCHEMA tidemark_migration`);
    await asSquatter(`CREATE TABLE tidemark_migration.runs (
      migration_id text PRIMARY KEY, source_schema name NOT NULL, source_table name NOT NULL,
      active boolean NOT NULL DEFAULT true, high_water text, copy_done boolean NOT NULL DEFAULT false,
      rows_copied bigint NOT NULL DEFAULT 0, batches integer NOT NULL DEFAULT 0,
      started_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`);
    await asSquatter(`GRANT ALL ON SCHEMA tidemark_migration TO PUBLIC`);
    await asSquatter(`GRANT ALL ON tidemark_migration.runs TO PUBLIC`);
    await asSquatter(
      `CREATE TRIGGER climb BEFORE INSERT ON tidemark_migration.runs FOR EACH ROW EXECUTE FUNCTION squatter.climb()`,
    );

    const failed = await runToEnd(engine, m.id);
    expect({ state: failed.state, superuser: await squatterIsSuperuser() }).toEqual({
      state: 'failed',
      superuser: false,
    });
    expect(failed.error?.message).toMatch(
      new RegExp(`Tidemark will not use schema tidemark_migration \\(owner ${SQUATTER}\\)`),
    );
    expect(failed.steps.find((s) => s.key === 'registry')?.state).toBe('failed');

    const report = await engine.dispatch('migration:preflight', {
      profileId: m.profileId,
      schema: 'public',
      table: 'squat_registry',
      timeColumn: 'executed_at',
      target: 'partitions',
      settings,
    });
    const foreign = report.items.filter((i) => i.id.startsWith('foreign:'));
    expect(report.blocked).toBe(true);
    expect(foreign.every((i) => i.status === 'blocking')).toBe(true);
    expect(foreign.map((i) => i.objects[0])).toEqual(
      expect.arrayContaining(['schema tidemark_migration', 'table tidemark_migration.runs']),
    );
    expect(foreign.find((i) => i.objects[0] === 'schema tidemark_migration')?.reason).toContain(
      `(owner ${SQUATTER})`,
    );

    if (psql) {
      const script = await runPsql(file);
      expect(script.code).not.toBe(0);
      expect(script.out).toMatch(`Tidemark will not use schema tidemark_migration (owner ${SQUATTER})`);
    }
    expect(await squatterIsSuperuser()).toBe(false);
    expect(
      (await admin.query(`SELECT count(*)::int AS n FROM tidemark_migration.runs`)).rows[0].n,
      'nothing was written into the squatted registry',
    ).toBe(0);
    await admin.query(`DROP SCHEMA tidemark_migration CASCADE`);
    expect((await engine.service.whenIdle(engine.service.cancel(m.id).id)).state).toBe('cancelled');
  });

  it('refuses a new table of the same name that another role made first, and leaves it alone on cancel', async () => {
    await createTransactions(admin, 'public.squat_shadow', 300);
    // On PostgreSQL 14 and older every role may create in public; here it is granted.
    await admin.query(`GRANT CREATE ON SCHEMA public TO ${SQUATTER}`);
    await admin.query(`GRANT SELECT ON public.squat_shadow TO ${SQUATTER}`);
    const m = await plan(engine, 'public', 'squat_shadow', 'executed_at', 'partitions', settings);
    const file = await exportFile(m);
    const shadow = m.plan.names.newTable;
    const shown = `public.squat_shadow_new_${m.id.slice(0, 6)}`;
    await asSquatter(`CREATE TABLE ${shadow} (LIKE public.squat_shadow INCLUDING ALL)`);
    await asSquatter(
      `CREATE TRIGGER climb BEFORE INSERT ON ${shadow} FOR EACH ROW EXECUTE FUNCTION squatter.climb()`,
    );

    const failed = await runToEnd(engine, m.id);
    expect({ state: failed.state, superuser: await squatterIsSuperuser() }).toEqual({
      state: 'failed',
      superuser: false,
    });
    // Checked before every step: the run stopped before anything was copied into it.
    expect(failed.steps.find((s) => s.key === 'copy')?.state).toBe('pending');
    expect(failed.error?.message).toContain(
      `table ${shown} (owner ${SQUATTER}): it is not owned by postgres`,
    );
    expect(failed.error?.message).toContain(`trigger climb on ${shown} (owner ${SQUATTER})`);
    if (psql) {
      const script = await runPsql(file);
      expect(script.code).not.toBe(0);
      expect(script.out).toContain(`Tidemark will not use table ${shown} (owner ${SQUATTER})`);
    }
    expect(await squatterIsSuperuser()).toBe(false);

    const cancelled = await engine.service.whenIdle(engine.service.cancel(m.id).id);
    expect(cancelled.state, why(cancelled)).toBe('cancelled');
    expect((await admin.query(`SELECT to_regclass($1) IS NOT NULL AS kept`, [shadow])).rows[0].kept).toBe(
      true,
    );
    await admin.query(`DROP TABLE ${shadow}`);
    await admin.query(`REVOKE CREATE ON SCHEMA public FROM ${SQUATTER}`);
  });

  it("refuses the DBA's own table of that name when it lacks this migration's mark, and keeps it on cancel", async () => {
    await createTransactions(admin, 'public.unmarked', 300);
    const m = await plan(engine, 'public', 'unmarked', 'executed_at', 'partitions', settings);
    await admin.query(`CREATE TABLE ${m.plan.names.newTable} (LIKE public.unmarked)`);
    await admin.query(`INSERT INTO ${m.plan.names.newTable} SELECT * FROM public.unmarked LIMIT 7`);

    const failed = await runToEnd(engine, m.id);
    expect(failed.state).toBe('failed');
    expect(failed.error?.message).toContain(
      `table public.unmarked_new_${m.id.slice(0, 6)} (owner postgres): its comment is not 'Tidemark migration ${m.id}: the new table, until the swap'`,
    );
    const cancelled = await engine.service.whenIdle(engine.service.cancel(m.id).id);
    expect(cancelled.state, why(cancelled)).toBe('cancelled');
    expect((await admin.query(`SELECT count(*)::int AS n FROM ${m.plan.names.newTable}`)).rows[0].n).toBe(7);
    await admin.query(`DROP TABLE ${m.plan.names.newTable}`);
  });

  it('refuses a change log another role made in its schema', async () => {
    await createTransactions(admin, 'public.squat_log', 300);
    const m = await plan(engine, 'public', 'squat_log', 'executed_at', 'partitions', settings);
    // The DBA's own schema, once opened to others by mistake.
    await admin.query(`CREATE SCHEMA tidemark_migration`);
    await admin.query(`GRANT USAGE, CREATE ON SCHEMA tidemark_migration TO ${SQUATTER}`);
    const log = `tidemark_migration.log_${m.id.slice(0, 6)}`;
    await asSquatter(`CREATE TABLE ${log} (seq bigserial PRIMARY KEY, op "char" NOT NULL, k_1 bigint)`);
    await asSquatter(
      `CREATE TRIGGER climb BEFORE INSERT ON ${log} FOR EACH ROW EXECUTE FUNCTION squatter.climb()`,
    );

    const failed = await runToEnd(engine, m.id);
    expect(failed.state).toBe('failed');
    expect(failed.error?.message).toContain(
      `schema tidemark_migration (owner postgres): ${SQUATTER} may create objects in it`,
    );
    expect(failed.error?.message).toContain(`table ${log} (owner ${SQUATTER}): it is not owned by postgres`);
    expect(failed.error?.message).toContain(`trigger climb on ${log} (owner ${SQUATTER})`);
    // A write into the source would have fired the squatter's trigger through the capture: none was installed.
    await admin.query(
      `INSERT INTO public.squat_log (account_id, symbol, side, quantity, price, amount, executed_at) VALUES (1, 'X', 'buy', 1, 1, 1, now())`,
    );
    expect(await squatterIsSuperuser()).toBe(false);
    await admin.query(`DROP SCHEMA tidemark_migration CASCADE`);
    expect((await engine.service.whenIdle(engine.service.cancel(m.id).id)).state).toBe('cancelled');
  });

  it('keeps its own objects from PUBLIC, marks the new table it made, and leaves no schema behind', async () => {
    await createTransactions(admin, 'public.own_objects', 300);
    await admin.query(`GRANT SELECT ON public.own_objects TO PUBLIC`);
    const m = await plan(engine, 'public', 'own_objects', 'executed_at', 'partitions', {
      ...settings,
      swap: { mode: 'confirm' },
    });
    const ready = await runToEnd(engine, m.id);
    expect(ready.state, why(ready)).toBe('ready_to_swap');
    const open = await admin.query(
      `SELECT what FROM (
         SELECT 'schema' AS what, nspacl AS acl FROM pg_namespace WHERE nspname = 'tidemark_migration'
         UNION ALL SELECT c.oid::regclass::text, c.relacl FROM pg_class c
          WHERE c.relnamespace = 'tidemark_migration'::regnamespace OR c.oid = $1::regclass
         UNION ALL SELECT p.oid::regprocedure::text, p.proacl FROM pg_proc p WHERE p.pronamespace = 'tidemark_migration'::regnamespace
       ) o, aclexplode(o.acl) a WHERE o.acl IS NOT NULL AND a.grantee = 0`,
      [m.plan.names.newTable],
    );
    expect(open.rows).toEqual([]);
    const functions = await admin.query(
      `SELECT count(*)::int AS n, bool_and(proacl IS NOT NULL) AS explicit FROM pg_proc WHERE pronamespace = 'tidemark_migration'::regnamespace`,
    );
    expect(functions.rows[0]).toEqual({ n: 2, explicit: true });
    expect(
      (await admin.query(`SELECT obj_description($1::regclass, 'pg_class') AS c`, [m.plan.names.newTable]))
        .rows[0].c,
    ).toBe(`Tidemark migration ${m.id}: the new table, until the swap`);
    const cancelled = await engine.service.whenIdle(engine.service.cancel(m.id).id);
    expect(cancelled.state, why(cancelled)).toBe('cancelled');
    // It was the last migration on the server: nothing of Tidemark's is left.
    expect((await admin.query(`SELECT to_regnamespace('tidemark_migration') AS s`)).rows[0].s).toBeNull();
  });
});
