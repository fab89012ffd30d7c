import { createStore } from 'zustand/vanilla';
import { hrefOf, pathFromHash } from '../lib/router';

export type NavigationState = {
  /** The current path, e.g. `/profiles/abc`. Kept in the URL hash so a reload stays on the page. */
  path: string;
  navigate(path: string): void;
  /** Like navigate, without a history entry (e.g. leaving a page whose profile was deleted). */
  replace(path: string): void;
};

export type NavigationStore = ReturnType<typeof createNavigationStore>;

export function createNavigationStore(win: Window) {
  const store = createStore<NavigationState>()((set) => ({
    path: pathFromHash(win.location.hash),
    navigate(path) {
      if (pathFromHash(win.location.hash) !== path) win.location.hash = hrefOf(path);
      set({ path });
    },
    replace(path) {
      win.history.replaceState(win.history.state, '', hrefOf(path));
      set({ path });
    },
  }));
  win.addEventListener('hashchange', () => {
    const path = pathFromHash(win.location.hash);
    if (path !== store.getState().path) store.setState({ path });
  });
  return store;
}
