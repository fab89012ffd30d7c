import type { SchemaStep } from './schema-step';

/**
 * Alert rules per profile (a profile without a row uses DEFAULT_ALERT_RULES)
 * and the alerts themselves. Times are epoch milliseconds, as in 002/003.
 *
 * An alert's subject_key names what it is about within its profile
 * ('database:app', 'relation:42', 'server'): at most one ACTIVE alert per
 * profile, kind and subject, enforced here so no race can raise a duplicate.
 * relation_id has no foreign key on purpose: retention may delete a relation
 * row that an old alert still names.
 */
export const step006Alerts: SchemaStep = {
  version: 6,
  name: 'alerts',
  up: (db) => {
    db.exec(`
      CREATE TABLE alert_rules (
        profile_id              TEXT PRIMARY KEY REFERENCES profiles(id) ON DELETE CASCADE,
        growth_warning_enabled  INTEGER NOT NULL CHECK (growth_warning_enabled IN (0, 1)),
        growth_warning_pct      REAL NOT NULL CHECK (growth_warning_pct > 0 AND growth_warning_pct <= 100000),
        growth_floor_bytes      INTEGER NOT NULL CHECK (growth_floor_bytes >= 0),
        relation_growth_enabled INTEGER NOT NULL CHECK (relation_growth_enabled IN (0, 1)),
        relation_growth_pct     REAL NOT NULL CHECK (relation_growth_pct > 0 AND relation_growth_pct <= 100000),
        size_critical_enabled   INTEGER NOT NULL CHECK (size_critical_enabled IN (0, 1)),
        size_critical_bytes     INTEGER NOT NULL CHECK (size_critical_bytes > 0),
        forecast_enabled        INTEGER NOT NULL CHECK (forecast_enabled IN (0, 1)),
        forecast_days           INTEGER NOT NULL CHECK (forecast_days BETWEEN 1 AND 3650),
        server_down_enabled     INTEGER NOT NULL CHECK (server_down_enabled IN (0, 1)),
        server_down_minutes     INTEGER NOT NULL CHECK (server_down_minutes BETWEEN 1 AND 1440),
        updated_at              INTEGER NOT NULL,
        -- A floor at or above the critical size would let no growth alert fire before the critical one.
        CHECK (growth_floor_bytes < size_critical_bytes)
      ) STRICT;

      CREATE TABLE alerts (
        id             INTEGER PRIMARY KEY,
        profile_id     TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        kind           TEXT NOT NULL CHECK (kind IN ('growth_warning', 'relation_growth', 'size_critical',
                         'forecast_warning', 'server_down')),
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
        resolved_at    INTEGER,
        resolution     TEXT CHECK (resolution IN ('dismissed', 'recovered')),
        CHECK ((resolved_at IS NULL) = (resolution IS NULL)),
        CHECK ((subject_type = 'relation') = (relation_id IS NOT NULL))
      ) STRICT;
      -- One active alert per profile, kind and subject.
      CREATE UNIQUE INDEX alerts_one_active ON alerts (profile_id, kind, subject_key) WHERE resolved_at IS NULL;
      -- A profile's alerts newest first (lists, retention); counts of the active ones.
      CREATE INDEX alerts_profile_raised ON alerts (profile_id, raised_at);
      CREATE INDEX alerts_active ON alerts (profile_id, severity) WHERE resolved_at IS NULL;
    `);
  },
};
