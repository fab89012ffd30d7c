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

/**
 * Statements sent as one message (the simple query protocol): one round trip
 * however many there are. Values go in the text (sql/params.ts literals()).
 * Returns each statement's result.
 */
export async function inOneTrip(client: Queryable, statements: string[]): Promise<pg.QueryResult[]> {
  const result = (await client.query(statements.join(';\n'))) as pg.QueryResult | pg.QueryResult[];
  return Array.isArray(result) ? result : [result];
}
