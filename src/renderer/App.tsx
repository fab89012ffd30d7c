import { useEffect, useRef } from 'react';
import { Banners } from './components/Banners';
import { Header } from './components/Header';
import { Keyboard } from './components/Keyboard';
import { storageTitle } from './components/ProfileLayout';
import { Sidebar } from './components/Sidebar';
import { Toasts } from './components/Toasts';
import { UnlockDialog } from './components/UnlockDialog';
import { renderPath } from './routes';
import { useAlerts, useNavigation, useNotifications, useProfiles } from './stores';

function RouterView() {
  const path = useNavigation((s) => s.path);
  const shown = useRef(path);
  // After a navigation, move focus to the new page's heading so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (shown.current === path) return;
    shown.current = path;
    const id = window.setTimeout(() => {
      const heading = document.querySelector<HTMLElement>('main h1');
      if (heading && !heading.contains(document.activeElement)) heading.focus({ preventScroll: false });
    }, 0);
    return () => window.clearTimeout(id);
  }, [path]);
  // Keyed by path: a page starts fresh whenever the address changes.
  return <div key={path}>{renderPath(path)}</div>;
}

function useDocumentTitle() {
  const path = useNavigation((s) => s.path);
  const profiles = useProfiles((s) => s.profiles);
  const counts = useAlerts((s) => s.counts);
  // In Electron main puts the count on the window's badge; a browser tab only has its title.
  const badgeInTitle = useNotifications((s) => !s.mainBadges);
  useEffect(() => {
    const match = /^\/profiles\/([^/]+)(?:\/([^/]+))?/.exec(path);
    const id = match?.[1];
    const section = match?.[2];
    const profile = id ? profiles.find((p) => p.id === decodeURIComponent(id)) : undefined;
    let title = 'Tidemark';
    if (path === '/profiles/new') title = 'Add a server — Tidemark';
    else if (path === '/import') title = 'Import servers — Tidemark';
    else if (path === '/health') title = 'Health — Tidemark';
    else if (path === '/settings') title = 'Settings — Tidemark';
    else if (path === '/alerts') title = 'Alerts — Tidemark';
    else if (profile && section === 'storage')
      title = `${profile.name} — ${storageTitle(counts.byProfile[profile.id]?.total ?? 0)} — Tidemark`;
    else if (profile && section === 'health') title = `${profile.name} — Health — Tidemark`;
    else if (profile && section === 'alerts') title = `${profile.name} — Alerts — Tidemark`;
    else if (profile && section === 'rules') title = `${profile.name} — Alert rules — Tidemark`;
    else if (profile && section === 'copy') title = `Add a copy of ${profile.name} — Tidemark`;
    else if (profile && section === 'migrate') title = `${profile.name} — Migrate — Tidemark`;
    else if (profile) title = `${profile.name} — Tidemark`;
    document.title = badgeInTitle && counts.total > 0 ? `(${counts.total}) ${title}` : title;
  }, [path, profiles, counts, badgeInTitle]);
}

export function App() {
  useDocumentTitle();
  return (
    <div className="app">
      <button type="button" className="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <Header />
      <div className="app-body">
        <Sidebar />
        <main id="main" tabIndex={-1}>
          <Banners />
          <RouterView />
        </main>
      </div>
      <UnlockDialog />
      <Keyboard />
      <Toasts />
    </div>
  );
}

export function StartupError({ message }: { message: string }) {
  return (
    <div className="app">
      <header className="app-header">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">Tidemark</span>
        </span>
      </header>
      <main id="main" className="startup-error">
        <section className="empty-state small" role="alert">
          <h1>Tidemark cannot connect</h1>
          <p>{message}</p>
        </section>
      </main>
    </div>
  );
}
