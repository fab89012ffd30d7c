import type {
  MigrationTarget,
  PreflightItem,
  ServerFacts,
  TableSummary,
  TimeColumn,
} from '../../shared/migration';
import { BIG_TABLE_BYTES, type TableInfo } from './catalog';
import type { Queryable } from './db';
import type { TableObjects } from './dependents';
import { qi, qn } from './ident';
import { keysWithoutTime } from './spec';

/**
 * What would make a later step fail because of the table's rows or catalog,
 * found before the copy starts: each is a STOP with the query that shows the
 * rows and the fix. The checks read what the pre-flight has already measured
 * (the time column's min, max and NULL count) or the catalog; the only ones
 * that read rows are bounded (EXISTS stops at the first offending row) and run
 * only on tables under BIG_TABLE_BYTES, because with no offending row they read
 * the whole table once — on a big table the DBA is asked to prove it instead,
 * with a statement that scans once without blocking writes.
 *
 * Not checked because it cannot happen: duplicates in the new keys (every key
 * of the new table is a key of the old one, or one with the time column added,
 * and adding a column to a unique key keeps it unique), and finite times
 * outside the partitions made (the plan always adds a DEFAULT partition; a
 * hypertable makes a chunk for any finite time). Exclusion constraints and
 * unique keys without the time column are the pre-flight's key items.
 */

const SHOW_ROWS = 100;

type Range = NonNullable<TableSummary['timeRange']>;

export interface ForesightInput {
  info: TableInfo;
  objects: TableObjects;
  time: TimeColumn;
  range: Range;
  target: MigrationTarget;
  server: ServerFacts;
}

type Item = Omit<PreflightItem, 'fix' | 'sql' | 'objects'> & Partial<PreflightItem>;

/** ±infinity in the time column: no partition or chunk range holds it, and the copy's time ranges cannot step over it. */
export function isInfinite(range: Range): boolean {
  return range.min === '-infinity' || range.max === 'infinity';
}

export async function foresee(db: Queryable, input: ForesightInput): Promise<Item[]> {
  return [
    ...nullTimes(input),
    ...infiniteTimes(input),
    ...(await notValidConstraints(db, input)),
    ...notValidForeignKeys(input),
  ];
}

/**
 * NULL times. A hypertable refuses them; a partitioned table sends them to its
 * DEFAULT partition, unless the primary key gets the time column, which then
 * becomes NOT NULL and the key's build after the copy fails. Cost: none, the
 * count was taken with the time range (exact when the column is indexed or
 * the table small, else from statistics).
 */
function nullTimes({ info, time, range, target }: ForesightInput): Item[] {
  if (time.notNull) return [];
  const rel = qn(info.schema, info.table);
  const col = qi(time.name);
  const keyGetsTime = keysWithoutTime(info, time.name).find((i) => i.primary);
  const refused =
    target === 'timescaledb'
      ? 'a hypertable refuses them (its time column is NOT NULL)'
      : keyGetsTime
        ? `the primary key ${qi(keyGetsTime.name)} gets ${col}, which then must be NOT NULL: building it after the whole copy would fail`
        : null;
  const show = `SELECT * FROM ${rel} WHERE ${col} IS NULL LIMIT ${SHOW_ROWS};`;
  const base = { id: 'time_column_nulls', category: 'time_column' as const, title: 'NULL times' };
  if (range.exact && range.nulls > 0) {
    return [
      {
        ...base,
        status: refused ? 'blocking' : 'warning',
        reason: `${range.nulls} rows have no ${col}; ${refused ?? 'they will go to the DEFAULT partition'}.`,
        fix: 'Give those rows a time (or delete them), then make the column NOT NULL.',
        sql: show,
      },
    ];
  }
  if (range.exact) {
    return [
      {
        ...base,
        status: 'pass',
        reason: `No row has a NULL ${col} now, but the column allows it.`,
        fix: 'Consider making the column NOT NULL.',
        sql: `ALTER TABLE ${rel} ALTER COLUMN ${col} SET NOT NULL;`,
      },
    ];
  }
  return [
    {
      ...base,
      status: refused ? 'blocking' : 'warning',
      reason:
        `The column allows NULL and the table is too big to count them without an index on ${col}` +
        (range.nulls > 0 ? ` (statistics say about ${range.nulls})` : ' (statistics say none)') +
        (refused ? `; if there are any, ${refused}.` : '; any there are go to the DEFAULT partition.'),
      fix: refused
        ? `Create the index on ${col} that the copy needs anyway (CREATE INDEX CONCURRENTLY does not block writes) so the pre-flight can count them, or prove there are none: ADD CONSTRAINT … CHECK (${col} IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT (one scan, writes go on), then SET NOT NULL.`
        : null,
      sql: show,
    },
  ];
}

/** Cost: none, from the min and max already read. */
function infiniteTimes({ info, time, range }: ForesightInput): Item[] {
  if (!isInfinite(range)) return [];
  const col = qi(time.name);
  return [
    {
      id: 'time_column_infinite',
      category: 'time_column',
      title: 'Infinite times',
      status: 'blocking',
      reason: `${col} holds 'infinity' or '-infinity': no partition or chunk covers it, and the copy cannot split the time range into batches.`,
      fix: 'Give those rows real times (or NULL where the column allows it), then run the pre-flight again.',
      sql: `SELECT * FROM ${qn(info.schema, info.table)} WHERE ${col} IN ('infinity', '-infinity') LIMIT ${SHOW_ROWS};`,
    },
  ];
}

/**
 * CHECK (and, on PostgreSQL 18, NOT NULL) constraints added NOT VALID: the new
 * table gets them validated (CREATE TABLE … LIKE does that), so a row that
 * breaks one stops the copy. Cost: catalog only, plus on tables under 1 GiB one
 * EXISTS per such constraint (stops at the first offending row).
 */
async function notValidConstraints(db: Queryable, { info }: ForesightInput): Promise<Item[]> {
  const { rows } = await db.query<{ name: string; type: string; expr: string | null; col: string | null }>(
    `SELECT c.conname AS name, c.contype::text AS type, pg_catalog.pg_get_expr(c.conbin, c.conrelid) AS expr,
            (SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = c.conkey[1]) AS col
       FROM pg_catalog.pg_constraint c
      WHERE c.conrelid = $1 AND NOT c.convalidated AND c.contype IN ('c', 'n') ORDER BY 1`,
    [info.oid],
  );
  const rel = qn(info.schema, info.table);
  const items: Item[] = [];
  for (const c of rows) {
    const broken = c.type === 'n' ? `${qi(c.col ?? '')} IS NULL` : `NOT (${c.expr})`;
    const show = `SELECT * FROM ${rel} WHERE ${broken} LIMIT ${SHOW_ROWS};`;
    const validate = `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${qi(c.name)};`;
    const base = {
      id: `constraint_not_valid:${c.name}`,
      category: 'table' as const,
      title: `NOT VALID constraint ${qi(c.name)}`,
    };
    if (info.totalBytes >= BIG_TABLE_BYTES) {
      items.push({
        ...base,
        status: 'blocking',
        reason:
          'It was added NOT VALID, so existing rows may break it; the new table enforces it on every row it copies, and the table is too big to check here.',
        fix: `Validate it first (one scan; writes go on): ${validate} If that fails, fix the rows it names.`,
        sql: validate,
      });
      continue;
    }
    const found = await db.query<{ any: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${rel} WHERE ${broken}) AS any`,
    );
    items.push(
      found.rows[0]?.any
        ? {
            ...base,
            status: 'blocking',
            reason:
              'It was added NOT VALID and some rows break it; the new table enforces it on every row it copies, so the copy would stop at them.',
            fix: `Fix or delete those rows, then ${validate} — or drop the constraint.`,
            sql: show,
          }
        : {
            ...base,
            status: 'warning',
            reason:
              'It was added NOT VALID; every row meets it today, and the new table enforces it on every row, including rows written during the copy.',
            fix: `Validate it (writes go on): ${validate}`,
            sql: validate,
          },
    );
  }
  return items;
}

/**
 * A NOT VALID foreign key of the table cannot be added NOT VALID to a
 * partitioned table before PostgreSQL 18: the swap would fail. Cost: none.
 */
function notValidForeignKeys({ info, objects, target, server }: ForesightInput): Item[] {
  if (target !== 'partitions' || server.versionNum >= 180000) return [];
  const rel = qn(info.schema, info.table);
  return objects.fksOut
    .filter((fk) => !fk.validated)
    .map((fk) => ({
      id: `constraint_not_valid:${fk.name}`,
      category: 'dependents' as const,
      title: `NOT VALID foreign key ${qi(fk.name)}`,
      status: 'blocking' as const,
      reason: `PostgreSQL before 18 cannot add a NOT VALID foreign key to a partitioned table, and the swap would have to.`,
      fix: 'Validate it first (fix the rows it names if that fails), or drop it.',
      sql: `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${qi(fk.name)};`,
    }));
}
