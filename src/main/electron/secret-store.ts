import type { SafeStorage } from 'electron';
import { AppError } from '../errors';
import { type SecretStore, SecretUnreadableError } from '../secrets/secret-store';

/**
 * Our own prefix: on Linux, Chromium hands back unprefixed input unchanged as
 * "legacy plain text", so a blob from the key-file store would decrypt into
 * garbage instead of failing. The tag makes a foreign blob fail loudly.
 */
const TAG = Buffer.from('tmes');

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
  return {
    backend,
    strong,
    note,
    encrypt(plain: string): Buffer {
      if (!available) {
        throw new AppError('unsupported', unavailableNote, {
          password: 'Passwords cannot be stored on this system; choose "ask every time" or ~/.pgpass.',
        });
      }
      return Buffer.concat([TAG, safeStorage.encryptString(plain)]);
    },
    decrypt(blob: Buffer): string {
      if (!blob.subarray(0, TAG.length).equals(TAG)) {
        throw new SecretUnreadableError(
          'it was stored by browser mode or the command line, not the desktop app',
        );
      }
      if (!available) throw new SecretUnreadableError('this system offers no way to decrypt it');
      try {
        return safeStorage.decryptString(blob.subarray(TAG.length));
      } catch {
        throw new SecretUnreadableError(`the ${backend} key that encrypted it is no longer available`);
      }
    },
  };
}
