import type Database from 'better-sqlite3';
import type { RelationKind } from '../../shared/storage';

export interface StoredSample {
  id: number;
  takenAt: number;
  databaseName: string;
  databaseBytes: number;
}

/** A top-level relation measured in both samples (the baseline's size is `previousBytes`). */
export interface RelationPair {
  relationId: number;
  schema: string;
  name: string;
  kind: RelationKind;
  currentBytes: number;
  previousBytes: number;
}

/** How far from "one window ago" a baseline may be, as a share of the window. */
const BASELINE_SLACK = 0.1;

/**
 * Reads a stored sample and its baseline one growth window earlier, for the growth rules. Only
 * what both samples measured is paired: a relation "not measured this time"
 * (NULL sizes) or missing from either sample has no pair, so it can never
 * look like zero growth, nor like growth from zero.
 */
export class SamplePairReader {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      sample: db.prepare<[number, string], StoredSample>(`
        SELECT id, taken_at AS takenAt, database_name AS databaseName, database_bytes AS databaseBytes
        FROM samples WHERE id = ? AND profile_id = ?`),
      // The range is a tenth of a window either side of its start: a seek, then a handful of rows.
      baseline: db.prepare<
        [{ profileId: string; target: number; slack: number; before: number }],
        StoredSample
      >(`
        SELECT id, taken_at AS takenAt, database_name AS databaseName, database_bytes AS databaseBytes
        FROM samples
        WHERE profile_id = @profileId AND taken_at BETWEEN @target - @slack AND @target + @slack
          AND taken_at < @before
        ORDER BY abs(taken_at - @target), taken_at LIMIT 1`),
      // Top-level relations (no chunks or partitions: they roll up into their root).
      pairs: db.prepare<[{ current: number; previousAt: number; previous: number }], RelationPair>(`
        SELECT r.id AS relationId, r.schema, r.name, r.kind,
               c.total_bytes AS currentBytes, p.total_bytes AS previousBytes
        FROM relation_sizes c
        JOIN relations r ON r.id = c.relation_id AND r.parent_id IS NULL
        JOIN relation_sizes p ON p.relation_id = c.relation_id AND p.taken_at = @previousAt
                             AND p.sample_id = @previous
        WHERE c.sample_id = @current
          AND c.measured = 1 AND c.total_bytes IS NOT NULL
          AND p.measured = 1 AND p.total_bytes IS NOT NULL`),
    };
  }

  /** The sample, if it is this profile's (a profile deleted meanwhile has none). */
  sample(profileId: string, sampleId: number): StoredSample | null {
    return this.stmts.sample.get(sampleId, profileId) ?? null;
  }

  /**
   * The sample nearest to one window before `current`, within a tenth of the
   * window either side (schedule jitter); null while the history does not
   * reach back that far, or has no sample near that time.
   */
  baseline(profileId: string, current: StoredSample, windowMs: number): StoredSample | null {
    return (
      this.stmts.baseline.get({
        profileId,
        target: current.takenAt - windowMs,
        slack: Math.floor(windowMs * BASELINE_SLACK),
        before: current.takenAt,
      }) ?? null
    );
  }

  relationPairs(current: StoredSample, previous: StoredSample): RelationPair[] {
    return this.stmts.pairs.all({ current: current.id, previous: previous.id, previousAt: previous.takenAt });
  }
}
