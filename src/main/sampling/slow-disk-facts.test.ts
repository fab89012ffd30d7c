import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import type { DiskFactsView } from '../../shared/disk-facts';
import { createTidemark, type Tidemark } from '../app';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';

/**
 * The slow disk facts' cadence through the app as the timers run it: a sample
 * carries the oldest tables, bloat estimate, index findings and tablespaces of
 * the sample that last read them until settings.slowDiskFactsEveryMinutes has
 * passed, while WAL, slots and the databases' ages are read every time; each
 * fact says when it was measured.
 */
let app: Tidemark;
let db: TestDatabase;
let clock = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-slow-disk-facts-'));
  db = await createTestDatabase('slow disk facts');
  app = await createTidemark({
    dataDir,
    mode: 'browser',
    secretStore: new KeyFileSecretStore(dataDir),
    now: () => new Date(clock),
  });
});
afterAll(async () => {
  await app?.close();
  await db?.cleanup();
});

async function sampleAt(profileId: string, at: number): Promise<DiskFactsView> {
  clock = at;
  const sampled = await app.router.dispatch('storage:sampleNow', { profileId });
  expect(sampled).toMatchObject({ ok: true });
  const view = await app.router.dispatch('storage:getDiskFacts', { profileId });
  return (view as { value: DiskFactsView }).value;
}

describe('the slow disk facts on their own cadence', () => {
  it('carries the oldest tables, bloat, index findings and tablespaces until they are due, reading the rest every sample', async () => {
    const admin = await db.admin();
    await admin.query('CREATE TABLE widgets (id int, v text); CREATE INDEX widgets_v ON widgets (v)');
    const { id } = app.profiles.create({ ...db.fields, password: db.password });
    app.monitoring.history.settings.update({
      sampleRetentionDays: 90,
      heartbeatRetentionDays: 60,
      slowDiskFactsEveryMinutes: 30,
    });
    const t0 = clock;
    const first = await sampleAt(id, t0);
    expect(Object.values(first.facts.measuredAt)).toEqual(Array(7).fill(iso(t0)));
    expect(first.facts.indexes.map((i) => i.name)).toContain('widgets_v');

    // A new unused index is not seen until the slow facts are read again...
    await admin.query('CREATE INDEX widgets_id ON widgets (id)');
    const second = await sampleAt(id, t0 + 10 * MIN);
    expect(second.facts.measuredAt).toMatchObject({
      slots: iso(t0 + 10 * MIN),
      databases: iso(t0 + 10 * MIN),
      oldestTables: iso(t0),
      bloat: iso(t0),
      indexes: iso(t0),
      tablespaces: iso(t0),
    });
    expect(second.facts.indexes).toEqual(first.facts.indexes);
    expect(second.facts.oldestTables).toEqual(first.facts.oldestTables);
    expect(second.facts.tablespaces).toEqual(first.facts.tablespaces);

    // ...and is once they are due.
    const third = await sampleAt(id, t0 + 30 * MIN);
    expect(Object.values(third.facts.measuredAt)).toEqual(Array(7).fill(iso(t0 + 30 * MIN)));
    expect(third.facts.indexes.map((i) => i.name)).toContain('widgets_id');
    await admin.end();
  });
});
