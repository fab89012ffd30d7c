import { createStore } from 'zustand/vanilla';
import type { EventMessage } from '../../shared/contract';
import type { ConnectionTestResult, Profile, ProfileStatus, TunnelStatus } from '../../shared/profile';
import type { AppErrorData, Result } from '../../shared/result';
import type { RendererClient } from '../client';
import { secretAskedBy, type UnlockSecret, type UnlockStore } from './unlock';

export type StatusState = ProfileStatus['state'];
export type StatusEntry = { state: StatusState; message?: string; latencyMs?: number; at: string };

export type TestEntry = {
  running: boolean;
  result: ConnectionTestResult | null;
  /** The request itself failed (e.g. the profile is gone, main unreachable). */
  error: AppErrorData | null;
};

export type ProfilesState = {
  profiles: Profile[];
  /** Deleted with their history kept: not watched, out of the sidebar; their history still opens. */
  archived: Profile[];
  loaded: boolean;
  loadError: string | null;
  /** Last known state per profile id: from the last test, or a `profiles:statusChanged` event. */
  status: Record<string, StatusEntry>;
  /** Last connection test per profile id. */
  tests: Record<string, TestEntry>;

  load(): Promise<void>;
  upsert(profile: Profile): void;
  /** Keeps a test made from the form as the saved profile's last test. */
  recordTest(id: string, result: ConnectionTestResult): void;
  /** acceptHostKey: a new SSH host key's fingerprint the DBA chose to trust. */
  test(id: string, acceptHostKey?: string): Promise<void>;
  /** The profile's SSH tunnel now (null: none opened). */
  tunnel(id: string): Promise<TunnelStatus | null>;
  /** keepHistory: archive it (history kept and readable); else delete it with its history. */
  remove(id: string, keepHistory?: boolean): Promise<{ ok: true } | { ok: false; error: AppErrorData }>;
  restore(id: string): Promise<{ ok: true } | { ok: false; error: AppErrorData }>;
  applyEvent(message: EventMessage): void;
  /**
   * Fills in the last state main stored for profiles this window has not heard of
   * yet (after a reload, before the next heartbeat). Never overrides a newer one.
   */
  seedStatus(entries: Array<{ profileId: string } & StatusEntry>): void;
};

export type ProfilesStore = ReturnType<typeof createProfilesStore>;

const byName = (a: Profile, b: Profile) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });

function statusFromTest(result: ConnectionTestResult): StatusEntry {
  return result.ok
    ? { state: 'up', at: result.report.testedAt }
    : { state: 'down', message: result.message, at: new Date().toISOString() };
}

/** What to ask when a test failed only because an 'ask' profile has no password (or passphrase) yet, else null. */
function passwordPrompt(
  result: Result<ConnectionTestResult>,
  profile: Profile | undefined,
): { message: string; secret: UnlockSecret } | null {
  if (!result.ok) {
    return result.error.code === 'password_required'
      ? { message: result.error.message, secret: secretAskedBy(result.error) }
      : null;
  }
  if (!result.value.ok && result.value.reason === 'no_password' && profile?.passwordMode === 'ask') {
    return { message: result.value.message, secret: 'password' };
  }
  return null;
}

/** A profile by id, live or archived (an archived one's pages show its kept history). */
export const findProfile = (
  s: Pick<ProfilesState, 'profiles' | 'archived'>,
  id: string,
): Profile | undefined => s.profiles.find((p) => p.id === id) ?? s.archived.find((p) => p.id === id);

export function createProfilesStore(client: RendererClient, unlock: UnlockStore) {
  return createStore<ProfilesState>()((set, get) => ({
    profiles: [],
    archived: [],
    loaded: false,
    loadError: null,
    status: {},
    tests: {},

    async load() {
      const [result, archived] = await Promise.all([
        client.invoke('profiles:list', {}),
        client.invoke('profiles:listArchived', {}),
      ]);
      if (archived.ok) set({ archived: archived.value });
      if (result.ok) set({ profiles: [...result.value].sort(byName), loaded: true, loadError: null });
      else set({ loaded: true, loadError: result.error.message });
    },

    upsert(profile) {
      set((s) => ({ profiles: [...s.profiles.filter((p) => p.id !== profile.id), profile].sort(byName) }));
    },

    recordTest(id, result) {
      set((s) => ({
        tests: { ...s.tests, [id]: { running: false, result, error: null } },
        status: { ...s.status, [id]: statusFromTest(result) },
      }));
    },

    async test(id, acceptHostKey) {
      const profile = get().profiles.find((p) => p.id === id);
      const setEntry = (entry: TestEntry) => set((s) => ({ tests: { ...s.tests, [id]: entry } }));
      const previous = get().tests[id]?.result ?? null;
      setEntry({ running: true, result: previous, error: null });

      const send = () => client.invoke('profiles:test', { id, ...(acceptHostKey ? { acceptHostKey } : {}) });
      let result = await send();
      // An 'ask' password or passphrase not unlocked yet this session: ask, then try again (both, at most).
      for (let asked = 0; asked < 2 && profile; asked++) {
        const askFor = passwordPrompt(result, profile);
        if (askFor === null) break;
        if (!(await unlock.getState().unlockProfile(profile, askFor.message, askFor.secret))) {
          setEntry({ running: false, result: previous, error: null });
          return;
        }
        result = await send();
      }

      if (!result.ok) {
        setEntry({ running: false, result: null, error: result.error });
        return;
      }
      get().recordTest(id, result.value);
    },

    async tunnel(id) {
      const result = await client.invoke('profiles:getTunnel', { id });
      return result.ok ? result.value : null;
    },

    async remove(id, keepHistory = false) {
      const result = await client.invoke('profiles:delete', { id, keepHistory });
      if (!result.ok) return { ok: false, error: result.error };
      set((s) => {
        const { [id]: _status, ...status } = s.status;
        const { [id]: _test, ...tests } = s.tests;
        return {
          profiles: s.profiles.filter((p) => p.id !== id),
          archived: s.archived.filter((p) => p.id !== id),
          status,
          tests,
        };
      });
      // The archived list (with the time it was archived) comes from main.
      if (keepHistory) await get().load();
      return { ok: true };
    },

    async restore(id) {
      const result = await client.invoke('profiles:restore', { id });
      if (!result.ok) return { ok: false, error: result.error };
      await get().load();
      return { ok: true };
    },

    applyEvent(message) {
      switch (message.event) {
        case 'profiles:changed':
          void get().load();
          break;
        case 'profiles:statusChanged': {
          const { profileId, state, message: text, latencyMs, at } = message.payload;
          set((s) => ({
            status: {
              ...s.status,
              [profileId]: {
                state,
                at,
                ...(text ? { message: text } : {}),
                ...(latencyMs !== undefined ? { latencyMs } : {}),
              },
            },
          }));
          break;
        }
      }
    },

    seedStatus(entries) {
      set((s) => {
        const status = { ...s.status };
        for (const { profileId, ...entry } of entries) {
          const known = status[profileId];
          if (entry.state === 'unknown') continue;
          if (!known || Date.parse(known.at) < Date.parse(entry.at)) status[profileId] = entry;
        }
        return { status };
      });
    },
  }));
}
