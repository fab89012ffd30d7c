import { blockedCte } from './locks';

/**
 * TimescaleDB, when the extension is installed in the sampled database.
 *
 * Chunks are found through TimescaleDB's catalog (readable by everyone), not by
 * their schema: chunks may live in any schema (associated_schema_name), and a
 * compressed chunk's table belongs to an internal "_compressed_hypertable_N".
 * The catalog columns used here (hypertable.id/schema_name/table_name/
 * compressed_hypertable_id, chunk.hypertable_id/schema_name/table_name/
 * compressed_chunk_id/dropped, continuous_agg.mat_hypertable_id/user_view_*,
 * compression_chunk_size.chunk_id/numrows_pre_compression) have been stable
 * through 2.x.
 *
 * Sizes of a hypertable come from hypertable_detailed_size (the parent table
 * itself holds almost nothing), compression figures from
 * hypertable_compression_stats — renamed hypertable_columnstore_stats in 2.18
 * (the probe's API generation, `ServerFacts.timescaledb.api`; the old names
 * still work until 3.0).
 */

/** Schemas TimescaleDB keeps its own objects in; their tables are never listed (chunks are rolled up). */
export const timescaleInternalSchemaFilter = (nspname: string) =>
  `(${nspname} !~ '^_timescaledb_' AND ${nspname} NOT IN ('timescaledb_information', 'timescaledb_experimental'))`;

/**
 * CTEs shared by the relation statement and the hypertable statement:
 * - ts_ht: hypertables a DBA sees (their own, and the materialization of each
 *   continuous aggregate, shown under the aggregate's name); not the internal
 *   hypertables that hold compressed chunks;
 * - ts_chunk: every live chunk of those, with its compressed chunk table if any.
 */
export const timescaleCatalogCtes = `
ts_ht AS (
  SELECT h.id, c.oid,
         coalesce(ca.user_view_schema, h.schema_name)::text AS show_schema,
         coalesce(ca.user_view_name, h.table_name)::text AS show_name,
         ca.mat_hypertable_id IS NOT NULL AS cagg
  FROM _timescaledb_catalog.hypertable h
  JOIN pg_catalog.pg_namespace n ON n.nspname = h.schema_name
  JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = h.table_name
  LEFT JOIN _timescaledb_catalog.continuous_agg ca ON ca.mat_hypertable_id = h.id
  WHERE NOT EXISTS (SELECT FROM _timescaledb_catalog.hypertable o WHERE o.compressed_hypertable_id = h.id)
),
ts_chunk AS (
  SELECT c.oid, ht.oid AS ht_oid, ch.id, cc.oid AS compressed_oid, s.numrows_pre_compression,
         c.relpages + coalesce(cc.relpages, 0) AS unit_pages
  FROM _timescaledb_catalog.chunk ch
  JOIN ts_ht ht ON ht.id = ch.hypertable_id
  JOIN pg_catalog.pg_namespace n ON n.nspname = ch.schema_name
  JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = ch.table_name
  LEFT JOIN _timescaledb_catalog.chunk cch ON cch.id = ch.compressed_chunk_id
  LEFT JOIN pg_catalog.pg_namespace cn ON cn.nspname = cch.schema_name
  LEFT JOIN pg_catalog.pg_class cc ON cc.relnamespace = cn.oid AND cc.relname = cch.table_name
  LEFT JOIN _timescaledb_catalog.compression_chunk_size s
         ON s.chunk_id = ch.id AND ch.compressed_chunk_id IS NOT NULL
  WHERE NOT ch.dropped
),
ts_rel AS (
  -- cls: 'h' hypertable, 'c' chunk, 'z' compressed chunk table (folded into its chunk).
  -- A chunk and its compressed table are one unit for the relation limit: both sized, or neither.
  SELECT oid, 'h'::text AS cls, NULL::oid AS parent, show_schema, show_name, cagg, NULL::int8 AS prerows,
         oid AS unit, NULL::int8 AS unit_pages
  FROM ts_ht
  UNION ALL
  SELECT oid, 'c', ht_oid, NULL, NULL, NULL, numrows_pre_compression, oid, unit_pages FROM ts_chunk
  UNION ALL
  SELECT compressed_oid, 'z', oid, NULL, NULL, NULL, NULL, oid, unit_pages FROM ts_chunk
  WHERE compressed_oid IS NOT NULL
)`;

/**
 * search_path for this transaction only, so the TimescaleDB API is found in
 * whatever schema the extension was installed in (quote_ident on the server:
 * no identifier is built on the client). pg_catalog comes first: that schema
 * is often `public`, where other roles may create operators and functions, and
 * one named like PostgreSQL's (`=` on oid, `count`) would otherwise be chosen
 * and run as the DBA's role. The API's own functions are called with the exact
 * argument types they declare (`::regclass`), so no look-alike there can be a
 * better match; pg_temp is named last so it is never searched before them.
 */
export const timescaleSearchPathSql = `
SELECT pg_catalog.set_config('search_path', 'pg_catalog, ' || pg_catalog.quote_ident(n.nspname) || ', pg_temp', true)
FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'timescaledb'`;

export interface HypertableRow {
  oid: number;
  /** A chunk (or the hypertable) is locked: its size was not asked for. */
  stalled: boolean;
  table_bytes: string | null;
  index_bytes: string | null;
  toast_bytes: string | null;
  total_bytes: string | null;
  chunks: string;
  compressed_chunks: string | null;
  before_bytes: string | null;
  after_bytes: string | null;
  /** hypertable_*_stats returned a row (compression is enabled and there are chunks). */
  has_stats: boolean;
}

/**
 * One row per hypertable: TimescaleDB's own size and compression figures. The
 * locks are read again inside the statement: hypertable_detailed_size opens
 * every chunk and would wait behind a lock on any of them, so a hypertable with
 * a locked piece is not asked (STRICT functions are not called on NULL).
 */
export function hypertablesSql(api: 'columnstore' | 'compression'): string {
  const stats = api === 'columnstore' ? 'hypertable_columnstore_stats' : 'hypertable_compression_stats';
  return `
WITH ${blockedCte},
${timescaleCatalogCtes},
stalled AS (
  SELECT DISTINCT p.ht_oid FROM (
    SELECT oid AS ht_oid, oid AS rel FROM ts_ht
    UNION ALL SELECT ht_oid, oid FROM ts_chunk
    UNION ALL SELECT ht_oid, compressed_oid FROM ts_chunk WHERE compressed_oid IS NOT NULL
  ) p JOIN blocked b ON b.oid = p.rel
),
ht AS (
  SELECT ts_ht.*, EXISTS (SELECT FROM stalled s WHERE s.ht_oid = ts_ht.oid) AS stalled FROM ts_ht
)
SELECT ht.oid, ht.stalled,
       d.table_bytes, d.index_bytes, d.toast_bytes, d.total_bytes,
       (SELECT count(*) FROM ts_chunk tc WHERE tc.ht_oid = ht.oid) AS chunks,
       s.number_compressed_chunks AS compressed_chunks,
       s.before_compression_total_bytes AS before_bytes,
       s.after_compression_total_bytes AS after_bytes,
       s.total_chunks IS NOT NULL AS has_stats
FROM ht
LEFT JOIN LATERAL hypertable_detailed_size(CASE WHEN NOT ht.stalled THEN ht.oid::regclass END) d ON true
LEFT JOIN LATERAL ${stats}(ht.oid::regclass) s ON true`;
}
