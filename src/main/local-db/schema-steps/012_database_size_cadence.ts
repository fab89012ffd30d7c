import type { SchemaStep } from './schema-step';

/**
 * The other databases of a server are sized on their own, slower cadence
 * (settings.database_size_every_minutes, default hourly); the samples in
 * between carry the last figure. sample_databases.sized_at says when a carried
 * figure was really taken (epoch ms); NULL = sized by the sample itself, which
 * is also what every row written before this step was.
 */
export const step012DatabaseSizeCadence: SchemaStep = {
  version: 12,
  name: 'database size cadence',
  up: (db) => {
    db.exec(`
      ALTER TABLE sample_databases ADD COLUMN sized_at INTEGER;
      ALTER TABLE settings ADD COLUMN database_size_every_minutes INTEGER NOT NULL DEFAULT 60
        CHECK (database_size_every_minutes BETWEEN 5 AND 1440);
    `);
  },
};
