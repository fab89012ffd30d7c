import { claimSql, installCaptureSql, registrySql } from './capture';
import { batchSizing, batchSql, castType, lockMarkSql, moveMarkSql } from './copy';
import { qi } from './ident';
import { buildsByPartition, partitionedIndexesSql } from './index-build';
import type { StepSeed } from './journal';
import { CAPTURE_SCHEMA, rel } from './names';
import { guardSql, shadowOf } from './ownership';
import { slicedCopyShown } from './parallel-copy';
import { statisticsSql } from './partition-stats';
import {
  cleanupSql,
  finishSql,
  keyCols,
  type PlanContext,
  replayScript,
  rollbackSql,
  swapScript,
} from './plan';
import { sqlComment } from './psql';
import type { MigrationSpec } from './spec';
import { psqlVariables } from './sql/params';
import { defaultPartitionName } from './sql/partitions';
import { columnList, createTableSql } from './sql/table';
import type { StepDef } from './step-types';
import { executors } from './steps';
import { endExecutors } from './steps-end';
import { swapExecutors } from './steps-swap';
import { targetOf } from './targets';

/**
 * The step catalogue: every step of a migration, defined once — its key,
 * phase, title, why, the SQL the plan shows and the export writes, and how the
 * engine runs it. The runner, the journal, the plan and the export all read
 * their steps from here; the target's own steps come from its file (targets/).
 */

const capturing = (spec: MigrationSpec) => Boolean(spec.captureKey && spec.settings.syncMode === 'capture');

const registry: StepDef = {
  key: 'registry',
  phase: 'A',
  title: 'Register the migration on the server',
  runs: 'once',
  why: () =>
    `Tidemark's schema ${qi(CAPTURE_SCHEMA)} holds the change logs and a registry that allows one migration per table, from any workstation; the copy's high-water mark is committed there with each batch.`,
  shown: ({ spec }) => [...registrySql(), claimSql(spec)],
  execute: executors.registry!,
};

const createTable: StepDef = {
  key: 'create-table',
  phase: 'A',
  title: 'Create the new table',
  runs: 'once',
  why: () =>
    'Same columns, defaults, constraints, identity and statistics; no indexes yet (building them after the copy is much faster).',
  shown: ({ spec }) => [createTableSql(spec), guardSql(shadowOf(spec))],
  execute: executors['create-table']!,
};

const capture: StepDef = {
  key: 'capture',
  phase: 'A',
  title: 'Capture changes to the source',
  runs: 'once',
  when: capturing,
  why: ({ spec }) =>
    `A trigger logs the key (${(spec.captureKey ?? []).map(qi).join(', ')}) of every row inserted, updated or deleted from now on; the rows themselves are not touched.`,
  shown: (ctx) => installCaptureSql(ctx.spec, keyCols(ctx), rel(ctx.spec.names).source, 'forward'),
  execute: executors.capture!,
};

const copy: StepDef = {
  key: 'copy',
  phase: 'B',
  title: 'Copy in batches',
  runs: 'per_batch',
  why: ({ spec }) => {
    const base = `${batchSizing(spec.settings)} Each batch is one transaction over one time range; the high-water mark commits with the rows, so a resumed copy neither repeats nor skips a range.`;
    const n = spec.settings.copySessions ?? 1;
    // The sliced copy (parallel-copy.ts) is not SQL a script can show: say what runs where.
    return n > 1
      ? `${base} With ${n} sessions set, the range is cut into up to ${n} slices of equal time width, copied side by side (on fewer sessions when the profile's pool has fewer), each slice with its own high-water mark: the statements below. The exported script copies batches sized the same way on one session, in one loop.`
      : base;
  },
  shown: ({ spec }) => {
    if ((spec.settings.copySessions ?? 1) > 1) return slicedCopyShown(spec);
    return [
      sqlComment(
        "Batch after batch: :'lo' where the last one ended, :'hi' the next bound (the last batch has none: NULL, and done true).",
      ),
      'BEGIN;',
      `${lockMarkSql(spec)};`,
      `${batchSql(spec, 'lo', 'hi', psqlVariables())};`,
      `${moveMarkSql(spec, psqlVariables())};`,
      'COMMIT;',
    ];
  },
  execute: executors.copy!,
};

/** The partitions the plan creates, DEFAULT included (per-partition builds and statistics name them). */
const partitionNames = (ctx: PlanContext): string[] =>
  ctx.spec.target === 'partitions'
    ? [...ctx.partitions.map((p) => p.name), defaultPartitionName(ctx.spec)]
    : [];

const indexes: StepDef = {
  key: 'indexes',
  phase: 'B',
  title: 'Build the indexes',
  runs: 'once',
  why: () => 'After the copy: one sort per index instead of a billion inserts into it.',
  shown: (ctx) =>
    buildsByPartition(ctx.spec)
      ? partitionedIndexesSql(ctx.spec, partitionNames(ctx))
      : ctx.spec.indexes.map((i) => i.create),
  execute: executors.indexes!,
};

const analyze: StepDef = {
  key: 'analyze',
  phase: 'B',
  title: 'Gather statistics',
  runs: 'once',
  why: () => 'So the first queries after the swap get good plans.',
  shown: (ctx) => statisticsSql(ctx.spec, partitionNames(ctx)),
  execute: executors.analyze!,
};

const sync: StepDef = {
  key: 'sync',
  phase: 'B',
  title: 'Replay captured changes',
  runs: 'repeated',
  when: capturing,
  why: () =>
    'In REPEATABLE READ, so the log, the source and the removal of the replayed entries see one snapshot; repeated until few changes remain.',
  shown: (ctx) => {
    const r = rel(ctx.spec.names);
    return [
      'BEGIN ISOLATION LEVEL REPEATABLE READ;',
      ...replayScript(ctx, r.source, r.newTable, r.log),
      'COMMIT;',
    ];
  },
  execute: executors.sync!,
};

const swap: StepDef = {
  key: 'swap',
  phase: 'B',
  title: 'Swap the tables',
  runs: 'once',
  why: ({ spec }) =>
    `One transaction: the lock waits at most ${spec.settings.swap.lockTimeoutMs} ms (application queries queue no longer), retried up to ${spec.settings.swap.attempts} times; the last changes are replayed inside it, then the tables are renamed and everything the application relies on moves to the new table.`,
  shown: swapScript,
  execute: swapExecutors.swap,
};

const finish: StepDef = {
  key: 'finish',
  phase: 'B',
  title: 'Validate constraints, compression and policies',
  runs: 'once',
  why: () =>
    'Foreign keys added NOT VALID are checked without blocking writes; compression settings and the policy come only now, after the swap.',
  shown: finishSql,
  execute: swapExecutors.finish,
};

const validate: StepDef = {
  key: 'validate',
  phase: 'C',
  title: 'Validate',
  runs: 'on_demand',
  why: () =>
    'Counts, time range, contents (EXCEPT ALL both ways, or per time range by row hashes on big tables), shape, compression, indexes by definition, pruning.',
  shown: ({ spec }) => {
    const r = rel(spec.names);
    const t = castType(spec.timeKind);
    const cols = columnList(spec);
    return [
      `SELECT (SELECT count(*) FROM ${r.source}) AS new_rows, (SELECT count(*) FROM ${r.oldTable}) AS old_rows;`,
      `SELECT count(*) AS missing_from_new FROM (SELECT ${cols} FROM ${r.oldTable} EXCEPT ALL SELECT ${cols} FROM ${r.source}) d;`,
      `SELECT count(*) AS not_in_old FROM (SELECT ${cols} FROM ${r.source} EXCEPT ALL SELECT ${cols} FROM ${r.oldTable}) d;`,
      `EXPLAIN SELECT count(*) FROM ${r.source} WHERE ${qi(spec.timeColumn)} >= :'from'::${t} AND ${qi(spec.timeColumn)} < :'to'::${t};`,
    ];
  },
  execute: swapExecutors.validate,
};

const cleanup: StepDef = {
  key: 'cleanup',
  phase: 'D',
  title: 'Drop the old table',
  runs: 'on_demand',
  why: ({ spec }) =>
    `After ${spec.settings.keepOldDays} days (or earlier, with the table name typed to confirm). Sequences the new table uses were moved to it and are not dropped.${spec.settings.retention ? ' Retention starts here.' : ''}`,
  shown: cleanupSql,
  execute: endExecutors.cleanup,
};

const rollback: StepDef = {
  key: 'rollback',
  phase: 'D',
  title: 'Roll back: put the original table back',
  planTitle: 'Roll back (any time before cleanup)',
  runs: 'on_demand',
  why: () =>
    'The swap in reverse: rows written to the new table since the swap are replayed into the original one first.',
  shown: rollbackSql,
  execute: swapExecutors.rollback,
};

/** Shown as the end of the rollback's SQL. */
const rollbackDrop: StepDef = {
  key: 'rollback-drop',
  phase: 'D',
  title: 'Roll back: drop the new table',
  runs: 'on_demand',
  why: () => 'After a rollback the new table, the logs and the registry claim go.',
  execute: endExecutors['rollback-drop'],
};

const cancel: StepDef = {
  key: 'cancel',
  phase: 'D',
  title: 'Cancel: remove what the migration created',
  runs: 'on_demand',
  why: () => 'Before the swap: everything the migration created goes; the source loses only its trigger.',
  execute: endExecutors.cancel,
};

/** Every step of this spec, in order: the forward run, then those run on demand (phase D). */
export function catalogue(spec: MigrationSpec): StepDef[] {
  const target = targetOf(spec);
  return [
    registry,
    createTable,
    ...target.prepareSteps,
    capture,
    copy,
    ...target.afterCopySteps,
    indexes,
    analyze,
    sync,
    swap,
    finish,
    validate,
    cleanup,
    rollback,
    rollbackDrop,
    cancel,
  ].filter((s) => s.when?.(spec) ?? true);
}

const seed = (s: StepDef): StepSeed => ({ key: s.key, phase: s.phase, title: s.title });

/** Steps of a forward run, in order. */
export function runSteps(spec: MigrationSpec): StepSeed[] {
  return catalogue(spec)
    .filter((s) => s.phase !== 'D')
    .map(seed);
}

/** Every step the journal tracks for this spec. */
export function allSteps(spec: MigrationSpec): StepSeed[] {
  return catalogue(spec).map(seed);
}

export function stepOf(spec: MigrationSpec, key: string): StepDef | undefined {
  return catalogue(spec).find((s) => s.key === key);
}

/** The steps the plan shows, for this context. */
export function shownSteps(ctx: PlanContext) {
  return catalogue(ctx.spec).flatMap((s) =>
    s.shown
      ? [
          {
            key: s.key,
            phase: s.phase,
            title: s.planTitle ?? s.title,
            why: s.why(ctx),
            sql: s.shown(ctx),
            runs: s.runs,
          },
        ]
      : [],
  );
}
