import type pg from 'pg';

/** The one thing engine code needs from a session: a query. Keeps pg's pool out of the SQL modules. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

/** Runs fn in a transaction on the client; rolls back on any error. */
export async function inTransaction<T>(client: Queryable, fn: () => Promise<T>, begin = 'BEGIN'): Promise<T> {
  await client.query(begin);
  try {
    const result = await fn();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** The SQLSTATE of a server error, if it is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** A server error's text with its detail and hint, for the journal and the DBA. */
export function describePgError(error: unknown): string {
  const e = error as { message?: string; detail?: string; hint?: string; code?: string };
  const parts = [e?.message ?? String(error)];
  if (e?.detail) parts.push(`DETAIL: ${e.detail}`);
  if (e?.hint) parts.push(`HINT: ${e.hint}`);
  return parts.join('\n');
}
