import { qi, ql } from '../ident';
import { timescaleFeatures } from '../server';
import type { MigrationSpec } from '../spec';

/**
 * TimescaleDB statements, in the API the server has: by_range() since 2.13,
 * columnstore names since 2.18 (compression names before).
 */

function ts(spec: MigrationSpec, fn: string): string {
  return `${qi(spec.timescaleSchema ?? 'public')}.${fn}`;
}

/** An interval (or integer width for integer time columns) as a SQL literal. */
export function widthLiteral(spec: MigrationSpec, value: string): string {
  return spec.timeKind === 'integer' ? String(BigInt(value.trim())) : `INTERVAL ${ql(value)}`;
}

/** create_hypertable on the new, empty table: never migrate_data, no default indexes. */
export function createHypertableSql(spec: MigrationSpec, relation: string): string {
  const width = widthLiteral(spec, spec.settings.interval);
  const f = timescaleFeatures(spec.server.timescaledb.installed);
  if (f.byRange) {
    return `SELECT ${ts(spec, 'create_hypertable')}(${ql(relation)}::regclass, ${ts(spec, 'by_range')}(${ql(spec.timeColumn)}, ${width}), create_default_indexes => false, if_not_exists => true);`;
  }
  return `SELECT ${ts(spec, 'create_hypertable')}(${ql(relation)}::regclass, ${ql(spec.timeColumn)}, chunk_time_interval => ${width}, create_default_indexes => false, if_not_exists => true, migrate_data => false);`;
}

/** Compression (columnstore) settings; applied after the swap, because the server then refuses some ALTERs. */
export function compressionSettingsSql(spec: MigrationSpec, relation: string): string | null {
  if (spec.settings.compressAfter === null) return null;
  const f = timescaleFeatures(spec.server.timescaledb.installed);
  const segment = spec.settings.segmentBy.map(qi).join(', ');
  const order = spec.settings.orderBy.map((o) => `${qi(o.column)} ${o.direction.toUpperCase()}`).join(', ');
  const options = f.columnstore ? ['timescaledb.enable_columnstore = true'] : ['timescaledb.compress = true'];
  const prefix = f.columnstore ? 'timescaledb.' : 'timescaledb.compress_';
  if (segment) options.push(`${prefix}segmentby = ${ql(segment)}`);
  if (order) options.push(`${prefix}orderby = ${ql(order)}`);
  return `ALTER TABLE ${relation} SET (${options.join(', ')});`;
}

/** The compression (columnstore) policy; null when none is wanted or possible. */
export function compressionPolicySql(spec: MigrationSpec, relation: string): string | null {
  if (spec.settings.compressAfter === null || spec.timeKind === 'integer') return null;
  const f = timescaleFeatures(spec.server.timescaledb.installed);
  const after = `INTERVAL ${ql(spec.settings.compressAfter)}`;
  return f.columnstore
    ? `CALL ${ts(spec, 'add_columnstore_policy')}(${ql(relation)}::regclass, after => ${after}, if_not_exists => true);`
    : `SELECT ${ts(spec, 'add_compression_policy')}(${ql(relation)}::regclass, compress_after => ${after}, if_not_exists => true);`;
}

export function retentionPolicySql(spec: MigrationSpec, relation: string): string | null {
  if (spec.settings.retention === null || spec.timeKind === 'integer') return null;
  return `SELECT ${ts(spec, 'add_retention_policy')}(${ql(relation)}::regclass, drop_after => INTERVAL ${ql(spec.settings.retention)}, if_not_exists => true);`;
}

/** Jobs on a hypertable that are scheduled now (TimescaleDB may add some by itself). */
export function scheduledJobsSql(): string {
  return `SELECT job_id FROM timescaledb_information.jobs WHERE hypertable_schema = $1 AND hypertable_name = $2 AND scheduled`;
}

export function alterJobSql(spec: MigrationSpec, jobId: number, scheduled: boolean): string {
  return `SELECT ${ts(spec, 'alter_job')}(${Math.trunc(jobId)}, scheduled => ${scheduled});`;
}
