import type { SchemaStep } from './schema-step';

/**
 * The disk-full forecast: a rule "warn when the disk (the profile's disk
 * size) is full within N days" (default 14, on; it needs a disk size on the
 * profile) and its alert kind disk_full, about the server (the volume holds
 * every database). alerts is rebuilt as in step 013 (SQLite cannot change a
 * CHECK in place), keeping every row, kind and subject type.
 */
export const step016DiskFullAlert: SchemaStep = {
  version: 16,
  name: 'disk full alert',
  up: (db) => {
    db.exec(`
      ALTER TABLE alert_rules ADD COLUMN disk_full_enabled INTEGER NOT NULL DEFAULT 1
        CHECK (disk_full_enabled IN (0, 1));
      ALTER TABLE alert_rules ADD COLUMN disk_full_days INTEGER NOT NULL DEFAULT 14
        CHECK (disk_full_days BETWEEN 1 AND 3650);

      CREATE TABLE alerts_new (
        id             INTEGER PRIMARY KEY,
        profile_id     TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        kind           TEXT NOT NULL CHECK (kind IN ('growth_warning', 'relation_growth', 'size_critical',
                         'forecast_warning', 'server_down', 'relation_size', 'partition_upkeep',
                         'slot_retention', 'wraparound', 'disk_full')),
        severity       TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),
        subject_type   TEXT NOT NULL CHECK (subject_type IN ('database', 'relation', 'server', 'slot')),
        subject_name   TEXT NOT NULL,
        relation_id    INTEGER,
        subject_key    TEXT NOT NULL,
        message        TEXT NOT NULL CHECK (length(message) > 0),
        current_bytes  INTEGER,
        previous_bytes INTEGER,
        growth_pct     REAL,
        raised_at      INTEGER NOT NULL,
        last_seen_at   INTEGER NOT NULL CHECK (last_seen_at >= raised_at),
        acked_at       INTEGER,
        ack_until      INTEGER,
        resolved_at    INTEGER,
        resolution     TEXT CHECK (resolution IN ('dismissed', 'recovered', 'cleared')),
        CHECK ((resolved_at IS NULL) = (resolution IS NULL)),
        CHECK ((subject_type = 'relation' AND kind <> 'partition_upkeep') = (relation_id IS NOT NULL)),
        CHECK (kind <> 'partition_upkeep' OR subject_type = 'relation'),
        CHECK ((kind = 'slot_retention') = (subject_type = 'slot')),
        CHECK (kind <> 'wraparound' OR subject_type = 'database'),
        CHECK (kind <> 'disk_full' OR subject_type = 'server'),
        CHECK (ack_until IS NULL OR acked_at IS NOT NULL)
      ) STRICT;
      INSERT INTO alerts_new (id, profile_id, kind, severity, subject_type, subject_name, relation_id, subject_key,
        message, current_bytes, previous_bytes, growth_pct, raised_at, last_seen_at, acked_at, ack_until,
        resolved_at, resolution)
      SELECT id, profile_id, kind, severity, subject_type, subject_name, relation_id, subject_key,
        message, current_bytes, previous_bytes, growth_pct, raised_at, last_seen_at, acked_at, ack_until,
        resolved_at, resolution
      FROM alerts;
      DROP TABLE alerts;
      ALTER TABLE alerts_new RENAME TO alerts;
      CREATE UNIQUE INDEX alerts_one_active ON alerts (profile_id, kind, subject_key) WHERE resolved_at IS NULL;
      CREATE INDEX alerts_profile_raised ON alerts (profile_id, raised_at);
      CREATE INDEX alerts_active ON alerts (profile_id, severity) WHERE resolved_at IS NULL;
    `);
  },
};
