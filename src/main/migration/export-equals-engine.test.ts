import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import { fingerprint, normalised } from '../../../test/support/fingerprint';
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
import { withTimescale } from '../../../test/support/timescale';

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

    const { fileName, script } = await engineB.dispatch('migration:export', { id: viaScript.id });
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

type Q = { query: (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }> };

/** The hypertable's dimension, compression settings and policies (a job's hypertable_id differs by table). */
async function hypertableFingerprint(db: Q, schema: string): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT 'dimension ' || d.column_name || ' ' || d.dimension_type || ' ' || coalesce(d.time_interval::text, '') AS line
       FROM timescaledb_information.dimensions d WHERE d.hypertable_schema = $1
     UNION ALL
     SELECT 'compression ' || s.attname || ' segmentby=' || coalesce(s.segmentby_column_index::text, '')
            || ' orderby=' || coalesce(s.orderby_column_index::text, '') || ' asc=' || coalesce(s.orderby_asc::text, '')
       FROM timescaledb_information.compression_settings s WHERE s.hypertable_schema = $1
     UNION ALL
     SELECT 'job ' || j.proc_name || ' every ' || j.schedule_interval::text || ' scheduled=' || j.scheduled
            || ' config=' || (j.config - 'hypertable_id')::text
       FROM timescaledb_information.jobs j WHERE j.hypertable_schema = $1`,
    [schema],
  );
  return rows.map((r) => String(r.line));
}

/**
 * TimescaleDB (PGlite: one database, one connection at a time): the engine
 * migrates a table in one schema, then, with the engine's pool closed, psql runs
 * the export for an identical table in another; both schemas are compared with
 * the schema's name and the migration ids normalised (no pg_dump: PGlite is
 * PostgreSQL 17 and only Debian's pg_dump 15 is installed, which refuses a newer server).
 */
describe.skipIf(!psql)('the export against the engine on TimescaleDB', () => {
  const viaEngineSchema = 'eq_engine';
  const viaScriptSchema = 'eq_script';
  const fixtureIn = async (q: Q, schema: string) => {
    const rel = `${qIdent(schema)}.${qIdent(TABLE)}`;
    await q.query(`CREATE SCHEMA ${qIdent(schema)}`);
    await createTransactions(q, rel, 3_000, 20);
    await q.query(`CREATE VIEW ${qIdent(schema)}."Same view" AS SELECT id, symbol, executed_at FROM ${rel}`);
    await q.query(`COMMENT ON TABLE ${rel} IS 'the trades; it''s all here'`);
    await q.query(`COMMENT ON COLUMN ${rel}.symbol IS 'ticker'`);
    await q.query(`GRANT SELECT ON ${rel} TO PUBLIC`);
    await q.query(`ALTER TABLE ${rel} ALTER COLUMN symbol SET STATISTICS 500`);
  };
  const contentsOf = async (q: Q, schema: string) => {
    const { rows } = await q.query(
      `SELECT md5(string_agg(t::text, E'\\n' ORDER BY t.id)) AS h, count(*)::int AS n FROM ${qIdent(schema)}.${qIdent(TABLE)} t`,
    );
    return `${rows[0]?.n} rows, md5 ${rows[0]?.h}`;
  };

  it('leaves the same hypertable, dependents, policies and rows whether the engine or psql runs the plan', async () => {
    await withTimescale(async (ts) => {
      const drop = `DROP SCHEMA IF EXISTS ${viaEngineSchema}, ${viaScriptSchema} CASCADE`;
      let engine: Engine | undefined = startEngine(ts.profile({ poolSize: 1 }), ts.password);
      const dataDir = engine.dataDir;
      let client: pg.Client | undefined;
      try {
        const q: Q = { query: (sql, params) => engine!.query(sql, params) };
        await q.query(drop);
        await fixtureIn(q, viaEngineSchema);
        await fixtureIn(q, viaScriptSchema);
        const settings = { acceptCompositeKey: true, confirmedFreeBytes: 1e12, batchRows: 700 };
        const viaEngine = await plan(engine, viaEngineSchema, TABLE, 'executed_at', 'timescaledb', settings);
        const viaScript = await plan(engine, viaScriptSchema, TABLE, 'executed_at', 'timescaledb', settings);

        const done = await runToEnd(engine, viaEngine.id);
        expect(done.state, why(done)).toBe('swapped');
        const { fileName, script } = await engine.dispatch('migration:export', { id: viaScript.id });
        const file = join(dataDir, fileName);
        writeFileSync(file, script);
        // The server takes one connection: psql gets it only once the engine's pool is closed.
        await engine.close();
        engine = undefined;
        const server = { host: ts.info.host, port: ts.info.port, user: ts.info.user };
        const target = { server, name: ts.info.database, password: ts.password } as unknown as TestDatabase;
        const ran = await runPsqlFile(target, file);
        expect(ran.out).not.toMatch(/ERROR/);
        expect(ran.code).toBe(0);

        client = new pg.Client({ ...ts.info, ssl: false });
        client.on('error', () => {});
        await client.connect();
        const side = async (schema: string, id: string) =>
          normalised(
            [...(await fingerprint(client!, schema)), ...(await hypertableFingerprint(client!, schema))],
            id,
          );
        const engineSide = await side(viaEngineSchema, viaEngine.id);
        const scriptSide = await side(viaScriptSchema, viaScript.id);
        expect(engineSide.length).toBeGreaterThan(30);
        expect(engineSide.some((l) => l.startsWith('dimension executed_at'))).toBe(true);
        expect(scriptSide).toEqual(engineSide);
        expect(await contentsOf(client, viaScriptSchema)).toBe(await contentsOf(client, viaEngineSchema));
        await client.query(drop);
      } finally {
        await client?.end().catch(() => {});
        await engine?.close();
      }
    });
  });
});
