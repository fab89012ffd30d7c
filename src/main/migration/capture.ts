import type { ColumnInfo } from './catalog';
import { inTransaction, type Queryable } from './db';
import { qi, ql, qn } from './ident';
import { CAPTURE_SCHEMA, doBlock, type MigrationNames, rel } from './names';
import { guardSql } from './ownership';
import type { MigrationSpec } from './spec';
import { insertSelect } from './sql/table';

/**
 * Change capture, as pg-osc and pg_repack do it: a trigger on the table the
 * application writes logs the key of every row it inserts, updates or deletes
 * (and a marker for TRUNCATE) into a log table in our schema. Replaying a key
 * makes the other table hold exactly what the source holds for that key now,
 * so the order of changes and how often a row changed do not matter.
 */

/**
 * The run registry, shared by every migration on the server: one active migration per table.
 * Whatever already exists under these names is checked to be ours before anything touches it.
 */
export function registrySql(): string[] {
  const runs = qn(CAPTURE_SCHEMA, 'runs');
  return [
    `CREATE SCHEMA IF NOT EXISTS ${qi(CAPTURE_SCHEMA)};`,
    `REVOKE ALL ON SCHEMA ${qi(CAPTURE_SCHEMA)} FROM PUBLIC;`,
    guardSql(null),
    `CREATE TABLE IF NOT EXISTS ${runs} (
  migration_id  text PRIMARY KEY,
  source_schema name NOT NULL,
  source_table  name NOT NULL,
  active        boolean NOT NULL DEFAULT true,
  high_water    text,
  copy_done     boolean NOT NULL DEFAULT false,
  rows_copied   bigint NOT NULL DEFAULT 0,
  batches       integer NOT NULL DEFAULT 0,
  started_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);`,
    `REVOKE ALL ON TABLE ${runs} FROM PUBLIC;`,
    guardSql(null),
    `CREATE UNIQUE INDEX IF NOT EXISTS runs_one_active_per_table ON ${runs} (source_schema, source_table) WHERE active;`,
  ];
}

export function claimSql(spec: MigrationSpec): string {
  const n = spec.names;
  return `INSERT INTO ${qn(CAPTURE_SCHEMA, 'runs')} (migration_id, source_schema, source_table) VALUES (${ql(spec.id)}, ${ql(n.schema)}, ${ql(n.table)}) ON CONFLICT (migration_id) DO UPDATE SET active = true;`;
}

export function releaseSql(spec: MigrationSpec): string {
  return `UPDATE ${qn(CAPTURE_SCHEMA, 'runs')} SET active = false, updated_at = now() WHERE migration_id = ${ql(spec.id)};`;
}

/**
 * After the last migration on the server is released: the registry and the schema go, unless
 * another migration is active or anything else lives in the schema (then both stay).
 */
export function dropRegistryIfUnusedSql(): string {
  const runs = qn(CAPTURE_SCHEMA, 'runs');
  return doBlock(`  IF pg_catalog.to_regclass(${ql(runs)}) IS NULL
     OR (SELECT nspowner FROM pg_catalog.pg_namespace WHERE nspname = ${ql(CAPTURE_SCHEMA)})
        <> (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
    RETURN;
  END IF;
  LOCK TABLE ${runs} IN ACCESS EXCLUSIVE MODE;
  IF EXISTS (SELECT 1 FROM ${runs} WHERE active) THEN
    RETURN;
  END IF;
  BEGIN
    DROP TABLE IF EXISTS ${qn(CAPTURE_SCHEMA, 'copy_slices')};
    DROP TABLE ${runs};
    DROP SCHEMA ${qi(CAPTURE_SCHEMA)};
  EXCEPTION WHEN dependent_objects_still_exist THEN
    NULL;
  END;`);
}

interface KeyColumn {
  name: string;
  type: string;
}

export function keyColumns(spec: MigrationSpec, columns: ColumnInfo[]): KeyColumn[] {
  return (spec.captureKey ?? []).map((name) => {
    const c = columns.find((x) => x.name === name);
    if (!c) throw new Error(`key column ${name} is missing`);
    return { name, type: c.type };
  });
}

type Direction = 'forward' | 'reverse';

function objects(names: MigrationNames, direction: Direction) {
  const r = rel(names);
  return direction === 'forward'
    ? {
        log: r.log,
        logName: names.log,
        fn: r.captureFunction,
        truncateFn: r.truncateFunction,
        trigger: r.trigger,
        truncateTrigger: r.truncateTrigger,
        triggerName: names.trigger,
        truncateTriggerName: names.truncateTrigger,
      }
    : {
        log: r.reverseLog,
        logName: names.reverseLog,
        fn: r.reverseFunction,
        truncateFn: r.reverseTruncateFunction,
        trigger: r.reverseTrigger,
        truncateTrigger: r.reverseTruncateTrigger,
        triggerName: names.reverseTrigger,
        truncateTriggerName: names.reverseTruncateTrigger,
      };
}

/**
 * The log table, the trigger functions and the triggers on `table`. Row triggers
 * fire ALWAYS so changes that arrive by logical replication are captured too.
 */
export function installCaptureSql(
  spec: MigrationSpec,
  keys: KeyColumn[],
  table: string,
  direction: Direction,
): string[] {
  // Hypertables refuse ENABLE ALWAYS TRIGGER (and are not logical replication targets anyway).
  const always = !(direction === 'reverse' && spec.target === 'timescaledb');
  const o = objects(spec.names, direction);
  const kcols = keys.map((_, i) => `k_${i + 1}`);
  const logCols = keys.map((k, i) => `  ${kcols[i]} ${k.type}`).join(',\n');
  const values = (row: 'NEW' | 'OLD') => keys.map((k) => `${row}.${qi(k.name)}`).join(', ');
  const rowKey = (row: 'NEW' | 'OLD') => `ROW(${values(row)})`;
  const body = `BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO ${o.log} (op, ${kcols.join(', ')}) VALUES (left(TG_OP, 1), ${values('NEW')});
  END IF;
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND ${rowKey('OLD')} IS DISTINCT FROM ${rowKey('NEW')}) THEN
    INSERT INTO ${o.log} (op, ${kcols.join(', ')}) VALUES (left(TG_OP, 1), ${values('OLD')});
  END IF;
  RETURN NULL;
END`;
  const truncateBody = `BEGIN
  INSERT INTO ${o.log} (op) VALUES ('T');
  RETURN NULL;
END`;
  const fn = (name: string, b: string) => {
    const tag = b.includes('$tdm$') ? '$tdm_fn$' : '$tdm$';
    // SECURITY DEFINER: the application's role needs no rights on our schema to be logged.
    return `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS ${tag}\n${b}\n${tag};`;
  };
  const create = (trigger: string, triggerName: string, when: string, fnName: string, forEach: string) => {
    const def = `TRIGGER ${trigger} AFTER ${when} ON ${table} FOR EACH ${forEach} EXECUTE FUNCTION ${fnName}()`;
    if (spec.server.versionNum >= 140000) return `CREATE OR REPLACE ${def};`;
    return `DROP TRIGGER IF EXISTS ${qi(triggerName)} ON ${table};\nCREATE ${def};`;
  };
  return [
    `CREATE TABLE IF NOT EXISTS ${o.log} (\n  seq bigserial PRIMARY KEY,\n  op "char" NOT NULL,\n${logCols}\n);`,
    `REVOKE ALL ON TABLE ${o.log} FROM PUBLIC;`,
    // Before functions that run on every write to the application's table are (re)defined here.
    guardSql(null),
    fn(o.fn, body),
    fn(o.truncateFn, truncateBody),
    `REVOKE ALL ON FUNCTION ${o.fn}(), ${o.truncateFn}() FROM PUBLIC;`,
    create(o.trigger, o.triggerName, 'INSERT OR UPDATE OR DELETE', o.fn, 'ROW'),
    create(o.truncateTrigger, o.truncateTriggerName, 'TRUNCATE', o.truncateFn, 'STATEMENT'),
    ...(always
      ? [
          `ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${o.trigger};`,
          `ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${o.truncateTrigger};`,
        ]
      : []),
  ];
}

/** Drops the triggers from `table` (if it still exists) and the log and functions. */
export function dropCaptureSql(spec: MigrationSpec, table: string | null, direction: Direction): string[] {
  const o = objects(spec.names, direction);
  const triggers = table
    ? [
        `DROP TRIGGER IF EXISTS ${o.trigger} ON ${table};`,
        `DROP TRIGGER IF EXISTS ${o.truncateTrigger} ON ${table};`,
      ]
    : [];
  return [
    ...triggers,
    `DROP FUNCTION IF EXISTS ${o.fn}();`,
    `DROP FUNCTION IF EXISTS ${o.truncateFn}();`,
    `DROP TABLE IF EXISTS ${o.log};`,
  ];
}

/** The statements of one replay round, for the plan and the export (psql variables in place of values). */
export function replaySqlText(spec: MigrationSpec, keys: KeyColumn[], from: string, to: string, log: string) {
  return replayStatements(spec, keys, from, to, log, ':upto', ':truncated_at');
}

function replayStatements(
  spec: MigrationSpec,
  keys: KeyColumn[],
  from: string,
  to: string,
  log: string,
  upto: string,
  truncatedAt: string,
): string[] {
  const kcols = keys.map((_, i) => `k_${i + 1}`);
  const match = (alias: string) => keys.map((k, i) => `${alias}.${qi(k.name)} = l.${kcols[i]}`).join(' AND ');
  const window = `l.seq > ${truncatedAt} AND l.seq <= ${upto} AND l.op <> 'T'`;
  return [
    `DELETE FROM ${to} t USING (SELECT DISTINCT ${kcols.join(', ')} FROM ${log} l WHERE ${window}) l WHERE ${match('t')};`,
    `${insertSelect(spec, to, from)} WHERE EXISTS (SELECT 1 FROM ${log} l WHERE ${window} AND ${match('s')});`,
    `DELETE FROM ${log} WHERE seq <= ${upto};`,
  ];
}

export interface ReplayResult {
  /** Log entries consumed. */
  entries: number;
  /** Entries still in the log (committed after this round's snapshot, or beyond its limit). */
  remaining: number;
}

/**
 * One replay round: up to `limit` log entries, in a REPEATABLE READ transaction so the
 * log, the source and the deletion of the consumed entries all see one snapshot. An
 * entry whose transaction commits later is invisible here and stays for the next round.
 */
export async function replayRound(
  db: Queryable,
  spec: MigrationSpec,
  keys: KeyColumn[],
  direction: Direction,
  from: string,
  to: string,
  limit: number,
  options: { inTransaction?: boolean } = {},
): Promise<ReplayResult> {
  const log = objects(spec.names, direction).log;
  const round = async (): Promise<ReplayResult> => {
    const { rows } = await db.query<{ upto: string | null; total: string }>(
      `SELECT (SELECT seq FROM (SELECT seq FROM ${log} ORDER BY seq LIMIT ${Math.trunc(limit)}) x ORDER BY seq DESC LIMIT 1)::text AS upto,
              (SELECT count(*) FROM ${log})::text AS total`,
    );
    const upto = rows[0]?.upto;
    const total = Number(rows[0]?.total ?? 0);
    if (!upto) return { entries: 0, remaining: 0 };
    const t = await db.query<{ at: string | null }>(
      `SELECT max(seq)::text AS at FROM ${log} WHERE op = 'T' AND seq <= $1`,
      [upto],
    );
    const truncatedAt = t.rows[0]?.at ?? '0';
    // A TRUNCATE of the source empties the other side too; keys logged after it are replayed as usual.
    if (truncatedAt !== '0') await db.query(`DELETE FROM ${to}`);
    const [delTarget, insert, delLog] = replayStatements(spec, keys, from, to, log, '$1', '$2');
    await db.query(delTarget!, [upto, truncatedAt]);
    await db.query(insert!, [upto, truncatedAt]);
    const consumed = await db.query(delLog!.replace('$1', '$1::int8'), [upto]);
    const entries = consumed.rowCount ?? 0;
    return { entries, remaining: Math.max(0, total - entries) };
  };
  if (options.inTransaction) return round();
  return inTransaction(db, round, 'BEGIN ISOLATION LEVEL REPEATABLE READ');
}
