/** A tiny hash router: `#/profiles/abc` ⇄ path `/profiles/abc`. */

export function pathFromHash(hash: string): string {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!raw || raw === '/') return '/';
  const path = raw.startsWith('/') ? raw : `/${raw}`;
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

export function hrefOf(path: string): string {
  return `#${path}`;
}

export type RouteParams = Record<string, string>;

/** Matches `/profiles/:id` against `/profiles/abc` → `{ id: 'abc' }`. */
export function matchPattern(pattern: string, path: string): RouteParams | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: RouteParams = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const h = have[i]!;
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(h);
      } catch {
        return null;
      }
    } else if (w !== h) {
      return null;
    }
  }
  return params;
}
