import { expect, test } from './support/fixtures';
import { startSpecPostgres } from './support/postgres';
import { addProfile } from './support/profiles';

/**
 * The Storage page's bloat list: a table with most rows deleted is estimated,
 * and "Measure" reads it with pgstattuple on demand — first saying how to
 * install the extension, then, once it is there, the figure and the function
 * that gave it.
 */
const DATABASE = 'bloated';

test('bloat: estimated in the sample, measured exactly on demand with pgstattuple', async ({
  page,
  tidemark,
}) => {
  test.setTimeout(120_000);
  const server = await startSpecPostgres();
  try {
    const root = await server.connect('postgres');
    await root.query(`CREATE DATABASE ${DATABASE}`);
    const db = await server.connect(DATABASE);
    await db.query(`
      CREATE TABLE public.items (id int PRIMARY KEY, body text) WITH (autovacuum_enabled = false);
      INSERT INTO public.items SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g;
      DELETE FROM public.items WHERE id <= 16000;
      ANALYZE public.items;
    `);

    await page.goto((await tidemark.start()).url);
    await addProfile(page, 'bloated', server.info, DATABASE);
    await page.getByRole('button', { name: 'Sample now' }).click();
    const section = page.getByTestId('disk-bloat');
    const row = section.getByRole('row').filter({ hasText: 'public.items' }).filter({ hasText: 'table' });
    await expect(row).toBeVisible({ timeout: 30_000 });

    const measure = row.getByRole('button', { name: 'Measure the bloat of public.items with pgstattuple' });
    await measure.click();
    await expect(row.getByRole('alert')).toContainText('CREATE EXTENSION pgstattuple;');

    await db.query('CREATE EXTENSION pgstattuple');
    await measure.click();
    await expect(row.getByTestId('exact-bloat')).toContainText(/by pgstattuple_approx\(\)/);
    await expect(row.getByRole('alert')).toHaveCount(0);
  } finally {
    await server.stop();
  }
});
