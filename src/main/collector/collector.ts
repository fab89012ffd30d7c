import type pg from 'pg';
import { AppError } from '../errors';
import {
  atLeast,
  parseServerFacts,
  type ServerFactsRow,
  type ServerProbe,
  serverFactsSql,
} from '../postgres/server-facts';
import { hasSqlState, SqlState } from '../postgres/sqlstate';
import { rollUp, type TimescaleOutcome } from './collector-rollup';
import { databaseFigures, measuredBytes } from './database-sizes';
import { type SlowDiskFacts, sampleDiskFacts } from './disk-facts-collector';
import {
  beginSql,
  type ContextRow,
  contextSql,
  guardSql,
  rollbackToSql,
  SIZES_SAVEPOINT,
  savepointSql,
} from './sql/context';
import {
  currentDatabaseSizeSql,
  currentDatabaseSizeUpFrontSql,
  type DatabaseRow,
  otherDatabasesSql,
} from './sql/database-size';
import { type LockRow, locksSql } from './sql/locks';
import { type RelationRowArray, relationsSql } from './sql/relations';
import { type HypertableRow, hypertablesSql, timescaleSearchPathSql } from './sql/timescale';
import type { CollectedSample, KnownDatabaseSize } from './types';

/**
 * Takes one storage sample of the database a monitoring session is connected
 * to.
 *
 * Shape, whatever the number of relations: one READ ONLY, REPEATABLE READ
 * transaction of two round trips —
 *   1. BEGIN; the server's facts (version, rights, TimescaleDB) unless the
 *      pool keeps them; what may be sized; the other databases'
 *      sizes when they are due; the AccessExclusiveLocks held or awaited now;
 *      SAVEPOINT
 *   2. the relation statement (every relation sized in one set-based statement),
 *      ending with the size of what it does not look at (the current database's
 *      size is derived from both; see sql/database-size.ts)
 *   (3. when TimescaleDB is installed, its own hypertable sizes and compression
 *      figures, then COMMIT, in one batch.)
 * Then what else fills the disk (disk-facts-collector.ts): one more round trip,
 * its own transaction, led by the sample's COMMIT and sent before the relation
 * rows are rolled up here, so the server reads while this process works.
 * Why one transaction rather than separate statements: the rollups of one
 * statement (chunks → hypertable) must agree with the relations of the other,
 * which one snapshot guarantees; savepoints let the relation statement be
 * retried after a lock timeout and let a TimescaleDB failure become a gap
 * instead of losing the sample; SET LOCAL needs a transaction; and it works the
 * same behind a transaction-pooling pgbouncer. The cost is one snapshot held for
 * the sample's duration (seconds; bounded by statement_timeout and
 * idle_in_transaction_session_timeout), and no lock is kept: size functions
 * release theirs as soon as each relation is measured.
 */

export const DEFAULT_MAX_RELATIONS = 50_000;

export interface CollectOptions {
  now?: () => Date;
  /** The most tables/partitions/chunks sized in one sample; the smallest (by relpages) beyond it are skipped. */
  maxRelations?: number;
  /**
   * The other databases of the server: 'size' them in this sample (the default), or carry these
   * figures from the sample that last sized them (their own, slower cadence).
   */
  otherDatabases?: 'size' | KnownDatabaseSize[];
  /**
   * Tests only: runs after the lock check and before the relations are sized,
   * to let a test take a lock in between.
   */
  afterLockCheck?: () => Promise<void>;
  /** How many oldest tables, bloated relations and index findings of each kind to keep (disk facts). */
  diskTop?: number;
  /**
   * The slow disk facts (bloat, index findings, tablespaces): 'read' them in this sample (the default),
   * or carry these from the sample that last read them (their own, slower cadence).
   */
  slowDiskFacts?: 'read' | SlowDiskFacts;
  /**
   * The upkeep figures (dead tuples, vacuum and analyze times): 'read' them in this sample (the default),
   * or not (their own, slower cadence): then every relation's are null and the sample says when the
   * figures it carries were read.
   */
  upkeep?: 'read' | { readAt: Date };
  /**
   * The server's facts as PoolManager keeps them for the pool; without them the sample probes
   * them itself, in its first round trip.
   */
  facts?: ServerProbe;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A relation dropped or rewritten between the catalog read and its sizing: worth one more try. */
function isRaceWithDdl(error: unknown): boolean {
  return hasSqlState(error, SqlState.undefinedTable) || /could not open relation/i.test(messageOf(error));
}

/** Counts round trips; every call is one. */
class Session {
  roundTrips = 0;
  constructor(private readonly client: pg.ClientBase) {}

  /** A simple-protocol batch without parameters: one round trip, one result per statement. */
  async batch(statements: string[]): Promise<pg.QueryResult[]> {
    this.roundTrips++;
    // A newline before each ';' so a statement ending in a -- comment cannot swallow it.
    const result = (await this.client.query(statements.join('\n;\n'))) as pg.QueryResult | pg.QueryResult[];
    return Array.isArray(result) ? result : [result];
  }

  async queryArrays(text: string, values: unknown[]): Promise<unknown[][]> {
    this.roundTrips++;
    const result = await this.client.query({ text, values, rowMode: 'array' });
    return result.rows as unknown[][];
  }

  /** Ends whatever transaction is open; never throws (the session may already be gone). */
  async rollback(): Promise<void> {
    const status = (this.client as pg.Client).getTransactionStatus?.();
    if (status === 'I') return;
    try {
      this.roundTrips++;
      await this.client.query('ROLLBACK');
    } catch {
      // The pool discards a session left inside a transaction.
    }
  }
}

function lockRows(result: pg.QueryResult | undefined): LockRow[] {
  return (result?.rows ?? []) as LockRow[];
}

function blockedOids(locks: LockRow[]): number[] {
  return [...new Set(locks.map((l) => l.owner))];
}

export async function collectStorageSample(
  client: pg.ClientBase,
  options: CollectOptions = {},
): Promise<CollectedSample> {
  const now = options.now ?? (() => new Date());
  const maxRelations = options.maxRelations ?? DEFAULT_MAX_RELATIONS;
  if (!Number.isInteger(maxRelations) || maxRelations < 1) {
    throw new AppError(
      'invalid_input',
      'The relation limit of a sample must be a whole number of at least 1.',
    );
  }
  const status = (client as pg.Client).getTransactionStatus?.();
  if (status === 'T' || status === 'E') {
    throw new Error('A storage sample needs a session that is not inside a transaction.');
  }

  const otherDatabases = options.otherDatabases ?? 'size';
  const upkeep = options.upkeep ?? 'read';
  const readUpkeep = upkeep === 'read';
  const takenAt = now();
  const started = performance.now();
  const session = new Session(client);
  const gaps: string[] = [];

  try {
    // ---- 1. context, database sizes, locks
    const sizeOthers = otherDatabases === 'size';
    const opening = await session.batch([
      beginSql,
      ...guardSql,
      ...(options.facts ? [] : [serverFactsSql]),
      contextSql,
      currentDatabaseSizeUpFrontSql,
      ...(sizeOthers ? [otherDatabasesSql] : []),
      locksSql,
      savepointSql(SIZES_SAVEPOINT),
    ]);
    let at = 1 + guardSql.length;
    const facts = options.facts ?? parseServerFacts(opening[at++]?.rows[0] as ServerFactsRow);
    const context = opening[at++]?.rows[0] as ContextRow;
    const upFront = opening[at++]?.rows[0] as { bytes: string } | undefined;
    const others = sizeOthers ? ((opening[at++]?.rows ?? []) as DatabaseRow[]) : otherDatabases;
    let locks = lockRows(opening[at]);

    if (facts.versionNum < 130000) {
      throw new AppError(
        'unsupported',
        `This server runs PostgreSQL ${Math.floor(facts.versionNum / 10000)}; Tidemark samples PostgreSQL 13 to 18.`,
      );
    }
    // The probe's API generation picks the stats function; only 2.x has the catalog we read.
    const timescaleVersion = facts.timescaledb.installed;
    const timescale = atLeast(timescaleVersion, 2, 0) ? facts.timescaledb.api : null;
    if (timescaleVersion && !timescale) {
      gaps.push(
        `TimescaleDB ${timescaleVersion} is installed; Tidemark reads TimescaleDB 2.x only, so its ` +
          'chunks may appear as tables and hypertables are not rolled up in this sample.',
      );
    }

    await options.afterLockCheck?.();

    // ---- 2. relations (retried once after a lock timeout, without the relations locked meanwhile)
    const sizeWith = async (mode: 'catalog' | 'hide' | 'none'): Promise<RelationRowArray[]> => {
      const sql = relationsSql({
        versionNum: facts.versionNum,
        timescale: mode,
        canSize: context.can_size,
        limit: context.class_rows < 0 || context.class_rows >= maxRelations,
        outside: upFront === undefined,
        upkeep: readUpkeep,
      });
      for (let attempt = 1; ; attempt++) {
        try {
          return (await session.queryArrays(sql, [blockedOids(locks), maxRelations])) as RelationRowArray[];
        } catch (error) {
          const retry =
            attempt === 1 && (hasSqlState(error, SqlState.lockNotAvailable) || isRaceWithDdl(error));
          if (!retry) throw error;
          const [, reread] = await session.batch([rollbackToSql(SIZES_SAVEPOINT), locksSql]);
          locks = lockRows(reread);
        }
      }
    };

    let relations: RelationRowArray[];
    let timescaleCatalog = timescale !== null;
    try {
      relations = await sizeWith(timescale ? 'catalog' : timescaleVersion ? 'hide' : 'none');
    } catch (error) {
      // TimescaleDB's catalog unreadable (a version that changed it, a revoked privilege): sample the rest.
      if (
        !timescaleCatalog ||
        hasSqlState(error, SqlState.lockNotAvailable) ||
        hasSqlState(error, SqlState.queryCanceled)
      )
        throw error;
      await session.batch([rollbackToSql(SIZES_SAVEPOINT)]);
      timescaleCatalog = false;
      gaps.push(
        `TimescaleDB's catalog could not be read (${messageOf(error)}). Hypertables are listed as plain tables ` +
          'without their chunks, and no compression figures were taken in this sample.',
      );
      // Without the catalog, chunks are still kept out of the table list by their schema.
      relations = await sizeWith('hide');
    }

    // The last row is what the relation statement does not look at (when the size is derived).
    const outside = relations.at(-1)?.[3] === 'o' ? relations.pop() : undefined;
    let open = true;

    // ---- 3. TimescaleDB's figures, then COMMIT (read-only: COMMIT and ROLLBACK are the same)
    let tsOutcome: TimescaleOutcome | null = null;
    if (timescale && timescaleCatalog) {
      const tsSql = hypertablesSql(timescale);
      const savepoint = 'tidemark_timescale';
      for (let attempt = 1; ; attempt++) {
        try {
          const results = await session.batch([
            attempt === 1 ? savepointSql(savepoint) : rollbackToSql(savepoint),
            timescaleSearchPathSql,
            tsSql,
            'COMMIT',
          ]);
          tsOutcome = { rows: (results[2]?.rows ?? []) as HypertableRow[], error: null };
          break;
        } catch (error) {
          if (hasSqlState(error, SqlState.queryCanceled)) throw error;
          if (attempt === 1 && (hasSqlState(error, SqlState.lockNotAvailable) || isRaceWithDdl(error)))
            continue;
          tsOutcome = { rows: null, error: messageOf(error) };
          await session.rollback();
          break;
        }
      }
      open = false;
    }
    const current = await currentSize(session, upFront, outside, relations, maxRelations);
    // ---- 4. what else fills the disk, in a transaction of its own (a failure is a gap, not a lost sample);
    // its one round trip (led by this sample's COMMIT) goes out now, so the server reads while the rows
    // are rolled up here.
    const diskFacts = sampleDiskFacts(client, {
      facts,
      takenAt,
      commitFirst: open,
      slow: options.slowDiskFacts ?? 'read',
      ...(options.diskTop === undefined ? {} : { top: options.diskTop }),
    });
    const rolled = rollUp({
      user: facts.user,
      canSize: context.can_size,
      maxRelations,
      relations,
      locks,
      timescale: tsOutcome,
      gaps,
    });
    if (!readUpkeep) {
      // Rollups sum what they were given: without the figures, none is claimed.
      for (const r of rolled.relations) {
        r.deadTuples = null;
        r.lastVacuum = null;
        r.lastAnalyze = null;
      }
    }
    const figures = databaseFigures({ name: facts.database, bytes: current.bytes }, others, facts.user);
    const disk = await diskFacts;
    return {
      takenAt,
      durationMs: Math.round(performance.now() - started),
      roundTrips: session.roundTrips + disk.roundTrips,
      serverVersionNum: facts.versionNum,
      database: { name: facts.database, bytes: current.bytes, from: current.from },
      databases: figures.databases,
      relations: rolled.relations,
      gaps: [...figures.gaps, ...rolled.gaps, ...disk.gaps],
      diskFacts: disk.facts,
      ...(readUpkeep ? {} : { upkeepAt: upkeep.readAt }),
    };
  } catch (error) {
    await session.rollback();
    throw explain(error);
  }
}

interface CurrentSize {
  bytes: number;
  from: 'derived' | 'pg_database_size';
}

/**
 * The current database's size: derived from the relations measured plus the
 * row of what the relation statement does not look at; pg_database_size
 * (which takes no lock) when it was taken up front, or when the measured sum
 * is incomplete (a relation locked, past the limit or dropped meanwhile, a
 * catalog or sequence locked). Leaves the transaction open.
 */
async function currentSize(
  session: Session,
  upFront: { bytes: string } | undefined,
  outside: RelationRowArray | undefined,
  relations: RelationRowArray[],
  maxRelations: number,
): Promise<CurrentSize> {
  if (upFront !== undefined) return { bytes: Number(upFront.bytes), from: 'pg_database_size' };
  const measured = measuredBytes(relations, maxRelations);
  const rest = outside?.[6] ?? null;
  if (measured !== null && rest !== null) return { bytes: measured + Number(rest), from: 'derived' };
  const [result] = await session.batch([currentDatabaseSizeSql]);
  const row = result!.rows[0] as { bytes: string };
  return { bytes: Number(row.bytes), from: 'pg_database_size' };
}

/** Errors worded for the DBA; anything else passes through as it came. */
function explain(error: unknown): unknown {
  if (hasSqlState(error, SqlState.lockNotAvailable)) {
    return new Error(
      'Other sessions kept taking ACCESS EXCLUSIVE locks while the storage sample ran (its lock_timeout ran out ' +
        'twice), so it was abandoned rather than queue behind them; the next run will try again.',
    );
  }
  if (hasSqlState(error, SqlState.queryCanceled)) {
    return new Error(
      'The storage sample took longer than the statement timeout and was cancelled by the server. Raise the ' +
        "profile's statement timeout, or sample fewer relations.",
    );
  }
  return error;
}
