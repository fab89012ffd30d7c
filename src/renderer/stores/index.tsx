import { createContext, type ReactNode, useContext } from 'react';
import { useStore } from 'zustand';
import type { RendererClient } from '../client';
import { applyTheme } from '../lib/theme';
import { type AlertsState, createAlertsStore } from './alerts';
import { type AppState, createAppStore } from './app';
import { createDemoStore, type DemoState } from './demo';
import { createDiscoverStore, type DiscoverState } from './discover';
import { createDiskFactsStore, type DiskFactsState } from './disk-facts';
import { createFleetStore, type FleetState } from './fleet';
import { createHealthStore, type HealthState } from './health';
import { profileCall } from './migration-call';
import { createMigrationListStore, type MigrationListState } from './migration-list';
import { createMigrationRunStore, type MigrationRunState } from './migration-run';
import { createMigrationWizardStore, type MigrationWizardState } from './migration-wizard';
import { createNavigationStore, type NavigationState } from './navigation';
import { createNotificationsStore, type NotificationsState } from './notifications';
import { createPaletteStore, type PaletteState } from './palette';
import { createProfileFormStore, type ProfileFormState } from './profile-form';
import { createProfileTransferStore, type ProfileTransferState } from './profile-transfer';
import { createProfilesStore, type ProfilesState } from './profiles';
import { createRelationRulesStore, type RelationRulesState } from './relation-rules';
import { createRelationWindowStore, type RelationWindowState } from './relation-window';
import { createRulesStore, type RulesState } from './rules';
import { createScheduleStore, type ScheduleStoreState } from './schedule';
import { createSettingsStore, type SettingsState } from './settings';
import { createSidebarStore, type SidebarState } from './sidebar';
import { createStorageStore, type StorageState } from './storage';
import { createUnlockStore, type UnlockState } from './unlock';
import { createWebhooksStore, type WebhooksState } from './webhooks';

/** One store per feature, all created around the one client chosen at start-up. */
export function createStores(client: RendererClient, win: Window) {
  const app = createAppStore(client);
  const navigation = createNavigationStore(win);
  const sidebar = createSidebarStore(win);
  const unlock = createUnlockStore(client);
  const profiles = createProfilesStore(client, unlock);
  const profileForm = createProfileFormStore({ client, profiles, navigation, unlock });
  const discover = createDiscoverStore(client, profiles);
  const storage = createStorageStore({ client, profiles, unlock, win });
  const relationWindow = createRelationWindowStore(client);
  const health = createHealthStore(client);
  const fleet = createFleetStore(client);
  const diskFacts = createDiskFactsStore(client);
  const schedule = createScheduleStore(client);
  const settings = createSettingsStore(client);
  const demo = createDemoStore({ client, profiles, navigation });
  const alerts = createAlertsStore(client);
  const rules = createRulesStore(client);
  const webhooks = createWebhooksStore(client);
  const profileTransfer = createProfileTransferStore(client);
  const relationRules = createRelationRulesStore(client);
  const palette = createPaletteStore(client);
  const call = profileCall(client, profiles, unlock);
  const listChanged = () => void migrationList.getState().loadList();
  const migrationRun = createMigrationRunStore({ client, call, navigation, listChanged });
  const migrationList = createMigrationListStore({ client, call, navigation, run: () => migrationRun });
  const migrationWizard = createMigrationWizardStore({
    call,
    navigation,
    run: () => migrationRun,
    listChanged,
  });
  const notifications = createNotificationsStore({
    capabilities: client.capabilities,
    profiles,
    navigation,
    win,
    prefs: () => settings.getState().current,
  });
  return {
    app,
    navigation,
    sidebar,
    unlock,
    profiles,
    profileForm,
    discover,
    storage,
    relationWindow,
    diskFacts,
    health,
    fleet,
    schedule,
    settings,
    demo,
    alerts,
    rules,
    webhooks,
    profileTransfer,
    relationRules,
    notifications,
    migrationList,
    migrationWizard,
    migrationRun,
    palette,
  };
}

export type Stores = ReturnType<typeof createStores>;

/** Wires events and connection changes to the stores and loads the first data. */
export function startStores(client: RendererClient, stores: Stores): () => void {
  const offEvents = client.subscribe((message) => {
    stores.profiles.getState().applyEvent(message);
    stores.storage.getState().applyEvent(message);
    stores.diskFacts.getState().applyEvent(message);
    stores.health.getState().applyEvent(message);
    stores.fleet.getState().applyEvent(message);
    stores.schedule.getState().applyEvent(message);
    stores.alerts.getState().applyEvent(message);
    stores.rules.getState().applyEvent(message);
    stores.webhooks.getState().applyEvent(message);
    stores.notifications.getState().applyEvent(message);
    stores.migrationList.getState().applyEvent(message);
    stores.migrationRun.getState().applyEvent(message);
    if (message.event === 'profiles:changed') void stores.demo.getState().loadStatus();
  });
  // The sidebar's dots start from the heartbeat state main stored, until the next heartbeat says more.
  const offHealth = stores.health.subscribe((state, previous) => {
    const list = state.overview.data;
    if (!list || list === previous.overview.data) return;
    stores.profiles.getState().seedStatus(
      list.map((h) => ({
        profileId: h.profileId,
        state: h.status.state,
        at: h.status.lastCheckAt ?? h.status.since ?? new Date(0).toISOString(),
        ...(h.status.message ? { message: h.status.message } : {}),
        ...(h.latencyMs !== null ? { latencyMs: h.latencyMs } : {}),
      })),
    );
  });
  // The theme is a setting: applied as soon as settings are read or saved.
  const offTheme = stores.settings.subscribe((state, previous) => {
    const theme = state.current?.theme;
    if (theme && theme !== previous.current?.theme) applyTheme(theme);
  });
  const loadAll = () => {
    void stores.app.getState().loadInfo();
    void stores.profiles.getState().load();
    void stores.health.getState().loadOverview();
    void stores.demo.getState().loadStatus();
    void stores.alerts.getState().loadActive();
  };
  const offConnection = client.onConnectionChange((state) => {
    const wasDown = stores.app.getState().connection !== 'open';
    stores.app.getState().setConnection(state);
    // Events sent while the socket was down are lost: read the state again.
    if (state === 'open' && wasDown) {
      loadAll();
      const { storage, health, schedule, alerts, rules } = stores;
      if (storage.getState().profileId) void storage.getState().refresh();
      if (stores.diskFacts.getState().profileId) void stores.diskFacts.getState().load();
      if (health.getState().profileId) void health.getState().loadDetail();
      if (stores.fleet.getState().overview.data) void stores.fleet.getState().load();
      if (schedule.getState().profileId) void schedule.getState().load();
      if (alerts.getState().scope) void alerts.getState().loadHistory();
      if (rules.getState().profileId) void rules.getState().load();
      if (stores.migrationList.getState().profileId) void stores.migrationList.getState().loadList();
      if (stores.migrationRun.getState().currentId) void stores.migrationRun.getState().refreshCurrent();
    }
  });
  // Requests made before the socket opens wait for it.
  loadAll();
  void stores.settings.getState().load();
  return () => {
    offEvents();
    offHealth();
    offTheme();
    offConnection();
  };
}

const StoresContext = createContext<Stores | null>(null);

export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }) {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores() outside <StoresProvider>');
  return stores;
}

export const useDiskFacts = <T,>(selector: (s: DiskFactsState) => T): T =>
  useStore(useStores().diskFacts, selector);
export const useApp = <T,>(selector: (s: AppState) => T): T => useStore(useStores().app, selector);
export const useNavigation = <T,>(selector: (s: NavigationState) => T): T =>
  useStore(useStores().navigation, selector);
export const useProfiles = <T,>(selector: (s: ProfilesState) => T): T =>
  useStore(useStores().profiles, selector);
export const useProfileForm = <T,>(selector: (s: ProfileFormState) => T): T =>
  useStore(useStores().profileForm, selector);
export const useDiscover = <T,>(selector: (s: DiscoverState) => T): T =>
  useStore(useStores().discover, selector);
export const useUnlock = <T,>(selector: (s: UnlockState) => T): T => useStore(useStores().unlock, selector);
export const useStorage = <T,>(selector: (s: StorageState) => T): T =>
  useStore(useStores().storage, selector);
export const useRelationWindow = <T,>(selector: (s: RelationWindowState) => T): T =>
  useStore(useStores().relationWindow, selector);
export const useHealth = <T,>(selector: (s: HealthState) => T): T => useStore(useStores().health, selector);
export const useFleet = <T,>(selector: (s: FleetState) => T): T => useStore(useStores().fleet, selector);
export const useSchedule = <T,>(selector: (s: ScheduleStoreState) => T): T =>
  useStore(useStores().schedule, selector);
export const useSettings = <T,>(selector: (s: SettingsState) => T): T =>
  useStore(useStores().settings, selector);
export const useDemo = <T,>(selector: (s: DemoState) => T): T => useStore(useStores().demo, selector);
export const useAlerts = <T,>(selector: (s: AlertsState) => T): T => useStore(useStores().alerts, selector);
export const useRules = <T,>(selector: (s: RulesState) => T): T => useStore(useStores().rules, selector);
export const useRelationRules = <T,>(selector: (s: RelationRulesState) => T): T =>
  useStore(useStores().relationRules, selector);
export const useWebhooks = <T,>(selector: (s: WebhooksState) => T): T =>
  useStore(useStores().webhooks, selector);
export const useProfileTransfer = <T,>(selector: (s: ProfileTransferState) => T): T =>
  useStore(useStores().profileTransfer, selector);
export const useSidebar = <T,>(selector: (s: SidebarState) => T): T =>
  useStore(useStores().sidebar, selector);
export const useNotifications = <T,>(selector: (s: NotificationsState) => T): T =>
  useStore(useStores().notifications, selector);
export const useMigrationList = <T,>(selector: (s: MigrationListState) => T): T =>
  useStore(useStores().migrationList, selector);
export const useMigrationWizard = <T,>(selector: (s: MigrationWizardState) => T): T =>
  useStore(useStores().migrationWizard, selector);
export const useMigrationRun = <T,>(selector: (s: MigrationRunState) => T): T =>
  useStore(useStores().migrationRun, selector);
export const usePalette = <T,>(selector: (s: PaletteState) => T): T =>
  useStore(useStores().palette, selector);
