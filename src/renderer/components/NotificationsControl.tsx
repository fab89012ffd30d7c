import './NotificationsControl.css';
import type { ReactNode } from 'react';
import { useNotifications, useStores } from '../stores';

/**
 * Desktop notifications for new alerts. The browser is asked only when the DBA
 * clicks here, never on load; once it has answered, this only says what it said.
 */
export function NotificationsControl() {
  const { notifications } = useStores();
  const mainNotifies = useNotifications((s) => s.mainNotifies);
  const permission = useNotifications((s) => s.permission);
  const asking = useNotifications((s) => s.asking);

  let body: ReactNode;
  if (mainNotifies) {
    body = <span>Tidemark shows a desktop notification for every new alert.</span>;
  } else if (permission === 'default') {
    body = (
      <>
        <button
          type="button"
          className="small"
          onClick={() => void notifications.getState().requestPermission()}
          disabled={asking}
          data-testid="enable-notifications"
        >
          Enable desktop notifications
        </button>
        <span className="muted">
          New alerts show in this window; your browser can also show them on the desktop.
        </span>
      </>
    );
  } else if (permission === 'granted') {
    body = <span className="ok-text">Desktop notifications are on for this page.</span>;
  } else if (permission === 'denied') {
    body = (
      <span className="muted">
        Your browser blocks desktop notifications for this page, so new alerts show in this window. Allow
        notifications in the site settings to get them on the desktop.
      </span>
    );
  } else {
    body = (
      <span className="muted">
        This browser cannot show desktop notifications; new alerts show in this window.
      </span>
    );
  }
  return (
    <div className="notifications-control" data-testid="notifications-control" data-permission={permission}>
      {body}
    </div>
  );
}
