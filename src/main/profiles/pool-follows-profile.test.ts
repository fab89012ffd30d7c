import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { createTidemark, type Tidemark } from '../app';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';

// A profile changed by any path (the form, the CLI, the demo server coming back on another port)
// must not keep using connections made for its old settings.
let app: Tidemark;
let first: TestDatabase;
let second: TestDatabase;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-pool-follows-'));
  app = await createTidemark({ dataDir, mode: 'browser', secretStore: new KeyFileSecretStore(dataDir) });
  first = await createTestDatabase('pool follows first');
  second = await createTestDatabase('pool follows second');
});

afterAll(async () => {
  await app.close();
  await first.cleanup();
  await second.cleanup();
});

const currentDatabase = (id: string) =>
  app.pools.withClient(
    id,
    async (c) => (await c.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db,
  );

describe('pools follow profile changes made through the service', () => {
  it('reconnects to the new settings after ProfileService.update, without going through a handler', async () => {
    const profile = app.profiles.create({ ...first.fields, password: first.password });
    expect(await currentDatabase(profile.id)).toBe(first.name);

    app.profiles.update(profile.id, { ...second.profile({ name: profile.name }), password: second.password });
    expect(await currentDatabase(profile.id)).toBe(second.name);
  });
});
