import { createStore } from 'zustand/vanilla';
import type { EventMessage } from '../../shared/contract';
import type { Profile } from '../../shared/profile';
import type { AppErrorData, Result } from '../../shared/result';
import type {
  ChartRange,
  Grower,
  GrowerRange,
  Growth,
  RelationKind,
  RelationRow,
  SampleResult,
  Series,
  StorageOverview,
} from '../../shared/storage';
import type { RendererClient } from '../client';
import { readingsCsv } from '../lib/export';
import { DEFAULT_THRESHOLD_GIB, parseThreshold, readThreshold, writeThreshold } from './forecast-threshold';
import { idle, type Loadable, settled } from './loadable';
import type { ProfilesStore } from './profiles';
import { sendUnlocking, type UnlockStore } from './unlock';

export type SortKey =
  | 'schema'
  | 'name'
  | 'kind'
  | 'rows'
  | 'heap'
  | 'toast'
  | 'indexes'
  | 'total'
  | 'dead'
  | 'lastVacuum'
  | 'lastAnalyze'
  | 'growth';
export type Sort = { key: SortKey; dir: 'asc' | 'desc' };
export type KindFilter = 'all' | RelationKind;

/** The relation the second chart follows (kept by id and name, as it may leave the latest sample). */
export type SelectedRelation = { relationId: number; schema: string; name: string; kind: RelationKind };

export type StorageState = {
  /** The profile the Storage page shows; everything below belongs to it. */
  profileId: string | null;
  overview: Loadable<StorageOverview>;
  sampling: boolean;
  sampleResult: SampleResult | null;
  sampleError: AppErrorData | null;
  /** Chunks or partitions, per rolled-up relation, fetched when opened. */
  children: Record<number, Loadable<RelationRow[]>>;
  expanded: number[];
  selected: SelectedRelation | null;
  sort: Sort;
  filterText: string;
  filterKind: KindFilter;
  dbRange: ChartRange;
  dbSeries: Loadable<Series>;
  relationRange: ChartRange;
  relationSeries: Loadable<Series>;
  growersRange: GrowerRange;
  growers: Loadable<Grower[]>;
  /** The forecast threshold as typed, in GiB. */
  thresholdText: string;
  thresholdError: string | null;
  growth: Loadable<Growth>;
  relationGrowth: Loadable<Growth>;

  open(profileId: string): void;
  /** Reads everything again (after a sample, or on Retry). */
  refresh(): Promise<void>;
  loadOverview(): Promise<void>;
  sampleNow(): Promise<void>;
  dismissSampleResult(): void;
  toggleExpanded(relationId: number): Promise<void>;
  select(relation: SelectedRelation | null): void;
  setSort(key: SortKey): void;
  setFilterText(text: string): void;
  setFilterKind(kind: KindFilter): void;
  setDbRange(range: ChartRange): Promise<void>;
  setRelationRange(range: ChartRange): Promise<void>;
  setGrowersRange(range: GrowerRange): Promise<void>;
  /** Every stored sample behind a chart (the database, or the selected relation) as CSV. */
  readingsCsv(chart: 'db' | 'relation'): Promise<Result<string>>;
  setThresholdText(text: string): void;
  /** Validates the typed threshold and asks main for the forecast with it. */
  applyThreshold(): Promise<void>;
  applyEvent(message: EventMessage): void;
};

export type StorageStore = ReturnType<typeof createStorageStore>;

/** Sorting direction a column starts with: sizes and growth biggest first, names A→Z. */
export const firstDirection: Record<SortKey, Sort['dir']> = {
  schema: 'asc',
  name: 'asc',
  kind: 'asc',
  rows: 'desc',
  heap: 'desc',
  toast: 'desc',
  indexes: 'desc',
  total: 'desc',
  dead: 'desc',
  lastVacuum: 'desc',
  lastAnalyze: 'desc',
  growth: 'desc',
};

const initialView = {
  overview: idle<StorageOverview>(),
  sampling: false,
  sampleResult: null,
  sampleError: null,
  children: {},
  expanded: [],
  selected: null,
  sort: { key: 'total', dir: 'desc' },
  filterText: '',
  filterKind: 'all',
  dbRange: '7d',
  dbSeries: idle<Series>(),
  relationRange: '7d',
  relationSeries: idle<Series>(),
  growersRange: '7d',
  growers: idle<Grower[]>(),
  thresholdError: null,
  growth: idle<Growth>(),
  relationGrowth: idle<Growth>(),
} satisfies Partial<StorageState>;

type Deps = { client: RendererClient; profiles: ProfilesStore; unlock: UnlockStore; win?: Window };

/**
 * The Storage page of one profile: the latest sample, its relations, the growth
 * charts and the forecast. Answers that arrive for a profile the page has left are dropped.
 */
export function createStorageStore({ client, profiles, unlock, win }: Deps) {
  return createStore<StorageState>()((set, get) => {
    /** Runs a request for the current profile and stores the answer in `key` if the profile is still shown. */
    async function load<
      K extends 'overview' | 'dbSeries' | 'relationSeries' | 'growers' | 'growth' | 'relationGrowth',
    >(
      key: K,
      request: (
        profileId: string,
      ) => Promise<
        { ok: true; value: NonNullable<StorageState[K]['data']> } | { ok: false; error: AppErrorData }
      >,
      isCurrent: () => boolean = () => true,
    ): Promise<void> {
      const profileId = get().profileId;
      if (!profileId) return;
      set({ [key]: { ...get()[key], loading: true } } as Partial<StorageState>);
      const result = await request(profileId);
      if (get().profileId !== profileId || !isCurrent()) return;
      set({
        [key]: settled(result, get()[key].data),
      } as Partial<StorageState>);
    }

    const loadDbSeries = () => {
      const range = get().dbRange;
      return load(
        'dbSeries',
        (profileId) => client.invoke('storage:getSeries', { profileId, range }),
        () => get().dbRange === range,
      );
    };

    const loadRelationSeries = () => {
      const selected = get().selected;
      const range = get().relationRange;
      if (!selected) {
        set({ relationSeries: idle(), relationGrowth: idle() });
        return Promise.resolve();
      }
      const same = () => get().selected?.relationId === selected.relationId;
      return Promise.all([
        load(
          'relationSeries',
          (profileId) =>
            client.invoke('storage:getSeries', { profileId, relationId: selected.relationId, range }),
          () => same() && get().relationRange === range,
        ),
        load(
          'relationGrowth',
          (profileId) => client.invoke('storage:getGrowth', { profileId, relationId: selected.relationId }),
          same,
        ),
      ]).then(() => undefined);
    };

    const loadGrowers = () => {
      const range = get().growersRange;
      return load(
        'growers',
        (profileId) => client.invoke('storage:listTopGrowers', { profileId, range, limit: 10 }),
        () => get().growersRange === range,
      );
    };

    const loadGrowth = () => {
      const parsed = parseThreshold(get().thresholdText);
      if (!parsed.ok) return Promise.resolve();
      return load('growth', (profileId) =>
        client.invoke('storage:getGrowth', { profileId, thresholdBytes: parsed.bytes }),
      );
    };

    async function reloadChildren(): Promise<void> {
      const { expanded } = get();
      await Promise.all(expanded.map((id) => fetchChildren(id)));
    }

    async function fetchChildren(relationId: number): Promise<void> {
      const profileId = get().profileId;
      if (!profileId) return;
      const previous = get().children[relationId] ?? idle<RelationRow[]>();
      set((s) => ({ children: { ...s.children, [relationId]: { ...previous, loading: true } } }));
      const result = await client.invoke('storage:listChildren', { profileId, relationId });
      if (get().profileId !== profileId) return;
      set((s) => ({
        children: {
          ...s.children,
          [relationId]: settled(result, previous.data),
        },
      }));
    }

    return {
      profileId: null,
      thresholdText: String(DEFAULT_THRESHOLD_GIB),
      ...initialView,

      open(profileId) {
        if (get().profileId === profileId) {
          // Back on the page: show what we have and read it again quietly.
          void get().refresh();
          return;
        }
        set({ ...initialView, profileId, thresholdText: readThreshold(win, profileId) });
        void get().refresh();
      },

      async refresh() {
        await Promise.all([
          get().loadOverview(),
          loadDbSeries(),
          loadRelationSeries(),
          loadGrowers(),
          loadGrowth(),
          reloadChildren(),
        ]);
      },

      loadOverview() {
        return load('overview', (profileId) =>
          client.invoke('storage:getOverview', { profileId, relations: false }),
        );
      },

      async sampleNow() {
        const profileId = get().profileId;
        if (!profileId || get().sampling) return;
        set({ sampling: true, sampleError: null, sampleResult: null });
        // A profile that asks for its password or passphrase: ask, then try again.
        const profile: Profile | undefined = profiles.getState().profiles.find((p) => p.id === profileId);
        const result = await sendUnlocking(unlock, profile, () =>
          client.invoke('storage:sampleNow', { profileId }),
        );
        if (get().profileId !== profileId) return;
        if (!result.ok) {
          set({ sampling: false, sampleError: result.error });
          void get().loadOverview();
          return;
        }
        set({ sampling: false, sampleResult: result.value });
        await get().refresh();
      },

      dismissSampleResult() {
        set({ sampleResult: null, sampleError: null });
      },

      async toggleExpanded(relationId) {
        const { expanded } = get();
        if (expanded.includes(relationId)) {
          set({ expanded: expanded.filter((id) => id !== relationId) });
          return;
        }
        set({ expanded: [...expanded, relationId] });
        await fetchChildren(relationId);
      },

      select(relation) {
        if (relation && get().selected?.relationId === relation.relationId) return;
        set({ selected: relation, relationSeries: idle(), relationGrowth: idle() });
        void loadRelationSeries();
      },

      setSort(key) {
        const { sort } = get();
        set({
          sort:
            sort.key === key
              ? { key, dir: sort.dir === 'asc' ? 'desc' : 'asc' }
              : { key, dir: firstDirection[key] },
        });
      },

      setFilterText(filterText) {
        set({ filterText });
      },

      setFilterKind(filterKind) {
        set({ filterKind });
      },

      async readingsCsv(chart) {
        const { profileId, selected } = get();
        if (!profileId) return { ok: false, error: { code: 'not_found', message: 'No profile is open.' } };
        const relationId = chart === 'relation' ? selected?.relationId : undefined;
        if (chart === 'relation' && relationId === undefined)
          return { ok: false, error: { code: 'not_found', message: 'No relation is selected.' } };
        const range = chart === 'db' ? get().dbRange : get().relationRange;
        const result = await client.invoke('storage:listSamples', {
          profileId,
          range,
          ...(relationId === undefined ? {} : { relationId }),
        });
        return result.ok ? { ok: true, value: readingsCsv(result.value.readings) } : result;
      },

      async setDbRange(dbRange) {
        if (get().dbRange === dbRange) return;
        set({ dbRange });
        await loadDbSeries();
      },

      async setRelationRange(relationRange) {
        if (get().relationRange === relationRange) return;
        set({ relationRange });
        await loadRelationSeries();
      },

      async setGrowersRange(growersRange) {
        if (get().growersRange === growersRange) return;
        set({ growersRange });
        await loadGrowers();
      },

      setThresholdText(thresholdText) {
        set({ thresholdText, thresholdError: null });
      },

      async applyThreshold() {
        const { thresholdText, profileId } = get();
        const parsed = parseThreshold(thresholdText);
        if (!parsed.ok) {
          set({ thresholdError: parsed.message });
          return;
        }
        set({ thresholdError: null });
        if (profileId) writeThreshold(win, profileId, thresholdText.trim());
        await loadGrowth();
        const error = get().growth.error;
        if (error?.fields?.thresholdBytes) set({ thresholdError: error.fields.thresholdBytes });
      },

      applyEvent(message) {
        const { profileId, overview } = get();
        if (!profileId) return;
        if (message.event === 'storage:sampled' && message.payload.profileId === profileId) {
          // A scheduled sample (or one started elsewhere) finished: read it.
          if (!get().sampling) void get().refresh();
        } else if (message.event === 'profiles:statusChanged' && message.payload.profileId === profileId) {
          // Heartbeats arrive every few seconds; only a change of state is worth a new overview.
          const known = overview.data?.status.state;
          if (known && known !== message.payload.state) void get().loadOverview();
        }
      },
    };
  });
}
