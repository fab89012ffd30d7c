import type { Locator, Page } from '@playwright/test';
import type pg from 'pg';
import { formatGrowthPct, gibToBytes } from '../src/renderer/lib/alerts';
import { formatBytes, formatExactBytes } from '../src/renderer/lib/format';
import { expect, test } from './support/fixtures';
import { profileIdOf, writePastSample } from './support/history';
import { type SpecPostgres, startSpecPostgres } from './support/postgres';
import { addProfile, profileTab } from './support/profiles';
import { routeWireFaults, type WireFaults } from './support/wire-faults';

/**
 * Growth alerts end to end, against a PostgreSQL 18 of this spec's own: low
 * thresholds set in the rules form → Sample now → data grows → Sample now →
 * amber banner with the figures → Dismiss (optimistic; a refusal rolls back)
 * → a critical size below the current size → a red banner.
 */

const DATABASE = 'shop';
const NAME = 'shop-primary';
const DAY_MS = 86_400_000;

const insertOrders = (from: number, to: number) => `
  INSERT INTO public.orders (customer, note)
  SELECT 'customer ' || (g % 97), 'order ' || g || ' ' || md5(g::text)
  FROM generate_series(${from}, ${to}) g`;

/**
 * One table that grows when we say so. Autovacuum is off on this server and
 * everything is vacuumed now, so no size changes behind our back between samples.
 */
async function prepare(server: SpecPostgres): Promise<pg.Client> {
  const root = await server.connect('postgres');
  await root.query('ALTER SYSTEM SET autovacuum = off');
  await root.query('SELECT pg_reload_conf()');
  await root.query(`CREATE DATABASE ${DATABASE}`);
  const db = await server.connect(DATABASE);
  await db.query(`
    CREATE TABLE public.orders (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      customer text NOT NULL,
      note text
    ) WITH (autovacuum_enabled = false)`);
  await db.query(insertOrders(1, 2000));
  await db.query('VACUUM (ANALYZE)');
  return db;
}

async function databaseSize(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
  return Number(rows[0]!.bytes);
}

async function relationSize(db: pg.Client, relation: string): Promise<number> {
  const { rows } = await db.query<{ bytes: string }>('SELECT pg_total_relation_size($1::regclass) AS bytes', [
    relation,
  ]);
  return Number(rows[0]!.bytes);
}

/** Clicks Sample now and waits for it to finish; returns when main says the sample was taken (ms). */
async function sampleNow(page: Page, faults: WireFaults): Promise<number> {
  const answer = faults.nextAnswer('storage:sampleNow');
  await page.getByRole('button', { name: 'Sample now' }).click();
  const result = (await answer) as { ok: boolean; value?: { takenAt: string }; error?: { message: string } };
  if (!result.ok) throw new Error(`Sample now failed: ${result.error?.message}`);
  await expect(page.getByTestId('sample-result')).toContainText(/Sampled \d+ relations? in/);
  return Date.parse(result.value!.takenAt);
}

const alertItems = (page: Page): Locator => page.getByTestId('alerts-banner').getByTestId('alert-item');
const alertItem = (page: Page, kind: string): Locator =>
  page.locator(`[data-testid="alert-item"][data-kind="${kind}"]`);

/** The growth main computes: now against the sample one growth window (24 h) before. */
const growthPct = (previous: number, current: number) => ((current - previous) / previous) * 100;

test('alerts: low thresholds, growth → amber banner with its figures → Dismiss → critical shows red', async ({
  page,
  tidemark,
}) => {
  test.setTimeout(240_000);
  const server = await startSpecPostgres();
  try {
    const db = await prepare(server);
    const faults = await routeWireFaults(page);
    const rules = page.getByRole('form', { name: `Alert rules of ${NAME}` });
    const save = () => rules.getByTestId('rules-save').click();

    await test.step('add the profile; its rules start as the defaults, shown in GiB, % and days', async () => {
      await page.goto((await tidemark.start()).url);
      await addProfile(page, NAME, server.info, DATABASE);
      // A new profile is sampled at once (with the default rules): let that sample land first.
      await profileTab(page, NAME, 'Storage').click();
      await expect(page.getByTestId('storage-summary')).toBeVisible({ timeout: 45_000 });
      await profileTab(page, NAME, 'Alert rules').click();
      await expect(page).toHaveURL(/#\/profiles\/[^/]+\/rules$/);
      await expect(page.getByTestId('rules-state')).toHaveAttribute('data-default', 'true');
      await expect(page.getByTestId('rules-state')).toContainText('Uses the defaults');
      await expect(rules.getByRole('group', { name: 'Growth rules' })).toBeVisible();
      await expect(rules.getByRole('group', { name: 'Absolute-size rules' })).toBeVisible();
      await expect(rules.getByLabel('Database growth: warn above')).toHaveValue('20');
      await expect(rules.getByLabel('Relation growth: warn above')).toHaveValue('20');
      await expect(rules.getByLabel('Size floor: ignore anything smaller than')).toHaveValue('1');
      await expect(rules.getByLabel('Critical size: alert when the database is above')).toHaveValue('50');
      await expect(rules.getByLabel('Critical size forecast: warn when reached within')).toHaveValue('14');
      await expect(rules.getByLabel('Server not answering: alert after')).toHaveValue('5');
      await expect(rules.getByLabel('Growth a day: warn above')).toHaveValue('10');
      await expect(rules.getByLabel('Growth window: compare with the size')).toHaveValue('24');
      await expect(rules.getByLabel('Rate history: a rate needs samples over')).toHaveValue('6');
      await expect(rules.getByLabel('Rate samples: and at least')).toHaveValue('3');
      for (const name of ['Database growth', 'Relation growth', 'Critical size', 'Critical size forecast']) {
        await expect(rules.getByRole('switch', { name, exact: true })).toBeChecked();
      }
      await expect(rules.getByText('= 53,687,091,200 bytes.')).toBeVisible();
    });

    await test.step('main refuses figures that are not numbers, or a floor above the critical size', async () => {
      await rules.getByLabel('Database growth: warn above').fill('lots');
      await save();
      const pctError = rules.getByTestId('error-growthWarningPct');
      await expect(pctError).toContainText('must be a number');
      await expect(rules.getByLabel('Database growth: warn above')).toHaveAttribute('aria-invalid', 'true');

      await rules.getByLabel('Database growth: warn above').fill('1');
      await expect(pctError).toHaveCount(0);
      await rules.getByLabel('Size floor: ignore anything smaller than').fill('60');
      await save();
      await expect(rules.getByTestId('error-growthFloorBytes')).toContainText(
        'The size floor must be below the critical size',
      );
    });

    await test.step('low thresholds: growth 1 % with no floor, critical far away, no forecast', async () => {
      await rules.getByLabel('Size floor: ignore anything smaller than').fill('0');
      await rules.getByLabel('Critical size: alert when the database is above').fill('1000');
      await rules.getByRole('switch', { name: 'Critical size forecast' }).uncheck();
      await save();
      await expect(page.getByTestId('rules-done')).toHaveText(
        `Saved for ${NAME}. They apply from the next sample.`,
      );
      await expect(page.getByTestId('rules-state')).toHaveAttribute('data-default', 'false');
      // Stored by main, not only kept in the form.
      await page.reload();
      await expect(rules.getByLabel('Database growth: warn above')).toHaveValue('1');
      await expect(rules.getByLabel('Size floor: ignore anything smaller than')).toHaveValue('0');
      await expect(rules.getByLabel('Critical size: alert when the database is above')).toHaveValue('1000');
      await expect(rules.getByRole('switch', { name: 'Critical size forecast' })).not.toBeChecked();
    });

    const before = { database: await databaseSize(db), orders: await relationSize(db, 'public.orders') };
    await test.step('yesterday’s sample in the history, and a first sample: nothing grew, no alert', async () => {
      await profileTab(page, NAME, 'Storage').click();
      // Growth rules compare with the sample a day before: write one, as the collector sees the server now.
      const yesterday = new Date(Date.now() - DAY_MS);
      const stored = await writePastSample(tidemark.dataDir, profileIdOf(page.url()), db, yesterday);
      expect(stored).toBe(before.database);
      await sampleNow(page, faults);
      await expect(page.getByTestId('database-size').locator('[data-bytes]')).toHaveAttribute(
        'data-bytes',
        String(before.database),
      );
      await expect(page.getByTestId('alerts-banner')).toHaveCount(0);
      await expect(page).toHaveTitle(`${NAME} — Storage — Tidemark`);
    });

    const after = { database: 0, orders: 0 };
    await test.step('data grows, Sample now: two amber alerts with the measured figures', async () => {
      await db.query(insertOrders(2001, 40000));
      await db.query('VACUUM (ANALYZE) public.orders');
      after.database = await databaseSize(db);
      after.orders = await relationSize(db, 'public.orders');
      expect(after.database).toBeGreaterThan(before.database);
      await sampleNow(page, faults);

      await expect(alertItems(page)).toHaveCount(2);
      for (const item of await alertItems(page).all()) {
        await expect(item).toHaveAttribute('data-severity', 'warning');
      }

      const growth = alertItem(page, 'growth_warning');
      await expect(growth).toHaveAttribute('data-subject', DATABASE);
      await expect(growth).toContainText('Database growth (growth rule)');
      await expect(growth).toHaveAttribute('data-previous-bytes', String(before.database));
      await expect(growth).toHaveAttribute('data-current-bytes', String(after.database));
      await expect(growth.getByTestId('alert-previous')).toHaveText(formatBytes(before.database));
      await expect(growth.getByTestId('alert-current')).toHaveText(formatBytes(after.database));
      const pct = growthPct(before.database, after.database);
      expect(pct).toBeGreaterThan(1);
      await expect(growth.getByTestId('alert-growth')).toHaveText(formatGrowthPct(pct));
      await expect(growth.getByTestId('alert-message')).toContainText(
        `Database ${DATABASE} grew ${pct.toFixed(1)} % in 24 h`,
      );
      await expect(growth.getByTestId('alert-message')).toContainText(
        `from ${formatBytes(before.database)} to ${formatBytes(after.database)}`,
      );
      await expect(growth.getByTestId('alert-message')).toContainText('above the 1 % growth warning');

      const relation = alertItem(page, 'relation_growth');
      await expect(relation).toHaveAttribute('data-subject', 'public.orders');
      await expect(relation).toContainText('Relation growth (growth rule)');
      await expect(relation).toHaveAttribute('data-previous-bytes', String(before.orders));
      await expect(relation).toHaveAttribute('data-current-bytes', String(after.orders));
      await expect(relation.getByTestId('alert-growth')).toHaveText(
        formatGrowthPct(growthPct(before.orders, after.orders)),
      );

      // The count next to the title, on the tab, in the sidebar; the total leads the window title.
      await expect(page).toHaveTitle(`(2) ${NAME} — Storage (2 alerts) — Tidemark`);
      await expect(profileTab(page, NAME, 'Storage')).toHaveText('Storage (2 alerts)');
      await expect(page.getByTestId('sidebar-alert-count')).toHaveAttribute('data-severity', 'warning');
      await expect(page.getByTestId('sidebar-alert-count')).toContainText('2');

      // No desktop permission was asked for: the page tells, in a polite live region, both at once.
      const toast = page.getByRole('status').and(page.getByTestId('toasts')).getByTestId('toast');
      await expect(toast).toHaveCount(1);
      await expect(toast).toContainText(`2 new alerts · ${NAME}`);
      await expect(toast.getByTestId('toast-alert')).toHaveText([
        'Database growth (growth rule) — database shop',
        'Relation growth (growth rule) — relation public.orders',
      ]);
    });

    await test.step('a dismissal main refuses comes back, with the reason', async () => {
      faults.failNext('alerts:resolve', { code: 'store_error', message: 'The alert store is busy.' });
      await alertItem(page, 'relation_growth')
        .getByRole('button', { name: /^Dismiss/ })
        .click();
      await expect(alertItem(page, 'relation_growth').getByTestId('dismiss-error')).toHaveText(
        'Could not dismiss this alert: The alert store is busy.',
      );
      await expect(alertItems(page)).toHaveCount(2);
      await expect(page).toHaveTitle(`(2) ${NAME} — Storage (2 alerts) — Tidemark`);
    });

    await test.step('Dismiss: gone at once, before main answers, and still gone after a reload', async () => {
      const held = faults.holdNextAnswer('alerts:resolve');
      await alertItem(page, 'growth_warning')
        .getByRole('button', { name: 'Dismiss: Database growth (growth rule), database shop' })
        .click();
      // Main's answer is held back: what shows now is the page's own doing.
      await expect(alertItem(page, 'growth_warning')).toHaveCount(0);
      await expect(alertItems(page)).toHaveCount(1);
      await expect(page).toHaveTitle(`(1) ${NAME} — Storage (1 alert) — Tidemark`);
      await held.arrived;
      held.release();
      await expect(page.getByTestId('sidebar-alert-count')).toContainText('1');
      await expect(alertItem(page, 'growth_warning')).toHaveCount(0);

      await page.reload();
      await expect(alertItem(page, 'relation_growth')).toBeVisible();
      await expect(alertItem(page, 'growth_warning')).toHaveCount(0);
      await expect(page).toHaveTitle(`(1) ${NAME} — Storage (1 alert) — Tidemark`);
      await expect(profileTab(page, NAME, 'Storage')).toHaveText('Storage (1 alert)');
    });

    let criticalBytes = 0;
    await test.step('a critical size below the current size, growth rules off', async () => {
      await profileTab(page, NAME, 'Alert rules').click();
      const gib = (after.database / 2 / 1024 ** 3).toFixed(6);
      criticalBytes = gibToBytes(gib)!;
      expect(criticalBytes).toBeLessThan(after.database);
      await rules.getByLabel('Critical size: alert when the database is above').fill(gib);
      // The exact bytes that will be stored, as the DBA types.
      await expect(rules.getByTestId('rule-critical')).toContainText(`= ${formatExactBytes(criticalBytes)}.`);
      await rules.getByRole('switch', { name: 'Database growth', exact: true }).uncheck();
      await rules.getByRole('switch', { name: 'Relation growth', exact: true }).uncheck();
      await save();
      await expect(page.getByTestId('rules-done')).toContainText('Saved');
    });

    await test.step('Sample now: a red, critical banner comes first', async () => {
      await profileTab(page, NAME, 'Storage').click();
      await sampleNow(page, faults);
      const now = await databaseSize(db);
      await expect(alertItems(page)).toHaveCount(2);
      const first = alertItems(page).first();
      await expect(first).toHaveAttribute('data-severity', 'critical');
      await expect(first).toHaveAttribute('data-kind', 'size_critical');
      await expect(first.locator('[data-severity="critical"]').first()).toHaveText('Critical');
      await expect(first).toContainText('Size above critical (absolute)');
      await expect(first).toHaveAttribute('data-current-bytes', String(now));
      await expect(first.getByTestId('alert-message')).toContainText(
        `Database ${DATABASE} is ${formatBytes(now)}, above the ${formatBytes(criticalBytes)} critical size`,
      );
      await expect(alertItems(page).nth(1)).toHaveAttribute('data-kind', 'relation_growth');
      await expect(page).toHaveTitle(`(2) ${NAME} — Storage (2 alerts) — Tidemark`);
      await expect(page.getByTestId('sidebar-alert-count')).toHaveAttribute('data-severity', 'critical');
    });

    await test.step('the Alerts page: active and resolved, and how each ended', async () => {
      await page
        .getByRole('navigation', { name: 'Tidemark' })
        .getByRole('link', { name: /^Alerts/ })
        .click();
      await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
      const rows = page.getByTestId('alert-row');
      await expect(rows).toHaveCount(2);
      await expect(rows.first()).toHaveAttribute('data-kind', 'size_critical');
      const filter = page.getByTestId('alert-filter');
      await filter.getByRole('button', { name: /^Resolved/ }).click();
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toHaveAttribute('data-kind', 'growth_warning');
      await expect(rows.first()).toContainText('Database growth (growth rule)');
      await expect(rows.first().getByTestId('alert-resolution')).toHaveAttribute(
        'data-resolution',
        'dismissed',
      );
      await filter.getByRole('button', { name: /^All/ }).click();
      await expect(rows).toHaveCount(3);
      // Asked for only from a click here, never on load.
      const control = page.getByTestId('notifications-control');
      if ((await control.getAttribute('data-permission')) === 'default') {
        await expect(control.getByRole('button', { name: 'Enable desktop notifications' })).toBeVisible();
      }
    });
  } finally {
    await server.stop();
  }
});

test('alert rules: the same rules for several profiles at once, and back to the defaults', async ({
  page,
  tidemark,
  postgres,
}) => {
  test.setTimeout(120_000);
  await page.goto((await tidemark.start()).url);
  await addProfile(page, 'alpha', postgres, 'postgres');
  await addProfile(page, 'beta', postgres, 'postgres');
  const rulesOf = (name: string) => page.getByRole('form', { name: `Alert rules of ${name}` });

  await test.step('alpha’s rules, applied to beta too', async () => {
    await page.getByTestId('sidebar-profile').filter({ hasText: 'alpha' }).click();
    await profileTab(page, 'alpha', 'Alert rules').click();
    const rules = rulesOf('alpha');
    await expect(rules.getByLabel('Database growth: warn above')).toHaveValue('20');
    await rules.getByLabel('Database growth: warn above').fill('5');
    await rules.getByLabel('Size floor: ignore anything smaller than').fill('2.5');
    await expect(rules.getByTestId('rule-floor')).toContainText(`= ${formatExactBytes(2.5 * 1024 ** 3)}.`);
    const others = rules.getByRole('group', { name: 'Apply to other profiles too' });
    await others.getByLabel(/^beta/).check();
    await rules.getByRole('button', { name: 'Save rules for 2 profiles' }).click();
    await expect(page.getByTestId('rules-done')).toHaveText(
      'Saved for 2 profiles (alpha, beta). They apply from the next sample.',
    );
    await expect(page.getByTestId('rules-state')).toHaveAttribute('data-default', 'false');
  });

  await test.step('beta has them; Back to defaults puts beta alone back', async () => {
    await page.getByTestId('sidebar-profile').filter({ hasText: 'beta' }).click();
    await profileTab(page, 'beta', 'Alert rules').click();
    const rules = rulesOf('beta');
    await expect(rules.getByLabel('Database growth: warn above')).toHaveValue('5');
    await expect(rules.getByLabel('Size floor: ignore anything smaller than')).toHaveValue('2.5');
    await expect(page.getByTestId('rules-state')).toContainText('Custom rules');
    await rules.getByRole('button', { name: 'Back to defaults' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Use the defaults' }).click();
    await expect(page.getByTestId('rules-state')).toHaveAttribute('data-default', 'true');
    await expect(rules.getByLabel('Database growth: warn above')).toHaveValue('20');
    await expect(rules.getByLabel('Size floor: ignore anything smaller than')).toHaveValue('1');

    await page.getByTestId('sidebar-profile').filter({ hasText: 'alpha' }).click();
    await profileTab(page, 'alpha', 'Alert rules').click();
    await expect(rulesOf('alpha').getByLabel('Database growth: warn above')).toHaveValue('5');
    await expect(page.getByTestId('rules-state')).toHaveAttribute('data-default', 'false');
  });
});
