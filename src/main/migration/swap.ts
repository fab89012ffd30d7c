import type { Blocker, SwapAttempt, SwapReport } from '../../shared/migration';
import { describePgError, hasSqlState, SqlState } from '../postgres/sqlstate';
import { installCaptureSql, keyColumns, replayRound } from './capture';
import { type ColumnInfo, readTableIn } from './catalog';
import type { Queryable } from './db';
import { type DroppedForeignKey, readObjects } from './dependents';
import { qn } from './ident';
import { withLockRetries } from './lock-retry';
import { type MoveContext, type MoveStatement, moveStatements } from './moves';
import { rel } from './names';
import { resyncRanges } from './ranges';
import type { MigrationSpec } from './spec';
import {
  dropCaptureTriggersSql,
  lockTableSql,
  parkedName,
  type SwapDirection,
  swapRenamesSql,
  swapTables,
} from './sql/swap';
import { targetOf } from './targets';

/**
 * The swap: one short transaction that takes ACCESS EXCLUSIVE on the table
 * with a short lock_timeout, replays the last captured changes, renames the
 * tables and their indexes, and moves to the new table everything the
 * application relies on. A try that cannot get the lock gives up after
 * lock_timeout (so application queries queued behind it wait no longer than
 * that), reports who held the lock, and is retried with a growing pause.
 *
 * The rollback is the same transaction in the other direction.
 */

export type Direction = SwapDirection;

export interface SwapOutcome {
  /** performance.now() when the lock was granted. */
  lockedAt: number;
  replayed: number;
  moved: MoveStatement[];
  /** Statements to run after the commit (constraint validation). */
  after: string[];
  /** The transaction found the work already done (a retry after a lost COMMIT reply). */
  alreadyDone: boolean;
}

/** The relation OIDs a swap locks, for naming whoever blocks it. */
async function lockedRelations(db: Queryable, spec: MigrationSpec): Promise<number[]> {
  const n = spec.names;
  const { rows } = await db.query<{ oid: string }>(
    `SELECT c.oid::int8::text AS oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
      WHERE s.nspname = $1 AND c.relname = ANY($2::text[])
     UNION
     SELECT conrelid::int8::text FROM pg_catalog.pg_constraint WHERE confrelid = $3 AND contype = 'f'
     UNION
     SELECT r.ev_class::int8::text FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
      WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = $3`,
    [n.schema, [n.table, n.newTable, n.oldTable], spec.sourceOid],
  );
  return rows.map((r) => Number(r.oid));
}

/** Sessions holding (or queued for) a lock on the tables the swap needs. */
export async function findBlockers(db: Queryable, spec: MigrationSpec): Promise<Blocker[]> {
  const oids = await lockedRelations(db, spec);
  const { rows } = await db.query(
    `SELECT DISTINCT ON (a.pid, l.mode, l.granted)
            a.pid, a.usename AS user, a.application_name AS application, a.client_addr::text AS client_addr,
            a.state, l.mode AS lock_mode, l.granted, a.xact_start::text AS xact_start,
            a.query_start::text AS query_start, left(a.query, 2000) AS query
       FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'relation' AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
        AND l.relation = ANY($1::oid[]) AND l.pid <> pg_backend_pid()
      ORDER BY a.pid, l.mode, l.granted`,
    [oids],
  );
  return rows.map((r) => ({
    pid: r.pid,
    user: r.user,
    application: r.application || null,
    clientAddr: r.client_addr,
    state: r.state,
    lockMode: r.lock_mode,
    granted: r.granted,
    xactStart: r.xact_start,
    queryStart: r.query_start,
    query: r.query,
  }));
}

async function relationOid(db: Queryable, schema: string, name: string): Promise<number | null> {
  const { rows } = await db.query<{ oid: string | null }>(`SELECT to_regclass($1)::oid::int8::text AS oid`, [
    qn(schema, name),
  ]);
  return rows[0]?.oid ? Number(rows[0].oid) : null;
}

/**
 * The inbound foreign keys the forward swap dropped, under their tables' names
 * now; a table dropped since has nothing to restore, and a name taken since is
 * left to whoever took it.
 */
async function droppedInbound(db: Queryable, spec: MigrationSpec): Promise<DroppedForeignKey[]> {
  const dropped = spec.droppedInbound ?? [];
  if (dropped.length === 0) return [];
  const { rows } = await db.query<{ oid: string; name: string }>(
    `SELECT c.oid::int8::text AS oid, c.oid::regclass::text AS name FROM pg_catalog.pg_class c
      WHERE c.oid = ANY($1::oid[])`,
    [dropped.map((fk) => fk.tableOid)],
  );
  const taken = await db.query<{ oid: string; name: string }>(
    `SELECT conrelid::int8::text AS oid, conname AS name FROM pg_catalog.pg_constraint WHERE conrelid = ANY($1::oid[])`,
    [dropped.map((fk) => fk.tableOid)],
  );
  const names = new Map(rows.map((r) => [Number(r.oid), r.name]));
  return dropped.flatMap((fk) => {
    const table = names.get(fk.tableOid);
    if (!table || taken.rows.some((t) => Number(t.oid) === fk.tableOid && t.name === fk.name)) return [];
    return [{ ...fk, table }];
  });
}

/** One try, inside the caller's transaction (BEGIN … COMMIT are the caller's). */
async function swapInTransaction(
  db: Queryable,
  spec: MigrationSpec,
  direction: Direction,
): Promise<SwapOutcome> {
  const n = spec.names;
  const r = rel(n);
  // The table that has the name now, and the one that is to get it.
  const { current, other } = swapTables(spec, direction);
  await db.query(lockTableSql(current));
  const lockedAt = performance.now();
  const currentOid = await relationOid(db, n.schema, n.table);
  const otherOid = await relationOid(db, n.schema, direction === 'forward' ? n.newTable : n.oldTable);
  const nothing = { lockedAt: 0, replayed: 0, moved: [], after: [], alreadyDone: true };
  if (direction === 'forward' && currentOid !== spec.sourceOid) {
    if (otherOid === null && currentOid !== null) return nothing; // swapped by an earlier try whose reply was lost
    throw new Error(`${r.source} is no longer the table this migration was planned for`);
  }
  if (direction === 'rollback' && currentOid === spec.sourceOid) return nothing;
  if (otherOid === null || currentOid === null) {
    throw new Error(`${other} is missing: nothing to swap with`);
  }
  await db.query(lockTableSql(other));

  // The last changes committed before the lock: nobody can write now, so one pass empties the log.
  const table = await readTableIn(db, currentOid, spec.server);
  let replayed = 0;
  const logDirection = direction === 'forward' ? 'forward' : 'reverse';
  if (spec.captureKey) {
    const keys = keyColumns(spec, table.columns);
    for (;;) {
      const round = await replayRound(db, spec, keys, logDirection, current, other, 1_000_000, {
        inTransaction: true,
      });
      replayed += round.entries;
      if (round.remaining === 0) break;
    }
  } else {
    replayed = await resyncRanges(db, spec, current, other);
  }

  await db.query(`SET LOCAL search_path = pg_catalog, pg_temp`);
  const fromObjects = await readObjects(db, currentOid);
  const toObjects = await readObjects(db, otherOid);

  for (const sql of swapRenamesSql(spec, direction)) await db.query(sql);
  const parked = qn(n.schema, parkedName(spec, direction));

  const restoreInbound = direction === 'rollback' ? await droppedInbound(db, spec) : [];
  const moved = moveStatements(fromObjects, toObjects, {
    ...moveContext(spec, direction === 'forward'),
    from: parked,
    keepFromConstraints: direction === 'rollback',
    restoreInbound,
  });
  for (const m of moved) for (const sql of m.sql) await db.query(sql);

  // Capture moves with the name: forward, the new table logs changes for a possible rollback.
  for (const sql of captureSwitchSql(spec, direction, table.columns)) await db.query(sql);
  return {
    lockedAt,
    replayed,
    moved,
    after: moved.flatMap((m) => m.after ?? []),
    alreadyDone: false,
  };
}

/** How the dependents move to the table that gets the name (forward: the new table, of the target's kind). */
export function moveContext(spec: MigrationSpec, forward: boolean): Omit<MoveContext, 'from'> {
  const kind = targetOf(spec).newTableKind;
  return {
    to: rel(spec.names).source,
    versionNum: spec.server.versionNum,
    toPartitioned: forward && kind === 'partitioned',
    toHypertable: forward && kind === 'hypertable',
    dropInbound: new Set(spec.settings.dropUnsupportedForeignKeys ? spec.unsupportedInbound : []),
    replicaIndex: spec.indexes.find((i) => i.replicaIdentity)?.source ?? null,
  };
}

/** The capture triggers follow the name: forward, the old table's go and the new table logs for a rollback. */
export function captureSwitchSql(spec: MigrationSpec, direction: Direction, columns: ColumnInfo[]): string[] {
  const r = rel(spec.names);
  const parked = qn(spec.names.schema, parkedName(spec, direction));
  if (direction === 'rollback') return dropCaptureTriggersSql(spec, parked, 'reverse');
  return [
    ...dropCaptureTriggersSql(spec, parked, 'forward'),
    ...(spec.captureKey ? installCaptureSql(spec, keyColumns(spec, columns), r.source, 'reverse') : []),
  ];
}

export interface SwapHooks {
  onAttempt(attempt: SwapAttempt, nextRetryInMs: number | null): void;
  /** Between tries: replay what accumulated, so the next try's last replay is short. */
  betweenTries?(): Promise<void>;
  /** Resolves after ms unless the run is stopped (then it throws). */
  sleep(ms: number): Promise<void>;
}

export class SwapGaveUp extends Error {
  constructor(
    message: string,
    readonly attempts: SwapAttempt[],
  ) {
    super(message);
    this.name = 'SwapGaveUp';
  }
}

/** Tries the swap until it gets the lock or runs out of tries. */
export async function swapWithRetries(
  db: Queryable,
  spec: MigrationSpec,
  direction: Direction,
  hooks: SwapHooks,
): Promise<SwapReport & { after: string[] }> {
  const { lockTimeoutMs, attempts: maxAttempts } = spec.settings.swap;
  const attempts: SwapAttempt[] = [];
  if (maxAttempts < 1) throw new SwapGaveUp('The swap was not tried (no attempts allowed).', attempts);
  let at = new Date().toISOString();
  const outcome = await withLockRetries(
    db,
    spec.settings.swap,
    async () => {
      at = new Date().toISOString();
      await db.query(`SET LOCAL statement_timeout = 0`);
      return swapInTransaction(db, spec, direction);
    },
    {
      sleep: hooks.sleep,
      afterPause: hooks.betweenTries,
      async onBusy(attempt, error, wait) {
        const blockers = await findBlockers(db, spec).catch(() => []);
        const failed: SwapAttempt = {
          attempt,
          at,
          outcome: 'lock_timeout',
          blockers,
          message:
            `${hasSqlState(error, SqlState.deadlockDetected) ? 'Deadlock with another session' : `No lock within ${lockTimeoutMs} ms`}` +
            (blockers.length > 0
              ? `: held by ${
                  blockers
                    .filter((b) => b.granted)
                    .map(
                      (b) =>
                        `pid ${b.pid} (${b.user ?? '?'}${b.application ? `, ${b.application}` : ''}, ${b.state ?? '?'})`,
                    )
                    .join(', ') || 'sessions waiting in the queue'
                }.`
              : '.') +
            (wait === null ? '' : ` Trying again in ${Math.round(wait / 100) / 10} s.`),
        };
        attempts.push(failed);
        hooks.onAttempt(failed, wait);
        if (wait === null) {
          throw new SwapGaveUp(
            `The swap could not get its lock in ${maxAttempts} tries: ${describePgError(error)}. ` +
              'The original table is untouched and in use. End or wait for the sessions listed, then resume.',
            attempts,
          );
        }
      },
    },
  );
  // The COMMIT is inside withLockRetries: the lock was held until it returned.
  const lockHeldMs = outcome.alreadyDone ? null : performance.now() - outcome.lockedAt;
  const done: SwapAttempt = {
    attempt: attempts.length + 1,
    at,
    outcome: 'swapped',
    blockers: [],
    message: outcome.alreadyDone
      ? 'Already swapped by an earlier try.'
      : `Swapped; the lock was held ${Math.round(lockHeldMs ?? 0)} ms.`,
  };
  attempts.push(done);
  hooks.onAttempt(done, null);
  return {
    direction,
    attempts,
    lockHeldMs,
    replayedInSwap: outcome.replayed,
    moved: outcome.moved.map((m) => ({ kind: m.kind, name: m.name, action: m.action })),
    completedAt: new Date().toISOString(),
    after: outcome.after,
  };
}
