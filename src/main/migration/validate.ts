import type { ValidationCheck, ValidationReport } from '../../shared/migration';
import { keyColumns } from './capture';
import { readTableIn } from './catalog';
import { castType } from './copy';
import { inTransaction, type Queryable } from './db';
import { qi, ql } from './ident';
import { rel } from './names';
import { bucketCondition, bucketSums, bucketsFor, differingBuckets, rowText } from './ranges';
import type { MigrationSpec } from './spec';
import { widthLiteral } from './sql/timescale';
import { splitIndexDef } from './sql-text';
import { targetOf } from './targets';

/**
 * Step 7: the checklist, run after the swap against the new table (under the
 * original name) and the old one. Rows the application changed since the swap
 * (logged by the reverse capture) are left out of the comparisons and counted.
 */

/** Tables up to this many rows are compared whole with EXCEPT ALL both ways. */
const WHOLE_COMPARE_ROWS = 500_000;

export function validate(db: Queryable, spec: MigrationSpec, now: () => Date): Promise<ValidationReport> {
  // One snapshot for every check: the application may be writing to the new table meanwhile, and the
  // counts, the reverse log and the contents must all be read at the same instant.
  return inTransaction(
    db,
    async () => {
      await db.query(`SET LOCAL search_path = pg_catalog, pg_temp`);
      return checklist(db, spec, now);
    },
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
  );
}

async function checklist(db: Queryable, spec: MigrationSpec, now: () => Date): Promise<ValidationReport> {
  const r = rel(spec.names);
  const checks: ValidationCheck[] = [];
  const check = (id: string, title: string, status: ValidationCheck['status'], details: string) =>
    checks.push({ id, title, status, details });

  const newOid = await oidOf(db, r.source);
  const oldOid = await oidOf(db, r.oldTable);
  if (newOid === null || newOid === spec.sourceOid || oldOid !== spec.sourceOid) {
    check(
      'swap',
      'The new table is in place',
      'fail',
      `${r.source} is not the new table (or ${r.oldTable} is missing): validation runs after the swap.`,
    );
    return { checkedAt: now().toISOString(), ok: false, checks };
  }
  const info = await readTableIn(db, newOid, spec.server);

  // Rows changed since the swap: they legitimately differ, so both sides leave them out.
  let exclude = '';
  let changedSince = 0;
  const rlogExists = spec.captureKey ? (await oidOf(db, r.reverseLog)) !== null : false;
  if (spec.captureKey && rlogExists) {
    const keys = keyColumns(spec, info.columns);
    exclude = `NOT EXISTS (SELECT 1 FROM ${r.reverseLog} l WHERE ${keys.map((k, i) => `t.${qi(k.name)} = l.k_${i + 1}`).join(' AND ')})`;
    const c = await db.query<{ n: string }>(
      `SELECT count(DISTINCT ROW(${keys.map((_, i) => `k_${i + 1}`).join(', ')}))::text AS n FROM ${r.reverseLog} WHERE op <> 'T'`,
    );
    changedSince = Number(c.rows[0]?.n ?? 0);
  }
  const where = exclude ? `WHERE ${exclude}` : '';
  const note =
    changedSince > 0 ? ` (${changedSince} rows changed by the application since the swap are left out)` : '';

  // 1. Row counts.
  const count = async (table: string) =>
    Number(
      (await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table} t ${where}`)).rows[0]?.n ?? 0,
    );
  const [oldCount, newCount] = [await count(r.oldTable), await count(r.source)];
  check(
    'row_counts',
    'Row counts',
    oldCount === newCount ? 'pass' : 'fail',
    `${newCount.toLocaleString('en-US')} rows in the new table, ${oldCount.toLocaleString('en-US')} in the old one${note}.`,
  );

  // 2. Time range.
  const col = qi(spec.timeColumn);
  const range = async (table: string) =>
    (
      await db.query<{ min: string | null; max: string | null }>(
        `SELECT min(t.${col})::text AS min, max(t.${col})::text AS max FROM ${table} t ${where}`,
      )
    ).rows[0] ?? { min: null, max: null };
  const [oldRange, newRange] = [await range(r.oldTable), await range(r.source)];
  const sameRange = oldRange.min === newRange.min && oldRange.max === newRange.max;
  check(
    'time_range',
    'Time range',
    sameRange ? 'pass' : 'fail',
    `New: ${newRange.min ?? 'empty'} to ${newRange.max ?? 'empty'}; old: ${oldRange.min ?? 'empty'} to ${oldRange.max ?? 'empty'}${note}.`,
  );

  // 3. Contents, not only counts.
  const columns = spec.allColumns;
  if (Math.max(oldCount, newCount) <= WHOLE_COMPARE_ROWS) {
    const diff = async (a: string, b: string) =>
      Number(
        (
          await db.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM (SELECT ${columns.map((c) => `t.${qi(c)}`).join(', ')} FROM ${a} t ${where}
               EXCEPT ALL SELECT ${columns.map((c) => `t.${qi(c)}`).join(', ')} FROM ${b} t ${where}) d`,
          )
        ).rows[0]?.n ?? 0,
      );
    const [missing, extra] = [await diff(r.oldTable, r.source), await diff(r.source, r.oldTable)];
    check(
      'contents',
      'Contents compared row by row',
      missing === 0 && extra === 0 ? 'pass' : 'fail',
      missing === 0 && extra === 0
        ? `Every row of the old table is in the new one and nothing else (EXCEPT ALL both ways)${note}.`
        : `${missing} row(s) of the old table are missing from the new one and ${extra} row(s) of the new one are not in the old one${note}.`,
    );
  } else {
    const b = await bucketsFor(db, spec, [r.oldTable, r.source], 500);
    const [x, y] = [
      await bucketSums(db, spec, r.oldTable, columns, b, exclude),
      await bucketSums(db, spec, r.source, columns, b, exclude),
    ];
    const bad = differingBuckets(x, y);
    let detail = `${b.n} time ranges compared by row hashes; all equal${note}.`;
    if (bad.length > 0) {
      let missing = 0;
      let extra = 0;
      for (const bucket of bad.slice(0, 20)) {
        const q = (a: string, c: string) =>
          `SELECT count(*)::text AS n FROM (SELECT ${rowText(columns, 't')} FROM ${a} t WHERE ${bucketCondition(spec, b, bucket, 't')}${exclude ? ` AND ${exclude}` : ''}
             EXCEPT ALL SELECT ${rowText(columns, 't')} FROM ${c} t WHERE ${bucketCondition(spec, b, bucket, 't')}${exclude ? ` AND ${exclude}` : ''}) d`;
        missing += Number((await db.query<{ n: string }>(q(r.oldTable, r.source))).rows[0]?.n ?? 0);
        extra += Number((await db.query<{ n: string }>(q(r.source, r.oldTable))).rows[0]?.n ?? 0);
      }
      detail = `${bad.length} of ${b.n} time ranges differ${bad.length > 20 ? ' (first 20 examined)' : ''}: ${missing} row(s) missing from the new table, ${extra} not in the old one${note}.`;
    }
    check('contents', 'Contents compared by time range', bad.length === 0 ? 'pass' : 'fail', detail);
  }

  // 4-5. The target's shape, and compression where there is any.
  checks.push(...(await targetOf(spec).validate(db, spec, newOid, newCount)));

  // 6. Indexes, compared by definition (the names of LIKE copies differ; ours are renamed back anyway).
  const { rows: actual } = await db.query<{ name: string; def: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1`,
    [newOid],
  );
  const tails = actual.map((a) => {
    const p = splitIndexDef(a.def);
    return `${p.unique ? 'UNIQUE ' : ''}${p.tail}`;
  });
  const missingIdx = spec.indexes.filter(
    (i) => !tails.includes(`${i.kind === 'index' ? '' : 'UNIQUE '}${i.expectedTail}`),
  );
  check(
    'indexes',
    'Indexes',
    missingIdx.length === 0 ? 'pass' : 'fail',
    missingIdx.length === 0
      ? `All ${spec.indexes.length} indexes of the old table exist on the new one (compared by definition${spec.indexes.some((i) => i.timeAppended) ? `; unique keys include ${qi(spec.timeColumn)}` : ''}).`
      : `Missing on the new table: ${missingIdx.map((i) => `${qi(i.source)} (${i.expectedTail})`).join('; ')}.`,
  );

  // 7. A time-range query prunes chunks or partitions.
  check(
    'pruning',
    'A time-range query reads only the chunks or partitions it needs',
    ...(await pruning(db, spec, newRange.max)),
  );

  return {
    checkedAt: now().toISOString(),
    ok: checks.every((c) => c.status !== 'fail'),
    checks,
    rows: { oldTable: oldCount, newTable: newCount, leftOut: changedSince },
  };
}

async function oidOf(db: Queryable, relation: string): Promise<number | null> {
  const { rows } = await db.query<{ oid: string | null }>(`SELECT to_regclass($1)::oid::int8::text AS oid`, [
    relation,
  ]);
  return rows[0]?.oid ? Number(rows[0].oid) : null;
}

/** EXPLAIN of one interval ending at the newest row: how many of the chunks or partitions does it read? */
async function pruning(
  db: Queryable,
  spec: MigrationSpec,
  newest: string | null,
): Promise<[ValidationCheck['status'], string]> {
  if (newest === null) return ['warn', 'The table is empty: nothing to prune yet.'];
  const r = rel(spec.names);
  const col = qi(spec.timeColumn);
  const t = castType(spec.timeKind);
  const width = widthLiteral(spec, spec.settings.interval);
  const from =
    spec.timeKind === 'integer' ? `(${ql(newest)}::int8 - ${width})` : `(${ql(newest)}::${t} - ${width})`;
  const query = `SELECT count(*) FROM ${r.source} WHERE ${col} > ${from} AND ${col} <= ${ql(newest)}::${t}`;
  const { rows } = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${query}`);
  const plan = rows[0]?.['QUERY PLAN'];
  const scanned = new Set<string>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (typeof n['Relation Name'] === 'string') scanned.add(n['Relation Name'] as string);
    for (const v of Object.values(n)) if (typeof v === 'object') walk(v);
  };
  walk(plan);
  scanned.delete(spec.names.table);
  const total = await targetOf(spec).countPieces(db, spec);
  const what = targetOf(spec).nouns.pieces;
  if (total <= 1) return ['warn', `Only ${total} ${what.slice(0, -1)}: nothing to prune yet.`];
  return scanned.size < total
    ? ['pass', `The last ${spec.settings.interval} reads ${scanned.size} of ${total} ${what} (${query}).`]
    : ['fail', `The last ${spec.settings.interval} reads all ${total} ${what}: no pruning (${query}).`];
}
