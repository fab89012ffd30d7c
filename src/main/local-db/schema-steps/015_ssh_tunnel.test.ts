import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { step001Profiles } from './001_profiles';
import { step009CleartextPassword } from './009_cleartext_password';
import { step015SshTunnel } from './015_ssh_tunnel';

describe('migration 015: ssh tunnel', () => {
  it('keeps every profile connecting directly, and takes only sane tunnel settings', () => {
    const db = new Database(':memory:');
    step001Profiles.up(db);
    step009CleartextPassword.up(db);
    db.exec(
      `INSERT INTO profiles VALUES ('p','Prod','h',5432,'d','u','prefer',NULL,NULL,NULL,10,15000,2,'store',x'00','t','t',0)`,
    );
    step015SshTunnel.up(db);
    expect(
      db
        .prepare(
          'SELECT id, password_cipher, ssh_host, ssh_port, ssh_user, ssh_key_file, ssh_secret_mode, ssh_secret_cipher FROM profiles',
        )
        .get(),
    ).toEqual({
      id: 'p',
      password_cipher: Buffer.from([0]),
      ssh_host: null,
      ssh_port: null,
      ssh_user: null,
      ssh_key_file: null,
      ssh_secret_mode: 'none',
      ssh_secret_cipher: null,
    });
    db.exec(
      `UPDATE profiles SET ssh_host = 'bastion', ssh_port = 2222, ssh_secret_mode = 'store', ssh_secret_cipher = x'01'`,
    );
    expect(() => db.exec(`UPDATE profiles SET ssh_secret_mode = 'agent'`)).toThrow(/CHECK/);
    expect(() => db.exec(`UPDATE profiles SET ssh_port = 70000`)).toThrow(/CHECK/);
    expect(() => db.exec(`UPDATE profiles SET ssh_host = ''`)).toThrow(/CHECK/);
  });
});
