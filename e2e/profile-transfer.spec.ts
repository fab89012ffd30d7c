import { readFile } from 'node:fs/promises';
import { spawnCli } from '../test/support/cli';
import { expect, test } from './support/fixtures';

/** Issue 13: profiles out of one workstation and into another, from Settings, with no secret in the file. */
test('Settings exports the profiles without secrets and imports a file after showing what it will do', async ({
  page,
  tidemark,
}) => {
  const secret = 'pw-that-never-leaves-9d2c';
  const add = (name: string, input?: string) =>
    spawnCli(
      [
        'profiles',
        'add',
        '--url',
        `postgresql://dba@${name}.example.com/app`,
        '--name',
        name,
        ...(input ? ['--password-stdin'] : []),
      ],
      { dataDir: tidemark.dataDir, ...(input ? { input } : {}) },
    );
  expect((await add('db-a', `${secret}\n`)).code).toBe(0);
  expect((await add('db-b')).code).toBe(0);
  await page.goto((await tidemark.start()).url);
  await page.getByRole('navigation', { name: 'Tidemark' }).getByRole('link', { name: 'Settings' }).click();
  const section = page.getByRole('region', { name: 'Profiles in and out' });

  const downloading = page.waitForEvent('download');
  await section.getByRole('button', { name: 'Export profiles…' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^tidemark-profiles-\d{4}-\d{2}-\d{2}\.json$/);
  const text = await readFile((await download.path())!, 'utf8');
  expect(text).not.toContain(secret);
  const file = JSON.parse(text) as { profiles: { name: string }[] };
  expect(file.profiles.map((p) => p.name).sort()).toEqual(['db-a', 'db-b']);
  await expect(section.getByTestId('transfer-exported')).toHaveText(/2 profiles saved as tidemark-profiles-/);

  // The same file back, plus one new profile and one carrying a password it must not take.
  const incoming = {
    ...file,
    profiles: [
      ...file.profiles,
      { ...file.profiles[0], name: 'db-c', host: 'db-c.example.com' },
      { ...file.profiles[0], name: 'db-evil', password: 'hunter2' },
    ],
  };
  await section.getByLabel('Import profiles from a file').setInputFiles({
    name: 'incoming.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(incoming)),
  });
  await expect(section.getByText('incoming.json: 1 to add, 2 skipped, 1 refused.')).toBeVisible();
  const preview = section.getByTestId('transfer-report');
  await expect(preview.getByRole('row', { name: /db-c Will be added/ })).toBeVisible();
  await expect(
    preview.getByRole('row', { name: /db-a Skipped A profile named "db-a" already exists here/ }),
  ).toBeVisible();
  await expect(preview.getByRole('row', { name: /db-evil Refused unknown field "password"/ })).toBeVisible();
  // Nothing is saved before the DBA confirms.
  const servers = page.getByRole('navigation', { name: 'Servers' });
  await expect(servers.getByRole('link', { name: /db-c/ })).toHaveCount(0);

  await section.getByRole('button', { name: 'Import 1 profile' }).click();
  await expect(section.getByTestId('transfer-result')).toHaveText('1 added, 2 skipped, 1 refused.');
  await expect(servers.getByRole('link', { name: /db-c/ })).toBeVisible();
  await expect(servers.getByRole('link', { name: /db-evil/ })).toHaveCount(0);
  // The report links to the profile made.
  await section.getByTestId('transfer-report').getByRole('link', { name: 'db-c' }).click();
  await expect(page.getByRole('heading', { name: 'db-c', level: 1 })).toBeVisible();
});
