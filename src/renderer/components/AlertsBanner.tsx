import './AlertsBanner.css';
import { useMemo } from 'react';
import { type Alert, alertSeverities } from '../../shared/alerts';
import { alertKindLabels, severityLabels, subjectText } from '../lib/alerts';
import { hrefOf } from '../lib/router';
import { useAlerts } from '../stores';
import { SeverityBadge } from './AlertParts';

/** The most severe line first. */
const severities = [...alertSeverities].reverse();

/** "2 warnings", "1 critical alert". */
function countText(severity: Alert['severity'], n: number): string {
  if (severity === 'critical') return `${n} critical ${n === 1 ? 'alert' : 'alerts'}`;
  return `${n} ${n === 1 ? 'warning' : 'warnings'}`;
}

/**
 * The profile's loud alerts, at the top of a page: one line per severity with
 * a count, the most severe alert named, and a link to the Alerts page where
 * each can be acknowledged. Acknowledged alerts are not shown.
 */
export function AlertsBanner({ profileId }: { profileId: string }) {
  const visible = useAlerts((s) => s.visible);
  const loadError = useAlerts((s) => (s.active.data ? null : s.active.error));
  const mine = useMemo(() => visible.filter((a) => a.profileId === profileId), [visible, profileId]);

  if (loadError) {
    return (
      <p className="alerts-unavailable muted small-text" data-testid="alerts-unavailable">
        Alerts could not be read: {loadError.message}
      </p>
    );
  }
  if (mine.length === 0) return null;
  const href = hrefOf(`/profiles/${encodeURIComponent(profileId)}/alerts`);
  return (
    <section className="alerts-banner" aria-label="Active alerts" data-testid="alerts-banner">
      {severities.map((severity) => {
        const these = mine.filter((a) => a.severity === severity);
        const first = these[0];
        if (!first) return null;
        const more = these.length - 1;
        return (
          <p
            key={severity}
            className={`alerts-line alerts-line-${severity}`}
            data-testid="alerts-line"
            data-severity={severity}
            data-count={these.length}
          >
            <SeverityBadge severity={severity} />
            <strong>{countText(severity, these.length)}</strong>
            <span className="alerts-line-first" title={first.message}>
              {alertKindLabels[first.kind]} — {subjectText(first)}
              {more > 0 ? ` and ${more} more` : ''}
            </span>
            <a
              href={href}
              aria-label={`Review the ${severityLabels[severity].toLowerCase()} alerts on the Alerts page`}
            >
              Review on the Alerts page
            </a>
          </p>
        );
      })}
    </section>
  );
}
