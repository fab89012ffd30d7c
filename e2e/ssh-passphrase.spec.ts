import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeKey, startSshd } from '../test/support/sshd';
import { expect, test } from './support/fixtures';
import { profileTab } from './support/profiles';

/** Issue 13: a key passphrase "asked for" is asked in a dialog like a password, and kept for the session. */
test('a tunnel whose key passphrase is asked: the passphrase dialog, by keyboard, then no second prompt', async ({
  page,
  tidemark,
  postgres,
}) => {
  const passphrase = 'correct horse battery';
  const home = await mkdtemp(join(tmpdir(), 'tidemark-e2e-ssh-ask-'));
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  const key = makeKey(join(home, '.ssh'), 'id_locked', passphrase);
  const sshd = await startSshd([key.publicKey]);
  try {
    writeFileSync(
      join(home, '.ssh', 'config'),
      `Host pg-locked\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  IdentityFile ~/.ssh/id_locked\n  IdentitiesOnly yes\n`,
    );
    writeFileSync(join(home, '.ssh', 'known_hosts'), `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    await page.goto((await tidemark.start({ HOME: home })).url);
    await page.getByRole('link', { name: 'Add your first server' }).click();
    await page.getByLabel('Name').fill('Locked key');
    await page.getByLabel('Host').fill(postgres.host);
    await page.getByLabel('Port').fill(String(postgres.port));
    await page.getByLabel('Database').fill('postgres');
    await page.getByLabel('User').fill(postgres.user);
    await page.getByLabel('Stored encrypted on this computer').check();
    await page.getByLabel('Password', { exact: true }).fill(postgres.password);
    await page.getByLabel('SSH server or ~/.ssh/config alias').fill('pg-locked');
    await page.getByLabel('Key passphrase (or SSH password)').selectOption('ask');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('heading', { name: 'Locked key', level: 1 })).toBeVisible();
    await profileTab(page, 'Locked key', 'Connection').click();

    await page.getByRole('button', { name: 'Test connection' }).click();
    const dialog = page.getByRole('dialog', { name: 'SSH passphrase for “Locked key”' });
    await expect(dialog).toBeVisible();
    // The passphrase field has the focus; Enter unlocks.
    await expect(dialog.getByLabel('Passphrase')).toBeFocused();
    await page.keyboard.type(passphrase);
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId('test-result')).toHaveAttribute('data-state', 'ok');
    await expect(page.getByTestId('tunnel-state')).toHaveAttribute('data-state', 'up', { timeout: 10_000 });

    // Kept for the session: the next test does not ask again.
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByRole('button', { name: 'Test connection' })).toBeEnabled();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.getByTestId('test-result')).toHaveAttribute('data-state', 'ok');
  } finally {
    await sshd.stop();
    await rm(home, { recursive: true, force: true });
  }
});
