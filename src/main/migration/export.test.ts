import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import {
  createTransactions,
  difference,
  type Engine,
  plan,
  startEngine,
} from '../../../test/support/migration-engine';
import { psql, runPsqlFile } from '../../../test/support/psql';

/**
 * The exported script, run as a DBA would in a maintenance window: by psql,
 * against PostgreSQL 18 and 15, with an application view and grant on the table.
 * Needs psql on the PATH (Debian: postgresql-client).
 */

let db: TestDatabase;
let admin: pg.Client;
let engine: Engine;

const runScript = (file: string) => runPsqlFile(db, file, { stopOnError: false });

describe.skipIf(!psql).each(testServers)('the exported psql script on %s', (server) => {
  beforeAll(async () => {
    db = await createTestDatabase('migration export', server);
    admin = await db.admin();
    await createTransactions(admin, 'public."Script Me"', 5_000);
    await admin.query(
      `CREATE VIEW public."Script Me view" AS SELECT id, symbol, executed_at FROM public."Script Me"`,
    );
    await admin.query(`CREATE TABLE public."Script Me expected" AS SELECT * FROM public."Script Me"`);
    engine = startEngine(db.profile({ poolSize: 1 }), db.password);
  });
  afterAll(async () => {
    await engine?.close();
    await db?.cleanup();
  });

  it('migrates the table when psql runs it, and refuses to run twice', async () => {
    const m = await plan(engine, 'public', 'Script Me', 'executed_at', 'partitions', {
      acceptCompositeKey: true,
      confirmedFreeBytes: 1e12,
      batchRows: 700,
      batchSeconds: 0, // several batches, so the loop resumes and moves the mark more than once
    });
    const { fileName, script } = await engine.dispatch('migration:export', { id: m.id });
    const file = join(engine.dataDir, fileName);
    writeFileSync(file, script);

    const first = await runScript(file);
    expect(first.out).not.toMatch(/ERROR/);
    expect(first.code).toBe(0);
    expect(
      (await admin.query(`SELECT relkind FROM pg_class WHERE oid = 'public."Script Me"'::regclass`)).rows[0]
        .relkind,
    ).toBe('p');
    expect(await difference(admin, 'public."Script Me"', 'public."Script Me expected"')).toEqual({
      missing: 0,
      extra: 0,
    });
    expect(await difference(admin, m.plan.names.oldTable, 'public."Script Me expected"')).toEqual({
      missing: 0,
      extra: 0,
    });
    // The view reads the new table; the batches were many, committed one by one.
    await admin.query(
      `INSERT INTO public."Script Me" (account_id, symbol, side, quantity, price, amount, executed_at) VALUES (1, 'PSQL', 'buy', 1, 1, 1, '2026-01-05')`,
    );
    expect(
      (await admin.query(`SELECT count(*)::int AS n FROM public."Script Me view" WHERE symbol = 'PSQL'`))
        .rows[0].n,
    ).toBe(1);
    const runs = await admin.query(
      `SELECT batches, rows_copied::int AS rows, copy_done FROM tidemark_migration.runs WHERE migration_id = $1`,
      [m.id],
    );
    expect(runs.rows[0]).toMatchObject({ rows: 5_000, copy_done: true });
    expect(runs.rows[0].batches).toBeGreaterThan(3);

    const second = await runScript(file);
    expect(second.code).not.toBe(0);
    expect(second.out).toMatch(/The swap already happened .* nothing left to run/);
    expect(await difference(admin, 'public."Script Me"', 'public."Script Me expected"')).toEqual({
      missing: 1,
      extra: 0,
    });
  });
});
