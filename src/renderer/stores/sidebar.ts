import { createStore } from 'zustand/vanilla';

const KEY = 'tidemark.sidebarCollapsed';

export type SidebarState = {
  collapsed: boolean;
  toggle(): void;
};

export type SidebarStore = ReturnType<typeof createSidebarStore>;

/**
 * Whether the server list is folded to its status dots. Kept in the page's
 * storage, like the relations table's columns: the Electron window keeps it
 * across restarts, and so does browser mode on the same --port.
 */
export function createSidebarStore(win: Window) {
  const read = () => {
    try {
      return win.localStorage.getItem(KEY) === '1';
    } catch {
      return false;
    }
  };
  return createStore<SidebarState>()((set, get) => ({
    collapsed: read(),
    toggle() {
      const collapsed = !get().collapsed;
      set({ collapsed });
      try {
        win.localStorage.setItem(KEY, collapsed ? '1' : '0');
      } catch {
        // Storage refused (private mode): it still folds for this session.
      }
    },
  }));
}
