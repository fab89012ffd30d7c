import { spawnCli } from '../test/support/cli';
import { expect, test } from './support/fixtures';

test.use({ viewport: { width: 900, height: 760 } });

/** Issue 13: at 900 px the server list folds to its dots (button or Ctrl+B), keeps its names, and stays folded. */
test('the sidebar folds by button and by Ctrl+B, keeps every accessible name, and is remembered', async ({
  page,
  tidemark,
}) => {
  for (const name of ['db-alpha', 'db-beta']) {
    const added = await spawnCli(
      ['profiles', 'add', '--url', `postgresql://dba@${name}.example.com/app`, '--name', name],
      {
        dataDir: tidemark.dataDir,
      },
    );
    expect(added.code, added.stderr).toBe(0);
  }
  await page.goto((await tidemark.start()).url);
  const sidebar = page.getByRole('navigation', { name: 'Servers' });
  const toggle = sidebar.getByRole('button', { name: 'Server list' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const wide = (await sidebar.boundingBox())!.width;
  const mainWide = (await page.locator('main').boundingBox())!.width;

  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect.poll(async () => (await sidebar.boundingBox())!.width).toBeLessThan(80);
  expect((await page.locator('main').boundingBox())!.width).toBeGreaterThan(mainWide + wide - 100);
  // Folded, every control still has its name: the servers, Add server, Import….
  await expect(sidebar.getByRole('link', { name: /^db-alpha/ })).toBeVisible();
  await expect(sidebar.getByRole('link', { name: /^db-beta/ })).toBeVisible();
  await expect(sidebar.getByRole('link', { name: 'Add server', exact: true })).toBeVisible();
  await expect(sidebar.getByRole('link', { name: 'Import…', exact: true })).toBeVisible();
  await sidebar.getByRole('link', { name: /^db-beta/ }).click();
  await expect(page.getByRole('heading', { name: 'db-beta', level: 1 })).toBeVisible();

  // Remembered: a new page load starts folded.
  await page.reload();
  await expect(
    page.getByRole('navigation', { name: 'Servers' }).getByRole('button', { name: 'Server list' }),
  ).toHaveAttribute('aria-expanded', 'false');

  // The shortcut unfolds it, and the help overlay lists it.
  await page.locator('main h1').focus();
  await page.keyboard.press('Control+b');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect.poll(async () => (await sidebar.boundingBox())!.width).toBeGreaterThan(200);
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help.getByRole('row', { name: /Ctrl\+B.*Fold or unfold the server list/ })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
});
