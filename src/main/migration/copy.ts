import type { MigrationSettings, TimeColumnKind } from '../../shared/migration';
import { rowEstimateSql, rowsForBatches } from './catalog';
import { inOneTrip, type Queryable } from './db';
import { qi, ql, qn } from './ident';
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

/** A batch first locks the high-water mark … */
export function lockMarkSql(spec: MigrationSpec): string {
  return `SELECT high_water, copy_done FROM ${RUNS} WHERE migration_id = ${ql(spec.id)} FOR UPDATE`;
}

/** … and moves it with the rows it copied, in the same transaction. */
export function moveMarkSql(spec: MigrationSpec, p: Params, hi?: string | null, copied?: number): string {
  return `UPDATE ${RUNS} SET high_water = ${p('hi', hi)}, copy_done = ${p('done', hi === null)}::boolean, rows_copied = rows_copied + ${p('copied', copied)}::int8, batches = batches + 1, updated_at = now() WHERE migration_id = ${ql(spec.id)}`;
}

/**
 * One batch's transaction in three round trips (each counts over an SSH tunnel):
 * BEGIN and lock the mark, the copy, move the mark and COMMIT. `check` refuses
 * a mark that is not where the batch starts. Rolls back on any error. The
 * session's statement_timeout is already 0 (runner.ts prepareSession). The
 * time returned is the copy statement's alone: what a wider range would take
 * longer to do, as the exported loop times it on the server.
 */
export async function batchTransaction(
  db: Queryable,
  lockSql: string,
  check: (mark: Record<string, unknown> | undefined) => void,
  copySql: string,
  moveSql: (copied: number) => string,
): Promise<BatchTaken> {
  try {
    const opened = await inOneTrip(db, ['BEGIN', lockSql]);
    check(opened.at(-1)?.rows[0]);
    const started = performance.now();
    const rows = (await db.query(copySql)).rowCount ?? 0;
    const seconds = (performance.now() - started) / 1000;
    await inOneTrip(db, [moveSql(rows), 'COMMIT']);
    return { rows, seconds };
  } catch (error) {
    await db.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** Copies one range and moves the high-water mark in the same transaction. */
export function copyBatch(
  db: Queryable,
  spec: MigrationSpec,
  lo: string | null,
  hi: string | null,
): Promise<BatchTaken> {
  return batchTransaction(
    db,
    lockMarkSql(spec),
    (current) => {
      if (!current || current.copy_done || current.high_water !== lo) {
        throw new Error(
          `the copy's high-water mark on the server (${current?.high_water ?? 'none'}) is not where this batch starts (${lo ?? 'the beginning'}); another session may be running this migration`,
        );
      }
    },
    batchSql(spec, lo, hi),
    (copied) => moveMarkSql(spec, literals(), hi, copied),
  );
}

/**
 * The source's rows: the planner's estimate (0 when it has none, for the
 * progress bar), and the count batches are sized by, which for a table never
 * analyzed is the most rows its heap can hold (catalog.ts rowsForBatches, as
 * the plan sizes them), so a first batch never spans the whole table.
 */
export async function sourceRows(
  db: Queryable,
  spec: MigrationSpec,
): Promise<{ estimate: number; forBatches: number }> {
  const { rows } = await db.query<{ r: number | null; heap: number }>(
    `SELECT ${rowEstimateSql('c')} AS r, pg_catalog.pg_relation_size(c.oid)::float8 AS heap
       FROM pg_catalog.pg_class c WHERE c.oid = $1`,
    [spec.sourceOid],
  );
  const r = rows[0];
  const rowEstimate = r?.r === null || r?.r === undefined ? null : Number(r.r);
  return {
    estimate: rowEstimate ?? 0,
    forBatches: rowsForBatches({ rowEstimate, tableBytes: Number(r?.heap ?? 0) }),
  };
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

/** `$1 + $2` in the column's type, the width in its unit (seconds, days or integer units). */
function plusWidthSql(kind: TimeColumnKind): string {
  return kind === 'integer'
    ? `($1::int8 + $2::int8)`
    : kind === 'date'
      ? `($1::date + $2::int)`
      : `($1::${kind} + make_interval(secs => $2::float8))::${kind}`;
}

const widthValue = (kind: TimeColumnKind, width: number) =>
  String(kind === 'timestamptz' || kind === 'timestamp' ? width : Math.max(1, Math.round(width)));

/** lo + width, computed by the server in the column's own type (no precision lost in JavaScript). */
export async function addWidth(
  db: Queryable,
  kind: TimeColumnKind,
  lo: string,
  width: number,
): Promise<string> {
  const { rows } = await db.query<{ v: string }>(`SELECT ${plusWidthSql(kind)}::text AS v`, [
    lo,
    widthValue(kind, width),
  ]);
  return rows[0]!.v;
}

/** from + width, and whether it is below, at or beyond `limit` (-1, 0, 1): a batch's bound in one round trip. */
export async function boundAfter(
  db: Queryable,
  kind: TimeColumnKind,
  from: string,
  width: number,
  limit: string,
): Promise<{ bound: string; vsLimit: -1 | 0 | 1 }> {
  const { rows } = await db.query<{ v: string; c: -1 | 0 | 1 }>(
    `SELECT v::text AS v, CASE WHEN v < $3::${castType(kind)} THEN -1 WHEN v = $3::${castType(kind)} THEN 0 ELSE 1 END AS c
       FROM (SELECT ${plusWidthSql(kind)} AS v) x`,
    [from, widthValue(kind, width), limit],
  );
  return { bound: rows[0]!.v, vsLimit: rows[0]!.c };
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

/** What the last batch took. */
export interface BatchTaken {
  rows: number;
  seconds: number;
}

/**
 * The next batch's time width: scaled so the next batch holds about batchRows
 * rows, or, with a time target (batchSeconds > 0), by target / the last copy's
 * time when that is larger, as pt-online-schema-change sizes its chunks. So the
 * target only ever makes batches larger than batchRows: where a batch's time
 * does not shrink with its range (a table without an index on the time column
 * scans all of it each batch), batches stay at batchRows. An empty range makes
 * the next one 4x wider, and no step moves more than 4x either way. The
 * exported script's loop (export.ts) does the same.
 */
export function nextWidth(
  width: number,
  last: BatchTaken,
  settings: Pick<MigrationSettings, 'batchRows' | 'batchSeconds'>,
  minimum: number,
): number {
  const target = settings.batchSeconds ?? 0;
  const byRows = last.rows === 0 ? 4 : settings.batchRows / last.rows;
  const byTime = target > 0 && last.rows > 0 ? target / Math.max(last.seconds, 0.001) : 0;
  return Math.max(minimum, width * Math.min(4, Math.max(0.25, byRows, byTime)));
}

/** How batches are sized, in the plan's words. */
export function batchSizing(settings: Pick<MigrationSettings, 'batchRows' | 'batchSeconds'>): string {
  const rows = settings.batchRows.toLocaleString('en-US');
  const target = settings.batchSeconds ?? 0;
  return target > 0
    ? `Batches start at about ${rows} rows and grow while the server copies that many in less than ${target} s, to take about ${target} s each (each time range scaled by the larger of ${rows} / the last batch's rows and ${target} s / its copy's time, at most 4x a step); they never aim below ${rows} rows.`
    : `About ${rows} rows per batch (each time range scaled by ${rows} / the last batch's rows, at most 4x a step).`;
}
