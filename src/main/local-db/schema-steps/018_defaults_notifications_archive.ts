import type { SchemaStep } from './schema-step';

/**
 * Settings for new profiles (their schedule, heartbeat and alert rules), notification preferences, and
 * archived profiles: a profile deleted with "keep history" stays as a row with `archived_at` set, no
 * secrets, no timers, so its samples and alerts keep their foreign keys and stay readable.
 * `default_alert_rules` is JSON validated by alertRulesSchema on the way in; NULL means the built-in rules.
 */
export const step018DefaultsNotificationsArchive: SchemaStep = {
  version: 18,
  name: 'defaults, notifications and archived profiles',
  up: (db) => {
    db.exec(`
      ALTER TABLE settings ADD COLUMN default_schedule TEXT NOT NULL DEFAULT 'daily 03:00'
        CHECK (length(trim(default_schedule)) > 0);
      ALTER TABLE settings ADD COLUMN default_heartbeat_seconds INTEGER NOT NULL DEFAULT 60
        CHECK (default_heartbeat_seconds BETWEEN 10 AND 3600);
      ALTER TABLE settings ADD COLUMN default_alert_rules TEXT CHECK (json_valid(default_alert_rules));
      ALTER TABLE settings ADD COLUMN notify_desktop INTEGER NOT NULL DEFAULT 1 CHECK (notify_desktop IN (0, 1));
      ALTER TABLE settings ADD COLUMN notify_min_severity TEXT NOT NULL DEFAULT 'warning'
        CHECK (notify_min_severity IN ('warning', 'critical'));
      ALTER TABLE profiles ADD COLUMN archived_at TEXT;
    `);
  },
};
