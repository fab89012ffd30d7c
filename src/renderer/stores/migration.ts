import { createStore } from 'zustand/vanilla';
import type { Channel, EventMessage, EventOf, RequestOf, ResponseOf } from '../../shared/contract';
import type {
  Migration,
  MigrationProgress,
  MigrationSummary,
  MigrationTarget,
  PreflightItem,
  PreflightReport,
  ServerFacts,
  TableCandidate,
  TableSummary,
} from '../../shared/migration';
import type { AppErrorData, Result } from '../../shared/result';
import type { RendererClient } from '../client';
import { downloadBlob } from '../lib/export';
import {
  formFromSettings,
  preflightFields,
  preflightInput,
  type SettingsField,
  type SettingsForm,
  settingsFieldOf,
  settingsInput,
} from '../lib/migration';
import type { NavigationStore } from './navigation';
import type { ProfilesStore } from './profiles';
import type { Loadable } from './storage';
import type { UnlockStore } from './unlock';

/**
 * The migration wizard of one profile: the list of its migrations, the three
 * steps before a plan exists (table, pre-flight, settings) and the one
 * migration the page shows (plan, run, swap, validation, cleanup), kept up to
 * date by main's events. Answers for a profile or a migration the page has
 * left are dropped.
 */

export type WizardStep = 'choose' | 'preflight' | 'settings';

export type TableRefChoice = { schema: string; table: string };

/** What the engine said about TimescaleDB on this profile's server (from any pre-flight). */
export type ServerKnowledge = { facts: ServerFacts; timescale: PreflightItem | null };

export type MigrationAction =
  | 'run'
  | 'pause'
  | 'resume'
  | 'cancel'
  | 'swap'
  | 'validate'
  | 'rollback'
  | 'cleanup'
  | 'discard'
  | 'export';

export type SwapAttemptEvent = EventOf<'migration:swapAttempt'>;

export type MigrationStoreState = {
  profileId: string | null;
  list: Loadable<MigrationSummary[]>;
  /** Resume pressed in the list, and what main answered if it refused. */
  listBusy: string | null;
  listError: { id: string; error: AppErrorData } | null;

  // ---- steps 1-3
  step: WizardStep;
  tables: Loadable<TableCandidate[]>;
  tableFilter: string;
  chosen: TableRefChoice | null;
  timeColumn: string | null;
  target: MigrationTarget | null;
  summary: Loadable<TableSummary>;
  server: ServerKnowledge | null;
  /** A pre-flight run only to learn whether TimescaleDB is there. */
  probing: boolean;
  probeError: AppErrorData | null;
  report: Loadable<PreflightReport>;
  /** The choice (table, column, target) the report and the form belong to. */
  reportKey: string | null;
  /** The form changed since the report was made: "Check again". */
  reportStale: boolean;
  form: SettingsForm | null;
  formErrors: Partial<Record<SettingsField, string>>;
  creating: boolean;
  createError: AppErrorData | null;

  // ---- steps 4-8: the migration shown
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

  open(profileId: string): void;
  loadList(): Promise<void>;
  /** Back to step 1 with nothing chosen. */
  newWizard(): void;
  loadTables(): Promise<void>;
  setTableFilter(text: string): void;
  chooseTable(ref: TableRefChoice): Promise<void>;
  chooseTimeColumn(name: string): Promise<void>;
  chooseTarget(target: MigrationTarget): void;
  goStep(step: WizardStep): void;
  runPreflight(): Promise<void>;
  editForm(patch: Partial<SettingsForm>): void;
  /** Checks again and saves the plan; on success the page moves to the migration. */
  createPlan(): Promise<void>;

  openMigration(profileId: string, id: string): void;
  refreshCurrent(): Promise<void>;
  act(action: Exclude<MigrationAction, 'cleanup' | 'export'>): Promise<boolean>;
  cleanup(confirmTableName?: string): Promise<boolean>;
  exportScript(): Promise<void>;
  clearActionError(): void;
  /** Resumes a migration from the list and opens it. */
  resumeFromList(id: string): Promise<void>;
  refresh(): Promise<void>;
  applyEvent(message: EventMessage): void;
};

export type MigrationStore = ReturnType<typeof createMigrationStore>;

const idle = <T>(): Loadable<T> => ({ data: null, error: null, loading: false });

export const choiceKey = (c: TableRefChoice | null, column: string | null, target: MigrationTarget | null) =>
  c && column && target ? JSON.stringify([c.schema, c.table, column, target]) : null;

const wizardInitial = {
  step: 'choose' as WizardStep,
  tableFilter: '',
  chosen: null,
  timeColumn: null,
  target: null,
  summary: idle<TableSummary>(),
  probing: false,
  probeError: null,
  report: idle<PreflightReport>(),
  reportKey: null,
  reportStale: false,
  form: null,
  formErrors: {},
  creating: false,
  createError: null,
} satisfies Partial<MigrationStoreState>;

const currentInitial = {
  currentId: null,
  current: idle<Migration>(),
  live: null,
  attempts: [],
  notice: null,
  busy: null,
  actionError: null,
} satisfies Partial<MigrationStoreState>;

type Deps = {
  client: RendererClient;
  profiles: ProfilesStore;
  unlock: UnlockStore;
  navigation: NavigationStore;
};

const actionChannels = {
  run: 'migration:run',
  pause: 'migration:pause',
  resume: 'migration:resume',
  cancel: 'migration:cancel',
  swap: 'migration:swap',
  rollback: 'migration:rollback',
  discard: 'migration:discard',
  validate: 'migration:validate',
} as const satisfies Record<string, Channel>;

export function createMigrationStore({ client, profiles, unlock, navigation }: Deps) {
  return createStore<MigrationStoreState>()((set, get) => {
    /**
     * A request to the profile's server; a profile that asks for its password
     * gets the dialog once, then the request is sent again.
     */
    async function call<C extends Channel>(
      profileId: string,
      channel: C,
      request: RequestOf<C>,
    ): Promise<Result<ResponseOf<C>>> {
      let result = await client.invoke(channel, request);
      if (!result.ok && result.error.code === 'password_required') {
        const profile = profiles.getState().profiles.find((p) => p.id === profileId);
        const unlocked = profile
          ? await unlock.getState().unlockProfile(profile, result.error.message)
          : false;
        if (unlocked) result = await client.invoke(channel, request);
      }
      return result;
    }

    let refreshTimer: ReturnType<typeof setTimeout> | null = null;
    /** State events come in bursts: read the migration and the list again once per burst. */
    const refreshSoon = () => {
      if (refreshTimer) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        void get().refreshCurrent();
        void get().loadList();
      }, 120);
    };

    function learnServer(report: PreflightReport) {
      set({
        server: {
          facts: report.server,
          timescale: report.items.find((i) => i.id === 'timescaledb') ?? get().server?.timescale ?? null,
        },
      });
    }

    /**
     * Learns whether TimescaleDB is installed, with a pre-flight on the chosen table (the
     * contract has no lighter way to ask), and picks a target the server can take.
     */
    async function probe(profileId: string, chosen: TableRefChoice, timeColumn: string): Promise<void> {
      let probeReport: PreflightReport | null = null;
      if (!get().server) {
        set({ probing: true, probeError: null });
        const result = await call(profileId, 'migration:preflight', {
          profileId,
          ...chosen,
          timeColumn,
          target: 'timescaledb',
        });
        if (get().profileId !== profileId) return;
        if (!result.ok) {
          set({ probing: false, probeError: result.error });
          return;
        }
        learnServer(result.value);
        probeReport = result.value;
        set({ probing: false });
      }
      const known = get().server;
      const { chosen: c, timeColumn: col } = get();
      if (!known || c?.schema !== chosen.schema || c.table !== chosen.table || col !== timeColumn) return;
      const usable = known.facts.timescaledb.installed !== null;
      if (!usable && get().target === 'timescaledb') get().chooseTarget('partitions');
      if (!get().target) get().chooseTarget(usable ? 'timescaledb' : 'partitions');
      // Keep the probe as step 2's report when it is the one the DBA will want.
      if (probeReport && get().target === 'timescaledb' && !get().report.data) {
        set({
          report: { data: probeReport, error: null, loading: false },
          reportKey: choiceKey(chosen, timeColumn, 'timescaledb'),
          form: formFromSettings(probeReport.settings, null),
          reportStale: false,
        });
      }
    }

    async function readSummary(profileId: string, chosen: TableRefChoice, timeColumn: string | null) {
      set({ summary: { ...get().summary, loading: true, error: null } });
      const result = await call(profileId, 'migration:describe', {
        profileId,
        ...chosen,
        ...(timeColumn ? { timeColumn } : {}),
      });
      const now = get();
      if (
        now.profileId !== profileId ||
        now.chosen?.table !== chosen.table ||
        now.chosen.schema !== chosen.schema
      )
        return null;
      set({
        summary: result.ok
          ? { data: result.value, error: null, loading: false }
          : { data: null, error: result.error, loading: false },
      });
      return result.ok ? result.value : null;
    }

    /** The report and the form no longer match the choice: drop them. */
    function resetReport() {
      set({ report: idle(), reportKey: null, reportStale: false, formErrors: {}, createError: null });
    }

    function isCurrent(id: string) {
      return get().currentId === id;
    }

    return {
      profileId: null,
      list: idle<MigrationSummary[]>(),
      listBusy: null,
      listError: null,
      tables: idle<TableCandidate[]>(),
      server: null,
      ...wizardInitial,
      ...currentInitial,

      open(profileId) {
        if (get().profileId !== profileId) {
          set({
            profileId,
            list: idle(),
            listBusy: null,
            listError: null,
            tables: idle(),
            server: null,
            ...wizardInitial,
            ...currentInitial,
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

      newWizard() {
        set({ ...wizardInitial });
        if (!get().tables.data) void get().loadTables();
      },

      async loadTables() {
        const profileId = get().profileId;
        if (!profileId) return;
        set({ tables: { ...get().tables, loading: true, error: null } });
        const result = await call(profileId, 'migration:tables', { profileId });
        if (get().profileId !== profileId) return;
        set({
          tables: result.ok
            ? { data: result.value, error: null, loading: false }
            : { data: get().tables.data, error: result.error, loading: false },
        });
      },

      setTableFilter(tableFilter) {
        set({ tableFilter });
      },

      async chooseTable(ref) {
        const profileId = get().profileId;
        if (!profileId) return;
        const candidate = get().tables.data?.find((t) => t.schema === ref.schema && t.table === ref.table);
        const column = candidate?.timeColumns[0]?.name ?? null;
        set({ chosen: ref, timeColumn: column, summary: idle(), form: null });
        resetReport();
        const summary = await readSummary(profileId, ref, column);
        const first = column ?? summary?.timeColumns[0]?.name ?? null;
        if (first && get().timeColumn !== first) set({ timeColumn: first });
        if (first) await probe(profileId, ref, first);
      },

      async chooseTimeColumn(name) {
        const { profileId, chosen } = get();
        if (!profileId || !chosen || get().timeColumn === name) return;
        set({ timeColumn: name, form: null });
        resetReport();
        await readSummary(profileId, chosen, name);
        await probe(profileId, chosen, name);
      },

      chooseTarget(target) {
        if (get().target === target) return;
        set({ target, form: null });
        resetReport();
      },

      goStep(step) {
        set({ step, createError: null });
        if (step === 'preflight') {
          const { chosen, timeColumn, target, reportKey, report } = get();
          if (choiceKey(chosen, timeColumn, target) !== reportKey || (!report.data && !report.loading))
            void get().runPreflight();
        }
      },

      async runPreflight() {
        const { profileId, chosen, timeColumn, target, form } = get();
        if (!profileId || !chosen || !timeColumn || !target) return;
        const key = choiceKey(chosen, timeColumn, target);
        let settings: RequestOf<'migration:preflight'>['settings'];
        if (form && get().reportKey === key) {
          const full = settingsInput(form, target);
          // Step 3's half-typed values wait for step 3; the pre-flight's own choices still count.
          const mine = full.ok ? full : preflightInput(form);
          if (!mine.ok) {
            set({ formErrors: { ...get().formErrors, ...mine.errors } });
            return;
          }
          settings = mine.input;
        }
        set({ report: { ...get().report, loading: true, error: null } });
        const result = await call(profileId, 'migration:preflight', {
          profileId,
          ...chosen,
          timeColumn,
          target,
          ...(settings ? { settings } : {}),
        });
        if (get().profileId !== profileId || choiceKey(get().chosen, get().timeColumn, get().target) !== key)
          return;
        if (!result.ok) {
          const fields: Partial<Record<SettingsField, string>> = {};
          for (const [k, v] of Object.entries(result.error.fields ?? {})) {
            const f = settingsFieldOf(k);
            if (f) fields[f] = v;
          }
          set({
            report: { data: get().report.data, error: result.error, loading: false },
            formErrors: fields,
          });
          return;
        }
        learnServer(result.value);
        const sameChoice = get().reportKey === key && get().form;
        set({
          report: { data: result.value, error: null, loading: false },
          reportKey: key,
          reportStale: false,
          formErrors: {},
          form: sameChoice ? get().form : formFromSettings(result.value.settings, null),
        });
      },

      editForm(patch) {
        const form = get().form;
        if (!form) return;
        const touched = Object.keys(patch) as (keyof SettingsForm)[];
        const errors = { ...get().formErrors };
        for (const k of touched) {
          const field = k === 'freeSpace' || k === 'freeUnit' ? 'confirmedFreeBytes' : k;
          delete errors[field as SettingsField];
        }
        const affectsReport = touched.some(
          (k) =>
            (preflightFields as readonly string[]).includes(k) ||
            k === 'freeSpace' ||
            k === 'freeUnit' ||
            k === 'retain' ||
            k === 'retention',
        );
        set({
          form: { ...form, ...patch },
          formErrors: errors,
          reportStale: get().reportStale || affectsReport,
          createError: null,
        });
      },

      async createPlan() {
        const { profileId, chosen, timeColumn, target, form } = get();
        if (!profileId || !chosen || !timeColumn || !target || !form || get().creating) return;
        const parsed = settingsInput(form, target);
        if (!parsed.ok) {
          set({
            formErrors: parsed.errors,
            createError: {
              code: 'invalid_input',
              message: 'Some settings need a correction (marked below).',
            },
          });
          return;
        }
        set({ creating: true, createError: null, formErrors: {} });
        const result = await call(profileId, 'migration:create', {
          profileId,
          ...chosen,
          timeColumn,
          target,
          settings: parsed.input,
        });
        if (get().profileId !== profileId) return;
        if (!result.ok) {
          const fields: Partial<Record<SettingsField, string>> = {};
          for (const [k, v] of Object.entries(result.error.fields ?? {})) {
            const f = settingsFieldOf(k);
            if (f) fields[f] = v;
          }
          set({ creating: false, createError: result.error, formErrors: fields });
          return;
        }
        const migration = result.value;
        set({
          ...wizardInitial,
          currentId: migration.id,
          current: { data: migration, error: null, loading: false },
          live: null,
          attempts: [],
          notice: null,
        });
        void get().loadList();
        navigation
          .getState()
          .navigate(`/profiles/${encodeURIComponent(profileId)}/migrate/${encodeURIComponent(migration.id)}`);
      },

      openMigration(profileId, id) {
        get().open(profileId);
        if (get().currentId !== id) set({ ...currentInitial, currentId: id });
        void get().refreshCurrent();
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
        const channel = actionChannels[action];
        const result = await call(m.profileId, channel, { id });
        if (!isCurrent(id)) return false;
        if (!result.ok) {
          set({ busy: null, actionError: { action, error: result.error } });
          void get().refreshCurrent();
          return false;
        }
        set({ busy: null });
        if (action === 'discard') {
          set({ ...currentInitial });
          void get().loadList();
          navigation.getState().navigate(`/profiles/${encodeURIComponent(m.profileId)}/migrate`);
          return true;
        }
        if (action === 'validate') {
          await get().refreshCurrent();
        } else {
          const value = result.value as Migration;
          set({ current: { data: value, error: null, loading: false } });
          // Work started in the background may already have moved on: read it again shortly.
          refreshSoon();
        }
        void get().loadList();
        return true;
      },

      async cleanup(confirmTableName) {
        const id = get().currentId;
        const m = get().current.data;
        if (!id || !m || get().busy) return false;
        set({ busy: 'cleanup', actionError: null, notice: null });
        const result = await call(m.profileId, 'migration:cleanup', {
          id,
          ...(confirmTableName !== undefined ? { confirmTableName } : {}),
        });
        if (!isCurrent(id)) return false;
        if (!result.ok) {
          set({ busy: null, actionError: { action: 'cleanup', error: result.error } });
          return false;
        }
        set({ busy: null, current: { data: result.value, error: null, loading: false } });
        void get().loadList();
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
        set({
          ...currentInitial,
          currentId: id,
          current: { data: result.value, error: null, loading: false },
        });
        navigation
          .getState()
          .navigate(`/profiles/${encodeURIComponent(profileId)}/migrate/${encodeURIComponent(id)}`);
      },

      async refresh() {
        await Promise.all([get().loadList(), get().refreshCurrent()]);
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
        if (message.event === 'migration:swapAttempt') {
          const e = message.payload;
          if (!isCurrent(e.migrationId)) return;
          set({ attempts: [...get().attempts, e] });
          return;
        }
        if (message.event === 'migration:state') {
          const e = message.payload;
          const known = get().list.data?.some((m) => m.id === e.migrationId);
          if (isCurrent(e.migrationId)) {
            set({ notice: e.message });
            refreshSoon();
          } else if (known || get().profileId) {
            if (refreshTimer) return;
            refreshTimer = setTimeout(() => {
              refreshTimer = null;
              void get().loadList();
              void get().refreshCurrent();
            }, 120);
          }
        }
      },
    };
  });
}
