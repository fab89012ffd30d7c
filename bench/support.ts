/**
 * What every benchmark shares: the median of runs, a timer, the SQLite file's
 * size on disk, and a fresh local store with one profile (the test rig's, so
 * benches and tests set it up the same way).
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { CollectedRelation, CollectedSample } from '../src/main/collector/types';
import { DB_FILE } from '../src/main/local-db/database';
import { type Rig, rig } from '../test/support/history-fixtures';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

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
