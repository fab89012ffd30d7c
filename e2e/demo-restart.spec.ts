import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from './support/fixtures';

/**
 * Issue 15: the demo server started from the Add server page, and its data where Settings says after a
 * restart. In the data folder for a DBA; as root (these machines) PostgreSQL refuses to run, so the
 * cluster lives in a temp folder the 'postgres' user can reach, and Settings says that instead.
 */
test('the demo started from the Add server page keeps its data where Settings says, after a restart', async ({
  page,
  tidemark,
}) => {
  test.setTimeout(240_000);
  const first = await tidemark.start();
  await page.goto(first.url);
  await page.getByRole('link', { name: 'Add your first server' }).click();
  await page.getByRole('button', { name: 'Try with a demo server' }).click();
  await expect(page).toHaveURL(/#\/profiles\/[^/]+\/storage$/, { timeout: 90_000 });
  await expect(page.getByTestId('sidebar-profile').getByTestId('demo-badge')).toHaveText('demo');

  const location = async () => {
    await page.getByRole('navigation', { name: 'Tidemark' }).getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByTestId('demo-location')).not.toBeEmpty();
    return (await page.getByTestId('demo-location').textContent()) ?? '';
  };
  const before = await location();
  const asRoot = process.getuid?.() === 0;
  const inDataFolder = !relative(first.dataDir, before).startsWith('..');
  expect(inDataFolder).toBe(!asRoot);
  await expect(page.getByTestId('demo-section')).toContainText(
    asRoot ? 'a temporary folder: PostgreSQL cannot run as root' : '(in the data folder)',
  );
  expect(existsSync(join(before, 'data', 'PG_VERSION'))).toBe(true);
  await expect(page.getByTestId('data-folder-demo')).toContainText(before);

  const second = await tidemark.restart();
  await page.goto(second.url);
  // The same profile and the same cluster: reused, not set up again.
  await expect(page.getByTestId('sidebar-profile')).toHaveCount(1);
  await expect(page.getByTestId('sidebar-profile').getByTestId('demo-badge')).toHaveText('demo');
  expect(await location()).toBe(before);
  await expect(page.getByTestId('demo-section')).toContainText('It is running', { timeout: 60_000 });
  await expect(page.getByTestId('demo-size')).not.toHaveText('an unknown size');
});
