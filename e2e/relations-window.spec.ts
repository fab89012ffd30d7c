import { createTidemark } from '../src/main/app';
import { KeyFileSecretStore } from '../src/main/secrets/key-file-secret-store';
import type { Profile } from '../src/shared/profile';
import { MiB, rel, sample } from '../test/support/history-fixtures';
import { expect, test } from './support/fixtures';

/**
 * 50,000 relations in the history (a server that does not answer, port 1, so only the stored
 * sample is shown): the relations table opens on its first window and scrolls to the last row,
 * reading the rows from main as they come into view.
 */

const RELATIONS = 50_000;

async function seed(dataDir: string): Promise<string> {
  const app = await createTidemark({
    dataDir,
    mode: 'browser',
    secretStore: new KeyFileSecretStore(dataDir),
  });
  try {
    const r = await app.router.dispatch('profiles:create', {
      name: 'many-relations',
      host: '127.0.0.1',
      port: 1,
      database: 'app',
      user: 'tidemark',
      password: 'unused',
      passwordMode: 'store',
      sslmode: 'disable',
      connectTimeoutSec: 2,
      tags: [],
    });
    if (!r.ok) throw new Error(r.error.message);
    const id = (r.value as Profile).id;
    // Distinct sizes, biggest last by index: sorted by total, t_0 is the last row.
    const relations = Array.from({ length: RELATIONS }, (_, i) => rel(`public.t_${i}`, (i + 1) * MiB));
    app.monitoring.history.saveSample(id, sample(Date.now() - 60_000, relations));
    return id;
  } finally {
    await app.close();
  }
}

test('50,000 relations: the table opens on a window and scrolls to the last', async ({ page, tidemark }) => {
  test.setTimeout(180_000);
  const id = await seed(tidemark.dataDir);
  const { url } = await tidemark.start();
  await page.goto(`${url}#/profiles/${encodeURIComponent(id)}/storage`);

  const first = page.locator(`[data-testid="relation-row"][data-relation="public.t_${RELATIONS - 1}"]`);
  await expect(first).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('relations-count')).toHaveText('50,000 relations');
  // Only what is in view (and a little around it) is in the page, never the 50,000.
  expect(await page.getByTestId('relation-row').count()).toBeLessThan(200);

  const scroller = page.getByTestId('relations-scroll');
  const last = page.locator('[data-testid="relation-row"][data-relation="public.t_0"]');
  // Row heights are measured as they render: scroll to the end until the last row is there.
  await expect(async () => {
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect(last).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  // The last row is at the bottom of the table's own scroll box, once the page shows that box.
  await scroller.evaluate((el) => el.scrollIntoView({ block: 'end' }));
  await expect(last).toBeInViewport();
  expect(await page.getByTestId('relation-row').count()).toBeLessThan(200);

  // A search goes to main too: one row out of 50,000.
  await page.getByLabel('Filter relations by schema or name').fill('t_49998');
  await expect(page.getByTestId('relation-row')).toHaveCount(1);
  await expect(page.getByTestId('relations-count')).toHaveText('1 relation match');
});
