/**
 * Encrypts the passwords kept in the local store. The Electron shell provides
 * one backed by the OS keychain (safeStorage); browser mode and the CLI use a
 * key file beside the data, which is why `strong` is false there.
 */
export interface SecretStore {
  /** Short name shown to the DBA, e.g. "gnome_libsecret", "key file". */
  readonly backend: string;
  /** False when whoever can read the data directory can also decrypt. */
  readonly strong: boolean;
  /** One sentence for the profile form. */
  readonly note: string;
  encrypt(plain: string): Buffer;
  decrypt(cipher: Buffer): string;
}

/** Thrown when a ciphertext was written by another backend (e.g. the desktop app's keychain). */
export class SecretUnreadableError extends Error {}
