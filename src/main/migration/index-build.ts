import { createHash } from 'node:crypto';
import type { Queryable } from './db';
import { qi, qn, withSuffix } from './ident';
import { rel } from './names';
import { onSessions } from './parallel';
import type { IndexPlan, MigrationSpec } from './spec';
import { handsOver } from './sql/partman';
import type { StepContext } from './step-types';

/**
 * The indexes of a natively partitioned new table, built partition by
 * partition so that several sessions can share the work (PostgreSQL's own
 * CREATE INDEX on a partitioned table builds the partitions one after the
 * other in one session): each index is made on the parent alone (ON ONLY,
 * invalid until every partition has its own), each partition's index is built
 * on its own, then attached, and the last attach makes the parent's valid.
 * The result is what CREATE INDEX on the parent makes (the partitions' indexes
 * named as partitionIndexName says). Each part is found by its definition
 * before it is made, so a run resumed after any failure builds only what is
 * missing.
 */

/**
 * Partition by partition only when more than one build session is set: on one
 * session CREATE INDEX on the parent does the same work in fewer round trips.
 * Decided by the setting, not by the sessions free at run time, so that the
 * plan shows what runs.
 */
export function buildsByPartition(spec: MigrationSpec): boolean {
  // pg_partman names the partitions (sql/partman.ts): the plan cannot name them, so the parent builds them.
  return spec.target === 'partitions' && (spec.settings.buildSessions ?? 1) > 1 && !handsOver(spec);
}

/** The plan's statement for the parent alone. */
export function parentOnlySql(spec: MigrationSpec, idx: IndexPlan): string {
  const newTable = rel(spec.names).newTable;
  if (idx.kind === 'primary_key' || idx.kind === 'unique_constraint')
    return `ALTER TABLE ONLY ${newTable} ADD CONSTRAINT ${qi(idx.temp)} ${constraintDef(spec, idx)};`;
  return `CREATE ${idx.kind === 'unique_index' ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${qi(idx.temp)} ON ONLY ${newTable} ${idx.expectedTail};`;
}

/**
 * A partition's index: the partition's name and what follows the table's name in
 * the source index's (transactions_p20260101_pkey for transactions_pkey), or the
 * index's place in the plan when that is too long.
 */
export function partitionIndexName(spec: MigrationSpec, idx: IndexPlan, partition: string): string {
  const prefix = `${spec.names.table}_`;
  const own = idx.source.startsWith(prefix) ? idx.source.slice(prefix.length) : '';
  const fits = (tag: string) => Buffer.byteLength(`${partition}_${tag}`) <= 63;
  if (own !== '' && fits(own)) return `${partition}_${own}`;
  const ordinal = `ix${spec.indexes.indexOf(idx) + 1}`;
  if (fits(ordinal)) return `${partition}_${ordinal}`;
  // A partition name cut to fit would lose what tells the partitions apart: a digest of it keeps them apart.
  const digest = createHash('sha256').update(partition).digest('hex').slice(0, 8);
  return withSuffix(partition, `_${digest}_${ordinal}`);
}

/** One partition's own index. */
export function partitionIndexSql(spec: MigrationSpec, idx: IndexPlan, partition: string): string {
  const child = qn(spec.names.schema, partition);
  const name = qi(partitionIndexName(spec, idx, partition));
  if (idx.kind === 'primary_key' || idx.kind === 'unique_constraint')
    return `ALTER TABLE ${child} ADD CONSTRAINT ${name} ${constraintDef(spec, idx)};`;
  return `CREATE ${idx.kind === 'unique_index' ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${name} ON ${child} ${idx.expectedTail};`;
}

export function attachIndexSql(spec: MigrationSpec, idx: IndexPlan, childIndex: string): string {
  return `ALTER INDEX ${qn(spec.names.schema, idx.temp)} ATTACH PARTITION ${qn(spec.names.schema, childIndex)};`;
}

/**
 * What the plan shows and the export runs for the indexes step: the same
 * statements the engine runs, for the partitions known at the plan.
 */
export function partitionedIndexesSql(spec: MigrationSpec, partitions: string[]): string[] {
  return [
    ...spec.indexes.map((idx) => parentOnlySql(spec, idx)),
    ...partitions.flatMap((p) => spec.indexes.map((idx) => partitionIndexSql(spec, idx, p))),
    ...spec.indexes.flatMap((idx) =>
      partitions.map((p) => attachIndexSql(spec, idx, partitionIndexName(spec, idx, p))),
    ),
  ];
}

/** `PRIMARY KEY (…)` / `UNIQUE (…)`: the constraint as the plan adds it to the new table. */
function constraintDef(spec: MigrationSpec, idx: IndexPlan): string {
  const prefix = `ALTER TABLE ${rel(spec.names).newTable} ADD CONSTRAINT ${qi(idx.temp)} `;
  if (!idx.create.startsWith(prefix)) throw new Error(`unexpected constraint statement: ${idx.create}`);
  return idx.create.slice(prefix.length).replace(/;\s*$/, '');
}

/** The partitions of the new table (the DEFAULT one included), by name. */
export async function partitionsOf(db: Queryable, relation: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = $1::regclass ORDER BY c.relname`,
    [relation],
  );
  return rows.map((r) => r.name);
}

/**
 * The partition's index matching idx: the one already attached to the parent's,
 * else one of the same definition attached to nothing (built before a failure).
 */
async function childIndex(
  db: Queryable,
  spec: MigrationSpec,
  idx: IndexPlan,
  partition: string,
): Promise<{ name: string; attached: boolean } | null> {
  const { rows } = await db.query<{ name: string; def: string; attached: boolean }>(
    `SELECT c.relname AS name, pg_catalog.pg_get_indexdef(x.indexrelid) AS def,
            p.inhparent IS NOT NULL AS attached
       FROM pg_catalog.pg_index x
       JOIN pg_catalog.pg_class c ON c.oid = x.indexrelid
       LEFT JOIN pg_catalog.pg_inherits p ON p.inhrelid = x.indexrelid
      WHERE x.indrelid = to_regclass($1)
        AND (p.inhparent IS NULL OR p.inhparent = to_regclass($2))
        AND x.indisprimary = $3 AND x.indisunique = $4
      ORDER BY p.inhparent IS NULL, c.relname`,
    [
      qn(spec.names.schema, partition),
      qn(spec.names.schema, idx.temp),
      idx.kind === 'primary_key',
      idx.kind !== 'index',
    ],
  );
  const tail = ` ${idx.expectedTail}`;
  const match = rows.find((r) => r.def.endsWith(tail));
  return match ? { name: match.name, attached: match.attached } : null;
}

async function parentExists(db: Queryable, spec: MigrationSpec, idx: IndexPlan): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM pg_catalog.pg_index x WHERE x.indexrelid = to_regclass($1) AND x.indrelid = $2::regclass`,
    [qn(spec.names.schema, idx.temp), rel(spec.names).newTable],
  );
  return rows.length > 0;
}

/** Builds every planned index on the partitioned new table; returns the sessions used. */
export async function buildPartitionedIndexes(ctx: StepContext): Promise<number> {
  const { db, spec } = ctx;
  const parents = spec.indexes;
  for (const idx of parents) {
    if (!(await parentExists(db, spec, idx))) await db.query(parentOnlySql(spec, idx));
  }
  const partitions = await partitionsOf(db, rel(spec.names).newTable);
  let built = 0;
  const sessions = await onSessions(
    ctx,
    spec.settings.buildSessions ?? 1,
    partitions,
    async (s, partition) => {
      for (const idx of parents) {
        if ((await childIndex(s, spec, idx, partition)) === null)
          await s.query(partitionIndexSql(spec, idx, partition));
      }
      built++;
      ctx.progress({ message: `Built the indexes of ${built} of ${partitions.length} partitions.` });
    },
  );
  // Attaching is a catalog update on the parent's index: one session, in order.
  for (const idx of parents) {
    for (const partition of partitions) {
      ctx.checkpoint();
      const child = await childIndex(db, spec, idx, partition);
      if (child === null) throw new Error(`the index of ${qi(partition)} for ${qi(idx.source)} is missing`);
      if (!child.attached) await db.query(attachIndexSql(spec, idx, child.name));
    }
  }
  ctx.progress({ message: null });
  return sessions;
}
