import { createStore } from 'zustand/vanilla';
import type { EventMessage } from '../../shared/contract';
import type { AppErrorData } from '../../shared/result';
import type { ScheduleState } from '../../shared/storage';
import type { RendererClient } from '../client';
import { numberField } from '../lib/form-number';
import { edited, fieldErrorsOf, loadAnswer, oneOf, saveAnswer } from './draft-form';

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

const isScheduleField = oneOf<keyof ScheduleDraft>(['storage', 'heartbeatSeconds']);

/** `schedule.storage` / `storage` / `schedule.heartbeatSeconds` … → the draft's field. */
export function scheduleFieldErrors(error: AppErrorData): Partial<Record<keyof ScheduleDraft, string>> {
  return fieldErrorsOf(error, isScheduleField);
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
      set(
        loadAnswer(
          result,
          get(),
          draftOf,
          (draft, current) =>
            draft.storage === current.storage && draft.heartbeatSeconds === String(current.heartbeatSeconds),
        ),
      );
    },

    setField(field, value) {
      set((s) => ({ ...edited(s, field, value), saved: false, saveError: null }));
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
      set({ ...saveAnswer(result, draftOf, isScheduleField), saved: result.ok });
      return result.ok;
    },

    applyEvent(message) {
      if (message.event === 'storage:sampled' && message.payload.profileId === get().profileId) {
        // Last and next run moved.
        void get().load();
      }
    },
  }));
}
