import type { SchemaStep } from './schema-step';

/** App-wide settings (one typed row) and each profile's sampling schedule with its last run. */
export const step004SettingsAndSchedules: SchemaStep = {
  version: 4,
  name: 'settings and schedules',
  up: (db) => {
    db.exec(`
      CREATE TABLE settings (
        id                       INTEGER PRIMARY KEY CHECK (id = 1),
        sample_retention_days    INTEGER NOT NULL DEFAULT 90 CHECK (sample_retention_days BETWEEN 1 AND 3650),
        heartbeat_retention_days INTEGER NOT NULL DEFAULT 60 CHECK (heartbeat_retention_days BETWEEN 1 AND 3650)
      ) STRICT;
      INSERT INTO settings (id) VALUES (1);

      CREATE TABLE schedules (
        profile_id        TEXT PRIMARY KEY REFERENCES profiles(id) ON DELETE CASCADE,
        storage           TEXT NOT NULL DEFAULT 'daily 03:00' CHECK (length(trim(storage)) > 0),
        heartbeat_seconds INTEGER NOT NULL DEFAULT 60 CHECK (heartbeat_seconds BETWEEN 10 AND 3600),
        last_sample_at    INTEGER,
        last_sample_error TEXT,
        last_attempt_at   INTEGER
      ) STRICT;
    `);
  },
};
