import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where the renderer lives: the built file, or electron-vite's dev server in
 * `electron-vite dev`. A packaged app never reads ELECTRON_RENDERER_URL: the
 * window would otherwise show any page it names, with the bridge attached.
 */
export function rendererUrl(env: NodeJS.ProcessEnv, outMainDir: string, packaged: boolean): string {
  const dev = env.ELECTRON_RENDERER_URL;
  if (dev && !packaged) return dev;
  return pathToFileURL(join(outMainDir, '..', 'renderer', 'index.html')).href;
}

export function preloadPath(outMainDir: string): string {
  return join(outMainDir, '..', 'preload', 'index.js');
}

/** The document a URL points at, without query and fragment; null if it is not a URL. */
function documentOf(url: string): string | null {
  try {
    const u = new URL(url);
    u.hash = '';
    u.search = '';
    return u.href;
  } catch {
    return null;
  }
}

/** True when `url` is our own page (a reload or an in-page link), not somewhere else. */
export function isOurPage(url: string, pageUrl: string): boolean {
  const doc = documentOf(url);
  return doc !== null && doc === documentOf(pageUrl);
}

/** Only web links go to the OS browser; file:, javascript:, custom schemes never do. */
export function isWebLink(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
