import { createStore } from 'zustand/vanilla';
import type { RequestOf } from '../../shared/contract';
import type {
  MigrationTarget,
  PreflightItem,
  PreflightReport,
  ServerFacts,
  TableCandidate,
  TableSummary,
} from '../../shared/migration';
import type { AppErrorData } from '../../shared/result';
import {
  formFromSettings,
  preflightFields,
  preflightInput,
  type SettingsField,
  type SettingsForm,
  settingsFieldOf,
  settingsInput,
} from '../lib/migration';
import { idle, type Loadable, settled } from './loadable';
import { migrationPath, type ProfileCall } from './migration-call';
import type { MigrationRunStore } from './migration-run';
import type { NavigationStore } from './navigation';

/**
 * The three steps before a plan exists (table, pre-flight, settings) for one
 * profile. A decision that changes what the pre-flight checks is checked
 * again by itself, shortly after the DBA stops changing it.
 */

export type WizardStep = 'choose' | 'preflight' | 'settings';

export type TableRefChoice = { schema: string; table: string };

/** What the engine said about TimescaleDB on this profile's server (from any pre-flight). */
export type ServerKnowledge = { facts: ServerFacts; timescale: PreflightItem | null };

export type MigrationWizardState = {
  profileId: string | null;
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
  /** The form changed since the report was made; a new check follows by itself. */
  reportStale: boolean;
  form: SettingsForm | null;
  formErrors: Partial<Record<SettingsField, string>>;
  creating: boolean;
  createError: AppErrorData | null;

  open(profileId: string): void;
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
};

export type MigrationWizardStore = ReturnType<typeof createMigrationWizardStore>;

/** How long the DBA's typing settles before the pre-flight runs again. */
export const RECHECK_DELAY_MS = 600;

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
} satisfies Partial<MigrationWizardState>;

/** Fields whose change the pre-flight judges (retention is checked against the data range). */
const checkedFields: readonly string[] = [...preflightFields, 'freeSpace', 'freeUnit', 'retain', 'retention'];

function fieldErrors(fields: Record<string, string> | undefined): Partial<Record<SettingsField, string>> {
  const out: Partial<Record<SettingsField, string>> = {};
  for (const [k, v] of Object.entries(fields ?? {})) {
    const f = settingsFieldOf(k);
    if (f) out[f] = v;
  }
  return out;
}

type Deps = {
  call: ProfileCall;
  navigation: NavigationStore;
  run: () => MigrationRunStore;
  listChanged: () => void;
  /** For tests: the re-check delay. */
  recheckDelayMs?: number;
};

export function createMigrationWizardStore({ call, navigation, run, listChanged, recheckDelayMs }: Deps) {
  return createStore<MigrationWizardState>()((set, get) => {
    /** Counts the form's changes, so an answer to an older form leaves the report stale. */
    let formVersion = 0;
    /** Counts pre-flight requests: only the newest one's answer is shown. */
    let preflightSeq = 0;
    let recheckTimer: ReturnType<typeof setTimeout> | null = null;
    const cancelRecheck = () => {
      if (recheckTimer) clearTimeout(recheckTimer);
      recheckTimer = null;
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
        summary: settled(result, null),
      });
      return result.ok ? result.value : null;
    }

    /** The report and the form no longer match the choice: drop them. */
    function resetReport() {
      cancelRecheck();
      set({ report: idle(), reportKey: null, reportStale: false, formErrors: {}, createError: null });
    }

    return {
      profileId: null,
      tables: idle<TableCandidate[]>(),
      server: null,
      ...wizardInitial,

      open(profileId) {
        if (get().profileId === profileId) return;
        cancelRecheck();
        set({ profileId, tables: idle(), server: null, ...wizardInitial });
      },

      async loadTables() {
        const profileId = get().profileId;
        if (!profileId) return;
        set({ tables: { ...get().tables, loading: true, error: null } });
        const result = await call(profileId, 'migration:listTables', { profileId });
        if (get().profileId !== profileId) return;
        set({
          tables: settled(result, get().tables.data),
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
        cancelRecheck();
        set({ step, createError: null });
        if (step === 'preflight') {
          const { chosen, timeColumn, target, reportKey, report, reportStale } = get();
          if (
            choiceKey(chosen, timeColumn, target) !== reportKey ||
            (!report.data && !report.loading) ||
            reportStale
          )
            void get().runPreflight();
        }
      },

      async runPreflight() {
        cancelRecheck();
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
        const seq = ++preflightSeq;
        const sentVersion = formVersion;
        set({ report: { ...get().report, loading: true, error: null } });
        const result = await call(profileId, 'migration:preflight', {
          profileId,
          ...chosen,
          timeColumn,
          target,
          ...(settings ? { settings } : {}),
        });
        if (
          seq !== preflightSeq ||
          get().profileId !== profileId ||
          choiceKey(get().chosen, get().timeColumn, get().target) !== key
        )
          return;
        if (!result.ok) {
          set({
            report: { data: get().report.data, error: result.error, loading: false },
            formErrors: fieldErrors(result.error.fields),
          });
          return;
        }
        learnServer(result.value);
        const sameChoice = get().reportKey === key && get().form;
        set({
          report: { data: result.value, error: null, loading: false },
          reportKey: key,
          // Changed again while this check ran: the next check is already on its way.
          reportStale: formVersion !== sentVersion,
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
        const affectsReport = touched.some((k) => checkedFields.includes(k));
        formVersion++;
        set({
          form: { ...form, ...patch },
          formErrors: errors,
          reportStale: get().reportStale || affectsReport,
          createError: null,
        });
        // On step 2 the report is on screen; step 3's changes are checked when the plan is made.
        if (affectsReport && get().step === 'preflight') {
          cancelRecheck();
          recheckTimer = setTimeout(() => {
            recheckTimer = null;
            void get().runPreflight();
          }, recheckDelayMs ?? RECHECK_DELAY_MS);
        }
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
        cancelRecheck();
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
          set({ creating: false, createError: result.error, formErrors: fieldErrors(result.error.fields) });
          return;
        }
        set({ ...wizardInitial });
        run().getState().show(result.value);
        listChanged();
        navigation.getState().navigate(migrationPath(profileId, result.value.id));
      },
    };
  });
}
