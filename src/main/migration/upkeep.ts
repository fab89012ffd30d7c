import { displayName } from '../../shared/ident';
import { DEFAULT_ROWS_COUNTED_UP_TO, type UpkeepReport } from '../../shared/partition-upkeep';
import { hasSqlState, SqlState } from '../postgres/sqlstate';
import { inTransaction, type Queryable } from './db';
import { qi, qn } from './ident';
import type { MigrationRow } from './journal';
import type { MigrationSpec } from './spec';
import {
  createPartitionSql,
  defaultPartitionName,
  detachPartitionSql,
  type PartitionBound,
  partitionBounds,
} from './sql/partitions';
import { configured, handsOver } from './sql/partman';

/**
 * Partition upkeep for a table the wizard moved to native range partitions:
 * partitions are kept `partitionsAhead` intervals beyond now, rows that landed
 * in the DEFAULT partition get a partition of their own (moved in one short
 * transaction, as pg_partman's partition_data does, since PostgreSQL refuses a
 * new partition whose range the DEFAULT already holds rows for), and with a
 * retention set, partitions whose range ended before it are detached (their
 * rows stay, in tables of their own). Runs on the profile's sampling timer and
 * from `tidemark partitions maintain`.
 */

/** What the plan and the pre-flight promise about upkeep, said once (upkeep-alert.test.ts holds it to it). */
export function upkeepPromise(partitionsAhead: number, retention: string | null): string {
  const retire = retention === null ? '' : ` and detaches partitions older than ${retention}`;
  return (
    `After the swap, Tidemark keeps ${partitionsAhead} partition${partitionsAhead === 1 ? '' : 's'} ahead${retire} ` +
    "on the profile's sampling timer (while Tidemark runs) and with tidemark partitions maintain PROFILE TABLE; " +
    'rows that reach the DEFAULT partition are moved into partitions of their own, and raise an alert until they are.'
  );
}

/** A partition is made under a short lock or not this time: upkeep never queues the application behind it. */
const LOCK_TIMEOUT = '2s';

interface AttachedPartition {
  name: string;
  isDefault: boolean;
  from: string | null;
  to: string | null;
}

/** Runs the upkeep on one session (it opens transactions of its own). */
export async function maintainPartitions(
  db: Queryable,
  spec: MigrationSpec,
  now: Date,
): Promise<UpkeepReport> {
  const { schema, table } = spec.names;
  const parent = qn(schema, table);
  const report: UpkeepReport = {
    table: displayName(schema, table),
    timeColumn: spec.timeColumn,
    created: [],
    movedRows: 0,
    detached: [],
    ahead: null,
    wantedAhead: spec.settings.partitionsAhead,
    defaultPartition: null,
    defaultRows: 0,
    skipped: null,
  };
  const kind = await db.query<{ relkind: string | null }>(
    `SELECT (SELECT relkind::text FROM pg_catalog.pg_class WHERE oid = to_regclass($1)) AS relkind`,
    [parent],
  );
  if (kind.rows[0]?.relkind !== 'p') {
    report.skipped = `${report.table} is no longer a partitioned table (rolled back, renamed or dropped).`;
    return report;
  }

  if (handsOver(spec)) {
    const held = await configured(db, spec, table);
    const partman = (object: string) => displayName(spec.partman?.schema ?? '', object);
    report.skipped = held
      ? `${report.table} was handed to pg_partman at the migration: its run_maintenance keeps the partitions (${partman('part_config')} holds the table), so Tidemark leaves it alone.`
      : `${report.table} was handed to pg_partman at the migration, but ${partman('part_config')} no longer holds it: nothing keeps its partitions ahead. Run ${partman('create_parent')} for it again, or make it by hand.`;
    return report;
  }

  const time = qi(spec.timeColumn);
  const cast = spec.timeKind === 'integer' ? 'int8' : spec.timeKind === 'date' ? 'date' : spec.timeKind;
  const reference =
    spec.timeKind === 'integer'
      ? ((await db.query<{ v: string | null }>(`SELECT max(${time})::text AS v FROM ${parent}`)).rows[0]?.v ??
        null)
      : now.toISOString();

  const defaultName = defaultPartitionName(spec);
  const defaultRel = qn(schema, defaultName);
  const hasDefault = (await attachedPartitions(db, parent)).some((p) => p.isDefault);
  const wanted: PartitionBound[] = [];
  if (reference !== null) wanted.push(...(await partitionBounds(db, spec, reference, reference)));
  if (hasDefault) {
    const { rows } = await db.query<{ lo: string | null; hi: string | null }>(
      `SELECT min(${time})::text AS lo, max(${time})::text AS hi FROM ${defaultRel}`,
    );
    const { lo, hi } = rows[0] ?? { lo: null, hi: null };
    if (lo !== null && hi !== null) {
      const exact = { ...spec, settings: { ...spec.settings, partitionsAhead: 0 } };
      wanted.push(...(await partitionBounds(db, exact, lo, hi)));
    }
  }

  for (const bound of dedupe(wanted)) {
    const exists = await db.query<{ r: string | null }>('SELECT to_regclass($1)::text AS r', [
      qn(schema, bound.name),
    ]);
    if (exists.rows[0]?.r) continue;
    const moved = await createWithRows(db, spec, parent, hasDefault ? defaultRel : null, bound, cast);
    if (moved === null) continue;
    report.created.push(bound.name);
    report.movedRows += moved;
  }

  if (spec.settings.retention !== null)
    report.detached = await detachExpired(db, spec, parent, cast, reference);

  const after = await attachedPartitions(db, parent);
  if (reference !== null) {
    const ranges = after.filter((p) => !p.isDefault && p.from !== null);
    const starts = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM unnest($1::text[]) f WHERE f::${cast} > $2::${cast}`,
      [ranges.map((p) => p.from), reference],
    );
    report.ahead = starts.rows[0]?.n ?? 0;
  }
  if (hasDefault) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${defaultRel} LIMIT ${DEFAULT_ROWS_COUNTED_UP_TO}) d`,
    );
    report.defaultPartition = displayName(schema, defaultName);
    report.defaultRows = rows[0]?.n ?? 0;
  }
  return report;
}

/**
 * Makes one partition, moving the DEFAULT partition's rows of its range into
 * it in the same transaction. Returns the rows moved, or null when the range
 * is already covered by a partition of another name or the lock was not had
 * in time (the next round tries again).
 */
async function createWithRows(
  db: Queryable,
  spec: MigrationSpec,
  parent: string,
  defaultRel: string | null,
  bound: PartitionBound,
  cast: string,
): Promise<number | null> {
  const time = qi(spec.timeColumn);
  const columns = spec.copyColumns.map(qi).join(', ');
  const overriding = spec.overridingSystemValue ? ' OVERRIDING SYSTEM VALUE' : '';
  try {
    return await inTransaction(db, async () => {
      await db.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      let moved = 0;
      if (defaultRel) {
        // Out of the DEFAULT first: PostgreSQL refuses a partition whose rows the DEFAULT still holds.
        const result = await db.query(
          `CREATE TEMPORARY TABLE tidemark_upkeep_rows ON COMMIT DROP AS
             WITH gone AS (DELETE FROM ${defaultRel} WHERE ${time} >= $1::${cast} AND ${time} < $2::${cast} RETURNING *)
             SELECT * FROM gone`,
          [bound.from, bound.to],
        );
        moved = result.rowCount ?? 0;
      }
      await db.query(createPartitionSql(spec, parent, bound));
      if (moved > 0)
        await db.query(
          `INSERT INTO ${parent} (${columns})${overriding} SELECT ${columns} FROM pg_temp.tidemark_upkeep_rows`,
        );
      return moved;
    });
  } catch (error) {
    // The range overlaps a partition of another name, or the lock was not had in time.
    if (hasSqlState(error, SqlState.invalidObjectDefinition, SqlState.lockNotAvailable)) return null;
    throw error;
  }
}

/** Detaches the range partitions whose range ended before the retention; returns their names. */
async function detachExpired(
  db: Queryable,
  spec: MigrationSpec,
  parent: string,
  cast: string,
  reference: string | null,
): Promise<string[]> {
  if (reference === null || spec.settings.retention === null) return [];
  const limit = spec.timeKind === 'integer' ? `$2::int8 - $3::int8` : `$2::${cast} - $3::interval`;
  const detached: string[] = [];
  for (const p of await attachedPartitions(db, parent)) {
    if (p.isDefault || p.to === null) continue;
    const { rows } = await db.query<{ old: boolean }>(`SELECT $1::${cast} <= ${limit} AS old`, [
      p.to,
      reference,
      spec.settings.retention,
    ]);
    if (!rows[0]?.old) continue;
    try {
      await inTransaction(db, async () => {
        await db.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
        await db.query(detachPartitionSql(parent, spec.names.schema, p.name));
      });
      detached.push(p.name);
    } catch (error) {
      if (!hasSqlState(error, SqlState.lockNotAvailable)) throw error;
    }
  }
  return detached;
}

/** The partitions attached to the parent, with their bounds as the server prints them. */
async function attachedPartitions(db: Queryable, parent: string): Promise<AttachedPartition[]> {
  const { rows } = await db.query<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass($1)`,
    [parent],
  );
  return rows.map((r) => {
    if (r.bound === 'DEFAULT') return { name: r.name, isDefault: true, from: null, to: null };
    const m = /^FOR VALUES FROM \((.*)\) TO \((.*)\)$/s.exec(r.bound);
    return { name: r.name, isDefault: false, from: boundValue(m?.[1]), to: boundValue(m?.[2]) };
  });
}

/** One bound of a single-column range: a literal ('…' or a number); null for MINVALUE/MAXVALUE. */
function boundValue(text: string | undefined): string | null {
  if (text === undefined || /^(MINVALUE|MAXVALUE)$/.test(text)) return null;
  if (text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  return /^-?\d+$/.test(text) ? text : null;
}

function dedupe(bounds: PartitionBound[]): PartitionBound[] {
  const seen = new Map<string, PartitionBound>();
  for (const b of bounds) if (!seen.has(b.name)) seen.set(b.name, b);
  return [...seen.values()];
}

/**
 * The tables upkeep looks after on a profile: those the wizard moved to native
 * partitions and left in place (swapped or cleaned up), the newest migration
 * of each; `table` narrows it to one: the table's name as it is, or schema.name
 * as reports show it (displayName: a part with a dot or a quote is quoted).
 */
export function maintainedTables(rows: readonly MigrationRow[], table?: string): MigrationSpec[] {
  const newest = new Map<string, MigrationRow>();
  for (const row of rows) {
    if (row.target !== 'partitions' || (row.state !== 'swapped' && row.state !== 'cleaned_up')) continue;
    const key = displayName(row.schema, row.table);
    const seen = newest.get(key);
    if (!seen || seen.createdAt < row.createdAt) newest.set(key, row);
  }
  const specs = [...newest.values()].map((r) => r.spec);
  return table === undefined
    ? specs
    : specs.filter((s) => displayName(s.names.schema, s.names.table) === table || s.names.table === table);
}
