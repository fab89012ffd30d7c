import './Sidebar.css';
import { endpointOf, formatMs } from '../lib/format';
import { hrefOf } from '../lib/router';
import { useAlerts, useNavigation, useProfiles, useSidebar, useStores } from '../stores';
import { AlertCountBadge } from './AlertParts';
import { DemoBadge } from './ProfileLayout';
import { StatusDot } from './StatusDot';
import './Sidebar.css';

/** The server list; folded to its status dots (button or Ctrl/⌘-B), every link keeps its full name. */
export function Sidebar() {
  const { sidebar } = useStores();
  const collapsed = useSidebar((s) => s.collapsed);
  const profiles = useProfiles((s) => s.profiles);
  const loaded = useProfiles((s) => s.loaded);
  const status = useProfiles((s) => s.status);
  const path = useNavigation((s) => s.path);
  const alertCounts = useAlerts((s) => s.counts.byProfile);

  return (
    <nav className={collapsed ? 'sidebar collapsed' : 'sidebar'} aria-label="Servers">
      <div className="sidebar-head">
        <h2 className={collapsed ? 'visually-hidden' : undefined}>Servers</h2>
        {collapsed ? null : (
          <span className="count" aria-hidden="true">
            {profiles.length || ''}
          </span>
        )}
        <button
          type="button"
          className="subtle sidebar-toggle"
          aria-expanded={!collapsed}
          aria-controls="sidebar-profiles"
          aria-keyshortcuts="Control+B Meta+B"
          title={collapsed ? 'Unfold the server list (Ctrl+B)' : 'Fold the server list (Ctrl+B)'}
          onClick={() => sidebar.getState().toggle()}
        >
          <span aria-hidden="true">{collapsed ? '»' : '«'}</span>
          <span className="visually-hidden">Server list</span>
        </button>
      </div>
      {loaded && profiles.length === 0 && !collapsed ? (
        <p className="sidebar-empty">No servers yet.</p>
      ) : null}
      <ul className="profile-list" id="sidebar-profiles">
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
                title={collapsed ? p.name : undefined}
              >
                <span className={collapsed ? 'profile-text visually-hidden' : 'profile-text'}>
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
        <a
          className="button primary block"
          href={hrefOf('/profiles/new')}
          title={collapsed ? 'Add server' : undefined}
        >
          {collapsed ? <Folded glyph="+" text="Add server" /> : 'Add server'}
        </a>
        <a className="button subtle block" href={hrefOf('/import')} title={collapsed ? 'Import…' : undefined}>
          {collapsed ? <Folded glyph="⇩" text="Import…" /> : 'Import…'}
        </a>
      </div>
    </nav>
  );
}

/** A folded sidebar's button: a glyph to see, its words to hear. */
function Folded({ glyph, text }: { glyph: string; text: string }) {
  return (
    <>
      <span aria-hidden="true">{glyph}</span>
      <span className="visually-hidden">{text}</span>
    </>
  );
}
