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
  database: { name: string; bytes: number };
  databases: Array<{ name: string; bytes: number }>;
  /** Every relation, including chunks and partitions (with their parent). */
  relations: CollectedRelation[];
  /** What this sample could not see, as sentences a DBA reads. */
  gaps: string[];
  /** WAL, slots, ages, bloat, index usage, temp files, tablespaces; null when they could not be read at all. */
  diskFacts?: DiskFacts | null;
}
