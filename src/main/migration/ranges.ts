import type { Queryable } from './db';
import { qi } from './ident';
import type { MigrationSpec } from './spec';
import { insertSelect } from './sql/table';

/**
 * Time buckets compared by a hash of their rows: how the engine checks two
 * tables hold the same rows without shipping them anywhere, and how the
 * offline sync finds the ranges to copy again. Equal-width buckets over the
 * time range (in epoch seconds, or integer units), plus the rows below, above
 * and without a time.
 */

export interface Buckets {
  lo: number;
  hi: number;
  n: number;
}

/** The time column as a float8 on one axis for every kind. */
export function axis(spec: MigrationSpec, alias: string): string {
  const col = `${alias}.${qi(spec.timeColumn)}`;
  if (spec.timeKind === 'integer') return `${col}::float8`;
  if (spec.timeKind === 'date') return `extract(epoch FROM ${col}::timestamp)::float8`;
  return `extract(epoch FROM ${col})::float8`;
}

/** Every column of the row, in a fixed order, as one text (NULLs and types included). */
export function rowText(columns: string[], alias: string): string {
  return `ROW(${columns.map((c) => `${alias}.${qi(c)}`).join(', ')})::text`;
}

export async function bucketsFor(
  db: Queryable,
  spec: MigrationSpec,
  tables: string[],
  target: number,
): Promise<Buckets> {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const t of tables) {
    const { rows } = await db.query<{ lo: number | null; hi: number | null }>(
      `SELECT min(${axis(spec, 'x')}) AS lo, max(${axis(spec, 'x')}) AS hi FROM ${t} x`,
    );
    if (rows[0]?.lo != null) lo = Math.min(lo, Number(rows[0].lo));
    if (rows[0]?.hi != null) hi = Math.max(hi, Number(rows[0].hi));
  }
  if (!Number.isFinite(lo)) return { lo: 0, hi: 1, n: 1 };
  // hi is exclusive in width_bucket: widen a little so the newest row is inside.
  return { lo, hi: hi + Math.max(1, (hi - lo) * 1e-9), n: Math.max(1, Math.min(1000, target)) };
}

export function bucketExpr(spec: MigrationSpec, b: Buckets, alias: string): string {
  return `width_bucket(${axis(spec, alias)}, ${b.lo}::float8, ${b.hi}::float8, ${b.n})`;
}

export interface BucketSum {
  count: number;
  hash: string;
}

/** count and hash sum per bucket ('null' for rows without a time). `exclude` filters rows (alias t). */
export async function bucketSums(
  db: Queryable,
  spec: MigrationSpec,
  table: string,
  columns: string[],
  b: Buckets,
  exclude = '',
): Promise<Map<string, BucketSum>> {
  const { rows } = await db.query<{ b: number | null; n: string; h: string | null }>(
    `SELECT ${bucketExpr(spec, b, 't')} AS b, count(*)::text AS n,
            sum(hashtextextended(${rowText(columns, 't')}, 0)::numeric)::text AS h
       FROM ${table} t ${exclude ? `WHERE ${exclude}` : ''} GROUP BY 1`,
  );
  return new Map(
    rows.map((r) => [r.b === null ? 'null' : String(r.b), { count: Number(r.n), hash: r.h ?? '0' }]),
  );
}

export function differingBuckets(a: Map<string, BucketSum>, b: Map<string, BucketSum>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => {
    const x = a.get(k);
    const y = b.get(k);
    return !x || !y || x.count !== y.count || x.hash !== y.hash;
  });
}

/** The rows of one bucket: an index-friendly range first, then the exact bucket. */
export function bucketCondition(spec: MigrationSpec, b: Buckets, bucket: string, alias: string): string {
  const col = `${alias}.${qi(spec.timeColumn)}`;
  if (bucket === 'null') return `${col} IS NULL`;
  const k = Number(bucket);
  const width = (b.hi - b.lo) / b.n;
  const from = k <= 0 ? null : b.lo + (k - 1) * width;
  const to = k > b.n ? null : b.lo + k * width;
  const bound = (x: number, op: '>=' | '<=') => {
    const pad = op === '>=' ? -1 : 1;
    if (spec.timeKind === 'integer')
      return `${col} ${op} ${op === '>=' ? Math.floor(x) + pad : Math.ceil(x) + pad}`;
    if (spec.timeKind === 'date')
      return `${col} ${op} (to_timestamp(${x}) AT TIME ZONE 'UTC')::date + ${pad}`;
    const ts =
      spec.timeKind === 'timestamptz' ? `to_timestamp(${x})` : `(to_timestamp(${x}) AT TIME ZONE 'UTC')`;
    return `${col} ${op} ${ts} + interval '${pad} second'`;
  };
  const parts = [`${bucketExpr(spec, b, alias)} = ${k}`];
  if (from !== null) parts.unshift(bound(from, '>='));
  if (to !== null) parts.unshift(bound(to, '<='));
  return parts.join(' AND ');
}

/**
 * Offline sync (tables without a key): under the swap's lock, compares every
 * bucket of `from` and `to` and copies again the buckets that differ.
 * Returns the rows copied again.
 */
export async function resyncRanges(
  db: Queryable,
  spec: MigrationSpec,
  from: string,
  to: string,
): Promise<number> {
  const columns = spec.allColumns;
  const b = await bucketsFor(db, spec, [from, to], 200);
  const [x, y] = [await bucketSums(db, spec, from, columns, b), await bucketSums(db, spec, to, columns, b)];
  let copied = 0;
  for (const bucket of differingBuckets(x, y)) {
    await db.query(`DELETE FROM ${to} t WHERE ${bucketCondition(spec, b, bucket, 't')}`);
    const r = await db.query(
      `${insertSelect(spec, to, from)} WHERE ${bucketCondition(spec, b, bucket, 's')}`,
    );
    copied += r.rowCount ?? 0;
  }
  return copied;
}
