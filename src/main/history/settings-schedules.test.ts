import { describe, expect, it } from 'vitest';
import { HOUR_MS, rig, T0 } from '../../../test/support/history-fixtures';
import { DEFAULT_ALERT_RULES } from '../../shared/alerts';
import { AppError } from '../errors';

describe('settings', () => {
  it('starts at 90 days of samples, 60 days of heartbeats, other databases hourly, and keeps what is saved', () => {
    const r = rig();
    const tiers = {
      tierFineMinutes: 15,
      tierFineDays: 7,
      tierHourlyDays: 30,
      theme: 'system',
      defaultSchedule: 'daily 03:00',
      defaultHeartbeatSeconds: 60,
      defaultRules: DEFAULT_ALERT_RULES,
      notifyDesktop: true,
      notifyMinSeverity: 'warning',
    };
    expect(r.history.settings.get()).toEqual({
      sampleRetentionDays: 90,
      heartbeatRetentionDays: 60,
      databaseSizeEveryMinutes: 60,
      slowDiskFactsEveryMinutes: 60,
      upkeepEveryMinutes: 60,
      ...tiers,
    });
    // Newer settings left out keep their value (callers that only know the retention).
    expect(r.history.settings.update({ sampleRetentionDays: 365, heartbeatRetentionDays: 14 })).toEqual({
      sampleRetentionDays: 365,
      heartbeatRetentionDays: 14,
      databaseSizeEveryMinutes: 60,
      slowDiskFactsEveryMinutes: 60,
      upkeepEveryMinutes: 60,
      ...tiers,
    });
    expect(
      r.history.settings.update({ sampleRetentionDays: 365, heartbeatRetentionDays: 14, tierFineDays: 3 }),
    ).toMatchObject({ tierFineMinutes: 15, tierFineDays: 3, tierHourlyDays: 30 });
    r.history.settings.update({
      sampleRetentionDays: 365,
      heartbeatRetentionDays: 14,
      databaseSizeEveryMinutes: 15,
    });
    r.history.settings.update({
      sampleRetentionDays: 365,
      heartbeatRetentionDays: 14,
      slowDiskFactsEveryMinutes: 240,
      upkeepEveryMinutes: 30,
    });
    r.history.settings.update({ sampleRetentionDays: 365, heartbeatRetentionDays: 14 });
    expect(r.history.settings.get().databaseSizeEveryMinutes).toBe(15);
    expect(r.history.settings.get().slowDiskFactsEveryMinutes).toBe(240);
    expect(r.history.settings.get().upkeepEveryMinutes).toBe(30);
    expect(r.history.settings.get().sampleRetentionDays).toBe(365);
    // The theme is saved on its own and kept by updates that leave it out.
    r.history.settings.update({ sampleRetentionDays: 365, heartbeatRetentionDays: 14, theme: 'dark' });
    r.history.settings.update({ sampleRetentionDays: 365, heartbeatRetentionDays: 14 });
    expect(r.history.settings.get().theme).toBe('dark');
    // Values the contract would refuse are refused here too, in case a caller skips it.
    expect(() => r.history.settings.update({ sampleRetentionDays: 0, heartbeatRetentionDays: 14 })).toThrow(
      /CHECK/,
    );
  });
});

describe('schedules', () => {
  it('gives a profile without a schedule the defaults, and stores a new one', () => {
    const r = rig();
    const p = r.addProfile('B');
    const q = r.addProfile('A');
    expect(r.history.scheduleOf(p)).toEqual({
      profileId: p,
      storage: 'daily 03:00',
      heartbeatSeconds: 60,
      lastSampleAt: null,
      lastSampleError: null,
      lastAttemptAt: null,
    });
    expect(r.count('schedules')).toBe(0);
    const set = r.history.schedules.set(p, { storage: ' every 15m ', heartbeatSeconds: 30 });
    expect(set).toMatchObject({ storage: 'every 15m', heartbeatSeconds: 30 });
    expect(r.history.schedules.list().map((s) => [s.profileId, s.storage])).toEqual([
      [q, 'daily 03:00'],
      [p, 'every 15m'],
    ]);
  });

  it('remembers the last attempt: an error until the next success, which keeps the schedule', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.schedules.set(p, { storage: 'every 2h', heartbeatSeconds: 60 });
    r.history.recordAttempt(p, { at: new Date(T0), ok: false, error: 'timeout' });
    expect(r.history.scheduleOf(p)).toMatchObject({
      storage: 'every 2h',
      lastSampleAt: null,
      lastSampleError: 'timeout',
      lastAttemptAt: new Date(T0),
    });
    r.history.recordAttempt(p, { at: new Date(T0 + HOUR_MS), ok: true, error: null });
    expect(r.history.scheduleOf(p)).toMatchObject({
      storage: 'every 2h',
      lastSampleAt: new Date(T0 + HOUR_MS),
      lastSampleError: null,
    });
  });

  it('says not_found for an unknown profile', () => {
    const r = rig();
    for (const call of [
      () => r.history.scheduleOf('nope'),
      () => r.history.schedules.set('nope', { storage: 'daily 03:00', heartbeatSeconds: 60 }),
      () => r.history.recordAttempt('nope', { at: new Date(T0), ok: false, error: 'x' }),
    ]) {
      expect(call).toThrow(AppError);
      try {
        call();
      } catch (err) {
        expect((err as AppError).code).toBe('not_found');
      }
    }
  });
});
