import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from './support/fixtures';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

test('a new user adds a server, tests it, and finds it again after a restart', async ({
  page,
  tidemark,
  postgres,
  wire,
}) => {
  const profileName = 'Test PostgreSQL 18';

  await test.step('first start shows the empty state', async () => {
    const host = await tidemark.start();
    await page.goto(host.url);
    await expect(page.getByTestId('empty-state')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Welcome to Tidemark' })).toBeVisible();
    // The access token is moved out of the address bar.
    expect(page.url()).not.toContain('token=');
    await page.getByRole('link', { name: 'Add your first server' }).click();
    await expect(page.getByRole('heading', { name: 'Add a server' })).toBeVisible();
  });

  await test.step('a mistake is caught and explained next to its field', async () => {
    await page.getByLabel('Name').fill(profileName);
    await page.getByLabel('Host').fill(postgres.host);
    await page.getByLabel('Port').fill('99999');
    await page.getByLabel('Database').fill('postgres');
    await page.getByLabel('User').fill(postgres.user);
    await page.getByLabel('Stored encrypted on this computer').check();
    await page.getByLabel('Password', { exact: true }).fill(postgres.password);
    await page.getByRole('button', { name: 'Save' }).click();

    const port = page.getByLabel('Port');
    await expect(page.getByTestId('error-port')).toHaveText('The port must be between 1 and 65535.');
    await expect(port).toHaveAttribute('aria-invalid', 'true');
    await expect(port).toHaveAccessibleDescription(/The port must be between 1 and 65535/);
    await expect(page.getByTestId('error-summary')).toContainText('Port');
    // What the DBA typed is kept, and nothing was saved.
    await expect(port).toHaveValue('99999');
    await expect(page.getByLabel('Host')).toHaveValue(postgres.host);
    await expect(page.getByTestId('sidebar-profile')).toHaveCount(0);

    await port.fill(String(postgres.port));
    await expect(page.getByTestId('error-port')).toHaveCount(0);
    await expect(port).not.toHaveAttribute('aria-invalid', 'true');
  });

  await test.step('Test connection reports PostgreSQL 18 and the user', async () => {
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByTestId('test-result')).toHaveAttribute('data-state', 'ok');
    await expect(page.getByTestId('test-server-version')).toHaveText(/^PostgreSQL 18(\.\d+)?\b/);
    await expect(page.getByTestId('test-user')).toHaveText(postgres.user);
    await expect(page.getByTestId('test-database')).toHaveText('postgres');
    await expect(page.getByTestId('test-superuser')).toHaveText('yes');
    // The test server has SSL on; sslmode 'prefer' uses it.
    await expect(page.getByTestId('test-ssl')).toHaveText(/^encrypted/);
  });

  await test.step('save, with the password stored', async () => {
    await page.getByRole('button', { name: 'Save' }).click();
    // A new server opens on its Storage tab.
    await expect(page).toHaveURL(/#\/profiles\/[^/]+\/storage$/);
    await expect(page.getByRole('heading', { name: profileName })).toBeVisible();
    await expect(page.getByTestId('sidebar-profile')).toHaveCount(1);
    // Its accessible name starts with the server's name, not its status.
    await expect(
      page.getByRole('navigation', { name: 'Servers' }).getByRole('link').first(),
    ).toHaveAccessibleName(new RegExp(`^${profileName}`));
    await expect(page.getByTestId('sidebar-profile')).toContainText(
      `${postgres.host}:${postgres.port}/postgres`,
    );
    await expect(page.getByTestId('sidebar-profile').getByTestId('status-dot')).toHaveAttribute(
      'data-state',
      'up',
    );
  });

  await test.step('after a restart the profile is still there and still connects', async () => {
    const host = await tidemark.restart();
    await page.goto(host.url);
    const entry = page.getByTestId('sidebar-profile');
    await expect(entry).toHaveCount(1);
    await expect(entry).toContainText(profileName);
    // A new start: the first heartbeat, sent at start, says whether it answers.
    await expect(entry.getByTestId('status-dot')).toHaveAttribute('data-state', 'up');
    // The sidebar opens the profile's Storage page; its connection details are one tab away.
    await entry.click();
    await expect(page.getByRole('heading', { name: profileName })).toBeVisible();
    await page.getByRole('link', { name: 'Connection' }).click();
    await expect(page.getByText('Stored encrypted on this computer')).toBeVisible();

    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByTestId('test-result')).toHaveAttribute('data-state', 'ok');
    await expect(page.getByTestId('test-server-version')).toHaveText(/^PostgreSQL 18/);
    await expect(page.getByTestId('test-user')).toHaveText(postgres.user);
    await expect(entry.getByTestId('status-dot')).toHaveAttribute('data-state', 'up');
  });

  await test.step('the password never came back to the page', async () => {
    await wire.settle();
    // Control: the capture works, and the password did go out (form → main).
    expect(wire.sent.some((frame) => frame.includes(postgres.password))).toBe(true);
    expect(wire.received.length).toBeGreaterThan(10);
    const leaks = wire.received.filter((body) => body.includes(postgres.password));
    expect(leaks, 'responses or events that contain the password').toEqual([]);
  });

  await test.step('and it is not written in clear anywhere in the data directory', async () => {
    await tidemark.stop();
    for (const file of await filesUnder(tidemark.dataDir)) {
      const content = await readFile(file);
      expect(content.includes(postgres.password), `${file} contains the password in clear`).toBe(false);
    }
  });
});
