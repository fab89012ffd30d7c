import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES } from '../../shared/alerts';
import { createTidemark, type Tidemark } from '../app';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';

let app: Tidemark;
let profileId: string;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-storage-handlers-'));
  app = await createTidemark({ dataDir, mode: 'browser', secretStore: new KeyFileSecretStore(dataDir) });
  const created = await app.router.dispatch('profiles:create', {
    name: 'db1',
    host: '127.0.0.1',
    port: 1,
    database: 'app',
    user: 'dba',
  });
  profileId = (created as { value: { id: string } }).value.id;
});
afterAll(() => app?.close());

const call = (channel: string, request: unknown) => app.router.dispatch(channel, request);

describe('storage channels refuse bad input with a clear message', () => {
  it('names an unknown profile', async () => {
    for (const channel of ['storage:getOverview', 'storage:sampleNow', 'schedule:get', 'health:getProfile']) {
      const r = await call(channel, { profileId: 'nope', range: '24h' });
      expect(r, channel).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
  });

  it('names a relation that does not exist', async () => {
    for (const channel of ['storage:getSeries', 'storage:listSamples']) {
      const r = await call(channel, { profileId, relationId: 424242, range: '7d' });
      expect(r, channel).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
  });

  it('exports no readings, not an error, for a profile never sampled', async () => {
    const r = await call('storage:listSamples', { profileId, range: 'all' });
    expect(r).toMatchObject({ ok: true, value: { readings: [] } });
  });

  it('refuses an unknown chart range', async () => {
    const r = await call('storage:getSeries', { profileId, range: '2w' });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/24h, 7d/) },
    });
  });

  it('refuses a schedule that does not parse, and keeps the one stored', async () => {
    const before = await call('schedule:get', { profileId });
    expect(before).toMatchObject({ ok: true, value: { storage: 'daily 03:00', heartbeatSeconds: 60 } });
    const r = await call('schedule:set', {
      profileId,
      schedule: { storage: 'twice a day', heartbeatSeconds: 60 },
    });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', fields: { 'schedule.storage': expect.any(String) } },
    });
    const tooFast = await call('schedule:set', {
      profileId,
      schedule: { storage: 'every 5m', heartbeatSeconds: 1 },
    });
    expect(tooFast).toMatchObject({
      ok: false,
      error: { fields: { 'schedule.heartbeatSeconds': expect.stringMatching(/at least 10/) } },
    });
    expect(await call('schedule:get', { profileId })).toEqual(before);

    const ok = await call('schedule:set', {
      profileId,
      schedule: { storage: 'every 15m', heartbeatSeconds: 30 },
    });
    expect(ok).toMatchObject({ ok: true, value: { storage: 'every 15m', heartbeatSeconds: 30 } });
  });

  it('refuses retention settings that are not whole days', async () => {
    const r = await call('settings:set', { sampleRetentionDays: -1, heartbeatRetentionDays: 'x' });
    expect(r).toMatchObject({
      ok: false,
      error: {
        fields: { sampleRetentionDays: expect.any(String), heartbeatRetentionDays: expect.any(String) },
      },
    });
    expect(await call('settings:get', {})).toEqual({
      ok: true,
      value: {
        sampleRetentionDays: 90,
        heartbeatRetentionDays: 60,
        databaseSizeEveryMinutes: 60,
        slowDiskFactsEveryMinutes: 60,
        upkeepEveryMinutes: 60,
        tierFineMinutes: 15,
        tierFineDays: 7,
        tierHourlyDays: 30,
        theme: 'system',
        defaultSchedule: 'daily 03:00',
        defaultHeartbeatSeconds: 60,
        defaultRules: DEFAULT_ALERT_RULES,
        notifyDesktop: true,
        notifyMinSeverity: 'warning',
      },
    });
    const tooOften = await call('settings:set', {
      sampleRetentionDays: 90,
      heartbeatRetentionDays: 60,
      databaseSizeEveryMinutes: 1,
      slowDiskFactsEveryMinutes: 2,
      upkeepEveryMinutes: 1441,
    });
    expect(tooOften).toMatchObject({
      ok: false,
      error: {
        fields: {
          databaseSizeEveryMinutes: expect.any(String),
          slowDiskFactsEveryMinutes: expect.any(String),
          upkeepEveryMinutes: expect.any(String),
        },
      },
    });
  });

  it('reports a sample of an unreachable server as a failure the Storage page can show', async () => {
    const r = await call('storage:sampleNow', { profileId });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'connection_failed', message: expect.stringMatching(/refused/i) },
    });
    const overview = await call('storage:getOverview', { profileId });
    expect(overview).toMatchObject({
      ok: true,
      value: { latest: null, status: { lastSampleError: expect.stringMatching(/refused/i) } },
    });
  });
});
