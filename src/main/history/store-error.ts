import { AppError, notFound } from '../errors';

/** Turns SQLite's errors into ones the router can show; a profile deleted meanwhile is the expected one. */
export function storeError(err: unknown, what: string): Error {
  if (err instanceof AppError) return err;
  const code = (err as { code?: string })?.code;
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return notFound('That profile no longer exists.');
  const detail = err instanceof Error ? err.message : String(err);
  return new AppError('store_error', `${what} could not be stored in the local history.`, undefined, detail);
}
