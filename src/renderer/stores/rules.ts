import { createStore } from 'zustand/vanilla';
import { type AlertRules, DEFAULT_ALERT_RULES, type ProfileRules } from '../../shared/alerts';
import { parseByteSize } from '../../shared/bytes';
import type { EventMessage, RequestOf } from '../../shared/contract';
import type { AppErrorData } from '../../shared/result';
import type { RendererClient } from '../client';
import { bytesToGib, gibToBytes, isByteRule, type SwitchRule, type ValueRule } from '../lib/alerts';
import { edited, fieldErrorsOf, loadAnswer, oneOf, refused } from './draft-form';

export type RuleName = keyof AlertRules;
/** What the DBA typed: switches as booleans, every figure as text (byte thresholds in GiB). */
export type RulesDraft = { [K in SwitchRule]: boolean } & { [K in ValueRule]: string };

export type RulesState = {
  profileId: string | null;
  current: ProfileRules | null;
  loadError: AppErrorData | null;
  loading: boolean;
  draft: RulesDraft;
  /** Keyed by rule name (growthFloorBytes, …): main's message, or why a GiB figure cannot be read. */
  fieldErrors: Partial<Record<RuleName, string>>;
  saveError: AppErrorData | null;
  saving: boolean;
  resetting: boolean;
  /** After a save or reset: which profiles it went to. Cleared on the next edit. */
  done: { action: 'saved' | 'reset'; profileIds: string[] } | null;
  /** Other profiles that get the same rules on save (and the defaults on reset). */
  alsoApplyTo: string[];

  open(profileId: string): void;
  load(): Promise<void>;
  setValue(rule: ValueRule, text: string): void;
  setSwitch(rule: SwitchRule, on: boolean): void;
  setAlsoApplyTo(profileIds: string[]): void;
  toggleAlsoApplyTo(profileId: string): void;
  /** Puts the saved rules back in the fields. */
  undo(): void;
  save(): Promise<boolean>;
  resetToDefaults(): Promise<boolean>;
  applyEvent(message: EventMessage): void;
};

export type RulesStore = ReturnType<typeof createRulesStore>;

export function draftOf(rules: AlertRules): RulesDraft {
  const draft = {} as Record<string, string | boolean>;
  for (const [rule, value] of Object.entries(rules)) {
    draft[rule] = typeof value === 'boolean' ? value : isByteRule(rule) ? bytesToGib(value) : String(value);
  }
  return draft as RulesDraft;
}

type RulesInput = RequestOf<'rules:set'>['rules'];

/**
 * The draft as main's contract wants it. GiB figures become exact bytes here
 * (a figure that is not a number is refused here, as it cannot be converted);
 * everything else goes as typed and main says what is wrong with it.
 */
export function rulesOf(
  draft: RulesDraft,
): { ok: true; rules: RulesInput } | { ok: false; fields: Partial<Record<RuleName, string>> } {
  const rules: Record<string, unknown> = {};
  const fields: Partial<Record<RuleName, string>> = {};
  for (const [rule, value] of Object.entries(draft) as Array<[RuleName, string | boolean]>) {
    if (typeof value === 'boolean') {
      rules[rule] = value;
    } else if (isByteRule(rule)) {
      const size = parseByteSize(value, 'GiB');
      if (size.ok) rules[rule] = size.bytes;
      else fields[rule] = size.message;
    } else {
      rules[rule] = typedValue(rule as ValueRule, value) ?? value;
    }
  }
  if (Object.keys(fields).length) return { ok: false, fields };
  return { ok: true, rules: rules as RulesInput };
}

/** One typed figure as the contract reads it (bytes for GiB fields), or null if it is not a number. */
export function typedValue(rule: ValueRule, text: string): number | null {
  if (isByteRule(rule)) return gibToBytes(text);
  const clean = text.trim().replace(',', '.');
  return clean !== '' && Number.isFinite(Number(clean)) ? Number(clean) : null;
}

/** True when the fields say the same as the saved rules. */
export function sameAsSaved(draft: RulesDraft, rules: AlertRules): boolean {
  const parsed = rulesOf(draft);
  if (!parsed.ok) return false;
  const mine = parsed.rules as Record<string, unknown>;
  return (Object.keys(rules) as RuleName[]).every((k) => mine[k] === rules[k]);
}

/** `rules.growthFloorBytes` / `growthFloorBytes` → the field; anything else is for the whole form. */
const isRule = oneOf(Object.keys(DEFAULT_ALERT_RULES) as RuleName[]);

export function ruleFieldErrors(error: AppErrorData): Partial<Record<RuleName, string>> {
  return fieldErrorsOf(error, isRule);
}

export function createRulesStore(client: RendererClient) {
  return createStore<RulesState>()((set, get) => {
    const targets = () => {
      const { profileId, alsoApplyTo } = get();
      return profileId ? [profileId, ...alsoApplyTo.filter((id) => id !== profileId)] : [];
    };

    /** Main answered with the rules of every profile it changed: keep ours. */
    const landed = (profileId: string, list: ProfileRules[], action: 'saved' | 'reset') => {
      const mine = list.find((r) => r.profileId === profileId);
      set({
        saving: false,
        resetting: false,
        ...(mine ? { current: mine, draft: draftOf(mine.rules) } : {}),
        fieldErrors: {},
        saveError: null,
        done: { action, profileIds: list.map((r) => r.profileId) },
      });
    };

    return {
      profileId: null,
      current: null,
      loadError: null,
      loading: false,
      draft: draftOf(DEFAULT_ALERT_RULES),
      fieldErrors: {},
      saveError: null,
      saving: false,
      resetting: false,
      done: null,
      alsoApplyTo: [],

      open(profileId) {
        if (get().profileId !== profileId) {
          set({
            profileId,
            current: null,
            loadError: null,
            draft: draftOf(DEFAULT_ALERT_RULES),
            fieldErrors: {},
            saveError: null,
            done: null,
            alsoApplyTo: [],
          });
        }
        void get().load();
      },

      async load() {
        const profileId = get().profileId;
        if (!profileId) return;
        set({ loading: true });
        const result = await client.invoke('rules:get', { profileId });
        if (get().profileId !== profileId) return;
        set(
          loadAnswer(
            result,
            get(),
            (saved) => draftOf(saved.rules),
            (draft, current) => sameAsSaved(draft, current.rules),
          ),
        );
      },

      setValue(rule, text) {
        set((s) => ({ ...edited<RulesDraft, RuleName>(s, rule, text), done: null, saveError: null }));
      },

      setSwitch(rule, on) {
        set((s) => ({ draft: { ...s.draft, [rule]: on }, done: null, saveError: null }));
      },

      setAlsoApplyTo(alsoApplyTo) {
        set({ alsoApplyTo, done: null });
      },

      toggleAlsoApplyTo(profileId) {
        const { alsoApplyTo } = get();
        set({
          alsoApplyTo: alsoApplyTo.includes(profileId)
            ? alsoApplyTo.filter((id) => id !== profileId)
            : [...alsoApplyTo, profileId],
          done: null,
        });
      },

      undo() {
        const { current } = get();
        if (current) set({ draft: draftOf(current.rules), fieldErrors: {}, saveError: null, done: null });
      },

      async save() {
        const profileId = get().profileId;
        if (!profileId || get().saving) return false;
        const parsed = rulesOf(get().draft);
        if (!parsed.ok) {
          set({ fieldErrors: parsed.fields, saveError: null, done: null });
          return false;
        }
        set({ saving: true, saveError: null, done: null });
        const result = await client.invoke('rules:set', { profileIds: targets(), rules: parsed.rules });
        if (get().profileId !== profileId) return false;
        if (!result.ok) {
          set(refused(result.error, isRule));
          return false;
        }
        landed(profileId, result.value, 'saved');
        return true;
      },

      async resetToDefaults() {
        const profileId = get().profileId;
        if (!profileId || get().resetting) return false;
        set({ resetting: true, saveError: null, done: null });
        const result = await client.invoke('rules:reset', { profileIds: targets() });
        if (get().profileId !== profileId) return false;
        if (!result.ok) {
          set({ resetting: false, saveError: result.error });
          return false;
        }
        landed(profileId, result.value, 'reset');
        return true;
      },

      applyEvent(message) {
        if (message.event === 'profiles:changed' && message.payload.reason === 'deleted') {
          const gone = message.payload.id;
          set((s) => ({ alsoApplyTo: s.alsoApplyTo.filter((id) => id !== gone) }));
        }
      },
    };
  });
}
