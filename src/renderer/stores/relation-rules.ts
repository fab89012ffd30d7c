import { createStore } from 'zustand/vanilla';
import type { RelationRule } from '../../shared/alerts';
import { parseByteSize } from '../../shared/bytes';
import type { AppErrorData } from '../../shared/result';
import type { RendererClient } from '../client';
import { bytesToGib } from '../lib/alerts';
import { idle, type Loadable, settled } from './loadable';

/** The form as typed: a size in GiB, a growth in %, empty for "the profile's rule". */
export type RelationRuleDraft = {
  schema: string;
  name: string;
  muted: boolean;
  sizeGib: string;
  growthPct: string;
};

export type RelationRulesState = {
  profileId: string | null;
  list: Loadable<RelationRule[]>;
  draft: RelationRuleDraft;
  saving: boolean;
  error: AppErrorData | null;

  open(profileId: string): Promise<void>;
  setDraft(change: Partial<RelationRuleDraft>): void;
  /** Fills the form with a rule, to change it. */
  edit(rule: RelationRule): void;
  save(): Promise<void>;
  remove(schema: string, name: string): Promise<void>;
};

export type RelationRulesStore = ReturnType<typeof createRelationRulesStore>;

const emptyDraft: RelationRuleDraft = {
  schema: 'public',
  name: '',
  muted: false,
  sizeGib: '',
  growthPct: '',
};

/**
 * The form → the contract. A size that cannot be read is refused here with the reason (a unit
 * nobody uses, a negative); everything else goes as typed and main says what is wrong with it.
 */
export function ruleOf(
  draft: RelationRuleDraft,
): { ok: true; rule: Record<string, unknown> } | { ok: false; error: AppErrorData } {
  const size = draft.sizeGib.trim();
  const growth = draft.growthPct.trim().replace(/\s*%$/, '');
  const bytes = size === '' ? null : parseByteSize(size, 'GiB');
  if (bytes && !bytes.ok) {
    return {
      ok: false,
      error: {
        code: 'invalid_input',
        message: bytes.message,
        fields: { 'rule.sizeAboveBytes': bytes.message },
      },
    };
  }
  return {
    ok: true,
    rule: {
      schema: draft.schema.trim(),
      name: draft.name.trim(),
      muted: draft.muted,
      sizeAboveBytes: bytes ? bytes.bytes : null,
      growthAbovePct: growth === '' ? null : Number.isFinite(Number(growth)) ? Number(growth) : growth,
    },
  };
}

/** Per-relation overrides of a profile's alert rules (Alert rules page). */
export function createRelationRulesStore(client: RendererClient) {
  return createStore<RelationRulesState>()((set, get) => ({
    profileId: null,
    list: idle(),
    draft: emptyDraft,
    saving: false,
    error: null,

    async open(profileId) {
      if (get().profileId !== profileId) {
        set({ profileId, list: { data: null, error: null, loading: true }, draft: emptyDraft, error: null });
      }
      const result = await client.invoke('rules:listRelations', { profileId });
      if (get().profileId !== profileId) return;
      set((s) => ({
        list: settled(result, s.list.data),
      }));
    },

    setDraft(change) {
      set((s) => ({ draft: { ...s.draft, ...change }, error: null }));
    },

    edit(rule) {
      set({
        error: null,
        draft: {
          schema: rule.schema,
          name: rule.name,
          muted: rule.muted,
          sizeGib: rule.sizeAboveBytes === null ? '' : bytesToGib(rule.sizeAboveBytes),
          growthPct: rule.growthAbovePct === null ? '' : String(rule.growthAbovePct),
        },
      });
    },

    async save() {
      const profileId = get().profileId;
      if (!profileId || get().saving) return;
      const typed = ruleOf(get().draft);
      if (!typed.ok) {
        set({ error: typed.error });
        return;
      }
      set({ saving: true, error: null });
      const rule = typed.rule as RelationRule;
      const result = await client.invoke('rules:setRelation', { profileId, rule });
      if (get().profileId !== profileId) return;
      if (result.ok)
        set({ saving: false, draft: emptyDraft, list: { data: result.value, error: null, loading: false } });
      else set({ saving: false, error: result.error });
    },

    async remove(schema, name) {
      const profileId = get().profileId;
      if (!profileId) return;
      const result = await client.invoke('rules:removeRelation', { profileId, schema, name });
      if (get().profileId !== profileId) return;
      if (result.ok) set({ list: { data: result.value, error: null, loading: false } });
      else set({ error: result.error });
    },
  }));
}
