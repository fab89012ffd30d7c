import type { MigrationSettings, PreflightItem, TimeColumnKind } from '../../shared/migration';
import type { Queryable } from './db';
import { qi, qn } from './ident';
import { partmanMajor, readPartman } from './sql/partman';
import { upkeepPromise } from './upkeep';

/**
 * The pre-flight's word on partition upkeep for native partitions: what keeps
 * partitions ahead after the swap — Tidemark, or pg_partman when the DBA hands
 * the table to it (settings.partitionUpkeep) — and whether pg_partman is on
 * the server and this role may use it. Read from pg_extension,
 * pg_available_extensions and the role's privileges.
 */

export interface UpkeepTable {
  schema: string;
  table: string;
  time: { name: string; kind: TimeColumnKind; notNull: boolean };
  /** The table's storage parameters: set on each partition, which the plan cannot name when pg_partman makes them. */
  reloptions: string[];
}

type Item = Omit<PreflightItem, 'fix' | 'sql' | 'objects'> & Partial<PreflightItem>;

export async function upkeepItem(db: Queryable, settings: MigrationSettings, t: UpkeepTable): Promise<Item> {
  const partman = await readPartman(db);
  const wanted = settings.partitionUpkeep === 'pg_partman';
  const base = { id: 'partition_upkeep', category: 'server' as const, title: 'Partition upkeep' };
  const { installed, missing } = partman;

  // Why pg_partman cannot take this table, first the server's reasons, then the table's.
  const refusals: string[] = [];
  if (installed === null)
    refusals.push(
      partman.available === null
        ? 'pg_partman is not on this server.'
        : `pg_partman ${partman.available} is on the server but not created in this database (CREATE EXTENSION pg_partman SCHEMA partman).`,
    );
  else if (partmanMajor(installed.version) < 4)
    refusals.push(
      `pg_partman ${installed.version} is older than 4.0; Tidemark hands tables to 4.x and 5.x only.`,
    );
  if (installed !== null && missing.length > 0)
    refusals.push(`This role cannot use pg_partman: it lacks ${missing.join('; ')}.`);
  if (t.time.kind === 'integer')
    refusals.push(
      `${qi(t.time.name)} is an integer column: Tidemark hands only time-partitioned tables to pg_partman.`,
    );
  if (!t.time.notNull) refusals.push(`create_parent needs ${qi(t.time.name)} to be NOT NULL.`);
  if (t.reloptions.length > 0)
    refusals.push(
      `The table has storage parameters (${t.reloptions.join(', ')}), which go on each partition; the plan and the export cannot name the partitions pg_partman will make.`,
    );
  if (t.schema.includes('.') || t.table.includes('.'))
    refusals.push('pg_partman does not support names with periods in them.');

  if (wanted) {
    if (refusals.length > 0)
      return {
        ...base,
        status: 'blocking',
        reason: `The table cannot be handed to pg_partman: ${refusals.join(' ')}`,
        fix: !t.time.notNull
          ? `If the column holds no NULLs: ALTER TABLE ${qn(t.schema, t.table)} ALTER COLUMN ${qi(t.time.name)} SET NOT NULL; otherwise keep Tidemark's upkeep.`
          : installed !== null && missing.length > 0
            ? `GRANT ${missing.map((m) => m.split(' (')[0]).join(', ')} to this role, or keep Tidemark's upkeep.`
            : "Keep Tidemark's upkeep (the Partition upkeep setting).",
      };
    return {
      ...base,
      status: 'pass',
      reason:
        `pg_partman ${installed!.version} (schema ${installed!.schema}) takes the table over: create_parent makes the partitions ` +
        `on the new table, from the oldest row to ${Math.max(1, settings.partitionsAhead)} interval(s) past now, and its DEFAULT; ` +
        "after the swap its run_maintenance keeps them ahead (run it from pg_partman's background worker or cron)" +
        `${settings.retention === null ? '' : ` and, from the cleanup on, detaches partitions older than ${settings.retention}`}. ` +
        "Tidemark's own upkeep leaves the table alone.",
    };
  }

  const promise = upkeepPromise(settings.partitionsAhead, settings.retention);
  const offer =
    installed === null
      ? partman.available === null
        ? ''
        : ` pg_partman ${partman.available} is available on the server but not created in this database: with ` +
          'CREATE EXTENSION pg_partman the table could be handed to it instead (the Partition upkeep setting).'
      : refusals.length > 0
        ? ` pg_partman ${installed.version} is installed (schema ${installed.schema}), but the table cannot be handed to it: ${refusals.join(' ')}`
        : ` pg_partman ${installed.version} is installed (schema ${installed.schema}): the table can be handed to it instead (the Partition upkeep setting).`;
  return {
    ...base,
    status: installed !== null && missing.length > 0 ? 'warning' : 'pass',
    reason: promise + offer,
  };
}
