import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES } from '../../shared/alerts';
import type { Result } from '../../shared/result';
import type { DataFolder, Settings } from '../../shared/storage';
import { createTidemark, type Tidemark } from '../app';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';

let app: Tidemark;
let dataDir: string;
const dispatch = (channel: string, request: unknown) => app.router.dispatch(channel, request);
async function call<T>(channel: string, request: unknown): Promise<T> {
  const r = (await dispatch(channel, request)) as Result<T>;
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value;
}
const addProfile = async (name: string) =>
  (
    await call<{ id: string }>('profiles:create', {
      name,
      host: '127.0.0.1',
      port: 1,
      database: 'app',
      user: 'dba',
    })
  ).id;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tidemark-defaults-'));
  app = await createTidemark({ dataDir, mode: 'browser', secretStore: new KeyFileSecretStore(dataDir) });
});
afterAll(() => app?.close());

describe('Settings: what new profiles start with', () => {
  it('gives a new profile the default schedule, heartbeat and rules; existing profiles keep theirs', async () => {
    const before = await addProfile('before');
    const settings = await call<Settings>('settings:set', {
      sampleRetentionDays: 90,
      heartbeatRetentionDays: 60,
      defaultSchedule: 'every 15m',
      defaultHeartbeatSeconds: 30,
      defaultRules: { ...DEFAULT_ALERT_RULES, growthWarningPct: 35, serverDownEnabled: false },
    });
    expect(settings).toMatchObject({ defaultSchedule: 'every 15m', defaultHeartbeatSeconds: 30 });
    expect(settings.defaultRules.growthWarningPct).toBe(35);

    const after = await addProfile('after');
    expect(await call('schedule:get', { profileId: after })).toMatchObject({
      storage: 'every 15m',
      heartbeatSeconds: 30,
    });
    expect(await call('rules:get', { profileId: after })).toMatchObject({
      rules: { growthWarningPct: 35, serverDownEnabled: false },
      isDefault: true,
    });
    expect(await call('schedule:get', { profileId: before })).toMatchObject({
      storage: 'daily 03:00',
      heartbeatSeconds: 60,
    });
    expect(await call('rules:get', { profileId: before })).toMatchObject({
      rules: { growthWarningPct: 20, serverDownEnabled: true },
      isDefault: false,
    });

    // A later change of the defaults leaves the profile made earlier as it was.
    await call('settings:set', {
      sampleRetentionDays: 90,
      heartbeatRetentionDays: 60,
      defaultSchedule: 'hourly',
    });
    expect(await call('schedule:get', { profileId: after })).toMatchObject({ storage: 'every 15m' });
  });

  it('resets a profile’s rules to the defaults of the moment', async () => {
    const id = await addProfile('to reset');
    await call('rules:set', { profileIds: [id], rules: { ...DEFAULT_ALERT_RULES, growthWarningPct: 80 } });
    const [reset] = await call<Array<{ rules: { growthWarningPct: number }; isDefault: boolean }>>(
      'rules:reset',
      {
        profileIds: [id],
      },
    );
    expect(reset).toMatchObject({ rules: { growthWarningPct: 35 }, isDefault: true });
  });

  it('refuses a default schedule or heartbeat that cannot be meant, on its field, and keeps the stored ones', async () => {
    const bad = await dispatch('settings:set', {
      sampleRetentionDays: 90,
      heartbeatRetentionDays: 60,
      defaultSchedule: 'twice a day',
    });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', fields: { defaultSchedule: expect.stringMatching(/"twice a day"/) } },
    });
    const tooFast = await dispatch('settings:set', {
      sampleRetentionDays: 90,
      heartbeatRetentionDays: 60,
      defaultHeartbeatSeconds: 2,
    });
    expect(tooFast).toMatchObject({
      ok: false,
      error: { fields: { defaultHeartbeatSeconds: 'The heartbeat interval must be at least 10 seconds.' } },
    });
    const badRules = await dispatch('settings:set', {
      sampleRetentionDays: 90,
      heartbeatRetentionDays: 60,
      defaultRules: { ...DEFAULT_ALERT_RULES, growthWarningPct: -5 },
    });
    expect(badRules).toMatchObject({
      ok: false,
      error: { fields: { 'defaultRules.growthWarningPct': expect.any(String) } },
    });
    expect(await call('settings:get', {})).toMatchObject({
      defaultSchedule: 'hourly',
      defaultHeartbeatSeconds: 30,
    });
  });
});

describe('Settings: the data folder', () => {
  it('says where it is and the size of the history file, its WAL, the logs and the demo cluster, each', async () => {
    const folder = await call<DataFolder>('settings:getDataFolder', {});
    expect(folder.path).toBe(dataDir);
    expect(folder.databaseBytes).toBeGreaterThan(0);
    expect(folder.walBytes).toBeGreaterThan(0);
    expect(folder.demo).toBeNull();

    // A demo cluster on disk, as the demo server leaves it (its state file and files), is counted on its own.
    const { location } = await call<{ location: string }>('demo:getStatus', {});
    mkdirSync(join(location, 'data'), { recursive: true });
    writeFileSync(join(location, 'data', 'PG_VERSION'), 'x'.repeat(3000));
    writeFileSync(join(dataDir, 'demo.json'), JSON.stringify({ port: 1, password: 'p', profileId: null }));
    const withDemo = await call<DataFolder>('settings:getDataFolder', {});
    expect(withDemo.demo).toEqual({ path: location, inDataFolder: expect.any(Boolean), bytes: 3000 });
    rmSync(location, { recursive: true, force: true });
  });
});
