import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { step001Profiles } from './001_profiles';

function freshDb() {
  const db = new Database(':memory:');
  step001Profiles.up(db);
  return db;
}

const row = {
  id: 'a',
  name: 'Prod',
  host: 'db1',
  port: 5432,
  database: 'app',
  user_name: 'dba',
  sslmode: 'require',
  connect_timeout_sec: 10,
  statement_timeout_ms: 15000,
  pool_size: 2,
  password_mode: 'pgpass',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};
const insert = `INSERT INTO profiles (id, name, host, port, database, user_name, sslmode, connect_timeout_sec,
  statement_timeout_ms, pool_size, password_mode, created_at, updated_at)
  VALUES (@id, @name, @host, @port, @database, @user_name, @sslmode, @connect_timeout_sec,
  @statement_timeout_ms, @pool_size, @password_mode, @created_at, @updated_at)`;

describe('migration 001: profiles', () => {
  it('stores a profile and keeps names unique regardless of case', () => {
    const db = freshDb();
    db.prepare(insert).run(row);
    expect(db.prepare('SELECT name, port FROM profiles').get()).toEqual({ name: 'Prod', port: 5432 });
    expect(() => db.prepare(insert).run({ ...row, id: 'b', name: 'PROD' })).toThrow(/UNIQUE/);
  });

  it('refuses values the app never writes (bad port, pool size, password mode)', () => {
    const db = freshDb();
    expect(() => db.prepare(insert).run({ ...row, port: 70000 })).toThrow(/CHECK/);
    expect(() => db.prepare(insert).run({ ...row, pool_size: 0 })).toThrow(/CHECK/);
    expect(() => db.prepare(insert).run({ ...row, password_mode: 'plain' })).toThrow(/CHECK/);
    // STRICT table: a port that is not an integer is refused rather than stored as text.
    expect(() => db.prepare(insert).run({ ...row, port: 'x' })).toThrow(/cannot store TEXT/);
  });
});
