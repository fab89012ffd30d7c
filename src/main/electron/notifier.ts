import { type App, type BrowserWindow, Notification } from 'electron';
import type { Notifier } from '../alerts/notifier';
import type { Logger } from '../logger';

/**
 * Alerts on the desktop: an OS notification per raised alert (a click brings
 * the window forward) and the active-alert count on the app badge (macOS
 * dock, Linux launchers that support it; elsewhere setBadgeCount is a no-op).
 */
/**
 * On Linux Electron hands the body to libnotify as it is, and the freedesktop
 * body is markup (`<b>`, `<a href>`, `<img>`) wherever the notification server
 * advertises body-markup, as GNOME, KDE, dunst and mako do: a name from the
 * server would become a link or an image. So the body (already one line of
 * plain text, see oneLine) is escaped as markup text there. The title is
 * plain text by the spec; macOS and Windows show both as plain text.
 */
function bodyFor(platform: NodeJS.Platform, text: string): string {
  if (platform !== 'linux') return text;
  return text.replace(/[&<>]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : '&gt;'));
}

export function createDesktopNotifier(app: App, window: () => BrowserWindow | null, log: Logger): Notifier {
  // Electron drops a Notification's click handler once the object is garbage-collected: hold it until closed.
  const showing = new Set<Notification>();
  return {
    notify({ title, body, severity }) {
      if (!Notification.isSupported()) return;
      const notification = new Notification({
        title,
        body: bodyFor(process.platform, body),
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
