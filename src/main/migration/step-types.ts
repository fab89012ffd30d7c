import type { PhaseId, PlanStep, ValidationReport } from '../../shared/migration';
import type { Queryable } from './db';
import { withLockRetries } from './lock-retry';
import type { PlanContext } from './plan';
import type { MigrationSpec } from './spec';
import type { SwapHooks, swapWithRetries } from './swap';

/**
 * What a step is: one definition per key (catalogue.ts and the target files)
 * holding what the plan shows and what the engine runs. Every step can run
 * again after a crash at any point (IF NOT EXISTS, guards on the catalog, the
 * copy's high-water mark on the server) and reports what it did for the journal.
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

export type Executor = (ctx: StepContext) => Promise<StepResult>;

/** One step: the plan's words and SQL, and how the engine runs it. */
export interface StepDef {
  key: string;
  phase: PhaseId;
  /** As the journal and the progress say it. */
  title: string;
  /** The plan's title, where it says more than the journal's. */
  planTitle?: string;
  runs: PlanStep['runs'];
  /** In this spec's forward run (absent: always). Phase D steps are on demand and never in it. */
  when?(spec: MigrationSpec): boolean;
  why(ctx: PlanContext): string;
  /** What the plan shows and the export writes; absent for steps the plan does not show (rollback-drop, cancel). */
  shown?(ctx: PlanContext): string[];
  execute: Executor;
}

export async function exists(db: Queryable, relation: string): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [relation]);
  return rows[0]?.ok === true;
}

export async function runAll(db: Queryable, statements: string[]): Promise<void> {
  for (const sql of statements) await db.query(sql);
}

/** DDL on a table the application uses, from a step: lock-retry.ts, with the retries said in the progress. */
export function withTableLock<T>(ctx: StepContext, what: string, fn: () => Promise<T>): Promise<T> {
  const { attempts } = ctx.spec.settings.swap;
  return withLockRetries(ctx.db, ctx.spec.settings.swap, fn, {
    sleep: (ms) => ctx.sleep(ms),
    onBusy(attempt, _error, wait) {
      if (wait === null) return;
      ctx.progress({
        message: `${what}: the table is busy (try ${attempt} of ${attempts}); trying again in ${Math.round(wait / 100) / 10} s.`,
      });
    },
  });
}
