/**
 * Encrypts the passwords kept in the local store. The Electron shell provides
 * one backed by the OS keychain (safeStorage); browser mode and the CLI use a
 * key file beside the data, which is why `strong` is false there.
 *
 * Every ciphertext is bound to the server it was stored for (its target): it
 * decrypts only for that same host, port, database and user, so a stored
 * password can never be sent to another server, even if the profile's row is
 * edited behind Tidemark's back.
 */
export interface SecretStore {
  /** Short name shown to the DBA, e.g. "gnome_libsecret", "key file". */
  readonly backend: string;
  /** False when whoever can read the data directory can also decrypt. */
  readonly strong: boolean;
  /** One sentence for the profile form. */
  readonly note: string;
  /** `target` is a `targetKey`: the ciphertext decrypts for that target only. */
  encrypt(plain: string, target: string): Buffer;
  /** Throws SecretUnreadableError: another store's blob, a lost key, or another target. */
  decrypt(cipher: Buffer, target: string): string;
  /**
   * The plain text of a password this store kept before passwords were bound to
   * their server, so it can be encrypted again for its profile's target.
   * Undefined for a bound blob or another store's.
   */
  decryptUnbound(cipher: Buffer): string | undefined;
}

/** Thrown when a ciphertext cannot be read here (another backend, a lost key, another target). */
export class SecretUnreadableError extends Error {}

/** The server a stored password belongs to (hostaddr, if Tidemark ever takes it, belongs here too). */
export interface SecretTarget {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** One canonical text per target, bound into the ciphertext. */
export function targetKey(t: SecretTarget): string {
  return JSON.stringify(['tidemark-secret-target-1', t.host, t.port, t.database, t.user]);
}

/** `user@host:port/database`, as the DBA reads it. */
export function describeTarget(t: SecretTarget): string {
  return `${t.user}@${t.host}:${t.port}/${t.database}`;
}

/** The SSH settings a stored key passphrase (or SSH password) belongs to. */
export interface SshSecretTarget {
  sshHost?: string;
  sshPort?: number;
  sshUser?: string;
  sshKeyFile?: string;
}

/** Bound into an SSH secret's ciphertext, like `targetKey` for a database password. */
export function sshTargetKey(t: SshSecretTarget): string {
  return JSON.stringify([
    'tidemark-ssh-secret-1',
    t.sshHost ?? null,
    t.sshPort ?? null,
    t.sshUser ?? null,
    t.sshKeyFile ?? null,
  ]);
}

/** `ssh user@host:port (key FILE)`, as the DBA reads it. */
export function describeSshTarget(t: SshSecretTarget): string {
  const who = `${t.sshUser ? `${t.sshUser}@` : ''}${t.sshHost ?? '?'}${t.sshPort ? `:${t.sshPort}` : ''}`;
  return `ssh ${who}${t.sshKeyFile ? ` (key ${t.sshKeyFile})` : ''}`;
}
