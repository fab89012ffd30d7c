import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import type pg from 'pg';
import { formatBytes, formatCount } from '../src/renderer/lib/format';
import { expect, test } from './support/fixtures';
import { pngText } from './support/png';
import { type SpecPostgres, startSpecPostgres } from './support/postgres';

/**
 * Storage end to end, against a PostgreSQL 18 of this spec's own (it is stopped
 * half-way): add a profile → Sample now → the relations table matches the
 * server's own size functions → data grows → Sample now → the chart and the
 * 7-day growth show it → the server stops → offline banner, history still
 * there, Health shows the outage.
 */

const DATABASE = 'shop';

/** Objects of every kind the table must tell apart; autovacuum off so nothing resizes them behind our back. */
const SCHEMA_SQL = `
  CREATE TABLE public.orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer text NOT NULL,
    note text,
    created_at timestamptz NOT NULL DEFAULT now()
  ) WITH (autovacuum_enabled = false);
  CREATE INDEX orders_customer_idx ON public.orders (customer);

  CREATE TABLE public.events (
    id bigint NOT NULL,
    happened_at timestamptz NOT NULL,
    payload text
  ) PARTITION BY RANGE (happened_at);
  CREATE TABLE public.events_2026_01 PARTITION OF public.events
    FOR VALUES FROM ('2026-01-01') TO ('2026-02-01') WITH (autovacuum_enabled = false);
  CREATE TABLE public.events_2026_02 PARTITION OF public.events
    FOR VALUES FROM ('2026-02-01') TO ('2026-03-01') WITH (autovacuum_enabled = false);
  CREATE TABLE public.events_2026_03 PARTITION OF public.events
    FOR VALUES FROM ('2026-03-01') TO ('2026-04-01') WITH (autovacuum_enabled = false);
  CREATE INDEX events_happened_at_idx ON public.events (happened_at);
`;

/** Rows for orders, some with a note big and random enough to go to TOAST. */
const insertOrders = (from: number, to: number) => `
  INSERT INTO public.orders (customer, note)
  SELECT 'customer ' || (g % 97),
         CASE WHEN g % 50 = 0
              THEN (SELECT string_agg(md5(random()::text || g::text || i::text), '') FROM generate_series(1, 120) i)
              ELSE 'order ' || g END
  FROM generate_series(${from}, ${to}) g`;

async function prepare(server: SpecPostgres): Promise<pg.Client> {
  const root = await server.connect('postgres');
  await root.query(`CREATE DATABASE ${DATABASE}`);
  const db = await server.connect(DATABASE);
  await db.query(SCHEMA_SQL);
  await db.query(insertOrders(1, 2000));
  await db.query(`
    INSERT INTO public.events (id, happened_at, payload)
    SELECT g, timestamptz '2026-01-01' + (g % 80) * interval '1 day', repeat('e', 40 + g % 60)
    FROM generate_series(1, 3000) g`);
  await db.query(`
    CREATE MATERIALIZED VIEW public.daily_customers AS
    SELECT customer, count(*) AS orders FROM public.orders GROUP BY customer`);
  // Visibility map and free space map now, so sizes stay put until we change the data.
  await db.query('VACUUM (ANALYZE) public.orders, public.events, public.daily_customers');
  return db;
}

/** pg_total_relation_size, rolled up over partitions as Tidemark rolls them up. */
async function totalSize(db: pg.Client, relation: string): Promise<number> {
  const { rows } = await db.query<{ bytes: string }>(
    // pg_partition_tree is empty for a relation outside any partition tree.
    `SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree($1::regclass)),
                     pg_total_relation_size($1::regclass))::bigint AS bytes`,
    [relation],
  );
  return Number(rows[0]!.bytes);
}

const relationRow = (page: Page, qualified: string): Locator =>
  page.locator(`[data-testid="relation-row"][data-relation="${qualified}"]`);

/** The size as the DBA reads it, and the exact bytes behind it. */
async function expectTotal(row: Locator, bytes: number): Promise<void> {
  const cell = row.getByTestId('cell-total');
  await expect(cell.locator('[data-bytes]')).toHaveAttribute('data-bytes', String(bytes));
  await expect(cell).toHaveText(formatBytes(bytes));
  await expect(cell.locator('[data-bytes]')).toHaveAttribute('title', `${formatCount(bytes)} bytes`);
}

async function addProfile(page: Page, name: string, server: SpecPostgres['info']): Promise<void> {
  await page.getByRole('link', { name: 'Add your first server' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Host').fill(server.host);
  await page.getByLabel('Port').fill(String(server.port));
  await page.getByLabel('Database').fill(DATABASE);
  await page.getByLabel('User').fill(server.user);
  await page.getByLabel('Stored encrypted on this computer').check();
  await page.getByLabel('Password', { exact: true }).fill(server.password);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
}

async function downloadText(page: Page, button: Locator): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

test('storage: sample, sizes right, growth charted, and history kept when the server stops', async ({
  page,
  tidemark,
}) => {
  // Two samples, a heartbeat interval and an outage to notice: generous, but polling, never sleeping.
  test.setTimeout(240_000);
  const server = await startSpecPostgres();
  try {
    const db = await prepare(server);
    const name = 'shop-primary';

    await test.step('add the profile; clicking it in the sidebar opens its Storage page', async () => {
      await page.goto((await tidemark.start()).url);
      await addProfile(page, name, server.info);
      await page.getByTestId('sidebar-profile').filter({ hasText: name }).click();
      await expect(page).toHaveURL(/#\/profiles\/[^/]+\/storage$/);
      await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
      await expect(page.getByRole('link', { name: 'Storage' })).toHaveAttribute('aria-current', 'page');
    });

    const sizes = {
      orders: await totalSize(db, 'public.orders'),
      events: await totalSize(db, 'public.events'),
      matview: await totalSize(db, 'public.daily_customers'),
    };

    await test.step('Sample now lists the test relations with their kinds and sizes', async () => {
      await page.getByRole('button', { name: 'Sample now' }).click();
      const banner = page.getByTestId('sample-result');
      await expect(banner).toContainText(
        /Sampled \d+ relations, shown as \d+ with partitions and chunks rolled up, in/,
      );
      // The three partitions of public.events are one row of the table.
      const sampled = Number(await banner.getAttribute('data-relation-count'));
      await expect(banner).toHaveAttribute('data-shown-count', String(sampled - 3));
      await expect(page.getByTestId('storage-summary')).toBeVisible();
      // Sample now reads the dead tuples and vacuum times too; the table says when they were read.
      await expect(page.getByTestId('upkeep-read-at')).toContainText(/read at .*, with this sample\./);

      const orders = relationRow(page, 'public.orders');
      const events = relationRow(page, 'public.events');
      const matview = relationRow(page, 'public.daily_customers');
      await expect(orders).toHaveAttribute('data-kind', 'table');
      await expect(orders.locator('.kind')).toHaveText('Table');
      await expect(events).toHaveAttribute('data-kind', 'partitioned');
      await expect(events.locator('.kind')).toHaveText('Partitioned');
      await expect(events.getByTestId('rollup-meta')).toHaveText('3 partitions');
      await expect(matview).toHaveAttribute('data-kind', 'matview');
      await expect(matview.locator('.kind')).toHaveText('Materialized view');
      // Partitions are rolled up into their root, never listed as tables of their own.
      await expect(relationRow(page, 'public.events_2026_01')).toHaveCount(0);

      await expectTotal(orders, sizes.orders);
      await expectTotal(events, sizes.events);
      await expectTotal(matview, sizes.matview);
      await expect(orders.getByTestId('cell-rows')).toHaveText(formatCount(2000));
      // Some notes were big enough for TOAST.
      await expect(orders.getByTestId('cell-toast').locator('[data-bytes]')).not.toHaveAttribute(
        'data-bytes',
        '0',
      );
    });

    await test.step('at 1280 and 900 px: name, kind, total and growth in view, the rest scrolls with a cue', async () => {
      for (const width of [1280, 900]) {
        await page.setViewportSize({ width, height: 860 });
        const orders = relationRow(page, 'public.orders');
        await orders.scrollIntoViewIfNeeded();
        // In view means not clipped by the table's own horizontal scroll either.
        await expect(orders.getByRole('button', { name: 'orders', exact: true })).toBeInViewport({
          ratio: 1,
        });
        await expect(orders.locator('.kind')).toBeInViewport({ ratio: 1 });
        await expect(orders.getByTestId('cell-total')).toBeInViewport({ ratio: 1 });
        await expect(orders.getByTestId('cell-growth')).toBeInViewport({ ratio: 1 });
      }
      // At 900 px the breakdown overflows: the table says so, and the name stays put when it scrolls.
      await expect(page.getByTestId('scroll-cue')).toBeVisible();
      const scroller = page.getByTestId('relations-scroll');
      await scroller.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
      await expect(page.getByTestId('scroll-cue')).toHaveCount(0);
      await expect(
        relationRow(page, 'public.orders').getByRole('button', { name: 'orders', exact: true }),
      ).toBeInViewport({ ratio: 1 });
      await scroller.evaluate((el) => el.scrollTo({ left: 0 }));
      // The column chooser hides a column, and it stays hidden after a reload.
      await page.getByTestId('column-chooser').locator('summary').click();
      await page.getByTestId('column-chooser').getByLabel('Heap').uncheck();
      await expect(relationRow(page, 'public.orders').getByTestId('cell-heap')).toHaveCount(0);
      await page.reload();
      await expect(relationRow(page, 'public.orders').getByTestId('cell-total')).toBeVisible();
      await expect(relationRow(page, 'public.orders').getByTestId('cell-heap')).toHaveCount(0);
      await page.getByTestId('column-chooser').locator('summary').click();
      await page.getByTestId('column-chooser').getByLabel('Heap').check();
      await page.getByTestId('column-chooser').locator('summary').click();
      await page.setViewportSize({ width: 1280, height: 860 });
    });

    await test.step('the table sorts and filters', async () => {
      const totalHeader = page.getByRole('columnheader', { name: /^Total/ });
      await expect(totalHeader).toHaveAttribute('aria-sort', 'descending');
      await page.getByRole('button', { name: /^Name/ }).click();
      await expect(page.getByRole('columnheader', { name: /^Name/ })).toHaveAttribute(
        'aria-sort',
        'ascending',
      );
      await expect(page.getByTestId('relation-row').first()).toHaveAttribute(
        'data-relation',
        'public.daily_customers',
      );
      await page.getByLabel('Filter relations by schema or name').fill('order');
      await expect(page.getByTestId('relation-row')).toHaveCount(1);
      await page.getByLabel('Filter relations by schema or name').fill('');
      await page.getByLabel('Kind').selectOption('partitioned');
      await expect(page.getByTestId('relation-row')).toHaveCount(1);
      await page.getByLabel('Kind').selectOption('all');
    });

    await test.step('the partitioned table opens onto its partitions', async () => {
      const events = relationRow(page, 'public.events');
      const disclosure = events.getByRole('button', { name: 'Show the partitions of public.events' });
      await disclosure.click();
      await expect(
        events.getByRole('button', { name: 'Hide the partitions of public.events' }),
      ).toHaveAttribute('aria-expanded', 'true');
      const partitions = page.getByTestId('child-row');
      await expect(partitions).toHaveCount(3);
      await expect(partitions.locator('.kind').first()).toHaveText('Partition');
      const jan = page.locator('[data-testid="child-row"][data-relation="public.events_2026_01"]');
      await expectTotal(jan, await totalSize(db, 'public.events_2026_01'));
    });

    let grown = 0;
    await test.step('insert data, Sample now: the new size, growth over its real span, and no rate yet', async () => {
      await db.query(insertOrders(2001, 12000));
      await db.query('VACUUM (ANALYZE) public.orders');
      grown = await totalSize(db, 'public.orders');
      expect(grown).toBeGreaterThan(sizes.orders);

      await page.getByRole('button', { name: 'Sample now' }).click();
      const orders = relationRow(page, 'public.orders');
      await expectTotal(orders, grown);
      // "7-day growth" over seconds of history says so, instead of passing for a week.
      const growth = orders.getByTestId('cell-growth');
      const grownText = formatBytes(grown - sizes.orders).replace('.', '\\.');
      await expect(growth).toHaveText(new RegExp(`^\\+${grownText} over \\d+ (s|min)$`));
      await expect(growth.locator('[data-bytes]')).toHaveAttribute(
        'data-bytes',
        String(grown - sizes.orders),
      );
      // Seconds of history make no rate and no forecast: the card says why.
      const card = page.getByTestId('growth-card');
      await expect(card.getByTestId('growth-rate')).toHaveText('—');
      await expect(card.getByTestId('growth-fit')).toHaveText(
        /^Database total\. Not enough history yet \(\d+ samples over \d+ (s|min); a rate needs 6 h\)\.$/,
      );
      await expect(card.getByTestId('forecast')).toHaveText('No forecast without a rate.');
      await expect(page.getByTestId('top-growers').getByTestId('grower-growth').first()).toContainText(
        /over \d+ (s|min)$/,
      );
      await expect(orders.getByTestId('cell-rows')).toHaveText(formatCount(12000));
    });

    await test.step('the growth charts show two samples, increasing, and export them', async () => {
      await relationRow(page, 'public.orders').getByRole('button', { name: 'orders', exact: true }).click();
      const chart = page.getByTestId('relation-chart');
      await expect(chart.getByRole('heading', { name: 'public.orders' })).toBeVisible();
      // Both samples are seconds apart: only the whole history has buckets that narrow.
      await chart
        .getByRole('group', { name: 'Range of the relation chart' })
        .getByRole('button', { name: 'All' })
        .click();
      // A new profile is sampled at once by its schedule, then twice by hand: at least our two, never shrinking.
      await expect(chart).toHaveAttribute('data-last', String(grown));
      await expect(chart).toHaveAttribute('data-first', String(sizes.orders));
      expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(2);

      const csv = await downloadText(
        page,
        chart.getByRole('button', { name: 'Export public.orders data as CSV' }),
      );
      expect(csv.name).toBe('shop-primary-public.orders-all.csv');
      const lines = csv.text.trim().split('\n');
      expect(lines[0]).toBe('time,bytes,note');
      // One row per stored sample: every row is a reading, none is an empty bucket.
      const points = lines.slice(1).map((line) => line.split(','));
      for (const [time, bytes, note] of points) {
        expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(bytes).toMatch(/^\d+$/);
        expect(note).toBe('');
      }
      const values = points.map(([, bytes]) => Number(bytes));
      expect(values.length).toBeGreaterThanOrEqual(2);
      // A handful of samples is drawn one point each, never bucketed away.
      expect(Number(await chart.getAttribute('data-points'))).toBe(values.length);
      expect(values[0]).toBe(sizes.orders);
      expect(values.at(-1)).toBe(grown);
      expect([...values].sort((a, b) => a - b)).toEqual(values);
      const times = points.map(([time]) => Date.parse(time!));
      expect([...times].sort((a, b) => a - b)).toEqual(times);

      const [png] = await Promise.all([
        page.waitForEvent('download'),
        chart.getByRole('button', { name: 'Export public.orders as PNG' }).click(),
      ]);
      expect(png.suggestedFilename()).toBe('shop-primary-public.orders-all.png');
      const image = await readFile(await png.path());
      expect([...image.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(image.length).toBeGreaterThan(2000);
      // The image says what it shows, where from and when it was made.
      const text = pngText(image);
      expect(text.Title).toBe('public.orders');
      expect(text.Source).toBe(`Server shop-primary · database ${DATABASE} · all history`);
      expect(Date.parse(text['Creation Time']!)).toBeGreaterThan(Date.now() - 10 * 60_000);

      const dbChart = page.getByTestId('db-chart');
      await dbChart
        .getByRole('group', { name: 'Range of the database chart' })
        .getByRole('button', { name: 'All' })
        .click();
      await expect
        .poll(async () => Number(await dbChart.getAttribute('data-points')))
        .toBeGreaterThanOrEqual(2);
      const first = Number(await dbChart.getAttribute('data-first'));
      const last = Number(await dbChart.getAttribute('data-last'));
      expect(last).toBeGreaterThan(first);
    });

    await test.step('the schedule panel explains a bad schedule, then takes a 10 s heartbeat', async () => {
      const panel = page.getByTestId('schedule-panel');
      await expect(panel.getByLabel('Storage sample')).toHaveValue('daily 03:00');
      await panel.getByLabel('Storage sample').fill('whenever you like');
      await panel.getByRole('button', { name: 'Save schedule' }).click();
      await expect(panel.getByTestId('error-schedule-storage')).toBeVisible();
      await expect(panel.getByLabel('Storage sample')).toHaveAttribute('aria-invalid', 'true');

      await panel.getByLabel('Storage sample').fill('daily 03:00');
      await panel.getByLabel('Heartbeat every').fill('10');
      await panel.getByRole('button', { name: 'Save schedule' }).click();
      await expect(panel.getByText('Saved.')).toBeVisible();
      await expect(panel.getByTestId('error-schedule-storage')).toHaveCount(0);
      // A heartbeat gets through before the server goes away.
      await expect(page.getByTestId('sidebar-profile').getByTestId('status-dot')).toHaveAttribute(
        'data-state',
        'up',
        { timeout: 45_000 },
      );
    });

    await test.step('the server stops: the offline banner, and the history is still there', async () => {
      await server.stop();
      const banner = page.getByTestId('offline-banner');
      await expect(banner).toBeVisible({ timeout: 60_000 });
      await expect(banner).toContainText(`${name} is not answering since`);
      await expect(banner).toContainText('Showing stored history; last sampled');
      await expect(page.getByTestId('sidebar-profile').getByTestId('status-dot')).toHaveAttribute(
        'data-state',
        'down',
      );

      // Reload: everything still comes from the history on this computer.
      await page.reload();
      await expect(page.getByTestId('offline-banner')).toBeVisible();
      await expectTotal(relationRow(page, 'public.orders'), grown);
      await expectTotal(relationRow(page, 'public.events'), sizes.events);
      const dbChart = page.getByTestId('db-chart');
      await dbChart
        .getByRole('group', { name: 'Range of the database chart' })
        .getByRole('button', { name: 'All' })
        .click();
      await expect
        .poll(async () => Number(await dbChart.getAttribute('data-points')))
        .toBeGreaterThanOrEqual(2);

      // Sample now says why it cannot, and changes nothing.
      await page.getByRole('button', { name: 'Sample now' }).click();
      await expect(page.getByTestId('sample-error')).toBeVisible({ timeout: 45_000 });
      await expectTotal(relationRow(page, 'public.orders'), grown);
    });

    await test.step('Health shows the outage, ongoing', async () => {
      await page
        .getByRole('navigation', { name: `${name} sections` })
        .getByRole('link', { name: 'Health' })
        .click();
      await expect(page).toHaveURL(/#\/profiles\/[^/]+\/health$/);
      await expect(page.getByTestId('offline-banner')).toBeVisible();
      await expect(page.getByTestId('health-state')).toHaveAttribute('data-state', 'down');
      const outage = page.locator('[data-testid="outage-row"][data-ongoing="true"]');
      await expect(outage).toHaveCount(1, { timeout: 30_000 });
      await expect(outage).toContainText('ongoing');
      // Minutes of heartbeats: every uptime says the span it is computed over, not 24 h or 30 days.
      await expect(page.getByTestId('uptimes').getByTestId('uptime')).toHaveCount(3);
      for (const uptime of await page.getByTestId('uptimes').getByTestId('uptime').all()) {
        await expect(uptime).toHaveText(/^\d+(\.\d+)? % over \d+ (s|min)$/);
      }

      await page.getByRole('navigation', { name: 'Tidemark' }).getByRole('link', { name: 'Health' }).click();
      await expect(page.getByRole('heading', { name: 'Health', level: 1 })).toBeVisible();
      const row = page.getByTestId('health-row').filter({ hasText: name });
      await expect(row).toHaveAttribute('data-state', 'down');
      await expect(row).toContainText('Down');
      await expect(row.getByTestId('uptime').last()).toHaveText(/ % over \d+ (s|min)$/);
    });
  } finally {
    await server.stop();
  }
});

test('the empty state offers a demo server, sampled at once, with its badge', async ({ page, tidemark }) => {
  test.setTimeout(120_000);
  await page.goto((await tidemark.start()).url);
  const start = page.getByRole('button', { name: 'Try with a demo server' });
  await start.click();
  // It takes a few seconds: the button says so meanwhile (or it is already done).
  await expect(page).toHaveURL(/#\/profiles\/[^/]+\/storage$/, { timeout: 60_000 });
  await expect(page.getByRole('heading', { name: 'Demo server', level: 1 })).toBeVisible();
  await expect(page.getByTestId('sidebar-profile').getByTestId('demo-badge')).toHaveText('demo');
  await expect(relationRow(page, 'public.transactions')).toHaveAttribute('data-kind', 'table', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('schedule-panel').getByLabel('Storage sample')).toHaveValue('every 1m');
});
