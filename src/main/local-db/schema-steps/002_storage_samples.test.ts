import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { step001Profiles } from './001_profiles';
import { step002StorageSamples } from './002_storage_samples';

function freshDb() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  step001Profiles.up(db);
  step002StorageSamples.up(db);
  db.exec(
    `INSERT INTO profiles VALUES ('p','Prod','h',5432,'d','u','prefer',NULL,NULL,NULL,10,15000,2,'pgpass',NULL,'t','t')`,
  );
  return db;
}

const sample = `INSERT INTO samples (id, profile_id, taken_at, duration_ms, database_name, database_bytes, relation_count)
  VALUES (@id, 'p', @taken_at, 10, 'app', 1000, 1)`;
const size = `INSERT INTO relation_sizes (relation_id, taken_at, sample_id, measured, total_bytes)
  VALUES (@relation_id, @taken_at, @sample_id, @measured, @total_bytes)`;

describe('migration 002: storage samples', () => {
  it('keys size rows by (relation, time) and cascades from samples, relations and profiles', () => {
    const db = freshDb();
    db.prepare(sample).run({ id: 1, taken_at: 1000 });
    db.exec(
      `INSERT INTO relations (id, profile_id, schema, name, kind) VALUES (10, 'p', 'public', 'metrics', 'hypertable')`,
    );
    db.exec(
      `INSERT INTO relations (id, profile_id, schema, name, kind, parent_id) VALUES (11, 'p', '_timescaledb_internal', '_hyper_1_1_chunk', 'chunk', 10)`,
    );
    db.prepare(size).run({ relation_id: 10, taken_at: 1000, sample_id: 1, measured: 1, total_bytes: 5 });
    db.prepare(size).run({ relation_id: 11, taken_at: 1000, sample_id: 1, measured: 1, total_bytes: 5 });
    expect(() =>
      db.prepare(size).run({ relation_id: 10, taken_at: 1000, sample_id: 1, measured: 1, total_bytes: 6 }),
    ).toThrow(/UNIQUE|PRIMARY/);
    db.exec(`INSERT INTO sample_databases VALUES (1, 'app', 1000)`);
    db.exec('DELETE FROM samples WHERE id = 1');
    expect(db.prepare('SELECT count(*) FROM relation_sizes').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM sample_databases').pluck().get()).toBe(0);
    db.exec("DELETE FROM profiles WHERE id = 'p'");
    expect(db.prepare('SELECT count(*) FROM relations').pluck().get()).toBe(0);
  });

  it('refuses what the app never writes: a second sample of the same instant, a zero for "not measured", bad kinds, text sizes', () => {
    const db = freshDb();
    db.prepare(sample).run({ id: 1, taken_at: 1000 });
    expect(() => db.prepare(sample).run({ id: 2, taken_at: 1000 })).toThrow(/UNIQUE/);
    db.exec(
      `INSERT INTO relations (id, profile_id, schema, name, kind) VALUES (10, 'p', 'public', 't', 'table')`,
    );
    expect(() =>
      db.prepare(size).run({ relation_id: 10, taken_at: 1000, sample_id: 1, measured: 0, total_bytes: 0 }),
    ).toThrow(/CHECK/);
    expect(() =>
      db
        .prepare(size)
        .run({ relation_id: 10, taken_at: 1000, sample_id: 1, measured: 1, total_bytes: '5 MB' }),
    ).toThrow(/cannot store TEXT/);
    expect(() =>
      db.exec(`INSERT INTO relations (profile_id, schema, name, kind) VALUES ('p', 'public', 'v', 'view')`),
    ).toThrow(/CHECK/);
    expect(() =>
      db.exec(`INSERT INTO relations (profile_id, schema, name, kind) VALUES ('p', 'public', 't', 'table')`),
    ).toThrow(/UNIQUE/);
    expect(() => db.exec(`UPDATE samples SET gaps = 'not json'`)).toThrow(/CHECK/);
    expect(() =>
      db.exec(`INSERT INTO samples (profile_id, taken_at, duration_ms, database_name, database_bytes, relation_count)
      VALUES ('nobody', 1, 1, 'app', 1, 0)`),
    ).toThrow(/FOREIGN KEY/);
  });
});
