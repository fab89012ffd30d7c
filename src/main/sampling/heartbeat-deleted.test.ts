import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { profileInputSchema } from '../../shared/profile';
import { createTidemark, type Tidemark } from '../app';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';

let app: Tidemark | undefined;
afterAll(async () => {
  await app?.close();
});

describe('a heartbeat for a profile deleted meanwhile', () => {
  it('records nothing and leaves no connection attempt unawaited', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-beat-deleted-'));
    app = await createTidemark({ dataDir, mode: 'browser', secretStore: new KeyFileSecretStore(dataDir) });
    const profile = app.profiles.create(
      profileInputSchema.parse({ name: 'gone', host: '127.0.0.1', port: 1, database: 'x', user: 'x' }),
    );
    await app.profiles.delete(profile.id);
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      // Nothing to record it against: no beat, no status event.
      await expect(app.monitoring.heartbeat.beat(profile.id)).resolves.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(unhandled).toEqual([]);
  });
});
