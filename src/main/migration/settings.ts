import {
  type MigrationSettings,
  type MigrationSettingsInput,
  type MigrationTarget,
  migrationSettingsSchema,
  type SettingsAdvice,
  type TimeColumn,
} from '../../shared/migration';
import { invalidInput } from '../errors';
import { hasSqlState, SqlState } from '../postgres/sqlstate';
import type { TableInfo } from './catalog';
import { span } from './copy';
import type { Queryable } from './db';
import { qi } from './ident';
import { alignmentUnit, MAX_PARTITIONS } from './sql/partitions';
import { readPartman } from './sql/partman';
import { targetById } from './targets';

/** Defaults for step 3 with the reason for each, from the table's shape, indexes and statistics. */
export async function adviseSettings(
  db: Queryable,
  info: TableInfo,
  time: TimeColumn,
  target: MigrationTarget,
  range: { min: string | null; max: string | null },
  captureKey: string[] | null,
): Promise<SettingsAdvice> {
  const reasons: Record<string, string> = {};
  const days =
    range.min && range.max && time.kind !== 'integer'
      ? (await span(db, time.kind, range.min, range.max)) / (time.kind === 'date' ? 1 : 86_400)
      : null;
  const rows = info.rowEstimate;
  const rowsPerDay = days && days > 0 && rows !== null ? rows / days : null;

  let interval: string;
  const t = targetById(target);
  if (time.kind === 'integer') {
    const width = range.min && range.max ? await span(db, 'integer', range.min, range.max) : 0;
    const per = Math.max(1, width / t.integerPieces);
    interval = String(10 ** Math.ceil(Math.log10(per)));
    reasons.interval = `About ${t.integerPieces} ${t.nouns.pieces} over the current range of ${width} units.`;
  } else {
    const advice = t.intervalAdvice(days, rowsPerDay);
    interval = advice.interval;
    reasons.interval = advice.reason;
  }

  const compressAfter = target === 'timescaledb' && time.kind !== 'integer' ? '7 days' : null;
  reasons.compressAfter =
    target === 'timescaledb'
      ? time.kind === 'integer'
        ? 'An integer time column needs an integer_now function before a compression policy can run; none is added.'
        : 'Recent rows stay uncompressed for a week, so updates and inserts of late data stay cheap.'
      : 'Native partitions are not compressed.';

  // Segment-by: columns that lead a non-unique index (queries filter on them) with a moderate number of values.
  const { rows: stats } = await db.query<{ attname: string; n_distinct: number }>(
    `SELECT attname, n_distinct::float8 AS n_distinct FROM pg_catalog.pg_stats WHERE schemaname = $1 AND tablename = $2`,
    [info.schema, info.table],
  );
  const distinct = (col: string): number | null => {
    const s = stats.find((x) => x.attname === col);
    if (!s) return null;
    if (s.n_distinct >= 0) return s.n_distinct;
    return rows === null ? null : Math.round(-s.n_distinct * rows);
  };
  const keyCols = new Set(captureKey ?? []);
  const leading = new Map<string, string>();
  for (const idx of info.indexes) {
    if (idx.unique) continue;
    for (const col of idx.keyColumns) {
      if (col === time.name || keyCols.has(col)) break;
      if (!leading.has(col)) leading.set(col, idx.name);
      break;
    }
  }
  const segmentByCandidates: SettingsAdvice['segmentByCandidates'] = [];
  for (const [column, index] of leading) {
    const d = distinct(column);
    const fits = d === null || (d >= 2 && (!rows || rows / d >= 100));
    segmentByCandidates.push({
      column,
      distinct: d,
      reason: `Leads index ${qi(index)}, so queries filter on it${d === null ? ' (no statistics yet: run ANALYZE)' : `; about ${d} distinct values`}${fits ? '' : ' — too many values to segment by'}.`,
    });
  }
  const segmentBy =
    target === 'timescaledb'
      ? segmentByCandidates
          .filter((c) => c.distinct === null || (c.distinct >= 2 && (!rows || rows / c.distinct >= 100)))
          .slice(0, 2)
          .map((c) => c.column)
      : [];
  reasons.segmentBy =
    target !== 'timescaledb'
      ? 'Only used by TimescaleDB compression.'
      : segmentBy.length > 0
        ? `Compressed rows are grouped by ${segmentBy.map(qi).join(', ')}: queries that filter on them read only their segments.`
        : 'No column leads an index with a moderate number of values; rows are compressed without segments.';
  const orderBy = [{ column: time.name, direction: 'desc' as const }];
  reasons.orderBy = `Newest first within each segment: the usual "recent rows" query reads the least.`;
  reasons.retention = 'Off: no data is dropped unless you choose so.';
  reasons.partitionsAhead =
    target === 'timescaledb'
      ? 'Only used by native partitions.'
      : "Partitions for the next intervals exist before rows arrive. After the swap Tidemark keeps this many ahead on the profile's sampling timer (while Tidemark runs) and with tidemark partitions maintain; rows that reach the DEFAULT partition are moved out, and raise an alert until they are.";
  // Offered (the wizard shows the choice) only where pg_partman is created in the database.
  const partman = target === 'partitions' ? (await readPartman(db)).installed : null;
  if (partman)
    reasons.partitionUpkeep = `pg_partman ${partman.version} is installed (schema ${partman.schema}): the table can be handed to it instead of Tidemark's upkeep. create_parent then makes the partitions on the new table, and pg_partman's run_maintenance keeps them ahead (and applies retention) after the swap; the pre-flight says whether this role may use it.`;
  reasons.keepOldDays = 'The old table stays a week after the swap, so a rollback keeps every row.';
  reasons.batchRows =
    'The first batch, and the fewest rows later ones aim for: each batch is one short transaction over one time range, cheap to redo.';
  reasons.batchSeconds =
    'Batches grow beyond the first batch’s rows, while the server copies them faster, to take about this long, as pt-online-schema-change sizes its chunks: a commit and a few round trips per batch then cost little, even over an SSH tunnel. A batch holds a share lock on the source (it blocks ALTER TABLE, not writes) and its snapshot while it runs, and pause or cancel waits for it: usually about this long, longer where the rows get denser. 0 keeps every batch at the first batch’s rows.';
  reasons.copySessions =
    "One session copies, in batches of time ranges. More sessions copy disjoint time ranges at once (each resumes on its own), up to the profile's pool size: worth it only on a server with cores and I/O to spare.";
  reasons.buildSessions =
    target === 'timescaledb'
      ? 'TimescaleDB builds each index over its chunks itself.'
      : "One session builds the indexes partition by partition and gathers their statistics. More sessions share the partitions, up to the profile's pool size: for a server with cores to spare.";
  reasons.syncMode = captureKey
    ? `Changes during the copy are captured by key (${captureKey.map(qi).join(', ')}) and replayed, a last time inside the swap.`
    : 'The table has no primary key or unique NOT NULL key: changes cannot be captured by key, so the swap compares and re-copies under its lock (pause writes).';
  reasons.swap =
    'Application queries wait at most the lock timeout behind each try; tries repeat with a growing pause.';

  const defaults: MigrationSettings = {
    interval,
    compressAfter,
    segmentBy,
    orderBy,
    retention: null,
    partitionsAhead: 7,
    keepOldDays: 7,
    batchRows: 50_000,
    batchSeconds: 1,
    syncMode: captureKey ? 'capture' : 'offline',
    copySessions: 1,
    buildSessions: 1,
    acceptCompositeKey: false,
    dropUnsupportedForeignKeys: false,
    confirmedFreeBytes: null,
    swap: { lockTimeoutMs: 2_000, attempts: 10, backoffMs: 1_000, mode: 'auto' },
  };
  return {
    defaults,
    reasons,
    segmentByCandidates,
    orderByCandidates: [{ column: time.name, reason: 'The time column: pruning and "latest rows" queries.' }],
  };
}

/** The DBA's choices over the defaults, checked against the table and the server. */
export async function resolveSettings(
  db: Queryable,
  info: TableInfo,
  time: TimeColumn,
  target: MigrationTarget,
  defaults: MigrationSettings,
  input: MigrationSettingsInput | undefined,
  range: { min: string | null; max: string | null },
): Promise<MigrationSettings> {
  const merged = migrationSettingsSchema.parse({
    ...defaults,
    ...(input ?? {}),
    swap: { ...defaults.swap, ...(input?.swap ?? {}) },
  });
  await checkWidth(db, time, merged.interval, 'interval', 'chunk or partition interval');
  if (merged.compressAfter !== null)
    await checkWidth(db, time, merged.compressAfter, 'compressAfter', 'compression delay', true);
  if (merged.retention !== null) await checkWidth(db, time, merged.retention, 'retention', 'retention', true);
  const columns = new Set(info.columns.map((c) => c.name));
  for (const [field, list] of [
    ['segmentBy', merged.segmentBy],
    ['orderBy', merged.orderBy.map((o) => o.column)],
  ] as const) {
    const missing = list.filter((c) => !columns.has(c));
    if (missing.length > 0) {
      throw invalidInput(`${field}: the table has no column ${missing.map(qi).join(', ')}.`, {
        [`settings.${field}`]: `No column ${missing.map(qi).join(', ')}.`,
      });
    }
  }
  if (merged.segmentBy.includes(time.name)) {
    throw invalidInput('The time column cannot be a segment-by column.', {
      'settings.segmentBy': 'Remove the time column.',
    });
  }
  if (target === 'partitions' && range.min && range.max) {
    const count = await estimatePartitions(db, time, merged.interval, range.min, range.max);
    if (count + merged.partitionsAhead > MAX_PARTITIONS) {
      throw invalidInput(
        `The interval ${merged.interval} would make about ${count + merged.partitionsAhead} partitions (at most ${MAX_PARTITIONS}) for ${qi(time.name)} from ${range.min} to ${range.max}. Choose a longer interval, or, if the oldest or newest value is not real data (a placeholder such as 9999-12-31), fix those rows first.`,
        { 'settings.interval': 'Too many partitions: choose a longer interval.' },
      );
    }
    if (time.kind !== 'integer') await alignmentUnit(db, merged.interval);
  }
  return merged;
}

async function checkWidth(
  db: Queryable,
  time: TimeColumn,
  value: string,
  field: string,
  label: string,
  intervalOnly = false,
): Promise<void> {
  const fail = (why: string) => invalidInput(`The ${label} ${why}`, { [`settings.${field}`]: why });
  if (time.kind === 'integer' && !intervalOnly) {
    if (!/^\s*\d+\s*$/.test(value))
      throw fail(`must be a whole number for the integer column ${qi(time.name)}.`);
    if (BigInt(value.trim()) <= 0n) throw fail('must be greater than zero.');
    return;
  }
  let positive: boolean | null;
  try {
    const { rows } = await db.query<{ ok: boolean; date_ok: boolean }>(
      `SELECT $1::interval > interval '0' AS ok,
              (extract(epoch FROM $1::interval)::numeric % 86400 = 0) AS date_ok`,
      [value],
    );
    positive = rows[0]?.ok ?? null;
    if (positive && time.kind === 'date' && !intervalOnly && rows[0]?.date_ok === false) {
      throw fail('must be whole days for a date column.');
    }
  } catch (error) {
    if (hasSqlState(error, SqlState.invalidDatetimeFormat, SqlState.invalidTextRepresentation)) {
      throw fail(
        `"${value}" is not an interval PostgreSQL understands (e.g. '1 day', '6 hours', '1 month').`,
      );
    }
    throw error;
  }
  if (!positive) throw fail(`must be greater than zero ("${value}" is not).`);
}

async function estimatePartitions(
  db: Queryable,
  time: TimeColumn,
  interval: string,
  min: string,
  max: string,
): Promise<number> {
  const width = await span(db, time.kind, min, max);
  if (time.kind === 'integer') return Math.ceil(width / Number(interval)) + 1;
  const { rows } = await db.query<{ s: number }>(`SELECT extract(epoch FROM $1::interval)::float8 AS s`, [
    interval,
  ]);
  const unit = time.kind === 'date' ? 86_400 : 1;
  return Math.ceil((width * unit) / Math.max(1, Number(rows[0]?.s ?? 1))) + 1;
}
