import { describe, expect, it, vi } from 'vitest';
import { fakeClient } from '../../../test/support/fake-client';
import { type Alert, DEFAULT_ALERT_RULES } from '../../shared/alerts';
import type { EventMessage } from '../../shared/contract';
import type { ClientCapabilities } from '../client';
import { bytesToGib, gibToBytes, sortAlerts } from '../lib/alerts';
import { alertRows, createAlertsStore } from './alerts';
import { createNavigationStore } from './navigation';
import { createNotificationsStore } from './notifications';
import { createProfilesStore } from './profiles';
import { draftOf, ruleFieldErrors, rulesOf } from './rules';
import { createUnlockStore } from './unlock';

const GIB = 1024 ** 3;

let nextId = 1;
const alertOf = (over: Partial<Alert> = {}): Alert => ({
  id: nextId++,
  profileId: 'a',
  kind: 'growth_warning',
  severity: 'warning',
  subject: { type: 'database', name: 'shop', relationId: null },
  message: 'Database shop grew at 40 % per 24 h.',
  currentBytes: 140,
  previousBytes: 100,
  growthPct: 40,
  raisedAt: '2026-11-22T10:00:00.000Z',
  lastSeenAt: '2026-11-22T10:00:00.000Z',
  acknowledged: null,
  resolvedAt: null,
  resolution: null,
  ...over,
});

describe('GiB in the rules form', () => {
  it('converts decimal GiB to whole bytes exactly, never through a binary float', () => {
    expect(gibToBytes('50')).toBe(50 * GIB);
    expect(gibToBytes('0.5')).toBe(GIB / 2);
    expect(gibToBytes('0,25')).toBe(GIB / 4);
    expect(gibToBytes(' 1.5 ')).toBe(1.5 * GIB);
    // 0.1 GiB = 107,374,182.4 bytes: the nearest byte.
    expect(gibToBytes('0.1')).toBe(107_374_182);
    expect(gibToBytes('0.0000000005')).toBe(1);
    expect(gibToBytes('0')).toBe(0);
    // Sizes with their unit are read too, the way the DBA writes them elsewhere.
    expect(gibToBytes('5 GiB')).toBe(5 * GIB);
    expect(gibToBytes('1 GB')).toBe(GIB);
    expect(gibToBytes('512 MB')).toBe(GIB / 2);
    for (const text of ['', '.', 'lots', '1e3', '1.2.3', '-1', '5 parsecs'])
      expect(gibToBytes(text)).toBeNull();
  });
  it('shows stored bytes as the shortest GiB text that reads back the same', () => {
    expect(bytesToGib(50 * GIB)).toBe('50');
    expect(bytesToGib(GIB / 2)).toBe('0.5');
    expect(bytesToGib(gibToBytes('0.001')!)).toBe('0.001');
    expect(bytesToGib(0)).toBe('0');
    for (const bytes of [1, 12_345, 987_654_321, 3 * GIB + 7, 1024 ** 4 + 1]) {
      expect(gibToBytes(bytesToGib(bytes))).toBe(bytes);
    }
  });
});

describe('the rules draft', () => {
  it('shows the defaults in GiB and sends bytes back', () => {
    const draft = draftOf(DEFAULT_ALERT_RULES);
    expect(draft.growthFloorBytes).toBe('1');
    expect(draft.sizeCriticalBytes).toBe('50');
    expect(draft.growthWarningPct).toBe('20');
    expect(rulesOf(draft)).toEqual({ ok: true, rules: DEFAULT_ALERT_RULES });
  });
  it('leaves a figure that is not a number for main to explain, except a size it cannot convert', () => {
    const draft = { ...draftOf(DEFAULT_ALERT_RULES), growthWarningPct: 'lots', forecastDays: '7,5' };
    const parsed = rulesOf(draft);
    expect(parsed.ok && parsed.rules.growthWarningPct).toBe('lots');
    expect(parsed.ok && parsed.rules.forecastDays).toBe(7.5);
    const bad = rulesOf({ ...draft, sizeCriticalBytes: 'big' });
    expect(bad).toEqual({
      ok: false,
      fields: { sizeCriticalBytes: '"big" is not a size: write a number, e.g. 50, 0.5 or 1.5 GiB.' },
    });
    const negative = rulesOf({ ...draft, growthFloorBytes: '-5' });
    expect(negative).toEqual({ ok: false, fields: { growthFloorBytes: 'A size cannot be negative.' } });
    expect(rulesOf({ ...draft, sizeCriticalBytes: '1 TB' })).toMatchObject({
      ok: true,
      rules: { sizeCriticalBytes: 1024 ** 4 },
    });
  });
  it('puts main’s errors under the fields they name', () => {
    expect(
      ruleFieldErrors({
        code: 'invalid_input',
        message: 'x',
        fields: { 'rules.growthFloorBytes': 'floor', growthWarningPct: 'pct', profileIds: 'who' },
      }),
    ).toEqual({ growthFloorBytes: 'floor', growthWarningPct: 'pct' });
  });
});

describe('the alerts store', () => {
  async function loaded(alerts: Alert[]) {
    const fake = fakeClient();
    const store = createAlertsStore(fake.client);
    const loading = store.getState().loadActive();
    fake.last('alerts:list').answer({ ok: true, value: alerts });
    await loading;
    return { ...fake, store };
  }

  it('sorts the most severe first, and counts per profile', async () => {
    const warning = alertOf();
    const critical = alertOf({ kind: 'size_critical', severity: 'critical' });
    const other = alertOf({ profileId: 'b', kind: 'relation_growth' });
    const { store } = await loaded([warning, other, critical]);
    expect(store.getState().visible.map((a) => a.id)).toEqual([critical.id, warning.id, other.id]);
    expect(store.getState().counts.total).toBe(3);
    expect(store.getState().counts.byProfile.a).toEqual({ warning: 1, critical: 1, total: 2 });
    expect(store.getState().counts.byProfile.b).toEqual({ warning: 1, critical: 0, total: 1 });
  });

  it('acknowledges at once, before main answers, and keeps it quiet when main agrees', async () => {
    const a = alertOf();
    const b = alertOf({ kind: 'relation_growth' });
    const { store, calls, last } = await loaded([a, b]);
    const acknowledging = store.getState().acknowledge(a.id);
    expect(store.getState().visible.map((x) => x.id)).toEqual([b.id]);
    expect(store.getState().counts.total).toBe(1);
    // A read started before main resolved it still lists it as active: it must not bring it back.
    const stale = store.getState().loadActive();
    const acked = { ...a, acknowledged: { at: '2026-11-22T10:05:00.000Z', until: null } };
    last('alerts:ack').answer({ ok: true, value: acked });
    await acknowledging;
    calls
      .filter((c) => c.channel === 'alerts:list')
      .at(-1)!
      .answer({ ok: true, value: [a, b] });
    await stale;
    expect(store.getState().visible.map((x) => x.id)).toEqual([b.id]);
    // Still active (quiet), so the Alerts page lists it as acknowledged.
    expect(store.getState().active.data?.find((x) => x.id === a.id)?.acknowledged).toEqual(
      acked.acknowledged,
    );
  });

  it('snoozes with the chosen duration, and an undo makes it loud again', async () => {
    const a = alertOf();
    const { store, last } = await loaded([a]);
    const snoozing = store.getState().acknowledge(a.id, '1d');
    expect(last('alerts:ack').request).toEqual({ id: a.id, snooze: '1d' });
    const snoozed = { ...a, acknowledged: { at: a.raisedAt, until: '2026-11-23T10:00:00.000Z' } };
    last('alerts:ack').answer({ ok: true, value: snoozed });
    await snoozing;
    expect(store.getState().visible).toEqual([]);
    const undoing = store.getState().unacknowledge(a.id);
    last('alerts:unack').answer({ ok: true, value: a });
    await undoing;
    expect(store.getState().visible.map((x) => x.id)).toEqual([a.id]);
  });

  it('brings a refused acknowledgement back, with main’s reason', async () => {
    const a = alertOf();
    const { store, last } = await loaded([a]);
    const acknowledging = store.getState().acknowledge(a.id);
    expect(store.getState().visible).toEqual([]);
    last('alerts:ack').answer({ ok: false, error: { code: 'store_error', message: 'disk full' } });
    await acknowledging;
    expect(store.getState().visible.map((x) => x.id)).toEqual([a.id]);
    expect(store.getState().ackErrors[a.id]?.message).toBe('disk full');
  });

  it('shows a raised alert from the event at once, and reads the list again once per burst', async () => {
    vi.useFakeTimers();
    try {
      const { store, calls } = await loaded([]);
      const reads = () => calls.filter((c) => c.channel === 'alerts:list').length;
      const before = reads();
      const raised = (alert: Alert): EventMessage => ({
        event: 'alerts:changed',
        payload: { profileId: alert.profileId, change: 'raised', alert },
      });
      const x = alertOf();
      store.getState().applyEvent(raised(x));
      store.getState().applyEvent(raised(alertOf({ kind: 'relation_growth' })));
      expect(store.getState().counts.total).toBe(2);
      await vi.advanceTimersByTimeAsync(500);
      expect(reads()).toBe(before + 1);
      store.getState().applyEvent({
        event: 'alerts:changed',
        payload: { profileId: 'a', change: 'resolved', alert: { ...x, resolvedAt: x.raisedAt } },
      });
      expect(store.getState().counts.total).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('lists an acknowledgement in progress as acknowledged on the Alerts page', () => {
    const open = alertOf();
    const done = alertOf({ resolvedAt: '2026-11-22T11:00:00.000Z', resolution: 'recovered' });
    const state = {
      history: { data: [open, done], error: null, loading: false },
      active: { data: [open], error: null, loading: false },
      acknowledging: { [open.id]: '2026-11-22T12:00:00.000Z' },
    };
    expect(alertRows({ ...state, filter: 'active' }, null).map((a) => [a.id, a.acknowledged])).toEqual([
      [open.id, { at: '2026-11-22T12:00:00.000Z', until: null }],
    ]);
    const resolved = alertRows({ ...state, filter: 'resolved' }, null);
    expect(resolved.map((a) => [a.id, a.resolution])).toEqual([[done.id, 'recovered']]);
  });

  it('puts the whole server before a database before a relation within a severity', () => {
    const rel = alertOf({ kind: 'relation_growth' });
    const db = alertOf({ kind: 'growth_warning' });
    const down = alertOf({ kind: 'server_down', severity: 'critical' });
    expect(sortAlerts([rel, db, down]).map((a) => a.kind)).toEqual([
      'server_down',
      'growth_warning',
      'relation_growth',
    ]);
  });
});

describe('notifications of raised alerts', () => {
  type Made = { title: string; options?: NotificationOptions };
  function setup(
    capabilities: ClientCapabilities,
    permission: NotificationPermission,
    prefs?: { notifyDesktop: boolean; notifyMinSeverity: 'warning' | 'critical' },
  ) {
    const made: Made[] = [];
    const requestPermission = vi.fn(async () => {
      FakeNotification.permission = 'granted';
      return 'granted' as NotificationPermission;
    });
    class FakeNotification {
      static permission = permission;
      static requestPermission = requestPermission;
      onclick: (() => void) | null = null;
      constructor(title: string, options?: NotificationOptions) {
        made.push({ title, ...(options ? { options } : {}) });
      }
      close() {}
    }
    const win = { Notification: FakeNotification, location: { hash: '' }, addEventListener: () => {} };
    const { client } = fakeClient(capabilities);
    const unlock = createUnlockStore(client);
    const profiles = createProfilesStore(client, unlock);
    const navigation = createNavigationStore(win as unknown as Window);
    const store = createNotificationsStore({
      capabilities,
      profiles,
      navigation,
      win: win as unknown as Window,
      ...(prefs ? { prefs: () => prefs } : {}),
    });
    return { store, made, requestPermission };
  }
  const browser = { desktopNotifications: false, badge: false };
  const electron = { desktopNotifications: true, badge: true };

  it('in a browser without permission: one toast for a burst, and the browser is never asked by itself', () => {
    const { store, made, requestPermission } = setup(browser, 'default');
    store.getState().alertRaised(alertOf());
    store.getState().alertRaised(alertOf({ kind: 'relation_growth' }));
    expect(store.getState().toasts).toHaveLength(1);
    expect(store.getState().toasts[0]!.alerts).toHaveLength(2);
    expect(made).toEqual([]);
    expect(requestPermission).not.toHaveBeenCalled();
  });

  it('asks the browser when told to; from then on a desktop notification, replaced while the burst goes on', async () => {
    const { store, made, requestPermission } = setup(browser, 'default');
    await store.getState().requestPermission();
    expect(requestPermission).toHaveBeenCalledTimes(1);
    expect(store.getState().permission).toBe('granted');
    store.getState().alertRaised(alertOf());
    store.getState().alertRaised(alertOf());
    expect(store.getState().toasts).toEqual([]);
    expect(made).toHaveLength(2);
    expect(made[1]!.title).toMatch(/^2 new alerts/);
    expect(made[1]!.options?.tag).toBe(made[0]!.options?.tag);
  });

  it('follows the preferences in Settings: off, or critical only, shows a toast instead', () => {
    const off = setup(browser, 'granted', { notifyDesktop: false, notifyMinSeverity: 'warning' });
    off.store.getState().alertRaised(alertOf({ severity: 'critical' }));
    expect(off.made).toEqual([]);
    expect(off.store.getState().toasts).toHaveLength(1);

    const critical = setup(browser, 'granted', { notifyDesktop: true, notifyMinSeverity: 'critical' });
    critical.store.getState().alertRaised(alertOf({ severity: 'warning' }));
    expect(critical.made).toEqual([]);
    expect(critical.store.getState().toasts).toHaveLength(1);
    critical.store.getState().alertRaised(alertOf({ profileId: 'other', severity: 'critical' }));
    expect(critical.made).toHaveLength(1);
  });

  it('in Electron: main notifies the desktop, the page only shows the toast', () => {
    const { store, made } = setup(electron, 'granted');
    store.getState().alertRaised(alertOf());
    expect(made).toEqual([]);
    expect(store.getState().toasts).toHaveLength(1);
    expect(store.getState().permission).toBe('unsupported');
  });
});
