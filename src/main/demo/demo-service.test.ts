import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTidemark, type Tidemark } from '../app';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';

let app: Tidemark | undefined;
afterAll(async () => {
  await app?.close();
});

describe('the demo server, from start to delete', () => {
  it('says truly where its files are, and deleting it removes them with its profile and history', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-demo-service-'));
    app = await createTidemark({ dataDir, mode: 'browser', secretStore: new KeyFileSecretStore(dataDir) });
    const { demo } = app.monitoring;
    expect(demo.status()).toMatchObject({ setUp: false, running: false, profileId: null });

    const { profile } = await demo.start();
    const sampled = await app.router.dispatch('storage:sampleNow', { profileId: profile.id });
    expect(sampled.ok).toBe(true);
    expect(demo.status().sizeBytes).toBeNull();
    const status = demo.status({ size: true });
    expect(status).toMatchObject({ setUp: true, running: true, profileId: profile.id });
    expect(existsSync(join(status.location, 'data', 'PG_VERSION'))).toBe(true);
    // PostgreSQL cannot run as root and root's data folder is owner-only: then, and only then, elsewhere.
    expect(status.inDataFolder).toBe(userInfo().uid !== 0);
    expect(status.location.startsWith(dataDir)).toBe(status.inDataFolder);
    expect(status.sizeBytes!).toBeGreaterThan(10 * 1024 * 1024);

    const after = await app.router.dispatch('demo:delete', {});
    expect(after).toMatchObject({
      ok: true,
      value: { setUp: false, running: false, profileId: null, sizeBytes: 0 },
    });
    expect(existsSync(status.location)).toBe(false);
    expect(app.profiles.list().map((p) => p.id)).not.toContain(profile.id);
    const history = app.monitoring.history.overview;
    expect(() => history.call(app!.monitoring.history, profile.id)).toThrow();

    // A new demo after a delete is a fresh one, with a profile of its own.
    const again = await demo.start();
    expect(again.profile.id).not.toBe(profile.id);
    await demo.remove();
  });
});
