import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SecretStore, SecretUnreadableError } from './secret-store';

/** Blobs from before passwords were bound to their server; read once at start and bound. */
const UNBOUND_TAG = Buffer.from('tmk1');
/** AES-256-GCM with the target as associated data. */
const TAG = Buffer.from('tmk2');
const KEY_FILE = 'secret.key';

/**
 * AES-256-GCM with a random key in `<dataDir>/secret.key` (mode 0600). It keeps
 * passwords out of plain sight in the database file and its backups, but the
 * key sits beside the data: reported as not strong.
 */
export class KeyFileSecretStore implements SecretStore {
  readonly backend = 'key file';
  readonly strong = false;
  readonly note =
    'Passwords are encrypted with a key kept in the Tidemark data folder: anyone who can read that folder can read them. ' +
    'Choose "ask every time" or ~/.pgpass if that is not acceptable.';
  private readonly key: Buffer;

  constructor(dataDir: string) {
    const file = join(dataDir, KEY_FILE);
    if (!existsSync(file)) {
      writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
    }
    chmodSync(file, 0o600);
    this.key = readFileSync(file);
    if (this.key.length !== 32) throw new Error(`${file} is not a Tidemark key file (expected 32 bytes).`);
  }

  encrypt(plain: string, target: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(target, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([TAG, iv, cipher.getAuthTag(), body]);
  }

  decrypt(blob: Buffer, target: string): string {
    const tag = blob.subarray(0, 4);
    if (tag.equals(UNBOUND_TAG)) throw new SecretUnreadableError('it is not yet bound to its server');
    if (!tag.equals(TAG)) {
      throw new SecretUnreadableError('encrypted by another secret store (the desktop app keychain?)');
    }
    try {
      return this.open(blob, target);
    } catch {
      throw new SecretUnreadableError(
        'it was stored for another server, or the key file does not match (was secret.key replaced?)',
      );
    }
  }

  decryptUnbound(blob: Buffer): string | undefined {
    if (!blob.subarray(0, 4).equals(UNBOUND_TAG)) return undefined;
    try {
      return this.open(blob, undefined);
    } catch {
      throw new SecretUnreadableError('the key file does not match (was secret.key replaced?)');
    }
  }

  private open(blob: Buffer, target: string | undefined): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, blob.subarray(4, 16));
    if (target !== undefined) decipher.setAAD(Buffer.from(target, 'utf8'));
    decipher.setAuthTag(blob.subarray(16, 32));
    return Buffer.concat([decipher.update(blob.subarray(32)), decipher.final()]).toString('utf8');
  }
}
