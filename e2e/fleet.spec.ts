import { createTidemark } from '../src/main/app';
import { KeyFileSecretStore } from '../src/main/secrets/key-file-secret-store';
import { DEFAULT_ALERT_RULES } from '../src/shared/alerts';
import type { Profile } from '../src/shared/profile';
import type { PostgresInfo } from '../test/support/servers';
import { expect, test } from './support/fixtures';

/**
 * The start page ranks the fleet by risk. Three servers are set up with
 * Tidemark's own services in the host's data directory before it starts: one
 * quiet (staging), one whose real sample breaks a critical size (prod), one
 * that does not answer (prod, port 1). The page ranks the down one first, the
 * one with the critical alert next, filters by tag and text, folds by tag,
 * links into each server, and takes tags on the profile form.
 */

const MiB = 1024 ** 2;

async function seed(dataDir: string, server: PostgresInfo): Promise<Record<string, string>> {
  const app = await createTidemark({
    dataDir,
    mode: 'browser',
    secretStore: new KeyFileSecretStore(dataDir),
  });
  try {
    const add = async (name: string, tags: string[], port = server.port) => {
      const r = await app.router.dispatch('profiles:create', {
        name,
        host: server.host,
        port,
        database: 'postgres',
        user: server.user,
        password: server.password,
        passwordMode: 'store',
        sslmode: 'disable',
        connectTimeoutSec: 2,
        tags,
      });
      if (!r.ok) throw new Error(r.error.message);
      return (r.value as Profile).id;
    };
    const calm = await add('alpha-staging', ['staging']);
    const critical = await add('bravo-prod', ['prod']);
    const down = await add('charlie-prod', ['prod'], 1);
    // Any real database is above 1 MiB: the absolute-size rule fires on a real sample.
    app.alerts.setRules([critical], {
      ...DEFAULT_ALERT_RULES,
      sizeCriticalBytes: MiB,
      growthFloorBytes: 1024,
    });
    for (const id of [calm, critical]) {
      const sampled = await app.router.dispatch('storage:sampleNow', { profileId: id });
      if (!sampled.ok) throw new Error(sampled.error.message);
    }
    app.monitoring.history.recordBeat(down, {
      at: new Date(),
      ok: false,
      latencyMs: null,
      message: 'connection refused',
    });
    return { calm, critical, down };
  } finally {
    await app.close();
  }
}

test('the fleet overview ranks servers by risk, filters by tag, and links into each', async ({
  page,
  tidemark,
  postgres,
}) => {
  const ids = await seed(tidemark.dataDir, postgres);
  const host = await tidemark.start();
  await page.goto(host.url);
  await expect(page.getByRole('heading', { name: 'Fleet', level: 1 })).toBeVisible();

  const rows = page.getByTestId('fleet-row');
  const names = () => rows.locator('.fleet-name');
  await expect(names()).toHaveText(['charlie-prod', 'bravo-prod', 'alpha-staging']);
  await expect(rows.nth(0)).toHaveAttribute('data-status', 'down');
  await expect(rows.nth(0)).toContainText('down');
  await expect(rows.nth(1).getByTestId('fleet-alerts')).toHaveText('1 critical');
  await expect(rows.nth(1)).toContainText('1 critical alert');
  // One sample is no rate: the page says so rather than guessing.
  await expect(rows.nth(2)).toContainText('not enough history yet');
  // WAL and XID facts are not sampled: a dash that says why.
  await expect(rows.nth(2).locator('td').nth(7)).toHaveText('—');

  // Sort by name, then back to risk.
  await page.getByRole('button', { name: 'Server', exact: true }).click();
  await expect(names()).toHaveText(['alpha-staging', 'bravo-prod', 'charlie-prod']);
  await page.getByRole('button', { name: /^Risk/ }).click();
  await expect(names()).toHaveText(['charlie-prod', 'bravo-prod', 'alpha-staging']);

  // Filter by tag, by text, and fold by tag.
  await page.getByTestId('fleet-tag').selectOption('prod');
  await expect(names()).toHaveText(['charlie-prod', 'bravo-prod']);
  await page.getByTestId('fleet-tag').selectOption('');
  await page.getByTestId('fleet-filter').fill('staging');
  await expect(names()).toHaveText(['alpha-staging']);
  await page.getByTestId('fleet-filter').fill('');
  await page.getByTestId('fleet-by-tag').check();
  await expect(page.getByTestId('fleet-group').locator('summary')).toHaveText(['prod (2)', 'staging (1)']);
  await page.getByTestId('fleet-by-tag').uncheck();

  // Each name links into its server.
  for (const [name, id] of [
    ['charlie-prod', ids.down],
    ['bravo-prod', ids.critical],
    ['alpha-staging', ids.calm],
  ] as const) {
    await page.getByRole('link', { name, exact: true }).first().click();
    await expect(page).toHaveURL(new RegExp(`#/profiles/${id}/storage$`));
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
    await page.goto(host.url);
    await expect(names()).toHaveCount(3);
  }

  // Tags and the disk size are edited on the profile form.
  await page.goto(`${host.url}#/profiles/${ids.calm}/edit`);
  await page.getByLabel('Tags').fill('staging, team-a');
  await page.getByLabel('Disk size').fill('lots');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('error-diskBytes')).toContainText('must be a number');
  await page.getByLabel('Disk size').fill('10 GiB');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'alpha-staging', level: 1 })).toBeVisible();
  await page.goto(host.url);
  await page.getByTestId('fleet-tag').selectOption('team-a');
  await expect(names()).toHaveText(['alpha-staging']);
});
