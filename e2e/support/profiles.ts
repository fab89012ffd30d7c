import { expect, type Page } from '@playwright/test';
import type { PostgresInfo } from '../../test/support/servers';

/** Adds a profile through the sidebar's Add server, with a stored password; lands on its page. */
export async function addProfile(
  page: Page,
  name: string,
  server: PostgresInfo,
  database: string,
): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Servers' })
    .getByRole('link', { name: 'Add server', exact: true })
    .click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Host').fill(server.host);
  await page.getByLabel('Port').fill(String(server.port));
  await page.getByLabel('Database').fill(database);
  await page.getByLabel('User').fill(server.user);
  await page.getByLabel('Stored encrypted on this computer').check();
  await page.getByLabel('Password', { exact: true }).fill(server.password);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
}

/**
 * One of the tabs of a profile's pages (Storage, Health, Alerts, Alert rules,
 * Connection), whatever count follows its name ("Alerts (2 active)").
 */
export function profileTab(page: Page, profileName: string, tab: string) {
  return page
    .getByRole('navigation', { name: `${profileName} sections` })
    .getByRole('link', { name: new RegExp(`^${tab}( \\(.*\\))?$`) });
}

/** The same, for the first profile of a fresh data directory (the sidebar's Add server is there too). */
export const addFirstProfile = addProfile;
