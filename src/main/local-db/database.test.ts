import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { applySchemaSteps, DB_FILE, latestSchemaVersion, openStore } from './database';

const tempDir = () => mkdtempSync(join(tmpdir(), 'tidemark-store-'));

describe('local store', () => {
  it('creates the file with WAL, foreign keys and the latest schema', () => {
    const dir = tempDir();
    const { db, movedAside } = openStore(dir);
    expect(movedAside).toBeUndefined();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion);
    db.close();
  });

  it('keeps what was stored across a reopen', () => {
    const dir = tempDir();
    const first = openStore(dir).db;
    first.exec(
      `INSERT INTO profiles (id, name, host, port, database, user_name, sslmode, connect_timeout_sec,
         statement_timeout_ms, pool_size, password_mode, created_at, updated_at)
       VALUES ('x','Prod','h',5432,'d','u','prefer',10,15000,2,'pgpass','t','t')`,
    );
    first.close();
    const again = openStore(dir).db;
    expect(again.prepare('SELECT name FROM profiles').pluck().all()).toEqual(['Prod']);
    again.close();
  });

  it('moves a damaged file aside instead of overwriting it, and says where', () => {
    const dir = tempDir();
    const garbage = Buffer.from('this is not a database, but it is somebody’s file\n'.repeat(200));
    writeFileSync(join(dir, DB_FILE), garbage);
    const { db, movedAside } = openStore(dir, () => new Date('2026-11-22T10:00:00Z'));
    expect(movedAside?.to).toContain('tidemark.db.damaged-2026-11-22T10-00-00-000Z');
    // The old bytes are intact where we said they went.
    expect(readFileSync(movedAside!.to)).toEqual(garbage);
    // And the new store works.
    expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion);
    db.close();
    expect(readdirSync(dir).filter((f) => f.includes('damaged'))).toHaveLength(1);
  });

  it('refuses a file written by a newer Tidemark and leaves it untouched', () => {
    const dir = tempDir();
    const future = new Database(join(dir, DB_FILE));
    future.exec('CREATE TABLE from_the_future (x)');
    future.pragma(`user_version = ${latestSchemaVersion + 5}`);
    future.close();
    expect(() => openStore(dir)).toThrow(/newer Tidemark/);
    const check = new Database(join(dir, DB_FILE), { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(latestSchemaVersion + 5);
    check.close();
    expect(existsSync(join(dir, `${DB_FILE}.damaged`))).toBe(false);
  });

  it('applies each migration once, in one transaction each', () => {
    const db = new Database(':memory:');
    let runs = 0;
    const list = [
      {
        version: 1,
        name: 'a',
        up: (d: Database.Database) => {
          runs++;
          d.exec('CREATE TABLE a (x)');
        },
      },
      {
        version: 2,
        name: 'b',
        up: (d: Database.Database) => {
          d.exec('CREATE TABLE b (x)');
          throw new Error('boom');
        },
      },
    ];
    expect(() => applySchemaSteps(db, list)).toThrow('boom');
    // Step 1 committed, step 2 rolled back entirely.
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'b'").pluck().get()).toBe(0);
    applySchemaSteps(db, list.slice(0, 1));
    expect(runs).toBe(1);
  });
});
