/**
 * The size of the sampled database, without stat-ing its files twice.
 *
 * pg_database_size sums every file in the database's directories (base/<oid>
 * and each tablespace's), which for a database of 12,000 relations is the same
 * ~50,000 files the relation statement has just measured. So the sample
 * derives the figure instead:
 *
 *   derived = Σ (heap + TOAST + indexes) of the relations the relation statement measured
 *           + pg_total_relation_size of every table that statement does not look at: system
 *             catalogs (pg_catalog, information_schema), sequences and temporary tables
 *             (also other sessions'), each with its TOAST and indexes, every fork counted
 *             (main, free space map, visibility map, init fork of unlogged relations);
 *             not the shared catalogs, which are the cluster's, not the database's.
 *
 * Every relation is in pg_class whatever the user's privileges (the catalog is
 * readable by all, and the size functions check no table privilege), so no
 * table is invisible to this sum. What pg_database_size counts and this does
 * not: the small files that belong to no relation (PG_VERSION,
 * pg_filenode.map, the relation cache file pg_internal.init, ~0.1–0.5 MiB),
 * files of relations created or dropped by transactions not yet committed
 * (invisible to the sample's snapshot), and orphaned files a crash left
 * behind. The tests hold derived within 1 MiB of pg_database_size.
 *
 * The sample falls back to pg_database_size of the current database (which
 * takes no lock and so is always safe) whenever the sum would be short of a
 * relation: one left unmeasured (locked, past the relation limit, dropped
 * meanwhile), a locked catalog or sequence, the size functions revoked, or
 * TimescaleDB installed (its internal tables are sized by its own API).
 */

/** May run the relation size functions (someone may have revoked EXECUTE from PUBLIC). */
export const canSizeExpr = `pg_catalog.has_function_privilege('pg_catalog.pg_relation_size(regclass, text)', 'EXECUTE')
         AND pg_catalog.has_function_privilege('pg_catalog.pg_total_relation_size(regclass)', 'EXECUTE')
         AND pg_catalog.has_function_privilege('pg_catalog.pg_indexes_size(regclass)', 'EXECUTE')`;

export const currentDatabaseSizeSql =
  'SELECT pg_catalog.pg_database_size(pg_catalog.current_database()) AS bytes';

/**
 * Opening batch: the current database sized the plain way when the derivation
 * is known to be impossible before any relation is read (TimescaleDB, or the
 * size functions revoked). No row otherwise.
 */
export const currentDatabaseSizeUpFrontSql = `${currentDatabaseSizeSql}
WHERE EXISTS (SELECT FROM pg_catalog.pg_extension e WHERE e.extname = 'timescaledb') OR NOT (${canSizeExpr})`;

/**
 * What the relation statement cannot see, as one more row of it (relations.ts
 * appends it with UNION ALL when the size is to be derived): class 'o', its
 * heap column the summed pg_total_relation_size of every system catalog,
 * sequence and temporary table; NULL when one of them is locked ($1, the
 * relations not to size: see locks.ts), and then the sample asks
 * pg_database_size. Shared catalogs (pg_database, pg_authid…) live in global/,
 * not in the database's directory, so pg_database_size does not count them and
 * neither does this. Mirrors the relation statement's filter (a table, matview
 * or partitioned table outside pg_* schemas and information_schema, not
 * temporary); relkind 'p' has no storage, TOAST tables and indexes are counted
 * with their owner. In the same statement rather than one of its own: no second
 * plan, no second read of pg_locks, no round trip; and the schema test runs once
 * per schema (a hashed subplan), not once per relation.
 */
export const outsideRelationsRowSql = `
SELECT NULL, NULL, NULL, 'o', NULL, NULL,
       CASE WHEN pg_catalog.bool_or(o.blocked) THEN NULL
            ELSE pg_catalog.sum(pg_catalog.pg_total_relation_size(CASE WHEN NOT o.blocked THEN o.oid END))::int8
       END,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM (
  SELECT c.oid, c.oid = ANY ($1::oid[]) AS blocked
  FROM pg_catalog.pg_class c
  WHERE c.relkind IN ('r', 'm', 'S')
    AND NOT c.relisshared
    AND (c.relkind = 'S' OR c.relpersistence = 't'
         OR c.relnamespace IN (SELECT n.oid FROM pg_catalog.pg_namespace n
                               WHERE n.nspname ~ '^pg_' OR n.nspname = 'information_schema'))
) o`;

export interface DatabaseRow {
  name: string;
  /** int8 as text; null when this user may not size it. */
  bytes: string | null;
  /** Why it was not sized (only when bytes is null). */
  connect: boolean;
}

/**
 * The other databases of the server, sized on their own (slower) cadence.
 * pg_database_size needs CONNECT on the database or the privileges of
 * pg_read_all_stats; the others are skipped (and named in a gap), never an error.
 */
export const otherDatabasesSql = `
SELECT d.datname::text AS name,
       CASE WHEN pg_catalog.has_database_privilege(d.oid, 'CONNECT')
              OR pg_catalog.pg_has_role('pg_read_all_stats', 'USAGE')
            THEN pg_catalog.pg_database_size(d.oid) END AS bytes,
       pg_catalog.has_database_privilege(d.oid, 'CONNECT') AS connect
FROM pg_catalog.pg_database d
WHERE d.datname <> pg_catalog.current_database()
ORDER BY d.datname`;
