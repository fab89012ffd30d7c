import type { SchemaStep } from './schema-step';

/**
 * The costly disk facts (bloat estimate, index findings, tablespaces) are read
 * on their own, slower cadence (settings.slow_disk_facts_every_minutes,
 * default hourly); the samples in between carry the last reading, which says
 * when it was measured (in disk_fact_samples.findings, so no column there).
 */
export const step020SlowDiskFactsCadence: SchemaStep = {
  version: 20,
  name: 'slow disk facts cadence',
  up: (db) => {
    db.exec(`
      ALTER TABLE settings ADD COLUMN slow_disk_facts_every_minutes INTEGER NOT NULL DEFAULT 60
        CHECK (slow_disk_facts_every_minutes BETWEEN 5 AND 1440);
    `);
  },
};
