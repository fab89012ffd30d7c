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
  heapBytes: number | null;
  toastBytes: number | null;
  indexBytes: number | null;
  totalBytes: number | null;
  rowEstimate: number | null;
  deadTuples: number | null;
  /** ISO times; the later of manual and auto. */
  lastVacuum: string | null;
  lastAnalyze: string | null;
  children: number | null;
  compressedChildren: number | null;
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
}
