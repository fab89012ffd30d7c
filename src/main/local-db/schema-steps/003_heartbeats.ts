import type { SchemaStep } from './schema-step';

/**
 * Heartbeats, seed 004 option 3: a current-state row per profile for the fast
 * "up or down now" lookup, and a history row per beat, written together.
 */
export const step003Heartbeats: SchemaStep = {
  version: 3,
  name: 'heartbeats',
  up: (db) => {
    db.exec(`
      CREATE TABLE heartbeat_current (
        profile_id    TEXT PRIMARY KEY REFERENCES profiles(id) ON DELETE CASCADE,
        state         TEXT NOT NULL CHECK (state IN ('up', 'down')),
        since         INTEGER NOT NULL,
        last_check_at INTEGER NOT NULL,
        latency_ms    INTEGER,
        message       TEXT
      ) STRICT;

      CREATE TABLE heartbeat_history (
        profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        at         INTEGER NOT NULL,
        ok         INTEGER NOT NULL CHECK (ok IN (0, 1)),
        latency_ms INTEGER,
        message    TEXT,
        PRIMARY KEY (profile_id, at)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
