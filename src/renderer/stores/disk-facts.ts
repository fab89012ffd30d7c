import { createStore } from 'zustand/vanilla';
import type { EventMessage } from '../../shared/contract';
import type { DiskFactsView, ExactBloat } from '../../shared/disk-facts';
import { relationKey } from '../../shared/ident';
import type { AppErrorData } from '../../shared/result';
import type { RendererClient } from '../client';
import { type Loadable, settled } from './loadable';

/** The Storage page's "what else fills the disk" sections: the latest sample's disk facts. */
export type DiskFactsState = {
  profileId: string | null;
  /** null data with no error: no sample with disk facts yet. */
  view: DiskFactsView | null;
  error: AppErrorData | null;
  loading: boolean;
  /** Exact bloat measured on demand (pgstattuple), by "schema.name"; cleared with the profile. */
  exact: Record<string, ExactState>;
  open(profileId: string): void;
  load(): Promise<void>;
  measureExact(schema: string, name: string): Promise<void>;
  applyEvent(message: EventMessage): void;
};

/** A failed measurement drops the last figure: it may no longer be true. */
export type ExactState = Loadable<ExactBloat>;

export function createDiskFactsStore(client: RendererClient) {
  return createStore<DiskFactsState>()((set, get) => ({
    profileId: null,
    view: null,
    error: null,
    loading: false,
    exact: {},
    open(profileId) {
      if (get().profileId === profileId) return;
      set({ profileId, view: null, error: null, exact: {} });
      void get().load();
    },
    async load() {
      const profileId = get().profileId;
      if (!profileId) return;
      set({ loading: true });
      const result = await client.invoke('storage:getDiskFacts', { profileId });
      if (get().profileId !== profileId) return;
      set(
        result.ok
          ? { view: result.value, error: null, loading: false }
          : { error: result.error, loading: false },
      );
    },
    async measureExact(schema, name) {
      const profileId = get().profileId;
      const key = relationKey(schema, name);
      if (!profileId || get().exact[key]?.loading) return;
      const put = (state: ExactState) => set({ exact: { ...get().exact, [key]: state } });
      put({ loading: true, data: get().exact[key]?.data ?? null, error: null });
      const result = await client.invoke('storage:exactBloat', { profileId, schema, name });
      if (get().profileId !== profileId) return;
      put(settled(result, null));
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
