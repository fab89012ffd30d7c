import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { PostgresInfo } from '../test/support/servers';
import { expect, test } from './support/fixtures';
import { addProfile } from './support/profiles';

/**
 * The keyboard: Ctrl-K finds a partition of the current server by name and
 * opens its chart, with no mouse; the single-key shortcuts sample, search and
 * switch servers; "?" lists them all.
 */

const NAME = 'kb-primary';
const OTHER = 'kb-replica';

async function connect(server: PostgresInfo, database: string): Promise<pg.Client> {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    database,
  });
  await client.connect();
  return client;
}

test('the command palette opens a partition’s chart by keyboard alone', async ({
  page,
  tidemark,
  postgres,
}) => {
  test.setTimeout(120_000);
  const database = `kb_${randomBytes(4).toString('hex')}`;
  const root = await connect(postgres, 'postgres');
  await root.query(`CREATE DATABASE ${database}`);
  try {
    const db = await connect(postgres, database);
    await db.query(`
      CREATE TABLE public.orders (id bigint PRIMARY KEY, note text);
      CREATE TABLE public.events (id bigint NOT NULL, happened_at timestamptz NOT NULL)
        PARTITION BY RANGE (happened_at);
      CREATE TABLE public.events_2026_01 PARTITION OF public.events
        FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
      CREATE TABLE public.events_2026_02 PARTITION OF public.events
        FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');`);
    await db.end();

    await page.goto((await tidemark.start()).url);
    await addProfile(page, NAME, postgres, database);
    await addProfile(page, OTHER, postgres, database);
    const dialog = page.getByRole('dialog', { name: 'Command palette' });

    await test.step('Ctrl-K → the server’s Storage page, then S samples it', async () => {
      await page.keyboard.press('Control+k');
      await expect(dialog).toBeVisible();
      await expect(dialog.getByRole('combobox')).toBeFocused();
      await page.keyboard.type(`${NAME} storage`);
      await page.keyboard.press('Enter');
      await expect(dialog).toHaveCount(0);
      await expect(page).toHaveURL(/#\/profiles\/[^/]+\/storage$/);
      await expect(page.getByRole('heading', { name: NAME, level: 1 })).toBeVisible();
      await page.keyboard.press('s');
      await expect(page.getByTestId('sample-result')).toBeVisible();
    });

    await test.step('] and [ switch servers on the same page', async () => {
      await page.keyboard.press(']');
      await expect(page.getByRole('heading', { name: OTHER, level: 1 })).toBeVisible();
      await expect(page).toHaveURL(/\/storage$/);
      await page.keyboard.press('[');
      await expect(page.getByRole('heading', { name: NAME, level: 1 })).toBeVisible();
    });
    await test.step('/ focuses the relations search, where S is just a letter', async () => {
      const search = page.getByLabel('Filter relations by schema or name');
      await page.keyboard.press('/');
      await expect(search).toBeFocused();
      await page.keyboard.type('s');
      await expect(search).toHaveValue('s');
      await page.keyboard.press('Control+a');
      await page.keyboard.press('Backspace');
    });

    await test.step('Escape closes the palette and gives focus back', async () => {
      const search = page.getByLabel('Filter relations by schema or name');
      await page.keyboard.press('Control+k');
      await expect(dialog).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(dialog).toHaveCount(0);
      await expect(search).toBeFocused();
    });

    await test.step('a partition, found by name in main, opens its chart', async () => {
      await page.keyboard.press('Control+k');
      await page.keyboard.type('events_2026_02');
      const option = dialog.getByRole('option', { name: /public\.events_2026_02/ });
      await expect(option).toBeVisible();
      await expect(dialog.getByRole('option')).toHaveCount(1);
      await expect(option).toHaveAttribute('aria-selected', 'true');
      await page.keyboard.press('Enter');
      await expect(dialog).toHaveCount(0);
      const chart = page.getByTestId('relation-chart');
      await expect(chart.getByRole('heading', { name: 'public.events_2026_02' })).toBeVisible();
      await expect(chart.locator('[data-kind="partition"]')).toBeVisible();
    });
  } finally {
    await tidemark.stop();
    await root.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    await root.end();
  }
});

test('? lists every shortcut in a help overlay', async ({ page, tidemark }) => {
  await page.goto((await tidemark.start()).url);
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  for (const words of [
    /command palette/,
    /Sample/,
    /Next server/,
    /Previous server/,
    /Search the relations/,
  ]) {
    await expect(help.getByRole('row', { name: words })).toBeVisible();
  }
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
});
