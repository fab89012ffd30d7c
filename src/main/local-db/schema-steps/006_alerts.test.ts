import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { step001Profiles } from './001_profiles';
import { step006Alerts } from './006_alerts';

function freshDb() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  step001Profiles.up(db);
  step006Alerts.up(db);
  db.exec(
    `INSERT INTO profiles VALUES ('p','Prod','h',5432,'d','u','prefer',NULL,NULL,NULL,10,15000,2,'pgpass',NULL,'t','t')`,
  );
  return db;
}

const rules = {
  profile_id: 'p',
  growth_warning_enabled: 1,
  growth_warning_pct: 20,
  growth_floor_bytes: 1024 ** 3,
  relation_growth_enabled: 1,
  relation_growth_pct: 20,
  size_critical_enabled: 1,
  size_critical_bytes: 50 * 1024 ** 3,
  forecast_enabled: 1,
  forecast_days: 14,
  server_down_enabled: 1,
  server_down_minutes: 5,
  updated_at: 1,
};
const insertRules = `INSERT INTO alert_rules VALUES (@profile_id, @growth_warning_enabled, @growth_warning_pct,
  @growth_floor_bytes, @relation_growth_enabled, @relation_growth_pct, @size_critical_enabled, @size_critical_bytes,
  @forecast_enabled, @forecast_days, @server_down_enabled, @server_down_minutes, @updated_at)`;

const alert = {
  profile_id: 'p',
  kind: 'growth_warning',
  severity: 'warning',
  subject_type: 'database',
  subject_name: 'app',
  relation_id: null,
  subject_key: 'database:app',
  message: 'Database app grew 34.2 % in 24 h.',
  raised_at: 1000,
  resolved_at: null,
  resolution: null,
};
const insertAlert = `INSERT INTO alerts (profile_id, kind, severity, subject_type, subject_name, relation_id,
  subject_key, message, raised_at, resolved_at, resolution)
  VALUES (@profile_id, @kind, @severity, @subject_type, @subject_name, @relation_id, @subject_key, @message,
  @raised_at, @resolved_at, @resolution)`;

describe('migration 006: alerts', () => {
  it('stores one rules row per profile and refuses what the rules schema refuses', () => {
    const db = freshDb();
    db.prepare(insertRules).run(rules);
    expect(() => db.prepare(insertRules).run(rules)).toThrow(/UNIQUE|PRIMARY/);
    db.exec('DELETE FROM alert_rules');
    expect(() => db.prepare(insertRules).run({ ...rules, growth_warning_pct: 0 })).toThrow(/CHECK/);
    expect(() => db.prepare(insertRules).run({ ...rules, growth_floor_bytes: -1 })).toThrow(/CHECK/);
    expect(() => db.prepare(insertRules).run({ ...rules, growth_floor_bytes: 60 * 1024 ** 3 })).toThrow(
      /CHECK/,
    );
    expect(() => db.prepare(insertRules).run({ ...rules, server_down_minutes: 0 })).toThrow(/CHECK/);
    expect(() => db.prepare(insertRules).run({ ...rules, forecast_enabled: 2 })).toThrow(/CHECK/);
    expect(() => db.prepare(insertRules).run({ ...rules, size_critical_bytes: '50 GB' })).toThrow(
      /cannot store TEXT/,
    );
    expect(() => db.prepare(insertRules).run({ ...rules, profile_id: 'nobody' })).toThrow(/FOREIGN KEY/);
  });

  it('allows one active alert per profile, kind and subject, any number of resolved ones', () => {
    const db = freshDb();
    db.prepare(insertAlert).run(alert);
    expect(() => db.prepare(insertAlert).run({ ...alert, raised_at: 2000 })).toThrow(/UNIQUE/);
    // Another kind, or another subject, is another alert.
    db.prepare(insertAlert).run({ ...alert, kind: 'size_critical', severity: 'critical' });
    db.prepare(insertAlert).run({
      ...alert,
      kind: 'relation_growth',
      subject_type: 'relation',
      subject_name: 'public.orders',
      relation_id: 42,
      subject_key: 'relation:42',
    });
    db.exec(`UPDATE alerts SET resolved_at = 3000, resolution = 'dismissed' WHERE kind = 'growth_warning'`);
    db.prepare(insertAlert).run({ ...alert, raised_at: 4000 });
    db.exec(`UPDATE alerts SET resolved_at = 5000, resolution = 'dismissed' WHERE raised_at = 4000`);
    db.prepare(insertAlert).run({ ...alert, raised_at: 6000 });
    expect(db.prepare(`SELECT count(*) FROM alerts WHERE kind = 'growth_warning'`).pluck().get()).toBe(3);
  });

  it('refuses half-resolved alerts, unknown kinds, a relation without its id, and goes with the profile', () => {
    const db = freshDb();
    expect(() => db.prepare(insertAlert).run({ ...alert, resolved_at: 2000 })).toThrow(/CHECK/);
    expect(() => db.prepare(insertAlert).run({ ...alert, resolution: 'dismissed' })).toThrow(/CHECK/);
    expect(() => db.prepare(insertAlert).run({ ...alert, resolved_at: 2000, resolution: 'ignored' })).toThrow(
      /CHECK/,
    );
    expect(() => db.prepare(insertAlert).run({ ...alert, kind: 'disk_full' })).toThrow(/CHECK/);
    expect(() => db.prepare(insertAlert).run({ ...alert, severity: 'info' })).toThrow(/CHECK/);
    expect(() => db.prepare(insertAlert).run({ ...alert, subject_type: 'relation' })).toThrow(/CHECK/);
    db.prepare(insertAlert).run(alert);
    db.prepare(insertRules).run(rules);
    db.exec("DELETE FROM profiles WHERE id = 'p'");
    expect(db.prepare('SELECT count(*) FROM alerts').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM alert_rules').pluck().get()).toBe(0);
  });
});
