import type Database from 'better-sqlite3';
import type { RelationRule } from '../../shared/alerts';
import type { RelationKind } from '../../shared/storage';
import { storeError } from '../history/store-error';

interface Row {
  schema: string;
  name: string;
  muted: number;
  size_above_bytes: number | null;
  growth_above_pct: number | null;
}

const fromRow = (r: Row): RelationRule => ({
  schema: r.schema,
  name: r.name,
  muted: r.muted === 1,
  sizeAboveBytes: r.size_above_bytes,
  growthAbovePct: r.growth_above_pct,
});

/**
 * Per-relation overrides of a profile's rules, by schema and name (so a rule
 * can be set before the relation is first sampled). A rule with nothing set
 * (not muted, no limit, no threshold) is no rule: it is removed.
 */
export class RelationRulesRepository {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      list: db.prepare<[string], Row>(`
        SELECT schema, name, muted, size_above_bytes, growth_above_pct FROM relation_alert_rules
        WHERE profile_id = ? ORDER BY schema, name`),
      upsert: db.prepare(`
        INSERT INTO relation_alert_rules (profile_id, schema, name, muted, size_above_bytes, growth_above_pct,
          updated_at)
        VALUES (@profileId, @schema, @name, @muted, @sizeAboveBytes, @growthAbovePct, @at)
        ON CONFLICT (profile_id, schema, name) DO UPDATE SET muted = excluded.muted,
          size_above_bytes = excluded.size_above_bytes, growth_above_pct = excluded.growth_above_pct,
          updated_at = excluded.updated_at`),
      remove: db.prepare<[string, string, string]>(
        'DELETE FROM relation_alert_rules WHERE profile_id = ? AND schema = ? AND name = ?',
      ),
    };
  }

  list(profileId: string): RelationRule[] {
    return this.stmts.list.all(profileId).map(fromRow);
  }

  set(profileId: string, rule: RelationRule, at: Date): RelationRule[] {
    if (!rule.muted && rule.sizeAboveBytes === null && rule.growthAbovePct === null) {
      return this.remove(profileId, rule.schema, rule.name);
    }
    try {
      this.stmts.upsert.run({ profileId, ...rule, muted: rule.muted ? 1 : 0, at: at.getTime() });
    } catch (err) {
      throw storeError(err, 'The relation rule');
    }
    return this.list(profileId);
  }

  remove(profileId: string, schema: string, name: string): RelationRule[] {
    this.stmts.remove.run(profileId, schema, name);
    return this.list(profileId);
  }
}

/** A top-level relation of one sample, measured or not. */
export interface SampledRelation {
  relationId: number;
  schema: string;
  name: string;
  kind: RelationKind;
  /** Null when it was not measured this time (a lock, no rights): never read as zero. */
  totalBytes: number | null;
}

/** The top-level relations a sample holds (chunks and partitions roll up into their root). */
export class SampledRelations {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = db.prepare<[number], SampledRelation>(`
      SELECT r.id AS relationId, r.schema, r.name, r.kind,
             CASE WHEN s.measured = 1 THEN s.total_bytes END AS totalBytes
      FROM relation_sizes s JOIN relations r ON r.id = s.relation_id AND r.parent_id IS NULL
      WHERE s.sample_id = ?`);
  }

  of(sampleId: number): SampledRelation[] {
    return this.stmt.all(sampleId);
  }
}
