import { createStore } from 'zustand/vanilla';
import type { Profile } from '../../shared/profile';
import type { AppErrorData, Result } from '../../shared/result';
import type { RendererClient } from '../client';

/** Which secret a profile asks for: its database password, or its SSH tunnel's passphrase (sshSecretMode 'ask'). */
export type UnlockSecret = 'password' | 'sshSecret';

/** Main's password_required names the secret it lacks in its fields. */
export const secretAskedBy = (error: AppErrorData): UnlockSecret =>
  error.fields?.sshSecret ? 'sshSecret' : 'password';

export type UnlockPrompt =
  /** A saved profile with passwordMode or sshSecretMode 'ask': the secret is handed to main for this session. */
  | { kind: 'profile'; secret: UnlockSecret; profileId: string; profileName: string; message: string | null }
  /** A draft in the form: the password is used for one test and forgotten. */
  | { kind: 'once'; title: string; message: string | null };

export type UnlockState = {
  prompt: UnlockPrompt | null;
  busy: boolean;
  error: string | null;
  /** Resolves true once main has the password (or passphrase), false if the DBA cancelled. */
  unlockProfile(
    profile: Pick<Profile, 'id' | 'name'>,
    message?: string,
    secret?: UnlockSecret,
  ): Promise<boolean>;
  /** Resolves with the password typed, for the caller to send at once, or null if cancelled. */
  askOnce(title: string, message?: string): Promise<string | null>;
  submit(password: string): Promise<void>;
  cancel(): void;
};

export type UnlockStore = ReturnType<typeof createUnlockStore>;

/**
 * The password dialog. The password is never put into the state: submit()
 * receives it from the dialog and passes it straight on.
 */
export function createUnlockStore(client: RendererClient) {
  // The pending caller, kept outside the state so nothing renders or persists it.
  let settle: ((value: string | boolean | null) => void) | null = null;

  const finish = (value: string | boolean | null) => {
    const resolve = settle;
    settle = null;
    resolve?.(value);
  };

  return createStore<UnlockState>()((set, get) => ({
    prompt: null,
    busy: false,
    error: null,
    unlockProfile(profile, message, secret = 'password') {
      finish(false);
      set({
        prompt: {
          kind: 'profile',
          secret,
          profileId: profile.id,
          profileName: profile.name,
          message: message ?? null,
        },
        busy: false,
        error: null,
      });
      return new Promise<boolean>((resolve) => {
        settle = (v) => resolve(v === true);
      });
    },
    askOnce(title, message) {
      finish(null);
      set({ prompt: { kind: 'once', title, message: message ?? null }, busy: false, error: null });
      return new Promise<string | null>((resolve) => {
        settle = (v) => resolve(typeof v === 'string' ? v : null);
      });
    },
    async submit(password) {
      const prompt = get().prompt;
      if (!prompt) return;
      if (!password) {
        set({
          error:
            prompt.kind === 'profile' && prompt.secret === 'sshSecret'
              ? 'Enter the passphrase.'
              : 'Enter the password.',
        });
        return;
      }
      if (prompt.kind === 'once') {
        set({ prompt: null, error: null });
        finish(password);
        return;
      }
      set({ busy: true, error: null });
      const result =
        prompt.secret === 'sshSecret'
          ? await client.invoke('profiles:unlockSsh', { id: prompt.profileId, secret: password })
          : await client.invoke('profiles:unlock', { id: prompt.profileId, password });
      if (get().prompt !== prompt) return;
      if (result.ok) {
        set({ prompt: null, busy: false });
        finish(true);
      } else {
        const fields = result.error.fields;
        set({ busy: false, error: fields?.password ?? fields?.secret ?? result.error.message });
      }
    },
    cancel() {
      const prompt = get().prompt;
      set({ prompt: null, busy: false, error: null });
      finish(prompt?.kind === 'profile' ? false : null);
    },
  }));
}

/**
 * Sends a request for a profile's server; while main answers password_required
 * (the password, then the tunnel's passphrase: two at most), asks and sends again.
 */
export async function sendUnlocking<T>(
  unlock: UnlockStore,
  profile: Pick<Profile, 'id' | 'name'> | undefined,
  send: () => Promise<Result<T>>,
): Promise<Result<T>> {
  let result = await send();
  for (
    let asked = 0;
    asked < 2 && profile && !result.ok && result.error.code === 'password_required';
    asked++
  ) {
    const secret = secretAskedBy(result.error);
    if (!(await unlock.getState().unlockProfile(profile, result.error.message, secret))) break;
    result = await send();
  }
  return result;
}
