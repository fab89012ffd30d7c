import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { step001Profiles } from './001_profiles';
import { step009CleartextPassword } from './009_cleartext_password';

describe('migration 009: cleartext password', () => {
  it('keeps every profile, with cleartext passwords refused, and takes only 0 or 1', () => {
    const db = new Database(':memory:');
    step001Profiles.up(db);
    db.exec(
      `INSERT INTO profiles VALUES ('p','Prod','h',5432,'d','u','prefer',NULL,NULL,NULL,10,15000,2,'store',x'00','t','t')`,
    );
    step009CleartextPassword.up(db);
    expect(db.prepare('SELECT id, password_cipher, allow_cleartext_password FROM profiles').get()).toEqual({
      id: 'p',
      password_cipher: Buffer.from([0]),
      allow_cleartext_password: 0,
    });
    db.exec(`UPDATE profiles SET allow_cleartext_password = 1`);
    expect(() => db.exec(`UPDATE profiles SET allow_cleartext_password = 2`)).toThrow(/CHECK/);
    expect(() => db.exec(`UPDATE profiles SET allow_cleartext_password = 'yes'`)).toThrow(
      /cannot store TEXT/,
    );
  });
});
