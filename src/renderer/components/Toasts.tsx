import './Toasts.css';
import { useEffect, useMemo, useState } from 'react';
import { alertKindLabels, sortAlerts, subjectText, worstSeverity } from '../lib/alerts';
import { hrefOf } from '../lib/router';
import { useNotifications, useStores } from '../stores';
import type { Toast } from '../stores/notifications';
import { SeverityBadge } from './AlertParts';

/**
 * How long a toast stays, unless the pointer or the keyboard is on it: long
 * enough to read one line, short enough not to sit over the page's data.
 */
export const TOAST_MS = 6_000;

/** Alerts listed in one toast before "and N more". */
const LISTED = 3;

function ToastItem({ toast }: { toast: Toast }) {
  const { notifications } = useStores();
  const [held, setHeld] = useState(false);
  const alerts = useMemo(() => sortAlerts(toast.alerts), [toast.alerts]);
  const count = alerts.length;
  const severity = worstSeverity(alerts);
  const single = count === 1 ? alerts[0]! : null;

  // A toast that gets another alert starts its time again.
  useEffect(() => {
    if (held || count === 0) return;
    const id = window.setTimeout(() => notifications.getState().dismissToast(toast.id), TOAST_MS);
    return () => window.clearTimeout(id);
  }, [held, notifications, toast.id, count]);

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: hovering only pauses the timer; nothing is activated
    <div
      className={`toast toast-${severity}`}
      data-testid="toast"
      data-severity={severity}
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
      <div className="toast-body">
        <p className="toast-head">
          <SeverityBadge severity={severity} />
          <strong>{single ? toast.profileName : `${count} new alerts · ${toast.profileName}`}</strong>
        </p>
        <ul className="toast-alerts">
          {alerts.slice(0, LISTED).map((a) => (
            <li key={a.id} data-testid="toast-alert" data-kind={a.kind} data-severity={a.severity}>
              <span className="toast-title">
                {alertKindLabels[a.kind]} — {subjectText(a)}
              </span>
              {single ? <span className="toast-message">{a.message}</span> : null}
            </li>
          ))}
        </ul>
        {count > LISTED ? <p className="toast-more muted">and {count - LISTED} more</p> : null}
        <a
          href={hrefOf(`/profiles/${encodeURIComponent(toast.profileId)}/alerts`)}
          onClick={() => notifications.getState().dismissToast(toast.id)}
        >
          Show on the Alerts page
        </a>
      </div>
      <button
        type="button"
        className="subtle small toast-close"
        aria-label="Close this notification"
        onClick={() => notifications.getState().dismissToast(toast.id)}
      >
        ×
      </button>
    </div>
  );
}

/**
 * New alerts, in the window: a polite live region that is always there (so
 * screen readers hear what is added to it), each toast leaving by itself.
 */
export function Toasts() {
  const toasts = useNotifications((s) => s.toasts);
  return (
    <div
      className="toasts"
      role="status"
      aria-live="polite"
      aria-atomic="false"
      aria-label="New alerts"
      data-testid="toasts"
    >
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}
