import type { ValidationReport } from '../../shared/migration';
import { AppError } from '../errors';
import {
  claimSql,
  dropCaptureSql,
  dropRegistryIfUnusedSql,
  installCaptureSql,
  keyColumns,
  registrySql,
  releaseSql,
  replayRound,
} from './capture';
import { readTable } from './catalog';
import { addWidth, copyBatch, isBefore, nextWidth, readCopyState, sourceRange, span } from './copy';
import { describePgError, inTransaction, type Queryable, sqlState } from './db';
import { qi, qn } from './ident';
import { buildPartitionedIndexes, buildsByPartition } from './index-build';
import { CAPTURE_SCHEMA, rel } from './names';
import { isForeignShadow, shadowOf, verifyOwnObjects } from './ownership';
import { copiesInSlices, copyInSlices } from './parallel-copy';
import { gatherStatistics } from './partition-stats';
import type { MigrationSpec } from './spec';
import {
  createDefaultPartitionSql,
  createPartitionSql,
  detachPartitionSql,
  MAX_PARTITIONS,
  type PartitionBound,
  partitionBounds,
} from './sql/partitions';
import { createTableSql } from './sql/table';
import {
  alterJobSql,
  compressionPolicySql,
  compressionSettingsSql,
  createHypertableSql,
  retentionPolicySql,
  scheduledJobsSql,
} from './sql/timescale';
import { type SwapHooks, swapWithRetries } from './swap';
import { validate } from './validate';

/**
 * What each step of the plan does when it runs. Every executor can run again
 * after a crash at any point (IF NOT EXISTS, guards on the catalog, the copy's
 * high-water mark on the server) and reports what it did for the journal.
 */

export interface StepResult {
  rows?: number;
  highWater?: string | null;
  detail?: unknown;
  skipped?: boolean;
}

/** What an executor may ask of the run that drives it. */
export interface StepContext {
  db: Queryable;
  spec: MigrationSpec;
  /** The most sessions the step may hold at once, its own included (the profile's pool size). */
  sessionLimit(): Promise<number>;
  /** Another session of the profile, set up like the step's own, for the length of fn (parallel work). */
  extraSession<T>(fn: (db: Queryable) => Promise<T>): Promise<T>;
  /** Throws if the run was paused, cancelled or stopped (checked between units of work). */
  checkpoint(): void;
  sleep(ms: number): Promise<void>;
  /** The copy's and the sync's progress. */
  progress(update: {
    rowsCopied?: number;
    rowsTotal?: number;
    batches?: number;
    highWater?: string | null;
    pendingChanges?: number | null;
    message?: string | null;
    batchRows?: number;
  }): void;
  journalEvent(kind: string, message: string, data?: unknown): void;
  stepProgress(rows: number, highWater: string | null): void;
  detailOf<T>(key: string): T | null;
  swapHooks: Pick<SwapHooks, 'onAttempt'>;
  /** Saves the swap report as soon as the swap commits. */
  swapped(report: Awaited<ReturnType<typeof swapWithRetries>>): void;
  validated(report: ValidationReport): void;
}

async function exists(db: Queryable, relation: string): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [relation]);
  return rows[0]?.ok === true;
}

/** DDL on a table the application uses: a short lock_timeout, retried with a growing pause. */
export async function withLockRetries<T>(ctx: StepContext, what: string, fn: () => Promise<T>): Promise<T> {
  const { lockTimeoutMs, attempts, backoffMs } = ctx.spec.settings.swap;
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(ctx.db, async () => {
        await ctx.db.query(`SET LOCAL lock_timeout = ${Math.trunc(lockTimeoutMs)}`);
        return fn();
      });
    } catch (error) {
      const state = sqlState(error);
      if ((state !== '55P03' && state !== '40P01') || attempt >= attempts) throw error;
      const wait = Math.min(30_000, backoffMs * 2 ** (attempt - 1));
      ctx.progress({
        message: `${what}: the table is busy (try ${attempt} of ${attempts}); trying again in ${Math.round(wait / 100) / 10} s.`,
      });
      await ctx.sleep(wait);
    }
  }
}

async function runAll(db: Queryable, statements: string[]): Promise<void> {
  for (const sql of statements) await db.query(sql);
}

export const executors: Record<string, (ctx: StepContext) => Promise<StepResult>> = {
  async registry({ db, spec }) {
    await runAll(db, registrySql());
    try {
      await db.query(claimSql(spec));
    } catch (error) {
      if (sqlState(error) === '23505') {
        const { rows } = await db.query<{ id: string; started_at: string }>(
          `SELECT migration_id AS id, started_at::text FROM ${qn(CAPTURE_SCHEMA, 'runs')} WHERE active AND source_schema = $1 AND source_table = $2`,
          [spec.names.schema, spec.names.table],
        );
        throw new AppError(
          'conflict',
          `Another migration (${rows[0]?.id ?? '?'}, started ${rows[0]?.started_at ?? '?'}) is already working on ${rel(spec.names).source} on this server, perhaps from another workstation. Finish, roll back or cancel it first.`,
        );
      }
      throw error;
    }
    return {};
  },

  async 'create-table'({ db, spec }) {
    const r = rel(spec.names);
    const existed = await exists(db, r.newTable);
    if (!existed && (await exists(db, r.oldTable)))
      throw new AppError(
        'conflict',
        `${r.oldTable} already exists; this migration needs that name for the old table.`,
      );
    await db.query(createTableSql(spec));
    // Made now, or on an earlier try: either way it must be this migration's own before anything is copied into it.
    await verifyOwnObjects(db, shadowOf(spec));
    return existed ? { detail: { existed: true } } : {};
  },

  async hypertable({ db, spec }) {
    await db.query(createHypertableSql(spec, rel(spec.names).newTable));
    return {};
  },

  async partitions({ db, spec }) {
    const r = rel(spec.names);
    const range = await sourceRange(db, spec);
    const bounds = await partitionBounds(db, spec, range.min, range.max);
    if (bounds.length > MAX_PARTITIONS) {
      throw new AppError(
        'invalid_input',
        `The interval ${spec.settings.interval} makes more than ${MAX_PARTITIONS} partitions for this data. Choose a longer interval.`,
      );
    }
    for (const p of bounds) {
      const { rows } = await db.query<{ parent: string | null; exists: boolean }>(
        `SELECT to_regclass($1) IS NOT NULL AS exists,
                (SELECT i.inhparent::regclass::text FROM pg_catalog.pg_inherits i WHERE i.inhrelid = to_regclass($1)) AS parent`,
        [qn(spec.names.schema, p.name)],
      );
      if (rows[0]?.exists && rows[0].parent === null) {
        throw new AppError(
          'conflict',
          `A table named ${qn(spec.names.schema, p.name)} already exists; the partition needs that name. Rename or drop it.`,
        );
      }
      await db.query(createPartitionSql(spec, r.newTable, p));
    }
    await db.query(createDefaultPartitionSql(spec, r.newTable));
    return { rows: bounds.length, detail: { partitions: bounds } };
  },

  async capture(ctx) {
    const { db, spec } = ctx;
    const r = rel(spec.names);
    const info = await readTable(db, spec.sourceOid);
    const sql = installCaptureSql(spec, keyColumns(spec, info.columns), r.source, 'forward');
    // CREATE TRIGGER waits for the writes in progress: keep that wait short.
    await withLockRetries(ctx, 'Installing the capture trigger', () => runAll(db, sql));
    return {};
  },

  async copy(ctx) {
    const { db, spec } = ctx;
    let state = await readCopyState(db, spec);
    const range = await sourceRange(db, spec);
    const estimate = Number(
      (
        await db.query<{ n: number }>(
          `SELECT greatest(reltuples, 0)::float8 AS n FROM pg_catalog.pg_class WHERE oid = $1`,
          [spec.sourceOid],
        )
      ).rows[0]?.n ?? 0,
    );
    const rowsTotal = Math.max(estimate, state.rows);
    ctx.progress({ rowsCopied: state.rows, rowsTotal, batches: state.batches, highWater: state.highWater });
    if (state.done) return { rows: state.rows, highWater: null };
    if (await copiesInSlices(ctx, state.batches)) {
      const copied = await copyInSlices(ctx, range, estimate);
      return { rows: copied.rows, highWater: null, detail: { batches: copied.batches } };
    }
    const minimum = spec.timeKind === 'timestamptz' || spec.timeKind === 'timestamp' ? 0.001 : 1;
    const whole = range.min && range.max ? await span(db, spec.timeKind, range.min, range.max) : 0;
    let width = Math.max(minimum, (whole * spec.settings.batchRows) / Math.max(1, estimate));
    let lo = state.highWater;
    for (;;) {
      ctx.checkpoint();
      let hi: string | null;
      if (range.min === null || range.max === null) hi = null;
      else {
        hi = await addWidth(db, spec.timeKind, lo ?? range.min, width);
        if (await isBefore(db, spec.timeKind, range.max, hi)) hi = null;
      }
      ctx.journalEvent('batch_started', `copying from ${lo ?? 'the beginning'} to ${hi ?? 'the end'}`, {
        lo,
        hi,
      });
      const n = await copyBatch(db, spec, lo, hi);
      state = {
        ...state,
        rows: state.rows + n,
        batches: state.batches + 1,
        highWater: hi,
        done: hi === null,
      };
      ctx.journalEvent('batch_done', `copied ${n} rows from ${lo ?? 'the beginning'} to ${hi ?? 'the end'}`, {
        lo,
        hi,
        rows: n,
      });
      ctx.stepProgress(state.rows, hi);
      ctx.progress({
        rowsCopied: state.rows,
        rowsTotal: Math.max(rowsTotal, state.rows),
        batches: state.batches,
        highWater: hi,
        batchRows: n,
      });
      if (hi === null) break;
      lo = hi;
      width = nextWidth(width, n, spec.settings.batchRows, minimum);
    }
    return { rows: state.rows, highWater: null, detail: { batches: state.batches } };
  },

  async 'pause-jobs'({ db, spec, detailOf }) {
    const paused = detailOf<{ jobs: number[] }>('pause-jobs')?.jobs ?? [];
    const { rows } = await db.query<{ job_id: number }>(scheduledJobsSql(), [
      spec.names.schema,
      spec.names.newTable,
    ]);
    for (const job of rows) {
      await db.query(alterJobSql(spec, job.job_id, false));
      paused.push(job.job_id);
    }
    return { detail: { jobs: [...new Set(paused)] } };
  },

  async indexes(ctx) {
    const { db, spec } = ctx;
    if (buildsByPartition(spec)) {
      const sessions = await buildPartitionedIndexes(ctx);
      return { rows: spec.indexes.length, detail: { sessions } };
    }
    const r = rel(spec.names);
    for (const idx of spec.indexes) {
      ctx.checkpoint();
      if (idx.kind === 'primary_key' || idx.kind === 'unique_constraint') {
        const { rows } = await db.query(
          `SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = $1::regclass AND conname = $2`,
          [r.newTable, idx.temp],
        );
        if (rows.length > 0) continue;
      }
      ctx.progress({ message: `Building ${qi(idx.source)} on the new table.` });
      await db.query(idx.create);
    }
    ctx.progress({ message: null });
    return { rows: spec.indexes.length };
  },

  async analyze(ctx) {
    return { detail: await gatherStatistics(ctx) };
  },

  async sync(ctx) {
    const { db, spec } = ctx;
    const r = rel(spec.names);
    const info = await readTable(db, spec.sourceOid);
    const keys = keyColumns(spec, info.columns);
    let replayed = 0;
    for (let round = 0; round < 100; round++) {
      ctx.checkpoint();
      const result = await replayRound(db, spec, keys, 'forward', r.source, r.newTable, 50_000);
      replayed += result.entries;
      ctx.progress({
        pendingChanges: result.remaining,
        message: `Replayed ${replayed} captured changes; ${result.remaining} waiting.`,
      });
      // Close enough: the swap replays the rest under its lock.
      if (result.remaining < 1_000) break;
    }
    ctx.progress({ message: null });
    return { rows: replayed };
  },

  async swap(ctx) {
    const { db, spec } = ctx;
    const r = rel(spec.names);
    const info = await readTable(db, spec.sourceOid).catch(() => null);
    const keys = info && spec.captureKey ? keyColumns(spec, info.columns) : null;
    if (keys) {
      // Changes may have piled up since the sync step (a swap confirmed later): keep the locked replay short.
      for (let round = 0; round < 100; round++) {
        ctx.checkpoint();
        const result = await replayRound(db, spec, keys, 'forward', r.source, r.newTable, 50_000);
        ctx.progress({ pendingChanges: result.remaining });
        if (result.remaining < 1_000) break;
      }
    }
    const report = await swapWithRetries(db, spec, 'forward', {
      onAttempt: ctx.swapHooks.onAttempt,
      sleep: ctx.sleep,
      betweenTries: keys
        ? async () => {
            const round = await replayRound(db, spec, keys, 'forward', r.source, r.newTable, 50_000);
            ctx.progress({ pendingChanges: round.remaining });
          }
        : undefined,
    });
    ctx.swapped(report);
    return { rows: report.replayedInSwap ?? 0, detail: { lockHeldMs: report.lockHeldMs } };
  },

  async finish(ctx) {
    const { db, spec, detailOf } = ctx;
    const r = rel(spec.names);
    const swap = detailOf<{ after?: string[] }>('swap-report');
    for (const sql of swap?.after ?? []) {
      ctx.checkpoint();
      await db.query(sql);
    }
    const done: string[] = [];
    if (spec.target === 'timescaledb') {
      const settings = compressionSettingsSql(spec, r.source);
      // A retry after a failure further down finds compression already on: TimescaleDB refuses to enable it twice.
      const enabled = await db.query<{ on: boolean }>(
        `SELECT compression_enabled AS on FROM timescaledb_information.hypertables WHERE hypertable_schema = $1 AND hypertable_name = $2`,
        [spec.names.schema, spec.names.table],
      );
      if (settings && enabled.rows[0]?.on !== true) {
        await withLockRetries(ctx, 'Enabling compression', () => db.query(settings));
        done.push(settings);
      }
      const policy = compressionPolicySql(spec, r.source);
      if (policy) {
        await db.query(policy);
        done.push(policy);
      }
      for (const job of detailOf<{ jobs: number[] }>('pause-jobs')?.jobs ?? []) {
        const sql = alterJobSql(spec, job, true);
        await db.query(sql).catch(() => {}); // a job TimescaleDB dropped meanwhile is fine
        done.push(sql);
      }
    }
    return { detail: { statements: done } };
  },

  async validate(ctx) {
    const report = await validate(ctx.db, ctx.spec, () => new Date());
    ctx.validated(report);
    return { detail: { ok: report.ok } };
  },

  async cleanup(ctx) {
    const { db, spec } = ctx;
    const r = rel(spec.names);
    if (await exists(db, r.oldTable)) {
      const { rows } = await db.query<{ what: string }>(
        `SELECT DISTINCT pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) AS what FROM pg_catalog.pg_depend d
          WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = $1::regclass AND d.deptype = 'n'
            AND d.classid <> 'pg_catalog.pg_class'::regclass AND d.classid <> 'pg_catalog.pg_constraint'::regclass
            AND d.classid <> 'pg_catalog.pg_attrdef'::regclass AND d.classid <> 'pg_catalog.pg_trigger'::regclass
            AND d.classid <> 'pg_catalog.pg_policy'::regclass`,
        [r.oldTable],
      );
      const used = await db.query<{ seq: string }>(
        `SELECT s.oid::regclass::text AS seq FROM pg_catalog.pg_depend o JOIN pg_catalog.pg_class s ON s.oid = o.objid AND s.relkind = 'S'
          WHERE o.refobjid = $1::regclass AND o.deptype = 'a'
            AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend u WHERE u.refobjid = s.oid AND u.classid = 'pg_catalog.pg_attrdef'::regclass
                          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attrdef ad WHERE ad.oid = u.objid AND ad.adrelid = $1::regclass))`,
        [r.oldTable],
      );
      const blockers = [
        ...rows.map((x) => x.what),
        ...used.rows.map((x) => `sequence ${x.seq} (owned by the old table, used elsewhere)`),
      ];
      if (blockers.length > 0) {
        throw new AppError(
          'conflict',
          `The old table ${r.oldTable} is still used by: ${blockers.join('; ')}. Nothing was dropped. Point those at ${r.source} (or drop them), then clean up again.`,
        );
      }
      await db.query(`SET statement_timeout = 0`);
      await db.query(`DROP TABLE ${r.oldTable}`);
    }
    if (await exists(db, r.source)) {
      await withLockRetries(ctx, 'Removing the capture trigger', () =>
        runAll(db, dropCaptureSql(spec, r.source, 'reverse').slice(0, 2)),
      );
    }
    await runAll(db, [
      ...dropCaptureSql(spec, null, 'reverse'),
      ...dropCaptureSql(spec, null, 'forward'),
      releaseSql(spec),
      dropRegistryIfUnusedSql(),
    ]);
    return { detail: { retention: await applyRetention(ctx) } };
  },

  async rollback(ctx) {
    const { db, spec } = ctx;
    const report = await swapWithRetries(db, spec, 'rollback', {
      onAttempt: ctx.swapHooks.onAttempt,
      sleep: ctx.sleep,
    });
    ctx.swapped(report);
    // The original table is back either way: a foreign key that rows written since the swap break stays NOT
    // VALID (it still checks every new row) and the journal says so, rather than failing a finished rollback.
    const notValidated: string[] = [];
    for (const sql of report.after) {
      try {
        await db.query(sql);
      } catch (error) {
        if (sqlState(error) !== '23503') throw error;
        notValidated.push(sql);
        const action =
          `left NOT VALID: ${describePgError(error)}. It checks new rows, not the rows written while it was dropped. ` +
          `Fix or delete the rows that reference nothing, then run: ${sql}`;
        ctx.journalEvent('warning', action, { sql });
        report.moved.push({ kind: 'foreign key (referencing)', name: sql, action });
      }
    }
    if (notValidated.length > 0) ctx.swapped(report);
    return {
      rows: report.replayedInSwap ?? 0,
      detail: { lockHeldMs: report.lockHeldMs, notValidated },
    };
  },

  async 'rollback-drop'({ db, spec }) {
    const r = rel(spec.names);
    await db.query(`SET statement_timeout = 0`);
    await db.query(`DROP TABLE IF EXISTS ${r.rolledBack}`);
    await runAll(db, [
      ...dropCaptureSql(spec, null, 'reverse'),
      ...dropCaptureSql(spec, null, 'forward'),
      releaseSql(spec),
      dropRegistryIfUnusedSql(),
    ]);
    return {};
  },

  /** Before the swap: everything the migration created goes; the source loses only our trigger. */
  async cancel(ctx) {
    const { db, spec } = ctx;
    const r = rel(spec.names);
    const { rows } = await db.query<{ oid: string | null }>(
      `SELECT to_regclass($1)::oid::int8::text AS oid`,
      [r.source],
    );
    if (rows[0]?.oid && Number(rows[0].oid) !== spec.sourceOid) {
      throw new AppError('conflict', 'The tables were already swapped: roll back instead of cancelling.');
    }
    if (rows[0]?.oid) {
      await withLockRetries(ctx, 'Removing the capture trigger', () =>
        runAll(db, dropCaptureSql(spec, r.source, 'forward').slice(0, 2)),
      );
    }
    await db.query(`SET statement_timeout = 0`);
    // Only the table this migration made: one of that name without its marker is left alone.
    if (!(await isForeignShadow(db, spec))) await db.query(`DROP TABLE IF EXISTS ${r.newTable}`);
    await runAll(db, [
      ...dropCaptureSql(spec, null, 'forward'),
      ...((await registryExists(db)) ? [releaseSql(spec), dropRegistryIfUnusedSql()] : []),
    ]);
    return {};
  },
};

/**
 * Retention starts with the cleanup, once the DBA has seen the checklist: a
 * TimescaleDB retention policy, or (native) detaching the partitions older than
 * the retention — their rows stay, in tables of their own.
 */
async function applyRetention(ctx: StepContext): Promise<string[]> {
  const { db, spec, detailOf } = ctx;
  const r = rel(spec.names);
  if (spec.settings.retention === null) return [];
  if (spec.target === 'timescaledb') {
    const sql = retentionPolicySql(spec, r.source);
    if (sql) await db.query(sql);
    return sql ? [sql] : [];
  }
  const done: string[] = [];
  const cast = spec.timeKind === 'integer' ? 'int8' : spec.timeKind;
  const limit =
    spec.timeKind === 'integer'
      ? `(SELECT max(${qi(spec.timeColumn)}) FROM ${r.source}) - $2::int8`
      : `now() - $2::interval`;
  for (const p of detailOf<{ partitions: PartitionBound[] }>('partitions')?.partitions ?? []) {
    const { rows } = await db.query<{ old: boolean; attached: boolean }>(
      `SELECT $1::${cast} <= ${limit} AS old,
              EXISTS (SELECT 1 FROM pg_catalog.pg_inherits WHERE inhrelid = to_regclass($3) AND inhparent = to_regclass($4)) AS attached`,
      [p.to, spec.settings.retention, qn(spec.names.schema, p.name), r.source],
    );
    if (!rows[0]?.old || !rows[0].attached) continue;
    const sql = detachPartitionSql(r.source, spec.names.schema, p.name);
    await withLockRetries(ctx, 'Detaching an old partition', () => db.query(sql));
    done.push(sql);
  }
  return done;
}

async function registryExists(db: Queryable): Promise<boolean> {
  return exists(db, qn(CAPTURE_SCHEMA, 'runs'));
}
