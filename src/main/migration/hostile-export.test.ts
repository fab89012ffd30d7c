import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import {
  difference,
  type Engine,
  plan,
  qIdent,
  runToEnd,
  startEngine,
  why,
} from '../../../test/support/migration-engine';
import { psql, runPsqlFile } from '../../../test/support/psql';

/**
 * Object names are the attacker's text: a role that may create a view (or a
 * schema, a trigger …) picks names holding line breaks, psql meta-commands and
 * SQL. The exported script, run by psql as the DBA (a superuser), must run
 * none of it, and still migrate the table.
 */

const tag = randomBytes(3).toString('hex');
/** Every payload touches a file starting with this; none may exist after the script ran. */
const MARK = join(tmpdir(), `tm${tag}`);
/** A role with no rights worth having; the payloads try to make it superuser. */
const CLIMBER = `tm_r${tag.slice(0, 4)}`;
const touched = () => readdirSync(tmpdir()).filter((f) => f.startsWith(`tm${tag}`));

/** 63 bytes: after a CR a SQL statement, after an LF a shell escape, then quotes and a backslash. */
function hostile(kind: string): string {
  return `${kind}\r;ALTER ROLE ${CLIMBER} SUPERUSER;--\n\\! touch ${MARK}${kind}\n"'\\`;
}

const names = {
  schema: hostile('S'),
  table: hostile('T'),
  column: hostile('C'),
  index: hostile('I'),
  constraint: hostile('K'),
  view: hostile('V'),
  trigger: hostile('G'),
  sequence: hostile('Q'),
  role: hostile('R'),
};
const comment = `a comment\n\\! touch ${MARK}m\nALTER ROLE ${CLIMBER} SUPERUSER;\r-- and more`;
/** Read one way with standard_conforming_strings on and another with it off (a literal in a trigger's arguments). */
const slippery = `a\\' ; \\! touch ${MARK}a\n`;

let db: TestDatabase;
let admin: pg.Client;
let engine: Engine;

const S = qIdent(names.schema);
const T = `${S}.${qIdent(names.table)}`;
const lit = (value: string) => pg.Client.prototype.escapeLiteral(value);

describe.each(testServers)('on %s', (server) => {
  beforeAll(async () => {
    db = await createTestDatabase('hostile names', server);
    admin = await db.admin();
    await admin.query(`CREATE ROLE ${qIdent(CLIMBER)} NOSUPERUSER`);
    await admin.query(`CREATE ROLE ${qIdent(names.role)} NOSUPERUSER`);
    await admin.query(`CREATE SCHEMA ${S}`);
    await admin.query(`CREATE TABLE ${S}.ref (id int PRIMARY KEY)`);
    await admin.query(`INSERT INTO ${S}.ref SELECT generate_series(1, 5)`);
    await admin.query(`CREATE SEQUENCE ${S}.${qIdent(names.sequence)}`);
    await admin.query(`
      CREATE TABLE ${T} (
        id bigint NOT NULL DEFAULT nextval(${lit(`${S}.${qIdent(names.sequence)}`)}::regclass) PRIMARY KEY,
        ${qIdent(names.column)} timestamptz NOT NULL,
        ref_id int CONSTRAINT ${qIdent(names.constraint)} REFERENCES ${S}.ref (id),
        note text
      )`);
    await admin.query(`ALTER SEQUENCE ${S}.${qIdent(names.sequence)} OWNED BY ${T}.id`);
    await admin.query(`CREATE INDEX ${qIdent(names.index)} ON ${T} (${qIdent(names.column)})`);
    await admin.query(
      `CREATE FUNCTION ${S}.noop() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$`,
    );
    await admin.query(
      `CREATE TRIGGER ${qIdent(names.trigger)} AFTER INSERT ON ${T} FOR EACH ROW EXECUTE FUNCTION ${S}.noop(${lit(slippery)})`,
    );
    await admin.query(`COMMENT ON TABLE ${T} IS ${lit(comment)}`);
    await admin.query(`COMMENT ON COLUMN ${T}.note IS ${lit(comment)}`);
    await admin.query(`GRANT USAGE, CREATE ON SCHEMA ${S} TO ${qIdent(CLIMBER)}`);
    await admin.query(`GRANT USAGE ON SCHEMA ${S} TO ${qIdent(names.role)}`);
    await admin.query(`GRANT SELECT ON ${T} TO ${qIdent(CLIMBER)}`);
    await admin.query(`GRANT SELECT (note), INSERT ON ${T} TO ${qIdent(names.role)}`);
    await admin.query(`SET ROLE ${qIdent(CLIMBER)}`);
    await admin.query(
      `CREATE VIEW ${S}.${qIdent(names.view)} AS SELECT id, ${qIdent(names.column)} FROM ${T}`,
    );
    await admin.query('RESET ROLE');
    await admin.query(
      `INSERT INTO ${T} (${qIdent(names.column)}, ref_id, note)
       SELECT timestamptz '2026-01-01' + i * interval '20 minutes', 1 + i % 5, ${lit(comment)} FROM generate_series(1, 2000) i`,
    );
    await admin.query(`ANALYZE ${T}`);
    await admin.query(`CREATE TABLE public.expected AS SELECT * FROM ${T}`);
    engine = startEngine(db.profile({ poolSize: 1 }), db.password);
  });

  afterAll(async () => {
    for (const f of touched()) rmSync(join(tmpdir(), f));
    await engine?.close();
    await db?.cleanup();
    const root = new pg.Client({ ...db.server, database: 'postgres', ssl: false });
    await root.connect();
    for (const role of [CLIMBER, names.role]) await root.query(`DROP ROLE IF EXISTS ${qIdent(role)}`);
    await root.end();
  });

  const runPsql = (file: string) => runPsqlFile(db, file);

  describe('a migration of objects with hostile names', () => {
    it('swaps and rolls back with the engine, every name intact', async () => {
      const m = await plan(engine, names.schema, names.table, names.column, 'partitions', {
        acceptCompositeKey: true,
        confirmedFreeBytes: 1e12,
        batchRows: 500,
      });
      const swapped = await runToEnd(engine, m.id);
      expect(swapped.state, why(swapped)).toBe('swapped');
      expect(swapped.validation?.ok, why(swapped)).toBe(true);
      expect(
        (await admin.query(`SELECT relkind::text AS k FROM pg_class WHERE oid = $1::regclass`, [T])).rows[0]
          .k,
      ).toBe('p');
      engine.service.rollback(m.id);
      const back = await engine.service.whenIdle(m.id);
      expect(back.state, why(back)).toBe('rolled_back');
      expect(
        (await admin.query(`SELECT relkind::text AS k FROM pg_class WHERE oid = $1::regclass`, [T])).rows[0]
          .k,
      ).toBe('r');
      expect(await difference(admin, T, 'public.expected')).toEqual({ missing: 0, extra: 0 });
      expect(touched()).toEqual([]);
    });
  });

  describe.skipIf(!psql)('an export of objects with hostile names', () => {
    it('runs in psql without running anything a name holds, and migrates the table', async () => {
      const m = await plan(engine, names.schema, names.table, names.column, 'partitions', {
        acceptCompositeKey: true,
        confirmedFreeBytes: 1e12,
        batchRows: 500,
      });
      const { fileName, script } = await engine.dispatch('migration:export', { id: m.id });
      const file = join(engine.dataDir, fileName);
      writeFileSync(file, script);
      // Whoever runs the script may have standard_conforming_strings off (a database default, a role setting).
      await admin.query(`ALTER DATABASE ${qIdent(db.name)} SET standard_conforming_strings = off`);
      const result = await runPsql(file);
      await admin.query(`ALTER DATABASE ${qIdent(db.name)} RESET standard_conforming_strings`);

      const climbed = await admin.query(
        `SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[]) AND (rolsuper OR rolcreaterole)`,
        [[CLIMBER, names.role]],
      );
      expect({ touched: touched(), superusers: climbed.rows }).toEqual({ touched: [], superusers: [] });
      expect(result.out).not.toMatch(/ERROR|sh: |command not found|invalid command/);
      expect(result.code).toBe(0);

      // The migration itself happened: partitioned, same rows, and everything attached to the table moved.
      const table = await admin.query(
        `SELECT c.relkind::text AS kind, obj_description(c.oid, 'pg_class') AS comment,
                has_table_privilege($2, c.oid, 'INSERT') AS granted,
                (SELECT count(*)::int FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = $3) AS triggers,
                (SELECT count(*)::int FROM pg_constraint k WHERE k.conrelid = c.oid AND k.conname = $4) AS fks
           FROM pg_class c WHERE c.oid = $1::regclass`,
        [T, names.role, names.trigger, names.constraint],
      );
      expect(table.rows[0]).toEqual({ kind: 'p', comment, granted: true, triggers: 1, fks: 1 });
      expect(await difference(admin, T, 'public.expected')).toEqual({ missing: 0, extra: 0 });
      const view = await admin.query(
        `SELECT count(*)::int AS n FROM ${S}.${qIdent(names.view)} v JOIN pg_class c ON c.oid = $1::regclass WHERE c.relkind = 'p'`,
        [T],
      );
      expect(view.rows[0].n).toBe(2000);
    });
  });
});
