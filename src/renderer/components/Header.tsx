import { useApp } from '../stores';

export function Header() {
  const info = useApp((s) => s.info);
  const connection = useApp((s) => s.connection);
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
      {info ? (
        <span className="header-meta" title={`Data directory: ${info.dataDir}`}>
          {info.mode === 'browser' ? 'Browser mode · ' : ''}v{info.version}
        </span>
      ) : null}
    </header>
  );
}
