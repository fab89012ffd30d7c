import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from '@playwright/test';
import type pg from 'pg';
import { gibToBytes } from '../src/renderer/lib/alerts';
import { formatBytes, formatExactBytes } from '../src/renderer/lib/format';
import { expect, test } from './support/fixtures';
import { type SpecPostgres, startSpecPostgres } from './support/postgres';
import { addProfile, profileTab } from './support/profiles';
import { routeWireFaults, type WireFaults } from './support/wire-faults';

/**
 * Alerts end to end, against a PostgreSQL 18 of this spec's own, with the
 * absolute-size rule (growth rules need hours of history): a critical size
 * below the database → Sample now → one red banner line with its count →
 * the Alerts page with first raised, last seen and the current value, which
 * follow the next sample → Acknowledge (optimistic; a refusal rolls back):
 * quiet while the condition holds → undo, snooze → the condition clears.
 * Then webhooks in Settings, against a receiver of the spec's own.
 */

const DATABASE = 'shop';
const NAME = 'shop-primary';
const TOKEN = 'T0/B0/xoxb-s3cret';

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

/** Clicks Sample now and waits for it to finish. */
async function sampleNow(page: Page, faults: WireFaults): Promise<void> {
  const answer = faults.nextAnswer('storage:sampleNow');
  await page.getByRole('button', { name: 'Sample now' }).click();
  const result = (await answer) as { ok: boolean; error?: { message: string } };
  if (!result.ok) throw new Error(`Sample now failed: ${result.error?.message}`);
  await expect(page.getByTestId('sample-result')).toContainText(/Sampled \d+ relations? in/);
}

/** A webhook receiver on 127.0.0.1: 200 on the token's path, 500 anywhere else. */
async function startReceiver(): Promise<{ base: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(req.url === `/hooks/${TOKEN}` ? 200 : 500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, bodies, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const banner = (page: Page): Locator => page.getByTestId('alerts-banner');
const row = (page: Page, kind: string): Locator =>
  page.locator(`[data-testid="alert-row"][data-kind="${kind}"]`);

test('alerts: a red banner line, the Alerts page with last seen and current value, acknowledge and snooze, webhooks', async ({
  page,
  tidemark,
}) => {
  test.setTimeout(240_000);
  const server = await startSpecPostgres();
  const receiver = await startReceiver();
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

      await rules.getByLabel('Database growth: warn above').fill('20');
      await expect(pctError).toHaveCount(0);
      await rules.getByLabel('Size floor: ignore anything smaller than').fill('60');
      await save();
      await expect(rules.getByTestId('error-growthFloorBytes')).toContainText(
        'The size floor must be below the critical size',
      );
    });

    let criticalBytes = 0;
    await test.step('a critical size below the current size; growth rules and the forecast off', async () => {
      const gib = ((await databaseSize(db)) / 2 / 1024 ** 3).toFixed(6);
      criticalBytes = gibToBytes(gib)!;
      await rules.getByLabel('Size floor: ignore anything smaller than').fill('0');
      await rules.getByLabel('Critical size: alert when the database is above').fill(gib);
      // The exact bytes that will be stored, as the DBA types.
      await expect(rules.getByTestId('rule-critical')).toContainText(`= ${formatExactBytes(criticalBytes)}.`);
      for (const name of ['Database growth', 'Relation growth', 'Critical size forecast']) {
        await rules.getByRole('switch', { name, exact: true }).uncheck();
      }
      await save();
      await expect(page.getByTestId('rules-done')).toHaveText(
        `Saved for ${NAME}. They apply from the next sample.`,
      );
      await expect(page.getByTestId('rules-state')).toHaveAttribute('data-default', 'false');
      // Stored by main, not only kept in the form.
      await page.reload();
      await expect(rules.getByLabel('Size floor: ignore anything smaller than')).toHaveValue('0');
      await expect(rules.getByRole('switch', { name: 'Critical size forecast' })).not.toBeChecked();
    });

    let shownBytes = 0;
    await test.step('Sample now: one red banner line with its count, a link to the Alerts page, a short toast', async () => {
      await profileTab(page, NAME, 'Storage').click();
      await sampleNow(page, faults);
      const now = await databaseSize(db);
      const lines = banner(page).getByTestId('alerts-line');
      await expect(lines).toHaveCount(1);
      await expect(lines.first()).toHaveAttribute('data-severity', 'critical');
      await expect(lines.first()).toContainText('1 critical alert');
      await expect(lines.first()).toContainText('Database above its critical size — database shop');
      await expect(lines.first().getByRole('link', { name: /Alerts page/ })).toHaveAttribute(
        'href',
        /#\/profiles\/[^/]+\/alerts$/,
      );
      // The count is on the Alerts tab, in the sidebar, and leads the window title.
      await expect(profileTab(page, NAME, 'Alerts')).toHaveText('Alerts (1 active)');
      await expect(page).toHaveTitle(`(1) ${NAME} — Storage (1 alert) — Tidemark`);
      await expect(page.getByTestId('sidebar-alert-count')).toHaveAttribute('data-severity', 'critical');
      const toast = page.getByRole('status').and(page.getByTestId('toasts')).getByTestId('toast');
      await expect(toast).toHaveCount(1);
      await expect(toast.getByRole('link', { name: 'Show on the Alerts page' })).toBeVisible();
      // The Alerts page: first raised, last seen, the size now.
      await lines
        .first()
        .getByRole('link', { name: /Alerts page/ })
        .click();
      // The size is the sample's: derived from what it measured, within 1 MiB of pg_database_size.
      await expect(row(page, 'size_critical')).toHaveAttribute('data-current-bytes', /^\d+$/);
      shownBytes = Number(await row(page, 'size_critical').getAttribute('data-current-bytes'));
      expect(Math.abs(shownBytes - now)).toBeLessThan(1024 * 1024);
      await expect(row(page, 'size_critical').getByTestId('alert-message')).toContainText(
        `Database ${DATABASE} is ${formatBytes(shownBytes)}, above the ${formatBytes(criticalBytes)} critical size`,
      );
    });

    let firstSeen = '';
    await test.step('the next sample: the same alert, with today’s size and a later last seen', async () => {
      const alert = row(page, 'size_critical');
      const id = await alert.getAttribute('data-alert-id');
      firstSeen = (await alert.getByTestId('alert-last-seen').locator('time').getAttribute('datetime'))!;
      await db.query(insertOrders(2001, 30000));
      await db.query('VACUUM (ANALYZE) public.orders');
      const grown = await databaseSize(db);
      await profileTab(page, NAME, 'Storage').click();
      await sampleNow(page, faults);
      await profileTab(page, NAME, 'Alerts').click();
      await expect(page.getByTestId('alert-row')).toHaveCount(1);
      await expect(alert).toHaveAttribute('data-alert-id', id!);
      await expect
        .poll(async () => Number(await alert.getAttribute('data-current-bytes')))
        .toBeGreaterThan(shownBytes);
      const today = Number(await alert.getAttribute('data-current-bytes'));
      expect(Math.abs(today - grown)).toBeLessThan(1024 * 1024);
      await expect(alert.getByTestId('alert-message')).toContainText(`is ${formatBytes(today)}, above`);
      const lastSeen = await alert.getByTestId('alert-last-seen').locator('time').getAttribute('datetime');
      expect(Date.parse(lastSeen!)).toBeGreaterThan(Date.parse(firstSeen));
      expect(await alert.getByTestId('alert-raised').locator('time').getAttribute('datetime')).toBe(
        firstSeen,
      );
    });

    await test.step('an acknowledgement main refuses comes back, with the reason', async () => {
      faults.failNext('alerts:ack', { code: 'store_error', message: 'The alert store is busy.' });
      await row(page, 'size_critical')
        .getByRole('button', { name: /^Acknowledge until it clears/ })
        .click();
      await expect(row(page, 'size_critical').getByTestId('ack-error')).toHaveText(
        'Could not change this alert: The alert store is busy.',
      );
      await expect(row(page, 'size_critical')).toHaveAttribute('data-state', 'active');
      await expect(profileTab(page, NAME, 'Alerts')).toHaveText('Alerts (1 active)');
    });

    await test.step('Acknowledge: quiet at once, before main answers; still quiet after a reload and a sample', async () => {
      const held = faults.holdNextAnswer('alerts:ack');
      await row(page, 'size_critical')
        .getByRole('button', { name: /^Acknowledge until it clears/ })
        .click();
      // Main's answer is held back: what shows now is the page's own doing.
      await expect(row(page, 'size_critical')).toHaveAttribute('data-state', 'acknowledged');
      await expect(row(page, 'size_critical').getByTestId('alert-ack')).toContainText(
        'acknowledged until it clears',
      );
      await expect(profileTab(page, NAME, 'Alerts')).toHaveText('Alerts');
      await held.arrived;
      held.release();
      await expect(page.getByTestId('sidebar-alert-count')).toHaveCount(0);

      await page.reload();
      await expect(row(page, 'size_critical')).toHaveAttribute('data-state', 'acknowledged');
      await profileTab(page, NAME, 'Storage').click();
      await sampleNow(page, faults);
      await expect(banner(page)).toHaveCount(0);
      await expect(page).toHaveTitle(`${NAME} — Storage — Tidemark`);
    });

    await test.step('Undo makes it loud again; a snooze says until when', async () => {
      await profileTab(page, NAME, 'Alerts').click();
      await row(page, 'size_critical')
        .getByRole('button', { name: /^Undo the acknowledgement/ })
        .click();
      await expect(row(page, 'size_critical')).toHaveAttribute('data-state', 'active');
      await expect(profileTab(page, NAME, 'Alerts')).toHaveText('Alerts (1 active)');
      await row(page, 'size_critical')
        .getByRole('combobox', { name: /^Snooze/ })
        .selectOption('1h');
      await expect(row(page, 'size_critical').getByTestId('alert-ack')).toContainText('snoozed until');
      const until = await row(page, 'size_critical').getByTestId('alert-ack').getAttribute('data-until');
      expect(Date.parse(until!) - Date.now()).toBeGreaterThan(55 * 60_000);
      await expect(profileTab(page, NAME, 'Alerts')).toHaveText('Alerts');
    });

    await test.step('the condition clears: the alert is resolved, "cleared"', async () => {
      await profileTab(page, NAME, 'Alert rules').click();
      await rules.getByLabel('Critical size: alert when the database is above').fill('50');
      await save();
      await expect(page.getByTestId('rules-done')).toContainText('Saved');
      await profileTab(page, NAME, 'Storage').click();
      await sampleNow(page, faults);
      await profileTab(page, NAME, 'Alerts').click();
      const filter = page.getByTestId('alert-filter');
      await expect(page.getByTestId('alerts-empty')).toBeVisible();
      await filter.getByRole('button', { name: /^Resolved/ }).click();
      await expect(row(page, 'size_critical').getByTestId('alert-resolution')).toHaveAttribute(
        'data-resolution',
        'cleared',
      );
    });

    await test.step('a size limit for one relation: an amber line; muted, it clears', async () => {
      await profileTab(page, NAME, 'Alert rules').click();
      const section = page.getByTestId('relation-rules');
      const form = section.getByRole('form', { name: 'Rule for a relation' });
      await form.getByLabel('Relation').fill('orders');
      await form.getByLabel('Alert above (GiB)').fill('0');
      await form.getByRole('button', { name: 'Save the rule' }).click();
      await expect(section.getByTestId('relation-rule-error')).toContainText('Size above must be above 0');
      await form.getByLabel('Alert above (GiB)').fill('0.001');
      await form.getByRole('button', { name: 'Save the rule' }).click();
      await expect(section.getByTestId('relation-rule')).toHaveAttribute('data-relation', 'public.orders');
      await expect(section.getByTestId('relation-rule')).toContainText('alert above 1.0 MiB');

      await profileTab(page, NAME, 'Storage').click();
      await sampleNow(page, faults);
      const lines = banner(page).getByTestId('alerts-line');
      await expect(lines).toHaveCount(1);
      await expect(lines.first()).toHaveAttribute('data-severity', 'warning');
      await expect(lines.first()).toContainText('1 warning');
      await expect(lines.first()).toContainText('Relation above its size limit — relation public.orders');

      await profileTab(page, NAME, 'Alert rules').click();
      await section.getByRole('button', { name: 'Change' }).click();
      await form.getByLabel('Mute').check();
      await form.getByRole('button', { name: 'Save the rule' }).click();
      await expect(section.getByTestId('relation-rule')).toContainText('muted');
      await profileTab(page, NAME, 'Storage').click();
      await sampleNow(page, faults);
      await expect(banner(page)).toHaveCount(0);
    });

    await test.step('Settings: webhooks with the URL redacted, a test that works, one that fails', async () => {
      await page
        .getByRole('navigation', { name: 'Tidemark' })
        .getByRole('link', { name: 'Settings' })
        .click();
      const hooks = page.getByTestId('webhooks');
      const add = hooks.getByRole('form', { name: 'Add a webhook' });
      await add.getByLabel('Webhook URL').fill('ftp://example.com/hook');
      await add.getByRole('button', { name: 'Add webhook' }).click();
      await expect(hooks.getByTestId('webhook-add-error')).toContainText(
        'must be a full http:// or https://',
      );

      await add.getByLabel('Webhook URL').fill(`${receiver.base}/hooks/${TOKEN}`);
      await add.getByLabel('Body').selectOption('json');
      await add.getByRole('button', { name: 'Add webhook' }).click();
      const good = hooks.getByTestId('webhook').first();
      await expect(good.getByTestId('webhook-url')).toHaveText(`${receiver.base}/…`);
      await expect(add.getByLabel('Webhook URL')).toHaveValue('');
      await expect(page.locator('body')).not.toContainText(TOKEN);
      await good.getByRole('button', { name: 'Send a test' }).click();
      await expect(good.getByTestId('webhook-test-result')).toHaveText(
        'The test message was accepted (HTTP 200).',
      );
      expect(JSON.parse(receiver.bodies.at(-1)!)).toMatchObject({ source: 'tidemark', event: 'test' });

      await add.getByLabel('Webhook URL').fill(`${receiver.base}/wrong`);
      await add.getByRole('button', { name: 'Add webhook' }).click();
      const bad = hooks.getByTestId('webhook').nth(1);
      await bad.getByRole('button', { name: 'Send a test' }).click();
      await expect(bad.getByTestId('webhook-test-result')).toHaveText(
        'The test message failed: the receiver answered HTTP 500.',
      );
      await expect(bad.getByTestId('webhook-failure')).toContainText('test: the receiver answered HTTP 500');
      // The Alerts page says so too.
      const nav = page.getByRole('navigation', { name: 'Tidemark' });
      await nav.getByRole('link', { name: /^Alerts/ }).click();
      await expect(page.getByTestId('webhook-failures')).toContainText(
        'test: the receiver answered HTTP 500',
      );
      await nav.getByRole('link', { name: 'Settings' }).click();
      await bad.getByRole('button', { name: /^Remove the webhook/ }).click();
      await expect(hooks.getByTestId('webhook')).toHaveCount(1);
    });
  } finally {
    await receiver.close();
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

test('the server-down alert shows on Health, beside the live state', async ({ page, tidemark }) => {
  // A minute of failing heartbeats to notice: generous, but polling, never sleeping.
  test.setTimeout(240_000);
  const server = await startSpecPostgres();
  try {
    await page.goto((await tidemark.start()).url);
    await addProfile(page, 'flaky', server.info, 'postgres');
    await profileTab(page, 'flaky', 'Alert rules').click();
    const rules = page.getByRole('form', { name: 'Alert rules of flaky' });
    await rules.getByLabel('Server not answering: alert after').fill('1');
    await rules.getByTestId('rules-save').click();
    await expect(page.getByTestId('rules-done')).toContainText('Saved');

    await profileTab(page, 'flaky', 'Storage').click();
    const panel = page.getByTestId('schedule-panel');
    await panel.getByLabel('Heartbeat every').fill('10');
    await panel.getByRole('button', { name: 'Save schedule' }).click();
    await expect(panel.getByText('Saved.')).toBeVisible();
    await expect(page.getByTestId('sidebar-profile').getByTestId('status-dot')).toHaveAttribute(
      'data-state',
      'up',
      {
        timeout: 45_000,
      },
    );

    await server.stop();
    await profileTab(page, 'flaky', 'Health').click();
    const notice = page.getByTestId('server-down-alert');
    await expect(notice).toBeVisible({ timeout: 150_000 });
    await expect(notice).toContainText('has not answered heartbeats for');
    await expect(notice).toContainText('past the 1-minute server-down rule');
    await expect(profileTab(page, 'flaky', 'Alerts')).toHaveText('Alerts (1 active)');
  } finally {
    await server.stop();
  }
});
