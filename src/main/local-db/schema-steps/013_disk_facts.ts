import type { SchemaStep } from './schema-step';

/**
 * What else fills the disk, per storage sample: one row of scalars (pg_wal,
 * freeze thresholds, the stats reset) with the bounded finding lists as JSON
 * (oldest tables, bloat, index findings, tablespaces, gaps: read whole, top N
 * each), and one row per replication slot and per database (the figures
 * history, alerts and the fleet read). Deleted with their sample.
 *
 * Rules: an inactive slot retaining more than N bytes (default 10 GiB) and an
 * XID or multixact age above N % of wraparound (default 50 %), with their
 * alert kinds slot_retention (about a slot) and wraparound (about a
 * database). alerts is rebuilt (SQLite cannot change a CHECK in place),
 * keeping every row.
 */
export const step013DiskFacts: SchemaStep = {
  version: 13,
  name: 'disk facts',
  up: (db) => {
    db.exec(`
      CREATE TABLE disk_fact_samples (
        sample_id           INTEGER PRIMARY KEY REFERENCES samples(id) ON DELETE CASCADE,
        profile_id          TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        taken_at            INTEGER NOT NULL,
        in_recovery         INTEGER NOT NULL CHECK (in_recovery IN (0, 1)),
        wal_bytes           INTEGER CHECK (wal_bytes >= 0),
        wal_files           INTEGER CHECK (wal_files >= 0),
        freeze_max_age      INTEGER NOT NULL,
        mxid_freeze_max_age INTEGER NOT NULL,
        stats_reset         INTEGER,
        findings            TEXT NOT NULL CHECK (json_valid(findings)),
        CHECK ((wal_bytes IS NULL) = (wal_files IS NULL))
      ) STRICT;
      CREATE INDEX disk_fact_samples_profile ON disk_fact_samples (profile_id, taken_at);

      CREATE TABLE disk_fact_slots (
        sample_id      INTEGER NOT NULL REFERENCES disk_fact_samples(sample_id) ON DELETE CASCADE,
        name           TEXT NOT NULL,
        kind           TEXT NOT NULL CHECK (kind IN ('physical', 'logical')),
        database       TEXT,
        active         INTEGER NOT NULL CHECK (active IN (0, 1)),
        wal_status     TEXT,
        retained_bytes INTEGER,
        inactive_since INTEGER,
        PRIMARY KEY (sample_id, name)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE disk_fact_databases (
        sample_id   INTEGER NOT NULL REFERENCES disk_fact_samples(sample_id) ON DELETE CASCADE,
        name        TEXT NOT NULL,
        xid_age     INTEGER NOT NULL,
        mxid_age    INTEGER NOT NULL,
        temp_bytes  INTEGER,
        temp_files  INTEGER,
        stats_reset INTEGER,
        PRIMARY KEY (sample_id, name)
      ) STRICT, WITHOUT ROWID;

      ALTER TABLE alert_rules ADD COLUMN slot_retained_enabled INTEGER NOT NULL DEFAULT 1
        CHECK (slot_retained_enabled IN (0, 1));
      ALTER TABLE alert_rules ADD COLUMN slot_retained_bytes INTEGER NOT NULL DEFAULT 10737418240
        CHECK (slot_retained_bytes > 0);
      ALTER TABLE alert_rules ADD COLUMN wraparound_enabled INTEGER NOT NULL DEFAULT 1
        CHECK (wraparound_enabled IN (0, 1));
      ALTER TABLE alert_rules ADD COLUMN wraparound_pct REAL NOT NULL DEFAULT 50
        CHECK (wraparound_pct > 0 AND wraparound_pct <= 100);

      CREATE TABLE alerts_new (
        id             INTEGER PRIMARY KEY,
        profile_id     TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        kind           TEXT NOT NULL CHECK (kind IN ('growth_warning', 'relation_growth', 'size_critical',
                         'forecast_warning', 'server_down', 'relation_size', 'partition_upkeep',
                         'slot_retention', 'wraparound')),
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
