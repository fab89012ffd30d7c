import { createCipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/support/errors';
import { type ProfileFields, profileInputSchema } from '../../shared/profile';
import { AppError } from '../errors';
import { EventBus } from '../events';
import { openStore } from '../local-db/database';
import { ProfileRepository } from '../local-db/profile-repository';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';
import { ProfileService } from './profile-service';

function setup(dir = mkdtempSync(join(tmpdir(), 'tidemark-profiles-'))) {
  const { db } = openStore(dir);
  const events = new EventBus();
  const announced: string[] = [];
  events.subscribe((m) => {
    if (m.event === 'profiles:changed') announced.push(`${m.payload.reason} ${m.payload.id}`);
  });
  const service = new ProfileService(
    new ProfileRepository(db),
    new KeyFileSecretStore(dir),
    () => new Date(),
    events,
  );
  return { dir, db, service, announced };
}

const input = (over: Partial<ProfileFields> & { password?: string } = {}) =>
  profileInputSchema.parse({
    name: 'Prod',
    host: 'db1.example.com',
    port: 5432,
    database: 'app',
    user: 'dba',
    ...over,
  });

describe('profiles', () => {
  it('applies the defaults a DBA expects', () => {
    const { service } = setup();
    const p = service.create(input());
    expect(p).toMatchObject({
      sslmode: 'prefer',
      poolSize: 2,
      statementTimeoutMs: 15000,
      passwordMode: 'pgpass',
    });
    expect(p.hasStoredPassword).toBe(false);
  });

  it('stores the password encrypted, never in the returned profile, and gives it back only as credentials', () => {
    const { service, db } = setup();
    const p = service.create(input({ passwordMode: 'store', password: 's3cret-pw' }));
    expect(JSON.stringify(p)).not.toContain('s3cret-pw');
    expect(p.hasStoredPassword).toBe(true);
    const raw = db.prepare('SELECT password_cipher FROM profiles').pluck().get() as Buffer;
    expect(raw.toString('latin1')).not.toContain('s3cret-pw');
    expect(service.credentials(p.id).password).toBe('s3cret-pw');
  });

  it('keeps the stored password when an edit leaves the server as it was, and drops it when the mode changes', () => {
    const { service } = setup();
    const p = service.create(input({ passwordMode: 'store', password: 'one' }));
    service.update(p.id, input({ name: 'Prod db', statementTimeoutMs: 30_000, passwordMode: 'store' }));
    expect(service.credentials(p.id)).toMatchObject({ password: 'one', fields: { name: 'Prod db' } });
    const after = service.update(p.id, input({ passwordMode: 'pgpass' }));
    expect(after.hasStoredPassword).toBe(false);
    expect(service.credentials(p.id).password).toBeUndefined();
  });

  it('refuses to keep the stored password when host, port, database or user change, until it is typed again', () => {
    const { service } = setup();
    const p = service.create(input({ passwordMode: 'store', password: 'one' }));
    const moves = [{ host: 'attacker.example' }, { port: 6432 }, { database: 'other' }, { user: 'someone' }];
    for (const move of moves) {
      const err = errorOf(() => service.update(p.id, input({ ...move, passwordMode: 'store' })));
      expect(err.code).toBe('invalid_input');
      expect(err.fields?.password).toMatch(
        /^The saved password is for dba@db1\.example\.com:5432\/app, not .+\. Type the password again/,
      );
    }
    // Nothing stored was lost or moved.
    expect(service.credentials(p.id)).toMatchObject({ password: 'one', fields: { host: 'db1.example.com' } });
    service.update(p.id, input({ port: 6432, passwordMode: 'store', password: 'two' }));
    expect(service.credentials(p.id)).toMatchObject({ password: 'two', fields: { port: 6432 } });
  });

  it('lends the saved password to a draft only while it points at the same server', () => {
    const { service } = setup();
    const p = service.create(input({ passwordMode: 'store', password: 'saved-pw' }));
    expect(service.draftPassword(input({ passwordMode: 'store', connectTimeoutSec: 3 }), p.id)).toBe(
      'saved-pw',
    );
    const err = errorOf(() =>
      service.draftPassword(input({ host: '127.0.0.2', passwordMode: 'store' }), p.id),
    );
    expect(err.fields?.password).toMatch(/only ever sent to the server it was saved for/);
    expect(service.draftPassword(input({ host: '127.0.0.2', password: 'typed' }), p.id)).toBe('typed');

    const asked = service.create(input({ name: 'Asked', passwordMode: 'ask' }));
    service.unlock(asked.id, 'session-pw');
    expect(service.draftPassword(input({ passwordMode: 'ask' }), asked.id)).toBe('session-pw');
    expect(() => service.draftPassword(input({ port: 1, passwordMode: 'ask' }), asked.id)).toThrow(AppError);
    service.update(asked.id, input({ name: 'Asked', user: 'other', passwordMode: 'ask' }));
    expect(errorOf(() => service.credentials(asked.id)).code).toBe('password_required');
  });

  it("binds a password stored before binding to its profile's server at start, and it then goes nowhere else", () => {
    const { service, dir, db } = setup();
    const p = service.create(input({ passwordMode: 'store', password: 'placeholder' }));
    // A ciphertext as earlier Tidemark versions wrote it: AES-GCM without associated data.
    const key = readFileSync(join(dir, 'secret.key'));
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update('old-pw', 'utf8'), cipher.final()]);
    const legacy = Buffer.concat([Buffer.from('tmk1'), iv, cipher.getAuthTag(), body]);
    db.prepare('UPDATE profiles SET password_cipher = ? WHERE id = ?').run(legacy, p.id);

    expect(service.bindUnboundSecrets()).toEqual({ bound: 1, unreadable: [] });
    expect(service.bindUnboundSecrets()).toEqual({ bound: 0, unreadable: [] });
    expect(service.credentials(p.id).password).toBe('old-pw');
    const bound = db.prepare('SELECT password_cipher FROM profiles').pluck().get() as Buffer;
    expect(bound.subarray(0, 4).toString()).toBe('tmk2');

    // The row edited behind Tidemark's back: the ciphertext does not open for the new host.
    db.prepare("UPDATE profiles SET host = 'attacker.example' WHERE id = ?").run(p.id);
    const err = errorOf(() => service.credentials(p.id));
    expect(err.code).toBe('password_required');
    expect(err.message).toMatch(/stored for another server/);
  });

  it('asks for the password of an "ask" profile until it is unlocked, and only for this session', () => {
    const { service, dir, db } = setup();
    const p = service.create(input({ passwordMode: 'ask' }));
    expect(errorOf(() => service.credentials(p.id)).code).toBe('password_required');
    service.unlock(p.id, 'typed');
    expect(service.credentials(p.id).password).toBe('typed');
    db.close();
    expect(errorOf(() => setup(dir).service.credentials(p.id)).code).toBe('password_required');
  });

  it('refuses a duplicate name (any case) next to the name field, and keeps the existing profile', () => {
    const { service } = setup();
    const first = service.create(input());
    const err = errorOf(() => service.create(input({ name: 'PROD', host: 'other' })));
    expect(err.code).toBe('conflict');
    expect(err.fields?.name).toMatch(/already exists/);
    expect(service.list()).toEqual([first]);
  });

  it('refuses a certificate file that cannot be read, naming the field and the file', () => {
    const { service, dir } = setup();
    const missing = join(dir, 'nope.crt');
    const err = errorOf(() => service.create(input({ sslmode: 'verify-full', sslRootCert: missing })));
    expect(err.fields?.sslRootCert).toContain(missing);
    expect(err.fields?.sslRootCert).toMatch(/does not exist/);
    const cert = join(dir, 'client.crt');
    writeFileSync(cert, 'x');
    chmodSync(cert, 0o644);
    const half = errorOf(() => service.create(input({ sslCert: cert })));
    expect(half.fields?.sslKey).toMatch(/needs its key/);
    expect(service.list()).toEqual([]);
  });

  it('refuses verify-ca or verify-full without a root certificate at save, and accepts sslrootcert=system', () => {
    const { service, dir } = setup();
    const saved = process.env.HOME;
    process.env.HOME = dir;
    try {
      const err = errorOf(() => service.create(input({ sslmode: 'verify-ca' })));
      expect(err.fields?.sslRootCert).toBe(
        `root certificate file "${join(dir, '.postgresql', 'root.crt')}" does not exist: sslmode verify-ca needs the CA certificate that signed the server certificate. Set the CA (root) certificate file.`,
      );
      const weak = errorOf(() => service.create(input({ sslmode: 'require', sslRootCert: 'system' })));
      expect(weak.fields?.sslRootCert).toMatch(/only allows it with verify-full/);
      expect(service.list()).toEqual([]);
      const system = service.create(input({ sslmode: 'verify-full', sslRootCert: 'system' }));
      expect(system.sslRootCert).toBe('system');
    } finally {
      process.env.HOME = saved;
    }
  });

  it('requires a password when "store" is chosen and none is stored yet', () => {
    const { service } = setup();
    expect(errorOf(() => service.create(input({ passwordMode: 'store' }))).fields?.password).toBeDefined();
  });

  it('duplicates under a free name, with the stored password', () => {
    const { service } = setup();
    const p = service.create(input({ passwordMode: 'store', password: 'pw' }));
    const a = service.duplicate(p.id);
    const b = service.duplicate(p.id);
    expect([a.name, b.name]).toEqual(['Prod (copy)', 'Prod (copy 2)']);
    expect(service.credentials(b.id).password).toBe('pw');
    expect(service.list().map((x) => x.name)).toEqual(['Prod', 'Prod (copy 2)', 'Prod (copy)']);
  });

  it('a profile created as a copy keeps the stored password of its source, for the same server only', () => {
    const { service } = setup();
    const p = service.create(input({ passwordMode: 'store', password: 'pw' }));
    const copy = service.create(input({ name: 'Prod copy', passwordMode: 'store' }), p.id);
    expect(copy.hasStoredPassword).toBe(true);
    expect(service.credentials(copy.id).password).toBe('pw');
    const elsewhere = errorOf(() =>
      service.create(input({ name: 'Other', host: 'db2.example.com', passwordMode: 'store' }), p.id),
    );
    expect(elsewhere.fields?.password).toMatch(/Type the password again/);
  });

  it('deletes only the profile asked for, and says so when it is already gone', async () => {
    const { service } = setup();
    const a = service.create(input());
    const b = service.create(input({ name: 'Staging' }));
    await service.delete(a.id);
    expect(service.list().map((p) => p.id)).toEqual([b.id]);
    await expect(service.delete(a.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('says clearly when a stored password was written by another secret store', () => {
    const { service, dir, db } = setup();
    const p = service.create(input({ passwordMode: 'store', password: 'pw' }));
    db.close();
    writeFileSync(join(dir, 'secret.key'), Buffer.alloc(32, 7));
    const err = errorOf(() => setup(dir).service.credentials(p.id));
    expect(err.code).toBe('password_required');
    expect(err.message).toMatch(/cannot be read here/);
  });
});

describe('changes are announced by the service itself', () => {
  it('emits profiles:changed for create, update, duplicate, unlock and delete, in order', async () => {
    const { service, announced } = setup();
    const a = service.create(input());
    service.update(a.id, input({ port: 5433 }));
    const b = service.duplicate(a.id);
    service.unlock(a.id, 'typed-for-this-session');
    await service.delete(b.id);
    expect(announced).toEqual([
      `created ${a.id}`,
      `updated ${a.id}`,
      `created ${b.id}`,
      `updated ${a.id}`,
      `deleted ${b.id}`,
    ]);
  });

  it('announces nothing when a change is refused', async () => {
    const { service, announced } = setup();
    const a = service.create(input());
    service.create(input({ name: 'Other' }));
    announced.length = 0;
    const taken = input({ name: 'Other' });
    expect(() => service.update(a.id, taken)).toThrow(AppError);
    await expect(service.delete('no-such-profile')).rejects.toThrow(AppError);
    expect(announced).toEqual([]);
  });
});
