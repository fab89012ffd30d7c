import { describePgError, hasSqlState, SqlState } from '../postgres/sqlstate';
import { keyColumns, replayRound } from './capture';
import { readTable } from './catalog';
import { rel } from './names';
import type { Executor } from './step-types';
import { swapWithRetries } from './swap';
import { targetOf } from './targets';
import { validate } from './validate';

/** How the swap, what follows it, the validation and the rollback run (their plan text is in catalogue.ts). */

export const swapExecutors: Record<'swap' | 'finish' | 'validate' | 'rollback', Executor> = {
  async swap(ctx) {
    const { db, spec } = ctx;
    const r = rel(spec.names);
    const info = await readTable(db, spec.sourceOid, spec.server).catch(() => null);
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

  /** Constraint validation the swap left for after its commit, then the target's own (compression, jobs). */
  async finish(ctx) {
    const { db, detailOf } = ctx;
    const swap = detailOf<{ after?: string[] }>('swap-report');
    for (const sql of swap?.after ?? []) {
      ctx.checkpoint();
      await db.query(sql);
    }
    return { detail: { statements: await targetOf(ctx.spec).finish.run(ctx) } };
  },

  async validate(ctx) {
    const report = await validate(ctx.db, ctx.spec, () => new Date());
    ctx.validated(report);
    return { detail: { ok: report.ok } };
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
        if (!hasSqlState(error, SqlState.foreignKeyViolation)) throw error;
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
};
