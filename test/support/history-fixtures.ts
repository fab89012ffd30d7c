import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { CollectedRelation, CollectedSample } from '../../src/main/collector/types';
import { EventBus } from '../../src/main/events';
import { History } from '../../src/main/history/history';
import { DAY_MS, HOUR_MS } from '../../src/main/history/time';
import { openStore } from '../../src/main/local-db/database';
import { ProfileRepository } from '../../src/main/local-db/profile-repository';
import { ProfileService } from '../../src/main/profiles/profile-service';
import { KeyFileSecretStore } from '../../src/main/secrets/key-file-secret-store';
import type { DiskFacts } from '../../src/shared/disk-facts';
import { profileInputSchema } from '../../src/shared/profile';
import type { RelationKind } from '../../src/shared/storage';

export { DAY_MS, HOUR_MS };
export const MINUTE_MS = 60_000;
export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

/** A fixed "now" for tests: 2026-03-01T12:00:00Z. */
export const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);

export interface Rig {
  dir: string;
  db: Database.Database;
  profiles: ProfileService;
  history: History;
  clock: { now: number };
  addProfile(name?: string): string;
  count(table: string, where?: string): number;
}

/** A real SQLite file in a temp folder, with profiles made the way the app makes them (for the foreign keys). */
export function rig(): Rig {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-history-'));
  const { db } = openStore(dir);
  const clock = { now: T0 };
  const now = () => new Date(clock.now);
  const profiles = new ProfileService(
    new ProfileRepository(db),
    new KeyFileSecretStore(dir),
    now,
    new EventBus(),
  );
  let n = 0;
  return {
    dir,
    db,
    profiles,
    clock,
    history: new History(db, now),
    addProfile(name = `Server ${++n}`) {
      return profiles.create(
        profileInputSchema.parse({ name, host: 'db.example', port: 5432, database: 'app', user: 'dba' }),
      ).id;
    },
    count(table, where = '1') {
      return db.prepare(`SELECT count(*) FROM ${table} WHERE ${where}`).pluck().get() as number;
    },
  };
}

export function rel(
  name: string,
  totalBytes: number | null,
  over: Partial<CollectedRelation> & { kind?: RelationKind } = {},
): CollectedRelation {
  const measured = over.measured ?? totalBytes !== null;
  const [schema, table] = name.includes('.') ? name.split('.') : ['public', name];
  return {
    schema: schema!,
    name: table!,
    kind: 'table',
    parent: null,
    measured,
    notMeasured: measured ? null : 'locked by another session (AccessExclusiveLock)',
    heapBytes: measured && totalBytes !== null ? Math.floor(totalBytes * 0.7) : null,
    toastBytes: measured ? 0 : null,
    indexBytes: measured && totalBytes !== null ? totalBytes - Math.floor(totalBytes * 0.7) : null,
    totalBytes: measured ? totalBytes : null,
    rowEstimate: measured ? 1000 : null,
    deadTuples: measured ? 3 : null,
    lastVacuum: null,
    lastAnalyze: null,
    children: null,
    compressedChildren: null,
    beforeCompressionBytes: null,
    afterCompressionBytes: null,
    ...over,
  };
}

export function sample(
  at: number,
  relations: CollectedRelation[],
  databaseBytes = relations.reduce((sum, r) => sum + (r.totalBytes ?? 0), 8 * MiB),
): CollectedSample {
  return {
    takenAt: new Date(at),
    durationMs: 120,
    roundTrips: 3,
    serverVersionNum: 180000,
    database: { name: 'app', bytes: databaseBytes },
    databases: [
      { name: 'app', bytes: databaseBytes },
      { name: 'postgres', bytes: 7 * MiB },
    ],
    relations,
    gaps: [],
  };
}

/** Many samples at once (one outer transaction; saveSample's own becomes a savepoint). */
export function saveMany(r: Rig, profileId: string, samples: Iterable<CollectedSample>): number[] {
  return r.db.transaction(() => [...samples].map((s) => r.history.saveSample(profileId, s)))();
}

/** Disk facts as a sample reads them: one inactive slot retaining `retainedBytes`, one database at `xidAge`. */
export function diskFacts(at: number, retainedBytes: number, xidAge: number): DiskFacts {
  const when = new Date(at).toISOString();
  return {
    inRecovery: false,
    wal: { bytes: GiB, files: 64 },
    slots: [
      {
        name: 'old_standby',
        kind: 'physical',
        database: null,
        active: false,
        walStatus: 'extended',
        retainedBytes,
        inactiveSince: null,
        fixSql: "SELECT pg_catalog.pg_drop_replication_slot('old_standby');",
      },
    ],
    freezeMaxAge: 200_000_000,
    multixactFreezeMaxAge: 400_000_000,
    databases: [{ name: 'app', xidAge, mxidAge: 10, tempBytes: 0, tempFiles: 0, statsReset: null }],
    oldestTables: [],
    bloat: [],
    indexes: [],
    statsReset: null,
    tablespaces: [],
    gaps: [],
    measuredAt: {
      wal: when,
      slots: when,
      databases: when,
      oldestTables: when,
      bloat: when,
      indexes: when,
      tablespaces: when,
    },
    slowGaps: [],
  };
}
