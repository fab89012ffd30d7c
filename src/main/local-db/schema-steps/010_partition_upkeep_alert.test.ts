import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { step001Profiles } from './001_profiles';
import { step006Alerts } from './006_alerts';
import { step007AlertStateAndWebhooks } from './007_alert_state_and_webhooks';
import { step010PartitionUpkeepAlert } from './010_partition_upkeep_alert';

function dbAt007() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  step001Profiles.up(db);
  step006Alerts.up(db);
  step007AlertStateAndWebhooks.up(db);
  db.exec(
    `INSERT INTO profiles VALUES ('p','Prod','h',5432,'d','u','prefer',NULL,NULL,NULL,10,15000,2,'pgpass',NULL,'t','t')`,
  );
  return db;
}

const insertAlert = `INSERT INTO alerts (profile_id, kind, severity, subject_type, subject_name, relation_id,
  subject_key, message, raised_at, last_seen_at, acked_at, ack_until, resolved_at, resolution)
  VALUES ('p', @kind, 'warning', @subject_type, 'public.orders', @relation_id, @subject_key, 'A message.',
  1000, @last_seen_at, @acked_at, @ack_until, @resolved_at, @resolution)`;
const alert = {
  kind: 'relation_size',
  subject_type: 'relation',
  relation_id: 42,
  subject_key: 'relation:42',
  last_seen_at: 1000,
  acked_at: null,
  ack_until: null,
  resolved_at: null,
  resolution: null,
};
const upkeep = { ...alert, kind: 'partition_upkeep', relation_id: null, subject_key: 'table:public.orders' };

describe('migration 010: partition upkeep alert', () => {
  it('keeps every alert of 007 with its state', () => {
    const db = dbAt007();
    db.prepare(insertAlert).run({ ...alert, last_seen_at: 2000, resolved_at: 5000, resolution: 'cleared' });
    db.prepare(insertAlert).run({ ...alert, last_seen_at: 3000, acked_at: 1500, ack_until: 9000 });
    const before = db.prepare('SELECT * FROM alerts ORDER BY id').all();
    step010PartitionUpkeepAlert.up(db);
    expect(db.prepare('SELECT * FROM alerts ORDER BY id').all()).toEqual(before);
    // Still one active alert per kind and subject.
    expect(() => db.prepare(insertAlert).run(alert)).toThrow(/UNIQUE/);
  });

  it('takes partition_upkeep about a relation known by name, and keeps relation ids for the other kinds', () => {
    const db = dbAt007();
    expect(() => db.prepare(insertAlert).run(upkeep)).toThrow(/CHECK/);
    step010PartitionUpkeepAlert.up(db);
    db.prepare(insertAlert).run(upkeep);
    expect(() => db.prepare(insertAlert).run(upkeep)).toThrow(/UNIQUE/);
    expect(() => db.prepare(insertAlert).run({ ...upkeep, subject_key: 'x', relation_id: 7 })).toThrow(
      /CHECK/,
    );
    expect(() =>
      db.prepare(insertAlert).run({ ...upkeep, subject_key: 'y', subject_type: 'database' }),
    ).toThrow(/CHECK/);
    expect(() => db.prepare(insertAlert).run({ ...alert, relation_id: null })).toThrow(/CHECK/);
    db.exec("DELETE FROM profiles WHERE id = 'p'");
    expect(db.prepare('SELECT count(*) FROM alerts').pluck().get()).toBe(0);
  });
});
