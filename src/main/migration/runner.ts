import type pg from 'pg';
import type { MigrationProgress, MigrationState, SwapAttempt, SwapReport } from '../../shared/migration';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { ConnectionFailedError } from '../postgres/failure';
import { describePgError, hasSqlState, isServerShutdown, SqlState } from '../postgres/sqlstate';
import { stepOf } from './catalogue';
import type { MigrationJournal } from './journal';
import { shadowOf, verifyOwnObjects } from './ownership';
import { type ProgressSample, progressRate, pushSample } from './progress-rate';
import type { StepContext } from './step-types';

/**
 * Drives one sequence of steps for one migration (a run, a cancel, a
 * rollback, a cleanup): journals each step before and after it runs, emits
 * progress, honours pause / cancel / stop between units of work, and retries
 * a step whose connection dropped. The steps themselves are idempotent.
 */

export interface RunnerDeps {
  journal: MigrationJournal;
  /** A session of the profile, for the length of fn (the engine's own admin pool). */
  withSession<T>(profileId: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /** The most sessions of the profile a step may hold at once (its pool size). */
  sessionLimit(profileId: string): Promise<number>;
  emitProgress(progress: MigrationProgress): void;
  emitSwapAttempt(
    id: string,
    direction: 'forward' | 'rollback',
    attempt: SwapAttempt,
    max: number,
    next: number | null,
  ): void;
  logger: Logger;
  now: () => Date;
}

/** Why a run stopped early. */
export class Interrupted extends Error {
  constructor(readonly reason: 'pause' | 'cancel' | 'stop') {
    super(`interrupted: ${reason}`);
  }
}

const CONNECTION_RETRIES = 6;
/** Steps that never write into the new table (by its pre-swap name): they check only the schema's objects. */
const AFTER_OR_INSTEAD = ['cleanup', 'rollback', 'rollback-drop', 'cancel'];
const PROGRESS_EVERY_MS = 250;

function isConnectionLoss(error: unknown): boolean {
  if (error instanceof ConnectionFailedError) return true;
  const e = error as { message?: string; code?: string };
  return (
    isServerShutdown(error) ||
    hasSqlState(
      error,
      SqlState.connectionFailure,
      SqlState.connectionDoesNotExist,
      SqlState.unableToConnect,
    ) ||
    ['ECONNRESET', 'EPIPE', 'ECONNREFUSED'].includes(e?.code ?? '') ||
    /Connection terminated|Client was closed|not queryable|ECONNRESET|socket hang up/i.test(e?.message ?? '')
  );
}

/** Every session a step uses is set up alike; returns the profile's statement_timeout to put back. */
async function prepareSession(client: pg.PoolClient): Promise<string> {
  await client.query(
    `SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; SET row_security = off`,
  );
  const { rows } = await client.query<{ t: string }>(`SELECT current_setting('statement_timeout') AS t`);
  // Batches, index builds and validations may take longer than the profile's statement timeout.
  await client.query(`SET statement_timeout = 0`);
  return rows[0]?.t ?? '0';
}

async function restoreSession(client: pg.PoolClient, timeout: string): Promise<void> {
  if (client.getTransactionStatus?.() !== 'I') return;
  await client.query(`SELECT set_config('statement_timeout', $1, false)`, [timeout]).catch(() => {});
}

export class StepRunner {
  private request: Interrupted['reason'] | null = null;
  private wake: (() => void) | null = null;
  private progress: MigrationProgress;
  private lastEmit = 0;
  /** The copy's recent progress, for its rate and time left (progress-rate.ts). */
  private copySamples: ProgressSample[] = [];

  constructor(
    private readonly deps: RunnerDeps,
    readonly migrationId: string,
  ) {
    const row = deps.journal.get(migrationId);
    this.progress = row?.progress ?? {
      migrationId,
      state: 'running',
      phase: null,
      step: null,
      stepTitle: null,
      rowsCopied: 0,
      rowsTotal: 0,
      batches: 0,
      rate: null,
      etaSeconds: null,
      highWater: null,
      pendingChanges: null,
      message: null,
      at: deps.now().toISOString(),
    };
  }

  /** Ask the run to stop at the next safe point. */
  interrupt(reason: Interrupted['reason']): void {
    // A stop (the app closing) wins over anything else; otherwise the first request stands.
    if (reason === 'stop' || this.request === null) this.request = reason;
    this.wake?.();
  }

  get stopping(): boolean {
    return this.request === 'stop';
  }

  private checkpoint(): void {
    if (this.request) throw new Interrupted(this.request);
  }

  private sleep(ms: number): Promise<void> {
    this.checkpoint();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        reject(new Interrupted(this.request ?? 'stop'));
      };
    });
  }

  private emit(update: Partial<MigrationProgress>, force = false): void {
    const p = { ...this.progress, ...update, at: this.deps.now().toISOString() };
    if (update.rowsCopied !== undefined && p.step === 'copy') {
      this.copySamples = pushSample(this.copySamples, { atMs: performance.now(), rows: p.rowsCopied });
      Object.assign(p, progressRate(this.copySamples, p.rowsTotal));
    }
    this.progress = p;
    const t = performance.now();
    if (!force && t - this.lastEmit < PROGRESS_EVERY_MS) return;
    this.lastEmit = t;
    if (this.request === 'stop') return; // a stopped run writes nothing more
    this.deps.journal.setProgress(this.migrationId, p);
    this.deps.emitProgress(p);
  }

  /**
   * Runs the steps in order, skipping those the journal has as done. Throws
   * Interrupted when paused, cancelled or stopped, or the step's error.
   */
  async run(keys: string[], state: MigrationState): Promise<void> {
    const { journal } = this.deps;
    const id = this.migrationId;
    this.emit({ state, message: null }, true);
    for (const key of keys) {
      const status = journal.steps(id).find((s) => s.key === key);
      if (!status) throw new Error(`unknown step ${key}`);
      if (status.state === 'done' || status.state === 'skipped') continue;
      this.checkpoint();
      await this.runStep(key, status.title, status.phase);
    }
  }

  private async runStep(key: string, title: string, phase: MigrationProgress['phase']): Promise<void> {
    const { journal, logger } = this.deps;
    const id = this.migrationId;
    const execute = stepOf(journal.get(id)!.spec, key)?.execute;
    if (!execute) throw new Error(`no executor for step ${key}`);
    if (this.request === 'stop') throw new Interrupted('stop');
    journal.stepStarted(id, key);
    if (key === 'copy') this.copySamples = [];
    this.emit({ phase, step: key, stepTitle: title, message: null }, true);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.deps.withSession(journal.get(id)!.profileId, async (client) => {
          const timeout = await prepareSession(client);
          try {
            const row = journal.get(id)!;
            // Tidemark's objects on the server are checked to be its own before every step uses them.
            const shadow =
              row.swappedAt === null && !AFTER_OR_INSTEAD.includes(key) ? shadowOf(row.spec) : null;
            await verifyOwnObjects(client, shadow);
            return await execute(this.context(client, key));
          } finally {
            await restoreSession(client, timeout);
          }
        });
        if (this.stopping) throw new Interrupted('stop');
        journal.stepDone(id, key, result);
        return;
      } catch (error) {
        if (error instanceof Interrupted || this.stopping) {
          if (!this.stopping)
            journal.addEvent(id, 'interrupted', key, `${key} interrupted (${this.request})`, null);
          throw error instanceof Interrupted ? error : new Interrupted('stop');
        }
        if (isConnectionLoss(error) && attempt < CONNECTION_RETRIES) {
          const wait = Math.min(16_000, 500 * 2 ** (attempt - 1));
          const message = `The connection to the server was lost during "${title}"; resuming from the journal in ${Math.round(wait / 100) / 10} s (try ${attempt + 1} of ${CONNECTION_RETRIES}).`;
          logger.warn(
            { migrationId: id, step: key, error: (error as Error).message },
            'migration step lost its connection',
          );
          journal.addEvent(id, 'connection_lost', key, message, { error: (error as Error).message });
          this.emit({ message }, true);
          await this.sleep(wait);
          continue;
        }
        const text = error instanceof AppError ? error.message : describePgError(error);
        journal.stepFailed(id, key, text);
        throw error;
      }
    }
  }

  private context(client: pg.PoolClient, key: string): StepContext {
    const { journal } = this.deps;
    const id = this.migrationId;
    const row = journal.get(id)!;
    return {
      db: client,
      spec: row.spec,
      sessionLimit: () => this.deps.sessionLimit(row.profileId),
      extraSession: (fn) =>
        this.deps.withSession(row.profileId, async (extra) => {
          const timeout = await prepareSession(extra);
          try {
            return await fn(extra);
          } finally {
            await restoreSession(extra, timeout);
          }
        }),
      checkpoint: () => this.checkpoint(),
      sleep: (ms) => this.sleep(ms),
      progress: (u) => {
        const { batchRows: _ignored, ...rest } = u;
        // One event per batch: batches are sized to take a while, and the wizard's bar should move with each.
        const force = rest.message !== undefined || u.batchRows !== undefined;
        this.emit(
          Object.fromEntries(
            Object.entries(rest).filter(([, v]) => v !== undefined),
          ) as Partial<MigrationProgress>,
          force,
        );
      },
      journalEvent: (kind, message, data) => {
        if (this.request !== 'stop') journal.addEvent(id, kind, key, message, data ?? null);
      },
      stepProgress: (rows, highWater) => {
        if (this.request !== 'stop') journal.stepProgress(id, key, rows, highWater);
      },
      detailOf: <T>(k: string): T | null =>
        k === 'swap-report' ? ((journal.get(id)?.swap ?? null) as T | null) : journal.stepDetail<T>(id, k),
      swapHooks: {
        onAttempt: (attempt, next) => {
          const direction = key === 'rollback' ? 'rollback' : 'forward';
          journal.addEvent(id, 'swap_attempt', key, attempt.message, attempt);
          this.deps.emitSwapAttempt(id, direction, attempt, row.spec.settings.swap.attempts, next);
          this.emit({ message: attempt.message }, true);
        },
      },
      validated: (report) => journal.setValidation(id, report),
      swapped: (report: SwapReport & { after: string[] }) => {
        journal.setSwap(id, report);
        if (key === 'swap') {
          const at = this.deps.now();
          const keepUntil = new Date(at.getTime() + row.spec.settings.keepOldDays * 86_400_000).toISOString();
          journal.setState(id, 'running', { swappedAt: at.toISOString(), keepUntil });
        }
      },
    };
  }

  get lastProgress(): MigrationProgress {
    return this.progress;
  }

  /** The final progress of a run, whatever ended it. */
  finish(state: MigrationState, message: string | null): void {
    if (this.request === 'stop') return;
    // The state event itself comes from the service, which records the state.
    this.emit({ state, message }, true);
  }
}
