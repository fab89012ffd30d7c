import { createStore } from 'zustand/vanilla';
import type { ProfileCandidate } from '../../shared/profile';
import type { RendererClient } from '../client';
import type { ProfilesStore } from './profiles';

export type ImportOutcome = { ok: true; profileId: string; name: string } | { ok: false; message: string };

export type DiscoverState = {
  status: 'idle' | 'searching' | 'ready' | 'failed';
  error: string | null;
  candidates: ProfileCandidate[];
  /** The files that were looked at. */
  searched: string[];
  /** Indices into candidates. */
  selected: number[];
  importing: boolean;
  outcomes: Record<number, ImportOutcome>;

  discover(): Promise<void>;
  toggle(index: number): void;
  importSelected(): Promise<void>;
};

export type DiscoverStore = ReturnType<typeof createDiscoverStore>;

/** Import from pg_service.conf and .pgpass: discover, pick, then main saves them (passwords never pass here). */
export function createDiscoverStore(client: RendererClient, profiles: ProfilesStore) {
  return createStore<DiscoverState>()((set, get) => ({
    status: 'idle',
    error: null,
    candidates: [],
    searched: [],
    selected: [],
    importing: false,
    outcomes: {},

    async discover() {
      set({ status: 'searching', error: null, outcomes: {} });
      const result = await client.invoke('profiles:discover', {});
      if (!result.ok) {
        set({ status: 'failed', error: result.error.message, candidates: [], selected: [] });
        return;
      }
      const { candidates, searched } = result.value;
      set({
        status: 'ready',
        candidates,
        searched,
        // Everything importable is ticked; the DBA unticks what they do not want.
        selected: candidates.flatMap((c, i) => (c.problem ? [] : [i])),
      });
    },

    toggle(index) {
      const c = get().candidates[index];
      if (!c || c.problem) return;
      set((s) => ({
        selected: s.selected.includes(index) ? s.selected.filter((i) => i !== index) : [...s.selected, index],
      }));
    },

    async importSelected() {
      const { candidates, selected, outcomes: previous } = get();
      set({ importing: true });
      const outcomes: Record<number, ImportOutcome> = { ...previous };
      const todo = [...selected].sort((a, b) => a - b).filter((i) => candidates[i] && !outcomes[i]?.ok);
      const labels = todo.map((i) => candidates[i]!.label);
      if (labels.length > 0) {
        const result = await client.invoke('profiles:import', { labels });
        for (const index of todo) {
          const label = candidates[index]!.label;
          const answer = result.ok ? result.value.results.find((r) => r.label === label) : undefined;
          if (answer?.profile) {
            profiles.getState().upsert(answer.profile);
            outcomes[index] = { ok: true, profileId: answer.profile.id, name: answer.profile.name };
          } else {
            outcomes[index] = {
              ok: false,
              message: answer?.error ?? (result.ok ? 'Not imported.' : result.error.message),
            };
          }
        }
        set({ outcomes: { ...outcomes } });
      }
      set({
        importing: false,
        selected: get().selected.filter((i) => !outcomes[i]?.ok),
      });
    },
  }));
}
