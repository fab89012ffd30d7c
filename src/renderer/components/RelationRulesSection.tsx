import { useEffect } from 'react';
import type { RelationRule } from '../../shared/alerts';
import { displayName, relationKey } from '../../shared/ident';
import { formatBytes } from '../lib/format';
import { useRelationRules, useStores } from '../stores';
import { LoadError } from './Values';

function ruleSummary(rule: RelationRule): string {
  if (rule.muted) return 'muted: no alert about it';
  const parts = [
    rule.sizeAboveBytes === null ? null : `alert above ${formatBytes(rule.sizeAboveBytes)}`,
    rule.growthAbovePct === null ? null : `growth warning above ${rule.growthAbovePct} % per 24 h`,
  ];
  return parts.filter(Boolean).join(' · ');
}

/**
 * Rules for single relations, over the profile's: mute one (no alert about it
 * at all), give it a size limit of its own, or a growth threshold of its own.
 */
export function RelationRulesSection({ profileId }: { profileId: string }) {
  const { relationRules } = useStores();
  const list = useRelationRules((s) => s.list);
  const draft = useRelationRules((s) => s.draft);
  const saving = useRelationRules((s) => s.saving);
  const error = useRelationRules((s) => s.error);
  useEffect(() => {
    void relationRules.getState().open(profileId);
  }, [relationRules, profileId]);
  const set = relationRules.getState().setDraft;
  const fieldError = (field: string) => error?.fields?.[`rule.${field}`];

  return (
    <section
      className="form-section relation-rules"
      aria-labelledby="relation-rules-title"
      data-testid="relation-rules"
    >
      <h2 id="relation-rules-title">Rules for single relations</h2>
      <p className="muted">
        Override this profile’s rules for one table: mute it, give it a size limit of its own, or a growth
        threshold of its own (the size floor still applies). They apply from the next sample.
      </p>
      {list.error ? (
        <LoadError
          message={list.error.message}
          onRetry={() => void relationRules.getState().open(profileId)}
          compact
        />
      ) : null}
      {list.data && list.data.length > 0 ? (
        <ul className="webhook-list">
          {list.data.map((r) => (
            <li
              key={relationKey(r.schema, r.name)}
              data-testid="relation-rule"
              data-relation={displayName(r.schema, r.name)}
            >
              <div>
                <span className="mono">
                  {r.schema}.{r.name}
                </span>{' '}
                <span className="muted">{ruleSummary(r)}</span>
              </div>
              <div className="webhook-actions">
                <button type="button" className="small" onClick={() => relationRules.getState().edit(r)}>
                  Change
                </button>
                <button
                  type="button"
                  className="small subtle"
                  onClick={() => void relationRules.getState().remove(r.schema, r.name)}
                  aria-label={`Remove the rule for ${displayName(r.schema, r.name)}`}
                >
                  Remove
                </button>
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      <form
        className="webhook-add"
        aria-label="Rule for a relation"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void relationRules.getState().save();
        }}
      >
        <div className="field">
          <label htmlFor="relation-rule-schema">Schema</label>
          <input
            id="relation-rule-schema"
            value={draft.schema}
            onChange={(e) => set({ schema: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="relation-rule-name">Relation</label>
          <input
            id="relation-rule-name"
            value={draft.name}
            placeholder="orders"
            onChange={(e) => set({ name: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="relation-rule-size">Alert above (GiB)</label>
          <input
            id="relation-rule-size"
            inputMode="decimal"
            value={draft.sizeGib}
            onChange={(e) => set({ sizeGib: e.target.value })}
            aria-invalid={fieldError('sizeAboveBytes') ? true : undefined}
          />
        </div>
        <div className="field">
          <label htmlFor="relation-rule-growth">Growth warning above (%)</label>
          <input
            id="relation-rule-growth"
            inputMode="decimal"
            value={draft.growthPct}
            onChange={(e) => set({ growthPct: e.target.value })}
            aria-invalid={fieldError('growthAbovePct') ? true : undefined}
          />
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={draft.muted} onChange={(e) => set({ muted: e.target.checked })} />{' '}
          Mute
        </label>
        <button type="submit" disabled={saving || draft.name.trim() === ''}>
          {saving ? 'Saving…' : 'Save the rule'}
        </button>
        {error ? (
          <p className="field-error" role="alert" data-testid="relation-rule-error">
            {error.message}
          </p>
        ) : null}
      </form>
    </section>
  );
}
