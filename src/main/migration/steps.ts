import { AppError } from '../errors';
import { hasSqlState, SqlState } from '../postgres/sqlstate';
import { claimSql, installCaptureSql, keyColumns, registrySql, replayRound } from './capture';
import { readTable } from './catalog';
import { boundAfter, copyBatch, nextWidth, readCopyState, sourceRange, sourceRows, span } from './copy';
import { qi, qn } from './ident';
import { buildPartitionedIndexes, buildsByPartition } from './index-build';
import { CAPTURE_SCHEMA, rel } from './names';
import { shadowOf, verifyOwnObjects } from './ownership';
import { copiesInSlices, copyInSlices } from './parallel-copy';
import { gatherStatistics } from './partition-stats';
import { createTableSql } from './sql/table';
import { type Executor, exists, runAll, withTableLock } from './step-types';

/**
 * How the steps that prepare the new table and fill it run (their plan text
 * is in catalogue.ts): the registry, the new table, the capture, the copy,
 * the index builds, the statistics and the replay of captured changes.
 */

export const executors: Record<string, Executor> = {
  async registry({ db, spec }) {
    await runAll(db, registrySql());
    try {
      await db.query(claimSql(spec));
    } catch (error) {
      if (hasSqlState(error, SqlState.uniqueViolation)) {
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

  async capture(ctx) {
    const { db, spec } = ctx;
    const r = rel(spec.names);
    const info = await readTable(db, spec.sourceOid, spec.server);
    const sql = installCaptureSql(spec, keyColumns(spec, info.columns), r.source, 'forward');
    // CREATE TRIGGER waits for the writes in progress: keep that wait short.
    await withTableLock(ctx, 'Installing the capture trigger', () => runAll(db, sql));
    return {};
  },
  async copy(ctx) {
    const { db, spec } = ctx;
    let state = await readCopyState(db, spec);
    const range = await sourceRange(db, spec);
    const { estimate, forBatches } = await sourceRows(db, spec);
    const rowsTotal = Math.max(estimate, state.rows);
    ctx.progress({ rowsCopied: state.rows, rowsTotal, batches: state.batches, highWater: state.highWater });
    if (state.done) return { rows: state.rows, highWater: null };
    if (await copiesInSlices(ctx, state.batches)) {
      const copied = await copyInSlices(ctx, range, estimate, forBatches);
      return { rows: copied.rows, highWater: null, detail: { batches: copied.batches } };
    }
    const minimum = spec.timeKind === 'timestamptz' || spec.timeKind === 'timestamp' ? 0.001 : 1;
    const whole = range.min && range.max ? await span(db, spec.timeKind, range.min, range.max) : 0;
    let width = Math.max(minimum, (whole * spec.settings.batchRows) / forBatches);
    let lo = state.highWater;
    for (;;) {
      ctx.checkpoint();
      let hi: string | null = null;
      if (range.min !== null && range.max !== null) {
        const next = await boundAfter(db, spec.timeKind, lo ?? range.min, width, range.max);
        if (next.vsLimit <= 0) hi = next.bound;
      }
      ctx.journalEvent('batch_started', `copying from ${lo ?? 'the beginning'} to ${hi ?? 'the end'}`, {
        lo,
        hi,
      });
      const taken = await copyBatch(db, spec, lo, hi);
      const n = taken.rows;
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
      width = nextWidth(width, taken, spec.settings, minimum);
    }
    return { rows: state.rows, highWater: null, detail: { batches: state.batches } };
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
    const info = await readTable(db, spec.sourceOid, spec.server);
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
};
