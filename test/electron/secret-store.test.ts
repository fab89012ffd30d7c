import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { describe, expect, it } from 'vitest';
import { createSafeStorageSecretStore } from '../../src/main/electron/secret-store';
import { AppError } from '../../src/main/errors';
import { KeyFileSecretStore } from '../../src/main/secrets/key-file-secret-store';
import { SecretUnreadableError, targetKey } from '../../src/main/secrets/secret-store';

const target = targetKey({ host: 'db1', port: 5432, database: 'app', user: 'dba' });

/** safeStorage as Chromium's Linux OSCrypt behaves: v11-prefixed ciphertext, unprefixed input handed back as is. */
function fakeSafeStorage(backend: string, available = true): SafeStorage {
  const key = 0x5a;
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ key));
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (plain: string) => Buffer.concat([Buffer.from('v11'), xor(Buffer.from(plain))]),
    decryptString: (cipher: Buffer) =>
      cipher.subarray(0, 3).toString() === 'v11' ? xor(cipher.subarray(3)).toString() : cipher.toString(),
  } as unknown as SafeStorage;
}

describe('the safeStorage secret store', () => {
  it('round-trips a password and keeps it out of the ciphertext', () => {
    const store = createSafeStorageSecretStore(fakeSafeStorage('gnome_libsecret'), 'linux');
    const blob = store.encrypt('s3cret-pässword', target);
    expect(blob.toString('latin1')).not.toContain('s3cret');
    expect(store.decrypt(blob, target)).toBe('s3cret-pässword');
    expect(store).toMatchObject({ backend: 'gnome_libsecret', strong: true });
  });

  it('calls basic_text weak and says what that means', () => {
    const store = createSafeStorageSecretStore(fakeSafeStorage('basic_text'), 'linux');
    expect(store.strong).toBe(false);
    expect(store.backend).toBe('basic_text');
    expect(store.note).toMatch(/keyring/i);
    expect(store.note).toMatch(/ask every time/i);
  });

  it('names the platform keychain on macOS and Windows', () => {
    expect(createSafeStorageSecretStore(fakeSafeStorage('unknown'), 'darwin')).toMatchObject({
      backend: 'keychain',
      strong: true,
    });
    expect(createSafeStorageSecretStore(fakeSafeStorage('unknown'), 'win32')).toMatchObject({
      backend: 'dpapi',
      strong: true,
    });
  });

  it('refuses to store when the system has no encryption, with a field error', () => {
    const store = createSafeStorageSecretStore(fakeSafeStorage('basic_text', false), 'linux');
    expect(store.strong).toBe(false);
    expect(() => store.encrypt('x', target)).toThrow(AppError);
    try {
      store.encrypt('x', target);
    } catch (err) {
      expect((err as AppError).fields).toHaveProperty('password');
    }
  });

  it('refuses a blob written by the key-file store instead of decrypting it into garbage', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-secret-'));
    try {
      const foreign = new KeyFileSecretStore(dir).encrypt('from browser mode', target);
      const store = createSafeStorageSecretStore(fakeSafeStorage('gnome_libsecret'), 'linux');
      expect(() => store.decrypt(foreign, target)).toThrow(SecretUnreadableError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a ciphertext its keyring can no longer open as unreadable', () => {
    const safe = fakeSafeStorage('gnome_libsecret');
    const store = createSafeStorageSecretStore(safe, 'linux');
    const blob = store.encrypt('pw', target);
    safe.decryptString = () => {
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    };
    expect(() => store.decrypt(blob, target)).toThrow(SecretUnreadableError);
  });

  it('binds each password to its server: it decrypts for that target only, and never into another password', () => {
    const store = createSafeStorageSecretStore(fakeSafeStorage('gnome_libsecret'), 'linux');
    const blob = store.encrypt('pw', target);
    const elsewhere = targetKey({ host: 'attacker.example', port: 5432, database: 'app', user: 'dba' });
    expect(() => store.decrypt(blob, elsewhere)).toThrow(/stored for another server/);
    expect(store.decrypt(blob, target)).toBe('pw');
    expect(store.decryptUnbound(blob)).toBeUndefined();
  });

  it('reads a password stored before binding once, so it can be bound; never through decrypt', () => {
    const safe = fakeSafeStorage('gnome_libsecret');
    const store = createSafeStorageSecretStore(safe, 'linux');
    const old = Buffer.concat([Buffer.from('tmes'), safe.encryptString('old-pw')]);
    expect(store.decryptUnbound(old)).toBe('old-pw');
    expect(() => store.decrypt(old, target)).toThrow(/not yet bound/);
  });
});
