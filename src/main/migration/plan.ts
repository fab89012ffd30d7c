import type { PhaseId, Plan } from '../../shared/migration';
import { replaySqlText } from './capture';
import type { ColumnInfo } from './catalog';
import { shownSteps } from './catalogue';
import type { TableObjects } from './dependents';
import { qi, ql, qn } from './ident';
import { type MoveStatement, moveStatements, restoreForeignKey } from './moves';
import { CAPTURE_SCHEMA, rel } from './names';
import { shadowMarker } from './ownership';
import { sqlComment } from './psql';
import type { MigrationSpec } from './spec';
import type { PartitionBound } from './sql/partitions';
import {
  cleanupStatements,
  lockTableSql,
  lockTimeoutSql,
  rollbackDropSql,
  type SwapDirection,
  swapRenamesSql,
  swapTables,
} from './sql/swap';
import { columnList } from './sql/table';
import { captureSwitchSql, moveContext } from './swap';
import { targetOf } from './targets';

export { allSteps, runSteps } from './catalogue';

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

/** An empty snapshot for the new table (it does not exist when the plan is made). */
function emptyObjects(spec: MigrationSpec): TableObjects {
  return {
    oid: 0,
    schema: spec.names.schema,
    name: spec.names.newTable,
    owner: spec.server.user,
    kind: spec.target === 'partitions' ? 'partitioned' : 'table',
    grants: [],
    // The create-table step marks the new table (ownership.ts); the swap replaces the mark, NULL included.
    comment: shadowMarker(spec.id),
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
  return moveStatements(ctx.objects, to, { ...moveContext(spec, true), from: r.oldTable });
}

export function keyCols(ctx: PlanContext) {
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
function lockBoth(spec: PlanContext['spec'], direction: SwapDirection): string[] {
  const { current, other } = swapTables(spec, direction);
  return [
    'BEGIN;',
    lockTimeoutSql(spec.settings.swap.lockTimeoutMs),
    lockTableSql(current),
    lockTableSql(other),
  ];
}

export function swapScript(ctx: PlanContext): string[] {
  const { spec } = ctx;
  const moves = planMoves(ctx);
  const r = rel(spec.names);
  const sql = lockBoth(spec, 'forward');
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
  sql.push(...swapRenamesSql(spec, 'forward'));
  for (const m of moves) sql.push(sqlComment(`${m.kind} ${m.name}: ${m.action}`), ...m.sql);
  if (spec.captureKey)
    sql.push(
      sqlComment('Changes to the new table are logged from now on, so a rollback can carry them back.'),
    );
  sql.push(...captureSwitchSql(spec, 'forward', ctx.columns));
  sql.push('COMMIT;');
  return sql;
}

export function finishSql(ctx: PlanContext): string[] {
  return [...planMoves(ctx).flatMap((m) => m.after ?? []), ...targetOf(ctx.spec).finish.shown(ctx.spec)];
}

/** The cleanup; retention begins with it, once the checklist has been seen. */
export function cleanupSql(ctx: PlanContext): string[] {
  const { dropOld, untrigger, release } = cleanupStatements(ctx.spec);
  return [dropOld, ...untrigger, ...release, ...targetOf(ctx.spec).retention.shown(ctx)];
}

export function rollbackSql(ctx: PlanContext): string[] {
  const { spec } = ctx;
  const r = rel(spec.names);
  const sql = lockBoth(spec, 'rollback');
  const restored = (spec.droppedInbound ?? []).map((fk) =>
    restoreForeignKey(fk, r.source, spec.server.versionNum),
  );
  if (spec.captureKey && spec.settings.syncMode === 'capture') {
    sql.push(
      sqlComment('Rows the application wrote to the new table since the swap.'),
      ...replayScript(ctx, r.source, r.oldTable, r.reverseLog),
    );
  }
  sql.push(
    ...swapRenamesSql(spec, 'rollback'),
    sqlComment(
      '… then everything the swap moved is moved back the same way (read from the catalog when it runs).',
    ),
    ...restored.flatMap((m) => [sqlComment(`${m.kind} ${m.name}: ${m.action}`), ...m.sql]),
    ...captureSwitchSql(spec, 'rollback', ctx.columns),
    'COMMIT;',
    ...restored.flatMap((m) => m.after ?? []),
    ...rollbackDropSql(spec),
  );
  return sql;
}

export function buildPlan(ctx: PlanContext): Plan {
  const r = rel(ctx.spec.names);
  const steps = shownSteps(ctx);
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
