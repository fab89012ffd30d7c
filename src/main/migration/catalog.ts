import { relationKey } from '../../shared/ident';
import type {
  ServerFacts,
  TableCandidate,
  TableSummary,
  TimeColumn,
  TimeColumnKind,
} from '../../shared/migration';
import { notFound } from '../errors';
import { inTransaction, type Queryable } from './db';
import { qi, qn } from './ident';

/**
 * What the engine reads about the table it migrates. Definitions are read
 * with search_path = pg_catalog, so everything PostgreSQL prints is
 * schema-qualified and means the same whatever the application's search_path.
 */

export interface ColumnInfo {
  name: string;
  attnum: number;
  type: string;
  notNull: boolean;
  default: string | null;
  identity: 'always' | 'by_default' | null;
  generated: boolean;
}

export interface IndexInfo {
  oid: number;
  name: string;
  definition: string;
  unique: boolean;
  primary: boolean;
  /** The constraint the index backs (primary key, unique or exclusion), if any. */
  constraint: { name: string; type: 'p' | 'u' | 'x'; definition: string; deferrable: boolean } | null;
  /** Key columns; expressions as printed. */
  keys: string[];
  /** Plain column names among the keys (expressions left out). */
  keyColumns: string[];
  /** The first key when it is a plain column. */
  leading: string | null;
  partial: boolean;
  valid: boolean;
  replicaIdentity: boolean;
}

export interface TableInfo {
  oid: number;
  schema: string;
  table: string;
  owner: string;
  relkind: string;
  kind: TableSummary['kind'];
  persistence: 'p' | 'u' | 't';
  isPartition: boolean;
  inheritsFrom: string[];
  inheritedBy: string[];
  columns: ColumnInfo[];
  indexes: IndexInfo[];
  totalBytes: number;
  tableBytes: number;
  indexBytes: number;
  toastBytes: number;
  /** The planner's row count (reltuples); null when not known (see rowEstimateSql). */
  rowEstimate: number | null;
  /** The extension this table belongs to, if any. */
  extension: string | null;
}

const kindOfType: Record<string, TimeColumnKind> = {
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
  date: 'date',
  smallint: 'integer',
  integer: 'integer',
  bigint: 'integer',
};

/** The kind of a column's type (timestamp(3) counts as timestamp), or null if it cannot be a time column. */
export function timeKind(type: string): TimeColumnKind | null {
  return kindOfType[type.replace(/\(\d+\)/, '')] ?? null;
}

/** Integers are offered as time columns only when their name says so (ids are integers too). */
const timeLikeName = /(time|epoch|date|day|stamp|(^|_)ts($|_)|_at$)/i;

export function timeColumnsOf(info: Pick<TableInfo, 'columns' | 'indexes'>): TimeColumn[] {
  const out: TimeColumn[] = [];
  for (const c of info.columns) {
    const kind = timeKind(c.type);
    if (!kind || c.generated) continue;
    if (kind === 'integer' && !timeLikeName.test(c.name)) continue;
    out.push({
      name: c.name,
      type: c.type,
      kind,
      notNull: c.notNull,
      indexed: info.indexes.some((i) => i.valid && !i.partial && i.leading === c.name),
    });
  }
  // Timestamps first: they are what the wizard is for.
  return out.sort((a, b) => Number(a.kind === 'integer') - Number(b.kind === 'integer'));
}

/**
 * reltuples of pg_class row `c` as a row count: 0 for an empty heap, null when the
 * heap has pages but the statistics say nothing about them (never vacuumed or
 * analyzed: reltuples -1 since PostgreSQL 14, 0 with relpages 0 before; or last
 * analyzed while empty).
 */
export function rowEstimateSql(c: string): string {
  return `CASE WHEN pg_catalog.pg_relation_size(${c}.oid) = 0 THEN 0::float8
               WHEN ${c}.reltuples < 0 OR ${c}.relpages = 0 THEN NULL
               ELSE ${c}.reltuples::float8 END`;
}

/** A heap tuple takes at least 28 bytes (its 24-byte header and a 4-byte line pointer). */
const MIN_TUPLE_BYTES = 28;

/**
 * The row count to size copy batches by: the estimate, or when it is not known
 * the most rows the heap can hold, so a batch never spans more than it should.
 */
export function rowsForBatches(info: Pick<TableInfo, 'rowEstimate' | 'tableBytes'>): number {
  return Math.max(1, info.rowEstimate ?? info.tableBytes / MIN_TUPLE_BYTES);
}

/** Runs catalog reads with a search_path that makes PostgreSQL qualify every name it prints. */
export function withCatalogPath<T>(db: Queryable, fn: () => Promise<T>): Promise<T> {
  return inTransaction(db, async () => {
    await db.query(`SET LOCAL search_path = pg_catalog, pg_temp`);
    return fn();
  });
}

/** Looks the table up by name; a clear not_found if it is not there. */
export async function findTableOid(db: Queryable, schema: string, table: string): Promise<number> {
  const { rows } = await db.query<{ oid: number }>(
    `SELECT c.oid::int8 AS oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [schema, table],
  );
  const oid = rows[0]?.oid;
  if (oid === undefined) {
    throw notFound(
      `There is no table ${qn(schema, table)} in this database. Check the schema and table name (names are case-sensitive).`,
    );
  }
  return Number(oid);
}

/**
 * Whether TimescaleDB is created in this database, from the server's facts: the
 * probe (PoolManager.serverFacts, refreshed by the wizard's own reads) or, while
 * a migration runs, the facts its spec was planned with.
 */
export type TimescaleFacts = Pick<ServerFacts, 'timescaledb'>;

export function readTable(db: Queryable, oid: number, server: TimescaleFacts): Promise<TableInfo> {
  return withCatalogPath(db, () => readTableIn(db, oid, server));
}

/** readTable inside a transaction the caller already opened (the swap). */
export async function readTableIn(db: Queryable, oid: number, server: TimescaleFacts): Promise<TableInfo> {
  {
    const { rows: base } = await db.query(
      `SELECT n.nspname AS schema, c.relname AS "table", pg_get_userbyid(c.relowner) AS owner,
              c.relkind::text AS relkind, c.relpersistence::text AS persistence, c.relispartition AS is_partition,
              pg_total_relation_size(c.oid)::float8 AS total, pg_relation_size(c.oid)::float8 AS heap,
              pg_indexes_size(c.oid)::float8 AS idx,
              (pg_table_size(c.oid) - pg_relation_size(c.oid))::float8 AS toast,
              ${rowEstimateSql('c')} AS reltuples,
              (SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_extension'::regclass
                  AND d.deptype = 'e' LIMIT 1) AS extension,
              ARRAY(SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = c.oid) AS parents,
              ARRAY(SELECT i.inhrelid::regclass::text FROM pg_inherits i WHERE i.inhparent = c.oid) AS children
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1`,
      [oid],
    );
    const b = base[0];
    if (!b) throw notFound('The table was dropped while Tidemark was reading it.');
    let hypertable = false;
    if (server.timescaledb.installed) {
      const { rows } = await db.query(
        `SELECT 1 FROM _timescaledb_catalog.hypertable WHERE schema_name = $1 AND table_name = $2`,
        [b.schema, b.table],
      );
      hypertable = rows.length > 0;
    }
    const { rows: cols } = await db.query(
      `SELECT a.attname AS name, a.attnum AS attnum, format_type(a.atttypid, a.atttypmod) AS type,
              a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS "default",
              a.attidentity::text AS identity, a.attgenerated::text AS generated
         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [oid],
    );
    const { rows: idx } = await db.query(
      `SELECT i.indexrelid::int8 AS oid, ic.relname AS name, pg_get_indexdef(i.indexrelid) AS definition,
              i.indisunique AS unique, i.indisprimary AS primary, i.indisvalid AS valid,
              i.indisreplident AS replident, i.indpred IS NOT NULL AS partial,
              i.indnkeyatts AS nkeys, con.conname AS con_name, con.contype::text AS con_type,
              pg_get_constraintdef(con.oid) AS con_def, con.condeferrable AS deferrable,
              ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, false) FROM generate_series(1, i.indnkeyatts) k) AS keys,
              (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[0]) AS leading,
              ARRAY(SELECT a.attname::text FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY u(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.attnum
                     WHERE u.attnum > 0 ORDER BY u.ord) AS key_columns
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
         LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                                    AND con.contype IN ('p', 'u', 'x')
        WHERE i.indrelid = $1 ORDER BY i.indisprimary DESC, ic.relname`,
      [oid],
    );
    const columns: ColumnInfo[] = cols.map((c) => ({
      name: c.name,
      attnum: c.attnum,
      type: c.type,
      notNull: c.not_null,
      default: c.default,
      identity: c.identity === 'a' ? 'always' : c.identity === 'd' ? 'by_default' : null,
      generated: c.generated !== '' && c.generated != null,
    }));
    const indexes: IndexInfo[] = idx.map((i) => ({
      oid: Number(i.oid),
      name: i.name,
      definition: i.definition,
      unique: i.unique,
      primary: i.primary,
      constraint: i.con_name
        ? { name: i.con_name, type: i.con_type, definition: i.con_def, deferrable: i.deferrable }
        : null,
      keys: i.keys,
      keyColumns: i.key_columns,
      leading: i.leading,
      partial: i.partial,
      valid: i.valid,
      replicaIdentity: i.replident,
    }));
    return {
      oid,
      schema: b.schema,
      table: b.table,
      owner: b.owner,
      relkind: b.relkind,
      kind: hypertable ? 'hypertable' : b.relkind === 'p' ? 'partitioned' : 'table',
      persistence: b.persistence,
      isPartition: b.is_partition,
      inheritsFrom: b.parents,
      inheritedBy: b.children,
      columns,
      indexes,
      totalBytes: Number(b.total),
      tableBytes: Number(b.heap),
      indexBytes: Number(b.idx),
      toastBytes: Math.max(0, Number(b.toast)),
      rowEstimate: b.reltuples === null ? null : Number(b.reltuples),
      extension: b.extension,
    };
  }
}

/** A key every row has and no two rows share: the primary key, else a unique index on NOT NULL columns. */
export function captureKey(info: TableInfo): string[] | null {
  const notNull = new Set(info.columns.filter((c) => c.notNull).map((c) => c.name));
  const usable = info.indexes.filter(
    (i) =>
      i.unique &&
      i.valid &&
      !i.partial &&
      i.keyColumns.length === i.keys.length &&
      i.keyColumns.every((c) => notNull.has(c)) &&
      !i.constraint?.deferrable,
  );
  const best = usable.find((i) => i.primary) ?? usable.sort((a, b) => a.keys.length - b.keys.length)[0];
  return best ? best.keyColumns : null;
}

/** Above this size a full read of the table is not cheap: figures are estimated unless an index helps. */
export const BIG_TABLE_BYTES = 1024 ** 3;

/** Min, max and NULL count of the time column: exact when cheap (an index, or a small table), else estimated. */
export async function readTimeRange(
  db: Queryable,
  info: TableInfo,
  column: TimeColumn,
): Promise<NonNullable<TableSummary['timeRange']>> {
  const rel = qn(info.schema, info.table);
  const col = qi(column.name);
  if (column.indexed || info.totalBytes < BIG_TABLE_BYTES) {
    const { rows } = await db.query<{ min: string | null; max: string | null; nulls: string }>(
      `SELECT (SELECT min(${col}) FROM ${rel})::text AS min, (SELECT max(${col}) FROM ${rel})::text AS max,
              ${column.notNull ? '0' : `(SELECT count(*) FROM ${rel} WHERE ${col} IS NULL)`} AS nulls`,
    );
    const r = rows[0]!;
    return { column: column.name, min: r.min, max: r.max, nulls: Number(r.nulls), exact: true };
  }
  const { rows } = await db.query<{ min: string | null; max: string | null; nulls: number | null }>(
    `SELECT (histogram_bounds::text::text[])[1] AS min,
            (histogram_bounds::text::text[])[array_length(histogram_bounds::text::text[], 1)] AS max,
            (null_frac * $3)::float8 AS nulls
       FROM pg_catalog.pg_stats WHERE schemaname = $1 AND tablename = $2 AND attname = $4`,
    [info.schema, info.table, info.rowEstimate ?? 0, column.name],
  );
  const r = rows[0];
  return {
    column: column.name,
    min: r?.min ?? null,
    max: r?.max ?? null,
    nulls: column.notNull ? 0 : Math.round(r?.nulls ?? 0),
    exact: false,
  };
}

export function summarize(info: TableInfo, timeRange: TableSummary['timeRange']): TableSummary {
  const pk = info.indexes.find((i) => i.primary);
  return {
    schema: info.schema,
    table: info.table,
    owner: info.owner,
    kind: info.kind,
    totalBytes: info.totalBytes,
    tableBytes: info.tableBytes,
    indexBytes: info.indexBytes,
    toastBytes: info.toastBytes,
    rowEstimate: info.rowEstimate,
    columns: info.columns.map((c) => ({
      name: c.name,
      type: c.type,
      notNull: c.notNull,
      default: c.default,
      identity: c.identity,
      generated: c.generated,
    })),
    timeColumns: timeColumnsOf(info),
    primaryKey: pk ? pk.keyColumns : null,
    indexes: info.indexes.map((i) => ({
      name: i.name,
      definition: i.definition,
      unique: i.unique,
      primary: i.primary,
      columns: i.keys,
    })),
    timeRange,
  };
}

/** Step 1: every ordinary table outside the system schemas, biggest first, without waiting on locks. */
export async function listCandidates(db: Queryable, server: TimescaleFacts): Promise<TableCandidate[]> {
  const { rows } = await db.query(`
    WITH locked AS (
      SELECT relation FROM pg_catalog.pg_locks WHERE locktype = 'relation' AND mode = 'AccessExclusiveLock'
    )
    SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS "table", c.relkind::text AS relkind,
           c.relispartition AS is_partition,
           -- A partitioned table holds nothing itself: its rows and bytes are its partitions' (as on Storage).
           CASE WHEN c.relkind = 'p'
                THEN (SELECT CASE WHEN bool_or(r IS NULL) THEN NULL ELSE sum(r) END
                        FROM (SELECT ${rowEstimateSql('p')} AS r FROM pg_catalog.pg_partition_tree(c.oid) t
                                JOIN pg_catalog.pg_class p ON p.oid = t.relid) x)
                ELSE ${rowEstimateSql('c')} END AS reltuples,
           CASE WHEN c.oid IN (SELECT relation FROM locked) THEN NULL
                WHEN c.relkind = 'p'
                THEN (SELECT CASE WHEN bool_or(t.relid IN (SELECT relation FROM locked)) THEN NULL
                                  ELSE sum(CASE WHEN t.relid IN (SELECT relation FROM locked) THEN 0
                                                ELSE pg_catalog.pg_total_relation_size(t.relid) END)::float8 END
                        FROM pg_catalog.pg_partition_tree(c.oid) t)
                ELSE pg_catalog.pg_total_relation_size(c.oid)::float8 END AS total,
           ARRAY(SELECT json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
                                          'notNull', a.attnotnull, 'generated', a.attgenerated <> '')::text
                   FROM pg_catalog.pg_attribute a
                  WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS cols,
           ARRAY(SELECT a.attname::text FROM pg_catalog.pg_index i
                   JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                  WHERE i.indrelid = c.oid AND i.indisvalid AND i.indpred IS NULL) AS leading
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'tidemark_migration')
       AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT LIKE '\\_timescaledb%' AND n.nspname <> 'timescaledb_information'
       AND n.nspname <> 'timescaledb_experimental' AND n.nspname <> 'toolkit_experimental'
     ORDER BY 7 DESC NULLS LAST, 2, 3
     LIMIT 2000`);
  let hypertables = new Set<string>();
  if (server.timescaledb.installed) {
    const h = await db.query<{ s: string; t: string }>(
      `SELECT schema_name AS s, table_name AS t FROM _timescaledb_catalog.hypertable`,
    );
    hypertables = new Set(h.rows.map((r) => relationKey(r.s, r.t)));
  }
  return rows.map((r) => {
    const columns = (r.cols as string[]).map(
      (j) => JSON.parse(j) as { name: string; type: string; notNull: boolean; generated: boolean },
    );
    const timeColumns = timeColumnsOf({
      columns: columns.map((c, i) => ({
        name: c.name,
        attnum: i + 1,
        type: c.type,
        notNull: c.notNull,
        default: null,
        identity: null,
        generated: c.generated,
      })),
      indexes: (r.leading as string[]).map((name, i) => ({
        oid: i,
        name: '',
        definition: '',
        unique: false,
        primary: false,
        constraint: null,
        keys: [name],
        keyColumns: [name],
        leading: name,
        partial: false,
        valid: true,
        replicaIdentity: false,
      })),
    });
    const kind: TableCandidate['kind'] = hypertables.has(relationKey(r.schema, r.table))
      ? 'hypertable'
      : r.relkind === 'p'
        ? 'partitioned'
        : 'table';
    const ineligible =
      kind === 'hypertable'
        ? 'Already a hypertable.'
        : kind === 'partitioned'
          ? 'Already partitioned.'
          : timeColumns.length === 0
            ? 'No timestamp, date or integer time column.'
            : null;
    return {
      schema: r.schema,
      table: r.table,
      kind,
      totalBytes: r.total === null ? 0 : Number(r.total),
      rowEstimate: r.reltuples === null ? null : Number(r.reltuples),
      timeColumns,
      ineligible,
    };
  });
}
