import type { Alert } from '../../shared/alerts';

/** What a desktop notification for a raised alert says. */
export interface AlertNotification {
  title: string;
  body: string;
  severity: Alert['severity'];
  profileId: string;
}

/**
 * The desktop side of alerts, passed in by whoever hosts Tidemark: the
 * Electron shell shows an OS notification and sets the app badge; the CLI
 * passes none; browser mode leaves notifications to the page.
 */
export interface Notifier {
  /** An alert was raised. Must not throw for long: failures are logged and ignored. */
  notify(notification: AlertNotification): void;
  /** Active alerts over all profiles (the window/app badge); 0 clears it. */
  setBadgeCount?(count: number): void;
}
