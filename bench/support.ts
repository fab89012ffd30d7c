/**
 * What every benchmark shares: the median of runs, a timer, the CPU time a
 * statement costs the server and this process, the SQLite file's size on
 * disk, and a fresh local store with one profile (the test rig's, so benches
 * and tests set it up the same way).
 */
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { CollectedRelation, CollectedSample } from '../src/main/collector/types';
import { DB_FILE } from '../src/main/local-db/database';
import { type Rig, rig } from '../test/support/history-fixtures';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Wall time, the CPU time of the session's server process (Linux, a local server) and of this process. */
export interface Cost {
  wall: number;
  server: number;
  node: number;
}

export async function costMeter(session: pg.Client) {
  const pid = (await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const serverNs = () => {
    try {
      return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      return Number.NaN;
    }
  };
  return async <T>(fn: () => Promise<T>): Promise<[Cost, T]> => {
    const node = process.cpuUsage();
    const server = serverNs();
    const started = performance.now();
    const result = await fn();
    const wall = performance.now() - started;
    const used = process.cpuUsage(node);
    return [{ wall, server: (serverNs() - server) / 1e6, node: (used.user + used.system) / 1000 }, result];
  };
}

export const medianCost = (costs: Cost[]): Cost => ({
  wall: median(costs.map((c) => c.wall)),
  server: median(costs.map((c) => c.server)),
  node: median(costs.map((c) => c.node)),
});

export const ratio = (value: number, bare: number) => `${(value / bare).toFixed(2)}x`;

/** Runs fn once and says how long it took (synchronous work). */
export function timed<T>(fn: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = fn();
  return { ms: performance.now() - started, value };
}

/** The SQLite file and its WAL, in bytes. */
export function fileBytes(dir: string): number {
  let total = 0;
  for (const suffix of ['', '-wal']) {
    try {
      total += statSync(join(dir, DB_FILE + suffix)).size;
    } catch {
      // no WAL file right now
    }
  }
  return total;
}

/** Folds the WAL into the file, so fileBytes measures what is kept. */
export const checkpoint = (db: Database.Database) => db.pragma('wal_checkpoint(TRUNCATE)');

/** A fresh store (a temp folder) whose clock reads `now`; removed by close(). */
export function benchStore(now: number): Rig & { close(): void } {
  const r = rig();
  r.clock.now = now;
  return {
    ...r,
    close() {
      r.db.close();
      rmSync(r.dir, { recursive: true, force: true });
    },
  };
}

/** A sample of database "app" (`total` bytes) as the collector would send it, with these relations. */
export function benchSample(
  at: number,
  relations: CollectedRelation[],
  total: number,
  durationMs: number,
): CollectedSample {
  return {
    takenAt: new Date(at),
    durationMs,
    roundTrips: 3,
    serverVersionNum: 180000,
    database: { name: 'app', bytes: total },
    databases: [
      { name: 'app', bytes: total },
      { name: 'postgres', bytes: 7_500_000 },
    ],
    relations,
    gaps: [],
  };
}
