import { createStore } from 'zustand/vanilla';
import type { EventMessage } from '../../shared/contract';
import type { DiskFactsView } from '../../shared/disk-facts';
import type { AppErrorData } from '../../shared/result';
import type { RendererClient } from '../client';

/** The Storage page's "what else fills the disk" sections: the latest sample's disk facts. */
export type DiskFactsState = {
  profileId: string | null;
  /** null data with no error: no sample with disk facts yet. */
  view: DiskFactsView | null;
  error: AppErrorData | null;
  loading: boolean;
  open(profileId: string): void;
  load(): Promise<void>;
  applyEvent(message: EventMessage): void;
};

export function createDiskFactsStore(client: RendererClient) {
  return createStore<DiskFactsState>()((set, get) => ({
    profileId: null,
    view: null,
    error: null,
    loading: false,
    open(profileId) {
      if (get().profileId === profileId) return;
      set({ profileId, view: null, error: null });
      void get().load();
    },
    async load() {
      const profileId = get().profileId;
      if (!profileId) return;
      set({ loading: true });
      const result = await client.invoke('storage:diskFacts', { profileId });
      if (get().profileId !== profileId) return;
      set(
        result.ok
          ? { view: result.value, error: null, loading: false }
          : { error: result.error, loading: false },
      );
    },
    applyEvent(message) {
      if (
        message.event === 'storage:sampled' &&
        message.payload.ok &&
        message.payload.profileId === get().profileId
      )
        void get().load();
    },
  }));
}
