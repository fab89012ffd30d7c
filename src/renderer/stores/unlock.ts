import { createStore } from 'zustand/vanilla';
import type { Profile } from '../../shared/profile';
import type { RendererClient } from '../client';

export type UnlockPrompt =
  /** A saved profile with passwordMode 'ask': the password is handed to main for this session. */
  | { kind: 'profile'; profileId: string; profileName: string; message: string | null }
  /** A draft in the form: the password is used for one test and forgotten. */
  | { kind: 'once'; title: string; message: string | null };

export type UnlockState = {
  prompt: UnlockPrompt | null;
  busy: boolean;
  error: string | null;
  /** Resolves true once main has the password, false if the DBA cancelled. */
  unlockProfile(profile: Pick<Profile, 'id' | 'name'>, message?: string): Promise<boolean>;
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
    unlockProfile(profile, message) {
      finish(false);
      set({
        prompt: {
          kind: 'profile',
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
        set({ error: 'Enter the password.' });
        return;
      }
      if (prompt.kind === 'once') {
        set({ prompt: null, error: null });
        finish(password);
        return;
      }
      set({ busy: true, error: null });
      const result = await client.invoke('profiles:unlock', { id: prompt.profileId, password });
      if (get().prompt !== prompt) return;
      if (result.ok) {
        set({ prompt: null, busy: false });
        finish(true);
      } else {
        set({ busy: false, error: result.error.fields?.password ?? result.error.message });
      }
    },
    cancel() {
      const prompt = get().prompt;
      set({ prompt: null, busy: false, error: null });
      finish(prompt?.kind === 'profile' ? false : null);
    },
  }));
}
