import { outsideRelationsRowSql } from './database-size';
import { timescaleCatalogCtes, timescaleInternalSchemaFilter } from './timescale';

/**
 * The relation statement: every table, partitioned table, materialized view,
 * partition and chunk of the database, with its sizes and statistics, in ONE
 * set-based statement (a constant number of round trips however many
 * relations there are).
 *
 * Cost. pg_total_relation_size(t) stats every fork of the table, of its TOAST
 * table, of the TOAST index and of each index. The split DBAs want (heap /
 * TOAST / indexes) is taken with no more file system work than that:
 *   heap  = main + fsm + vm forks of the table (+ init, which only unlogged
 *           relations have), the same as pg_table_size minus TOAST;
 *   toast = pg_total_relation_size(reltoastrelid) (TOAST table + its index);
 *   index = pg_indexes_size(t);
 *   total = heap + toast + index = pg_total_relation_size(t).
 * That is five function calls per table where the bare query makes one, but
 * the same stat() calls; measured on 12,000 relations it costs ~1.1x the bare
 * sum on the server, ~1.2x with the rows sent back. Partitioned tables and
 * hypertables have no storage of their own worth sizing: they are rolled up
 * from their pieces (hypertables by TimescaleDB itself). Statistics are read
 * with the pg_stat_get_* functions rather than the pg_stat_all_tables view
 * (which computes two dozen columns and groups) — the same functions on 13 to 18.
 * Those five calls per relation (dead tuples, the last vacuum, autovacuum,
 * analyze and autoanalyze) are left out, and their columns NULL, on the samples
 * where the upkeep figures are not due (their own cadence, see `upkeep`).
 *
 * Size functions take an AccessShareLock per relation and release it as soon
 * as that relation is measured: the statement never holds more than a couple
 * of locks at a time, however many relations it sizes.
 *
 * Parameters: $1 oid[] relations not to size (locked, see locks.ts),
 * $2 int the most relations to size (the largest by relpages first; a chunk and
 * its compressed table count as one).
 */

export interface RelationsSqlOptions {
  /** server_version_num */
  versionNum: number;
  /**
   * 'catalog': TimescaleDB is installed; its catalog finds hypertables and chunks.
   * 'hide': installed but its catalog cannot be used; its schemas are left out.
   * 'none': not installed.
   */
  timescale: 'catalog' | 'hide' | 'none';
  /** The user may run the size functions; without, every size is NULL (not measured). */
  canSize: boolean;
  /**
   * Apply the relation limit ($2). Ranking every relation costs a few percent of the
   * statement, so it is left out when pg_class is known to hold fewer rows than the limit.
   */
  limit: boolean;
  /**
   * Append the row of what this statement does not look at (class 'o', see
   * database-size.ts), from which the current database's size is derived.
   */
  outside: boolean;
  /**
   * Read the upkeep figures (dead tuples, vacuum and analyze times) with the pg_stat_get_* functions;
   * without, those columns are NULL and the functions are not called.
   */
  upkeep: boolean;
}

/**
 * Class codes:
 *   r table · m materialized view · p partitioned root · l leaf partition ·
 *   i intermediate partitioned table (no storage; its leaves roll up to the root) ·
 *   h hypertable · c chunk · z compressed chunk table (folded into its chunk) ·
 *   o what the statement does not look at, summed (one row, last; see database-size.ts)
 */
export type RelationClass = 'r' | 'm' | 'p' | 'l' | 'i' | 'h' | 'c' | 'z' | 'o';

/** Columns, in order (the statement is read with rowMode 'array'). */
export const relationColumns = [
  'oid',
  'schema',
  'name',
  'cls',
  'parent',
  'blocked',
  'heap',
  'toast',
  'index',
  'rows',
  'dead',
  'last_vacuum_ms',
  'last_analyze_ms',
  'show_schema',
  'show_name',
  'cagg',
  'prerows',
  'sizable_total',
] as const;

export type RelationRowArray = [
  oid: number,
  schema: string,
  name: string,
  cls: RelationClass,
  parent: number | null,
  blocked: boolean,
  heap: string | null,
  toast: string | null,
  index: string | null,
  rows: number | null,
  dead: string | null,
  lastVacuumMs: number | null,
  lastAnalyzeMs: number | null,
  showSchema: string | null,
  showName: string | null,
  cagg: boolean | null,
  prerows: string | null,
  /** How many relations could have been sized (only with the limit applied). */
  sizableTotal: string | null,
];

const limitCtes = `
candidates AS MATERIALIZED (
  SELECT a.*, a.cls IN ('r', 'm', 'l', 'c', 'z') AND NOT a.blocked AS sizable FROM candidates_all a
),
units AS (
  -- the relation limit: the largest units (a relation, or a chunk with its compressed table) by relpages
  SELECT k.unit FROM candidates k WHERE k.sizable
  GROUP BY k.unit ORDER BY pg_catalog.max(k.unit_pages) DESC, k.unit LIMIT $2
),
chosen AS (
  SELECT k.*, CASE WHEN k.sizable THEN k.oid END AS size_oid,
         (SELECT pg_catalog.count(*) FROM candidates s WHERE s.sizable AND s.cls <> 'z') AS sizable_total
  FROM candidates k
  WHERE NOT k.sizable OR k.unit IN (SELECT u.unit FROM units u)
)`;

const noLimitCtes = `
chosen AS (
  SELECT a.*, CASE WHEN a.cls IN ('r', 'm', 'l', 'c', 'z') AND NOT a.blocked THEN a.oid END AS size_oid,
         NULL::int8 AS sizable_total
  FROM candidates_all a
  WHERE $2::int > 0
)`;

/** Dead tuples and the later of manual and auto vacuum (and analyze), as epoch ms. */
const upkeepColumns = `pg_catalog.pg_stat_get_dead_tuples(x.oid) AS dead,
       pg_catalog.date_part('epoch', GREATEST(pg_catalog.pg_stat_get_last_vacuum_time(x.oid),
                                      pg_catalog.pg_stat_get_last_autovacuum_time(x.oid))) * 1000 AS last_vacuum_ms,
       pg_catalog.date_part('epoch', GREATEST(pg_catalog.pg_stat_get_last_analyze_time(x.oid),
                                      pg_catalog.pg_stat_get_last_autoanalyze_time(x.oid))) * 1000 AS last_analyze_ms`;

/** reltuples: -1 means "never vacuumed or analyzed" since PostgreSQL 14; before, that was 0 (ambiguous). */
function rowEstimateExpr(versionNum: number): string {
  return versionNum >= 140000 ? 'CASE WHEN x.reltuples < 0 THEN NULL ELSE x.reltuples END' : 'x.reltuples';
}

export function relationsSql(options: RelationsSqlOptions): string {
  const { canSize } = options;
  const timescale = options.timescale === 'catalog';
  const ctes = timescale ? `${timescaleCatalogCtes},` : '';
  const tsJoin = timescale ? 'LEFT JOIN ts_rel t ON t.oid = c.oid' : '';
  const tsSchemaFilter =
    options.timescale === 'catalog'
      ? `AND (${timescaleInternalSchemaFilter('n.nspname')} OR t.oid IS NOT NULL)`
      : options.timescale === 'hide'
        ? `AND ${timescaleInternalSchemaFilter('n.nspname')}`
        : '';
  const tsCls = timescale ? 'WHEN t.cls IS NOT NULL THEN t.cls' : '';
  const ts = (column: string, type: string) => (timescale ? `t.${column}` : `NULL::${type}`);

  const sizes = canSize
    ? `
       pg_catalog.pg_relation_size(x.size_oid, 'main') + pg_catalog.pg_relation_size(x.size_oid, 'fsm')
         + pg_catalog.pg_relation_size(x.size_oid, 'vm')
         + CASE WHEN x.relpersistence = 'u' THEN pg_catalog.pg_relation_size(x.size_oid, 'init') ELSE 0 END AS heap,
       CASE WHEN x.size_oid IS NULL THEN NULL WHEN x.reltoastrelid = 0 THEN 0
            ELSE pg_catalog.pg_total_relation_size(x.reltoastrelid) END AS toast,
       pg_catalog.pg_indexes_size(x.size_oid) AS index,`
    : `
       NULL::int8 AS heap, NULL::int8 AS toast, NULL::int8 AS index,`;

  return `
WITH ${ctes}
candidates_all AS (
  SELECT c.oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind, c.relpersistence,
         c.reltoastrelid, c.relpages, c.reltuples,
         CASE ${tsCls}
              WHEN c.relispartition AND c.relkind = 'p' THEN 'i'
              WHEN c.relispartition THEN 'l'
              WHEN c.relkind = 'p' THEN 'p'
              WHEN c.relkind = 'm' THEN 'm'
              ELSE 'r' END AS cls,
         ${ts('parent', 'oid')} AS ts_parent,
         ${ts('show_schema', 'text')} AS show_schema, ${ts('show_name', 'text')} AS show_name,
         ${ts('cagg', 'bool')} AS cagg, ${ts('prerows', 'int8')} AS prerows,
         ${timescale ? 'coalesce(t.unit, c.oid)' : 'c.oid'} AS unit,
         ${timescale ? 'coalesce(t.unit_pages, c.relpages)' : 'c.relpages'} AS unit_pages,
         c.oid = ANY ($1::oid[]) AS blocked,
         -- the top-most root: a partition's parent, unless that is a partition too (sub-partitioning)
         CASE WHEN c.relispartition THEN
           CASE WHEN p.relispartition THEN pg_catalog.pg_partition_root(c.oid) ELSE p.oid END
         END AS root
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_inherits i ON c.relispartition AND i.inhrelid = c.oid
  LEFT JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
  ${tsJoin}
  WHERE c.relkind IN ('r', 'p', 'm')
    AND c.relpersistence <> 't'
    -- pg_catalog, pg_toast, pg_temp_N…: the pg_ prefix is reserved for system schemas
    AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
    ${tsSchemaFilter}
),${options.limit ? limitCtes : noLimitCtes}
SELECT x.oid, x.schema, x.name, x.cls,
       coalesce(x.root, x.ts_parent) AS parent,
       x.blocked,${sizes}
       ${rowEstimateExpr(options.versionNum)} AS rows,
       ${options.upkeep ? upkeepColumns : 'NULL::int8 AS dead, NULL::float8 AS last_vacuum_ms, NULL::float8 AS last_analyze_ms'},
       x.show_schema, x.show_name, x.cagg, x.prerows, x.sizable_total
FROM chosen x${options.outside ? `\nUNION ALL${outsideRelationsRowSql}` : ''}`;
}
