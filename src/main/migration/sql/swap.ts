import { dropCaptureSql, dropRegistryIfUnusedSql, releaseSql } from '../capture';
import { qi, qn } from '../ident';
import { rel } from '../names';
import type { MigrationSpec } from '../spec';
import { forgetSql } from './partman';

/**
 * The statements of the swap, the rollback and what follows them, as the
 * engine runs them and as the plan and the export print them (one builder each).
 */

export type SwapDirection = 'forward' | 'rollback';

/** How long a try waits for its lock before it gives up (and is retried). */
export function lockTimeoutSql(ms: number): string {
  return `SET LOCAL lock_timeout = '${Math.trunc(ms)}ms';`;
}

export function lockTableSql(relation: string): string {
  return `LOCK TABLE ${relation} IN ACCESS EXCLUSIVE MODE;`;
}

/** The two tables a swap locks: the one that has the name now, then the one that gets it. */
export function swapTables(
  spec: MigrationSpec,
  direction: SwapDirection,
): { current: string; other: string } {
  const r = rel(spec.names);
  return { current: r.source, other: direction === 'forward' ? r.newTable : r.oldTable };
}

/**
 * Renames: indexes first (their names share the schema's namespace), then the tables.
 * IF EXISTS: an index the DBA dropped since the plan must not stop the swap.
 */
export function swapRenamesSql(spec: MigrationSpec, direction: SwapDirection): string[] {
  const n = spec.names;
  const { current, other } = swapTables(spec, direction);
  const sql: string[] = [];
  for (const idx of spec.indexes) {
    const [parkAs, from] = direction === 'forward' ? [idx.old, idx.temp] : [idx.temp, idx.old];
    sql.push(`ALTER INDEX IF EXISTS ${qn(n.schema, idx.source)} RENAME TO ${qi(parkAs)};`);
    sql.push(`ALTER INDEX IF EXISTS ${qn(n.schema, from)} RENAME TO ${qi(idx.source)};`);
  }
  sql.push(
    `ALTER TABLE ${current} RENAME TO ${qi(parkedName(spec, direction))};`,
    `ALTER TABLE ${other} RENAME TO ${qi(n.table)};`,
  );
  return sql;
}

/** The name the table that had the name gets: the old table (forward) or the rolled-back one. */
export function parkedName(spec: MigrationSpec, direction: SwapDirection): string {
  return direction === 'forward' ? spec.names.oldTable : spec.names.rolledBackTable;
}

/** The capture triggers on `table` (the first two statements of dropCaptureSql). */
export function dropCaptureTriggersSql(
  spec: MigrationSpec,
  table: string,
  direction: 'forward' | 'reverse',
): string[] {
  return dropCaptureSql(spec, table, direction).slice(0, 2);
}

/** The logs, functions and registry claim this migration leaves on the server, once nothing needs them. */
export function releaseServerSql(spec: MigrationSpec): string[] {
  return [
    ...dropCaptureSql(spec, null, 'reverse'),
    ...dropCaptureSql(spec, null, 'forward'),
    releaseSql(spec),
    dropRegistryIfUnusedSql(),
  ];
}

/** Cleanup: the old table goes, then the reverse capture on the live table, then what the server holds for us. */
export function cleanupStatements(spec: MigrationSpec): {
  dropOld: string;
  untrigger: string[];
  release: string[];
} {
  const r = rel(spec.names);
  return {
    dropOld: `DROP TABLE ${r.oldTable};`,
    untrigger: dropCaptureTriggersSql(spec, r.source, 'reverse'),
    release: releaseServerSql(spec),
  };
}

/** After a rollback: the new table (by its rolled-back name) and everything else goes. */
export function rollbackDropSql(spec: MigrationSpec): string[] {
  return [
    `DROP TABLE IF EXISTS ${rel(spec.names).rolledBack};`,
    ...forgetSql(spec),
    ...releaseServerSql(spec),
  ];
}
