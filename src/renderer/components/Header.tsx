import './Header.css';
import { hrefOf } from '../lib/router';
import { useAlerts, useApp, useNavigation } from '../stores';
import { AlertCountBadge } from './AlertParts';

const links = [
  { path: '/health', label: 'Health' },
  { path: '/alerts', label: 'Alerts' },
  { path: '/settings', label: 'Settings' },
];

export function Header() {
  const info = useApp((s) => s.info);
  const connection = useApp((s) => s.connection);
  const path = useNavigation((s) => s.path);
  const counts = useAlerts((s) => s.counts);
  return (
    <header className="app-header">
      <a className="brand" href="#/">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Tidemark</span>
      </a>
      <span className="brand-tagline">PostgreSQL storage console</span>
      <span className="header-spacer" />
      {connection !== 'open' ? (
        <span className="pill pill-warn" role="status">
          {connection === 'connecting'
            ? 'Connecting…'
            : connection === 'reconnecting'
              ? 'Reconnecting…'
              : 'Not connected'}
        </span>
      ) : null}
      <nav className="header-nav" aria-label="Tidemark">
        {links.map((l) => (
          <a
            key={l.path}
            href={hrefOf(l.path)}
            className={path === l.path ? 'active' : undefined}
            aria-current={path === l.path ? 'page' : undefined}
          >
            {l.label}
            {l.path === '/alerts' ? <AlertCountBadge counts={counts} testId="header-alert-count" /> : null}
          </a>
        ))}
      </nav>
      {info ? (
        <span className="header-meta" title={`Data directory: ${info.dataDir}`}>
          {info.mode === 'browser' ? 'Browser mode · ' : ''}v{info.version}
        </span>
      ) : null}
    </header>
  );
}
