import { createStore } from 'zustand/vanilla';
import type { MigrationSummary } from '../../shared/migration';
import type { RelationRow } from '../../shared/storage';
import type { RendererClient } from '../client';

/** How many relations the palette lists: a jump list, not the relations table. */
export const PALETTE_RELATIONS = 20;

export type PaletteState = {
  open: boolean;
  /** The server whose relations and migrations are listed (the one whose page is shown). */
  profileId: string | null;
  search: string;
  relations: RelationRow[];
  /** Why relations could not be read, said in the palette. */
  relationsError: string | null;
  migrations: MigrationSummary[];
  show(profileId: string | null): void;
  hide(): void;
  setSearch(search: string): void;
};

/**
 * The command palette: servers and pages come from other stores; the current
 * server's relations (searched in main, so partitions and chunks are found by
 * name) and migrations are read here.
 */
export function createPaletteStore(client: RendererClient) {
  return createStore<PaletteState>()((set, get) => {
    let searchTimer: ReturnType<typeof setTimeout> | undefined;

    async function loadRelations(): Promise<void> {
      const { profileId, search } = get();
      if (!profileId) return;
      const result = await client.invoke('storage:listRelations', {
        profileId,
        query: { search: search.trim().slice(0, 200), limit: PALETTE_RELATIONS },
      });
      // A later keystroke or another server wins.
      if (!get().open || get().profileId !== profileId || get().search !== search) return;
      set(
        result.ok
          ? { relations: result.value.rows, relationsError: null }
          : { relations: [], relationsError: result.error.message },
      );
    }

    async function loadMigrations(): Promise<void> {
      const profileId = get().profileId;
      if (!profileId) return;
      const result = await client.invoke('migration:list', { profileId });
      if (!get().open || get().profileId !== profileId || !result.ok) return;
      set({
        migrations: [...result.value].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt)),
      });
    }

    return {
      open: false,
      profileId: null,
      search: '',
      relations: [],
      relationsError: null,
      migrations: [],
      show(profileId) {
        set({ open: true, profileId, search: '', relations: [], relationsError: null, migrations: [] });
        void loadRelations();
        void loadMigrations();
      },
      hide() {
        clearTimeout(searchTimer);
        set({ open: false });
      },
      setSearch(search) {
        set({ search });
        clearTimeout(searchTimer);
        // One request per pause in typing, not per key.
        searchTimer = setTimeout(() => void loadRelations(), 120);
      },
    };
  });
}

export type PaletteStore = ReturnType<typeof createPaletteStore>;
