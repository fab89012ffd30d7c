import type { Alert, AlertRules, RelationRule } from '../../shared/alerts';
import { displayName } from '../../shared/ident';
import type { AlertDraft } from './alert-repository';
import { relationSizeMessage } from './messages';
import type { SampledRelation, SampledRelations } from './relation-rules';
import type { StorageEvaluator } from './storage-evaluator';

/** What one stored sample says about the storage rules. */
export interface StorageVerdict {
  /** Conditions that hold now. */
  drafts: AlertDraft[];
  /**
   * Whether this sample could tell about an active alert it raised no draft
   * for: a relation not measured this time could not, so its alert stays.
   */
  speaksFor(alert: Alert): boolean;
}

/**
 * The profile's storage rules with its per-relation overrides: a muted
 * relation raises nothing; a relation with its own growth threshold is judged
 * by it (one more pass of the evaluator per distinct threshold, so the
 * message names the threshold that fired); a relation with its own size limit
 * raises relation_size.
 */
export class StorageCheck {
  constructor(
    private readonly evaluator: StorageEvaluator,
    private readonly sampled: SampledRelations,
  ) {}

  run(
    profileId: string,
    sampleId: number,
    rules: AlertRules,
    overrides: RelationRule[],
    now: Date,
  ): StorageVerdict {
    const relations = this.sampled.of(sampleId);
    const byId = new Map(relations.map((r) => [r.relationId, r]));
    const overrideOf = new Map<number, RelationRule>();
    for (const rule of overrides) {
      const relation = relations.find((r) => r.schema === rule.schema && r.name === rule.name);
      if (relation) overrideOf.set(relation.relationId, rule);
    }
    const own = (d: AlertDraft) =>
      d.subject.relationId === null ? undefined : overrideOf.get(d.subject.relationId);

    const drafts = this.evaluator
      .evaluate(profileId, sampleId, rules, now)
      .filter((d) => !(d.kind === 'relation_growth' && own(d)?.growthAbovePct != null));
    const thresholds = new Set(
      overrides.flatMap((o) => (o.growthAbovePct === null ? [] : [o.growthAbovePct])),
    );
    for (const pct of thresholds) {
      const relationOnly: AlertRules = {
        ...rules,
        growthWarningEnabled: false,
        sizeCriticalEnabled: false,
        forecastEnabled: false,
        relationGrowthEnabled: true,
        relationGrowthPct: pct,
      };
      for (const d of this.evaluator.evaluate(profileId, sampleId, relationOnly, now)) {
        if (d.kind === 'relation_growth' && own(d)?.growthAbovePct === pct) drafts.push(d);
      }
    }
    for (const [relationId, rule] of overrideOf) {
      const relation = byId.get(relationId)!;
      const draft = sizeDraft(relation, rule);
      if (draft) drafts.push(draft);
    }
    return {
      drafts: drafts.filter((d) => !own(d)?.muted),
      speaksFor: (alert) => {
        if (alert.subject.relationId === null) return true;
        const relation = byId.get(alert.subject.relationId);
        // Gone from the sample (dropped) clears it; present but not measured says nothing.
        return !relation || relation.totalBytes !== null;
      },
    };
  }
}

function sizeDraft(relation: SampledRelation, rule: RelationRule): AlertDraft | null {
  const limit = rule.sizeAboveBytes;
  if (limit === null || relation.totalBytes === null || relation.totalBytes < limit) return null;
  // The subject's name is stored as it always was (schema.name); the message reads it as psql would.
  const name = `${relation.schema}.${relation.name}`;
  return {
    kind: 'relation_size',
    severity: 'warning',
    subject: { type: 'relation', name, relationId: relation.relationId },
    message: relationSizeMessage(
      displayName(relation.schema, relation.name),
      relation.kind,
      relation.totalBytes,
      limit,
    ),
    currentBytes: relation.totalBytes,
    previousBytes: null,
    growthPct: null,
  };
}
