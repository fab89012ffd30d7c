import type { SchemaStep } from './schema-step';

/**
 * The alert kind partition_upkeep: rows in a table's DEFAULT partition, or
 * fewer partitions left ahead than upkeep should keep. Its subject is a
 * relation known by name (upkeep may run before the table was ever sampled),
 * so relation_id is only required of the other relation kinds.
 *
 * alerts is rebuilt (SQLite cannot change a CHECK in place), keeping every row.
 */
export const step010PartitionUpkeepAlert: SchemaStep = {
  version: 10,
  name: 'partition upkeep alert',
  up: (db) => {
    db.exec(`
      CREATE TABLE alerts_new (
        id             INTEGER PRIMARY KEY,
        profile_id     TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        kind           TEXT NOT NULL CHECK (kind IN ('growth_warning', 'relation_growth', 'size_critical',
                         'forecast_warning', 'server_down', 'relation_size', 'partition_upkeep')),
        severity       TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),
        subject_type   TEXT NOT NULL CHECK (subject_type IN ('database', 'relation', 'server')),
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
      -- One active alert per profile, kind and subject.
      CREATE UNIQUE INDEX alerts_one_active ON alerts (profile_id, kind, subject_key) WHERE resolved_at IS NULL;
      -- A profile's alerts newest first (lists, retention); counts of the active ones.
      CREATE INDEX alerts_profile_raised ON alerts (profile_id, raised_at);
      CREATE INDEX alerts_active ON alerts (profile_id, severity) WHERE resolved_at IS NULL;
    `);
  },
};
