import type { DiskFacts } from '../../shared/disk-facts';
import type { RelationKind } from '../../shared/storage';

/** One relation as the collector read it from the server's catalog. */
export interface CollectedRelation {
  schema: string;
  name: string;
  kind: RelationKind;
  /** The hypertable or partitioned root it rolls up into (its top-most ancestor). */
  parent: { schema: string; name: string } | null;
  measured: boolean;
  /** Why not measured, in words; null when measured. */
  notMeasured: string | null;
  /** Every fork of the table itself (main, free space map, visibility map): pg_table_size minus TOAST. */
  heapBytes: number | null;
  /** The TOAST table and its index. */
  toastBytes: number | null;
  indexBytes: number | null;
  /** heap + TOAST + indexes = pg_total_relation_size (hypertables: hypertable_detailed_size). */
  totalBytes: number | null;
  /** reltuples; null when never vacuumed or analyzed (PostgreSQL 14+). Rollups: the sum of their pieces. */
  rowEstimate: number | null;
  deadTuples: number | null;
  /** ISO times; the later of manual and auto. */
  lastVacuum: string | null;
  lastAnalyze: string | null;
  /** Leaf partitions or chunks rolled up into this row. */
  children: number | null;
  compressedChildren: number | null;
  /** TimescaleDB's figures, recorded at compression time (not today's size); null without compressed chunks. */
  beforeCompressionBytes: number | null;
  afterCompressionBytes: number | null;
}

/** A whole storage sample, before it is stored. */
export interface CollectedSample {
  takenAt: Date;
  durationMs: number;
  /** Round trips to the server for this sample (for the benchmark). */
  roundTrips: number;
  serverVersionNum: number;
  /**
   * The sampled database. `from`: 'derived' = the relations measured plus those the relation statement
   * does not look at (sql/database-size.ts); 'pg_database_size' = asked directly (the fallback).
   */
  database: { name: string; bytes: number; from?: 'derived' | 'pg_database_size' };
  /**
   * Every database of the server, the sampled one included. The others are sized on their own, slower
   * cadence: between two sizings a sample carries the last figure, and sizedAt says when it was taken
   * (absent = sized by this sample).
   */
  databases: Array<{ name: string; bytes: number; sizedAt?: Date }>;
  /**
   * The upkeep figures (dead tuples, vacuum and analyze times) are read on their own, slower cadence.
   * Absent: read by this sample. Set: not read (every relation's are null); the history carries the
   * figures read at this time.
   */
  upkeepAt?: Date;
  /** Every relation, including chunks and partitions (with their parent). */
  relations: CollectedRelation[];
  /** What this sample could not see, as sentences a DBA reads. */
  gaps: string[];
  /** WAL, slots, ages, bloat, index usage, temp files, tablespaces; null when they could not be read at all. */
  diskFacts?: DiskFacts | null;
}

/** A database's size as an earlier sample took it, carried into the samples in between. */
export interface KnownDatabaseSize {
  name: string;
  bytes: number;
  sizedAt: Date;
}
