import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { step001Profiles } from './001_profiles';
import { step003Heartbeats } from './003_heartbeats';

function freshDb() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  step001Profiles.up(db);
  step003Heartbeats.up(db);
  db.exec(
    `INSERT INTO profiles VALUES ('p','Prod','h',5432,'d','u','prefer',NULL,NULL,NULL,10,15000,2,'pgpass',NULL,'t','t')`,
  );
  return db;
}

describe('migration 003: heartbeats', () => {
  it('keeps one current row per profile and one history row per beat, both removed with the profile', () => {
    const db = freshDb();
    db.exec(`INSERT INTO heartbeat_current VALUES ('p', 'up', 1, 2, 3, NULL)`);
    expect(() => db.exec(`INSERT INTO heartbeat_current VALUES ('p', 'down', 1, 2, NULL, 'x')`)).toThrow(
      /UNIQUE/,
    );
    db.exec(`INSERT INTO heartbeat_history VALUES ('p', 1, 1, 3, NULL), ('p', 2, 0, NULL, 'timeout')`);
    expect(() => db.exec(`INSERT INTO heartbeat_history VALUES ('p', 2, 1, 3, NULL)`)).toThrow(
      /UNIQUE|PRIMARY/,
    );
    db.exec("DELETE FROM profiles WHERE id = 'p'");
    expect(db.prepare('SELECT count(*) FROM heartbeat_current').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM heartbeat_history').pluck().get()).toBe(0);
  });

  it('refuses states and flags the app never writes', () => {
    const db = freshDb();
    expect(() => db.exec(`INSERT INTO heartbeat_current VALUES ('p', 'unknown', 1, 2, 3, NULL)`)).toThrow(
      /CHECK/,
    );
    expect(() => db.exec(`INSERT INTO heartbeat_history VALUES ('p', 1, 2, 3, NULL)`)).toThrow(/CHECK/);
    expect(() => db.exec(`INSERT INTO heartbeat_history VALUES ('nobody', 1, 1, 3, NULL)`)).toThrow(
      /FOREIGN KEY/,
    );
  });
});
