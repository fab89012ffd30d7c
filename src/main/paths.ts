import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The data directory, the same one the Electron app uses (its `userData`), so
 * browser mode, the CLI and the desktop app share profiles and history.
 * `--data-dir` or TIDEMARK_DATA_DIR override it.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.TIDEMARK_DATA_DIR) return env.TIDEMARK_DATA_DIR;
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Tidemark');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Tidemark');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Tidemark');
}
