import { endpointOf } from '../lib/format';
import { hrefOf } from '../lib/router';
import { useNavigation, useProfiles } from '../stores';
import { StatusDot } from './StatusDot';

export function Sidebar() {
  const profiles = useProfiles((s) => s.profiles);
  const loaded = useProfiles((s) => s.loaded);
  const status = useProfiles((s) => s.status);
  const path = useNavigation((s) => s.path);

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
          return (
            <li key={p.id}>
              <a
                href={hrefOf(base)}
                className={active ? 'active' : undefined}
                aria-current={active ? 'page' : undefined}
                data-testid="sidebar-profile"
              >
                <StatusDot state={s?.state ?? 'unknown'} detail={s?.message} />
                <span className="profile-text">
                  <span className="profile-name">{p.name}</span>
                  <span className="profile-endpoint" title={`${p.user}@${endpointOf(p)}`}>
                    {endpointOf(p)}
                  </span>
                </span>
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
