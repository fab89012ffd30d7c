import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { step004SettingsAndSchedules } from './004_settings_and_schedules';
import { step020SlowDiskFactsCadence } from './020_slow_disk_facts_cadence';

describe('migration 020: slow disk facts cadence', () => {
  it('keeps the settings row and adds an hourly cadence for the costly disk facts, from 5 minutes to a day', () => {
    const db = new Database(':memory:');
    step004SettingsAndSchedules.up(db);
    db.exec('UPDATE settings SET sample_retention_days = 30');

    step020SlowDiskFactsCadence.up(db);
    expect(
      db
        .prepare('SELECT sample_retention_days AS days, slow_disk_facts_every_minutes AS m FROM settings')
        .get(),
    ).toEqual({ days: 30, m: 60 });
    expect(() => db.exec('UPDATE settings SET slow_disk_facts_every_minutes = 4')).toThrow(/CHECK/);
    expect(() => db.exec('UPDATE settings SET slow_disk_facts_every_minutes = 1441')).toThrow(/CHECK/);
    db.exec('UPDATE settings SET slow_disk_facts_every_minutes = 1440');
  });
});
