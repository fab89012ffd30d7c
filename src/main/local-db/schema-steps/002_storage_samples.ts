import type { SchemaStep } from './schema-step';

/**
 * Storage samples. Times are epoch milliseconds (INTEGER). A relation is a row
 * of a per-profile dimension table, so each per-sample size row is a handful of
 * small integers keyed for (relation, time) range scans.
 */
export const step002StorageSamples: SchemaStep = {
  version: 2,
  name: 'storage samples',
  up: (db) => {
    db.exec(`
      CREATE TABLE samples (
        id             INTEGER PRIMARY KEY,
        profile_id     TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        taken_at       INTEGER NOT NULL,
        duration_ms    INTEGER NOT NULL CHECK (duration_ms >= 0),
        database_name  TEXT NOT NULL,
        database_bytes INTEGER NOT NULL CHECK (database_bytes >= 0),
        gaps           TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(gaps) AND json_type(gaps) = 'array'),
        relation_count INTEGER NOT NULL CHECK (relation_count >= 0)
      ) STRICT;
      -- Latest sample, samples around a time, the database chart, retention. One sample per profile and instant.
      CREATE UNIQUE INDEX samples_profile_time ON samples (profile_id, taken_at);

      CREATE TABLE sample_databases (
        sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
        name      TEXT NOT NULL,
        bytes     INTEGER NOT NULL CHECK (bytes >= 0),
        PRIMARY KEY (sample_id, name)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE relations (
        id         INTEGER PRIMARY KEY,
        profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        schema     TEXT NOT NULL,
        name       TEXT NOT NULL,
        kind       TEXT NOT NULL
                   CHECK (kind IN ('table', 'partitioned', 'hypertable', 'matview', 'partition', 'chunk')),
        parent_id  INTEGER REFERENCES relations(id) ON DELETE SET NULL,
        UNIQUE (profile_id, schema, name)
      ) STRICT;
      CREATE INDEX relations_parent ON relations (parent_id);

      CREATE TABLE relation_sizes (
        relation_id              INTEGER NOT NULL REFERENCES relations(id) ON DELETE CASCADE,
        taken_at                 INTEGER NOT NULL,
        sample_id                INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
        measured                 INTEGER NOT NULL CHECK (measured IN (0, 1)),
        not_measured             TEXT,
        heap_bytes               INTEGER,
        toast_bytes              INTEGER,
        index_bytes              INTEGER,
        total_bytes              INTEGER,
        row_estimate             INTEGER,
        dead_tuples              INTEGER,
        last_vacuum              INTEGER,
        last_analyze             INTEGER,
        children                 INTEGER,
        compressed_children      INTEGER,
        before_compression_bytes INTEGER,
        after_compression_bytes  INTEGER,
        PRIMARY KEY (relation_id, taken_at),
        -- "Not measured this time" is its own state: no sizes, never zero.
        CHECK (measured = 1 OR total_bytes IS NULL)
      ) STRICT, WITHOUT ROWID;
      -- The rows of one sample (overview, retention, cascades).
      CREATE INDEX relation_sizes_sample ON relation_sizes (sample_id);
    `);
  },
};
