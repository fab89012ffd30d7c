import { mkdirSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { makeKey, startSshd } from '../test/support/sshd';
import { expect, test } from './support/fixtures';
import { addProfile, profileTab } from './support/profiles';

/** Fills the form for the test server; the caller picks the password mode. */
async function fillServer(page: Page, name: string, server: { host: string; port: number; user: string }) {
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Host').fill(server.host);
  await page.getByLabel('Port').fill(String(server.port));
  await page.getByLabel('Database').fill('postgres');
  await page.getByLabel('User').fill(server.user);
}

test('a pasted URI fills the form, and a malformed one is explained under the box', async ({
  page,
  tidemark,
  postgres,
}) => {
  await page.goto((await tidemark.start()).url);
  await page.getByRole('link', { name: 'Add your first server' }).click();

  const uri = page.getByLabel('Paste a connection URI');
  await uri.fill('mysql://root@db1/orders');
  await page.getByRole('button', { name: 'Fill in' }).click();
  await expect(page.getByTestId('error-uri')).toBeVisible();
  await expect(uri).toHaveAttribute('aria-invalid', 'true');

  await uri.fill(`postgresql://${postgres.user}@${postgres.host}:${postgres.port}/postgres?sslmode=require`);
  await page.getByRole('button', { name: 'Fill in' }).click();
  await expect(page.getByTestId('error-uri')).toHaveCount(0);
  await expect(page.getByLabel('Host')).toHaveValue(postgres.host);
  await expect(page.getByLabel('Port')).toHaveValue(String(postgres.port));
  await expect(page.getByLabel('User')).toHaveValue(postgres.user);
  await expect(page.getByLabel('sslmode')).toHaveValue('require');
  await expect(page.getByText('Always encrypts, but does not check who the server is.')).toBeVisible();
});

test('a profile that asks for its password: unlock dialog, duplicate, delete', async ({
  page,
  tidemark,
  postgres,
  wire,
}) => {
  await page.goto((await tidemark.start()).url);
  await page.getByRole('link', { name: 'Add your first server' }).click();
  await fillServer(page, 'Asks every time', postgres);
  await page.getByLabel('Asked for once each time Tidemark starts').check();
  await expect(page.getByLabel('Password', { exact: true })).toHaveCount(0);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Asks every time' })).toBeVisible();
  // A new profile lands on its Storage page; Test connection is on its Connection page.
  await profileTab(page, 'Asks every time', 'Connection').click();

  // The first test needs the password: a dialog asks for it.
  await page.getByRole('button', { name: 'Test connection' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Password').fill(postgres.password);
  await dialog.getByRole('button', { name: 'Unlock' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('test-result')).toHaveAttribute('data-state', 'ok');
  await expect(page.getByTestId('test-user')).toHaveText(postgres.user);

  // Unlocked for the session: no second prompt.
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('button', { name: 'Test connection' })).toBeEnabled();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('test-result')).toHaveAttribute('data-state', 'ok');

  // Duplicate opens an unsaved copy in the Add server form: nothing is stored until Save.
  await page.getByRole('link', { name: 'Duplicate' }).click();
  await expect(page.getByRole('heading', { name: 'Add a copy of “Asks every time”' })).toBeVisible();
  await expect(page.getByLabel('Name')).toHaveValue('Asks every time (copy)');
  await expect(page.getByLabel('Host')).toHaveValue(postgres.host);
  await expect(page.getByLabel('Asked for once each time Tidemark starts')).toBeChecked();
  await expect(page.getByTestId('sidebar-profile')).toHaveCount(1);
  await page.getByLabel('Name').fill('The copy');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'The copy' })).toBeVisible();
  await expect(page.getByTestId('sidebar-profile')).toHaveCount(2);
  await profileTab(page, 'The copy', 'Connection').click();

  // Delete asks first; Cancel keeps the profile.
  await page.getByRole('button', { name: 'Delete…' }).click();
  await expect(dialog).toContainText('Delete “The copy”?');
  await expect(dialog).toContainText('storage samples, heartbeats, disk facts, alerts');
  await expect(dialog).toContainText('The migration journal of its tables is kept');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('sidebar-profile')).toHaveCount(2);
  await page.getByRole('button', { name: 'Delete…' }).click();
  await dialog.getByRole('button', { name: 'Delete profile' }).click();
  await expect(page.getByTestId('sidebar-profile')).toHaveCount(1);
  await expect(page.getByTestId('sidebar-profile')).toContainText('Asks every time');

  await wire.settle();
  expect(wire.received.filter((body) => body.includes(postgres.password))).toEqual([]);
});

test('a copy of a profile with a stored password keeps it on the same server, and asks for it on another', async ({
  page,
  tidemark,
  postgres,
  wire,
}) => {
  await page.goto((await tidemark.start()).url);
  await addProfile(page, 'Stored', postgres, 'postgres');
  await profileTab(page, 'Stored', 'Connection').click();
  await page.getByRole('link', { name: 'Duplicate' }).click();
  await expect(page.getByRole('heading', { name: 'Add a copy of “Stored”' })).toBeVisible();
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(
    page.getByText('The password stored with “Stored” is stored with the copy too.'),
  ).toBeVisible();

  // Another database on the same server: not the server the password was saved for, so it is asked for.
  await page.getByLabel('Database').fill('template1');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('error-password')).toContainText('Type the password again');
  await page.getByLabel('Database').fill('postgres');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Stored (copy)', level: 1 })).toBeVisible();

  // The copy connects with the password it was given in main, never typed again or sent to this page.
  await profileTab(page, 'Stored (copy)', 'Connection').click();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByTestId('test-result')).toHaveAttribute('data-state', 'ok');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await wire.settle();
  expect(wire.received.filter((body) => body.includes(postgres.password))).toEqual([]);
});

test.describe('import', () => {
  let dir: string;
  test.beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tidemark-e2e-libpq-'));
  });
  test.afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('from pg_service.conf and .pgpass, with the password left in .pgpass', async ({
    page,
    tidemark,
    postgres,
    wire,
  }) => {
    const serviceFile = join(dir, 'pg_service.conf');
    const pgpassFile = join(dir, 'pgpass');
    await writeFile(
      serviceFile,
      `[e2e-service]\nhost=${postgres.host}\nport=${postgres.port}\ndbname=postgres\nuser=${postgres.user}\n`,
    );
    await writeFile(
      pgpassFile,
      `${postgres.host}:${postgres.port}:postgres:${postgres.user}:${postgres.password}\n*:*:*:someone:elsewhere\n`,
    );
    await chmod(pgpassFile, 0o600);

    await page.goto(
      (await tidemark.start({ PGSERVICEFILE: serviceFile, PGPASSFILE: pgpassFile, PGSYSCONFDIR: dir })).url,
    );
    await page.getByRole('link', { name: 'Import from pg_service.conf / .pgpass' }).click();
    const candidates = page.getByTestId('import-candidate');
    await expect(candidates).toHaveCount(3);

    const service = candidates.filter({ hasText: 'e2e-service' });
    const wildcard = candidates.filter({ hasText: 'someone' });
    const pgpassLine = candidates
      .filter({ hasText: `${postgres.user}@${postgres.host}:${postgres.port}/postgres` })
      .filter({
        hasNotText: 'e2e-service',
      });
    await expect(service.getByRole('checkbox')).toBeChecked();
    // A wildcard line cannot become a profile: shown, greyed, not selectable.
    await expect(wildcard.getByRole('checkbox')).toBeDisabled();
    await pgpassLine.getByRole('checkbox').uncheck();

    await page.getByRole('button', { name: 'Import 1 selected' }).click();
    await expect(service.getByRole('link', { name: /Imported as/ })).toBeVisible();
    await service.getByRole('link', { name: /Imported as/ }).click();

    await expect(page.getByRole('heading', { name: 'e2e-service' })).toBeVisible();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByTestId('test-result')).toHaveAttribute('data-state', 'ok');
    await expect(page.getByTestId('test-user')).toHaveText(postgres.user);

    await wire.settle();
    expect(wire.received.filter((body) => body.includes(postgres.password))).toEqual([]);
  });
});

test('a profile through an SSH tunnel: trust the new host key, test it, see the tunnel on the Connection page', async ({
  page,
  tidemark,
  postgres,
}) => {
  const home = await mkdtemp(join(tmpdir(), 'tidemark-e2e-ssh-'));
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  const key = makeKey(join(home, '.ssh'), 'id_ed25519');
  const sshd = await startSshd([key.publicKey]);
  try {
    writeFileSync(
      join(home, '.ssh', 'config'),
      `Host pg-bastion\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  IdentitiesOnly yes\n`,
    );
    await page.goto((await tidemark.start({ HOME: home })).url);
    await page.getByRole('link', { name: 'Add your first server' }).click();
    await fillServer(page, 'Behind the bastion', postgres);
    await page.getByLabel('Password', { exact: true }).fill(postgres.password);
    await page.getByLabel('SSH server or ~/.ssh/config alias').fill('pg-bastion');
    await page.getByRole('button', { name: 'Test connection' }).click();

    // First use: the host key's fingerprint is shown, and nothing connects until it is trusted.
    await expect(page.getByTestId('test-failure-reason')).toHaveAttribute(
      'data-reason',
      'ssh_host_key_unknown',
    );
    await expect(page.getByTestId('host-key-fingerprint')).toHaveText(sshd.hostFingerprint);
    await page.getByRole('button', { name: 'Trust this key and test again' }).click();
    await expect(page.getByTestId('test-result')).toHaveAttribute('data-state', 'ok');
    await expect(page.getByTestId('test-tunnel')).toHaveText(`up via root@127.0.0.1:${sshd.port}`);

    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('heading', { name: 'Behind the bastion' })).toBeVisible();
    await page
      .getByRole('navigation', { name: 'Behind the bastion sections' })
      .getByRole('link', { name: 'Connection' })
      .click();
    const connection = page.getByRole('region', { name: 'Connection', exact: true });
    await expect(connection.getByText('pg-bastion', { exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByTestId('test-result')).toHaveAttribute('data-state', 'ok');
    await expect(page.getByTestId('tunnel-state')).toHaveAttribute('data-state', 'up', { timeout: 10_000 });
  } finally {
    await sshd.stop();
    await rm(home, { recursive: true, force: true });
  }
});
