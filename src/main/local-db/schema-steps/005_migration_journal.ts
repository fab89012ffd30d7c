import type { SchemaStep } from './schema-step';

/**
 * The migration wizard's journal. A migration row holds the plan and the state;
 * a step row is written before and after each step runs; events are the
 * append-only history (each copy batch before and after, each swap try).
 * A run that resumes reads where it stopped from here (and the copy's
 * high-water mark from the server, which commits it with the rows).
 */
export const step005MigrationJournal: SchemaStep = {
  version: 5,
  name: 'migration journal',
  up: (db) => {
    db.exec(`
      CREATE TABLE migrations (
        id              TEXT PRIMARY KEY,
        profile_id      TEXT NOT NULL,
        schema_name     TEXT NOT NULL,
        table_name      TEXT NOT NULL,
        time_column     TEXT NOT NULL,
        target          TEXT NOT NULL CHECK (target IN ('timescaledb', 'partitions')),
        state           TEXT NOT NULL CHECK (state IN ('planned', 'running', 'paused', 'ready_to_swap', 'swapped',
                          'failed', 'cancelling', 'cancelled', 'rolling_back', 'rolled_back', 'cleaning_up', 'cleaned_up')),
        spec_json       TEXT NOT NULL,
        plan_json       TEXT NOT NULL,
        progress_json   TEXT,
        swap_json       TEXT,
        validation_json TEXT,
        error_json      TEXT,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        swapped_at      TEXT,
        keep_until      TEXT,
        finished_at     TEXT
      ) STRICT;

      -- One migration at a time per table: a second plan for it is refused while one is open.
      CREATE UNIQUE INDEX migrations_one_open_per_table ON migrations (profile_id, schema_name, table_name)
        WHERE state NOT IN ('cancelled', 'rolled_back', 'cleaned_up');

      CREATE TABLE migration_steps (
        migration_id TEXT NOT NULL REFERENCES migrations (id) ON DELETE CASCADE,
        step_key     TEXT NOT NULL,
        ordinal      INTEGER NOT NULL,
        phase        TEXT NOT NULL CHECK (phase IN ('A', 'B', 'C', 'D')),
        title        TEXT NOT NULL,
        state        TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'skipped')),
        started_at   TEXT,
        ended_at     TEXT,
        error        TEXT,
        rows         INTEGER,
        high_water   TEXT,
        detail_json  TEXT,
        PRIMARY KEY (migration_id, step_key)
      ) STRICT;

      CREATE TABLE migration_events (
        id           INTEGER PRIMARY KEY,
        migration_id TEXT NOT NULL REFERENCES migrations (id) ON DELETE CASCADE,
        at           TEXT NOT NULL,
        kind         TEXT NOT NULL,
        step_key     TEXT,
        message      TEXT NOT NULL,
        data_json    TEXT
      ) STRICT;
      CREATE INDEX migration_events_by_migration ON migration_events (migration_id, id);
    `);
  },
};
