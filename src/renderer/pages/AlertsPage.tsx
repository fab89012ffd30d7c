import './AlertsPage.css';
import { useEffect, useMemo } from 'react';
import { type Alert, type Snooze, snoozeChoices } from '../../shared/alerts';
import { AlertFigures, KindName, SeverityBadge, Subject, When } from '../components/AlertParts';
import { NotificationsControl } from '../components/NotificationsControl';
import { ProfileLayout } from '../components/ProfileLayout';
import { LoadError } from '../components/Values';
import { WebhookFailures } from '../components/WebhooksSection';
import { acknowledgedText, alertKindLabels, subjectText } from '../lib/alerts';
import { useNow } from '../lib/clock';
import { formatClock } from '../lib/format';
import { hrefOf } from '../lib/router';
import { useAlerts, useProfiles, useStores } from '../stores';
import { type AlertFilter, alertRows } from '../stores/alerts';

const filterLabels: Record<AlertFilter, string> = { active: 'Active', resolved: 'Resolved', all: 'All' };
const filters: AlertFilter[] = ['active', 'resolved', 'all'];

const resolutionWords: Record<NonNullable<Alert['resolution']>, string> = {
  cleared: 'cleared',
  recovered: 'recovered by itself',
  dismissed: 'dismissed',
};

function Resolution({ alert }: { alert: Alert }) {
  if (!alert.resolvedAt || !alert.resolution) return null;
  return (
    <span className="resolution" data-testid="alert-resolution" data-resolution={alert.resolution}>
      {resolutionWords[alert.resolution]} <When iso={alert.resolvedAt} />
    </span>
  );
}

const snoozeLabels: Record<Snooze, string> = { '1h': '1 hour', '1d': '1 day', '1w': '1 week' };

/** Acknowledge (quiet until it clears), snooze for a while, or undo either. */
function AckControls({ alert, pending }: { alert: Alert; pending: boolean }) {
  const { alerts } = useStores();
  const now = useNow();
  const label = `${alertKindLabels[alert.kind]}, ${subjectText(alert)}`;
  const acked = acknowledgedText(alert, (iso) => formatClock(iso, now));
  if (acked) {
    return (
      <span className="ack-state" data-testid="alert-ack" data-until={alert.acknowledged?.until ?? ''}>
        <span className="badge">{acked}</span>
        {pending ? null : (
          <button
            type="button"
            className="small subtle"
            onClick={() => void alerts.getState().unacknowledge(alert.id)}
            aria-label={`Undo the acknowledgement: ${label}`}
          >
            Undo
          </button>
        )}
      </span>
    );
  }
  return (
    <span className="still-active">
      <span className="badge badge-active">active</span>
      <button
        type="button"
        className="small"
        onClick={() => void alerts.getState().acknowledge(alert.id)}
        aria-label={`Acknowledge until it clears: ${label}`}
      >
        Acknowledge
      </button>
      <select
        className="small"
        aria-label={`Snooze: ${label}`}
        value=""
        onChange={(e) => {
          const snooze = e.target.value as Snooze;
          if (snooze) void alerts.getState().acknowledge(alert.id, snooze);
        }}
      >
        <option value="">Snooze…</option>
        {snoozeChoices.map((c) => (
          <option key={c} value={c}>
            for {snoozeLabels[c]}
          </option>
        ))}
      </select>
    </span>
  );
}

function AlertRow({ alert, showProfile }: { alert: Alert; showProfile: boolean }) {
  const profileName = useProfiles((s) => s.profiles.find((p) => p.id === alert.profileId)?.name);
  const pending = useAlerts((s) => alert.id in s.acknowledging);
  const error = useAlerts((s) => s.ackErrors[alert.id]);
  const state = alert.resolvedAt ? 'resolved' : alert.acknowledged ? 'acknowledged' : 'active';
  return (
    <tr
      data-testid="alert-row"
      data-alert-id={alert.id}
      data-kind={alert.kind}
      data-severity={alert.severity}
      data-state={state}
      data-current-bytes={alert.currentBytes ?? undefined}
      className={`alert-row alert-row-${alert.severity}${state === 'active' ? '' : ` ${state}`}`}
    >
      <td>
        <SeverityBadge severity={alert.severity} />
      </td>
      <td className="alert-what">
        <strong>
          <KindName kind={alert.kind} />
        </strong>{' '}
        <span className="alert-sep" aria-hidden="true">
          ·
        </span>{' '}
        <Subject subject={alert.subject} />
        <span className="rel-meta" data-testid="alert-message">
          {alert.message}
        </span>
        {error ? (
          <span className="field-error" role="alert" data-testid="ack-error">
            Could not change this alert: {error.message}
          </span>
        ) : null}
      </td>
      {showProfile ? (
        <td className="alert-server">
          <a href={hrefOf(`/profiles/${encodeURIComponent(alert.profileId)}/storage`)}>
            {profileName ?? alert.profileId}
          </a>
        </td>
      ) : null}
      <td>
        <AlertFigures alert={alert} />
      </td>
      <td className="when" data-testid="alert-raised">
        <When iso={alert.raisedAt} />
      </td>
      <td className="when" data-testid="alert-last-seen">
        <When iso={alert.lastSeenAt} />
      </td>
      <td className="when">
        {alert.resolvedAt ? <Resolution alert={alert} /> : <AckControls alert={alert} pending={pending} />}
      </td>
    </tr>
  );
}

const emptyText: Record<AlertFilter, string> = {
  active: 'No active alerts. Tidemark checks the rules after every sample and heartbeat.',
  resolved: 'No resolved alerts kept. Alerts whose condition cleared show here (the last 30 per server).',
  all: 'No alerts yet. Tidemark checks the rules after every sample and heartbeat.',
};

/** Active and resolved alerts of one profile, or of all of them. */
function AlertsTable({ profileId }: { profileId: string | null }) {
  const { alerts } = useStores();
  const filter = useAlerts((s) => s.filter);
  const history = useAlerts((s) => s.history);
  const active = useAlerts((s) => s.active);
  const acknowledging = useAlerts((s) => s.acknowledging);

  useEffect(() => {
    alerts.getState().openHistory(profileId);
  }, [alerts, profileId]);

  const all = useMemo(
    () => alertRows({ history, active, acknowledging, filter: 'all' }, profileId),
    [history, active, acknowledging, profileId],
  );
  const counts = useMemo(() => {
    const open = all.filter((a) => a.resolvedAt === null).length;
    return { active: open, resolved: all.length - open, all: all.length };
  }, [all]);
  // 'all' lists the active ones first, then the resolved: filtering keeps each part in its order.
  const rows = useMemo(
    () => (filter === 'all' ? all : all.filter((a) => (a.resolvedAt === null) === (filter === 'active'))),
    [all, filter],
  );

  const error = history.error;
  return (
    <section className="card alerts-card" aria-labelledby="alerts-list-title" data-testid="alerts-page">
      <div className="card-head">
        <h2 id="alerts-list-title">{profileId ? 'Alerts of this server' : 'Alerts of every server'}</h2>
        <fieldset className="segmented" data-testid="alert-filter">
          <legend className="visually-hidden">Show alerts</legend>
          {filters.map((f) => (
            <button
              key={f}
              type="button"
              aria-pressed={f === filter}
              className={f === filter ? 'on' : undefined}
              onClick={() => alerts.getState().setFilter(f)}
            >
              {filterLabels[f]} <span className="seg-count">{history.data ? counts[f] : ''}</span>
            </button>
          ))}
        </fieldset>
      </div>
      {error ? (
        <LoadError
          message={history.data ? `Could not refresh: ${error.message}` : error.message}
          onRetry={() => void alerts.getState().loadHistory()}
          compact
        />
      ) : null}
      {!history.data && history.loading ? <p className="loading">Loading…</p> : null}
      {history.data ? (
        rows.length === 0 ? (
          <p className="muted empty-alerts" data-testid="alerts-empty">
            {emptyText[filter]}
          </p>
        ) : (
          <div className="table-scroll">
            <table className="data-table alerts-table">
              <thead>
                <tr>
                  <th>Severity</th>
                  <th>Alert</th>
                  {profileId ? null : <th>Server</th>}
                  <th>Current value</th>
                  <th>First raised</th>
                  <th>Last seen</th>
                  <th>State</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((a) => (
                  <AlertRow key={a.id} alert={a} showProfile={!profileId} />
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
    </section>
  );
}

/** #/alerts: every profile. */
export function AlertsOverviewPage() {
  return (
    <section aria-labelledby="page-title" className="alerts-overview">
      <header className="page-head">
        <div>
          <h1 id="page-title" tabIndex={-1}>
            Alerts
          </h1>
          <p className="muted">
            What the alert rules of every server found. Growth rules watch how fast a database or relation
            grows; absolute-size rules watch how big it is. An active alert follows its figures at every
            sample; acknowledge it to keep it quiet until it clears, or snooze it for a while.
          </p>
        </div>
      </header>
      <NotificationsControl />
      <WebhookFailures />
      <AlertsTable profileId={null} />
    </section>
  );
}

/** #/profiles/:id/alerts */
export function ProfileAlertsPage({ id }: { id: string }) {
  return (
    <ProfileLayout profileId={id} tab="alerts">
      {(profile) => (
        <div className="alerts-body">
          <div className="alerts-toolbar">
            <NotificationsControl />
            <a href={hrefOf(`/profiles/${encodeURIComponent(profile.id)}/rules`)}>
              Alert rules of {profile.name}
            </a>
          </div>
          <AlertsTable profileId={profile.id} />
        </div>
      )}
    </ProfileLayout>
  );
}
