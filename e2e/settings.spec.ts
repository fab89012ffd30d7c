import { expect, test } from './support/fixtures';
import { addProfile, profileTab } from './support/profiles';

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

/** Issue 15: Settings say what new servers start with, how alerts reach the desktop, and where the data is. */
test('Settings: a new server starts with the default schedule; notifications and the data folder are said', async ({
  page,
  tidemark,
  postgres,
}) => {
  const host = await tidemark.start();
  await page.goto(host.url);
  await page.getByRole('navigation', { name: 'Tidemark' }).getByRole('link', { name: 'Settings' }).click();

  // A schedule the sampling layer cannot read is refused under its field, in words.
  await page.getByLabel('Storage sample schedule').fill('twice a day');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('error-defaultSchedule')).toContainText('"twice a day"');
  await page.getByLabel('Storage sample schedule').fill('every 15m');
  await page.getByLabel('Heartbeat every').fill('30');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('error-defaultSchedule')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save settings' })).toBeDisabled();

  // Notifications: critical only, kept after a reload.
  const prefs = page.getByTestId('notification-prefs');
  await prefs.getByLabel('Critical alerts only').check();
  await page.reload();
  await expect(page.getByTestId('notification-prefs').getByLabel('Critical alerts only')).toBeChecked();

  // The data folder and the size of each part, with units.
  await expect(page.getByTestId('data-folder-path')).toHaveText(host.dataDir);
  await expect(page.getByTestId('data-folder-history')).toContainText(/\d+(\.\d)? (B|KiB|MiB) tidemark\.db/);
  await expect(page.getByTestId('data-folder-demo')).toHaveText('none set up');

  await addProfile(page, 'Fresh', postgres, 'postgres');
  await profileTab(page, 'Fresh', 'Storage').click();
  const schedule = page.getByTestId('schedule-panel');
  await expect(schedule.getByLabel('Storage sample')).toHaveValue('every 15m');
  await expect(schedule.getByLabel('Heartbeat every')).toHaveValue('30');
});
