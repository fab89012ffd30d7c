import { formatBytes } from '../../shared/bytes';
import type {
  MigrationSettings,
  MigrationSettingsInput,
  MigrationTarget,
  PreflightItem,
  PreflightReport,
  ProposedKey,
  ServerFacts,
  TimeColumn,
} from '../../shared/migration';
import { invalidInput } from '../errors';
import { migrationFacts, type ServerProbe } from '../postgres/server-facts';
import {
  BIG_TABLE_BYTES,
  captureKey as findCaptureKey,
  findTableOid,
  readTable,
  readTimeRange,
  summarize,
  type TableInfo,
  timeColumnsOf,
  timeKind,
  withCatalogPath,
} from './catalog';
import type { Queryable } from './db';
import { readObjects, type TableObjects } from './dependents';
import { foresee, isInfinite } from './foresight';
import { qi, qn } from './ident';
import { CAPTURE_SCHEMA } from './names';
import { findForeignObjects } from './ownership';
import { activityItems } from './preflight-activity';
import { dependentItems } from './preflight-dependents';
import { adviseSettings, resolveSettings } from './settings';
import { keysWithoutTime } from './spec';
import { targetById } from './targets';

/**
 * Step 2: what stands between this table and the target, each item with its
 * reason and, where there is one, the fix. Nothing here writes.
 */

export interface PreflightRequest {
  schema: string;
  table: string;
  timeColumn: string;
  target: MigrationTarget;
  settings?: MigrationSettingsInput | undefined;
}

export interface Analysis {
  report: PreflightReport;
  info: TableInfo;
  objects: TableObjects;
  time: TimeColumn;
  settings: MigrationSettings;
  server: ServerFacts;
  timescaleSchema: string | null;
  captureKey: string[] | null;
}

const countText = (n: number): string => Math.round(n).toLocaleString('en-US');

/** `probe`: the server's facts (PoolManager.serverFacts), read on this session. */
export async function analyze(db: Queryable, req: PreflightRequest, probe: ServerProbe): Promise<Analysis> {
  const oid = await findTableOid(db, req.schema, req.table);
  const info = await readTable(db, oid, probe);
  const server = migrationFacts(probe);
  const column = info.columns.find((c) => c.name === req.timeColumn);
  if (!column) {
    throw invalidInput(`The table ${qn(info.schema, info.table)} has no column ${qi(req.timeColumn)}.`, {
      timeColumn: 'No such column.',
    });
  }
  const kind = timeKind(column.type);
  if (!kind || column.generated) {
    const offered = timeColumnsOf(info).map((c) => qi(c.name));
    throw invalidInput(
      `${qi(column.name)} (${column.type}) cannot be the time column: it must be a timestamp, timestamptz, date or integer column${column.generated ? ' that is not generated' : ''}. ` +
        (offered.length
          ? `Columns that can: ${offered.join(', ')}.`
          : 'This table has no such column: it cannot be partitioned by time.'),
      { timeColumn: 'Not a usable time column.' },
    );
  }
  const time: TimeColumn = {
    name: column.name,
    type: column.type,
    kind,
    notNull: column.notNull,
    indexed: info.indexes.some((i) => i.valid && !i.partial && i.leading === column.name),
  };
  const range = await readTimeRange(db, info, time);
  // Infinite times are a STOP below; the settings are advised as for an empty table rather than stepping to infinity.
  const finite = isInfinite(range) ? { ...range, min: null, max: null } : range;
  const key = findCaptureKey(info);
  const advice = await adviseSettings(db, info, time, req.target, finite, key);
  const settings = await resolveSettings(db, info, time, req.target, advice.defaults, req.settings, finite);
  const objects = await withCatalogPath(db, () => readObjects(db, oid));
  const tsSchema = probe.timescaledb.schema;

  const items: PreflightItem[] = [];
  const add = (item: Omit<PreflightItem, 'fix' | 'sql' | 'objects'> & Partial<PreflightItem>) =>
    items.push({ fix: null, sql: null, objects: [], ...item });
  const rel = qn(info.schema, info.table);

  // ---- server
  if (server.versionNum < 130000) {
    add({
      id: 'server_version',
      category: 'server',
      title: 'PostgreSQL version',
      status: 'blocking',
      reason: `PostgreSQL ${server.version}: Tidemark migrates tables on PostgreSQL 13 to 18.`,
      fix: 'Upgrade the server, or migrate with your own scripts.',
    });
  }
  for (const item of await targetById(req.target).serverChecks(db, probe, settings, {
    schema: info.schema,
    table: info.table,
    time,
    reloptions: objects.reloptions,
  }))
    add(item);

  // ---- the table itself
  const tableProblems: [boolean, string, string][] = [
    [info.kind === 'hypertable', 'table_kind', 'It is already a hypertable.'],
    [info.kind === 'partitioned', 'table_kind', 'It is already a partitioned table.'],
    [info.isPartition, 'table_partition', 'It is a partition of another table.'],
    [info.inheritsFrom.length > 0, 'table_inherits', `It inherits from ${info.inheritsFrom.join(', ')}.`],
    [
      info.inheritedBy.length > 0,
      'table_inherited',
      `Tables inherit from it: ${info.inheritedBy.join(', ')}.`,
    ],
    [info.extension !== null, 'table_extension', `It belongs to the extension ${info.extension}.`],
    [info.persistence === 't', 'table_temporary', 'It is a temporary table.'],
  ];
  for (const [bad, id, reason] of tableProblems) {
    if (bad)
      add({
        id,
        category: 'table',
        title: 'Table kind',
        status: 'blocking',
        reason,
        fix: 'Choose an ordinary table.',
      });
  }
  if (info.persistence === 'u') {
    add({
      id: 'table_unlogged',
      category: 'table',
      title: 'UNLOGGED table',
      status: 'warning',
      reason:
        'The table is UNLOGGED; the new table will be an ordinary (logged) table, which writes more WAL.',
    });
  }
  const rows = info.rowEstimate;
  const timeSpan = range.min
    ? `, from ${range.min} to ${range.max}${range.exact ? '' : ' (estimated from statistics)'}`
    : !range.exact
      ? `, the range of ${qi(time.name)} is not known (no statistics, and too big to read whole)`
      : range.nulls > 0
        ? `, no row has a ${qi(time.name)} yet`
        : ', no rows yet';
  add({
    id: 'table_size',
    category: 'table',
    title: 'Size and rows',
    status: 'pass',
    reason: `${formatBytes(info.totalBytes)} in all (${formatBytes(info.tableBytes)} of rows, ${formatBytes(info.indexBytes)} of indexes), ${rows === null ? 'how many rows is not known (never analyzed)' : `about ${countText(rows)} rows`}${timeSpan}.`,
    ...(rows !== null
      ? {}
      : {
          fix: 'ANALYZE the table for an estimate (it reads a sample and blocks no writes).',
          sql: `ANALYZE ${rel};`,
        }),
  });

  // ---- the time column
  add({
    id: 'time_column_type',
    category: 'time_column',
    title: 'Time column type',
    status: req.target === 'timescaledb' && kind === 'integer' ? 'warning' : 'pass',
    reason:
      req.target === 'timescaledb' && kind === 'integer'
        ? `${qi(time.name)} is ${time.type}: chunks are ranges of integers, and compression or retention policies need an integer_now function (not set up by Tidemark).`
        : `${qi(time.name)} is ${time.type}.`,
  });
  for (const item of await foresee(db, { info, objects, time, range, target: req.target, server })) add(item);
  if (!time.indexed) {
    add({
      id: 'time_column_index',
      category: 'time_column',
      title: 'Index on the time column',
      status: 'warning',
      reason: `No index starts with ${qi(time.name)}: every copy batch scans the whole table.`,
      fix: 'Create one first (CONCURRENTLY does not block writes), or use larger batches.',
      sql: `CREATE INDEX CONCURRENTLY ON ${rel} (${qi(time.name)});`,
    });
  }

  if (settings.retention !== null) {
    const cheap = time.indexed || info.totalBytes < BIG_TABLE_BYTES;
    const older = cheap
      ? Number(
          (
            await db.query<{ n: string }>(
              kind === 'integer'
                ? `SELECT count(*)::text AS n FROM ${rel} WHERE ${qi(time.name)} < (SELECT max(${qi(time.name)}) FROM ${rel}) - $1::int8`
                : `SELECT count(*)::text AS n FROM ${rel} WHERE ${qi(time.name)} < now() - $1::interval`,
              [settings.retention],
            )
          ).rows[0]?.n ?? 0,
        )
      : null;
    add({
      id: 'retention',
      category: 'table',
      title: 'Retention',
      status: 'warning',
      reason:
        (req.target === 'timescaledb'
          ? `A retention policy will drop chunks older than ${settings.retention}, from the cleanup on: their rows are deleted.`
          : `At the cleanup, partitions older than ${settings.retention} are detached: their rows leave the table (they stay in tables of their own).`) +
        (older === null ? '' : ` About ${older.toLocaleString('en-US')} rows are that old today.`),
      fix: 'Leave retention off if every row must stay in the table.',
    });
  }

  // ---- keys
  const proposedKeys: ProposedKey[] = [];
  for (const idx of keysWithoutTime(info, time.name)) {
    const kindOf: ProposedKey['kind'] = idx.primary
      ? 'primary_key'
      : idx.constraint?.type === 'u'
        ? 'unique_constraint'
        : 'unique_index';
    const cols = idx.keys.length === idx.keyColumns.length ? idx.keyColumns : idx.keys;
    const proposed = [...cols, time.name];
    const consequence =
      `The database will enforce uniqueness of (${proposed.map(qi).join(', ')}), no longer of (${cols.map(qi).join(', ')}) alone: ` +
      `two rows with the same ${cols.map(qi).join(', ')} and different ${qi(time.name)} would be accepted, and statements with ` +
      `ON CONFLICT (${cols.map(qi).join(', ')}) must name ON CONFLICT (${proposed.map(qi).join(', ')}).`;
    proposedKeys.push({
      name: idx.name,
      kind: kindOf,
      columns: cols,
      proposedColumns: proposed,
      consequence,
    });
    add({
      id: `key:${idx.name}`,
      category: 'keys',
      title: `${kindOf === 'primary_key' ? 'Primary key' : 'Unique key'} ${qi(idx.name)}`,
      status: settings.acceptCompositeKey ? 'warning' : 'blocking',
      reason: `${req.target === 'timescaledb' ? 'A hypertable' : 'A partitioned table'} can only enforce unique keys that contain the time column; ${qi(idx.name)} is on (${cols.map(qi).join(', ')}). Proposed: (${proposed.map(qi).join(', ')}). ${consequence}`,
      fix: settings.acceptCompositeKey
        ? 'Accepted: the new table gets the composite key under the same name.'
        : 'Accept the composite key (settings.acceptCompositeKey), after checking the application does not rely on the old uniqueness.',
      objects: [idx.name],
    });
  }
  for (const idx of info.indexes.filter((i) => i.constraint?.type === 'x')) {
    add({
      id: `key:${idx.name}`,
      category: 'keys',
      title: `Exclusion constraint ${qi(idx.name)}`,
      status: 'blocking',
      reason: 'Exclusion constraints cannot be kept on a partitioned table or hypertable.',
      fix: 'Drop it (and enforce the rule in the application), or keep this table as it is.',
      objects: [idx.name],
    });
  }
  if (key) {
    add({
      id: 'capture_key',
      category: 'keys',
      title: 'Changes during the copy',
      status: settings.syncMode === 'capture' ? 'pass' : 'warning',
      reason:
        settings.syncMode === 'capture'
          ? `Inserts, updates and deletes made while the copy runs are logged by key (${key.map(qi).join(', ')}) by a trigger and replayed, the last time inside the swap.`
          : 'Offline sync chosen: the swap holds its lock while it compares every time range and copies the ones that changed.',
    });
  } else {
    add({
      id: 'capture_key',
      category: 'keys',
      title: 'Changes during the copy',
      status: settings.syncMode === 'capture' ? 'blocking' : 'warning',
      reason:
        'The table has no primary key and no unique index on NOT NULL columns, so changes made during the copy cannot be captured by key' +
        (settings.syncMode === 'capture'
          ? '.'
          : `: the swap will hold an exclusive lock while it compares ${info.rowEstimate === null ? `every row (how many is not known: the table was never analyzed; ${formatBytes(info.tableBytes)} of heap)` : `all ${countText(info.rowEstimate)} rows`} and re-copies what changed — application queries wait for that long.`),
      fix:
        settings.syncMode === 'capture'
          ? "Add a primary key, or choose sync mode 'offline' and pause the application's writes for the swap."
          : "Pause the application's writes during the swap, or add a primary key and use sync mode 'capture'.",
    });
  }

  for (const item of dependentItems({ info, objects, server, settings, target: req.target, time })) add(item);

  // ---- privileges
  const owners = new Set<string>([info.owner, ...objects.views.map((v) => v.owner)]);
  const notMember: string[] = [];
  for (const role of owners) {
    const { rows } = await db.query<{ ok: boolean }>(
      `SELECT pg_catalog.pg_has_role(current_user, $1, 'USAGE') AS ok`,
      [role],
    );
    if (!rows[0]?.ok) notMember.push(role);
  }
  add({
    id: 'privileges',
    category: 'privileges',
    title: 'Privileges of the migrating user',
    status: server.isSuperuser || notMember.length === 0 ? 'pass' : 'blocking',
    reason:
      server.isSuperuser || notMember.length === 0
        ? `${server.user} can alter the table and what depends on it.`
        : `${server.user} is not a member of ${notMember.map(qi).join(', ')}, who own the table or objects that depend on it; the swap has to alter them.`,
    fix:
      server.isSuperuser || notMember.length === 0
        ? null
        : `GRANT ${notMember.map(qi).join(', ')} TO ${qi(server.user)}, or connect as the owner.`,
  });

  // ---- space
  const required = Math.ceil(info.totalBytes * 2.5);
  const confirmed = settings.confirmedFreeBytes;
  add({
    id: 'free_space',
    category: 'space',
    title: 'Free disk space',
    status: confirmed === null ? 'warning' : confirmed >= required ? 'pass' : 'blocking',
    reason:
      `The migration needs about ${formatBytes(required)} free (2.5x the table: the copy, its indexes and WAL). ` +
      (confirmed === null
        ? 'PostgreSQL cannot tell how much is free on its disk: confirm it.'
        : `You confirmed ${formatBytes(confirmed)}.`),
    fix:
      confirmed !== null && confirmed >= required
        ? null
        : 'Check the free space on the server (df) and confirm it (settings.confirmedFreeBytes).',
  });

  // ---- activity now
  for (const item of await activityItems(db, oid)) items.push(item);

  const foreign = await findForeignObjects(db);
  for (const f of foreign) {
    add({
      id: `foreign:${f.what}`,
      category: 'server',
      title: "Tidemark's objects on the server",
      status: 'blocking',
      reason: `${f.what} (owner ${f.owner}): ${f.problem}. Tidemark writes into its objects as ${qi(server.user)}; one another role made or can change could run code as that role.`,
      fix: `Check it, then drop it (or make it owned by ${qi(server.user)}) before migrating.`,
      objects: [f.what],
    });
  }

  // Read the registry only when it is ours: a view of that name could run anything as the reader.
  const active =
    foreign.length > 0
      ? []
      : (
          await db
            .query<{ id: string }>(
              `SELECT migration_id AS id FROM ${qn(CAPTURE_SCHEMA, 'runs')} WHERE active AND source_schema = $1 AND source_table = $2`,
              [info.schema, info.table],
            )
            .catch(() => ({ rows: [] as { id: string }[] }))
        ).rows;
  if (active.length > 0) {
    add({
      id: 'active_migration',
      category: 'activity',
      title: 'Another migration',
      status: 'blocking',
      reason: `A Tidemark migration (${active.map((a) => a.id).join(', ')}) is already working on this table on the server (perhaps from another workstation).`,
      fix: 'Finish, roll back or cancel that migration first.',
    });
  }

  const report: PreflightReport = {
    table: summarize(info, range),
    target: req.target,
    timeColumn: time.name,
    server,
    items,
    blocked: items.some((i) => i.status === 'blocking'),
    proposedKeys,
    captureKey: key,
    requiredFreeBytes: required,
    advice,
    settings,
    checkedAt: new Date().toISOString(),
  };
  return { report, info, objects, time, settings, server, timescaleSchema: tsSchema, captureKey: key };
}
