import type pg from 'pg';
import type { DiskFacts } from '../../shared/disk-facts';
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

const num = (v: string | number | null) => (v === null ? null : Number(v));
const iso = (v: Date | null) => (v === null ? null : v.toISOString());

/**
 * Reads what else fills the disk (WAL, slots, ages, bloat, index usage, temp
 * files, tablespaces) in its own READ ONLY transaction under the same session
 * limits as the storage sample, after it. Each fact runs behind a savepoint:
 * one the user may not read is skipped up front with the gap stated (and the
 * role that grants it); the others go in one batch with the COMMIT. If one
 * fails anyway, they are read again one by one behind savepoints: only that
 * one becomes a gap. Round trips: 2 (2 + one per fact after a failure).
 */
export async function collectDiskFacts(
  client: pg.ClientBase,
  options: { facts: DiskFactsProbe; top?: number },
): Promise<DiskFactsOutcome> {
  const top = options.top ?? DEFAULT_DISK_TOP;
  if (!Number.isInteger(top) || top < 1 || top > 1000)
    throw new Error('top must be a whole number from 1 to 1000');
  let roundTrips = 0;
  const batch = async (statements: string[]): Promise<pg.QueryResult[]> => {
    roundTrips++;
    const result = (await client.query(statements.join('\n;\n'))) as pg.QueryResult | pg.QueryResult[];
    return Array.isArray(result) ? result : [result];
  };
  const gaps: string[] = [];
  const who = `"${options.facts.user}"`;

  const opening = await batch([beginSql, ...guardSql, diskContextSql]);
  const context = opening.at(-1)!.rows[0] as DiskContextRow;

  /** One fact behind a savepoint; null (and a gap) when it fails. */
  const readAlone = async (what: string, sql: string): Promise<unknown[] | null> => {
    try {
      const results = await batch(['SAVEPOINT tidemark_fact', sql]);
      return results[1]!.rows;
    } catch (error) {
      if (sqlState(error) === undefined) throw error; // the session itself failed
      await batch(['ROLLBACK TO SAVEPOINT tidemark_fact']);
      gaps.push(`${what} could not be read this time: ${(error as Error).message}`);
      return null;
    }
  };

  try {
    // What this user may read, each fact once; the rest is stated as a gap below.
    const plan: Array<[key: string, what: string, sql: string]> = [
      ...(options.facts.rights.lsWalDir
        ? [['wal', 'The size of pg_wal', walSql] as [string, string, string]]
        : []),
      ['slots', 'Replication slots', slotsSql(options.facts.versionNum, context.in_recovery)],
      ['ages', 'Transaction-ID ages', databaseAgesSql],
      ['oldest', 'The oldest tables', oldestTablesSql(top)],
      ['bloat', 'The bloat estimate', bloatSql(top)],
      ['indexes', 'Index usage', indexFindingsSql(top)],
      ['tablespaces', 'Tablespaces', tablespacesSql],
    ];
    const rowsOf = new Map<string, unknown[] | null>();
    try {
      // Usually every fact in one round trip with the COMMIT...
      const results = await batch([...plan.map(([, , sql]) => sql), 'COMMIT']);
      for (const [i, [key]] of plan.entries()) rowsOf.set(key, results[i]!.rows);
    } catch (error) {
      if (sqlState(error) === undefined) throw error;
      // ...and when one fails, each again behind its own savepoint, so only that one is lost.
      await batch(['ROLLBACK', beginSql, ...guardSql]);
      for (const [key, what, sql] of plan) rowsOf.set(key, await readAlone(what, sql));
      await batch(['COMMIT']);
    }
    const read = async <T>(key: string): Promise<T[] | null> => (rowsOf.get(key) as T[] | undefined) ?? null;

    let wal: DiskFacts['wal'] = null;
    if (options.facts.rights.lsWalDir) {
      const rows = await read<WalRow>('wal');
      if (rows?.[0]) wal = { bytes: Number(rows[0].bytes), files: Number(rows[0].files) };
    } else {
      gaps.push(
        `The size of pg_wal is not shown: ${who} may not run pg_ls_waldir(), which the pg_monitor role ` +
          '(or superuser) grants.',
      );
    }

    const slotRows = (await read<SlotRow>('slots')) ?? [];
    const slots = slotRows.map((s) => ({
      name: s.name,
      kind: s.kind,
      database: s.database,
      active: s.active,
      walStatus: s.wal_status,
      retainedBytes: num(s.retained_bytes),
      inactiveSince: iso(s.inactive_since),
      fixSql: diskFixes.dropSlot(s.name),
    }));

    const databases = ((await read<DatabaseAgeRow>('ages')) ?? []).map((d) => ({
      name: d.name,
      xidAge: Number(d.xid_age),
      mxidAge: Number(d.mxid_age),
      tempBytes: num(d.temp_bytes),
      tempFiles: num(d.temp_files),
      statsReset: iso(d.stats_reset),
    }));

    const oldestTables = ((await read<TableAgeRow>('oldest')) ?? []).map((t) => ({
      schema: t.schema,
      name: t.name,
      xidAge: Number(t.xid_age),
      mxidAge: Number(t.mxid_age),
      bytes: Number(t.bytes),
      fixSql: diskFixes.freezeTable(t.schema, t.name),
    }));

    const bloat = ((await read<BloatRow>('bloat')) ?? []).map((b) => ({
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
    const unreadable = Number(context.unreadable_tables);
    if (unreadable > 0) {
      gaps.push(
        `${unreadable} table(s) are left out of the bloat estimate: ${who} may not read their column statistics ` +
          '(SELECT on the table, or the pg_read_all_data role on PostgreSQL 14+, grants it).',
      );
    }

    const indexes = ((await read<IndexFindingRow>('indexes')) ?? []).map((i) => ({
      kind: i.kind,
      schema: i.schema,
      table: i.table,
      name: i.name,
      bytes: num(i.bytes),
      coveredBy: i.covered_by,
      definition: i.definition,
      fixSql: diskFixes.dropIndex(i.schema, i.name),
    }));
    if (context.in_recovery) {
      gaps.push('This server is a standby: index scans counted here are its own, not the primary’s.');
    }

    const tablespaces = ((await read<TablespaceRow>('tablespaces')) ?? []).map((t) => ({
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
      roundTrips,
      facts: {
        inRecovery: context.in_recovery,
        wal,
        slots,
        freezeMaxAge: Number(context.freeze_max_age),
        multixactFreezeMaxAge: Number(context.mxid_freeze_max_age),
        databases,
        oldestTables,
        bloat,
        indexes,
        statsReset: iso(context.stats_reset),
        tablespaces,
        gaps,
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

/**
 * The disk facts as a storage sample takes them: never fails the sample. A
 * failure (a timeout, a server that went away) is one gap and no facts.
 */
export async function sampleDiskFacts(
  client: pg.ClientBase,
  options: { facts: DiskFactsProbe; top?: number },
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
