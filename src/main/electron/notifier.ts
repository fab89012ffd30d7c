import { type App, type BrowserWindow, Notification } from 'electron';
import type { Notifier } from '../alerts/notifier';
import type { Logger } from '../logger';

/**
 * Alerts on the desktop: an OS notification per raised alert (a click brings
 * the window forward) and the active-alert count on the app badge (macOS
 * dock, Linux launchers that support it; elsewhere setBadgeCount is a no-op).
 */
export function createDesktopNotifier(app: App, window: () => BrowserWindow | null, log: Logger): Notifier {
  // Electron drops a Notification's click handler once the object is garbage-collected: hold it until closed.
  const showing = new Set<Notification>();
  return {
    notify({ title, body, severity }) {
      if (!Notification.isSupported()) return;
      const notification = new Notification({
        title,
        body,
        urgency: severity === 'critical' ? 'critical' : 'normal',
      });
      showing.add(notification);
      notification.on('click', () => {
        const win = window();
        if (!win || win.isDestroyed()) return;
        if (win.isMinimized()) win.restore();
        win.focus();
      });
      notification.on('close', () => showing.delete(notification));
      notification.on('failed', (_event, error) => {
        showing.delete(notification);
        log.warn({ error }, 'desktop notification failed');
      });
      notification.show();
    },
    setBadgeCount(count) {
      app.setBadgeCount(count);
    },
  };
}
