import type { SchemaStep } from './schema-step';

/**
 * Dead tuples and vacuum/analyze times (the upkeep figures, stored apart in
 * relation_upkeep since step 011) are read on their own cadence
 * (settings.upkeep_every_minutes, default hourly). A sample that did not read
 * them stores none and records in samples.upkeep_at when the figures it carries
 * were read; NULL: read with that sample (every sample stored before this step).
 */
export const step023UpkeepCadence: SchemaStep = {
  version: 23,
  name: 'upkeep cadence',
  up: (db) => {
    db.exec(`
      ALTER TABLE settings ADD COLUMN upkeep_every_minutes INTEGER NOT NULL DEFAULT 60
        CHECK (upkeep_every_minutes BETWEEN 5 AND 1440);
      ALTER TABLE samples ADD COLUMN upkeep_at INTEGER;
    `);
  },
};
