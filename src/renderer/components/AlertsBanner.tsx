import { useMemo, useState } from 'react';
import type { Alert } from '../../shared/alerts';
import { alertCountText, alertKindLabels, subjectText } from '../lib/alerts';
import { hrefOf } from '../lib/router';
import { useAlerts, useStores } from '../stores';
import { AlertFigures, KindName, SeverityBadge, Subject, When } from './AlertParts';

/** Alerts shown before "and N more". */
const SHOWN = 3;

function AlertItem({ alert }: { alert: Alert }) {
  const { alerts } = useStores();
  const error = useAlerts((s) => s.dismissErrors[alert.id]);
  return (
    <li
      className={`alert-item alert-${alert.severity}`}
      data-testid="alert-item"
      data-alert-id={alert.id}
      data-kind={alert.kind}
      data-severity={alert.severity}
      data-subject={alert.subject.name}
      data-current-bytes={alert.currentBytes ?? undefined}
      data-previous-bytes={alert.previousBytes ?? undefined}
    >
      <div className="alert-body">
        <p className="alert-head">
          <SeverityBadge severity={alert.severity} />
          <strong>
            <KindName kind={alert.kind} />
          </strong>
          <span className="alert-sep" aria-hidden="true">
            ·
          </span>
          <Subject subject={alert.subject} />
        </p>
        <p className="alert-message" data-testid="alert-message">
          {alert.message}
        </p>
        {error ? (
          <p className="alert-error" role="alert" data-testid="dismiss-error">
            Could not dismiss this alert: {error.message}
          </p>
        ) : null}
      </div>
      <div className="alert-facts">
        <AlertFigures alert={alert} />
        <span className="alert-when">
          raised <When iso={alert.raisedAt} />
        </span>
      </div>
      <button
        type="button"
        className="small alert-dismiss"
        onClick={() => void alerts.getState().dismiss(alert.id)}
        aria-label={`Dismiss: ${alertKindLabels[alert.kind]}, ${subjectText(alert)}`}
        data-testid="alert-dismiss"
      >
        Dismiss
      </button>
    </li>
  );
}

/**
 * The profile's active alerts, at the top of its Storage page: most severe
 * first, three at most until the DBA asks for the rest.
 */
export function AlertsBanner({ profileId }: { profileId: string }) {
  const visible = useAlerts((s) => s.visible);
  const loadError = useAlerts((s) => (s.active.data ? null : s.active.error));
  const [expanded, setExpanded] = useState(false);
  const mine = useMemo(() => visible.filter((a) => a.profileId === profileId), [visible, profileId]);

  if (loadError) {
    return (
      <p className="alerts-unavailable muted small-text" data-testid="alerts-unavailable">
        Alerts could not be read: {loadError.message}
      </p>
    );
  }
  if (mine.length === 0) return null;

  const shown = expanded ? mine : mine.slice(0, SHOWN);
  const hidden = mine.length - shown.length;
  const critical = mine.filter((a) => a.severity === 'critical').length;
  return (
    <section
      className={`alerts-banner alerts-banner-${critical ? 'critical' : 'warning'}`}
      aria-label={`Active alerts: ${alertCountText(mine.length)}`}
      data-testid="alerts-banner"
    >
      <ul className="alert-list">
        {shown.map((a) => (
          <AlertItem key={a.id} alert={a} />
        ))}
      </ul>
      {mine.length > SHOWN ? (
        <div className="alerts-more">
          <button
            type="button"
            className="link"
            aria-expanded={expanded}
            onClick={() => setExpanded(!expanded)}
            data-testid="alerts-more"
          >
            {expanded ? 'Show fewer' : `and ${hidden} more`}
          </button>
          <a href={hrefOf(`/profiles/${encodeURIComponent(profileId)}/alerts`)}>All alerts of this server</a>
        </div>
      ) : null}
    </section>
  );
}
