import { createStore } from 'zustand/vanilla';
import type { DemoStatus } from '../../shared/channels/storage';
import type { AppErrorData } from '../../shared/result';
import type { RendererClient } from '../client';
import type { NavigationStore } from './navigation';
import type { ProfilesStore } from './profiles';

export type DemoState = {
  running: boolean;
  /** The profile that watches the demo server (kept after it stops, so the badge stays). */
  profileId: string | null;
  /** Where its files are and how big, once it was set up; null until main said. */
  status: DemoStatus | null;
  starting: boolean;
  deleting: boolean;
  error: AppErrorData | null;

  /** `size`: also the size of its files (Settings only: it walks the cluster). */
  loadStatus(size?: boolean): Promise<void>;
  /** Starts the local demo server and its profile, then opens that profile's Storage page. */
  start(): Promise<void>;
  /** Deletes the demo's profile (and its history), its server and its files. */
  remove(): Promise<boolean>;
  dismissError(): void;
};

export type DemoStore = ReturnType<typeof createDemoStore>;

type Deps = { client: RendererClient; profiles: ProfilesStore; navigation: NavigationStore };

export function createDemoStore({ client, profiles, navigation }: Deps) {
  return createStore<DemoState>()((set, get) => ({
    running: false,
    profileId: null,
    status: null,
    starting: false,
    deleting: false,
    error: null,

    async loadStatus(size = false) {
      const result = await client.invoke('demo:getStatus', { size });
      // Where main does not offer the demo, there is simply no badge.
      if (!result.ok) return;
      // A status read without the size keeps the last size read (Settings asks for it on opening).
      const sizeBytes = result.value.sizeBytes ?? get().status?.sizeBytes ?? null;
      set({
        running: result.value.running,
        profileId: result.value.profileId,
        status: { ...result.value, sizeBytes },
      });
    },

    async remove() {
      if (get().deleting) return false;
      set({ deleting: true, error: null });
      const result = await client.invoke('demo:delete', {});
      if (!result.ok) {
        set({ deleting: false, error: result.error });
        return false;
      }
      // The profile list follows main's profiles:changed event.
      set({ deleting: false, running: false, profileId: null, status: result.value });
      return true;
    },

    async start() {
      if (get().starting) return;
      set({ starting: true, error: null });
      const result = await client.invoke('demo:start', {});
      if (!result.ok) {
        set({ starting: false, error: result.error });
        return;
      }
      const { profile } = result.value;
      profiles.getState().upsert(profile);
      set({ starting: false, running: true, profileId: profile.id });
      navigation.getState().navigate(`/profiles/${encodeURIComponent(profile.id)}/storage`);
      void get().loadStatus();
    },

    dismissError() {
      set({ error: null });
    },
  }));
}
