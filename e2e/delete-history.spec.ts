import { expect, test } from './support/fixtures';
import { addProfile, profileTab } from './support/profiles';

/**
 * Issue 15: the delete dialog's choice about history. "Keep history" archives the server: out of the
 * sidebar, not sampled, its history still opens (Storage page) from Settings › Archived servers, where
 * it is restored or deleted for good; "Delete history" (the default) removes it with the profile.
 */
test('the delete dialog’s choice about history', async ({ page, tidemark, postgres }) => {
  await page.goto((await tidemark.start()).url);
  await addProfile(page, 'Ledger', postgres, 'postgres');
  await page.getByRole('button', { name: 'Sample now' }).click();
  await expect(page.getByTestId('sample-result')).toContainText(/Sampled \d+ relations? in/);
  const sidebar = page.getByTestId('sidebar-profile');
  await expect(sidebar).toHaveCount(1);

  await test.step('Keep history: archived, out of the sidebar, listed in Settings', async () => {
    await profileTab(page, 'Ledger', 'Connection').click();
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog');
    const choice = dialog.getByTestId('history-choice');
    await expect(choice.getByLabel(/Delete history/)).toBeChecked();
    await expect(dialog.getByRole('button', { name: 'Delete profile and history' })).toBeVisible();
    await choice.getByLabel(/Keep history/).check();
    await dialog.getByRole('button', { name: 'Delete profile, keep history' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(sidebar).toHaveCount(0);
    await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
    await expect(page.getByTestId('archived-server')).toHaveCount(1);
    await expect(page.getByTestId('archived-server')).toContainText('Ledger');
  });

  await test.step('its history opens offline, marked archived; sampling it is refused', async () => {
    await page.getByTestId('archived-server').getByRole('link', { name: 'Open history' }).click();
    await expect(page.getByTestId('archived-banner')).toContainText('Ledger is archived');
    await expect(page.getByTestId('storage-summary')).toBeVisible();
    await page.getByRole('button', { name: 'Sample now' }).click();
    await expect(page.getByText(/is archived: it is not sampled/).first()).toBeVisible();
  });

  await test.step('a reload keeps it archived; Restore puts it back in the sidebar', async () => {
    await page.reload();
    await expect(page.getByTestId('archived-banner')).toBeVisible();
    await expect(sidebar).toHaveCount(0);
    await page.getByRole('navigation', { name: 'Tidemark' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByTestId('archived-server').getByRole('button', { name: 'Restore' }).click();
    await expect(sidebar).toHaveCount(1);
    await expect(page.getByTestId('archived-server')).toHaveCount(0);
  });

  await test.step('Delete history (the default): gone from the sidebar and from the archive', async () => {
    await sidebar.filter({ hasText: 'Ledger' }).click();
    await profileTab(page, 'Ledger', 'Connection').click();
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete profile and history' }).click();
    await expect(sidebar).toHaveCount(0);
    await page.getByRole('navigation', { name: 'Tidemark' }).getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByTestId('archived-servers')).toContainText('None.');
  });
});
