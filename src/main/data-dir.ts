import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The data folder holds the server inventory, the history, the migration
 * journal, the logs and the key file: it belongs to its owner alone (0700,
 * files 0600), whatever the umask.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Folders whose permissions another program owns: PostgreSQL keeps the demo cluster at 0700 itself. */
const foreignDirs = new Set(['demo-postgres']);

export interface Tightened {
  path: string;
  /** The mode it had, e.g. "0644". */
  was: string;
}

/** Creates the data folder (and missing parents) owner-only. */
export function createDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Takes group and other permissions away from the data folder and everything
 * Tidemark keeps in it; returns what had to change, for the log. Modes mean
 * nothing on Windows, where the folder sits in the user's own profile.
 */
export function tightenDataDir(dir: string, platform: NodeJS.Platform = process.platform): Tightened[] {
  if (platform === 'win32') return [];
  const tightened: Tightened[] = [];
  const visit = (path: string, top: boolean) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    if ((stat.mode & 0o077) !== 0) {
      chmodSync(path, stat.mode & 0o700);
      tightened.push({ path, was: `0${(stat.mode & 0o777).toString(8)}` });
    }
    if (!stat.isDirectory()) return;
    for (const name of readdirSync(path)) {
      if (top && foreignDirs.has(name)) continue;
      visit(join(path, name), false);
    }
  };
  visit(dir, true);
  return tightened;
}
