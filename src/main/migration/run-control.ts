import type { Migration, MigrationProgress, MigrationState, MigrationSummary } from '../../shared/migration';
import {
  allowedActions,
  endingSteps,
  type MigrationActionName,
  refusal,
} from '../../shared/migration-actions';
import { AppError, invalidInput } from '../errors';
import type { Logger } from '../logger';
import type { PoolManager } from '../postgres/pool-manager';
import { qn } from './ident';
import type { MigrationJournal, MigrationRow } from './journal';
import { rel } from './names';
import { runSteps } from './plan';
import { Interrupted, StepRunner } from './runner';
import type { EventSink } from './service';

/**
 * Run control: starting, pausing, cancelling, rolling back and cleaning up a
 * migration, and the background work each launches. Every request is judged
 * by `allowedActions` (shared/migration-actions.ts), the same answer the
 * wizard shows and the CLI checks, so all three refuse the same things.
 */

type Active = { runner: StepRunner; done: Promise<void>; kind: 'run' | 'cancel' | 'rollback' | 'cleanup' };

export interface RunControlOptions {
  journal: MigrationJournal;
  pools: PoolManager;
  events: EventSink;
  logger: Logger;
  now: () => Date;
  /** The migration as the API answers it (the service's get). */
  get: (id: string) => Migration;
  /** The journal row, or a not-found error. */
  row: (id: string) => MigrationRow;
}

export class RunControl {
  private readonly active = new Map<string, Active>();

  constructor(private readonly o: RunControlOptions) {}

  /** Work for this migration is going on in this process. */
  isWorking(id: string): boolean {
    return this.active.has(id);
  }

  /** What can be done to the migration now: the one answer sent with it and enforced here. */
  allowed(row: MigrationRow): MigrationSummary['allowedActions'] {
    // An operation that ends the migration and was started (then failed or was cut short) is run again, never resumed.
    const endingOp = this.o.journal
      .steps(row.id)
      .find((s) => endingSteps.includes(s.key) && s.state !== 'pending')?.key;
    return allowedActions({
      state: row.state,
      swapped: row.swappedAt !== null,
      working: this.active.has(row.id),
      failedStep: row.state === 'failed' ? (endingOp ?? row.error?.step ?? null) : null,
    });
  }

  /** The row when one of `actions` is allowed now; otherwise a conflict saying why and what is possible. */
  guard(id: string, ...actions: MigrationActionName[]): MigrationRow {
    const row = this.o.row(id);
    const allowed = this.allowed(row);
    if (actions.some((a) => allowed.includes(a))) return row;
    const why = refusal({ id, state: row.state, allowedActions: allowed }, actions[0]!);
    throw new AppError('conflict', `${why} ${this.hint(row, actions[0]!)}`.trim());
  }

  /** The cause behind a refusal, where the state alone does not say it. */
  private hint(row: MigrationRow, action: MigrationActionName): string {
    const active = this.active.get(row.id);
    if (active && (action === 'run' || action === 'resume' || action === 'swap'))
      return `It is already running (${active.kind}): pause it or wait for it.`;
    if (active) return 'It is busy: wait for it.';
    if (action === 'cancel' && row.swappedAt) return 'The tables were already swapped: roll back instead.';
    if (action === 'pause') return 'It is not running.';
    if (action === 'resume' && row.state === 'failed')
      return 'It failed while being cancelled, rolled back or cleaned up: run that again.';
    if (action === 'run' && row.state === 'ready_to_swap') return 'It is ready to swap: confirm the swap.';
    return '';
  }

  /**
   * Runs (or resumes) up to the swap, and through it when the swap is confirmed
   * or automatic. `asked` narrows what the request may do ('migration:resume' only resumes).
   */
  start(id: string, confirmSwap: boolean, asked?: MigrationActionName): Migration {
    const either: MigrationActionName[] = confirmSwap ? ['swap', 'resume'] : ['run', 'resume'];
    const row = this.guard(id, ...(asked ? [asked] : either));
    const others = this.o.journal
      .list(row.profileId)
      .filter(
        (m) => m.id !== id && m.schema === row.schema && m.table === row.table && this.active.has(m.id),
      );
    if (others.length > 0)
      throw new AppError('conflict', `Another migration of ${qn(row.schema, row.table)} is running.`);
    this.setState(id, 'running');
    this.launch(id, 'run', async (runner) => {
      const steps = runSteps(row.spec).map((s) => s.key);
      const swapAt = steps.indexOf('swap');
      try {
        await runner.run(steps.slice(0, swapAt), 'running');
        if (row.spec.settings.swap.mode === 'confirm' && !confirmSwap && !this.o.journal.get(id)?.swappedAt) {
          this.setState(id, 'ready_to_swap', {}, 'Copied and in sync. Confirm the swap when you are ready.');
          runner.finish('ready_to_swap', 'Copied and in sync. Confirm the swap when you are ready.');
          return;
        }
        await runner.run(steps.slice(swapAt), 'running');
        this.setState(id, 'swapped');
        runner.finish('swapped', null);
        this.o.logger.info({ migrationId: id }, 'migration swapped and validated');
      } catch (error) {
        await this.afterInterruption(id, runner, error);
      }
    });
    return this.o.get(id);
  }

  pause(id: string): Migration {
    this.guard(id, 'pause');
    const active = this.active.get(id);
    if (active?.kind !== 'run') throw new AppError('conflict', `Migration ${id} is not running.`);
    active.runner.interrupt('pause');
    return this.o.get(id);
  }

  cancel(id: string): Migration {
    const row = this.guard(id, 'cancel');
    const active = this.active.get(id);
    if (active) {
      if (active.kind !== 'run') throw new AppError('conflict', 'This migration is busy; wait for it.');
      active.runner.interrupt('cancel');
      this.setState(id, 'cancelling');
      return this.o.get(id);
    }
    if (row.state === 'planned') {
      this.setState(id, 'cancelled', { finished: true });
      return this.o.get(id);
    }
    this.runCancel(id, this.runner(id));
    return this.o.get(id);
  }

  /** Puts the original table back; before the swap there is nothing to swap back, so it cancels. */
  rollback(id: string): Migration {
    const row = this.guard(id, 'rollback');
    if (!row.swappedAt) return this.cancel(id);
    this.setState(id, 'rolling_back');
    this.o.journal.resetSteps(id, ['rollback', 'rollback-drop']);
    this.launch(id, 'rollback', async (runner) => {
      try {
        await runner.run(['rollback', 'rollback-drop'], 'rolling_back');
        this.setState(
          id,
          'rolled_back',
          { finished: true },
          'Rolled back: the original table is back under its name, with the rows written since the swap.',
        );
        runner.finish('rolled_back', null);
      } catch (error) {
        await this.failTerminalOp(id, runner, 'rollback', error);
      }
    });
    return this.o.get(id);
  }

  cleanup(id: string, confirmTableName: string | undefined): Migration {
    const row = this.guard(id, 'cleanup');
    const early = row.keepUntil !== null && this.o.now() < new Date(row.keepUntil);
    // The name typed is the name of what is dropped, not of the live table.
    const dropped = row.spec.names.oldTable;
    if (early && confirmTableName !== dropped) {
      throw invalidInput(
        `The old table is kept until ${row.keepUntil}. To drop it now, type the name of the table cleanup drops (${dropped}) to confirm.`,
        { confirmTableName: `Type ${dropped} to confirm.` },
      );
    }
    this.setState(id, 'cleaning_up');
    this.o.journal.resetSteps(id, ['cleanup']);
    this.launch(id, 'cleanup', async (runner) => {
      try {
        await runner.run(['cleanup'], 'cleaning_up');
        this.setState(
          id,
          'cleaned_up',
          { finished: true },
          `The old table ${rel(row.spec.names).oldTable} and the capture objects were dropped.`,
        );
        runner.finish('cleaned_up', null);
      } catch (error) {
        await this.failTerminalOp(id, runner, 'cleanup', error);
      }
    });
    return this.o.get(id);
  }

  /** Resolves when nothing runs for this migration (the CLI and tests wait on it). */
  async whenIdle(id: string): Promise<Migration> {
    for (let active = this.active.get(id); active; active = this.active.get(id)) await active.done;
    return this.o.get(id);
  }

  /** Stops every run at its next safe point without marking anything (as if the app closed). */
  stopAll(): Promise<unknown> {
    for (const { runner } of this.active.values()) runner.interrupt('stop');
    return Promise.allSettled([...this.active.values()].map((a) => a.done));
  }

  // ------------------------------------------------------------------ background work

  private runner(id: string): StepRunner {
    const { journal, pools, events, logger, now } = this.o;
    return new StepRunner(
      {
        journal,
        withSession: (profileId, fn) => pools.withClient(profileId, fn),
        sessionLimit: (profileId) => pools.sessionLimit(profileId),
        emitProgress: (p: MigrationProgress) => events.emit('migration:progress', p),
        emitSwapAttempt: (migrationId, direction, attempt, maxAttempts, nextRetryInMs) =>
          events.emit('migration:swapAttempted', {
            migrationId,
            direction,
            attempt,
            maxAttempts,
            nextRetryInMs,
          }),
        logger,
        now,
      },
      id,
    );
  }

  private setState(
    id: string,
    state: MigrationState,
    extra: Parameters<MigrationJournal['setState']>[2] = {},
    message: string | null = null,
  ) {
    this.o.journal.setState(id, state, extra);
    this.o.events.emit('migration:stateChanged', {
      migrationId: id,
      state,
      message: message ?? extra.error?.message ?? null,
    });
  }

  private launch(id: string, kind: Active['kind'], work: (runner: StepRunner) => Promise<void>): void {
    const runner = this.runner(id);
    const done = work(runner)
      .catch((error) =>
        this.o.logger.error({ err: error, migrationId: id }, 'migration work failed unexpectedly'),
      )
      .finally(() => {
        if (this.active.get(id)?.runner === runner) this.active.delete(id);
      });
    this.active.set(id, { runner, done, kind });
  }

  private failure(row: MigrationRow, step: string | null, error: unknown): MigrationSummary['error'] {
    const r = rel(row.spec.names);
    const title =
      row.plan.phases.flatMap((p) => p.steps).find((s) => s.key === step)?.title ?? step ?? 'the migration';
    const what = error instanceof AppError ? error.message : ((error as Error)?.message ?? String(error));
    const fresh = this.o.journal.get(row.id) ?? row;
    const where =
      fresh.swappedAt === null
        ? `The original table ${r.source} is untouched and in use${row.spec.captureKey ? ' (the capture trigger stays on it so the migration can resume)' : ''}. Fix the cause and resume, or cancel to remove everything this migration created.`
        : `The new table is in place as ${r.source}; the old one is kept as ${r.oldTable}. Fix the cause and resume, or roll back.`;
    return {
      step,
      message: `"${title}" failed: ${what} ${where}`,
      detail: (error as { detail?: string })?.detail ?? null,
      at: this.o.now().toISOString(),
    };
  }

  private async afterInterruption(id: string, runner: StepRunner, error: unknown): Promise<void> {
    if (error instanceof Interrupted) {
      if (error.reason === 'stop') return;
      if (error.reason === 'cancel') {
        this.runCancel(id, runner);
        return;
      }
      const p = runner.lastProgress;
      const message = `Paused${p.step === 'copy' ? ` after batch ${p.batches} (${p.rowsCopied} rows copied)` : ''}. The source table is in use; resume to continue.`;
      this.setState(id, 'paused', {}, message);
      runner.finish('paused', message);
      return;
    }
    const row = this.o.journal.get(id)!;
    const failed = this.o.journal.steps(id).find((s) => s.state === 'failed' || s.state === 'running');
    const err = this.failure(row, failed?.key ?? null, error);
    this.o.logger.warn({ migrationId: id, error: err?.message }, 'migration step failed');
    this.setState(id, 'failed', { error: err });
    runner.finish('failed', err?.message ?? null);
  }

  private runCancel(id: string, previous: StepRunner): void {
    this.setState(id, 'cancelling');
    const work = async (runner: StepRunner) => {
      this.o.journal.resetSteps(id, ['cancel']);
      try {
        await runner.run(['cancel'], 'cancelling');
        this.setState(
          id,
          'cancelled',
          { finished: true },
          'Cancelled: everything this migration created was removed; the original table is as it was.',
        );
        runner.finish('cancelled', null);
      } catch (error) {
        await this.failTerminalOp(id, runner, 'cancel', error);
      }
    };
    if (this.active.get(id)?.runner === previous) {
      // Called from inside the run that was cancelled: continue in the same slot.
      const runner = this.runner(id);
      this.active.set(id, {
        runner,
        done: work(runner).finally(() => this.active.delete(id)),
        kind: 'cancel',
      });
    } else {
      this.launch(id, 'cancel', work);
    }
  }

  private async failTerminalOp(id: string, runner: StepRunner, op: string, error: unknown): Promise<void> {
    if (error instanceof Interrupted && error.reason === 'stop') return;
    const what = error instanceof AppError ? error.message : ((error as Error)?.message ?? String(error));
    const message = `The ${op} did not finish: ${what} Run the ${op} again once the cause is fixed.`;
    this.setState(id, 'failed', {
      error: { step: op, message, detail: null, at: this.o.now().toISOString() },
    });
    runner.finish('failed', message);
    this.o.logger.warn({ migrationId: id, op, error: what }, 'migration operation failed');
  }
}
