import { createStore } from 'zustand/vanilla';
import type { Alert } from '../../shared/alerts';
import type { EventMessage } from '../../shared/contract';
import { oneLine } from '../../shared/plain-text';
import type { Settings } from '../../shared/storage';
import type { ClientCapabilities } from '../client';
import { alertKindLabels, severityLabels, subjectText } from '../lib/alerts';
import type { NavigationStore } from './navigation';
import type { ProfilesStore } from './profiles';

/** What the browser allows; 'unsupported' where there is no Notification API (or main notifies). */
export type NotificationPermissionState = 'default' | 'granted' | 'denied' | 'unsupported';

/** One toast: the alerts a profile raised together (one sample can raise several). */
export type Toast = {
  id: number;
  profileId: string;
  profileName: string;
  alerts: Alert[];
  /** When the last alert joined it (ms). */
  at: number;
};

export type NotificationsState = {
  /** Main shows desktop notifications itself (Electron): the page only shows toasts. */
  mainNotifies: boolean;
  /** Main shows the count of active alerts on the window / app badge (Electron). */
  mainBadges: boolean;
  permission: NotificationPermissionState;
  asking: boolean;
  toasts: Toast[];

  /** Asks the browser once; call it only from a click. */
  requestPermission(): Promise<void>;
  dismissToast(id: number): void;
  alertRaised(alert: Alert): void;
  applyEvent(message: EventMessage): void;
};

export type NotificationsStore = ReturnType<typeof createNotificationsStore>;

/** Toasts on screen at once; older ones make room. */
const MAX_TOASTS = 3;
/** Alerts of one profile raised this close together share a toast (and a desktop notification). */
export const GROUP_MS = 3_000;

type NotificationApi = {
  permission: NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
  new (title: string, options?: NotificationOptions): Notification;
};

type Deps = {
  capabilities: ClientCapabilities;
  profiles: ProfilesStore;
  navigation: NavigationStore;
  win?: Window;
  /** The DBA's notification preferences (Settings); null until loaded (then notifications are on). */
  prefs?: () => Pick<Settings, 'notifyDesktop' | 'notifyMinSeverity'> | null;
};

/** Whether the preferences let this alert reach the desktop (the toast in the window always shows). */
export function desktopAllows(
  prefs: Pick<Settings, 'notifyDesktop' | 'notifyMinSeverity'> | null | undefined,
  alert: Pick<Alert, 'severity'>,
): boolean {
  if (!prefs) return true;
  return prefs.notifyDesktop && (prefs.notifyMinSeverity === 'warning' || alert.severity === 'critical');
}

/** A desktop notification for one alert, or for several raised together. */
export function notificationText(alerts: Alert[], profileName: string): { title: string; body: string } {
  const first = alerts[0]!;
  // Names from the server, through one plain-text writer: one line each, nothing hidden or reordered.
  const about = (a: Alert) => oneLine(`${alertKindLabels[a.kind]} — ${subjectText(a)}`);
  if (alerts.length === 1) {
    return {
      title: oneLine(`${severityLabels[first.severity]} · ${profileName}`),
      body: `${about(first)}\n${oneLine(first.message)}`,
    };
  }
  const lines = alerts.slice(0, 4).map(about);
  if (alerts.length > 4) lines.push(`and ${alerts.length - 4} more`);
  return {
    title: oneLine(`${alerts.length} new alerts · ${profileName}`),
    body: lines.join('\n'),
  };
}

/**
 * "An alert was raised": a desktop notification when the browser lets the page
 * show one (browser mode, permission granted), else a toast in the window. In
 * Electron main notifies the desktop itself, and the page shows the toast.
 */
export function createNotificationsStore({ capabilities, profiles, navigation, win, prefs }: Deps) {
  const api = (win as unknown as { Notification?: NotificationApi } | undefined)?.Notification;
  const usable = !capabilities.desktopNotifications && typeof api === 'function';
  let nextId = 1;
  /** The desktop notification of the last burst, replaced (same tag) while the burst goes on. */
  let burst: { profileId: string; at: number; alerts: Alert[]; tag: string } | null = null;

  return createStore<NotificationsState>()((set, get) => ({
    mainNotifies: capabilities.desktopNotifications,
    mainBadges: capabilities.badge,
    permission: usable ? api.permission : 'unsupported',
    asking: false,
    toasts: [],

    async requestPermission() {
      if (!usable || get().asking) return;
      set({ asking: true });
      try {
        const answer = await api.requestPermission();
        set({ permission: answer, asking: false });
      } catch {
        set({ permission: api.permission, asking: false });
      }
    },

    dismissToast(id) {
      set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
    },

    alertRaised(alert) {
      const profile = profiles.getState().profiles.find((p) => p.id === alert.profileId);
      const profileName = profile?.name ?? 'A server';
      const now = Date.now();
      // The browser may have been told "allow" or "block" in its settings since.
      if (usable && api.permission !== get().permission) set({ permission: api.permission });
      if (usable && api.permission === 'granted' && desktopAllows(prefs?.(), alert)) {
        const joins = burst && burst.profileId === alert.profileId && now - burst.at < GROUP_MS;
        burst = joins
          ? { ...burst!, at: now, alerts: [...burst!.alerts, alert] }
          : { profileId: alert.profileId, at: now, alerts: [alert], tag: `tidemark-alert-${alert.id}` };
        const { title, body } = notificationText(burst.alerts, profileName);
        try {
          // Same tag: replaces the notification of this burst instead of piling up.
          const notification = new api(title, { body, tag: burst.tag });
          notification.onclick = () => {
            win?.focus();
            navigation.getState().navigate(`/profiles/${encodeURIComponent(alert.profileId)}/storage`);
            notification.close();
          };
          return;
        } catch {
          // Some browsers only allow notifications from a service worker: fall back to the toast.
        }
      }
      set((s) => {
        const last = s.toasts.at(-1);
        if (last && last.profileId === alert.profileId && now - last.at < GROUP_MS) {
          const joined: Toast = { ...last, alerts: [...last.alerts, alert], at: now };
          return { toasts: [...s.toasts.slice(0, -1), joined] };
        }
        const toast: Toast = {
          id: nextId++,
          profileId: alert.profileId,
          profileName,
          alerts: [alert],
          at: now,
        };
        return { toasts: [...s.toasts, toast].slice(-MAX_TOASTS) };
      });
    },

    applyEvent(message) {
      if (message.event === 'alerts:changed' && message.payload.change === 'raised') {
        get().alertRaised(message.payload.alert);
      } else if (message.event === 'alerts:changed' && message.payload.change === 'resolved') {
        // No toast left for an alert that is over.
        const id = message.payload.alert.id;
        set((s) => ({
          toasts: s.toasts
            .map((t) => ({ ...t, alerts: t.alerts.filter((a) => a.id !== id) }))
            .filter((t) => t.alerts.length > 0),
        }));
      }
    },
  }));
}
