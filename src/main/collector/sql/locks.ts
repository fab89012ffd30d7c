/**
 * Which relations must not be sized right now. Size functions take an
 * AccessShareLock on the table, its TOAST table and every index; that waits
 * behind a granted AccessExclusiveLock, and also behind a *waiting* one (the
 * lock queue is fair), which is how PgHero froze behind a migration. So a
 * relation is left alone when it, its TOAST table, its TOAST index or any of
 * its indexes has an AccessExclusiveLock granted or requested by another
 * session. Reading pg_locks takes no relation lock.
 *
 * The result maps each locked relation to the table whose sizing it would
 * stall (an index → its table, a TOAST table → its owner).
 */

export interface LockRow {
  /** The table, matview, partition or chunk whose sizing would wait. */
  owner: number;
  /** The relation that is actually locked (the owner itself, or one of its indexes / its TOAST). */
  locked: number;
  granted: boolean;
  /** Backends holding or awaiting the lock (empty for a prepared transaction). */
  pids: number[];
}

const lockedRelationsCte = `
locked AS (
  SELECT l.relation AS oid,
         pg_catalog.bool_or(l.granted) AS granted,
         coalesce(pg_catalog.array_agg(DISTINCT l.pid) FILTER (WHERE l.pid IS NOT NULL), '{}') AS pids
  FROM pg_catalog.pg_locks l
  WHERE l.locktype = 'relation'
    AND l.mode = 'AccessExclusiveLock'
    AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
    AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
  GROUP BY l.relation
),
locked_heap AS (
  -- an index stalls the sizing of its table (or of the TOAST table it indexes)
  SELECT l.oid AS locked, coalesce(i.indrelid, l.oid) AS oid, l.granted, l.pids
  FROM locked l LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = l.oid
),
locked_owner AS (
  -- a TOAST table stalls the sizing of the table that owns it
  SELECT h.locked,
         coalesce((SELECT t.oid FROM pg_catalog.pg_class t WHERE x.relkind = 't' AND t.reltoastrelid = x.oid),
                  h.oid) AS owner,
         h.granted, h.pids
  FROM locked_heap h LEFT JOIN pg_catalog.pg_class x ON x.oid = h.oid
)`;

/** Standalone: the first check, and the re-read after a lock timeout. */
export const locksSql = `
WITH ${lockedRelationsCte}
SELECT owner, locked, granted, pids FROM locked_owner`;

/** For statements that check the locks themselves (the TimescaleDB statement): a CTE named `blocked(oid)`. */
export const blockedCte = `${lockedRelationsCte},
blocked AS (SELECT DISTINCT owner AS oid FROM locked_owner)`;
