import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(__dirname, '..', '..');
export const out = join(root, 'out');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

/**
 * `npm test` builds before vitest runs; a bare `vitest` run builds here when
 * out/ is missing or older than the sources, so the test never checks a stale bundle.
 */
export function ensureBuilt(): void {
  const bundle = join(out, 'main', 'index.js');
  const sources = ['src', 'electron.vite.config.ts'].map((p) => join(root, p));
  const stale =
    !existsSync(bundle) ||
    !existsSync(join(out, 'renderer', 'index.html')) ||
    sources.some(
      (s) => (statSync(s).isDirectory() ? newestMtime(s) : statSync(s).mtimeMs) > statSync(bundle).mtimeMs,
    );
  if (!stale) return;
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    {
      cwd: root,
      stdio: 'pipe',
    },
  );
}
