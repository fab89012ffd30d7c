import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { step001Profiles } from './001_profiles';
import { step006Alerts } from './006_alerts';
import { step007AlertStateAndWebhooks } from './007_alert_state_and_webhooks';

function dbAt006() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  step001Profiles.up(db);
  step006Alerts.up(db);
  db.exec(
    `INSERT INTO profiles VALUES ('p','Prod','h',5432,'d','u','prefer',NULL,NULL,NULL,10,15000,2,'pgpass',NULL,'t','t')`,
  );
  return db;
}

const insert006 = `INSERT INTO alerts (profile_id, kind, severity, subject_type, subject_name, relation_id,
  subject_key, message, raised_at, resolved_at, resolution)
  VALUES ('p', 'size_critical', 'critical', 'database', 'app', NULL, 'database:app', 'Database app is big.',
  @raised_at, @resolved_at, @resolution)`;

const insertAlert = `INSERT INTO alerts (profile_id, kind, severity, subject_type, subject_name, relation_id,
  subject_key, message, raised_at, last_seen_at, acked_at, ack_until, resolved_at, resolution)
  VALUES ('p', @kind, 'warning', 'relation', 'public.orders', 42, 'relation:42', 'Table public.orders is big.',
  1000, @last_seen_at, @acked_at, @ack_until, @resolved_at, @resolution)`;
const alert = {
  kind: 'relation_size',
  last_seen_at: 1000,
  acked_at: null,
  ack_until: null,
  resolved_at: null,
  resolution: null,
};

describe('migration 007: alert state and webhooks', () => {
  it('keeps every alert of 006, last seen when it was raised and not acknowledged', () => {
    const db = dbAt006();
    db.prepare(insert006).run({ raised_at: 1000, resolved_at: 2000, resolution: 'dismissed' });
    db.prepare(insert006).run({ raised_at: 3000, resolved_at: null, resolution: null });
    step007AlertStateAndWebhooks.up(db);
    expect(
      db.prepare('SELECT id, raised_at, last_seen_at, acked_at, resolution FROM alerts ORDER BY id').all(),
    ).toEqual([
      { id: 1, raised_at: 1000, last_seen_at: 1000, acked_at: null, resolution: 'dismissed' },
      { id: 2, raised_at: 3000, last_seen_at: 3000, acked_at: null, resolution: null },
    ]);
    // Still one active alert per kind and subject.
    expect(() =>
      db.exec(`INSERT INTO alerts (profile_id, kind, severity, subject_type, subject_name, subject_key, message,
        raised_at, last_seen_at) VALUES ('p', 'size_critical', 'critical', 'database', 'app', 'database:app',
        'again', 4000, 4000)`),
    ).toThrow(/UNIQUE/);
  });

  it('takes the relation size kind and the cleared resolution; a snooze needs an acknowledgement', () => {
    const db = dbAt006();
    step007AlertStateAndWebhooks.up(db);
    db.prepare(insertAlert).run({ ...alert, resolved_at: 5000, resolution: 'cleared' });
    db.prepare(insertAlert).run({ ...alert, acked_at: 1500, ack_until: 9000 });
    expect(() => db.prepare(insertAlert).run({ ...alert, kind: 'relation_growth', ack_until: 9000 })).toThrow(
      /CHECK/,
    );
    expect(() =>
      db.prepare(insertAlert).run({ ...alert, kind: 'relation_growth', last_seen_at: 999 }),
    ).toThrow(/CHECK/);
    expect(() => db.prepare(insertAlert).run({ ...alert, kind: 'disk_full' })).toThrow(/CHECK/);
  });

  it('stores per-relation rules and webhooks, and refuses what makes no sense', () => {
    const db = dbAt006();
    step007AlertStateAndWebhooks.up(db);
    const rule = db.prepare(`INSERT INTO relation_alert_rules VALUES ('p', 'public', 'orders', @muted, @size,
      @pct, 1)`);
    rule.run({ muted: 0, size: 1024, pct: null });
    expect(() => rule.run({ muted: 1, size: null, pct: null })).toThrow(/PRIMARY KEY|UNIQUE/);
    db.exec('DELETE FROM relation_alert_rules');
    expect(() => rule.run({ muted: 0, size: 0, pct: null })).toThrow(/CHECK/);
    expect(() => rule.run({ muted: 0, size: null, pct: 0 })).toThrow(/CHECK/);
    expect(() => rule.run({ muted: 2, size: null, pct: null })).toThrow(/CHECK/);

    const hook = db.prepare(`INSERT INTO webhooks (url_cipher, url_shown, format, created_at, last_error,
      last_error_at) VALUES (x'00', 'https://hooks.example.com/…', @format, 1, @error, @errorAt)`);
    hook.run({ format: 'slack', error: null, errorAt: null });
    expect(() => hook.run({ format: 'xml', error: null, errorAt: null })).toThrow(/CHECK/);
    expect(() => hook.run({ format: 'json', error: 'HTTP 500', errorAt: null })).toThrow(/CHECK/);

    rule.run({ muted: 1, size: null, pct: null });
    db.exec("DELETE FROM profiles WHERE id = 'p'");
    expect(db.prepare('SELECT count(*) FROM relation_alert_rules').pluck().get()).toBe(0);
  });
});
