import type { SchemaStep } from './schema-step';

/**
 * The fleet overview's profile facts: tags to filter and fold the fleet by
 * (a JSON array of strings), and the size of the server's data volume as the
 * DBA gives it (null = not given), for a "disk full around" date.
 */
export const step014FleetTagsAndDisk: SchemaStep = {
  version: 14,
  name: 'fleet tags and disk size',
  up: (db) => {
    db.exec(`
      ALTER TABLE profiles ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'
        CHECK (json_valid(tags) AND json_type(tags) = 'array');
      ALTER TABLE profiles ADD COLUMN disk_bytes INTEGER CHECK (disk_bytes IS NULL OR disk_bytes > 0);
    `);
  },
};
