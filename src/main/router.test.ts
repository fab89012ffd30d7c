import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { channelNames } from '../shared/contract';
import { createTidemark } from './app';
import { KeyFileSecretStore } from './secrets/key-file-secret-store';

async function app() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-router-'));
  return createTidemark({ dataDir, mode: 'browser', secretStore: new KeyFileSecretStore(dataDir) });
}

const profile = { name: 'Prod', host: 'db1', port: 5432, database: 'app', user: 'dba' };

describe('router', () => {
  it('has a handler for every channel of the contract', async () => {
    const t = await app();
    for (const channel of channelNames) {
      const result = await t.router.dispatch(channel, undefined);
      // Whatever the answer, it is an envelope and never "Unknown request".
      if (!result.ok) expect(result.error.message).not.toMatch(/Unknown request/);
    }
    await t.close();
  });

  it('never sends a password back, whatever the handler returns', async () => {
    const t = await app();
    const created = await t.router.dispatch('profiles:create', {
      ...profile,
      passwordMode: 'store',
      password: 'hunter2-xyz',
    });
    const listed = await t.router.dispatch('profiles:list', {});
    const dup = await t.router.dispatch('profiles:duplicate', {
      id: (created as { value: { id: string } }).value.id,
    });
    for (const r of [created, listed, dup]) {
      expect(r.ok).toBe(true);
      expect(JSON.stringify(r)).not.toContain('hunter2-xyz');
    }
    await t.close();
  });

  it('turns invalid input into field errors that name the form field', async () => {
    const t = await app();
    const created = await t.router.dispatch('profiles:create', profile);
    const id = (created as { value: { id: string } }).value.id;
    const r = await t.router.dispatch('profiles:update', {
      id,
      input: { ...profile, port: 'abc', host: ' ' },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_input');
    expect(r.error.fields).toMatchObject({
      port: 'The port must be a number.',
      host: expect.stringMatching(/host/),
    });
    // Nothing stored was lost.
    const get = await t.router.dispatch('profiles:get', { id });
    expect(get).toMatchObject({ ok: true, value: { host: 'db1', port: 5432 } });
    await t.close();
  });

  it('takes numbers only: true or "30" for a number is refused, and nothing is changed', async () => {
    const t = await app();
    const before = await t.router.dispatch('settings:get', {});
    const refused = await t.router.dispatch('settings:set', {
      sampleRetentionDays: true,
      heartbeatRetentionDays: '30',
    });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        fields: {
          sampleRetentionDays: 'Sample retention must be a number of days.',
          heartbeatRetentionDays: 'Heartbeat retention must be a number of days.',
        },
      },
    });
    expect(await t.router.dispatch('settings:get', {})).toEqual(before);

    const created = await t.router.dispatch('profiles:create', { ...profile, port: '5432' });
    expect(created).toMatchObject({ ok: false, error: { fields: { port: 'The port must be a number.' } } });
    const ok = await t.router.dispatch('profiles:create', profile);
    const id = (ok as { value: { id: string } }).value.id;
    const schedule = await t.router.dispatch('schedule:set', {
      profileId: id,
      schedule: { storage: 'every 15m', heartbeatSeconds: '60' },
    });
    expect(schedule).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const rules = await t.router.dispatch('rules:get', { profileId: id });
    const current = (rules as { value: { rules: Record<string, unknown> } }).value.rules;
    const refusedRules = await t.router.dispatch('rules:set', {
      profileIds: [id],
      rules: { ...current, forecastDays: true },
    });
    expect(refusedRules).toMatchObject({
      ok: false,
      error: { fields: { 'rules.forecastDays': 'Forecast days must be a number.' } },
    });
    await t.close();
  });

  it('answers an unknown profile with not_found, not a stack trace', async () => {
    const t = await app();
    const r = await t.router.dispatch('profiles:get', { id: 'nope' });
    expect(r).toEqual({
      ok: false,
      error: { code: 'not_found', message: expect.stringMatching(/no longer exists/) },
    });
    await t.close();
  });
});
