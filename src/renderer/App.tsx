import { useEffect, useRef } from 'react';
import { Banners } from './components/Banners';
import { Header } from './components/Header';
import { Sidebar } from './components/Sidebar';
import { UnlockDialog } from './components/UnlockDialog';
import { renderPath } from './routes';
import { useNavigation, useProfiles } from './stores';

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
  useEffect(() => {
    const id = /^\/profiles\/([^/]+)/.exec(path)?.[1];
    const profile = id ? profiles.find((p) => p.id === decodeURIComponent(id)) : undefined;
    let title = 'Tidemark';
    if (path === '/profiles/new') title = 'Add a server — Tidemark';
    else if (path === '/import') title = 'Import servers — Tidemark';
    else if (profile) title = `${profile.name} — Tidemark`;
    document.title = title;
  }, [path, profiles]);
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
