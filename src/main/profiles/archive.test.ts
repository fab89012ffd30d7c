import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE_MS, MiB, rel, sample, T0 } from '../../../test/support/history-fixtures';
import { type Profile, profileInputSchema } from '../../shared/profile';
import type { Result } from '../../shared/result';
import { createTidemark, type Tidemark } from '../app';
import { DB_FILE } from '../local-db/database';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';

/** What a profile owns in the history, table by table (rows that reach it by a key). */
const OWNED: Record<string, string> = {
  samples: "profile_id = '$'",
  sample_databases: "sample_id IN (SELECT id FROM samples WHERE profile_id = '$')",
  relations: "profile_id = '$'",
  relation_runs: "relation_id IN (SELECT id FROM relations WHERE profile_id = '$')",
  heartbeat_history: "profile_id = '$'",
  alerts: "profile_id = '$'",
  schedules: "profile_id = '$'",
  alert_rules: "profile_id = '$'",
};

let app: Tidemark;
let reader: Database.Database;
const dispatch = (channel: string, request: unknown) => app.router.dispatch(channel, request);
async function call<T>(channel: string, request: unknown): Promise<T> {
  const r = (await dispatch(channel, request)) as Result<T>;
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value;
}
const rows = (p: string) =>
  Object.fromEntries(
    Object.entries(OWNED).map(([table, where]) => [
      table,
      reader
        .prepare(`SELECT count(*) FROM ${table} WHERE ${where.replaceAll('$', p)}`)
        .pluck()
        .get() as number,
    ]),
  );

/** A profile with a stored password, 12 samples, a heartbeat and an active alert. */
function addWatched(name: string): string {
  const { id } = app.profiles.create({
    ...profileInputSchema.parse({ name, host: '127.0.0.1', port: 1, database: 'app', user: 'dba' }),
    passwordMode: 'store',
    password: 'secret',
  });
  const history = app.monitoring.history;
  for (let i = 0; i < 12; i++) {
    history.saveSample(id, sample(T0 - (12 - i) * MINUTE_MS, [rel('public.events', MiB * (i + 1))]));
  }
  history.recordBeat(id, { at: new Date(T0), ok: true, latencyMs: 2, message: null });
  app.alerts.store.raise(
    id,
    {
      kind: 'size_critical',
      severity: 'critical',
      subject: { type: 'database', name: 'app', relationId: null },
      message: 'big',
      currentBytes: MiB,
      previousBytes: null,
      growthPct: null,
    },
    new Date(T0),
  );
  return id;
}

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-archive-'));
  app = await createTidemark({
    dataDir,
    mode: 'browser',
    secretStore: new KeyFileSecretStore(dataDir),
    now: () => new Date(T0),
  });
  reader = new Database(join(dataDir, DB_FILE), { readonly: true });
});
afterAll(async () => {
  reader?.close();
  await app?.close();
});

describe('deleting a profile: keep its history (archive) or delete it', () => {
  it('keeps every row of the history, drops the secrets and stops watching it', async () => {
    const kept = addWatched('kept');
    const before = rows(kept);
    for (const [table, n] of Object.entries(before)) expect(n, table).toBeGreaterThan(0);
    const changes: string[] = [];
    app.events.subscribe((m) => {
      if (m.event === 'profiles:changed') changes.push(`${m.payload.reason} ${m.payload.id}`);
    });

    expect(await call('profiles:delete', { id: kept, keepHistory: true })).toEqual({
      id: kept,
      archived: true,
    });
    expect(changes).toEqual([`archived ${kept}`]);
    expect(rows(kept)).toEqual(before);

    // Out of the live list (what the scheduler, the sidebar and the fleet read), in the archived one.
    expect((await call<Profile[]>('profiles:list', {})).map((p) => p.id)).not.toContain(kept);
    const [archived] = await call<Profile[]>('profiles:listArchived', {});
    expect(archived).toMatchObject({ id: kept, name: 'kept', archivedAt: new Date(T0).toISOString() });
    // Nor in the fleet overview (the start page) or the health overview.
    const fleet = await call<{ rows: Array<{ profileId: string }> }>('fleet:getOverview', {});
    expect(fleet.rows.map((r) => r.profileId)).not.toContain(kept);
    const health = await call<Array<{ profileId: string }>>('health:getOverview', {});
    expect(health.map((h) => h.profileId)).not.toContain(kept);
    // No secret kept: the stored password went, and a restored profile asks for it.
    expect(archived).toMatchObject({ hasStoredPassword: false, passwordMode: 'ask' });
    expect(reader.prepare('SELECT password_cipher FROM profiles WHERE id = ?').pluck().get(kept)).toBeNull();

    // Not watched: no connection is made for it, no schedule can be set.
    expect(() => app.profiles.credentials(kept)).toThrow(/archived/);
    expect(await dispatch('storage:sampleNow', { profileId: kept })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });

    // Its history reads offline: the chart's series and the CSV's samples.
    const series = await call<{ points: unknown[] }>('storage:getSeries', { profileId: kept, range: 'all' });
    expect(series.points.length).toBeGreaterThan(0);
    const csv = await call<{ readings: unknown[] }>('storage:listSamples', { profileId: kept, range: 'all' });
    expect(csv.readings).toHaveLength(12);

    // Its active alert ended (nobody watches it), and stays in its history.
    const alerts = await call<Array<{ resolution: string | null }>>('alerts:list', {
      profileId: kept,
      include: 'all',
    });
    expect(alerts.map((a) => a.resolution)).toEqual(['dismissed']);
    expect((await call<{ total: number }>('alerts:counts', {})).total).toBe(0);
  });

  it('a name taken by an archived server says so', async () => {
    const again = await dispatch('profiles:create', {
      name: 'kept',
      host: '127.0.0.1',
      port: 1,
      database: 'app',
      user: 'dba',
    });
    expect(again).toMatchObject({
      ok: false,
      error: { fields: { name: expect.stringMatching(/archived server/) } },
    });
  });

  it('restores it: watched again, its history as it was', async () => {
    const [archived] = await call<Profile[]>('profiles:listArchived', {});
    const before = rows(archived!.id);
    const restored = await call<Profile>('profiles:restore', { id: archived!.id });
    expect(restored.archivedAt).toBeUndefined();
    expect((await call<Profile[]>('profiles:list', {})).map((p) => p.name)).toContain('kept');
    expect(await call('profiles:listArchived', {})).toEqual([]);
    expect(rows(archived!.id)).toEqual(before);
    expect(await dispatch('profiles:restore', { id: archived!.id })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
  });

  it('deleted for good from the archive: every row goes, another profile’s stay', async () => {
    const gone = addWatched('gone');
    const other = addWatched('other');
    const others = rows(other);
    await call('profiles:delete', { id: gone, keepHistory: true });
    expect(await call('profiles:delete', { id: gone })).toEqual({ id: gone, archived: false });
    for (const [table, n] of Object.entries(rows(gone))) expect(n, table).toBe(0);
    expect(reader.prepare('SELECT count(*) FROM profiles WHERE id = ?').pluck().get(gone)).toBe(0);
    expect(rows(other)).toEqual(others);
  });
});
