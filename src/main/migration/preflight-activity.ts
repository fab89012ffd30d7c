import type { PreflightItem } from '../../shared/migration';
import type { Queryable } from './db';

const LONG_TRANSACTION_SECONDS = 300;

/**
 * Pre-flight's look at the table's activity right now: transactions open long
 * enough to hold back vacuum or block the swap, and other sessions' locks on it.
 */
export async function activityItems(db: Queryable, oid: number): Promise<PreflightItem[]> {
  const items: PreflightItem[] = [];
  const add = (item: Omit<PreflightItem, 'fix' | 'sql' | 'objects'> & Partial<PreflightItem>) =>
    items.push({ fix: null, sql: null, objects: [], ...item });
  const { rows: longTx } = await db.query<{
    pid: number;
    usename: string | null;
    age: number;
    state: string | null;
  }>(
    `SELECT pid, usename, extract(epoch FROM now() - xact_start)::float8 AS age, state
       FROM pg_catalog.pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start < now() - make_interval(secs => $1)
      ORDER BY xact_start`,
    [LONG_TRANSACTION_SECONDS],
  );
  add({
    id: 'long_transactions',
    category: 'activity',
    title: 'Long-running transactions',
    status: longTx.length > 0 ? 'warning' : 'pass',
    reason:
      longTx.length > 0
        ? `${longTx.length} transaction(s) have been open for more than ${LONG_TRANSACTION_SECONDS / 60} minutes; they hold back vacuum and may block the swap.`
        : 'None open for more than 5 minutes.',
    fix: longTx.length > 0 ? 'Let them finish, or end them (pg_terminate_backend) before the swap.' : null,
    objects: longTx.map(
      (t) => `pid ${t.pid} (${t.usename ?? '?'}, ${Math.round(t.age)} s, ${t.state ?? '?'})`,
    ),
  });
  const { rows: locks } = await db.query<{ pid: number; mode: string; granted: boolean }>(
    `SELECT l.pid, l.mode, l.granted FROM pg_catalog.pg_locks l
      WHERE l.locktype = 'relation' AND l.relation = $1 AND l.pid <> pg_backend_pid()`,
    [oid],
  );
  add({
    id: 'locks',
    category: 'activity',
    title: 'Locks on the table now',
    status: locks.some((l) => l.mode !== 'AccessShareLock' && l.mode !== 'RowExclusiveLock')
      ? 'warning'
      : 'pass',
    reason:
      locks.length > 0
        ? `${locks.length} lock(s) held or awaited by other sessions right now.`
        : 'No other session holds a lock on it right now.',
    objects: locks.map((l) => `pid ${l.pid} ${l.mode}${l.granted ? '' : ' (waiting)'}`),
  });
  return items;
}
