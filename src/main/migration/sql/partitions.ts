import { invalidInput } from '../../errors';
import { hasSqlState, SqlState } from '../../postgres/sqlstate';
import type { Queryable } from '../db';
import { qi, ql, qn, withSuffix } from '../ident';
import type { MigrationSpec } from '../spec';

/**
 * Native range partitions: one per interval from the oldest row to some
 * intervals beyond the newest, plus a DEFAULT partition so that a row outside
 * them is never refused.
 */

export interface PartitionBound {
  name: string;
  from: string;
  to: string;
}

type Unit = 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute';

/** The calendar unit partitions start on, from the interval's shape. */
export async function alignmentUnit(db: Queryable, interval: string): Promise<Unit> {
  const { rows } = await db.query<{ months: number; days: number; secs: number }>(
    `SELECT (extract(year FROM i) * 12 + extract(month FROM i))::float8 AS months,
            extract(day FROM i)::float8 AS days,
            (extract(epoch FROM i) - (extract(year FROM i) * 12 + extract(month FROM i)) * 2592000
              - extract(day FROM i) * 86400)::float8 AS secs
       FROM (SELECT $1::interval AS i) x`,
    [interval],
  );
  const { months, days, secs } = rows[0]!;
  if (months > 0) return months % 12 === 0 ? 'year' : 'month';
  if (days > 0 && secs === 0) return days % 7 === 0 ? 'week' : 'day';
  if (secs % 3600 === 0 && days === 0) return 'hour';
  return 'minute';
}

const labelFormat: Record<Unit, string> = {
  year: 'YYYY',
  month: 'YYYY_MM',
  week: 'YYYYMMDD',
  day: 'YYYYMMDD',
  hour: 'YYYYMMDD_HH24MI',
  minute: 'YYYYMMDD_HH24MI',
};

export const MAX_PARTITIONS = 5000;

/**
 * The partitions for [min, max] plus `ahead` intervals; min/max null means an
 * empty table (starts now). Bounds past what the column's type can hold (a
 * sentinel such as 9999-12-31 or the largest bigint) are refused in words.
 */
export async function partitionBounds(
  db: Queryable,
  spec: MigrationSpec,
  min: string | null,
  max: string | null,
): Promise<PartitionBound[]> {
  try {
    return await boundsFor(db, spec, min, max);
  } catch (error) {
    if (!hasSqlState(error, SqlState.numericValueOutOfRange, SqlState.datetimeFieldOverflow)) throw error;
    const { interval, partitionsAhead } = spec.settings;
    const col = qi(spec.timeColumn);
    throw invalidInput(
      `The partitions for ${col} up to its newest value (${max ?? 'none'}), and ${partitionsAhead} intervals of ${interval} beyond it, go past the largest value a ${spec.timeType} can hold. If the newest value is not real data (a placeholder such as 9999-12-31), fix those rows first (SELECT * FROM ${qn(spec.names.schema, spec.names.table)} ORDER BY ${col} DESC LIMIT 20); otherwise choose fewer partitions ahead or a shorter interval.`,
      { 'settings.interval': 'The last partitions would go past the largest value of the column’s type.' },
    );
  }
}

async function boundsFor(
  db: Queryable,
  spec: MigrationSpec,
  min: string | null,
  max: string | null,
): Promise<PartitionBound[]> {
  const { interval, partitionsAhead } = spec.settings;
  const table = spec.names.table;
  if (spec.timeKind === 'integer') {
    const { rows } = await db.query<{ from: string; to: string }>(
      `SELECT g::text AS "from", (g + $3::int8)::text AS "to"
         FROM generate_series(
                (floor(coalesce($1::numeric, 0) / $3::int8) * $3::int8)::int8,
                (coalesce($2::numeric, 0) + $3::int8 * $4::int8)::int8, $3::int8) g
        LIMIT ${MAX_PARTITIONS + 1}`,
      [min, max, interval, partitionsAhead],
    );
    return rows.map((r) => ({
      name: withSuffix(table, `_p${r.from.startsWith('-') ? `m${r.from.slice(1)}` : r.from}`),
      from: r.from,
      to: r.to,
    }));
  }
  const unit = await alignmentUnit(db, interval);
  const type = spec.timeKind === 'date' ? 'date' : spec.timeKind;
  const { rows } = await db.query<{ from: string; to: string; label: string }>(
    `SELECT g::${type}::text AS "from", (g + $3::interval)::${type}::text AS "to", to_char(g, $5) AS label
       FROM generate_series(
              date_trunc($4, coalesce($1::${type}, now()::${type})::timestamp),
              coalesce($2::${type}, now()::${type})::timestamp + $3::interval * $6::int, $3::interval) g
      LIMIT ${MAX_PARTITIONS + 1}`,
    [min, max, interval, unit, labelFormat[unit], partitionsAhead],
  );
  return rows.map((r) => ({ name: withSuffix(table, `_p${r.label}`), from: r.from, to: r.to }));
}

export function defaultPartitionName(spec: MigrationSpec): string {
  return withSuffix(spec.names.table, '_default');
}

export function createPartitionSql(spec: MigrationSpec, parent: string, p: PartitionBound): string {
  return `CREATE TABLE IF NOT EXISTS ${qn(spec.names.schema, p.name)} PARTITION OF ${parent} FOR VALUES FROM (${ql(p.from)}) TO (${ql(p.to)});`;
}

export function createDefaultPartitionSql(spec: MigrationSpec, parent: string): string {
  return `CREATE TABLE IF NOT EXISTS ${qn(spec.names.schema, defaultPartitionName(spec))} PARTITION OF ${parent} DEFAULT;`;
}

export function detachPartitionSql(parent: string, schema: string, name: string): string {
  return `ALTER TABLE ${parent} DETACH PARTITION ${qn(schema, name)};`;
}
