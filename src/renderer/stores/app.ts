import { createStore } from 'zustand/vanilla';
import type { AppInfo } from '../../shared/contract';
import type { ConnectionState, RendererClient } from '../client';

export type AppState = {
  info: AppInfo | null;
  infoError: string | null;
  /** Indices into info.notices the DBA has dismissed. */
  dismissedNotices: number[];
  connection: ConnectionState;
  loadInfo(): Promise<void>;
  dismissNotice(index: number): void;
  setConnection(state: ConnectionState): void;
};

export type AppStore = ReturnType<typeof createAppStore>;

export function createAppStore(client: RendererClient) {
  return createStore<AppState>()((set) => ({
    info: null,
    infoError: null,
    dismissedNotices: [],
    connection: client.connectionState(),
    async loadInfo() {
      const result = await client.invoke('app:getInfo', {});
      if (result.ok) set({ info: result.value, infoError: null });
      else set({ infoError: result.error.message });
    },
    dismissNotice(index) {
      set((s) => ({ dismissedNotices: [...s.dismissedNotices, index] }));
    },
    setConnection(connection) {
      set({ connection });
    },
  }));
}
