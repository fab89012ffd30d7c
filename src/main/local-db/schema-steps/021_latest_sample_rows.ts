import type { SchemaStep } from './schema-step';

/**
 * The Storage page reads the latest sample of a profile in windows sorted by size (issue 12: 50,000
 * relations). No run reaches past the latest sample, so its rows are runs whose last sample it is, and
 * each is its relation's newest run (`is_newest`): a partial index on (last_at, total_bytes) of the newest
 * runs finds them already in size order, and a window of the first screen reads only its own rows. Only
 * newest runs are in it (about one entry per relation), so moving their entries as every sample extends
 * them leaves no trail of half-empty index pages behind. `top_level_count` is how many relations the list
 * holds in all, counted when the sample is written (null for samples written before this step, except
 * each profile's latest).
 */
export const step021LatestSampleRows: SchemaStep = {
  version: 21,
  name: 'latest sample rows',
  up: (db) => {
    db.exec(`
      ALTER TABLE relation_runs ADD COLUMN is_newest INTEGER CHECK (is_newest = 1);
      UPDATE relation_runs SET is_newest = 1
      WHERE from_at = (SELECT max(x.from_at) FROM relation_runs x WHERE x.relation_id = relation_runs.relation_id);
      CREATE INDEX relation_runs_last ON relation_runs (last_at, total_bytes) WHERE is_newest = 1;
      ALTER TABLE samples ADD COLUMN top_level_count INTEGER CHECK (top_level_count >= 0);
      UPDATE samples SET top_level_count = (
        SELECT count(*) FROM relation_runs x JOIN relations r ON r.id = x.relation_id
        WHERE x.last_at = samples.taken_at AND x.is_newest = 1 AND r.profile_id = samples.profile_id
          AND r.parent_id IS NULL AND r.kind NOT IN ('partition', 'chunk'))
      WHERE id IN (SELECT (SELECT s.id FROM samples s WHERE s.profile_id = p.id ORDER BY s.taken_at DESC LIMIT 1)
                   FROM profiles p);
    `);
  },
};
