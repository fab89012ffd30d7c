import { createStore } from 'zustand/vanilla';
import type { EventMessage } from '../../shared/contract';
import type { MigrationSummary } from '../../shared/migration';
import type { AppErrorData } from '../../shared/result';
import type { RendererClient } from '../client';
import { idle, type Loadable } from './loadable';
import { migrationPath, type ProfileCall } from './migration-call';
import type { MigrationRunStore } from './migration-run';
import type { NavigationStore } from './navigation';

/** The migrations of one profile, newest change first; answers for a profile the page has left are dropped. */

export type MigrationListState = {
  profileId: string | null;
  list: Loadable<MigrationSummary[]>;
  /** Resume pressed in the list, and what main answered if it refused. */
  listBusy: string | null;
  listError: { id: string; error: AppErrorData } | null;

  open(profileId: string): void;
  loadList(): Promise<void>;
  /** Resumes a migration from the list and opens it. */
  resumeFromList(id: string): Promise<void>;
  applyEvent(message: EventMessage): void;
};

export type MigrationListStore = ReturnType<typeof createMigrationListStore>;

type Deps = {
  client: RendererClient;
  call: ProfileCall;
  navigation: NavigationStore;
  run: () => MigrationRunStore;
};

export function createMigrationListStore({ client, call, navigation, run }: Deps) {
  return createStore<MigrationListState>()((set, get) => {
    let reloadTimer: ReturnType<typeof setTimeout> | null = null;
    return {
      profileId: null,
      list: idle(),
      listBusy: null,
      listError: null,

      open(profileId) {
        if (get().profileId !== profileId) {
          set({
            profileId,
            list: idle(),
            listBusy: null,
            listError: null,
          });
        }
        void get().loadList();
      },

      async loadList() {
        const profileId = get().profileId;
        if (!profileId) return;
        set({ list: { ...get().list, loading: true } });
        const result = await client.invoke('migration:list', { profileId });
        if (get().profileId !== profileId) return;
        set({
          list: result.ok
            ? {
                data: [...result.value].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt)),
                error: null,
                loading: false,
              }
            : { data: get().list.data, error: result.error, loading: false },
        });
      },

      async resumeFromList(id) {
        const profileId = get().profileId;
        if (!profileId || get().listBusy) return;
        set({ listBusy: id, listError: null });
        const result = await call(profileId, 'migration:resume', { id });
        if (get().profileId !== profileId) return;
        set({ listBusy: null });
        if (!result.ok) {
          set({ listError: { id, error: result.error } });
          void get().loadList();
          return;
        }
        run().getState().show(result.value);
        navigation.getState().navigate(migrationPath(profileId, id));
      },

      applyEvent(message) {
        // State events come in bursts: read the list again once per burst.
        if (message.event !== 'migration:stateChanged' || !get().profileId || reloadTimer) return;
        reloadTimer = setTimeout(() => {
          reloadTimer = null;
          void get().loadList();
        }, 120);
      },
    };
  });
}
