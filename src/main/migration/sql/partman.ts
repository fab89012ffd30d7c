import type { Queryable } from '../db';
import { qi, ql, qn } from '../ident';
import { rel } from '../names';
import type { MigrationSpec } from '../spec';

/**
 * Handing a table moved to native partitions to pg_partman instead of
 * Tidemark's own upkeep. create_parent runs on the new, still empty table in
 * place of Tidemark's "Create the partitions" step: pg_partman makes the
 * partitions (from the oldest row to `premake` intervals past now, and its
 * DEFAULT) under its own names, so its run_maintenance finds them later. The
 * swap renames the parent; part_config follows it in the finish step. A
 * rollback or a cancel removes the part_config row and the template table
 * create_parent made. Every statement here is what the plan shows, the export
 * writes and the engine runs.
 *
 * Signatures read from pg_partman's sources: 4.x create_parent(p_parent_table,
 * p_control, p_type ('native'), p_interval, …, p_premake, …, p_start_partition, …);
 * 5.x create_parent(p_parent_table, p_control, p_interval, p_type DEFAULT
 * 'range', …, p_premake, p_start_partition, …). Named arguments cover both.
 */

/** pg_partman as the plan found it (kept in the spec, so a resumed run calls the same signature). */
export interface PartmanFacts {
  schema: string;
  version: string;
}

export interface PartmanOnServer {
  /** Installed in this database (null: not created here). */
  installed: PartmanFacts | null;
  /** default_version of the server's package (null: not on the server). */
  available: string | null;
  /** What the role lacks to hand a table over (empty: nothing). */
  missing: string[];
}

export async function readPartman(db: Queryable): Promise<PartmanOnServer> {
  const { rows } = await db.query<{
    version: string | null;
    schema: string | null;
    available: string | null;
  }>(
    `SELECT e.extversion AS version, n.nspname AS schema,
            (SELECT default_version FROM pg_catalog.pg_available_extensions WHERE name = 'pg_partman') AS available
       FROM (SELECT 1) one
       LEFT JOIN pg_catalog.pg_extension e ON e.extname = 'pg_partman'
       LEFT JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace`,
  );
  const row = rows[0];
  if (!row?.version || !row.schema)
    return { installed: null, available: row?.available ?? null, missing: [] };
  const installed = { schema: row.schema, version: row.version };
  const rights = await db.query<{ usage: boolean; create: boolean; config: boolean }>(
    `SELECT has_schema_privilege($1, 'USAGE') AS usage, has_schema_privilege($1, 'CREATE') AS create,
            has_table_privilege($2, 'SELECT, INSERT, UPDATE, DELETE') AS config`,
    [row.schema, qn(row.schema, 'part_config')],
  );
  const r = rights.rows[0]!;
  const missing = [
    ...(r.usage ? [] : [`USAGE on schema ${row.schema}`]),
    ...(r.create ? [] : [`CREATE on schema ${row.schema} (create_parent makes its template table there)`]),
    ...(r.config ? [] : [`SELECT, INSERT, UPDATE, DELETE on ${row.schema}.part_config`]),
  ];
  return { installed, available: row.available, missing };
}

/** Major version 4 takes p_type 'native'; 5 and later 'range'; older ones are not supported. */
export function partmanMajor(version: string): number {
  return Number.parseInt(version.split('.')[0] ?? '0', 10);
}

export function handsOver(spec: MigrationSpec): boolean {
  return (
    spec.target === 'partitions' && spec.settings.partitionUpkeep === 'pg_partman' && Boolean(spec.partman)
  );
}

/** part_config keys a table by its unquoted schema.name. */
const configKey = (schema: string, table: string) => `${schema}.${table}`;

function partmanOf(spec: MigrationSpec): PartmanFacts {
  if (!spec.partman) throw new Error('This migration does not hand its table to pg_partman.');
  return spec.partman;
}

const config = (p: PartmanFacts) => qn(p.schema, 'part_config');

/** pg_partman refuses a premake of 0. */
export const premakeOf = (spec: MigrationSpec) => Math.max(1, spec.settings.partitionsAhead);

/** create_parent on the new table: partitions from the oldest row of the source to premake intervals past now. */
export function createParentSql(spec: MigrationSpec): string {
  const p = partmanOf(spec);
  const r = rel(spec.names);
  const type = partmanMajor(p.version) >= 5 ? 'range' : 'native';
  return (
    `SELECT ${qi(p.schema)}.create_parent(` +
    `p_parent_table := ${ql(configKey(spec.names.schema, spec.names.newTable))}, ` +
    `p_control := ${ql(spec.timeColumn)}, p_type := ${ql(type)}, p_interval := ${ql(spec.settings.interval)}, ` +
    `p_premake := ${premakeOf(spec)}, ` +
    `p_start_partition := (SELECT min(${qi(spec.timeColumn)})::text FROM ${r.source}));`
  );
}

/**
 * After the swap the parent has the table's name: part_config follows it. With
 * infinite_time_partitions pg_partman keeps premake partitions past now even
 * while no new rows arrive (by default it counts from the newest row), as
 * Tidemark's own upkeep does.
 */
export function followRenameSql(spec: MigrationSpec): string {
  const p = partmanOf(spec);
  const { schema, table, newTable } = spec.names;
  return `UPDATE ${config(p)} SET parent_table = ${ql(configKey(schema, table))}, infinite_time_partitions = true WHERE parent_table = ${ql(configKey(schema, newTable))};`;
}

/** Retention, once the cleanup has run: pg_partman's run_maintenance detaches (keeps) older partitions. */
export function retentionSql(spec: MigrationSpec): string[] {
  if (spec.settings.retention === null) return [];
  const p = partmanOf(spec);
  return [
    `UPDATE ${config(p)} SET retention = ${ql(spec.settings.retention)}, retention_keep_table = true WHERE parent_table = ${ql(configKey(spec.names.schema, spec.names.table))};`,
  ];
}

/** The template table create_parent makes for a parent (pg_partman's check_name_length: cut at 63 characters). */
export function templateName(schema: string, table: string): string {
  return Array.from(`template_${schema}_${table}`).slice(0, 63).join('');
}

/**
 * After a rollback or a cancel: no pg_partman configuration is left for the
 * table, under any name the new table had (before and after the swap).
 */
export function forgetSql(spec: MigrationSpec): string[] {
  if (!handsOver(spec)) return [];
  const p = partmanOf(spec);
  const { schema, table, newTable, rolledBackTable } = spec.names;
  const keys = [table, newTable, rolledBackTable].map((t) => ql(configKey(schema, t)));
  return [
    `DELETE FROM ${config(p)} WHERE parent_table IN (${keys.join(', ')});`,
    `DROP TABLE IF EXISTS ${qn(p.schema, templateName(schema, newTable))};`,
  ];
}

/** Whether part_config holds the table (under its live name). */
export async function configured(db: Queryable, spec: MigrationSpec, table: string): Promise<boolean> {
  const p = partmanOf(spec);
  const { rows } = await db.query<{ ok: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM ${config(p)} WHERE parent_table = $1) AS ok`,
    [configKey(spec.names.schema, table)],
  );
  return rows[0]?.ok === true;
}
