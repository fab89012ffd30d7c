import { AppError } from '../errors';
import type { Queryable } from './db';
import { ql } from './ident';
import { CAPTURE_SCHEMA, dollarTag, type MigrationNames, rel } from './names';

/**
 * Tidemark writes into objects it creates on the DBA's server (its schema, the
 * run registry, the change logs and their functions, the new table), usually
 * as a superuser. Any role with CREATE on the database could have made one of
 * them first, with a trigger that runs as whoever writes into it. So before
 * each use the engine (and the exported script) checks that every such object
 * is owned by the migrating role, carries no trigger, rule or policy Tidemark
 * did not make, that nobody else may create in the schema, and that the new
 * table bears this migration's marker. One query says what is wrong; the
 * pre-flight lists it, the steps refuse on it.
 */

/** The comment that marks the new table as made by this migration (set only when the step creates it). */
export function shadowMarker(migrationId: string): string {
  return `Tidemark migration ${migrationId}: the new table, until the swap`;
}

export interface Shadow {
  names: MigrationNames;
  marker: string;
}

/** The new table's name and marker, checked before the swap (after it, that name is no longer ours). */
export function shadowOf(spec: { id: string; names: MigrationNames }): Shadow {
  return { names: spec.names, marker: shadowMarker(spec.id) };
}

export interface Foreign {
  what: string;
  owner: string;
  problem: string;
}

/**
 * Rows (what, owner, problem) for everything that makes Tidemark's objects not
 * its own. `shadow`: the new table (by name) and the marker it must bear; only
 * before the swap, when that name is ours.
 */
export function foreignObjectsSql(shadow: Shadow | null): string {
  const schema = ql(CAPTURE_SCHEMA);
  const newTable = shadow ? `pg_catalog.to_regclass(${ql(rel(shadow.names).newTable)})` : 'NULL::regclass';
  return `WITH me AS (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user),
     ns AS (SELECT n.oid, n.nspowner, n.nspacl FROM pg_catalog.pg_namespace n WHERE n.nspname = ${schema}),
     rels AS (SELECT c.oid, c.relowner, c.relkind, pg_catalog.format('%I.%I', n.nspname, c.relname) AS name
                FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
               WHERE c.relnamespace IN (SELECT oid FROM ns) OR c.oid = ${newTable})
SELECT pg_catalog.format('schema %I', ${schema}) AS what, pg_catalog.pg_get_userbyid(ns.nspowner)::text AS owner,
       'it is not owned by ' || pg_catalog.quote_ident(current_user::text) AS problem
  FROM ns WHERE ns.nspowner <> (SELECT oid FROM me)
UNION ALL
SELECT pg_catalog.format('schema %I', ${schema}), pg_catalog.pg_get_userbyid(ns.nspowner)::text,
       CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)::text) END
         || ' may create objects in it'
  FROM ns, pg_catalog.aclexplode(ns.nspacl) a WHERE a.privilege_type = 'CREATE' AND a.grantee <> ns.nspowner
UNION ALL
SELECT CASE r.relkind WHEN 'i' THEN 'index ' WHEN 'S' THEN 'sequence ' WHEN 'v' THEN 'view ' ELSE 'table ' END || r.name,
       pg_catalog.pg_get_userbyid(r.relowner)::text, 'it is not owned by ' || pg_catalog.quote_ident(current_user::text)
  FROM rels r WHERE r.relowner <> (SELECT oid FROM me)
UNION ALL
SELECT pg_catalog.format('trigger %I on %s', t.tgname, r.name), pg_catalog.pg_get_userbyid(r.relowner)::text,
       'Tidemark did not create it'
  FROM pg_catalog.pg_trigger t JOIN rels r ON r.oid = t.tgrelid
  JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
 WHERE NOT t.tgisinternal AND pg_catalog.left(pn.nspname, 12) <> '_timescaledb'
UNION ALL
SELECT pg_catalog.format('rule %I on %s', w.rulename, r.name), pg_catalog.pg_get_userbyid(r.relowner)::text,
       'Tidemark did not create it'
  FROM pg_catalog.pg_rewrite w JOIN rels r ON r.oid = w.ev_class WHERE w.rulename <> '_RETURN'
UNION ALL
SELECT pg_catalog.format('policy %I on %s', y.polname, r.name), pg_catalog.pg_get_userbyid(r.relowner)::text,
       'Tidemark did not create it'
  FROM pg_catalog.pg_policy y JOIN rels r ON r.oid = y.polrelid
UNION ALL
SELECT pg_catalog.format('function %I.%I(%s)', ${schema}, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)),
       pg_catalog.pg_get_userbyid(p.proowner)::text,
       'it is not owned by ' || pg_catalog.quote_ident(current_user::text)
  FROM pg_catalog.pg_proc p WHERE p.pronamespace IN (SELECT oid FROM ns) AND p.proowner <> (SELECT oid FROM me)
UNION ALL
SELECT 'table ' || r.name, pg_catalog.pg_get_userbyid(r.relowner)::text,
       'its comment is not ' || ${shadow ? ql(ql(shadow.marker)) : "''"} || ', the mark of the table this migration made'
  FROM rels r WHERE r.oid = ${newTable} AND r.relowner = (SELECT oid FROM me)
   AND pg_catalog.obj_description(r.oid, 'pg_class') IS DISTINCT FROM ${shadow ? ql(shadow.marker) : 'NULL'}`;
}

/** What the refusal says around the list of objects (each: what, its owner, why). */
const REFUSAL = [
  'Tidemark will not use ',
  '. Another role may have made or changed these to run code as you. Check them and drop them (or make them yours) before you try again; nothing more was run.',
] as const;

/** A DO block that stops (the engine's step, or the exported script) if anything is not Tidemark's own. */
export function guardSql(shadow: Shadow | null): string {
  const body = `DECLARE
  found text;
BEGIN
  SELECT pg_catalog.string_agg(pg_catalog.format('%s (owner %s): %s', x.what, x.owner, x.problem), '; ')
    INTO found
    FROM (${foreignObjectsSql(shadow)}) x;
  IF found IS NOT NULL THEN
    RAISE EXCEPTION '%', ${ql(REFUSAL[0])} || found || ${ql(REFUSAL[1])};
  END IF;
END`;
  const tag = dollarTag(body);
  return `DO ${tag}\n${body}\n${tag};`;
}

/** For the pre-flight: every foreign object, read without writing anything. */
export async function findForeignObjects(db: Queryable): Promise<Foreign[]> {
  const { rows } = await db.query<Foreign>(foreignObjectsSql(null));
  return rows;
}

/** For the engine: refuses (with the same words as the guard) if anything is not Tidemark's own. */
export async function verifyOwnObjects(db: Queryable, shadow: Shadow | null): Promise<void> {
  const { rows } = await db.query<Foreign>(foreignObjectsSql(shadow));
  if (rows.length === 0) return;
  const found = rows.map((f) => `${f.what} (owner ${f.owner}): ${f.problem}`).join('; ');
  throw new AppError('conflict', `${REFUSAL[0]}${found}${REFUSAL[1]}`);
}

/** The new table's name is taken by a table this migration did not make (not ours to drop). */
export async function isForeignShadow(
  db: Queryable,
  spec: { id: string; names: MigrationNames },
): Promise<boolean> {
  const { rows } = await db.query<{ theirs: boolean }>(
    `SELECT c.relowner <> (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user)
            OR pg_catalog.obj_description(c.oid, 'pg_class') IS DISTINCT FROM $2 AS theirs
       FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass($1)`,
    [rel(spec.names).newTable, shadowMarker(spec.id)],
  );
  return rows[0]?.theirs === true;
}
