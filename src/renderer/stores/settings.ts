import { createStore } from 'zustand/vanilla';
import type { RequestOf } from '../../shared/contract';
import type { AppErrorData } from '../../shared/result';
import type { DataFolder, Settings, Theme } from '../../shared/storage';
import type { RendererClient } from '../client';
import { numberField } from '../lib/form-number';
import { edited, loadAnswer, oneOf, saveAnswer } from './draft-form';

const NUMBER_FIELDS = [
  'sampleRetentionDays',
  'heartbeatRetentionDays',
  'databaseSizeEveryMinutes',
  'slowDiskFactsEveryMinutes',
  'upkeepEveryMinutes',
  'tierFineMinutes',
  'tierFineDays',
  'tierHourlyDays',
  'defaultHeartbeatSeconds',
] as const;
/** Typed fields: every number, and the default schedule's text ("daily 03:00", "every 15m"). */
const FIELDS = [...NUMBER_FIELDS, 'defaultSchedule'] as const;
const isField = oneOf<(typeof FIELDS)[number]>(FIELDS);
const isNumberField = (f: string): f is (typeof NUMBER_FIELDS)[number] =>
  (NUMBER_FIELDS as readonly string[]).includes(f);

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
  /** Saves switches (notifications, default rules) on their own, at once; put back if refused. */
  applyNow(
    update: Partial<Pick<Settings, 'theme' | 'notifyDesktop' | 'notifyMinSeverity' | 'defaultRules'>>,
  ): Promise<boolean>;
  /** Where the data folder is and what takes its room (walks the demo cluster: only when shown). */
  dataFolder: DataFolder | null;
  loadDataFolder(): Promise<void>;
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
      await get().applyNow({ theme });
    },

    async applyNow(update) {
      const current = get().current;
      if (!current) return false;
      // Shown at once; put back if the save is refused. Only these are sent, with the stored retention.
      set((s) => ({ current: s.current ? { ...s.current, ...update } : s.current }));
      const { sampleRetentionDays, heartbeatRetentionDays } = current;
      const result = await client.invoke('settings:set', {
        sampleRetentionDays,
        heartbeatRetentionDays,
        ...update,
      });
      if (!result.ok) {
        const back = Object.fromEntries(Object.keys(update).map((k) => [k, current[k as keyof Settings]]));
        set((s) => ({ current: s.current ? { ...s.current, ...back } : s.current, saveError: result.error }));
        return false;
      }
      return true;
    },

    dataFolder: null,
    async loadDataFolder() {
      const result = await client.invoke('settings:getDataFolder', {});
      if (result.ok) set({ dataFolder: result.value });
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
      set(loadAnswer(result, get(), draftOf, (draft, current) => !draftChanged(draft, current)));
    },

    setField(field, value) {
      set((s) => ({ ...edited(s, field, value), saved: false, saveError: null }));
    },

    reset() {
      const { current } = get();
      if (current) set({ draft: draftOf(current), fieldErrors: {}, saveError: null, saved: false });
    },

    async save() {
      if (get().saving) return false;
      const { draft } = get();
      set({ saving: true, saveError: null, saved: false });
      const typed = Object.fromEntries(
        FIELDS.map((f) => [f, isNumberField(f) ? numberField(draft[f]) : draft[f]]),
      );
      const result = await client.invoke('settings:set', typed as unknown as RequestOf<'settings:set'>);
      set({ ...saveAnswer(result, draftOf, isField), saved: result.ok });
      return result.ok;
    },
  }));
}
