import { readTable, readTimeRange, rowsForBatches, withCatalogPath } from './catalog';
import { span } from './copy';
import type { Queryable } from './db';
import { readObjects } from './dependents';
import { qn } from './ident';
import { migrationNames } from './names';
import type { PlanContext } from './plan';
import type { Analysis } from './preflight';
import { copyColumnsOf, type MigrationSpec, planIndexes } from './spec';
import { partitionBounds } from './sql/partitions';
import { readPartman } from './sql/partman';

/**
 * What the engine decides when a migration is planned (the spec kept in the
 * journal), and the context its plan is printed from.
 */

export async function buildSpec(
  db: Queryable,
  id: string,
  profileId: string,
  a: Analysis,
): Promise<{ spec: MigrationSpec; ctx: PlanContext }> {
  const names = migrationNames(a.info.schema, a.info.table, id.slice(0, 6));
  const timeIdent = (await db.query<{ q: string }>(`SELECT quote_ident($1) AS q`, [a.time.name])).rows[0]!.q;
  const newTable = qn(names.schema, names.newTable);
  const indexes = planIndexes(a.info, a.time.name, timeIdent, names, newTable);
  // The pre-flight decided which referencing foreign keys cannot point at the new table.
  const unsupportedInbound = a.objects.fksIn
    .map((fk) => `${fk.table}.${fk.name}`)
    .filter((name) => a.report.items.some((i) => i.id === `dependent:fk_in:${name}` && i.status !== 'pass'));
  const spec: MigrationSpec = {
    id,
    profileId,
    sourceOid: a.info.oid,
    timeColumn: a.time.name,
    timeKind: a.time.kind,
    timeType: a.time.type,
    target: a.report.target,
    settings: a.settings,
    server: a.server,
    timescaleSchema: a.timescaleSchema,
    partman:
      a.report.target === 'partitions' && a.settings.partitionUpkeep === 'pg_partman'
        ? (await readPartman(db)).installed
        : null,
    names,
    copyColumns: copyColumnsOf(a.info.columns),
    allColumns: a.info.columns.map((c) => c.name),
    overridingSystemValue: a.info.columns.some((c) => c.identity === 'always'),
    captureKey: a.settings.syncMode === 'capture' ? a.captureKey : null,
    indexes,
    unsupportedInbound,
    droppedInbound: a.settings.dropUnsupportedForeignKeys
      ? a.objects.fksIn
          .filter((fk) => unsupportedInbound.includes(`${fk.table}.${fk.name}`))
          .map(({ tableOid, table, name, definition, validated, comment, partitioned }) => ({
            tableOid,
            table,
            name,
            definition,
            validated,
            comment,
            partitioned,
          }))
      : [],
  };
  const range = a.report.table.timeRange;
  const partitions =
    spec.target === 'partitions'
      ? await partitionBounds(db, spec, range?.min ?? null, range?.max ?? null)
      : [];
  const whole = range?.min && range.max ? await span(db, spec.timeKind, range.min, range.max) : 0;
  const batchWidth = (whole * spec.settings.batchRows) / rowsForBatches(a.info);
  return { spec, ctx: { spec, columns: a.info.columns, objects: a.objects, partitions, batchWidth } };
}

/** The context the plan is printed from, read again now (the export: partitions and batch width as the data is today). */
export async function readPlanContext(db: Queryable, spec: MigrationSpec): Promise<PlanContext> {
  const oid = spec.sourceOid;
  const info = await readTable(db, oid, spec.server);
  const objects = await withCatalogPath(db, () => readObjects(db, oid));
  const range = await readTimeRange(db, info, {
    name: spec.timeColumn,
    type: spec.timeType,
    kind: spec.timeKind,
    notNull: true,
    indexed: true,
  });
  const partitions =
    spec.target === 'partitions' ? await partitionBounds(db, spec, range.min, range.max) : [];
  const whole = range.min && range.max ? await span(db, spec.timeKind, range.min, range.max) : 0;
  const ctx: PlanContext = {
    spec: spec,
    columns: info.columns,
    objects,
    partitions,
    batchWidth: (whole * spec.settings.batchRows) / rowsForBatches(info),
  };
  return ctx;
}
