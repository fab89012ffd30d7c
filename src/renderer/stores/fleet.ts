import { createStore } from 'zustand/vanilla';
import type { EventMessage } from '../../shared/contract';
import type { FleetOverview } from '../../shared/fleet';
import type { RendererClient } from '../client';
import type { FleetSort, FleetSortKey } from '../lib/fleet';
import { idle, type Loadable, settled } from './loadable';

export type FleetState = {
  overview: Loadable<FleetOverview>;
  sort: FleetSort;
  filter: string;
  /** Only servers with this tag; null = all. */
  tag: string | null;
  /** Rows folded into one group per tag. */
  byTag: boolean;
  load(): Promise<void>;
  sortBy(key: FleetSortKey): void;
  setFilter(text: string): void;
  setTag(tag: string | null): void;
  setByTag(on: boolean): void;
  applyEvent(message: EventMessage): void;
};

export type FleetStore = ReturnType<typeof createFleetStore>;

/** Samples, beats and alerts of many servers arrive in bursts: read the overview again at most this often. */
const REFRESH_AFTER_EVENT_MS = 2_000;

/** Columns that read best largest (or worst) first on the first click. */
const descendingFirst: ReadonlySet<FleetSortKey> = new Set([
  'size',
  'change24h',
  'change7d',
  'wal',
  'xid',
  'alerts',
]);

export function createFleetStore(client: RendererClient) {
  let pending: ReturnType<typeof setTimeout> | null = null;
  return createStore<FleetState>()((set, get) => ({
    overview: idle(),
    sort: { key: 'risk', descending: false },
    filter: '',
    tag: null,
    byTag: false,

    async load() {
      set((s) => ({ overview: { ...s.overview, loading: true } }));
      const result = await client.invoke('fleet:getOverview', {});
      set((s) => ({
        overview: settled(result, s.overview.data),
      }));
    },
    sortBy(key) {
      const { sort } = get();
      set({
        sort:
          sort.key === key
            ? { key, descending: !sort.descending }
            : { key, descending: descendingFirst.has(key) },
      });
    },
    setFilter: (filter) => set({ filter }),
    setTag: (tag) => set({ tag }),
    setByTag: (byTag) => set({ byTag }),

    applyEvent(message) {
      const data = get().overview.data;
      // Only once the overview was read (something to keep current); a heartbeat only when it flips the state.
      if (data === null || pending) return;
      const relevant =
        message.event === 'storage:sampled' ||
        message.event === 'alerts:changed' ||
        message.event === 'profiles:changed' ||
        (message.event === 'profiles:statusChanged' &&
          data.rows.find((r) => r.profileId === message.payload.profileId)?.status !== message.payload.state);
      if (!relevant) return;
      pending = setTimeout(() => {
        pending = null;
        void get().load();
      }, REFRESH_AFTER_EVENT_MS);
    },
  }));
}
