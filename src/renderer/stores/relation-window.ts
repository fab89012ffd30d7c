import { createStore } from 'zustand/vanilla';
import type { AppErrorData } from '../../shared/result';
import type { RelationKind, RelationRow, RelationSortKey } from '../../shared/storage';
import type { RendererClient } from '../client';

/** Rows asked for at once: a few screens, far below the channel's limit of 500. */
export const WINDOW_BLOCK = 200;

export type RelationQuery = {
  profileId: string;
  sort: { key: RelationSortKey; dir: 'asc' | 'desc' };
  search: string;
  kind: RelationKind | null;
};

export type RelationWindowState = {
  query: RelationQuery | null;
  /** How many relations match the query, in all windows; null until main answered. */
  total: number | null;
  /** Rows read so far, by their index in the sorted, filtered list. */
  rows: Record<number, RelationRow>;
  /** Blocks (index / WINDOW_BLOCK) asked for or read, for the current query. */
  blocks: Record<number, 'loading' | 'loaded'>;
  error: AppErrorData | null;
  /** A new sort, search or kind: forget the rows and read the first window. */
  setQuery(query: RelationQuery): void;
  /** Reads the blocks that cover rows [first, last] and are not read yet. */
  ensure(first: number, last: number): void;
  /** A new sample: read the blocks already read again, keeping the old rows until the answers come. */
  reload(): void;
};

export type RelationWindowStore = ReturnType<typeof createRelationWindowStore>;

const sameQuery = (a: RelationQuery | null, b: RelationQuery) =>
  a !== null &&
  a.profileId === b.profileId &&
  a.sort.key === b.sort.key &&
  a.sort.dir === b.sort.dir &&
  a.search === b.search &&
  a.kind === b.kind;

/**
 * The relations table's rows, read from main in windows (`storage:listRelations`): sorting, filtering
 * and search happen there, so 50,000 relations cost what the visible ones cost.
 */
export function createRelationWindowStore(client: RendererClient) {
  return createStore<RelationWindowState>()((set, get) => {
    // Answers to an older query (or an older sample's reload) are dropped.
    let generation = 0;

    async function fetchBlock(block: number, gen: number): Promise<void> {
      const query = get().query;
      if (!query) return;
      const { profileId, ...rest } = query;
      const offset = block * WINDOW_BLOCK;
      const result = await client.invoke('storage:listRelations', {
        profileId,
        query: { ...rest, offset, limit: WINDOW_BLOCK },
      });
      if (gen !== generation) return;
      if (!result.ok) {
        set((s) => {
          const blocks = { ...s.blocks };
          delete blocks[block];
          return { error: result.error, blocks };
        });
        return;
      }
      set((s) => {
        const rows = { ...s.rows };
        result.value.rows.forEach((r, i) => {
          rows[offset + i] = r;
        });
        return { rows, total: result.value.total, error: null, blocks: { ...s.blocks, [block]: 'loaded' } };
      });
    }

    return {
      query: null,
      total: null,
      rows: {},
      blocks: {},
      error: null,

      setQuery(query) {
        if (sameQuery(get().query, query)) return;
        generation += 1;
        set({ query, total: null, rows: {}, blocks: { 0: 'loading' }, error: null });
        void fetchBlock(0, generation);
      },

      ensure(first, last) {
        const { query, blocks } = get();
        if (!query) return;
        const wanted: number[] = [];
        for (let b = Math.floor(first / WINDOW_BLOCK); b <= Math.floor(last / WINDOW_BLOCK); b++) {
          if (!blocks[b]) wanted.push(b);
        }
        if (wanted.length === 0) return;
        const marked = { ...blocks };
        for (const b of wanted) marked[b] = 'loading';
        set({ blocks: marked });
        const gen = generation;
        for (const b of wanted) void fetchBlock(b, gen);
      },

      reload() {
        const { query, blocks } = get();
        if (!query) return;
        generation += 1;
        const read = Object.keys(blocks).map(Number);
        const gen = generation;
        for (const b of read.length > 0 ? read : [0]) void fetchBlock(b, gen);
      },
    };
  });
}
