import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { step001Profiles } from './001_profiles';
import { step005MigrationJournal } from './005_migration_journal';

function freshDb() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  step001Profiles.up(db);
  step005MigrationJournal.up(db);
  return db;
}

const insert = `INSERT INTO migrations (id, profile_id, schema_name, table_name, time_column, target, state, spec_json, plan_json, created_at, updated_at)
  VALUES (@id, 'p', 'public', @table, 'executed_at', 'timescaledb', @state, '{}', '{}', '2026-01-01', '2026-01-01')`;

describe('migration 005: migration journal', () => {
  it('allows one open migration per table, and another once the first is finished', () => {
    const db = freshDb();
    db.prepare(insert).run({ id: 'a', table: 'transactions', state: 'running' });
    expect(() => db.prepare(insert).run({ id: 'b', table: 'transactions', state: 'planned' })).toThrow(
      /UNIQUE/,
    );
    db.prepare(insert).run({ id: 'c', table: 'other', state: 'planned' });
    db.prepare(`UPDATE migrations SET state = 'rolled_back' WHERE id = 'a'`).run();
    db.prepare(insert).run({ id: 'b', table: 'transactions', state: 'planned' });
    expect(
      db.prepare(`SELECT count(*) AS n FROM migrations WHERE table_name = 'transactions'`).get(),
    ).toEqual({ n: 2 });
  });

  it('refuses states, phases and targets the engine never writes', () => {
    const db = freshDb();
    expect(() => db.prepare(insert).run({ id: 'a', table: 't', state: 'half-done' })).toThrow(/CHECK/);
    db.prepare(insert).run({ id: 'a', table: 't', state: 'planned' });
    const step = db.prepare(
      `INSERT INTO migration_steps (migration_id, step_key, ordinal, phase, title, state) VALUES ('a', @key, 0, @phase, 'x', @state)`,
    );
    expect(() => step.run({ key: 'copy', phase: 'E', state: 'pending' })).toThrow(/CHECK/);
    expect(() => step.run({ key: 'copy', phase: 'B', state: 'maybe' })).toThrow(/CHECK/);
    step.run({ key: 'copy', phase: 'B', state: 'pending' });
    // STRICT: a row count that is not an integer is refused rather than stored as text.
    expect(() => db.prepare(`UPDATE migration_steps SET rows = 'many'`).run()).toThrow(/cannot store TEXT/);
  });

  it('keeps steps and events with their migration, and removes them with it', () => {
    const db = freshDb();
    db.prepare(insert).run({ id: 'a', table: 't', state: 'planned' });
    db.prepare(
      `INSERT INTO migration_steps (migration_id, step_key, ordinal, phase, title, state) VALUES ('a', 'copy', 0, 'B', 'Copy', 'pending')`,
    ).run();
    db.prepare(
      `INSERT INTO migration_events (migration_id, at, kind, message) VALUES ('a', '2026-01-01', 'batch_done', 'copied 10 rows')`,
    ).run();
    expect(() =>
      db
        .prepare(
          `INSERT INTO migration_events (migration_id, at, kind, message) VALUES ('nope', '2026-01-01', 'x', 'y')`,
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.prepare(`DELETE FROM migrations WHERE id = 'a'`).run();
    expect(
      db
        .prepare(
          `SELECT (SELECT count(*) FROM migration_steps) + (SELECT count(*) FROM migration_events) AS n`,
        )
        .get(),
    ).toEqual({ n: 0 });
  });
});
