import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { schemaSteps } from './index';

describe('migration 018: defaults for new profiles, notification preferences, archived profiles', () => {
  it('keeps stored settings and profiles, fills the defaults and refuses what cannot be meant', () => {
    const db = new Database(':memory:');
    for (const m of schemaSteps.filter((m) => m.version < 18)) m.up(db);
    db.exec(`UPDATE settings SET sample_retention_days = 30, theme = 'dark'`);
    db.exec(`INSERT INTO profiles (id, name, host, port, database, user_name, sslmode, connect_timeout_sec,
               statement_timeout_ms, pool_size, password_mode, created_at, updated_at)
             VALUES ('p1', 'app', 'localhost', 5432, 'app', 'dba', 'prefer', 10, 15000, 2, 'pgpass', 'x', 'x')`);

    schemaSteps.find((m) => m.version === 18)!.up(db);
    expect(db.prepare('SELECT * FROM settings').get()).toMatchObject({
      sample_retention_days: 30,
      theme: 'dark',
      default_schedule: 'daily 03:00',
      default_heartbeat_seconds: 60,
      default_alert_rules: null,
      notify_desktop: 1,
      notify_min_severity: 'warning',
    });
    expect(db.prepare('SELECT name, archived_at FROM profiles').get()).toEqual({
      name: 'app',
      archived_at: null,
    });
    expect(() => db.exec('UPDATE settings SET default_heartbeat_seconds = 5')).toThrow(/CHECK/);
    expect(() => db.exec(`UPDATE settings SET notify_min_severity = 'info'`)).toThrow(/CHECK/);
    expect(() => db.exec(`UPDATE settings SET default_alert_rules = '{oops'`)).toThrow(/CHECK/);
    expect(() => db.exec(`UPDATE settings SET default_schedule = '  '`)).toThrow(/CHECK/);
  });
});
