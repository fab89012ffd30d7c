import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { step001Profiles } from './001_profiles';
import { step002StorageSamples } from './002_storage_samples';
import { step004SettingsAndSchedules } from './004_settings_and_schedules';
import { step012DatabaseSizeCadence } from './012_database_size_cadence';

describe('migration 012: database size cadence', () => {
  it('keeps every database row as sized by its sample, and adds an hourly cadence for the other databases', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    step001Profiles.up(db);
    step002StorageSamples.up(db);
    step004SettingsAndSchedules.up(db);
    db.exec(
      `INSERT INTO profiles VALUES ('p','Prod','h',5432,'d','u','prefer',NULL,NULL,NULL,10,15000,2,'pgpass',NULL,'t','t')`,
    );
    const sampleId = db
      .prepare(
        `INSERT INTO samples (profile_id, taken_at, duration_ms, database_name, database_bytes, gaps, relation_count)
         VALUES ('p', 1000, 5, 'app', 100, '[]', 0)`,
      )
      .run().lastInsertRowid;
    db.prepare(`INSERT INTO sample_databases VALUES (?, 'app', 100)`).run(sampleId);

    step012DatabaseSizeCadence.up(db);
    expect(db.prepare('SELECT name, bytes, sized_at FROM sample_databases').all()).toEqual([
      { name: 'app', bytes: 100, sized_at: null },
    ]);
    expect(db.prepare('SELECT database_size_every_minutes AS m FROM settings').get()).toEqual({ m: 60 });
    expect(() => db.exec('UPDATE settings SET database_size_every_minutes = 1')).toThrow(/CHECK/);
    expect(() => db.exec(`UPDATE sample_databases SET sized_at = 'soon'`)).toThrow(/cannot store TEXT/);
  });
});
