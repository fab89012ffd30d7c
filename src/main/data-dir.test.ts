import { chmodSync, existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createTidemark } from './app';
import { createDataDir } from './data-dir';
import { createLogger } from './logger';
import { KeyFileSecretStore } from './secrets/key-file-secret-store';

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Starts Tidemark as browser mode does: the folder, the key file, then the app. */
async function start(dataDir: string, logger = createLogger(dataDir)) {
  createDataDir(dataDir);
  const app = await createTidemark({
    dataDir,
    mode: 'browser',
    secretStore: new KeyFileSecretStore(dataDir),
    logger,
  });
  // A write, so the WAL and its index exist.
  await app.router.dispatch('settings:set', { sampleRetentionDays: 30, heartbeatRetentionDays: 30 });
  await vi.waitFor(() => expect(existsSync(join(dataDir, 'logs', 'tidemark.log'))).toBe(true));
  return app;
}

const privateFiles = ['tidemark.db', 'tidemark.db-wal', 'tidemark.db-shm', 'secret.key', 'logs/tidemark.log'];

describe.skipIf(process.platform === 'win32')('the data folder', () => {
  it('is created owner-only (0700), with the database, WAL, SHM, key file and log 0600', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'tidemark-perm-')), 'new', 'Tidemark');
    const app = await start(dataDir);
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(join(dataDir, 'logs'))).toBe(0o700);
      for (const file of privateFiles) {
        expect(existsSync(join(dataDir, file)), file).toBe(true);
        expect(modeOf(join(dataDir, file)), file).toBe(0o600);
      }
    } finally {
      await app.close();
    }
  });

  it('is tightened at start when it was left readable by others, and the log says which paths', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-perm-'));
    await (await start(dataDir)).close();
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'logs'), 0o755);
    for (const file of ['tidemark.db', 'secret.key', 'logs/tidemark.log'])
      chmodSync(join(dataDir, file), 0o644);

    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const app = await start(dataDir, logger);
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(join(dataDir, 'logs'))).toBe(0o700);
      for (const file of privateFiles) expect(modeOf(join(dataDir, file)), file).toBe(0o600);
      // (secret.key is tightened by the key-file store itself as it opens it.)
      const warning = lines.map((l) => JSON.parse(l)).find((l) => /permissions tightened/.test(l.msg));
      expect(warning?.tightened).toEqual(
        expect.arrayContaining([
          { path: dataDir, was: '0755' },
          { path: join(dataDir, 'tidemark.db'), was: '0644' },
          { path: join(dataDir, 'logs', 'tidemark.log'), was: '0644' },
        ]),
      );
    } finally {
      await app.close();
    }
  });
});
