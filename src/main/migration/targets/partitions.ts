import type { ValidationCheck } from '../../../shared/migration';
import { AppError } from '../../errors';
import { sourceRange } from '../copy';
import type { Queryable } from '../db';
import { qi, ql, qn } from '../ident';
import { rel } from '../names';
import { sqlComment } from '../psql';
import type { MigrationSpec } from '../spec';
import {
  createDefaultPartitionSql,
  createPartitionSql,
  detachPartitionSql,
  MAX_PARTITIONS,
  type PartitionBound,
  partitionBounds,
} from '../sql/partitions';
import { type StepContext, withTableLock } from '../step-types';
import { upkeepPromise } from '../upkeep';
import { upkeepItem } from '../upkeep-preflight';
import type { Target } from './target';

/** Native range partitions on the time column, with a DEFAULT partition so no row is ever refused. */

async function createPartitions({ db, spec }: StepContext) {
  const r = rel(spec.names);
  const range = await sourceRange(db, spec);
  const bounds = await partitionBounds(db, spec, range.min, range.max);
  if (bounds.length > MAX_PARTITIONS) {
    throw new AppError(
      'invalid_input',
      `The interval ${spec.settings.interval} makes more than ${MAX_PARTITIONS} partitions for this data. Choose a longer interval.`,
    );
  }
  for (const p of bounds) {
    const { rows } = await db.query<{ parent: string | null; exists: boolean }>(
      `SELECT to_regclass($1) IS NOT NULL AS exists,
              (SELECT i.inhparent::regclass::text FROM pg_catalog.pg_inherits i WHERE i.inhrelid = to_regclass($1)) AS parent`,
      [qn(spec.names.schema, p.name)],
    );
    if (rows[0]?.exists && rows[0].parent === null) {
      throw new AppError(
        'conflict',
        `A table named ${qn(spec.names.schema, p.name)} already exists; the partition needs that name. Rename or drop it.`,
      );
    }
    await db.query(createPartitionSql(spec, r.newTable, p));
  }
  await db.query(createDefaultPartitionSql(spec, r.newTable));
  return { rows: bounds.length, detail: { partitions: bounds } };
}

/** The limit older partitions are detached below: now() - retention, or (integer) the newest value - retention. */
function retentionLimit(spec: MigrationSpec, retention: string): string {
  return spec.timeKind === 'integer'
    ? `(SELECT max(${qi(spec.timeColumn)}) FROM ${rel(spec.names).source}) - ${retention}::int8`
    : `now() - ${retention}::interval`;
}

/** Detaches the partitions older than the retention: their rows stay, in tables of their own. */
async function detachOld(ctx: StepContext): Promise<string[]> {
  const { db, spec, detailOf } = ctx;
  const r = rel(spec.names);
  if (spec.settings.retention === null) return [];
  const done: string[] = [];
  const cast = spec.timeKind === 'integer' ? 'int8' : spec.timeKind;
  for (const p of detailOf<{ partitions: PartitionBound[] }>('partitions')?.partitions ?? []) {
    const { rows } = await db.query<{ old: boolean; attached: boolean }>(
      `SELECT $1::${cast} <= ${retentionLimit(spec, '$2')} AS old,
              EXISTS (SELECT 1 FROM pg_catalog.pg_inherits WHERE inhrelid = to_regclass($3) AND inhparent = to_regclass($4)) AS attached`,
      [p.to, spec.settings.retention, qn(spec.names.schema, p.name), r.source],
    );
    if (!rows[0]?.old || !rows[0].attached) continue;
    const sql = detachPartitionSql(r.source, spec.names.schema, p.name);
    await withTableLock(ctx, 'Detaching an old partition', () => db.query(sql));
    done.push(sql);
  }
  return done;
}

export const partitions: Target = {
  id: 'partitions',
  nouns: { described: 'native range partitions', pieces: 'partitions', table: 'A partitioned table' },
  newTableKind: 'partitioned',
  createClause: (spec) => ` PARTITION BY RANGE (${qi(spec.timeColumn)})`,
  prepareSteps: [
    {
      key: 'partitions',
      phase: 'A',
      title: 'Create the partitions',
      runs: 'once',
      why: ({ spec }) =>
        `One partition per ${spec.settings.interval} over the data, ${spec.settings.partitionsAhead} ahead, and a DEFAULT partition so no row is ever refused. Recomputed when the step runs. ${upkeepPromise(spec.settings.partitionsAhead, spec.settings.retention)}`,
      shown: ({ spec, partitions: bounds }) => {
        const r = rel(spec.names);
        return [
          ...bounds.map((p) => createPartitionSql(spec, r.newTable, p)),
          createDefaultPartitionSql(spec, r.newTable),
        ];
      },
      execute: createPartitions,
    },
  ],
  afterCopySteps: [],
  finish: { shown: () => [], run: async () => [] },
  retention: {
    shown: ({ spec, partitions: bounds }) => {
      if (spec.settings.retention === null) return [];
      const r = rel(spec.names);
      return [
        sqlComment(
          `Partitions whose range ends before ${retentionLimit(spec, ql(spec.settings.retention))} are detached (their rows stay, in tables of their own), e.g.:`,
        ),
        ...bounds.slice(0, 1).map((p) => detachPartitionSql(r.source, spec.names.schema, p.name)),
      ];
    },
    run: detachOld,
  },
  serverChecks: async (_db, server, settings) => [
    {
      id: 'partitioning',
      category: 'server',
      title: 'Native partitioning',
      status: 'pass',
      reason: `PostgreSQL ${server.version} partitions by range natively; no extension needed.`,
    },
    upkeepItem(server.partman, settings.partitionsAhead, settings.retention),
  ],
  integerPieces: 50,
  intervalAdvice: (days) => ({
    interval: days === null || days <= 60 ? '1 day' : days <= 730 ? '1 week' : '1 month',
    reason: `Keeps the number of partitions in the low hundreds for ${days === null ? 'an empty table' : `${Math.round(days)} days of data`}; the planner handles that well.`,
  }),
  validate: async (db, spec, newOid) => [await shape(db, spec, newOid)],
  countPieces: async (db, spec) =>
    Number(
      (
        await db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM pg_catalog.pg_inherits WHERE inhparent = $1::regclass`,
          [rel(spec.names).source],
        )
      ).rows[0]?.n ?? 0,
    ),
};

async function shape(db: Queryable, spec: MigrationSpec, newOid: number): Promise<ValidationCheck> {
  const { rows } = await db.query<{ name: string; bound: string; rows: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound, 0::text AS rows
       FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1 ORDER BY 1`,
    [newOid],
  );
  const defaults = rows.filter((p) => p.bound === 'DEFAULT');
  let inDefault = 0;
  for (const d of defaults) {
    inDefault += Number(
      (await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${qn(spec.names.schema, d.name)}`))
        .rows[0]?.n ?? 0,
    );
  }
  return {
    id: 'shape',
    title: 'Partitions cover the data',
    status: rows.length - defaults.length === 0 ? 'fail' : inDefault > 0 ? 'warn' : 'pass',
    details:
      `${rows.length - defaults.length} range partitions and ${defaults.length} DEFAULT partition; ${inDefault} row(s) in the DEFAULT partition` +
      (inDefault > 0
        ? ': add partitions for their range (then move the rows) so they are pruned like the others.'
        : '.'),
  };
}
