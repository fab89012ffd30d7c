import type { TimeColumnKind } from '../../shared/migration';
import { inTransaction, type Queryable } from './db';
import { qi, qn } from './ident';
import { CAPTURE_SCHEMA, rel } from './names';
import type { MigrationSpec } from './spec';
import { literals, type Params } from './sql/params';
import { insertSelect } from './sql/table';

/**
 * The copy: one time range per transaction. The range's upper bound (the
 * high-water mark) is written on the server in the same transaction as the
 * rows, so after a crash or a dropped connection the copy resumes exactly
 * where the last committed batch ended: no range is copied twice or skipped.
 * Nothing is written to the source table.
 */

export interface CopyState {
  /** Upper bound of the last committed batch (exclusive); null before the first. */
  highWater: string | null;
  done: boolean;
  rows: number;
  batches: number;
}

const RUNS = qn(CAPTURE_SCHEMA, 'runs');

/** The cast used for range bounds (typmods and spelling of the column's type do not matter here). */
export function castType(kind: TimeColumnKind): string {
  return kind === 'integer' ? 'int8' : kind;
}

export async function readCopyState(db: Queryable, spec: MigrationSpec): Promise<CopyState> {
  const { rows } = await db.query<{
    high_water: string | null;
    copy_done: boolean;
    rows_copied: string;
    batches: number;
  }>(`SELECT high_water, copy_done, rows_copied::text, batches FROM ${RUNS} WHERE migration_id = $1`, [
    spec.id,
  ]);
  const r = rows[0];
  if (!r) throw new Error('the migration is not registered on the server (phase A has not run)');
  return { highWater: r.high_water, done: r.copy_done, rows: Number(r.rows_copied), batches: r.batches };
}

/** The WHERE clause of a batch over [lo, hi): open below for the first, open above for the last. */
export function batchCondition(
  spec: MigrationSpec,
  lo: string | null,
  hi: string | null,
  alias = 's',
  p: Params = literals(),
): string {
  const col = `${alias}.${qi(spec.timeColumn)}`;
  const t = castType(spec.timeKind);
  const parts: string[] = [];
  if (lo !== null) parts.push(`${col} >= ${p('lo', lo)}::${t}`);
  // NULL times go with the first batch: a native DEFAULT partition takes them, a hypertable refuses them loudly.
  if (hi !== null)
    parts.push(
      lo === null ? `(${col} < ${p('hi', hi)}::${t} OR ${col} IS NULL)` : `${col} < ${p('hi', hi)}::${t}`,
    );
  return parts.length > 0 ? parts.join(' AND ') : 'true';
}

/** One batch's INSERT … SELECT; the bounds as literals, or as the plan shows them (psql variables). */
export function batchSql(
  spec: MigrationSpec,
  lo: string | null,
  hi: string | null,
  p: Params = literals(),
): string {
  const r = rel(spec.names);
  return `${insertSelect(spec, r.newTable, r.source)} WHERE ${batchCondition(spec, lo, hi, 's', p)}`;
}

/** Copies one range and moves the high-water mark in the same transaction. Returns the rows copied. */
export async function copyBatch(
  db: Queryable,
  spec: MigrationSpec,
  lo: string | null,
  hi: string | null,
): Promise<number> {
  return inTransaction(db, async () => {
    await db.query(`SET LOCAL statement_timeout = 0`);
    const { rows } = await db.query<{ high_water: string | null; copy_done: boolean }>(
      `SELECT high_water, copy_done FROM ${RUNS} WHERE migration_id = $1 FOR UPDATE`,
      [spec.id],
    );
    const current = rows[0];
    if (!current || current.copy_done || current.high_water !== lo) {
      throw new Error(
        `the copy's high-water mark on the server (${current?.high_water ?? 'none'}) is not where this batch starts (${lo ?? 'the beginning'}); another session may be running this migration`,
      );
    }
    const inserted = await db.query(batchSql(spec, lo, hi));
    const n = inserted.rowCount ?? 0;
    await db.query(
      `UPDATE ${RUNS} SET high_water = $2, copy_done = $3, rows_copied = rows_copied + $4, batches = batches + 1, updated_at = now()
        WHERE migration_id = $1`,
      [spec.id, hi, hi === null, n],
    );
    return n;
  });
}

/** The source's current time range, as text in the column's type. */
export async function sourceRange(
  db: Queryable,
  spec: MigrationSpec,
): Promise<{ min: string | null; max: string | null }> {
  const r = rel(spec.names);
  const col = qi(spec.timeColumn);
  const { rows } = await db.query<{ min: string | null; max: string | null }>(
    `SELECT (SELECT min(${col}) FROM ${r.source})::text AS min, (SELECT max(${col}) FROM ${r.source})::text AS max`,
  );
  return rows[0] ?? { min: null, max: null };
}

/** lo + width, computed by the server in the column's own type (no precision lost in JavaScript). */
export async function addWidth(
  db: Queryable,
  kind: TimeColumnKind,
  lo: string,
  width: number,
): Promise<string> {
  const sql =
    kind === 'integer'
      ? `SELECT ($1::int8 + $2::int8)::text AS v`
      : kind === 'date'
        ? `SELECT ($1::date + $2::int)::text AS v`
        : `SELECT ($1::${kind} + make_interval(secs => $2::float8))::${kind}::text AS v`;
  const w = kind === 'timestamptz' || kind === 'timestamp' ? width : Math.max(1, Math.round(width));
  const { rows } = await db.query<{ v: string }>(sql, [lo, String(w)]);
  return rows[0]!.v;
}

/** Span of [min, max] in the width unit (seconds, days or integer units). */
export async function span(db: Queryable, kind: TimeColumnKind, min: string, max: string): Promise<number> {
  const sql =
    kind === 'integer'
      ? `SELECT ($2::int8 - $1::int8)::float8 AS v`
      : kind === 'date'
        ? `SELECT ($2::date - $1::date)::float8 AS v`
        : `SELECT extract(epoch FROM ($2::${kind} - $1::${kind}))::float8 AS v`;
  const { rows } = await db.query<{ v: number }>(sql, [min, max]);
  return Math.max(0, Number(rows[0]?.v ?? 0));
}

/** a < b in the column's type. */
export async function isBefore(db: Queryable, kind: TimeColumnKind, a: string, b: string): Promise<boolean> {
  const t = castType(kind);
  const { rows } = await db.query<{ v: boolean }>(`SELECT $1::${t} < $2::${t} AS v`, [a, b]);
  return rows[0]?.v === true;
}

/**
 * Batch widths adapt to the data: a range that held far more or fewer rows than
 * wanted makes the next one narrower or wider (at most 4x per step).
 */
export function nextWidth(width: number, rows: number, wanted: number, minimum: number): number {
  const factor = rows === 0 ? 4 : Math.min(4, Math.max(0.25, wanted / rows));
  return Math.max(minimum, width * factor);
}
