import type { PhaseId, Plan, PlanStep } from '../../shared/migration';
import {
  claimSql,
  dropCaptureSql,
  dropRegistryIfUnusedSql,
  installCaptureSql,
  registrySql,
  releaseSql,
  replaySqlText,
} from './capture';
import type { ColumnInfo } from './catalog';
import { batchSql, castType } from './copy';
import { type MoveStatement, moveStatements, restoreForeignKey, type TableObjects } from './dependents';
import { qi, ql, qn } from './ident';
import { buildsByPartition, partitionedIndexesSql } from './index-build';
import type { StepSeed } from './journal';
import { CAPTURE_SCHEMA, rel } from './names';
import { guardSql, shadowOf } from './ownership';
import { statisticsSql } from './partition-stats';
import { sqlComment } from './psql';
import type { MigrationSpec } from './spec';
import {
  createDefaultPartitionSql,
  createPartitionSql,
  defaultPartitionName,
  type PartitionBound,
} from './sql/partitions';
import { columnList, createTableSql } from './sql/table';
import {
  alterJobSql,
  compressionPolicySql,
  compressionSettingsSql,
  createHypertableSql,
  retentionPolicySql,
} from './sql/timescale';
import { upkeepPromise } from './upkeep';

/**
 * The plan as the DBA reads it (step 4) and as the export writes it: every
 * statement of every phase. The runner executes the same steps, by key, with
 * the same SQL builders; values only known at run time (a batch's bounds, the
 * dependents as they are when the lock is taken) appear as psql variables or
 * as they are now.
 */

export interface PlanContext {
  spec: MigrationSpec;
  columns: ColumnInfo[];
  /** The source's dependents now (the swap reads them again under its lock). */
  objects: TableObjects;
  /** Native partitions for the current range (the run computes them again). */
  partitions: PartitionBound[];
  /** Width of a copy batch for the export's loop: seconds, days or integer units. */
  batchWidth: number;
}

export const phaseTitles: Record<PhaseId, { title: string; description: string }> = {
  A: {
    title: 'Prepare',
    description:
      'Create the new table (empty, without secondary indexes) and start capturing changes. The source table stays in use.',
  },
  B: {
    title: 'Copy, sync and swap',
    description:
      'Copy in batches by time range, build the indexes, replay the captured changes, then swap the tables in one short transaction.',
  },
  C: {
    title: 'Validate',
    description: 'Counts, time range, contents, shape, compression, indexes and pruning.',
  },
  D: {
    title: 'Cleanup (or rollback)',
    description:
      'After the keep period, drop the old table. Until then, a rollback puts it back with every row written since the swap.',
  },
};

/** Steps of a forward run, in order. */
export function runSteps(spec: MigrationSpec): StepSeed[] {
  const steps: StepSeed[] = [
    { key: 'registry', phase: 'A', title: 'Register the migration on the server' },
    { key: 'create-table', phase: 'A', title: 'Create the new table' },
    spec.target === 'timescaledb'
      ? { key: 'hypertable', phase: 'A', title: 'Make it a hypertable' }
      : { key: 'partitions', phase: 'A', title: 'Create the partitions' },
  ];
  if (spec.captureKey && spec.settings.syncMode === 'capture') {
    steps.push({ key: 'capture', phase: 'A', title: 'Capture changes to the source' });
  }
  steps.push({ key: 'copy', phase: 'B', title: 'Copy in batches' });
  if (spec.target === 'timescaledb')
    steps.push({ key: 'pause-jobs', phase: 'B', title: 'Pause background jobs on the new table' });
  steps.push(
    { key: 'indexes', phase: 'B', title: 'Build the indexes' },
    { key: 'analyze', phase: 'B', title: 'Gather statistics' },
  );
  if (spec.captureKey && spec.settings.syncMode === 'capture')
    steps.push({ key: 'sync', phase: 'B', title: 'Replay captured changes' });
  steps.push(
    { key: 'swap', phase: 'B', title: 'Swap the tables' },
    { key: 'finish', phase: 'B', title: 'Validate constraints, compression and policies' },
    { key: 'validate', phase: 'C', title: 'Validate' },
  );
  return steps;
}

export const otherSteps: StepSeed[] = [
  { key: 'cleanup', phase: 'D', title: 'Drop the old table' },
  { key: 'rollback', phase: 'D', title: 'Roll back: put the original table back' },
  { key: 'rollback-drop', phase: 'D', title: 'Roll back: drop the new table' },
  { key: 'cancel', phase: 'D', title: 'Cancel: remove what the migration created' },
];

export function allSteps(spec: MigrationSpec): StepSeed[] {
  return [...runSteps(spec), ...otherSteps];
}

/** An empty snapshot for the new table (it does not exist when the plan is made). */
function emptyObjects(spec: MigrationSpec): TableObjects {
  return {
    oid: 0,
    schema: spec.names.schema,
    name: spec.names.newTable,
    owner: spec.server.user,
    kind: spec.target === 'partitions' ? 'partitioned' : 'table',
    grants: [],
    comment: null,
    replicaIdentity: 'd',
    replicaIndex: null,
    rowSecurity: false,
    forceRowSecurity: false,
    policies: [],
    triggers: [],
    fksOut: [],
    fksIn: [],
    partComments: [],
    constraintNames: [],
    publications: [],
    views: [],
    functions: [],
    ownedSequences: [],
    identitySequences: [],
    statisticsTargets: [],
    reloptions: [],
    columnOptions: [],
    statistics: [],
    partitions: [],
    rules: [],
    rowTypeUsers: [],
    others: [],
    securityLabels: 0,
    subscribed: false,
  };
}

export function planMoves(ctx: PlanContext): MoveStatement[] {
  const { spec } = ctx;
  const r = rel(spec.names);
  const to = emptyObjects(spec);
  to.identitySequences = ctx.objects.identitySequences.map((s) => ({
    column: s.column,
    sequence: `pg_get_serial_sequence(${ql(r.source)}, ${ql(s.column)})`,
  }));
  to.partitions = ctx.partitions.map((p) => qn(spec.names.schema, p.name));
  return moveStatements(ctx.objects, to, {
    from: r.oldTable,
    to: r.source,
    versionNum: spec.server.versionNum,
    toPartitioned: spec.target === 'partitions',
    toHypertable: spec.target === 'timescaledb',
    dropInbound: new Set(spec.settings.dropUnsupportedForeignKeys ? spec.unsupportedInbound : []),
    replicaIndex: spec.indexes.find((i) => i.replicaIdentity)?.source ?? null,
  });
}

function keyCols(ctx: PlanContext) {
  return (ctx.spec.captureKey ?? []).map((name) => ({
    name,
    type: ctx.columns.find((c) => c.name === name)?.type ?? 'text',
  }));
}

/** psql-runnable replay: the log's bounds into variables, then the three statements. */
export function replayScript(ctx: PlanContext, from: string, to: string, log: string): string[] {
  return [
    `SELECT coalesce(max(seq), 0) AS upto, coalesce(max(seq) FILTER (WHERE op = 'T'), 0) AS truncated_at, coalesce(max(seq) FILTER (WHERE op = 'T'), 0) > 0 AS truncated FROM ${log} \\gset`,
    `\\if :truncated\nDELETE FROM ${to};\n\\endif`,
    ...replaySqlText(ctx.spec, keyCols(ctx), from, to, log),
  ];
}

/** Opens a swap (either way): one transaction that waits no longer than the lock_timeout for both tables. */
function lockBoth(spec: PlanContext['spec'], first: string, second: string): string[] {
  return [
    'BEGIN;',
    `SET LOCAL lock_timeout = '${Math.trunc(spec.settings.swap.lockTimeoutMs)}ms';`,
    `LOCK TABLE ${first} IN ACCESS EXCLUSIVE MODE;`,
    `LOCK TABLE ${second} IN ACCESS EXCLUSIVE MODE;`,
  ];
}

export function swapScript(ctx: PlanContext, moves: MoveStatement[]): string[] {
  const { spec } = ctx;
  const r = rel(spec.names);
  const n = spec.names;
  const sql = lockBoth(spec, r.source, r.newTable);
  if (spec.captureKey && spec.settings.syncMode === 'capture') {
    sql.push(
      sqlComment('The last changes committed before the lock.'),
      ...replayScript(ctx, r.source, r.newTable, r.log),
    );
  } else {
    sql.push(
      sqlComment(
        'No key to replay by: every time range is compared under the lock and the ranges that differ are copied again.',
      ),
      `DELETE FROM ${r.newTable};`,
      `INSERT INTO ${r.newTable} (${columnList(spec)})${spec.overridingSystemValue ? ' OVERRIDING SYSTEM VALUE' : ''} SELECT ${columnList(spec)} FROM ${r.source};`,
    );
  }
  for (const idx of spec.indexes) {
    sql.push(`ALTER INDEX ${qn(n.schema, idx.source)} RENAME TO ${qi(idx.old)};`);
    sql.push(`ALTER INDEX ${qn(n.schema, idx.temp)} RENAME TO ${qi(idx.source)};`);
  }
  sql.push(
    `ALTER TABLE ${r.source} RENAME TO ${qi(n.oldTable)};`,
    `ALTER TABLE ${r.newTable} RENAME TO ${qi(n.table)};`,
  );
  for (const m of moves) sql.push(sqlComment(`${m.kind} ${m.name}: ${m.action}`), ...m.sql);
  if (spec.captureKey && spec.settings.syncMode === 'capture') {
    sql.push(...dropCaptureSql(spec, r.oldTable, 'forward').slice(0, 2));
    sql.push(
      sqlComment('Changes to the new table are logged from now on, so a rollback can carry them back.'),
    );
    sql.push(...installCaptureSql(spec, keyCols(ctx), r.source, 'reverse'));
  }
  sql.push('COMMIT;');
  return sql;
}

export function finishSql(ctx: PlanContext, moves: MoveStatement[]): string[] {
  const { spec } = ctx;
  const r = rel(spec.names);
  const sql = moves.flatMap((m) => m.after ?? []);
  if (spec.target === 'timescaledb') {
    for (const s of [compressionSettingsSql(spec, r.source), compressionPolicySql(spec, r.source)])
      if (s) sql.push(s);
  }
  return sql;
}

/** Retention begins with the cleanup, once the checklist has been seen. */
export function retentionSql(ctx: PlanContext): string[] {
  const { spec } = ctx;
  const r = rel(spec.names);
  if (spec.settings.retention === null) return [];
  if (spec.target === 'timescaledb') {
    const sql = retentionPolicySql(spec, r.source);
    return sql ? [sql] : [];
  }
  return [
    sqlComment(
      `Partitions whose range ends before now() - interval ${ql(spec.settings.retention)} are detached (their rows stay, in tables of their own), e.g.:`,
    ),
    ...ctx.partitions
      .slice(0, 1)
      .map((p) => `ALTER TABLE ${r.source} DETACH PARTITION ${qn(spec.names.schema, p.name)};`),
  ];
}

export function cleanupSql(ctx: PlanContext): string[] {
  const { spec } = ctx;
  const r = rel(spec.names);
  return [
    `DROP TABLE ${r.oldTable};`,
    ...dropCaptureSql(spec, r.source, 'reverse'),
    ...dropCaptureSql(spec, null, 'forward'),
    releaseSql(spec),
    dropRegistryIfUnusedSql(),
    ...retentionSql(ctx),
  ];
}

export function rollbackSql(ctx: PlanContext): string[] {
  const { spec } = ctx;
  const r = rel(spec.names);
  const n = spec.names;
  const sql = lockBoth(spec, r.source, r.oldTable);
  const restored = (spec.droppedInbound ?? []).map((fk) =>
    restoreForeignKey(fk, r.source, spec.server.versionNum),
  );
  if (spec.captureKey && spec.settings.syncMode === 'capture') {
    sql.push(
      sqlComment('Rows the application wrote to the new table since the swap.'),
      ...replayScript(ctx, r.source, r.oldTable, r.reverseLog),
    );
  }
  for (const idx of spec.indexes) {
    sql.push(`ALTER INDEX ${qn(n.schema, idx.source)} RENAME TO ${qi(idx.temp)};`);
    sql.push(`ALTER INDEX ${qn(n.schema, idx.old)} RENAME TO ${qi(idx.source)};`);
  }
  sql.push(
    `ALTER TABLE ${r.source} RENAME TO ${qi(n.rolledBackTable)};`,
    `ALTER TABLE ${r.oldTable} RENAME TO ${qi(n.table)};`,
    sqlComment(
      '… then everything the swap moved is moved back the same way (read from the catalog when it runs).',
    ),
    ...restored.flatMap((m) => [sqlComment(`${m.kind} ${m.name}: ${m.action}`), ...m.sql]),
    'COMMIT;',
    ...restored.flatMap((m) => m.after ?? []),
    `DROP TABLE ${r.rolledBack};`,
  );
  return sql;
}

export function buildPlan(ctx: PlanContext): Plan {
  const { spec } = ctx;
  const r = rel(spec.names);
  const partitionNames =
    spec.target === 'partitions' ? [...ctx.partitions.map((p) => p.name), defaultPartitionName(spec)] : [];
  const moves = planMoves(ctx);
  const capture = Boolean(spec.captureKey && spec.settings.syncMode === 'capture');
  const step = (
    key: string,
    phase: PhaseId,
    title: string,
    why: string,
    sql: string[],
    runs: PlanStep['runs'] = 'once',
  ): PlanStep => ({
    key,
    phase,
    title,
    why,
    sql,
    runs,
  });
  const steps: PlanStep[] = [
    step(
      'registry',
      'A',
      'Register the migration on the server',
      `Tidemark's schema ${qi(CAPTURE_SCHEMA)} holds the change logs and a registry that allows one migration per table, from any workstation; the copy's high-water mark is committed there with each batch.`,
      [...registrySql(), claimSql(spec)],
    ),
    step(
      'create-table',
      'A',
      'Create the new table',
      'Same columns, defaults, constraints, identity and statistics; no indexes yet (building them after the copy is much faster).',
      [createTableSql(spec), guardSql(shadowOf(spec))],
    ),
  ];
  if (spec.target === 'timescaledb') {
    steps.push(
      step(
        'hypertable',
        'A',
        'Make it a hypertable',
        `On the new, empty table (never migrate_data): chunks of ${spec.settings.interval}. Compression settings and the policy come after the swap.`,
        [createHypertableSql(spec, r.newTable)],
      ),
    );
  } else {
    steps.push(
      step(
        'partitions',
        'A',
        'Create the partitions',
        `One partition per ${spec.settings.interval} over the data, ${spec.settings.partitionsAhead} ahead, and a DEFAULT partition so no row is ever refused. Recomputed when the step runs. ${upkeepPromise(spec.settings.partitionsAhead, spec.settings.retention)}`,
        [
          ...ctx.partitions.map((p) => createPartitionSql(spec, r.newTable, p)),
          createDefaultPartitionSql(spec, r.newTable),
        ],
      ),
    );
  }
  if (capture) {
    steps.push(
      step(
        'capture',
        'A',
        'Capture changes to the source',
        `A trigger logs the key (${(spec.captureKey ?? []).map(qi).join(', ')}) of every row inserted, updated or deleted from now on; the rows themselves are not touched.`,
        installCaptureSql(spec, keyCols(ctx), r.source, 'forward'),
      ),
    );
  }
  const t = castType(spec.timeKind);
  steps.push(
    step(
      'copy',
      'B',
      'Copy in batches',
      `About ${spec.settings.batchRows.toLocaleString('en-US')} rows per batch, each batch one transaction over one time range; the high-water mark commits with the rows, so a resumed copy neither repeats nor skips a range.`,
      [
        'BEGIN;',
        `SELECT high_water FROM ${r.runs} WHERE migration_id = ${ql(spec.id)} FOR UPDATE;`,
        `${batchSql(spec, 'LO', 'HI').replace(`'LO'::${t}`, `:'lo'::${t}`).replace(`'HI'::${t}`, `:'hi'::${t}`)};`,
        `UPDATE ${r.runs} SET high_water = :'hi', rows_copied = rows_copied + :copied, batches = batches + 1 WHERE migration_id = ${ql(spec.id)};`,
        'COMMIT;',
      ],
      'per_batch',
    ),
  );
  if (spec.target === 'timescaledb') {
    steps.push(
      step(
        'pause-jobs',
        'B',
        'Pause background jobs on the new table',
        'If TimescaleDB scheduled any job on the new table by itself during the copy, it is paused until the swap (ids found when the step runs).',
        [alterJobSql(spec, 0, false).replace('(0,', '(:job_id,')],
      ),
    );
  }
  steps.push(
    step(
      'indexes',
      'B',
      'Build the indexes',
      'After the copy: one sort per index instead of a billion inserts into it.',
      buildsByPartition(spec)
        ? partitionedIndexesSql(spec, partitionNames)
        : spec.indexes.map((i) => i.create),
    ),
    step(
      'analyze',
      'B',
      'Gather statistics',
      'So the first queries after the swap get good plans.',
      statisticsSql(spec, partitionNames),
    ),
  );
  if (capture) {
    steps.push(
      step(
        'sync',
        'B',
        'Replay captured changes',
        'In REPEATABLE READ, so the log, the source and the removal of the replayed entries see one snapshot; repeated until few changes remain.',
        [
          'BEGIN ISOLATION LEVEL REPEATABLE READ;',
          ...replayScript(ctx, r.source, r.newTable, r.log),
          'COMMIT;',
        ],
        'repeated',
      ),
    );
  }
  steps.push(
    step(
      'swap',
      'B',
      'Swap the tables',
      `One transaction: the lock waits at most ${spec.settings.swap.lockTimeoutMs} ms (application queries queue no longer), retried up to ${spec.settings.swap.attempts} times; the last changes are replayed inside it, then the tables are renamed and everything the application relies on moves to the new table.`,
      swapScript(ctx, moves),
    ),
    step(
      'finish',
      'B',
      'Validate constraints, compression and policies',
      'Foreign keys added NOT VALID are checked without blocking writes; compression settings and the policy come only now, after the swap.',
      finishSql(ctx, moves),
    ),
    step(
      'validate',
      'C',
      'Validate',
      'Counts, time range, contents (EXCEPT ALL both ways, or per time range by row hashes on big tables), shape, compression, indexes by definition, pruning.',
      [
        `SELECT (SELECT count(*) FROM ${r.source}) AS new_rows, (SELECT count(*) FROM ${r.oldTable}) AS old_rows;`,
        `SELECT count(*) AS missing_from_new FROM (SELECT ${columnList(spec)} FROM ${r.oldTable} EXCEPT ALL SELECT ${columnList(spec)} FROM ${r.source}) d;`,
        `SELECT count(*) AS not_in_old FROM (SELECT ${columnList(spec)} FROM ${r.source} EXCEPT ALL SELECT ${columnList(spec)} FROM ${r.oldTable}) d;`,
        `EXPLAIN SELECT count(*) FROM ${r.source} WHERE ${qi(spec.timeColumn)} >= :'from'::${t} AND ${qi(spec.timeColumn)} < :'to'::${t};`,
      ],
      'on_demand',
    ),
    step(
      'cleanup',
      'D',
      'Drop the old table',
      `After ${spec.settings.keepOldDays} days (or earlier, with the table name typed to confirm). Sequences the new table uses were moved to it and are not dropped.${spec.settings.retention ? ' Retention starts here.' : ''}`,
      cleanupSql(ctx),
      'on_demand',
    ),
    step(
      'rollback',
      'D',
      'Roll back (any time before cleanup)',
      'The swap in reverse: rows written to the new table since the swap are replayed into the original one first.',
      rollbackSql(ctx),
      'on_demand',
    ),
  );

  const phases = (['A', 'B', 'C', 'D'] as const).map((id) => ({
    id,
    ...phaseTitles[id],
    steps: steps.filter((s) => s.phase === id),
  }));
  return {
    phases,
    names: {
      source: r.source,
      newTable: r.newTable,
      oldTable: r.oldTable,
      captureSchema: qi(CAPTURE_SCHEMA),
    },
  };
}
