import { createContext, type ReactNode, useContext } from 'react';
import { useStore } from 'zustand';
import type { RendererClient } from '../client';
import { type AppState, createAppStore } from './app';
import { createDiscoverStore, type DiscoverState } from './discover';
import { createNavigationStore, type NavigationState } from './navigation';
import { createProfileFormStore, type ProfileFormState } from './profile-form';
import { createProfilesStore, type ProfilesState } from './profiles';
import { createUnlockStore, type UnlockState } from './unlock';

/** One store per feature, all created around the one client chosen at start-up. */
export function createStores(client: RendererClient, win: Window) {
  const app = createAppStore(client);
  const navigation = createNavigationStore(win);
  const unlock = createUnlockStore(client);
  const profiles = createProfilesStore(client, unlock);
  const profileForm = createProfileFormStore({ client, profiles, navigation, unlock });
  const discover = createDiscoverStore(client, profiles);
  return { app, navigation, unlock, profiles, profileForm, discover };
}

export type Stores = ReturnType<typeof createStores>;

/** Wires events and connection changes to the stores and loads the first data. */
export function startStores(client: RendererClient, stores: Stores): () => void {
  const offEvents = client.subscribe((message) => stores.profiles.getState().applyEvent(message));
  const offConnection = client.onConnectionChange((state) => {
    const wasDown = stores.app.getState().connection !== 'open';
    stores.app.getState().setConnection(state);
    // Events sent while the socket was down are lost: read the state again.
    if (state === 'open' && wasDown) {
      void stores.app.getState().loadInfo();
      void stores.profiles.getState().load();
    }
  });
  // Requests made before the socket opens wait for it.
  void stores.app.getState().loadInfo();
  void stores.profiles.getState().load();
  return () => {
    offEvents();
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
