import type { Profile, ProfileFields } from '../../shared/profile';
import { AppError, invalidInput } from '../errors';
import type { StoredProfile } from '../local-db/profile-repository';
import {
  describeSshTarget,
  type SecretStore,
  type SshSecretTarget,
  sshTargetKey,
} from '../secrets/secret-store';

/**
 * A profile's SSH secret (key passphrase, or SSH password), kept by the rules
 * of its database password: encrypted and bound to the tunnel it was typed for
 * (host or alias, port, user, key file), or asked once per app session.
 */

/** The secret goes only with the SSH settings it was saved for. */
function checkSameSshTarget(saved: SshSecretTarget, next: SshSecretTarget): void {
  if (sshTargetKey(saved) === sshTargetKey(next)) return;
  const message =
    `The saved SSH passphrase is for ${describeSshTarget(saved)}, not ${describeSshTarget(next)}. ` +
    'Type it again: a saved secret is only ever used for the tunnel it was saved for.';
  throw invalidInput(message, { sshSecret: message });
}

export class SshSecrets {
  /** For sshSecretMode 'ask': this app session only, with the tunnel it was typed for. */
  private readonly session = new Map<string, { secret: string; target: string }>();

  constructor(private readonly secrets: SecretStore) {}

  /** The ciphertext to keep: a typed secret, else the stored one if the tunnel is the same. */
  cipherFor(
    fields: ProfileFields,
    secret: string | undefined,
    current: StoredProfile | undefined,
  ): Buffer | null {
    if (fields.sshSecretMode !== 'store' || !fields.sshHost) return null;
    if (secret) return this.secrets.encrypt(secret, sshTargetKey(fields));
    if (current?.sshSecretCipher) {
      checkSameSshTarget(current.profile, fields);
      return current.sshSecretCipher;
    }
    throw invalidInput(
      'Enter the SSH key passphrase (or SSH password) to store, or choose "ask every time".',
      {
        sshSecret: 'Enter the passphrase to store.',
      },
    );
  }

  /** After an edit: a session secret stays only for an 'ask' profile whose tunnel is unchanged. */
  edited(id: string, fields: ProfileFields, before: Profile): void {
    if (fields.sshSecretMode !== 'ask' || sshTargetKey(fields) !== sshTargetKey(before))
      this.session.delete(id);
  }

  forget(id: string): void {
    this.session.delete(id);
  }

  unlock(profile: Profile, secret: string): void {
    this.session.set(profile.id, { secret, target: sshTargetKey(profile) });
  }

  /** The secret for main's own tunnel. */
  of(profile: Profile, cipher: Buffer | null): string | undefined {
    if (!profile.sshHost) return undefined;
    switch (profile.sshSecretMode) {
      case 'none':
        return undefined;
      case 'store':
        return cipher ? this.decrypt(profile, cipher) : undefined;
      case 'ask': {
        const typed = this.session.get(profile.id);
        if (typed?.target === sshTargetKey(profile)) return typed.secret;
        const message = `Enter the SSH passphrase (or password) for the tunnel of "${profile.name}" (${describeSshTarget(profile)}).`;
        // The field says which secret is asked for: the page answers with profiles:unlockSsh.
        throw new AppError('password_required', message, { sshSecret: message });
      }
    }
  }

  /** For a draft: typed, else the saved profile's if its tunnel settings are unchanged. */
  forDraft(
    draft: ProfileFields & { sshSecret?: string },
    stored: StoredProfile | undefined,
  ): string | undefined {
    if (draft.sshSecret) return draft.sshSecret;
    if (draft.sshSecretMode === 'none' || !stored) return undefined;
    if (draft.sshSecretMode === 'store') {
      if (!stored.sshSecretCipher) return undefined;
      checkSameSshTarget(stored.profile, draft);
      return this.decrypt(stored.profile, stored.sshSecretCipher);
    }
    const typed = this.session.get(stored.profile.id);
    if (!typed) return undefined;
    checkSameSshTarget(stored.profile, draft);
    return typed.secret;
  }

  private decrypt(profile: Profile, cipher: Buffer): string {
    try {
      return this.secrets.decrypt(cipher, sshTargetKey(profile));
    } catch (err) {
      throw new AppError(
        'password_required',
        `The stored SSH passphrase of "${profile.name}" cannot be read here (${(err as Error).message}). ` +
          'Enter it again in the profile.',
      );
    }
  }
}
