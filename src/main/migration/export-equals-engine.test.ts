import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import { psql, runPsqlFile } from '../../../test/support/psql';
import { createTransactions, type Engine, plan, runToEnd, startEngine, why } from './test-harness';

/**
 * The export is the engine: one database migrated by the engine, an identical
 * one by running the exported script with real psql; the results must be the
 * same table, with the same dependents, holding the same rows. Compared by a
 * catalog fingerprint on every server, and by real pg_dump --schema-only where
 * a pg_dump of the server's major version is installed (Debian's 15; the
 * embedded PostgreSQL 18 ships none). Names that hold the migration's id are
 * normalised.
 */

const run = promisify(execFile);
const pgDump15 = '/usr/lib/postgresql/15/bin/pg_dump';
const TABLE = 'Same Table';

async function fixture(db: pg.Client): Promise<void> {
  await createTransactions(db, `public."${TABLE}"`, 3_000);
  await db.query(`
    CREATE VIEW public."Same view" AS SELECT id, symbol, executed_at FROM public."${TABLE}";
    COMMENT ON TABLE public."${TABLE}" IS 'the trades; it''s all here';
    COMMENT ON COLUMN public."${TABLE}".symbol IS 'ticker';
    GRANT SELECT ON public."${TABLE}" TO PUBLIC;
    GRANT UPDATE (note) ON public."${TABLE}" TO PUBLIC;
    CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := coalesce(NEW.note, ''); RETURN NEW; END $$;
    CREATE TRIGGER audit BEFORE INSERT ON public."${TABLE}" FOR EACH ROW EXECUTE FUNCTION public.touch();
    CREATE STATISTICS public.same_stats (dependencies) ON account_id, symbol FROM public."${TABLE}";
    ALTER TABLE public."${TABLE}" ALTER COLUMN symbol SET STATISTICS 500;
  `);
}

/** Every object in the public schema (and our triggers on it), one line each, as the catalog describes it. */
async function fingerprint(db: pg.Client): Promise<string[]> {
  const { rows } = await db.query<{ line: string }>(`
    WITH rels AS (SELECT c.oid, c.relname, c.relkind FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace)
    SELECT 'relation ' || r.relname || ' kind=' || r.relkind::text || ' options=' || coalesce(array_to_string(c.reloptions, ','), '')
           || ' acl=' || coalesce(c.relacl::text, '') || ' comment=' || coalesce(obj_description(c.oid, 'pg_class'), '')
           || ' bound=' || coalesce(pg_get_expr(c.relpartbound, c.oid), '')
           || ' parent=' || coalesce((SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = c.oid), '')
           || ' replident=' || c.relreplident::text || ' rls=' || c.relrowsecurity AS line
      FROM rels r JOIN pg_class c ON c.oid = r.oid
    UNION ALL
    SELECT 'column ' || r.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
           || ' notnull=' || a.attnotnull || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
           || ' identity=' || a.attidentity::text || ' generated=' || a.attgenerated::text
           || ' comment=' || coalesce(col_description(r.oid, a.attnum), '') || ' acl=' || coalesce(a.attacl::text, '')
           || ' options=' || coalesce(array_to_string(a.attoptions, ','), '')
      FROM rels r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_attrdef d ON d.adrelid = r.oid AND d.adnum = a.attnum
     WHERE r.relkind IN ('r', 'p', 'v', 'm')
    UNION ALL
    SELECT 'constraint ' || r.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid) || ' validated=' || k.convalidated
           || ' comment=' || coalesce(obj_description(k.oid, 'pg_constraint'), '')
      FROM rels r JOIN pg_constraint k ON k.conrelid = r.oid
    UNION ALL
    SELECT 'index ' || pg_get_indexdef(i.indexrelid) FROM rels r JOIN pg_index i ON i.indrelid = r.oid
    UNION ALL
    SELECT 'trigger ' || pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text
      FROM rels r JOIN pg_trigger t ON t.tgrelid = r.oid AND NOT t.tgisinternal
    UNION ALL
    SELECT 'view ' || r.relname || ' ' || pg_get_viewdef(r.oid) FROM rels r WHERE r.relkind IN ('v', 'm')
    UNION ALL
    SELECT 'owned ' || pg_describe_object(d.classid, d.objid, 0) || ' by ' || pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid)
      FROM pg_depend d JOIN rels r ON r.oid = d.refobjid
     WHERE d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
       AND (SELECT relkind FROM pg_class WHERE oid = d.objid) = 'S'
    UNION ALL
    SELECT 'statistics ' || pg_get_statisticsobjdef(s.oid) FROM pg_statistic_ext s WHERE s.stxnamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'policy ' || r.relname || '.' || p.polname || ' ' || coalesce(pg_get_expr(p.polqual, p.polrelid), '')
      FROM rels r JOIN pg_policy p ON p.polrelid = r.oid
  `);
  return rows.map((r) => r.line);
}

/** The engine and the script each name things after their own migration id: make both say <id>. */
function normalised(lines: string[], id: string): string[] {
  const suffix = id.slice(0, 6);
  return lines
    .map((l) => l.split(id).join('<id>').split(suffix).join('<id>'))
    .filter((l) => !/^\\(un)?restrict /.test(l))
    .sort();
}

async function contents(db: pg.Client): Promise<string> {
  const { rows } = await db.query<{ h: string; n: number }>(
    `SELECT md5(string_agg(t::text, E'\\n' ORDER BY t.id)) AS h, count(*)::int AS n FROM public."${TABLE}" t`,
  );
  return `${rows[0]?.n} rows, md5 ${rows[0]?.h}`;
}

async function schemaDump(db: TestDatabase): Promise<string[]> {
  const { stdout } = await run(
    pgDump15,
    [
      '--schema-only',
      '--schema=public',
      '-h',
      db.server.host,
      '-p',
      String(db.server.port),
      '-U',
      db.server.user,
      '-d',
      db.name,
    ],
    { env: { ...process.env, PGPASSWORD: db.password, PGSSLMODE: 'disable' }, maxBuffer: 64 << 20 },
  );
  return stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('--'));
}

describe.skipIf(!psql).each(testServers)('the export against the engine on %s', (server) => {
  let byEngine: TestDatabase;
  let byScript: TestDatabase;
  let a: pg.Client;
  let b: pg.Client;
  let engineA: Engine;
  let engineB: Engine;

  beforeAll(async () => {
    byEngine = await createTestDatabase('export equals engine (engine)', server);
    byScript = await createTestDatabase('export equals engine (script)', server);
    a = await byEngine.admin();
    b = await byScript.admin();
    await fixture(a);
    await fixture(b);
    engineA = startEngine(byEngine.profile({ poolSize: 2 }), byEngine.password);
    engineB = startEngine(byScript.profile({ poolSize: 1 }), byScript.password);
  });
  afterAll(async () => {
    await engineA?.close();
    await engineB?.close();
    await byEngine?.cleanup();
    await byScript?.cleanup();
  });

  it('leaves the same table, dependents and rows whether the engine or psql runs the plan', async () => {
    const settings = { acceptCompositeKey: true, confirmedFreeBytes: 1e12, batchRows: 700 };
    const viaEngine = await plan(engineA, 'public', TABLE, 'executed_at', 'partitions', settings);
    const viaScript = await plan(engineB, 'public', TABLE, 'executed_at', 'partitions', settings);

    const done = await runToEnd(engineA, viaEngine.id);
    expect(done.state, why(done)).toBe('swapped');

    const { fileName, script } = await engineB.service.call('migration:export', { id: viaScript.id });
    const file = join(engineB.dataDir, fileName);
    writeFileSync(file, script);
    const ran = await runPsqlFile(byScript, file);
    expect(ran.out).not.toMatch(/ERROR/);
    expect(ran.code).toBe(0);

    const engineSide = normalised(await fingerprint(a), viaEngine.id);
    const scriptSide = normalised(await fingerprint(b), viaScript.id);
    expect(engineSide.length).toBeGreaterThan(40);
    expect(scriptSide).toEqual(engineSide);
    expect(await contents(b)).toBe(await contents(a));

    const major = Number((await a.query<{ v: string }>(`SHOW server_version_num`)).rows[0]?.v) / 10_000;
    if (Math.floor(major) === 15 && existsSync(pgDump15)) {
      const dumpA = normalised(await schemaDump(byEngine), viaEngine.id);
      const dumpB = normalised(await schemaDump(byScript), viaScript.id);
      expect(dumpA.some((l) => l.includes('PARTITION BY RANGE'))).toBe(true);
      expect(dumpB).toEqual(dumpA);
    }
  });
});
