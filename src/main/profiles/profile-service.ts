import { randomUUID } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Profile, ProfileFields } from '../../shared/profile';
import { AppError, invalidInput, notFound } from '../errors';
import type { EventBus } from '../events';
import type { ProfileRepository, StoredProfile } from '../local-db/profile-repository';
import { rootCertProblem } from '../postgres/tls';
import {
  describeTarget,
  type SecretStore,
  type SecretTarget,
  SecretUnreadableError,
  targetKey,
} from '../secrets/secret-store';
import { SshSecrets } from './ssh-secrets';

export interface Credentials {
  fields: ProfileFields;
  /** Undefined lets the driver read ~/.pgpass / PGPASSFILE, as libpq does. */
  password: string | undefined;
  /** The SSH tunnel's key passphrase or password, if the profile has one. */
  sshSecret: string | undefined;
}

type Input = ProfileFields & { password?: string; sshSecret?: string };

/** `~/x` as libpq users write it. */
export function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

const fileFields = [
  ['sslRootCert', 'CA certificate'],
  ['sslCert', 'client certificate'],
  ['sslKey', 'client key'],
  ['sshKeyFile', 'SSH key'],
] as const;

/** Checks what zod cannot: files that must be readable, combinations that must go together. */
function checkFields(fields: ProfileFields): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [key, what] of fileFields) {
    const path = fields[key];
    // sslrootcert=system names the system's CAs, not a file (planTls allows it with verify-full only).
    if (!path || (key === 'sslRootCert' && path === 'system')) continue;
    const full = expandHome(path);
    try {
      accessSync(full, constants.R_OK);
      if (!statSync(full).isFile()) errors[key] = `The ${what} path ${full} is not a file.`;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      errors[key] =
        code === 'ENOENT'
          ? `The ${what} file ${full} does not exist.`
          : `The ${what} file ${full} cannot be read (${code ?? 'error'}).`;
    }
  }
  const rootProblem = rootCertProblem(fields);
  if (rootProblem) errors.sslRootCert ??= rootProblem;
  if (fields.sslCert && !fields.sslKey) errors.sslKey ??= 'A client certificate needs its key file.';
  if (fields.sslKey && !fields.sslCert) errors.sslCert ??= 'A client key needs its certificate file.';
  if (
    !fields.sshHost &&
    (fields.sshPort || fields.sshUser || fields.sshKeyFile || fields.sshSecretMode !== 'none')
  ) {
    errors.sshHost ??= 'Enter the SSH host (or ~/.ssh/config alias) the tunnel goes through.';
  }
  return errors;
}

/** A profile's connection settings: what is left once its identity, secrets flags and dates are taken off. */
function fieldsOf(profile: Profile): ProfileFields {
  const {
    id: _id,
    hasStoredPassword: _h,
    hasStoredSshSecret: _s,
    createdAt: _c,
    updatedAt: _u,
    archivedAt: _a,
    ...fields
  } = profile;
  return fields;
}

function copyName(base: string, taken: (name: string) => boolean): string {
  for (let n = 1; n < 1000; n++) {
    const name = n === 1 ? `${base} (copy)` : `${base} (copy ${n})`;
    if (!taken(name)) return name.slice(0, 100);
  }
  return `${base} (${randomUUID().slice(0, 8)})`;
}

/**
 * Refuses to reuse a saved password for another server: the DBA types it again.
 * Called wherever a password saved for `saved` would go to `next`.
 */
function checkSameTarget(saved: SecretTarget, next: SecretTarget): void {
  if (targetKey(saved) === targetKey(next)) return;
  const message =
    `The saved password is for ${describeTarget(saved)}, not ${describeTarget(next)}. ` +
    'Type the password again: a saved password is only ever sent to the server it was saved for.';
  throw invalidInput(message, { password: message });
}

/**
 * Connection profiles: validation, storage, and the passwords that go with
 * them. Passwords leave this class only through `credentials()`, for main's
 * own connections, and only for the server they were saved for.
 */
export class ProfileService {
  /** Passwords for 'ask' profiles, for this app session only, with the target they were typed for. */
  private readonly sessionPasswords = new Map<string, { password: string; target: string }>();
  private readonly ssh: SshSecrets;

  constructor(
    private readonly repo: ProfileRepository,
    private readonly secrets: SecretStore,
    private readonly now: () => Date,
    /** Every change is announced here; the pools, the tunnels, the scheduler and the renderer follow it. */
    private readonly events: EventBus,
    /** Deletes a profile's stored history in bounded batches before its row goes (see ProfilePurge). */
    private readonly history?: { purge(profileId: string): Promise<unknown> },
    /** Gives a NEW profile the default schedule, heartbeat and alert rules of the moment (Settings). */
    private readonly defaults?: { applyTo(profileId: string): void },
  ) {
    this.ssh = new SshSecrets(secrets);
  }

  private changed(reason: 'created' | 'updated' | 'deleted' | 'archived' | 'restored', id: string): void {
    this.events.emit('profiles:changed', { reason, id });
  }

  list(): Profile[] {
    return this.repo.list().map((s) => s.profile);
  }

  get(id: string): Profile {
    return this.stored(id).profile;
  }

  /** The stored name a new profile called `name` would clash with (names are compared without case). */
  nameTaken(name: string): string | undefined {
    return this.repo.findByName(name)?.profile.name;
  }

  /** What `create` would refuse these fields for, without saving anything (an import's dry run). */
  check(fields: ProfileFields): void {
    this.validate(fields, undefined);
  }

  /**
   * `secretsFrom`: the profile this one is a copy of; a secret not typed again is
   * carried over from it (main to main, never through the renderer), and only
   * while the copy points at the server it was saved for.
   */
  create(fields: Input, secretsFrom?: string): Profile {
    const { password, sshSecret, ...rest } = fields;
    this.validate(rest, undefined);
    const source = secretsFrom === undefined ? undefined : this.stored(secretsFrom);
    const ciphers = {
      password: this.cipherFor(rest, password, source),
      sshSecret: this.ssh.cipherFor(rest, sshSecret, source),
    };
    const id = randomUUID();
    this.write(() => this.repo.insert(id, rest, ciphers, this.now().toISOString()), rest.name);
    this.defaults?.applyTo(id);
    this.changed('created', id);
    return this.get(id);
  }

  /** Profiles deleted with their history kept. */
  archived(): Profile[] {
    return this.repo.archived().map((s) => s.profile);
  }

  update(id: string, fields: Input): Profile {
    const current = this.live(id);
    const { password, sshSecret, ...rest } = fields;
    this.validate(rest, id);
    const ciphers = {
      password: this.cipherFor(rest, password, current),
      sshSecret: this.ssh.cipherFor(rest, sshSecret, current),
    };
    this.write(() => this.repo.update(id, rest, ciphers, this.now().toISOString()), rest.name);
    if (rest.passwordMode !== 'ask' || targetKey(rest) !== targetKey(current.profile)) {
      this.sessionPasswords.delete(id);
    }
    this.ssh.edited(id, rest, current.profile);
    this.changed('updated', id);
    return this.get(id);
  }

  duplicate(id: string, name?: string): Profile {
    const source = this.stored(id);
    const fields = fieldsOf(source.profile);
    const newName = name ?? copyName(fields.name, (n) => this.repo.findByName(n) !== undefined);
    const copy = { ...fields, name: newName };
    this.validate(copy, undefined);
    const newId = randomUUID();
    this.write(
      () =>
        this.repo.insert(
          newId,
          copy,
          { password: source.passwordCipher, sshSecret: source.sshSecretCipher },
          this.now().toISOString(),
        ),
      newName,
    );
    this.defaults?.applyTo(newId);
    this.changed('created', newId);
    return this.get(newId);
  }

  /**
   * Deletes the profile with its samples, heartbeats and alerts (in batches, so the app stays responsive);
   * the migration journal of its tables is kept.
   */
  async delete(id: string): Promise<void> {
    this.stored(id);
    await this.history?.purge(id);
    // What was written meanwhile (a sample or beat at most) cascades with the row.
    if (!this.repo.delete(id)) throw notFound('That profile no longer exists.');
    this.sessionPasswords.delete(id);
    this.ssh.forget(id);
    this.changed('deleted', id);
  }

  /**
   * "Delete, keep the history": the profile is no longer watched (no timers, no connections), its stored
   * secrets are dropped, and its samples, heartbeats and alerts stay readable until it is deleted for good.
   */
  archive(id: string): void {
    this.live(id);
    this.repo.archive(id, this.now().toISOString());
    this.sessionPasswords.delete(id);
    this.ssh.forget(id);
    this.changed('archived', id);
  }

  /** Watched again; a password it had stored must be typed again (it was dropped when archived). */
  restore(id: string): Profile {
    const { profile } = this.stored(id);
    if (!profile.archivedAt) throw new AppError('conflict', `"${profile.name}" is not archived.`);
    this.repo.restore(id, this.now().toISOString());
    this.changed('restored', id);
    return this.get(id);
  }

  unlock(id: string, password: string): void {
    const { profile } = this.stored(id);
    this.sessionPasswords.set(id, { password, target: targetKey(profile) });
    this.changed('updated', id);
  }

  /** For sshSecretMode 'ask': the passphrase (or SSH password), for this app session only. */
  unlockSsh(id: string, secret: string): void {
    this.ssh.unlock(this.stored(id).profile, secret);
    this.changed('updated', id);
  }

  /** Fields and secrets for main's own connections. Never sent to the renderer. */
  credentials(id: string): Credentials {
    const { profile, passwordCipher, sshSecretCipher } = this.live(id);
    return {
      fields: fieldsOf(profile),
      password: this.passwordOf(profile, passwordCipher),
      sshSecret: this.ssh.of(profile, sshSecretCipher),
    };
  }

  /** The SSH secret for a draft: typed, else the saved profile's if the tunnel settings are unchanged. */
  draftSshSecret(draft: Input, draftOf?: string): string | undefined {
    return this.ssh.forDraft(draft, draftOf ? this.repo.get(draftOf) : undefined);
  }

  /**
   * The password to use for a draft from the form: typed, else the saved
   * profile's, and that one only if the draft still points at the same server.
   */
  draftPassword(draft: ProfileFields & { password?: string }, draftOf?: string): string | undefined {
    if (draft.password) return draft.password;
    if (draft.passwordMode === 'pgpass' || !draftOf) return undefined;
    const stored = this.repo.get(draftOf);
    if (!stored) return undefined;
    if (draft.passwordMode === 'store') {
      if (!stored.passwordCipher) return undefined;
      checkSameTarget(stored.profile, draft);
      return this.decrypt(stored.profile, stored.passwordCipher);
    }
    const session = this.sessionPasswords.get(draftOf);
    if (!session) return undefined;
    checkSameTarget(stored.profile, draft);
    return session.password;
  }

  /**
   * Binds passwords stored before passwords were bound to their server, each to
   * its profile's current server. Run at start; a blob this store cannot read
   * (another backend's) is left as it is.
   */
  bindUnboundSecrets(): { bound: number; unreadable: string[] } {
    let bound = 0;
    const unreadable: string[] = [];
    for (const { profile, passwordCipher } of this.repo.list()) {
      if (!passwordCipher) continue;
      try {
        const plain = this.secrets.decryptUnbound(passwordCipher);
        if (plain === undefined) continue;
        this.repo.setPasswordCipher(profile.id, this.secrets.encrypt(plain, targetKey(profile)));
        bound++;
      } catch (err) {
        if (!(err instanceof SecretUnreadableError)) throw err;
        unreadable.push(profile.name);
      }
    }
    return { bound, unreadable };
  }

  private passwordOf(profile: Profile, cipher: Buffer | null): string | undefined {
    switch (profile.passwordMode) {
      case 'pgpass':
        return undefined;
      case 'store':
        return cipher ? this.decrypt(profile, cipher) : undefined;
      case 'ask': {
        const session = this.sessionPasswords.get(profile.id);
        const password = session?.target === targetKey(profile) ? session.password : undefined;
        if (password === undefined) {
          throw new AppError('password_required', `Enter the password for ${profile.user}@${profile.name}.`);
        }
        return password;
      }
    }
  }

  private decrypt(profile: Profile, cipher: Buffer): string {
    try {
      return this.secrets.decrypt(cipher, targetKey(profile));
    } catch (err) {
      throw new AppError(
        'password_required',
        `The stored password of "${profile.name}" cannot be read here (${(err as Error).message}). ` +
          'Enter it again in the profile, or switch the profile to ~/.pgpass.',
      );
    }
  }

  private stored(id: string): StoredProfile {
    const stored = this.repo.get(id);
    if (!stored) throw notFound('That profile no longer exists. It may have been deleted in another window.');
    return stored;
  }

  /** A profile that is watched: an archived one is refused (restore it first). */
  private live(id: string): StoredProfile {
    const stored = this.stored(id);
    if (stored.profile.archivedAt) {
      throw new AppError(
        'conflict',
        `"${stored.profile.name}" is archived: it is not watched. Restore it from Archived servers to use it again.`,
      );
    }
    return stored;
  }

  private validate(fields: ProfileFields, selfId: string | undefined): void {
    const errors = checkFields(fields);
    const clash = this.repo.findByName(fields.name);
    if (clash && clash.profile.id !== selfId) {
      errors.name = clash.profile.archivedAt
        ? `An archived server is named "${clash.profile.name}": restore it, delete it for good, or choose another name.`
        : `A profile named "${clash.profile.name}" already exists. Choose another name.`;
    }
    const first = Object.values(errors)[0];
    if (first) {
      const code = errors.name && Object.keys(errors).length === 1 ? 'conflict' : 'invalid_input';
      throw new AppError(code, first, errors);
    }
  }

  /** The ciphertext to keep: a typed password, else the stored one if the server is still the same. */
  private cipherFor(
    fields: ProfileFields,
    password: string | undefined,
    current: StoredProfile | undefined,
  ): Buffer | null {
    if (fields.passwordMode !== 'store') return null;
    if (password) return this.secrets.encrypt(password, targetKey(fields));
    if (current?.passwordCipher) {
      checkSameTarget(current.profile, fields);
      return current.passwordCipher;
    }
    throw invalidInput('Enter the password to store, or choose "ask every time" or ~/.pgpass.', {
      password: 'Enter the password to store.',
    });
  }

  private write(fn: () => void, name: string): void {
    try {
      fn();
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        const message = `A profile named "${name}" already exists. Choose another name.`;
        throw new AppError('conflict', message, { name: message });
      }
      throw err;
    }
  }
}
