import { createStore } from 'zustand/vanilla';
import type { EventMessage } from '../../shared/contract';
import type { AppErrorData } from '../../shared/result';
import type { ScheduleState } from '../../shared/storage';
import type { RendererClient } from '../client';
import { numberField } from '../lib/form-number';

/** What the DBA typed; the heartbeat becomes a number only in the request. */
export type ScheduleDraft = { storage: string; heartbeatSeconds: string };

export type ScheduleStoreState = {
  profileId: string | null;
  current: ScheduleState | null;
  loadError: AppErrorData | null;
  loading: boolean;
  draft: ScheduleDraft;
  /** Keyed 'storage' or 'heartbeatSeconds' (main may say `schedule.storage`; both land here). */
  fieldErrors: Partial<Record<keyof ScheduleDraft, string>>;
  saveError: AppErrorData | null;
  saving: boolean;
  /** Set after a successful save, cleared on the next edit. */
  saved: boolean;

  open(profileId: string): void;
  load(): Promise<void>;
  setField(field: keyof ScheduleDraft, value: string): void;
  /** Puts the saved schedule back in the fields. */
  reset(): void;
  save(): Promise<boolean>;
  applyEvent(message: EventMessage): void;
};

export type ScheduleStore = ReturnType<typeof createScheduleStore>;

const draftOf = (s: ScheduleState): ScheduleDraft => ({
  storage: s.storage,
  heartbeatSeconds: String(s.heartbeatSeconds),
});

/** `schedule.storage` / `storage` / `schedule.heartbeatSeconds` … → the draft's field. */
export function scheduleFieldErrors(error: AppErrorData): Partial<Record<keyof ScheduleDraft, string>> {
  const out: Partial<Record<keyof ScheduleDraft, string>> = {};
  for (const [key, message] of Object.entries(error.fields ?? {})) {
    const last = key.split('.').pop();
    if (last === 'storage' || last === 'heartbeatSeconds') out[last] ??= message;
  }
  return out;
}

export function createScheduleStore(client: RendererClient) {
  return createStore<ScheduleStoreState>()((set, get) => ({
    profileId: null,
    current: null,
    loadError: null,
    loading: false,
    draft: { storage: '', heartbeatSeconds: '' },
    fieldErrors: {},
    saveError: null,
    saving: false,
    saved: false,

    open(profileId) {
      if (get().profileId !== profileId) {
        set({
          profileId,
          current: null,
          loadError: null,
          draft: { storage: '', heartbeatSeconds: '' },
          fieldErrors: {},
          saveError: null,
          saved: false,
        });
      }
      void get().load();
    },

    async load() {
      const profileId = get().profileId;
      if (!profileId) return;
      set({ loading: true });
      const result = await client.invoke('schedule:get', { profileId });
      if (get().profileId !== profileId) return;
      if (!result.ok) {
        set({ loading: false, loadError: result.error });
        return;
      }
      const { current, draft } = get();
      // Keep what the DBA is typing; follow main when the fields still show the saved values.
      const untouched =
        !current ||
        (draft.storage === current.storage && draft.heartbeatSeconds === String(current.heartbeatSeconds));
      set({
        loading: false,
        loadError: null,
        current: result.value,
        ...(untouched ? { draft: draftOf(result.value) } : {}),
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
      const { profileId, draft } = get();
      if (!profileId || get().saving) return false;
      set({ saving: true, saveError: null, saved: false });
      const result = await client.invoke('schedule:set', {
        profileId,
        schedule: { storage: draft.storage, heartbeatSeconds: numberField(draft.heartbeatSeconds) },
      });
      if (get().profileId !== profileId) return false;
      if (!result.ok) {
        const fieldErrors = scheduleFieldErrors(result.error);
        set({
          saving: false,
          fieldErrors,
          // A message not tied to a field is shown above the buttons.
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

    applyEvent(message) {
      if (message.event === 'storage:sampled' && message.payload.profileId === get().profileId) {
        // Last and next run moved.
        void get().load();
      }
    },
  }));
}
