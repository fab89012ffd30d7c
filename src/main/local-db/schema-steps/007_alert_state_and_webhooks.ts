import type { SchemaStep } from './schema-step';

/**
 * Alerts that stay true, and that reach the team.
 *
 * alerts is rebuilt (SQLite cannot change a CHECK in place) to add:
 * - last_seen_at: the last evaluation at which the condition still held; the
 *   figures and message are those of that evaluation.
 * - acked_at / ack_until: acknowledged by the DBA. ack_until NULL means "quiet
 *   until the condition clears", otherwise a snooze that ends at ack_until.
 * - the kind relation_size (a per-relation size rule) and the resolution
 *   'cleared' (the condition no longer held). 'dismissed' stays for the rows
 *   of earlier versions, where Dismiss resolved the alert.
 *
 * relation_alert_rules: per-relation overrides of the profile's rules, keyed by
 * name so a rule can be set before the relation is first sampled.
 *
 * webhooks: where alerts are posted. The URL is a secret (it carries the
 * token): stored encrypted by the secret store, with a redacted form to show.
 */
export const step007AlertStateAndWebhooks: SchemaStep = {
  version: 7,
  name: 'alert state and webhooks',
  up: (db) => {
    db.exec(`
      CREATE TABLE alerts_new (
        id             INTEGER PRIMARY KEY,
        profile_id     TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        kind           TEXT NOT NULL CHECK (kind IN ('growth_warning', 'relation_growth', 'size_critical',
                         'forecast_warning', 'server_down', 'relation_size')),
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
        CHECK ((subject_type = 'relation') = (relation_id IS NOT NULL)),
        CHECK (ack_until IS NULL OR acked_at IS NOT NULL)
      ) STRICT;
      INSERT INTO alerts_new (id, profile_id, kind, severity, subject_type, subject_name, relation_id, subject_key,
        message, current_bytes, previous_bytes, growth_pct, raised_at, last_seen_at, resolved_at, resolution)
      SELECT id, profile_id, kind, severity, subject_type, subject_name, relation_id, subject_key,
        message, current_bytes, previous_bytes, growth_pct, raised_at, raised_at, resolved_at, resolution
      FROM alerts;
      DROP TABLE alerts;
      ALTER TABLE alerts_new RENAME TO alerts;
      -- One active alert per profile, kind and subject.
      CREATE UNIQUE INDEX alerts_one_active ON alerts (profile_id, kind, subject_key) WHERE resolved_at IS NULL;
      -- A profile's alerts newest first (lists, retention); counts of the active ones.
      CREATE INDEX alerts_profile_raised ON alerts (profile_id, raised_at);
      CREATE INDEX alerts_active ON alerts (profile_id, severity) WHERE resolved_at IS NULL;

      CREATE TABLE relation_alert_rules (
        profile_id       TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        schema           TEXT NOT NULL,
        name             TEXT NOT NULL,
        muted            INTEGER NOT NULL CHECK (muted IN (0, 1)),
        size_above_bytes INTEGER CHECK (size_above_bytes > 0),
        growth_above_pct REAL CHECK (growth_above_pct > 0 AND growth_above_pct <= 100000),
        updated_at       INTEGER NOT NULL,
        PRIMARY KEY (profile_id, schema, name)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE webhooks (
        id                INTEGER PRIMARY KEY,
        url_cipher        BLOB NOT NULL,
        url_shown         TEXT NOT NULL,
        format            TEXT NOT NULL CHECK (format IN ('slack', 'json')),
        created_at        INTEGER NOT NULL,
        last_attempt_at   INTEGER,
        last_delivered_at INTEGER,
        -- The last delivery that failed after all its retries; cleared by the next one delivered.
        last_error        TEXT,
        last_error_at     INTEGER,
        CHECK ((last_error IS NULL) = (last_error_at IS NULL))
      ) STRICT;
    `);
  },
};
