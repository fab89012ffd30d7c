import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertRig, growTo, HOUR_MS, MiB, startRig } from '../../../test/support/alerts-rig';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { type Alert, DEFAULT_ALERT_RULES, type ProfileRules } from '../../shared/alerts';
import { formatBytes } from '../../shared/bytes';
import type { StorageOverview } from '../../shared/storage';

/*
 * Rules per profile: defaults until set, the same rules for several profiles
 * in one go, refused as a whole when any value is wrong, back to the defaults
 * on reset — and an edit applies from the very next sample.
 */

let db: TestDatabase;
let admin: pg.Client;
let rig: AlertRig;
let a: string;
let b: string;

beforeAll(async () => {
  db = await createTestDatabase('alert rules edit');
  admin = await db.admin();
  await admin.query('CREATE TABLE events (body text)');
  rig = await startRig('2026-05-04T00:00:00Z');
  a = rig.addProfile(db.profile({ name: 'alpha', password: db.password }));
  b = rig.addProfile(db.profile({ name: 'beta', password: db.password }));
});

afterAll(async () => {
  await rig?.close();
  await db?.cleanup();
});

const rulesOf = (profileId: string) => rig.call<ProfileRules>('rules:get', { profileId });
const GiB = 1024 ** 3;

describe('alert rules', () => {
  it('a profile with nothing stored uses the defaults', async () => {
    expect(await rulesOf(a)).toEqual({ profileId: a, rules: DEFAULT_ALERT_RULES, isDefault: true });
    expect(await rig.dispatch('rules:get', { profileId: 'nobody' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('sets the same rules for several profiles at once', async () => {
    const rules = { ...DEFAULT_ALERT_RULES, growthWarningPct: 35, sizeCriticalBytes: 200 * GiB };
    const set = await rig.call<ProfileRules[]>('rules:set', { profileIds: [a, b], rules });
    expect(set).toEqual([
      { profileId: a, rules, isDefault: false },
      { profileId: b, rules, isDefault: false },
    ]);
    expect(await rulesOf(b)).toEqual({ profileId: b, rules, isDefault: false });
  });

  it('refuses invalid thresholds with a message naming the field, and changes nothing', async () => {
    const before = [await rulesOf(a), await rulesOf(b)];
    const refused = async (changes: Record<string, unknown>, field: string, message: RegExp) => {
      const result = await rig.dispatch('rules:set', {
        profileIds: [a, b],
        rules: { ...DEFAULT_ALERT_RULES, ...changes },
      });
      expect(result.ok, JSON.stringify(changes)).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('invalid_input');
      expect(result.error.fields?.[`rules.${field}`]).toMatch(message);
      expect(result.error.message).toMatch(message);
    };
    await refused({ growthFloorBytes: -1 }, 'growthFloorBytes', /^The size floor cannot be negative\.$/);
    await refused({ sizeCriticalBytes: -5 }, 'sizeCriticalBytes', /Critical size cannot be negative/);
    await refused(
      { growthWarningPct: 'lots' },
      'growthWarningPct',
      /^Growth warning must be a number \(percent\)\.$/,
    );
    await refused({ growthWarningPct: 0 }, 'growthWarningPct', /must be above 0 %/);
    await refused({ rateMinSamples: 2 }, 'rateMinSamples', /^A rate needs at least 3 samples/);
    await refused({ rateWindowHours: 0 }, 'rateWindowHours', /^The rate window must be at least 1 hour\.$/);
    await refused({ growthWindowHours: 1000 }, 'growthWindowHours', /at most 720 hours/);
    await refused({ growthPerDayBytes: 0 }, 'growthPerDayBytes', /^Growth a day must be above 0\.$/);
    await refused({ serverDownMinutes: 'five' }, 'serverDownMinutes', /Server-down minutes must be a number/);
    await refused({ forecastDays: 0 }, 'forecastDays', /at least 1/);
    await refused(
      { growthFloorBytes: 60 * GiB, sizeCriticalBytes: 50 * GiB },
      'growthFloorBytes',
      /^The size floor must be below the critical size/,
    );
    // An unknown profile among known ones: not_found, and the known ones keep their rules.
    const unknown = await rig.dispatch('rules:set', {
      profileIds: [a, 'nobody'],
      rules: DEFAULT_ALERT_RULES,
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect([await rulesOf(a), await rulesOf(b)]).toEqual(before);
  });

  it('resets several profiles to the defaults', async () => {
    const reset = await rig.call<ProfileRules[]>('rules:reset', { profileIds: [a, b] });
    expect(reset.map((r) => r.isDefault)).toEqual([true, true]);
    expect(await rulesOf(a)).toEqual({ profileId: a, rules: DEFAULT_ALERT_RULES, isDefault: true });
  });

  it('an edited threshold applies from the next sample; growth compares with one growth window ago', async () => {
    await growTo(admin, 'events', 2 * MiB);
    const rules = {
      growthFloorBytes: 1 * MiB,
      growthWindowHours: 6,
      relationGrowthEnabled: false,
      forecastEnabled: false,
    };
    await rig.setRules([a], { ...rules, growthWarningPct: 60 });
    const dbBytes = async () =>
      (await rig.call<StorageOverview>('storage:getOverview', { profileId: a })).latest!.databaseBytes;
    await rig.sample(a);

    // ~10 % in the 6 h window: below 60 %.
    await growTo(admin, 'events', (await dbBytes()) * 1.1, 'database');
    rig.clock.advance(6 * HOUR_MS);
    await rig.sample(a);
    expect(await rig.alerts(a)).toEqual([]);

    // Lowered to 8 %: nothing is raised by the edit itself...
    await rig.setRules([a], { ...rules, growthWarningPct: 8 });
    expect(await rig.alerts(a)).toEqual([]);

    // ...and the next sample, with the same pace of growth, is judged by it: against the sample 6 h
    // before, not scaled to a day.
    const prev = await dbBytes();
    await growTo(admin, 'events', prev * 1.1, 'database');
    rig.clock.advance(6 * HOUR_MS);
    await rig.sample(a);
    const alerts = await rig.alerts(a);
    expect(alerts.map((x) => x.kind)).toEqual(['growth_warning']);
    const alert = alerts[0] as Alert;
    const cur = await dbBytes();
    const pct = ((cur - prev) / prev) * 100;
    expect(alert.growthPct).toBeCloseTo(pct, 6);
    expect(pct).toBeGreaterThan(8);
    expect(alert.message).toBe(
      `Database ${db.name} grew ${pct.toFixed(1)} % in 6 h (from ${formatBytes(prev)} to ${formatBytes(cur)}), above the 8 % growth warning.`,
    );
    // beta kept the defaults: the same database, no alert for it (never sampled, and 50 GiB away).
    expect(await rig.alerts(b)).toEqual([]);
  });
});
