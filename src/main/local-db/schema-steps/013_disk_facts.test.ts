import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES } from '../../../shared/alerts';
import { schemaSteps } from '.';
import { step013DiskFacts } from './013_disk_facts';

/** A store at the step before 013, with a profile, rules of its own, a sample and an alert. */
function dbBefore013() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  for (const m of schemaSteps) if (m.version < 13) m.up(db);
  db.exec(`
    INSERT INTO profiles VALUES ('p','Prod','h',5432,'d','u','prefer',NULL,NULL,NULL,10,15000,2,'pgpass',NULL,'t','t',0);
    INSERT INTO alert_rules (profile_id, growth_warning_enabled, growth_warning_pct, growth_floor_bytes,
      relation_growth_enabled, relation_growth_pct, size_critical_enabled, size_critical_bytes, forecast_enabled,
      forecast_days, server_down_enabled, server_down_minutes, updated_at)
      VALUES ('p', 1, 15, 1073741824, 1, 20, 1, 53687091200, 1, 14, 1, 5, 1);
    INSERT INTO samples (id, profile_id, taken_at, duration_ms, database_name, database_bytes, relation_count)
      VALUES (1, 'p', 1000, 5, 'app', 8192, 0);
    INSERT INTO alerts (profile_id, kind, severity, subject_type, subject_name, relation_id, subject_key, message,
      raised_at, last_seen_at) VALUES ('p', 'server_down', 'critical', 'server', 'h:5432', NULL, 'server', 'Down.', 1, 2);
  `);
  return db;
}

const insertAlert = (kind: string, type: string, key: string) =>
  `INSERT INTO alerts (profile_id, kind, severity, subject_type, subject_name, relation_id, subject_key, message,
   raised_at, last_seen_at) VALUES ('p', '${kind}', 'warning', '${type}', 'x', NULL, '${key}', 'M.', 1, 1)`;

describe('migration 013: disk facts', () => {
  it('keeps alerts and rules, and gives stored rules the new defaults', () => {
    const db = dbBefore013();
    const before = db.prepare('SELECT * FROM alerts').all();
    step013DiskFacts.up(db);
    expect(db.prepare('SELECT * FROM alerts').all()).toEqual(before);
    expect(db.prepare('SELECT * FROM alert_rules').get()).toMatchObject({
      growth_warning_pct: 15,
      slot_retained_enabled: 1,
      slot_retained_bytes: DEFAULT_ALERT_RULES.slotRetainedBytes,
      wraparound_enabled: 1,
      wraparound_pct: DEFAULT_ALERT_RULES.wraparoundPct,
    });
    expect(() => db.exec('UPDATE alert_rules SET wraparound_pct = 101')).toThrow(/CHECK/);
    expect(() => db.exec('UPDATE alert_rules SET slot_retained_bytes = 0')).toThrow(/CHECK/);
  });

  it('takes slot_retention about a slot and wraparound about a database, one active each', () => {
    const db = dbBefore013();
    expect(() => db.exec(insertAlert('slot_retention', 'slot', 'slot:x'))).toThrow(/CHECK/);
    step013DiskFacts.up(db);
    db.exec(insertAlert('slot_retention', 'slot', 'slot:x'));
    expect(() => db.exec(insertAlert('slot_retention', 'slot', 'slot:x'))).toThrow(/UNIQUE/);
    expect(() => db.exec(insertAlert('slot_retention', 'server', 'server'))).toThrow(/CHECK/);
    expect(() => db.exec(insertAlert('wraparound', 'server', 'server'))).toThrow(/CHECK/);
    db.exec(insertAlert('wraparound', 'database', 'database:x'));
  });

  it('deletes a sample’s facts, slots and databases with the sample', () => {
    const db = dbBefore013();
    step013DiskFacts.up(db);
    db.exec(`
      INSERT INTO disk_fact_samples (sample_id, profile_id, taken_at, in_recovery, wal_bytes, wal_files,
        freeze_max_age, mxid_freeze_max_age, stats_reset, findings) VALUES (1, 'p', 1000, 0, 100, 1, 2, 4, NULL, '{}');
      INSERT INTO disk_fact_slots VALUES (1, 's', 'physical', NULL, 0, 'reserved', 5, NULL);
      INSERT INTO disk_fact_databases VALUES (1, 'app', 10, 0, 0, 0, NULL);
    `);
    expect(() =>
      db.exec(`INSERT INTO disk_fact_slots VALUES (1, 't', 'weird', NULL, 0, NULL, NULL, NULL)`),
    ).toThrow(/CHECK/);
    db.exec('DELETE FROM samples');
    for (const t of ['disk_fact_samples', 'disk_fact_slots', 'disk_fact_databases'])
      expect(db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()).toBe(0);
  });
});
