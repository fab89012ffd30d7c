import { createStore } from 'zustand/vanilla';
import type { Channel, EventMessage, EventOf } from '../../shared/contract';
import type { Migration, MigrationProgress, TimescalePolicy } from '../../shared/migration';
import type { MigrationActionName } from '../../shared/migration-actions';
import type { AppErrorData } from '../../shared/result';
import type { RendererClient } from '../client';
import { downloadBlob } from '../lib/export';
import { idle, type Loadable } from './loadable';
import { migrationsPath, type ProfileCall } from './migration-call';
import type { NavigationStore } from './navigation';

/**
 * The one migration the run page shows (plan, copy, swap, validation,
 * cleanup), kept up to date by main's events. What can be done to it is
 * main's answer (`allowedActions`); this store only asks. Answers for a
 * migration the page has left are dropped.
 */

/** What the page can ask for: main's actions, plus the export of the plan. */
export type MigrationAction = MigrationActionName | 'export';

export type SwapAttemptEvent = EventOf<'migration:swapAttempted'>;

export type MigrationRunState = {
  currentId: string | null;
  current: Loadable<Migration>;
  /** The newest progress event of the current migration (fresher than current.progress). */
  live: MigrationProgress | null;
  /** Swap attempts seen as events, in order (the journal keeps them only once the swap is done). */
  attempts: SwapAttemptEvent[];
  /** The last message a state event carried ("Paused after batch 12 …"). */
  notice: string | null;
  busy: MigrationAction | null;
  actionError: { action: MigrationAction; error: AppErrorData } | null;
  /** A hypertable's retention and compression policies with their next run, read from the server on request. */
  policies: Loadable<TimescalePolicy[]>;

  /** Shows `migration` at once (just created or resumed elsewhere), then follows it. */
  show(migration: Migration): void;
  openMigration(id: string): void;
  refreshCurrent(): Promise<void>;
  act(action: Exclude<MigrationActionName, 'cleanup'>): Promise<boolean>;
  /** `confirmName`: the old table's name, typed to drop it before the keep period ends. */
  cleanup(confirmName?: string): Promise<boolean>;
  exportScript(): Promise<void>;
  loadPolicies(): Promise<void>;
  clearActionError(): void;
  applyEvent(message: EventMessage): void;
};

export type MigrationRunStore = ReturnType<typeof createMigrationRunStore>;

const initial = {
  currentId: null,
  current: idle<Migration>(),
  live: null,
  attempts: [],
  notice: null,
  busy: null,
  actionError: null,
  policies: idle<TimescalePolicy[]>(),
} satisfies Partial<MigrationRunState>;

const actionChannels = {
  run: 'migration:run',
  pause: 'migration:pause',
  resume: 'migration:resume',
  cancel: 'migration:cancel',
  swap: 'migration:swap',
  rollback: 'migration:rollback',
  discard: 'migration:discard',
  validate: 'migration:validate',
} as const satisfies Record<Exclude<MigrationActionName, 'cleanup'>, Channel>;

type Deps = {
  client: RendererClient;
  call: ProfileCall;
  navigation: NavigationStore;
  /** The list changed (an action, a state event): read it again. */
  listChanged: () => void;
};

export function createMigrationRunStore({ client, call, navigation, listChanged }: Deps) {
  return createStore<MigrationRunState>()((set, get) => {
    let refreshTimer: ReturnType<typeof setTimeout> | null = null;
    /** State events come in bursts: read the migration again once per burst. */
    const refreshSoon = () => {
      if (refreshTimer) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        void get().refreshCurrent();
      }, 120);
    };
    const isCurrent = (id: string) => get().currentId === id;

    return {
      ...initial,

      show(migration) {
        set({
          ...initial,
          currentId: migration.id,
          current: { data: migration, error: null, loading: false },
        });
      },

      openMigration(id) {
        if (get().currentId !== id) set({ ...initial, currentId: id });
        void get().refreshCurrent();
      },

      async loadPolicies() {
        const id = get().currentId;
        if (!id) return;
        set({ policies: { ...get().policies, loading: true } });
        const result = await client.invoke('migration:listPolicies', { id });
        if (!isCurrent(id)) return;
        set({
          policies: result.ok
            ? { data: result.value, error: null, loading: false }
            : { data: get().policies.data, error: result.error, loading: false },
        });
      },

      async refreshCurrent() {
        const id = get().currentId;
        if (!id) return;
        set({ current: { ...get().current, loading: true } });
        const result = await client.invoke('migration:get', { id });
        if (!isCurrent(id)) return;
        if (!result.ok) {
          set({ current: { data: get().current.data, error: result.error, loading: false } });
          return;
        }
        const m = result.value;
        // An event newer than the journal's progress stays; otherwise the journal's is the truth.
        const live = get().live;
        const fresher =
          live && m.progress && Date.parse(live.at) > Date.parse(m.progress.at) ? live : (m.progress ?? live);
        set({ current: { data: m, error: null, loading: false }, live: fresher });
      },

      async act(action) {
        const id = get().currentId;
        const m = get().current.data;
        if (!id || !m || get().busy) return false;
        set({ busy: action, actionError: null, notice: null });
        if (action === 'run' || action === 'resume' || action === 'swap') set({ attempts: [] });
        const result = await call(m.profileId, actionChannels[action], { id });
        if (!isCurrent(id)) return false;
        if (!result.ok) {
          set({ busy: null, actionError: { action, error: result.error } });
          void get().refreshCurrent();
          return false;
        }
        set({ busy: null });
        if (action === 'discard') {
          set({ ...initial });
          listChanged();
          navigation.getState().navigate(migrationsPath(m.profileId));
          return true;
        }
        if (action === 'validate') {
          // The validation counted rows: the migration's figures are read again with it.
          await get().refreshCurrent();
        } else {
          set({ current: { data: result.value as Migration, error: null, loading: false } });
          // Work started in the background may already have moved on: read it again shortly.
          refreshSoon();
        }
        listChanged();
        return true;
      },

      async cleanup(confirmName) {
        const id = get().currentId;
        const m = get().current.data;
        if (!id || !m || get().busy) return false;
        set({ busy: 'cleanup', actionError: null, notice: null });
        const result = await call(m.profileId, 'migration:cleanup', {
          id,
          ...(confirmName !== undefined ? { confirmTableName: confirmName } : {}),
        });
        if (!isCurrent(id)) return false;
        if (!result.ok) {
          set({ busy: null, actionError: { action: 'cleanup', error: result.error } });
          return false;
        }
        set({ busy: null, current: { data: result.value, error: null, loading: false } });
        listChanged();
        return true;
      },

      async exportScript() {
        const id = get().currentId;
        const m = get().current.data;
        if (!id || !m || get().busy) return;
        set({ busy: 'export', actionError: null });
        const result = await call(m.profileId, 'migration:export', { id });
        if (!isCurrent(id)) return;
        if (!result.ok) {
          set({ busy: null, actionError: { action: 'export', error: result.error } });
          return;
        }
        set({ busy: null });
        downloadBlob(new Blob([result.value.script], { type: 'application/sql' }), result.value.fileName);
      },

      clearActionError() {
        set({ actionError: null });
      },

      applyEvent(message) {
        if (message.event === 'migration:progress') {
          const p = message.payload;
          if (!isCurrent(p.migrationId)) return;
          const live = get().live;
          if (live && Date.parse(live.at) > Date.parse(p.at)) return;
          set({ live: p });
          const data = get().current.data;
          // Progress carries the state and the step: a run that moved on is read again (its step list too).
          if (data && (data.state !== p.state || live?.step !== p.step)) refreshSoon();
          return;
        }
        if (message.event === 'migration:swapAttempted') {
          const e = message.payload;
          if (isCurrent(e.migrationId)) set({ attempts: [...get().attempts, e] });
          return;
        }
        if (message.event === 'migration:stateChanged' && isCurrent(message.payload.migrationId)) {
          set({ notice: message.payload.message });
          refreshSoon();
        }
      },
    };
  });
}
