import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { schemaSteps } from '.';
import { step023UpkeepCadence } from './023_upkeep_cadence';

describe('schema step 023: upkeep cadence', () => {
  it('keeps settings and samples, adds an hourly upkeep cadence (5 minutes to a day) and samples.upkeep_at', () => {
    const db = new Database(':memory:');
    for (const step of schemaSteps.filter((s) => s.version < 23)) step.up(db);
    db.exec(`
      UPDATE settings SET sample_retention_days = 30;
      INSERT INTO profiles (id, name, host, port, database, user_name, sslmode, connect_timeout_sec,
        statement_timeout_ms, pool_size, password_mode, created_at, updated_at)
      VALUES ('p', 'Prod', 'h', 5432, 'app', 'dba', 'prefer', 10, 15000, 2, 'pgpass', 't', 't');
      INSERT INTO samples (profile_id, taken_at, duration_ms, database_name, database_bytes, relation_count)
      VALUES ('p', 1000, 5, 'app', 100, 0);`);

    step023UpkeepCadence.up(db);
    expect(
      db.prepare('SELECT sample_retention_days AS days, upkeep_every_minutes AS m FROM settings').get(),
    ).toEqual({ days: 30, m: 60 });
    expect(db.prepare('SELECT taken_at, upkeep_at FROM samples').get()).toEqual({
      taken_at: 1000,
      upkeep_at: null,
    });
    expect(() => db.exec('UPDATE settings SET upkeep_every_minutes = 4')).toThrow(/CHECK/);
    expect(() => db.exec('UPDATE settings SET upkeep_every_minutes = 1441')).toThrow(/CHECK/);
    db.exec('UPDATE settings SET upkeep_every_minutes = 1440');
  });
});
