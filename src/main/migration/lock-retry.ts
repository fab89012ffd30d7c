import type { MigrationSettings } from '../../shared/migration';
import { isLockBusy } from '../postgres/sqlstate';
import { inTransaction, type Queryable } from './db';
import { lockTimeoutSql } from './sql/swap';

/**
 * DDL on a table the application uses, the one way the engine does it (the
 * swap, the rollback, installing or removing a trigger, detaching a
 * partition): a transaction whose lock waits at most lock_timeout, so the
 * application's queries queued behind it wait no longer than that; a try that
 * times out (or deadlocks) is rolled back and retried after a growing pause.
 */

export interface LockRetryHooks {
  /**
   * A try found the table busy. `waitMs` is the pause before the next try, or
   * null after the last one (the caller may throw its own error then; if it
   * does not, the server's error is thrown).
   */
  onBusy(attempt: number, error: unknown, waitMs: number | null): void | Promise<void>;
  /** Resolves after ms unless the run is stopped (then it throws). */
  sleep(ms: number): Promise<void>;
  /** After the pause, before the next try. */
  afterPause?(): Promise<void>;
}

/** The pause after try `attempt`: the backoff doubled each time, at most 30 s. */
export function pauseAfter(attempt: number, backoffMs: number): number {
  return Math.min(30_000, backoffMs * 2 ** (attempt - 1));
}

export async function withLockRetries<T>(
  db: Queryable,
  swap: MigrationSettings['swap'],
  fn: (attempt: number) => Promise<T>,
  hooks: LockRetryHooks,
): Promise<T> {
  const { lockTimeoutMs, attempts, backoffMs } = swap;
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(db, async () => {
        await db.query(lockTimeoutSql(lockTimeoutMs));
        return fn(attempt);
      });
    } catch (error) {
      if (!isLockBusy(error)) throw error;
      const wait = attempt >= attempts ? null : pauseAfter(attempt, backoffMs);
      await hooks.onBusy(attempt, error, wait);
      if (wait === null) throw error;
      await hooks.sleep(wait);
      if (hooks.afterPause) await hooks.afterPause();
    }
  }
}
