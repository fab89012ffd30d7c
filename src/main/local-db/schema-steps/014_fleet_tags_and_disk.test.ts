import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { step001Profiles } from './001_profiles';
import { step009CleartextPassword } from './009_cleartext_password';
import { step014FleetTagsAndDisk } from './014_fleet_tags_and_disk';

function dbAt009() {
  const db = new Database(':memory:');
  step001Profiles.up(db);
  step009CleartextPassword.up(db);
  db.exec(
    `INSERT INTO profiles VALUES ('p','Prod','h',5432,'d','u','prefer',NULL,NULL,NULL,10,15000,2,'pgpass',NULL,'t','t',0)`,
  );
  return db;
}

describe('migration 014: fleet tags and disk size', () => {
  it('gives existing profiles no tags and no disk size, keeping every other column', () => {
    const db = dbAt009();
    const before = db.prepare('SELECT * FROM profiles').get() as Record<string, unknown>;
    step014FleetTagsAndDisk.up(db);
    expect(db.prepare('SELECT * FROM profiles').get()).toEqual({ ...before, tags: '[]', disk_bytes: null });
  });

  it('takes a JSON array of tags and a positive disk size, and refuses anything else', () => {
    const db = dbAt009();
    step014FleetTagsAndDisk.up(db);
    const set = db.prepare("UPDATE profiles SET tags = ?, disk_bytes = ? WHERE id = 'p'");
    set.run('["prod","team-a"]', 500 * 1024 ** 3);
    expect(db.prepare('SELECT tags, disk_bytes FROM profiles').get()).toEqual({
      tags: '["prod","team-a"]',
      disk_bytes: 500 * 1024 ** 3,
    });
    expect(() => set.run('prod', null)).toThrow(/CHECK|JSON/i);
    expect(() => set.run('{"a":1}', null)).toThrow(/CHECK/);
    expect(() => set.run('[]', 0)).toThrow(/CHECK/);
  });
});
