import type { SchemaStep } from './schema-step';

/**
 * The Storage page's list, kept ready (issue 12: 50,000 relations). `latest_relations` holds every relation
 * of each profile's latest sample with the figures the table shows and, per growth window the page offers
 * (24 h, 7 d, 30 d, 90 d), the measured total the growth is computed from and when: what the live query
 * (relations-query.ts) computes per request, so any sort, filter or search is a scan of one small table,
 * never a baseline lookup per relation. It is built in the background after the history changes
 * (latest-relations.ts); `latest_relations_state` says whether it is complete: `changes` counts every
 * sample stored or removed (the triggers below, so no writer can forget it), and the rows are read only
 * while `built_changes` equals it. Until then the page reads the live query, slower but the same figures.
 * A file migrated from an earlier step gets a state "never built" for each profile with samples, so its
 * rows are built at the first start.
 */
export const step022LatestRelations: SchemaStep = {
  version: 22,
  name: 'latest relations',
  up: (db) => {
    db.exec(`
      CREATE TABLE latest_relations (
        profile_id               TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        id                       INTEGER NOT NULL REFERENCES relations(id) ON DELETE CASCADE,
        schema                   TEXT NOT NULL,
        name                     TEXT NOT NULL,
        -- lower(schema || '.' || name), what a search looks in
        search_key               TEXT NOT NULL,
        kind                     TEXT NOT NULL,
        parent_id                INTEGER,
        taken_at                 INTEGER NOT NULL,
        measured                 INTEGER NOT NULL,
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
        -- The growth baselines: base_bytes/base_at over 7 days (the table's column), the others for top growers.
        base_bytes               INTEGER,
        base_at                  INTEGER,
        base_24h_bytes           INTEGER,
        base_24h_at              INTEGER,
        base_30d_bytes           INTEGER,
        base_30d_at              INTEGER,
        base_90d_bytes           INTEGER,
        base_90d_at              INTEGER,
        PRIMARY KEY (profile_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX latest_relations_relation ON latest_relations (id);
      -- The list's first and last windows by size and by growth (desc) without sorting every row.
      CREATE INDEX latest_relations_total ON latest_relations (profile_id, total_bytes);
      CREATE INDEX latest_relations_growth ON latest_relations (profile_id, total_bytes - base_bytes);

      CREATE TABLE latest_relations_state (
        profile_id    TEXT PRIMARY KEY REFERENCES profiles(id) ON DELETE CASCADE,
        changes       INTEGER NOT NULL DEFAULT 0,
        built_changes INTEGER
      ) STRICT;

      INSERT INTO latest_relations_state (profile_id) SELECT DISTINCT profile_id FROM samples;

      CREATE TRIGGER samples_stored_change_latest AFTER INSERT ON samples BEGIN
        INSERT INTO latest_relations_state (profile_id) VALUES (NEW.profile_id)
          ON CONFLICT (profile_id) DO UPDATE SET changes = changes + 1;
      END;
      CREATE TRIGGER samples_removed_change_latest AFTER DELETE ON samples BEGIN
        UPDATE latest_relations_state SET changes = changes + 1 WHERE profile_id = OLD.profile_id;
      END;
    `);
  },
};
