import { HOST_TOKEN_PARAM } from '../../shared/host-protocol';

const STORAGE_KEY = 'tidemark.hostToken';

/**
 * The host prints `http://127.0.0.1:PORT/?token=T`. The token is moved from the
 * address bar into sessionStorage: a reload keeps working, the token does not
 * linger in the address bar or the history, and it dies with the tab.
 */
export function takeHostToken(win: Window): string | null {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get(HOST_TOKEN_PARAM);
  if (fromUrl) {
    try {
      win.sessionStorage.setItem(STORAGE_KEY, fromUrl);
    } catch {
      // Storage disabled: the token still works for this page load.
    }
    url.searchParams.delete(HOST_TOKEN_PARAM);
    win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  try {
    return win.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
