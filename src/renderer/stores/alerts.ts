import { createStore } from 'zustand/vanilla';
import { type Alert, isLoud, type Snooze } from '../../shared/alerts';
import type { EventMessage } from '../../shared/contract';
import type { AppErrorData } from '../../shared/result';
import type { RendererClient } from '../client';
import { sortAlerts } from '../lib/alerts';
import { idle, type Loadable, settled } from './loadable';

export type AlertFilter = 'active' | 'resolved' | 'all';
export type SeverityCounts = { warning: number; critical: number; total: number };

/** Which alerts the Alerts page reads: one profile's, or every profile's (null). */
export type HistoryScope = { profileId: string | null };

export type AlertsState = {
  /** Every active alert of every profile (acknowledged ones too), as main last said. */
  active: Loadable<Alert[]>;
  /**
   * Acknowledgements sent and not answered yet (id → when): hidden at once from
   * banners and counts, shown as acknowledged on the Alerts page.
   */
  acknowledging: Record<number, string>;
  /** Acknowledgements (or undos) main refused: the alert is back as it was, with why. */
  ackErrors: Record<number, AppErrorData>;

  /** Derived, kept in the state so selectors return stable values: active and not acknowledged. */
  visible: Alert[];
  /** Over every profile, and per profile. */
  counts: SeverityCounts & { byProfile: Record<string, SeverityCounts> };

  /** The Alerts page: active and resolved alerts kept by main. */
  scope: HistoryScope | null;
  filter: AlertFilter;
  history: Loadable<Alert[]>;

  loadActive(): Promise<void>;
  openHistory(profileId: string | null): void;
  loadHistory(): Promise<void>;
  setFilter(filter: AlertFilter): void;
  /** Acknowledge (optimistic): quiet now, back with the error if main refuses. */
  acknowledge(id: number, snooze?: Snooze): Promise<void>;
  /** Undo an acknowledgement: shown and counted again. */
  unacknowledge(id: number): Promise<void>;
  applyEvent(message: EventMessage): void;
};

export type AlertsStore = ReturnType<typeof createAlertsStore>;

const EMPTY: SeverityCounts = { warning: 0, critical: 0, total: 0 };

/** Events come in bursts (one per alert a sample raised): read again once per burst. */
const COALESCE_MS = 150;

function derive(active: Alert[] | null, acknowledging: Record<number, string>) {
  const visible = sortAlerts((active ?? []).filter((a) => isLoud(a) && !(a.id in acknowledging)));
  const byProfile: Record<string, SeverityCounts> = {};
  const all = { ...EMPTY };
  for (const a of visible) {
    byProfile[a.profileId] ??= { ...EMPTY };
    for (const c of [byProfile[a.profileId]!, all]) {
      c[a.severity] += 1;
      c.total += 1;
    }
  }
  return { visible, counts: { ...all, byProfile } };
}

/** An alert as the DBA sees it: acknowledged the moment they asked. */
export function asAcknowledged(alert: Alert, at: string): Alert {
  return { ...alert, acknowledged: alert.acknowledged ?? { at, until: null } };
}

function upsert(list: Alert[] | null, alert: Alert): Alert[] | null {
  if (!list) return list;
  const i = list.findIndex((a) => a.id === alert.id);
  if (i === -1) return [alert, ...list];
  const next = [...list];
  next[i] = alert;
  return next;
}

/**
 * The rows of the Alerts page: main's kept alerts, with what this window knows
 * since (alerts raised after the read, acknowledgements not answered yet).
 */
export function alertRows(
  state: Pick<AlertsState, 'history' | 'active' | 'acknowledging' | 'filter'>,
  profileId: string | null,
): Alert[] {
  const byId = new Map<number, Alert>();
  for (const a of state.history.data ?? []) byId.set(a.id, a);
  for (const a of state.active.data ?? []) {
    if (profileId === null || a.profileId === profileId) byId.set(a.id, a);
  }
  for (const [id, at] of Object.entries(state.acknowledging)) {
    const a = byId.get(Number(id));
    if (a && a.resolvedAt === null && !a.acknowledged) byId.set(a.id, asAcknowledged(a, at));
  }
  const all = [...byId.values()];
  const active = sortAlerts(all.filter((a) => a.resolvedAt === null));
  const resolved = all
    .filter((a) => a.resolvedAt !== null)
    .sort((a, b) => Date.parse(b.resolvedAt!) - Date.parse(a.resolvedAt!));
  if (state.filter === 'active') return active;
  if (state.filter === 'resolved') return resolved;
  return [...active, ...resolved];
}

export function createAlertsStore(client: RendererClient) {
  return createStore<AlertsState>()((set, get) => {
    /** Only the newest read of the active list may land: an older one could make an acknowledged alert loud again. */
    let activeSeq = 0;
    let historySeq = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;

    const setActive = (active: Loadable<Alert[]>, acknowledging = get().acknowledging) =>
      set({ active, acknowledging, ...derive(active.data, acknowledging) });

    const refreshSoon = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void get().loadActive();
        if (get().scope) void get().loadHistory();
      }, COALESCE_MS);
    };

    return {
      active: idle(),
      acknowledging: {},
      ackErrors: {},
      visible: [],
      counts: { ...EMPTY, byProfile: {} },
      scope: null,
      filter: 'active',
      history: idle(),

      async loadActive() {
        const seq = ++activeSeq;
        set((s) => ({ active: { ...s.active, loading: true } }));
        const result = await client.invoke('alerts:list', { include: 'active' });
        if (seq !== activeSeq) return;
        const { active } = get();
        setActive(settled(result, active.data));
      },

      openHistory(profileId) {
        const same = get().scope?.profileId === profileId;
        if (!same) set({ scope: { profileId }, history: idle(), filter: 'active' });
        void get().loadHistory();
      },

      async loadHistory() {
        const scope = get().scope;
        if (!scope) return;
        const seq = ++historySeq;
        set((s) => ({ history: { ...s.history, loading: true } }));
        const result = await client.invoke('alerts:list', {
          include: 'all',
          ...(scope.profileId ? { profileId: scope.profileId } : {}),
        });
        if (seq !== historySeq || get().scope !== scope) return;
        set((s) => ({
          history: settled(result, s.history.data),
        }));
      },

      setFilter(filter) {
        set({ filter });
      },

      async acknowledge(id, snooze) {
        if (id in get().acknowledging) return;
        const { [id]: _old, ...ackErrors } = get().ackErrors;
        set({ ackErrors });
        setActive(get().active, { ...get().acknowledging, [id]: new Date().toISOString() });

        const result = await client.invoke('alerts:ack', snooze ? { id, snooze } : { id });

        const { [id]: _done, ...acknowledging } = get().acknowledging;
        if (result.ok) {
          // Reads started before the answer may still list it as loud: they are dropped.
          activeSeq++;
          const { active } = get();
          setActive({ ...active, data: upsert(active.data, result.value), loading: false }, acknowledging);
          set((s) => ({ history: { ...s.history, data: upsert(s.history.data, result.value) } }));
          refreshSoon();
          return;
        }
        // Refused: it comes back where it was, with main's reason.
        setActive(get().active, acknowledging);
        set((s) => ({ ackErrors: { ...s.ackErrors, [id]: result.error } }));
        // Main may refuse because it is already resolved (it cleared, or the CLI did it): read what is true now.
        void get().loadActive();
      },

      async unacknowledge(id) {
        const result = await client.invoke('alerts:unack', { id });
        if (!result.ok) {
          set((s) => ({ ackErrors: { ...s.ackErrors, [id]: result.error } }));
          void get().loadActive();
          return;
        }
        activeSeq++;
        const { active } = get();
        setActive({ ...active, data: upsert(active.data, result.value), loading: false });
        set((s) => ({ history: { ...s.history, data: upsert(s.history.data, result.value) } }));
      },

      applyEvent(message) {
        if (message.event === 'alerts:changed') {
          const { alert, change } = message.payload;
          const { active } = get();
          // Show it now; the read that follows confirms it.
          const data =
            change === 'resolved'
              ? (active.data?.filter((a) => a.id !== alert.id) ?? null)
              : upsert(active.data, alert);
          if (data !== active.data) {
            activeSeq++;
            setActive({ ...active, data, loading: false });
          }
          set((s) => ({ history: { ...s.history, data: upsert(s.history.data, alert) } }));
          refreshSoon();
        } else if (message.event === 'storage:sampled' && message.payload.ok) {
          // Rules are checked after every sample; if main said nothing, nothing changed, but the read is cheap.
          refreshSoon();
        } else if (message.event === 'profiles:changed' && message.payload.reason === 'deleted') {
          refreshSoon();
        }
      },
    };
  });
}
