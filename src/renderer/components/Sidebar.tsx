import './Sidebar.css';
import { endpointOf, formatMs } from '../lib/format';
import { hrefOf } from '../lib/router';
import { useAlerts, useNavigation, useProfiles } from '../stores';
import { AlertCountBadge } from './AlertParts';
import { DemoBadge } from './ProfileLayout';
import { StatusDot } from './StatusDot';

export function Sidebar() {
  const profiles = useProfiles((s) => s.profiles);
  const loaded = useProfiles((s) => s.loaded);
  const status = useProfiles((s) => s.status);
  const path = useNavigation((s) => s.path);
  const alertCounts = useAlerts((s) => s.counts.byProfile);

  return (
    <nav className="sidebar" aria-label="Servers">
      <div className="sidebar-head">
        <h2>Servers</h2>
        <span className="count" aria-hidden="true">
          {profiles.length || ''}
        </span>
      </div>
      {loaded && profiles.length === 0 ? <p className="sidebar-empty">No servers yet.</p> : null}
      <ul className="profile-list">
        {profiles.map((p) => {
          const base = `/profiles/${encodeURIComponent(p.id)}`;
          const active = path === base || path.startsWith(`${base}/`);
          const s = status[p.id];
          const detail = [
            s?.message,
            s?.state === 'up' && s.latencyMs !== undefined ? formatMs(s.latencyMs) : null,
          ]
            .filter(Boolean)
            .join(' · ');
          return (
            <li key={p.id}>
              <a
                href={hrefOf(`${base}/storage`)}
                className={active ? 'active' : undefined}
                aria-current={active ? 'page' : undefined}
                data-testid="sidebar-profile"
              >
                <span className="profile-text">
                  <span className="profile-name">
                    <span className="profile-name-text">{p.name}</span>
                    <DemoBadge profileId={p.id} />
                  </span>
                  <span className="profile-endpoint" title={`${p.user}@${endpointOf(p)}`}>
                    {endpointOf(p)}
                  </span>
                </span>
                {/* After the name in the page, so a screen reader says the server first; drawn first by CSS. */}
                <StatusDot state={s?.state ?? 'unknown'} detail={detail || undefined} />
                {alertCounts[p.id] ? (
                  <AlertCountBadge counts={alertCounts[p.id]!} testId="sidebar-alert-count" />
                ) : null}
              </a>
            </li>
          );
        })}
      </ul>
      <div className="sidebar-actions">
        <a className="button primary block" href={hrefOf('/profiles/new')}>
          Add server
        </a>
        <a className="button subtle block" href={hrefOf('/import')}>
          Import…
        </a>
      </div>
    </nav>
  );
}
