import { useMemo } from 'react';
import { acknowledgedText } from '../lib/alerts';
import { useNow } from '../lib/clock';
import { formatClock } from '../lib/format';
import { hrefOf } from '../lib/router';
import { useAlerts } from '../stores';
import { SeverityBadge, When } from './AlertParts';

/**
 * The active server-down alert of a profile, on its Health page: the rule's
 * verdict (down past its minutes), beside the live state the page shows.
 * Shown even when acknowledged, marked so, since this is where the DBA looks.
 */
export function ServerDownNotice({ profileId }: { profileId: string }) {
  const active = useAlerts((s) => s.active.data);
  const now = useNow();
  const alert = useMemo(
    () => active?.find((a) => a.profileId === profileId && a.kind === 'server_down' && !a.resolvedAt),
    [active, profileId],
  );
  if (!alert) return null;
  const acked = acknowledgedText(alert, (iso) => formatClock(iso, now));
  return (
    <p className="alerts-line alerts-line-critical" data-testid="server-down-alert" data-alert-id={alert.id}>
      <SeverityBadge severity="critical" />
      <span className="alerts-line-first" title={alert.message}>
        {alert.message}
      </span>
      <span className="muted">
        raised <When iso={alert.raisedAt} />
        {acked ? ` · ${acked}` : ''}
      </span>
      <a href={hrefOf(`/profiles/${encodeURIComponent(profileId)}/alerts`)}>Alerts page</a>
    </p>
  );
}
