import { canSizeExpr } from './database-size';

/**
 * The first round trip of a storage sample: open the read-only transaction,
 * make sure it cannot wait forever, and read what the rest of the sample is
 * chosen by (the server's facts, postgres/server-facts.ts, unless the pool
 * keeps them; what may be sized and how much), the database sizes (see
 * database-size.ts) and the AccessExclusiveLocks held or awaited right now
 * (see locks.ts).
 *
 * Everything here is a simple-protocol batch without parameters, so it costs
 * one round trip; the statements run in order and a failure skips the rest.
 */

/** The name of the savepoint the relation statement can roll back to (lock timeout → retry). */
export const SIZES_SAVEPOINT = 'tidemark_sizes';

/**
 * One snapshot for every statement of the sample (REPEATABLE READ), so the
 * hypertable and partition rollups of one statement agree with the relations of
 * another. Size functions still see the files as they are now.
 */
export const beginSql = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

/**
 * PoolManager's sessions already carry a statement_timeout and a lock_timeout;
 * a caller that forgot them (a script, a test) still never waits forever. Only
 * raises a limit that is off (0), for this transaction only.
 */
export const guardSql = [
  `SELECT pg_catalog.set_config('lock_timeout', '3s', true) WHERE pg_catalog.current_setting('lock_timeout') = '0'`,
  `SELECT pg_catalog.set_config('statement_timeout', '60s', true) WHERE pg_catalog.current_setting('statement_timeout') = '0'`,
];

export interface ContextRow {
  /** May run the relation size functions (someone may have revoked EXECUTE from PUBLIC). */
  can_size: boolean;
  /**
   * What the statistics say pg_class holds (every relation, index and TOAST table):
   * an upper bound of the relations to size, free to read. -1 when unknown.
   */
  class_rows: number;
}

export const contextSql = `
SELECT ${canSizeExpr} AS can_size,
       (SELECT CASE WHEN c.reltuples < 0 THEN -1
                    ELSE GREATEST(c.reltuples::int8, pg_catalog.pg_stat_get_live_tuples(c.oid)) END
        FROM pg_catalog.pg_class c WHERE c.oid = 'pg_catalog.pg_class'::regclass)::float8 AS class_rows`;

export function savepointSql(name: string): string {
  return `SAVEPOINT ${name}`;
}

export function rollbackToSql(name: string): string {
  return `ROLLBACK TO SAVEPOINT ${name}`;
}
