import { timescaleFeatures } from '../../postgres/server-facts';
import { qi, ql } from '../ident';
import type { MigrationSpec } from '../spec';
import type { Params } from './params';

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

/**
 * Pauses the jobs TimescaleDB scheduled by itself on the new table during the copy; returns their ids
 * (paused_jobs, an int[]) for the finish step to schedule again. No terminator: the script adds \\gset.
 */
export function pauseJobsSql(spec: MigrationSpec, p: Params): string {
  return `SELECT coalesce(array_agg(j.job_id), '{}') AS paused_jobs FROM (SELECT job_id, ${ts(spec, 'alter_job')}(job_id, scheduled => false) FROM timescaledb_information.jobs WHERE hypertable_schema = ${p('schema', spec.names.schema)} AND hypertable_name = ${p('table', spec.names.newTable)} AND scheduled) j`;
}

/** Schedules again the jobs pause-jobs paused (`jobs`: an int[] literal such as {1000,1001}). */
export function resumeJobsSql(spec: MigrationSpec, p: Params, jobs: string | null = null): string {
  return `SELECT ${ts(spec, 'alter_job')}(job_id, scheduled => true) FROM timescaledb_information.jobs WHERE job_id = ANY(${p('paused_jobs', jobs)}::int4[]);`;
}
