import { expect, test } from './support/fixtures';

/** Issue 15: the theme is a setting (system, light, dark), applied at once and kept across a restart. */
test('choosing Dark in Settings switches the page to dark, and it stays after a reload', async ({
  page,
  tidemark,
}) => {
  await page.emulateMedia({ colorScheme: 'light' });
  const host = await tidemark.start();
  await page.goto(host.url);
  const body = page.locator('body');
  const light = 'rgb(244, 246, 248)';
  const dark = 'rgb(15, 19, 23)';

  await page.getByRole('navigation', { name: 'Tidemark' }).getByRole('link', { name: 'Settings' }).click();
  const theme = page.getByRole('group', { name: 'Theme' });
  await expect(theme.getByLabel('Follow the system')).toBeChecked();
  await expect(body).toHaveCSS('background-color', light);

  await theme.getByLabel('Dark').check();
  await expect(body).toHaveCSS('background-color', dark);
  await page.reload();
  await expect(page.getByRole('group', { name: 'Theme' }).getByLabel('Dark')).toBeChecked();
  await expect(body).toHaveCSS('background-color', dark);

  // Light stays light even when the OS turns dark; "Follow the system" follows it.
  await page.getByRole('group', { name: 'Theme' }).getByLabel('Light').check();
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(body).toHaveCSS('background-color', light);
  await page.getByRole('group', { name: 'Theme' }).getByLabel('Follow the system').check();
  await expect(body).toHaveCSS('background-color', dark);
});
