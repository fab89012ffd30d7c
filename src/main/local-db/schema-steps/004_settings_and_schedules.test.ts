import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { step001Profiles } from './001_profiles';
import { step004SettingsAndSchedules } from './004_settings_and_schedules';

function freshDb() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  step001Profiles.up(db);
  step004SettingsAndSchedules.up(db);
  db.exec(
    `INSERT INTO profiles VALUES ('p','Prod','h',5432,'d','u','prefer',NULL,NULL,NULL,10,15000,2,'pgpass',NULL,'t','t')`,
  );
  return db;
}

describe('migration 004: settings and schedules', () => {
  it('starts with one settings row: 90 days of samples, 60 of heartbeats, and no second row', () => {
    const db = freshDb();
    expect(db.prepare('SELECT * FROM settings').all()).toEqual([
      { id: 1, sample_retention_days: 90, heartbeat_retention_days: 60 },
    ]);
    expect(() => db.exec('INSERT INTO settings (id) VALUES (2)')).toThrow(/CHECK/);
    expect(() => db.exec('UPDATE settings SET sample_retention_days = 0')).toThrow(/CHECK/);
  });

  it('gives a schedule row the defaults (daily 03:00, 60 s) and removes it with the profile', () => {
    const db = freshDb();
    db.exec(`INSERT INTO schedules (profile_id) VALUES ('p')`);
    expect(db.prepare('SELECT storage, heartbeat_seconds, last_sample_at FROM schedules').get()).toEqual({
      storage: 'daily 03:00',
      heartbeat_seconds: 60,
      last_sample_at: null,
    });
    expect(() => db.exec(`UPDATE schedules SET heartbeat_seconds = 5`)).toThrow(/CHECK/);
    expect(() => db.exec(`UPDATE schedules SET storage = '  '`)).toThrow(/CHECK/);
    db.exec("DELETE FROM profiles WHERE id = 'p'");
    expect(db.prepare('SELECT count(*) FROM schedules').pluck().get()).toBe(0);
  });
});
