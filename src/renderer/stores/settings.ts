import { createStore } from 'zustand/vanilla';
import type { AppErrorData } from '../../shared/result';
import type { Settings, Theme } from '../../shared/storage';
import type { RendererClient } from '../client';
import { numberField } from '../lib/form-number';

const FIELDS = [
  'sampleRetentionDays',
  'heartbeatRetentionDays',
  'databaseSizeEveryMinutes',
  'slowDiskFactsEveryMinutes',
  'tierFineMinutes',
  'tierFineDays',
  'tierHourlyDays',
] as const;

export type SettingsDraft = Record<(typeof FIELDS)[number], string>;

export type SettingsState = {
  current: Settings | null;
  loadError: AppErrorData | null;
  loading: boolean;
  draft: SettingsDraft;
  fieldErrors: Partial<Record<keyof SettingsDraft, string>>;
  saveError: AppErrorData | null;
  saving: boolean;
  saved: boolean;

  load(): Promise<void>;
  setField(field: keyof SettingsDraft, value: string): void;
  reset(): void;
  save(): Promise<boolean>;
  /** Saves the theme on its own, at once (the rest of the draft stays a draft). */
  setTheme(theme: Theme): Promise<void>;
};

export type SettingsStore = ReturnType<typeof createSettingsStore>;

const draftOf = (s: Settings): SettingsDraft =>
  Object.fromEntries(FIELDS.map((f) => [f, s[f] === undefined ? '' : String(s[f])])) as SettingsDraft;

/** Whether the draft differs from what is stored. */
export const draftChanged = (draft: SettingsDraft, current: Settings): boolean =>
  FIELDS.some((f) => draft[f] !== (current[f] === undefined ? '' : String(current[f])));

export function createSettingsStore(client: RendererClient) {
  return createStore<SettingsState>()((set, get) => ({
    async setTheme(theme) {
      const current = get().current;
      if (!current) return;
      // Shown at once; put back if the save is refused. Only the theme is sent with the stored retention.
      const withTheme = (t: Theme) =>
        set((s) => ({ current: s.current ? { ...s.current, theme: t } : s.current }));
      withTheme(theme);
      const { sampleRetentionDays, heartbeatRetentionDays } = current;
      const result = await client.invoke('settings:update', {
        sampleRetentionDays,
        heartbeatRetentionDays,
        theme,
      });
      if (!result.ok) {
        withTheme(current.theme);
        set({ saveError: result.error });
      }
    },

    current: null,
    loadError: null,
    loading: false,
    draft: Object.fromEntries(FIELDS.map((f) => [f, ''])) as SettingsDraft,
    fieldErrors: {},
    saveError: null,
    saving: false,
    saved: false,

    async load() {
      set({ loading: true });
      const result = await client.invoke('settings:get', {});
      if (!result.ok) {
        set({ loading: false, loadError: result.error });
        return;
      }
      set({
        loading: false,
        loadError: null,
        current: result.value,
        draft: draftOf(result.value),
        fieldErrors: {},
      });
    },

    setField(field, value) {
      set((s) => {
        const { [field]: _cleared, ...fieldErrors } = s.fieldErrors;
        return { draft: { ...s.draft, [field]: value }, fieldErrors, saved: false, saveError: null };
      });
    },

    reset() {
      const { current } = get();
      if (current) set({ draft: draftOf(current), fieldErrors: {}, saveError: null, saved: false });
    },

    async save() {
      if (get().saving) return false;
      const { draft } = get();
      set({ saving: true, saveError: null, saved: false });
      const result = await client.invoke('settings:update', {
        sampleRetentionDays: numberField(draft.sampleRetentionDays),
        heartbeatRetentionDays: numberField(draft.heartbeatRetentionDays),
        databaseSizeEveryMinutes: numberField(draft.databaseSizeEveryMinutes),
        slowDiskFactsEveryMinutes: numberField(draft.slowDiskFactsEveryMinutes),
        tierFineMinutes: numberField(draft.tierFineMinutes),
        tierFineDays: numberField(draft.tierFineDays),
        tierHourlyDays: numberField(draft.tierHourlyDays),
      });
      if (!result.ok) {
        const fieldErrors: SettingsState['fieldErrors'] = {};
        for (const [key, message] of Object.entries(result.error.fields ?? {})) {
          const last = key.split('.').pop();
          const field = FIELDS.find((f) => f === last);
          if (field) fieldErrors[field] ??= message;
          if (last && last in draft) fieldErrors[last as keyof SettingsDraft] ??= message;
        }
        set({
          saving: false,
          fieldErrors,
          saveError: Object.keys(fieldErrors).length ? null : result.error,
        });
        return false;
      }
      set({
        saving: false,
        current: result.value,
        draft: draftOf(result.value),
        fieldErrors: {},
        saved: true,
      });
      return true;
    },
  }));
}
