import type { SafeStorage } from 'electron';
import { AppError } from '../errors';
import { type SecretStore, SecretUnreadableError } from '../secrets/secret-store';

/**
 * Our own prefix: on Linux, Chromium hands back unprefixed input unchanged as
 * "legacy plain text", so a blob from the key-file store would decrypt into
 * garbage instead of failing. The tag makes a foreign blob fail loudly.
 * safeStorage has no associated data, so the target is encrypted with the
 * password and compared before the password is handed out.
 */
const TAG = Buffer.from('tme2');
/** Blobs from before passwords were bound to their server; read once at start and bound. */
const UNBOUND_TAG = Buffer.from('tmes');

interface Sealed {
  target: string;
  password: string;
}

type Backend = { backend: string; strong: boolean; note: string };

const keyringNote =
  'Passwords are encrypted with a key kept in your desktop keyring, which unlocks when you log in.';
const weakNote =
  'No desktop keyring (GNOME Keyring, KWallet) is available, so Electron uses a fixed built-in key: ' +
  'stored passwords are only obscured and anyone who can read the Tidemark data folder can recover them. ' +
  'Choose "ask every time" or ~/.pgpass, or install and unlock a keyring and restart Tidemark.';
const unavailableNote =
  'This system offers Tidemark no way to encrypt passwords, so none can be stored. ' +
  'Choose "ask every time" or ~/.pgpass for your profiles.';

function unseal(text: string): Partial<Sealed> | undefined {
  try {
    return JSON.parse(text) as Partial<Sealed>;
  } catch {
    return undefined;
  }
}

/** What safeStorage gives on this platform, in words for the profile form. Call after app ready. */
export function describeBackend(safeStorage: SafeStorage, platform: NodeJS.Platform): Backend {
  if (!safeStorage.isEncryptionAvailable()) return { backend: 'none', strong: false, note: unavailableNote };
  if (platform === 'darwin') {
    return {
      backend: 'keychain',
      strong: true,
      note: 'Passwords are encrypted with a key kept in the macOS Keychain.',
    };
  }
  if (platform === 'win32') {
    return {
      backend: 'dpapi',
      strong: true,
      note: 'Passwords are encrypted with Windows DPAPI, tied to your Windows account.',
    };
  }
  const backend = safeStorage.getSelectedStorageBackend();
  // 'unknown' means Chromium could not tell which backend it picked: do not promise more than basic_text.
  if (backend === 'basic_text' || backend === 'unknown') return { backend, strong: false, note: weakNote };
  return { backend, strong: true, note: keyringNote };
}

/** The desktop app's secret store: Electron's safeStorage (Keychain, DPAPI, libsecret/KWallet). */
export function createSafeStorageSecretStore(
  safeStorage: SafeStorage,
  platform: NodeJS.Platform,
): SecretStore {
  const { backend, strong, note } = describeBackend(safeStorage, platform);
  const available = backend !== 'none';
  const open = (blob: Buffer, tag: Buffer): string => {
    if (!blob.subarray(0, tag.length).equals(tag)) {
      throw new SecretUnreadableError(
        blob.subarray(0, UNBOUND_TAG.length).equals(UNBOUND_TAG)
          ? 'it is not yet bound to its server'
          : 'it was stored by browser mode or the command line, not the desktop app',
      );
    }
    if (!available) throw new SecretUnreadableError('this system offers no way to decrypt it');
    try {
      return safeStorage.decryptString(blob.subarray(tag.length));
    } catch {
      throw new SecretUnreadableError(`the ${backend} key that encrypted it is no longer available`);
    }
  };
  return {
    backend,
    strong,
    note,
    encrypt(plain: string, target: string): Buffer {
      if (!available) {
        throw new AppError('unsupported', unavailableNote, {
          password: 'Passwords cannot be stored on this system; choose "ask every time" or ~/.pgpass.',
        });
      }
      const sealed: Sealed = { target, password: plain };
      return Buffer.concat([TAG, safeStorage.encryptString(JSON.stringify(sealed))]);
    },
    decrypt(blob: Buffer, target: string): string {
      const sealed = unseal(open(blob, TAG));
      if (typeof sealed?.password !== 'string') throw new SecretUnreadableError('it is damaged');
      if (sealed.target !== target) throw new SecretUnreadableError('it was stored for another server');
      return sealed.password;
    },
    decryptUnbound(blob: Buffer): string | undefined {
      return blob.subarray(0, UNBOUND_TAG.length).equals(UNBOUND_TAG) ? open(blob, UNBOUND_TAG) : undefined;
    },
  };
}
