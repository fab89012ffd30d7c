import type { ReactNode } from 'react';
import { matchPattern, type RouteParams } from './lib/router';
import { AlertRulesPage } from './pages/AlertRulesPage';
import { AlertsOverviewPage, ProfileAlertsPage } from './pages/AlertsPage';
import { CopyProfilePage } from './pages/CopyProfilePage';
import { HealthOverviewPage, HealthPage } from './pages/HealthPage';
import { HomePage } from './pages/HomePage';
import { ImportPage } from './pages/ImportPage';
import { MigrationListPage } from './pages/migration/MigrationListPage';
import { MigrationRunPage } from './pages/migration/MigrationRunPage';
import { NewMigrationPage } from './pages/migration/NewMigrationPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { EditProfilePage, NewProfilePage } from './pages/ProfileFormPage';
import { ProfilePage } from './pages/ProfilePage';
import { SettingsPage } from './pages/SettingsPage';
import { StoragePage } from './pages/StoragePage';

export type RouteDef = {
  /** `/profiles/:id` style; the first match wins, so put literal segments before parameters. */
  pattern: string;
  render: (params: RouteParams) => ReactNode;
};

/**
 * Every page of the app. A later feature adds its page here (e.g.
 * `/profiles/:id/storage`) and, if it wants one, a link in the sidebar or on
 * the profile page. Features that do not exist yet have no route.
 */
export const routes: RouteDef[] = [
  { pattern: '/', render: () => <HomePage /> },
  { pattern: '/import', render: () => <ImportPage /> },
  { pattern: '/profiles/new', render: () => <NewProfilePage /> },
  { pattern: '/profiles/:id', render: ({ id }) => <ProfilePage id={id!} /> },
  { pattern: '/profiles/:id/edit', render: ({ id }) => <EditProfilePage id={id!} /> },
  { pattern: '/profiles/:id/copy', render: ({ id }) => <CopyProfilePage id={id!} /> },
  { pattern: '/profiles/:id/storage', render: ({ id }) => <StoragePage id={id!} /> },
  { pattern: '/profiles/:id/health', render: ({ id }) => <HealthPage id={id!} /> },
  { pattern: '/profiles/:id/alerts', render: ({ id }) => <ProfileAlertsPage id={id!} /> },
  { pattern: '/profiles/:id/rules', render: ({ id }) => <AlertRulesPage id={id!} /> },
  { pattern: '/profiles/:id/migrate', render: ({ id }) => <MigrationListPage id={id!} /> },
  { pattern: '/profiles/:id/migrate/new', render: ({ id }) => <NewMigrationPage id={id!} /> },
  {
    pattern: '/profiles/:id/migrate/:migrationId',
    render: ({ id, migrationId }) => <MigrationRunPage id={id!} migrationId={migrationId!} />,
  },
  { pattern: '/health', render: () => <HealthOverviewPage /> },
  { pattern: '/alerts', render: () => <AlertsOverviewPage /> },
  { pattern: '/settings', render: () => <SettingsPage /> },
];

export function resolveRoute(path: string): { route: RouteDef; params: RouteParams } | null {
  for (const route of routes) {
    const params = matchPattern(route.pattern, path);
    if (params) return { route, params };
  }
  return null;
}

export function renderPath(path: string): ReactNode {
  const match = resolveRoute(path);
  return match ? match.route.render(match.params) : <NotFoundPage />;
}
