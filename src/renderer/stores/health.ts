import { createStore } from 'zustand/vanilla';
import type { EventMessage } from '../../shared/contract';
import type { HealthDetail, HealthRange, HealthSummary } from '../../shared/storage';
import type { RendererClient } from '../client';
import { idle, type Loadable, settled } from './loadable';

export type HealthState = {
  /** Every profile: state, since, latency, uptime (the all-profiles Health page, and the offline banner). */
  overview: Loadable<HealthSummary[]>;
  /** The profile whose Health page is open. */
  profileId: string | null;
  range: HealthRange;
  detail: Loadable<HealthDetail>;

  loadOverview(): Promise<void>;
  open(profileId: string): void;
  loadDetail(): Promise<void>;
  setRange(range: HealthRange): Promise<void>;
  applyEvent(message: EventMessage): void;
};

export type HealthStore = ReturnType<typeof createHealthStore>;

/** Heartbeats can come every 10 s from each of many profiles: re-read at most this often. */
const REFRESH_AFTER_EVENT_MS = 1_500;

export function createHealthStore(client: RendererClient) {
  const pending: {
    overview: ReturnType<typeof setTimeout> | null;
    detail: ReturnType<typeof setTimeout> | null;
  } = {
    overview: null,
    detail: null,
  };

  return createStore<HealthState>()((set, get) => ({
    overview: idle(),
    profileId: null,
    range: '24h',
    detail: idle(),

    async loadOverview() {
      set((s) => ({ overview: { ...s.overview, loading: true } }));
      const result = await client.invoke('health:getOverview', {});
      set((s) => ({
        overview: settled(result, s.overview.data),
      }));
    },

    open(profileId) {
      if (get().profileId !== profileId) {
        set({ profileId, detail: idle() });
      }
      void get().loadDetail();
    },

    async loadDetail() {
      const { profileId, range } = get();
      if (!profileId) return;
      set((s) => ({ detail: { ...s.detail, loading: true } }));
      const result = await client.invoke('health:getProfile', { profileId, range });
      if (get().profileId !== profileId || get().range !== range) return;
      set((s) => ({
        detail: settled(result, s.detail.data),
      }));
    },

    async setRange(range) {
      if (get().range === range) return;
      set({ range });
      await get().loadDetail();
    },

    applyEvent(message) {
      if (message.event === 'profiles:changed') {
        void get().loadOverview();
        return;
      }
      if (message.event !== 'profiles:statusChanged' && message.event !== 'storage:sampled') return;
      pending.overview ??= setTimeout(() => {
        pending.overview = null;
        void get().loadOverview();
      }, REFRESH_AFTER_EVENT_MS);
      if (message.payload.profileId === get().profileId) {
        pending.detail ??= setTimeout(() => {
          pending.detail = null;
          void get().loadDetail();
        }, REFRESH_AFTER_EVENT_MS);
      }
    },
  }));
}
