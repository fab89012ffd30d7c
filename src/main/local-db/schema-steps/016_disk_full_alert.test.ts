import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { schemaSteps } from '.';
import { step016DiskFullAlert } from './016_disk_full_alert';

/** A store at step 015, with a profile, rules of its own and one alert of every subject type. */
function dbBefore016() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  for (const m of schemaSteps) if (m.version < 14) m.up(db);
  db.exec(
    `INSERT INTO profiles VALUES ('p','Prod','h',5432,'d','u','prefer',NULL,NULL,NULL,10,15000,2,'pgpass',NULL,'t','t',0)`,
  );
  for (const m of schemaSteps) if (m.version >= 14 && m.version < 16) m.up(db);
  db.exec(`
    INSERT INTO alert_rules (profile_id, growth_warning_enabled, growth_warning_pct, growth_floor_bytes,
      relation_growth_enabled, relation_growth_pct, size_critical_enabled, size_critical_bytes, forecast_enabled,
      forecast_days, server_down_enabled, server_down_minutes, updated_at)
      VALUES ('p', 1, 15, 1073741824, 1, 20, 1, 53687091200, 1, 14, 1, 5, 1);
    INSERT INTO alerts (profile_id, kind, severity, subject_type, subject_name, relation_id, subject_key, message,
      raised_at, last_seen_at, acked_at, ack_until, resolved_at, resolution) VALUES
      ('p', 'server_down', 'critical', 'server', 'h:5432', NULL, 'server', 'Down.', 1, 2, 2, 9, 3, 'recovered'),
      ('p', 'slot_retention', 'warning', 'slot', 's1', NULL, 'slot:s1', 'Slot.', 1, 1, NULL, NULL, NULL, NULL),
      ('p', 'wraparound', 'critical', 'database', 'app', NULL, 'database:app', 'Age.', 1, 1, NULL, NULL, NULL, NULL),
      ('p', 'relation_growth', 'warning', 'relation', 'public.t', 7, 'relation:7', 'Grew.', 1, 1, NULL, NULL, NULL, NULL),
      ('p', 'partition_upkeep', 'warning', 'relation', 'public.o', NULL, 'table:public.o', 'Up.', 1, 1, NULL, NULL, NULL, NULL);
  `);
  return db;
}

const insertAlert = (kind: string, type: string, key: string) =>
  `INSERT INTO alerts (profile_id, kind, severity, subject_type, subject_name, relation_id, subject_key, message,
   raised_at, last_seen_at) VALUES ('p', '${kind}', 'warning', '${type}', 'x', NULL, '${key}', 'M.', 1, 1)`;

describe('migration 016: disk full alert', () => {
  it('keeps every alert and rule, and gives stored rules the disk-full defaults (on, 14 days)', () => {
    const db = dbBefore016();
    const before = db.prepare('SELECT * FROM alerts ORDER BY id').all();
    const rules = db.prepare('SELECT * FROM alert_rules').get() as Record<string, unknown>;
    step016DiskFullAlert.up(db);
    expect(db.prepare('SELECT * FROM alerts ORDER BY id').all()).toEqual(before);
    expect(db.prepare('SELECT * FROM alert_rules').get()).toEqual({
      ...rules,
      disk_full_enabled: 1,
      disk_full_days: 14,
    });
    expect(() => db.exec('UPDATE alert_rules SET disk_full_days = 0')).toThrow(/CHECK/);
    expect(() => db.exec('UPDATE alert_rules SET disk_full_enabled = 2')).toThrow(/CHECK/);
  });

  it('takes disk_full about the server only, one active per profile, and still every older kind', () => {
    const db = dbBefore016();
    expect(() => db.exec(insertAlert('disk_full', 'server', 'server'))).toThrow(/CHECK/);
    step016DiskFullAlert.up(db);
    db.exec(insertAlert('disk_full', 'server', 'server'));
    expect(() => db.exec(insertAlert('disk_full', 'server', 'server'))).toThrow(/UNIQUE/);
    expect(() => db.exec(insertAlert('disk_full', 'database', 'database:x'))).toThrow(/CHECK/);
    db.exec(insertAlert('forecast_warning', 'database', 'database:x'));
    db.exec(insertAlert('slot_retention', 'slot', 'slot:y'));
    expect(() => db.exec(insertAlert('slot_retention', 'server', 'server'))).toThrow(/CHECK/);
    // The profile's alerts still go with it.
    db.exec("DELETE FROM profiles WHERE id = 'p'");
    expect(db.prepare('SELECT count(*) FROM alerts').pluck().get()).toBe(0);
  });
});
