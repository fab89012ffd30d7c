/**
 * What else fills a disk besides relations: one statement per fact, each read
 * only, catalog-only or bounded (top N, with N an integer checked by the
 * caller and written in as a literal so each fact is one simple-protocol round
 * trip with its savepoint). Chosen by server version where the catalogs
 * differ (13 to 18). Rights: the server's facts (postgres/server-facts.ts) and `diskContextSql`; a fact the user may not
 * read is skipped by the caller, never an error.
 */

/** Schemas whose relations are the system's, not the DBA's. */
const SYSTEM_SCHEMAS = `('pg_catalog', 'information_schema', 'pg_toast')`;

/** Tables smaller than this (128 pages, 1 MiB at 8 kB) are not worth a bloat estimate. */
export const BLOAT_MIN_PAGES = 128;

export interface DiskContextRow {
  /** Read in this transaction, not from the probed facts: a standby may have been promoted since. */
  in_recovery: boolean;
  freeze_max_age: string;
  mxid_freeze_max_age: string;
  stats_reset: Date | null;
}

export const diskContextSql = `
SELECT pg_catalog.pg_is_in_recovery() AS in_recovery,
       pg_catalog.current_setting('autovacuum_freeze_max_age')::int8 AS freeze_max_age,
       pg_catalog.current_setting('autovacuum_multixact_freeze_max_age')::int8 AS mxid_freeze_max_age,
       -- Counters also start again when the server loses its statistics (a crash, an immediate
       -- stop), leaving the database's stats_reset as it was; the shared counters' reset time is
       -- set then (and by pg_stat_reset_shared): the later of the two is a time they counted since.
       GREATEST((SELECT s.stats_reset FROM pg_catalog.pg_stat_database s
                  WHERE s.datname = pg_catalog.current_database()),
                (SELECT a.stats_reset FROM pg_catalog.pg_stat_archiver a)) AS stats_reset`;

/** Tables big enough for a bloat estimate whose statistics this user may not read (read with the bloat). */
export const unreadableTablesSql = `
SELECT count(*) FILTER (WHERE NOT pg_catalog.has_table_privilege(c.oid, 'SELECT'))::int8 AS unreadable,
       count(*) FILTER (WHERE pg_catalog.has_table_privilege(c.oid, 'SELECT') AND c.relpages = 0)::int8 AS unanalyzed
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ${SYSTEM_SCHEMAS}
  AND (c.relpages >= ${BLOAT_MIN_PAGES}
       -- Statistics that know nothing of the table's pages (never vacuumed or analyzed, or analyzed
       -- empty): its size is read from the file, only for these, and never for a table locked
       -- ACCESS EXCLUSIVE (granted or queued), behind which pg_relation_size would wait. CASE fixes
       -- the order: the planner would otherwise run the cheaper-looking size function first.
       OR (c.relpages = 0 AND CASE
             WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_locks l
                          WHERE l.locktype = 'relation' AND l.relation = c.oid AND l.mode = 'AccessExclusiveLock'
                            AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d
                                              WHERE d.datname = pg_catalog.current_database()))
             THEN false
             ELSE pg_catalog.pg_relation_size(c.oid) >= ${BLOAT_MIN_PAGES}::int8 * pg_catalog.current_setting('block_size')::int8
           END))`;

export interface WalRow {
  bytes: string;
  files: string;
}

/** pg_wal's files (as many as max_wal_size and the slots keep: bounded by the server itself). */
export const walSql = `
SELECT COALESCE(sum(w.size), 0)::int8 AS bytes, count(*)::int8 AS files FROM pg_catalog.pg_ls_waldir() w`;

export interface SlotRow {
  name: string;
  kind: 'physical' | 'logical';
  database: string | null;
  active: boolean;
  wal_status: string | null;
  retained_bytes: string | null;
  inactive_since: Date | null;
}

/**
 * Every replication slot (a server has a handful; capped anyway). On a standby
 * pg_current_wal_lsn() fails: the replayed position is what its slots hold
 * back, chosen in the statement (CASE evaluates only the branch taken) so it
 * can go in the same batch as the context. wal_status exists since 13;
 * inactive_since since 17.
 */
export function slotsSql(versionNum: number): string {
  const inactiveSince = versionNum >= 170000 ? 's.inactive_since' : 'NULL::timestamptz';
  return `
SELECT s.slot_name::text AS name, s.slot_type::text AS kind, s.database::text AS database, s.active,
       s.wal_status::text AS wal_status,
       pg_catalog.pg_wal_lsn_diff(CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_last_wal_replay_lsn()
                                       ELSE pg_catalog.pg_current_wal_lsn() END, s.restart_lsn)::int8 AS retained_bytes,
       ${inactiveSince} AS inactive_since
FROM pg_catalog.pg_replication_slots s
ORDER BY retained_bytes DESC NULLS LAST, s.slot_name
LIMIT 500`;
}

export interface DatabaseAgeRow {
  name: string;
  xid_age: string;
  mxid_age: string;
  temp_bytes: string | null;
  temp_files: string | null;
  stats_reset: Date | null;
}

/** Every database's ages and temporary files (pg_database is small; capped anyway). */
export const databaseAgesSql = `
SELECT d.datname::text AS name,
       pg_catalog.age(d.datfrozenxid)::int8 AS xid_age,
       pg_catalog.mxid_age(d.datminmxid)::int8 AS mxid_age,
       s.temp_bytes::int8 AS temp_bytes, s.temp_files::int8 AS temp_files,
       -- A crash restart zeroes the counters without touching stats_reset (see diskContextSql).
       GREATEST(s.stats_reset, (SELECT a.stats_reset FROM pg_catalog.pg_stat_archiver a)) AS stats_reset
FROM pg_catalog.pg_database d
LEFT JOIN pg_catalog.pg_stat_database s ON s.datid = d.oid
ORDER BY pg_catalog.age(d.datfrozenxid) DESC, d.datname
LIMIT 1000`;

export interface TableAgeRow {
  schema: string;
  name: string;
  xid_age: string;
  mxid_age: string;
  bytes: string;
}

/**
 * The N tables of this database with the oldest frozen XID (their TOAST table
 * counted in). Cheap on a server of many relations: one pass over pg_class
 * keeps the 2N oldest tables and TOAST tables (each table has at most two such
 * rows, so they hold the N oldest tables), each TOAST table is mapped to its
 * table through its pg_depend row (an index lookup), and only those tables are
 * joined. Among tables of equal age at the edge of the list, which are shown
 * follows the catalog's order (oid), not their names.
 */
export function oldestTablesSql(top: number): string {
  return `
WITH aged AS (
  SELECT x.oid, x.relkind
  FROM pg_catalog.pg_class x
  WHERE x.relkind IN ('r', 'm', 't') AND x.relfrozenxid <> '0'::xid
  ORDER BY pg_catalog.age(x.relfrozenxid) DESC, x.oid
  LIMIT ${2 * top}
),
owners AS (
  SELECT DISTINCT CASE WHEN a.relkind <> 't' THEN a.oid ELSE
           (SELECT d.refobjid FROM pg_catalog.pg_depend d
            WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = a.oid AND d.objsubid = 0
              AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'i' LIMIT 1) END AS oid
  FROM aged a
)
SELECT n.nspname::text AS schema, c.relname::text AS name,
       GREATEST(pg_catalog.age(c.relfrozenxid), COALESCE(pg_catalog.age(t.relfrozenxid), 0))::int8 AS xid_age,
       GREATEST(pg_catalog.mxid_age(c.relminmxid), COALESCE(pg_catalog.mxid_age(t.relminmxid), 0))::int8 AS mxid_age,
       ((c.relpages::int8 + COALESCE(t.relpages, 0)) * pg_catalog.current_setting('block_size')::int8) AS bytes
FROM owners o
JOIN pg_catalog.pg_class c ON c.oid = o.oid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class t ON t.oid = c.reltoastrelid
WHERE c.relkind IN ('r', 'm') AND c.relfrozenxid <> '0'::xid
ORDER BY 3 DESC, 1, 2
LIMIT ${top}`;
}

export interface BloatRow {
  kind: 'table' | 'index';
  schema: string;
  name: string;
  table: string | null;
  bytes: string;
  bloat_bytes: string;
  bloat_pct: number;
}

/**
 * Table bloat, the well-known estimate from statistics (after ioguix's
 * pgsql-bloat-estimation): the tuple width from pg_stats' avg_width and
 * null_frac, the pages the live rows need at the table's fillfactor, against
 * relpages. 64-bit alignment; tables without OIDs (12+). Tables with a column
 * lacking statistics (never analyzed, or unreadable to this user) are left out.
 */
function tableBloatSql(top: number): string {
  return `
SELECT 'table'::text AS kind, schema, name, NULL::text AS "table",
       (pages * bs)::int8 AS bytes,
       GREATEST(pages - est_pages, 0)::int8 * bs::int8 AS bloat_bytes,
       CASE WHEN pages > 0 THEN GREATEST(pages - est_pages, 0) * 100.0 / pages ELSE 0 END::float8 AS bloat_pct
FROM (
  SELECT schema, name, bs, heap_pages + toast_pages AS pages,
         ceil(reltuples / ((bs - 24) * fillfactor / (tpl_size * 100))) + ceil(toast_tuples / 4) AS est_pages
  FROM (
    SELECT schema, name, bs, heap_pages, toast_pages, reltuples, toast_tuples, fillfactor,
           (4 + hdr + data + 16
             - CASE WHEN hdr % 8 = 0 THEN 8 ELSE hdr % 8 END
             - CASE WHEN ceil(data)::int % 8 = 0 THEN 8 ELSE ceil(data)::int % 8 END) AS tpl_size
    FROM (
      SELECT n.nspname::text AS schema, c.relname::text AS name, c.reltuples, c.relpages AS heap_pages,
             COALESCE(t.relpages, 0) AS toast_pages, COALESCE(t.reltuples, 0) AS toast_tuples,
             COALESCE(substring(pg_catalog.array_to_string(c.reloptions, ' ') FROM 'fillfactor=([0-9]+)')::int, 100) AS fillfactor,
             pg_catalog.current_setting('block_size')::numeric AS bs,
             23 + CASE WHEN max(COALESCE(s.null_frac, 0)) > 0 THEN (7 + count(s.attname)) / 8 ELSE 0 END AS hdr,
             sum((1 - COALESCE(s.null_frac, 0)) * COALESCE(s.avg_width, 0)) AS data,
             bool_or(a.atttypid = 'pg_catalog.name'::regtype) OR count(*) <> count(s.attname) AS no_stats
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_catalog.pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname
           AND s.attname = a.attname AND NOT s.inherited
      LEFT JOIN pg_catalog.pg_class t ON t.oid = c.reltoastrelid
      WHERE c.relkind IN ('r', 'm') AND c.relpages >= ${BLOAT_MIN_PAGES} AND c.reltuples >= 0
        AND n.nspname NOT IN ${SYSTEM_SCHEMAS}
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ) widths
    WHERE NOT no_stats
  ) sized
) estimated
WHERE pages > est_pages
ORDER BY bloat_bytes DESC, schema, name
LIMIT ${top}`;
}

/**
 * B-tree index bloat, the same estimate for index tuples (key widths from the
 * table's column statistics, or the expression index's own), at the index's
 * fillfactor (90 by default).
 */
function indexBloatSql(top: number): string {
  return `
SELECT 'index'::text AS kind, schema, name, "table",
       (pages * bs)::int8 AS bytes,
       GREATEST(pages - est_pages, 0)::int8 * bs::int8 AS bloat_bytes,
       CASE WHEN pages > 0 THEN GREATEST(pages - est_pages, 0) * 100.0 / pages ELSE 0 END::float8 AS bloat_pct
FROM (
  SELECT schema, name, "table", bs, pages,
         COALESCE(1 + ceil(reltuples / floor((bs - 16 - 24) * fillfactor / (100 * (4 + tuple_width)::float))), 0) AS est_pages
  FROM (
    SELECT schema, name, "table", bs, pages, reltuples, fillfactor,
           (hdr + 8 - CASE WHEN hdr % 8 = 0 THEN 8 ELSE hdr % 8 END
            + data + 8 - CASE WHEN data = 0 THEN 0 WHEN data::int % 8 = 0 THEN 8 ELSE data::int % 8 END
           )::numeric AS tuple_width
    FROM (
      SELECT n.nspname::text AS schema, ic.relname::text AS name, tc.relname::text AS "table",
             ic.relpages AS pages, ic.reltuples,
             COALESCE(substring(pg_catalog.array_to_string(ic.reloptions, ' ') FROM 'fillfactor=([0-9]+)')::int, 90) AS fillfactor,
             pg_catalog.current_setting('block_size')::numeric AS bs,
             CASE WHEN max(COALESCE(s.null_frac, 0)) = 0 THEN 8 ELSE 8 + ((32 + 8 - 1) / 8) END AS hdr,
             sum((1 - COALESCE(s.null_frac, 0)) * COALESCE(s.avg_width, 1024)) AS data,
             bool_or(COALESCE(ta.atttypid, ia.atttypid) = 'pg_catalog.name'::regtype)
               OR count(*) <> count(s.attname) AS no_stats
      FROM (
        SELECT i.indexrelid, i.indrelid, k.pos, i.indkey[k.pos - 1] AS attnum
        FROM pg_catalog.pg_index i
        JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
        CROSS JOIN LATERAL pg_catalog.generate_series(1, i.indnatts) AS k(pos)
        WHERE c.relam = (SELECT oid FROM pg_catalog.pg_am WHERE amname = 'btree')
          AND c.relkind = 'i' AND c.relpages >= ${BLOAT_MIN_PAGES} AND c.reltuples >= 0
      ) cols
      JOIN pg_catalog.pg_class ic ON ic.oid = cols.indexrelid
      JOIN pg_catalog.pg_class tc ON tc.oid = cols.indrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace
      -- A plain column's statistics are the table's; an expression's are the index's own.
      LEFT JOIN pg_catalog.pg_attribute ta ON cols.attnum <> 0 AND ta.attrelid = cols.indrelid AND ta.attnum = cols.attnum
      LEFT JOIN pg_catalog.pg_attribute ia ON cols.attnum = 0 AND ia.attrelid = cols.indexrelid AND ia.attnum = cols.pos
      LEFT JOIN pg_catalog.pg_stats s ON s.schemaname = n.nspname
           AND s.tablename = CASE WHEN cols.attnum = 0 THEN ic.relname ELSE tc.relname END
           AND s.attname = COALESCE(ta.attname, ia.attname) AND NOT s.inherited
      WHERE n.nspname NOT IN ${SYSTEM_SCHEMAS}
      GROUP BY 1, 2, 3, 4, 5, 6, 7
    ) widths
    WHERE NOT no_stats
  ) sized
) estimated
WHERE pages > est_pages
ORDER BY bloat_bytes DESC, schema, name
LIMIT ${top}`;
}

/** The N most bloated tables and the N most bloated indexes, in one statement. */
export function bloatSql(top: number): string {
  return `(${tableBloatSql(top)})\nUNION ALL\n(${indexBloatSql(top)})`;
}

export interface IndexFindingRow {
  kind: 'unused' | 'duplicate' | 'prefix';
  schema: string;
  table: string;
  name: string;
  bytes: string | null;
  covered_by: string | null;
  definition: string;
}

/**
 * Index findings of this database, N of each kind, largest first (by relpages,
 * so only N indexes per kind are sized):
 *   unused    never scanned since the statistics reset;
 *   duplicate the same key, operator classes, collations, expressions and
 *             predicate as another index of the table (the newer one is named);
 *   prefix    a B-tree whose plain keys are the leading keys of a longer one.
 * Indexes behind a constraint (primary key, unique, exclusion) and unique
 * indexes are never named: they are not there for reads. Nor are partitions
 * of a partitioned index (they can only be dropped with their parent) and
 * TimescaleDB's chunk indexes (managed by TimescaleDB from the hypertable's).
 * Nothing here waits for a lock: no pg_get_expr, and indexes locked ACCESS
 * EXCLUSIVE now are neither sized nor deparsed. Indexes locked
 * ACCESS EXCLUSIVE right now are not sized (pg_relation_size would wait).
 */
export function indexFindingsSql(top: number): string {
  return `
WITH idx AS (
  SELECT i.indexrelid, i.indrelid, i.indkey::text AS keys, i.indclass::text AS ops,
         i.indcollation::text AS colls, i.indnatts, i.indnkeyatts, i.indisunique,
         -- The stored trees, not pg_get_expr (which locks the table): equal but for where they were typed.
         pg_catalog.regexp_replace(i.indexprs::text, ':location -?[0-9]+', '', 'g') AS exprs,
         pg_catalog.regexp_replace(i.indpred::text, ':location -?[0-9]+', '', 'g') AS pred,
         c.relam, c.relpages, c.relname::text AS name, n.nspname::text AS schema,
         EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid) AS backs_constraint
  FROM pg_catalog.pg_index i
  JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'i' AND i.indisvalid AND NOT c.relispartition
    AND n.nspname NOT IN ${SYSTEM_SCHEMAS} AND n.nspname !~ '^_?timescaledb_'
),
droppable AS (SELECT * FROM idx WHERE NOT indisunique AND NOT backs_constraint),
unused AS (
  SELECT 'unused'::text AS kind, d.indexrelid, d.indrelid, NULL::text AS covered_by, d.relpages
  FROM droppable d
  WHERE pg_catalog.pg_stat_get_numscans(d.indexrelid) = 0
  ORDER BY d.relpages DESC, d.indexrelid LIMIT ${top}
),
covered AS (
  SELECT DISTINCT ON (a.indexrelid)
         CASE WHEN a.keys = b.keys THEN 'duplicate' ELSE 'prefix' END AS kind,
         a.indexrelid, a.indrelid, b.name AS covered_by, a.relpages
  FROM droppable a
  JOIN idx b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid AND b.relam = a.relam
  WHERE (a.keys = b.keys AND a.ops = b.ops AND a.colls = b.colls
         AND a.exprs IS NOT DISTINCT FROM b.exprs AND a.pred IS NOT DISTINCT FROM b.pred
         -- Of two equal droppable indexes, the newer one goes.
         AND (b.indisunique OR b.backs_constraint OR b.indexrelid < a.indexrelid))
     OR (a.relam = (SELECT oid FROM pg_catalog.pg_am WHERE amname = 'btree')
         AND a.exprs IS NULL AND b.exprs IS NULL AND a.pred IS NULL AND b.pred IS NULL
         AND a.indnatts = a.indnkeyatts AND a.indnkeyatts < b.indnkeyatts
         AND b.keys LIKE a.keys || ' %' AND b.ops LIKE a.ops || ' %')
  ORDER BY a.indexrelid, (a.keys = b.keys) DESC, b.indexrelid
),
found AS (
  SELECT * FROM unused
  UNION ALL
  (SELECT * FROM covered ORDER BY relpages DESC, indexrelid LIMIT ${top})
),
locked AS (
  SELECT l.relation FROM pg_catalog.pg_locks l
  WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
    AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
)
SELECT f.kind, n.nspname::text AS schema, t.relname::text AS "table", c.relname::text AS name,
       CASE WHEN f.is_locked THEN NULL ELSE pg_catalog.pg_relation_size(f.indexrelid) END AS bytes,
       f.covered_by,
       CASE WHEN f.is_locked THEN '' ELSE pg_catalog.pg_get_indexdef(f.indexrelid) END AS definition
FROM (SELECT found.*, (indexrelid IN (SELECT relation FROM locked) OR indrelid IN (SELECT relation FROM locked)) AS is_locked
      FROM found) f
JOIN pg_catalog.pg_class c ON c.oid = f.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = f.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
ORDER BY f.kind, bytes DESC NULLS LAST, schema, name`;
}

export interface TablespaceRow {
  name: string;
  location: string;
  bytes: string | null;
  databases: string[];
  relations: string;
}

/**
 * Tablespaces with their size (pg_tablespace_size needs CREATE on it or
 * pg_read_all_stats, except the database's default one), the databases they
 * are the default of, and how many relations of this database live there.
 */
export const tablespacesSql = `
WITH here AS (SELECT d.dattablespace FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()),
placed AS (
  SELECT CASE WHEN c.reltablespace = 0 THEN (SELECT dattablespace FROM here) ELSE c.reltablespace END AS spc,
         count(*) AS relations
  FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'm', 'i', 't')
  GROUP BY 1
)
SELECT t.spcname::text AS name, pg_catalog.pg_tablespace_location(t.oid) AS location,
       CASE WHEN t.oid = (SELECT dattablespace FROM here)
              OR pg_catalog.has_tablespace_privilege(t.oid, 'CREATE')
              OR pg_catalog.pg_has_role('pg_read_all_stats', 'USAGE')
            THEN pg_catalog.pg_tablespace_size(t.oid) END AS bytes,
       ARRAY(SELECT d.datname::text FROM pg_catalog.pg_database d WHERE d.dattablespace = t.oid ORDER BY 1) AS databases,
       COALESCE((SELECT p.relations FROM placed p WHERE p.spc = t.oid), 0) AS relations
FROM pg_catalog.pg_tablespace t
ORDER BY t.spcname
LIMIT 1000`;
