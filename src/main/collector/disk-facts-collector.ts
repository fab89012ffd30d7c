import type pg from 'pg';
import { type DiskFacts, type MeasuredAt, SLOW_DISK_FACTS } from '../../shared/disk-facts';
import type { ServerProbe } from '../postgres/server-facts';
import { sqlState } from '../postgres/sqlstate';
import { diskFixes } from './disk-fixes';
import { beginSql, guardSql } from './sql/context';
import {
  type BloatRow,
  bloatSql,
  type DatabaseAgeRow,
  type DiskContextRow,
  databaseAgesSql,
  diskContextSql,
  type IndexFindingRow,
  indexFindingsSql,
  oldestTablesSql,
  type SlotRow,
  slotsSql,
  type TableAgeRow,
  type TablespaceRow,
  tablespacesSql,
  unreadableTablesSql,
  type WalRow,
  walSql,
} from './sql/disk-facts';

/** How many oldest tables, bloated tables/indexes and index findings of each kind a sample keeps. */
export const DEFAULT_DISK_TOP = 20;

/** What the disk facts are chosen by, from the server's facts. */
export type DiskFactsProbe = Pick<ServerProbe, 'versionNum' | 'user' | 'rights'>;

export interface DiskFactsOutcome {
  facts: DiskFacts;
  roundTrips: number;
}

/** The slow facts as a sample read them, carried into the samples in between (see SLOW_DISK_FACTS). */
export type SlowDiskFacts = Pick<DiskFacts, (typeof SLOW_DISK_FACTS)[number]> & {
  gaps: string[];
  measuredAt: Pick<MeasuredAt, (typeof SLOW_DISK_FACTS)[number]>;
};

/** The slow facts of a sample's disk facts, to carry into the next samples until they are due. */
export function slowDiskFactsOf(facts: DiskFacts): SlowDiskFacts {
  const { oldestTables, bloat, indexes, tablespaces, measuredAt } = facts;
  return {
    oldestTables,
    bloat,
    indexes,
    tablespaces,
    gaps: facts.slowGaps,
    measuredAt: {
      oldestTables: measuredAt.oldestTables,
      bloat: measuredAt.bloat,
      indexes: measuredAt.indexes,
      tablespaces: measuredAt.tablespaces,
    },
  };
}

export interface DiskFactsOptions {
  /** The pool's server facts: version, user and rights. */
  facts: DiskFactsProbe;
  top?: number;
  /** The time the facts read now are stamped with (the sample's). */
  takenAt?: Date;
  /** Read the slow facts now (the default), or carry these from the sample that last read them. */
  slow?: 'read' | SlowDiskFacts;
  /** The storage sample's read-only transaction is still open: its COMMIT leads the first round trip. */
  commitFirst?: boolean;
}

type Plan = Array<[key: string, what: string, sql: string]>;
const SLOW_KEYS = new Set(['unreadable', ...SLOW_DISK_FACTS]);

const num = (v: string | number | null) => (v === null ? null : Number(v));
const iso = (v: Date | null) => (v === null ? null : v.toISOString());

/**
 * Reads what else fills the disk (WAL, slots, ages, bloat, index usage, temp
 * files, tablespaces) in its own READ ONLY transaction under the same session
 * limits as the storage sample, after it. A fact the user may not read is
 * skipped up front with the gap stated (and the role that grants it); the
 * others go in one batch with the BEGIN, the context and the COMMIT. If one
 * fails anyway, they are read again one by one behind savepoints: only that
 * one becomes a gap. Round trips: 1 (3 + one per fact after a failure). The
 * slow facts (oldest tables, bloat, index findings, tablespaces: most of the
 * cost on a server with many relations) are not read when the caller carries them from an
 * earlier sample; each fact says when it was measured.
 */
export async function collectDiskFacts(
  client: pg.ClientBase,
  options: DiskFactsOptions,
): Promise<DiskFactsOutcome> {
  const top = options.top ?? DEFAULT_DISK_TOP;
  if (!Number.isInteger(top) || top < 1 || top > 1000)
    throw new Error('top must be a whole number from 1 to 1000');
  const now = (options.takenAt ?? new Date()).toISOString();
  const carried = options.slow === undefined || options.slow === 'read' ? null : options.slow;
  let roundTrips = 0;
  const batch = async (statements: string[]): Promise<pg.QueryResult[]> => {
    roundTrips++;
    const result = (await client.query(statements.join('\n;\n'))) as pg.QueryResult | pg.QueryResult[];
    return Array.isArray(result) ? result : [result];
  };
  const gaps: string[] = [];
  const slowGaps: string[] = [];
  const gapOf = (key: string) => (SLOW_KEYS.has(key) ? slowGaps : gaps);
  const who = `"${options.facts.user}"`;

  const opening = [beginSql, ...guardSql, diskContextSql];
  let context: DiskContextRow;

  /** One fact behind a savepoint; null (and a gap) when it fails. */
  const readAlone = async (key: string, what: string, sql: string): Promise<unknown[] | null> => {
    try {
      const results = await batch(['SAVEPOINT tidemark_fact', sql]);
      return results[1]!.rows;
    } catch (error) {
      if (sqlState(error) === undefined) throw error; // the session itself failed
      await batch(['ROLLBACK TO SAVEPOINT tidemark_fact']);
      gapOf(key).push(`${what} could not be read this time: ${(error as Error).message}`);
      return null;
    }
  };

  try {
    // What this user may read, each fact once; the rest is stated as a gap below.
    const plan: Plan = [
      ...(options.facts.rights.lsWalDir ? ([['wal', 'The size of pg_wal', walSql]] as Plan) : []),
      ['slots', 'Replication slots', slotsSql(options.facts.versionNum)],
      ['ages', 'Transaction-ID ages', databaseAgesSql],
      ...(carried
        ? []
        : ([
            ['oldestTables', 'The oldest tables', oldestTablesSql(top)],
            ['unreadable', 'The count of tables left out of the bloat estimate', unreadableTablesSql],
            ['bloat', 'The bloat estimate', bloatSql(top)],
            ['indexes', 'Index usage', indexFindingsSql(top)],
            ['tablespaces', 'Tablespaces', tablespacesSql],
          ] as Plan)),
    ];
    const rowsOf = new Map<string, unknown[] | null>();
    const lead = options.commitFirst ? ['COMMIT'] : [];
    try {
      // Usually the whole read in one round trip, from BEGIN to COMMIT...
      const results = await batch([...lead, ...opening, ...plan.map(([, , sql]) => sql), 'COMMIT']);
      const at = lead.length + opening.length;
      context = results[at - 1]!.rows[0] as DiskContextRow;
      for (const [i, [key]] of plan.entries()) rowsOf.set(key, results[at + i]!.rows);
    } catch (error) {
      if (sqlState(error) === undefined) throw error;
      // ...and when one fails, each again behind its own savepoint, so only that one is lost.
      const reopened = await batch(['ROLLBACK', ...opening]);
      context = reopened.at(-1)!.rows[0] as DiskContextRow;
      for (const [key, what, sql] of plan) rowsOf.set(key, await readAlone(key, what, sql));
      await batch(['COMMIT']);
    }
    const read = <T>(key: string): T[] | null => (rowsOf.get(key) as T[] | undefined) ?? null;
    const when = (key: string) => (rowsOf.get(key) ? now : null);

    let wal: DiskFacts['wal'] = null;
    if (options.facts.rights.lsWalDir) {
      const rows = read<WalRow>('wal');
      if (rows?.[0]) wal = { bytes: Number(rows[0].bytes), files: Number(rows[0].files) };
    } else {
      gaps.push(
        `The size of pg_wal is not shown: ${who} may not run pg_ls_waldir(), which the pg_monitor role ` +
          '(or superuser) grants.',
      );
    }

    const slots = (read<SlotRow>('slots') ?? []).map((s) => ({
      name: s.name,
      kind: s.kind,
      database: s.database,
      active: s.active,
      walStatus: s.wal_status,
      retainedBytes: num(s.retained_bytes),
      inactiveSince: iso(s.inactive_since),
      fixSql: diskFixes.dropSlot(s.name),
    }));

    const databases = (read<DatabaseAgeRow>('ages') ?? []).map((d) => ({
      name: d.name,
      xidAge: Number(d.xid_age),
      mxidAge: Number(d.mxid_age),
      tempBytes: num(d.temp_bytes),
      tempFiles: num(d.temp_files),
      statsReset: iso(d.stats_reset),
    }));

    if (context.in_recovery) {
      gaps.push('This server is a standby: index scans counted here are its own, not the primary’s.');
    }

    const slow = carried ?? readSlowFacts(read, when, who, slowGaps);
    return {
      roundTrips,
      facts: {
        inRecovery: context.in_recovery,
        wal,
        slots,
        freezeMaxAge: Number(context.freeze_max_age),
        multixactFreezeMaxAge: Number(context.mxid_freeze_max_age),
        databases,
        oldestTables: slow.oldestTables,
        bloat: slow.bloat,
        indexes: slow.indexes,
        statsReset: iso(context.stats_reset),
        tablespaces: slow.tablespaces,
        gaps: [...gaps, ...slow.gaps],
        measuredAt: {
          wal: when('wal'),
          slots: when('slots'),
          databases: when('ages'),
          ...slow.measuredAt,
        },
        slowGaps: slow.gaps,
      },
    };
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      // The pool discards a session left inside a transaction.
    }
    throw error;
  }
}

/** The oldest tables, bloat, index findings and tablespaces from the rows just read, with their gaps. */
function readSlowFacts(
  read: <T>(key: string) => T[] | null,
  when: (key: string) => string | null,
  who: string,
  gaps: string[],
): SlowDiskFacts {
  const oldestTables = (read<TableAgeRow>('oldestTables') ?? []).map((t) => ({
    schema: t.schema,
    name: t.name,
    xidAge: Number(t.xid_age),
    mxidAge: Number(t.mxid_age),
    bytes: Number(t.bytes),
    fixSql: diskFixes.freezeTable(t.schema, t.name),
  }));
  const bloat = (read<BloatRow>('bloat') ?? []).map((b) => ({
    kind: b.kind,
    schema: b.schema,
    name: b.name,
    table: b.table,
    bytes: Number(b.bytes),
    bloatBytes: Number(b.bloat_bytes),
    bloatPct: Math.round(b.bloat_pct * 10) / 10,
    fixSql:
      b.kind === 'table'
        ? diskFixes.rewriteTable(b.schema, b.name)
        : diskFixes.rebuildIndex(b.schema, b.name),
  }));
  const leftOut = read<{ unreadable: string; unanalyzed: string }>('unreadable')?.[0];
  const unreadable = Number(leftOut?.unreadable ?? 0);
  const unanalyzed = Number(leftOut?.unanalyzed ?? 0);
  if (unanalyzed > 0) {
    gaps.push(
      `${unanalyzed} table(s) of 1 MiB or more are left out of the bloat estimate: they have no statistics yet ` +
        '(never vacuumed or analyzed since they were filled). ANALYZE them, or wait for autovacuum to.',
    );
  }
  if (unreadable > 0) {
    gaps.push(
      `${unreadable} table(s) are left out of the bloat estimate: ${who} may not read their column statistics ` +
        '(SELECT on the table, or the pg_read_all_data role on PostgreSQL 14+, grants it).',
    );
  }

  const indexes = (read<IndexFindingRow>('indexes') ?? []).map((i) => ({
    kind: i.kind,
    schema: i.schema,
    table: i.table,
    name: i.name,
    bytes: num(i.bytes),
    coveredBy: i.covered_by,
    definition: i.definition,
    fixSql: diskFixes.dropIndex(i.schema, i.name),
  }));

  const tablespaces = (read<TablespaceRow>('tablespaces') ?? []).map((t) => ({
    name: t.name,
    location: t.location,
    bytes: num(t.bytes),
    databases: t.databases,
    relations: Number(t.relations),
  }));
  const unsized = tablespaces.filter((t) => t.bytes === null).map((t) => t.name);
  if (unsized.length > 0) {
    gaps.push(
      `The size of tablespace ${unsized.join(', ')} is not shown: it needs CREATE on the tablespace or the ` +
        'pg_read_all_stats role (part of pg_monitor).',
    );
  }
  return {
    oldestTables,
    bloat,
    indexes,
    tablespaces,
    gaps,
    measuredAt: {
      oldestTables: when('oldestTables'),
      bloat: when('bloat'),
      indexes: when('indexes'),
      tablespaces: when('tablespaces'),
    },
  };
}

/**
 * The disk facts as a storage sample takes them: never fails the sample. A
 * failure (a timeout, a server that went away) is one gap and no facts.
 */
export async function sampleDiskFacts(
  client: pg.ClientBase,
  options: DiskFactsOptions,
): Promise<{ facts: DiskFacts | null; roundTrips: number; gaps: string[] }> {
  try {
    const { facts, roundTrips } = await collectDiskFacts(client, options);
    return { facts, roundTrips, gaps: facts.gaps };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      facts: null,
      roundTrips: 0,
      gaps: [`WAL, slots, ages, bloat, index usage and tablespaces could not be read this time: ${message}`],
    };
  }
}
