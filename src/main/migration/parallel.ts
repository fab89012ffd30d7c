import type { Queryable } from './db';
import type { StepContext } from './step-types';

/**
 * Work shared over several sessions of the profile: the step's own session and
 * up to `wanted - 1` more, never more than the profile's pool holds (its
 * session budget) nor than there are items. Each session takes the next item
 * when it is done with one; after a failure or an interruption every session
 * stops at its next checkpoint, and the first error is thrown once all have. With one
 * session this is a plain loop on the step's session.
 */
export async function onSessions<T>(
  ctx: Pick<StepContext, 'db' | 'checkpoint' | 'sessionLimit' | 'extraSession'>,
  wanted: number,
  items: readonly T[],
  /** `checkpoint` throws once the run is interrupted or another session failed: call it between units of work. */
  work: (db: Queryable, item: T, checkpoint: () => void) => Promise<void>,
): Promise<number> {
  const sessions = await sessionsFor(ctx, wanted, items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const checkpoint = () => {
    if (failure !== null) throw new Error('stopped: another session of this step failed');
    ctx.checkpoint();
  };
  const worker = async (db: Queryable) => {
    while (failure === null && next < items.length) {
      const item = items[next++] as T;
      try {
        checkpoint();
        await work(db, item, checkpoint);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const extras = Array.from({ length: sessions - 1 }, () =>
    ctx.extraSession(worker).catch((error: unknown) => {
      failure ??= { error };
    }),
  );
  await Promise.all([worker(ctx.db), ...extras]);
  if (failure !== null) throw (failure as { error: unknown }).error;
  return sessions;
}

/** How many sessions a step uses: what the DBA set, within the pool, and no more than there is work for. */
export async function sessionsFor(
  ctx: Pick<StepContext, 'sessionLimit'>,
  wanted: number,
  work: number,
): Promise<number> {
  return Math.max(1, Math.min(Math.trunc(wanted), await ctx.sessionLimit(), work));
}
