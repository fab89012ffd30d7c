import { z } from 'zod';

/**
 * "What else fills the disk", as one storage sample saw it: WAL and the
 * replication slots that keep it, transaction-ID ages, estimated bloat, index
 * usage, temporary files and tablespaces. Every list is bounded (top N); every
 * `fixSql` is a statement for the DBA to run, shown and never run by Tidemark.
 */

/** Wraparound happens at 2^31 transactions (and multixacts) of age. */
export const WRAPAROUND_AGE = 2 ** 31;

const bytes = z.number().nullable();

export const slotFactSchema = z.object({
  name: z.string(),
  kind: z.enum(['physical', 'logical']),
  /** The database of a logical slot; null for physical ones. */
  database: z.string().nullable(),
  active: z.boolean(),
  /** reserved / extended / unreserved / lost (PostgreSQL 13+); null when the slot holds no WAL. */
  walStatus: z.string().nullable(),
  /** WAL kept for this slot: current (or, on a standby, replayed) position minus its restart_lsn. */
  retainedBytes: bytes,
  /** When it became inactive (PostgreSQL 17+); null before 17 or while active. */
  inactiveSince: z.string().nullable(),
  fixSql: z.string(),
});
export type SlotFact = z.infer<typeof slotFactSchema>;

export const databaseAgeSchema = z.object({
  name: z.string(),
  xidAge: z.number(),
  mxidAge: z.number(),
  /** Cumulative since the statistics reset (pg_stat_database); null when the server keeps none for it. */
  tempBytes: bytes,
  tempFiles: z.number().nullable(),
  statsReset: z.string().nullable(),
});
export type DatabaseAge = z.infer<typeof databaseAgeSchema>;

export const tableAgeSchema = z.object({
  schema: z.string(),
  name: z.string(),
  /** The older of the table's and its TOAST table's. */
  xidAge: z.number(),
  mxidAge: z.number(),
  /** relpages × block size: as of the last VACUUM or ANALYZE. */
  bytes: z.number(),
  fixSql: z.string(),
});
export type TableAge = z.infer<typeof tableAgeSchema>;

export const bloatSchema = z.object({
  kind: z.enum(['table', 'index']),
  schema: z.string(),
  name: z.string(),
  /** The index's table; null for a table. */
  table: z.string().nullable(),
  /** relpages × block size (heap + TOAST pages for a table). */
  bytes: z.number(),
  /** Estimated from statistics: bytes above what the rows need at the fillfactor. */
  bloatBytes: z.number(),
  bloatPct: z.number(),
  fixSql: z.string(),
});
export type BloatFact = z.infer<typeof bloatSchema>;

export const indexFindingSchema = z.object({
  kind: z.enum(['unused', 'duplicate', 'prefix']),
  schema: z.string(),
  table: z.string(),
  name: z.string(),
  /** null when the index was locked and not sized this time. */
  bytes: bytes,
  /** For duplicate and prefix: the index that makes this one unnecessary. */
  coveredBy: z.string().nullable(),
  definition: z.string(),
  fixSql: z.string(),
});
export type IndexFinding = z.infer<typeof indexFindingSchema>;

export const tablespaceFactSchema = z.object({
  name: z.string(),
  /** Empty for pg_default and pg_global (inside the data directory). */
  location: z.string(),
  bytes: bytes,
  /** Databases whose default tablespace this is. */
  databases: z.array(z.string()),
  /** Relations of the sampled database stored here (explicitly, or by its default). */
  relations: z.number(),
});
export type TablespaceFact = z.infer<typeof tablespaceFactSchema>;

/**
 * The costly facts, read on their own cadence (settings.slowDiskFactsEveryMinutes): they read every
 * table's column statistics, every file of each tablespace, and all of pg_class for the oldest tables.
 * The others are read with every sample, the databases' ages among them (the wraparound alert reads those).
 */
export const SLOW_DISK_FACTS = ['oldestTables', 'bloat', 'indexes', 'tablespaces'] as const;

/** When each fact was measured (ISO); null when it was not read (no rights, or it failed: see gaps). */
export const measuredAtSchema = z.object({
  wal: z.string().nullable(),
  slots: z.string().nullable(),
  databases: z.string().nullable(),
  oldestTables: z.string().nullable(),
  bloat: z.string().nullable(),
  indexes: z.string().nullable(),
  tablespaces: z.string().nullable(),
});
export type MeasuredAt = z.infer<typeof measuredAtSchema>;

export const diskFactsSchema = z.object({
  inRecovery: z.boolean(),
  /** pg_wal: sum of its files; null without the rights (see gaps). */
  wal: z.object({ bytes: z.number(), files: z.number() }).nullable(),
  slots: z.array(slotFactSchema),
  freezeMaxAge: z.number(),
  multixactFreezeMaxAge: z.number(),
  databases: z.array(databaseAgeSchema),
  oldestTables: z.array(tableAgeSchema),
  bloat: z.array(bloatSchema),
  indexes: z.array(indexFindingSchema),
  /**
   * A time the sampled database's scan counters have counted since: the later of its statistics
   * reset and the server's loss of its statistics (crash restart); null when neither is known.
   */
  statsReset: z.string().nullable(),
  tablespaces: z.array(tablespaceFactSchema),
  /** What could not be read, in words, with the role that grants it. */
  gaps: z.array(z.string()),
  /**
   * The sample's time for the facts read with it; an earlier time for slow facts carried from the
   * sample that last read them.
   */
  measuredAt: measuredAtSchema,
  /** The gaps that belong to the slow facts (also in `gaps`): carried with them. */
  slowGaps: z.array(z.string()),
});
export type DiskFacts = z.infer<typeof diskFactsSchema>;

/** Temporary files written between two samples (the counter is cumulative since its reset). */
export const tempRateSchema = z.object({
  database: z.string(),
  bytes: z.number(),
  files: z.number(),
  spanMs: z.number(),
  /** Null when the samples are less than TEMP_RATE_MIN_SPAN_MS apart: too short to say a day's worth. */
  bytesPerDay: z.number().nullable(),
});
/** Temporary files a day are extrapolated only from samples at least this far apart (1 h). */
export const TEMP_RATE_MIN_SPAN_MS = 3_600_000;
export type TempRate = z.infer<typeof tempRateSchema>;

/** The latest sample's facts as the Storage page and `tidemark storage` show them. */
export const diskFactsViewSchema = z.object({
  takenAt: z.string(),
  facts: diskFactsSchema,
  /** Temp files per database since the previous sample; empty when there is none or a counter was reset. */
  tempRates: z.array(tempRateSchema),
  /** Over what span the rates are, or why there are none. */
  tempNote: z.string().nullable(),
});
export type DiskFactsView = z.infer<typeof diskFactsViewSchema>;

/** Age as a percentage of the wraparound horizon. */
export const wraparoundPct = (age: number) => (age / WRAPAROUND_AGE) * 100;

/** One relation the DBA picks for an exact bloat figure from the pgstattuple extension. */
export const exactBloatRequestSchema = z.object({
  profileId: z.string(),
  schema: z.string().min(1).max(63),
  name: z.string().min(1).max(63),
});

/**
 * pgstattuple's figures for one relation, on demand (never sampled: it reads the relation).
 * `function` says which gave them: pgstattuple_approx for a table (skips pages the visibility map
 * says are all visible, so its free space is itself an estimate for those), pgstattuple for an
 * index (reads every page).
 */
export const exactBloatSchema = z.object({
  schema: z.string(),
  name: z.string(),
  kind: z.enum(['table', 'index']),
  function: z.enum(['pgstattuple_approx', 'pgstattuple']),
  bytes: z.number(),
  /** Free space plus dead tuples: what a rewrite would give back, at most. */
  bloatBytes: z.number(),
  bloatPct: z.number(),
  freeBytes: z.number(),
  deadBytes: z.number(),
  /** pgstattuple_approx only: the share of pages it really read. */
  scannedPct: z.number().nullable(),
  measuredAt: z.string(),
  durationMs: z.number(),
});
export type ExactBloat = z.infer<typeof exactBloatSchema>;

/** Counting scans for less than this, an index used weekly can look never scanned. */
const SHORT_COUNTING_MS = 7 * 86_400_000;

/**
 * "Scans counted since …" as the Storage page and `tidemark storage` say it, with a
 * warning when the counting is too short to call an index unused. `at` formats the time.
 */
export function scanCountingText(
  statsReset: string | null,
  sampledAt: string,
  at: (iso: string) => string,
): string {
  if (statsReset === null) return 'Scans counted since the statistics began (when is not known).';
  const counted = Date.parse(sampledAt) - Date.parse(statsReset);
  return (
    `Scans counted since ${at(statsReset)} (the statistics' last reset, or the crash restart that lost them).` +
    (counted < SHORT_COUNTING_MS
      ? ' That is less than a week: an index used weekly or monthly shows no scans yet.'
      : '')
  );
}
