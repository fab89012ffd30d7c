import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import pg from 'pg';
import type { PostgresInfo } from '../test/support/servers';
import { expect, test } from './support/fixtures';
import { addFirstProfile, profileTab } from './support/profiles';

/**
 * The migration wizard end to end, in Chromium, against the real host and the
 * suite's PostgreSQL 18 (no TimescaleDB there, so native partitions): a
 * `transactions` table shaped like seed 001's (primary key on id alone) →
 * choose table, column and target → pre-flight (the composite key proposed,
 * blocking until accepted; free space confirmed) → settings → the plan and its
 * psql export → run, paused while a session holds the table and resumed → the
 * app restarts before the swap → the swap retries behind a blocking session
 * and reports it → validation → cleanup with the table name typed. The server
 * is asked directly at every step that matters.
 *
 * TIDEMARK_SHOTS=/some/dir saves light and dark screenshots of each step (TIDEMARK_SHOTS_WIDTH=900
 * for a narrow window).
 */

const ROWS = 4_000;
const NAME = 'ledger-primary';

const SCHEMA_SQL = `
  CREATE TABLE public.transactions (
    id          bigserial PRIMARY KEY,
    account_id  integer NOT NULL,
    symbol      text NOT NULL,
    executed_at timestamptz NOT NULL,
    amount      numeric(20, 8) NOT NULL
  );
  CREATE INDEX transactions_executed_at_idx ON public.transactions (executed_at);
  CREATE INDEX transactions_account_idx ON public.transactions (account_id, executed_at DESC);
  -- A table the wizard must refuse: nothing to partition by.
  CREATE TABLE public.accounts (id integer PRIMARY KEY, name text NOT NULL);
  INSERT INTO public.accounts SELECT g, 'account ' || g FROM generate_series(1, 50) g;
`;

/** ROWS rows over two weeks of January 2026. */
const INSERT_SQL = `
  INSERT INTO public.transactions (account_id, symbol, executed_at, amount)
  SELECT i % 50,
         (ARRAY['AAPL', 'MSFT', 'GOOG', 'AMZN', 'NVDA'])[1 + i % 5],
         timestamptz '2026-01-01 00:00:00+00' + (i::float8 / ${ROWS} * 14) * interval '1 day',
         round((random() * 10000)::numeric, 8)
    FROM generate_series(1, ${ROWS}) i`;

/** Every row, in id order, as one hash: equal hashes mean equal contents. */
const CONTENTS_SQL = `SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY id)) AS hash FROM public.transactions t`;

async function connect(server: PostgresInfo, database: string, applicationName?: string): Promise<pg.Client> {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    database,
    ...(applicationName ? { application_name: applicationName } : {}),
  });
  await client.connect();
  return client;
}

async function shooter(page: Page) {
  const dir = process.env.TIDEMARK_SHOTS;
  if (dir) await mkdir(dir, { recursive: true });
  const width = Number(process.env.TIDEMARK_SHOTS_WIDTH);
  if (dir && width > 0) await page.setViewportSize({ width, height: 860 });
  return async (name: string) => {
    if (!dir) return;
    // <main> scrolls, not the page: grow the window to the whole of it for the picture.
    const viewport = page.viewportSize()!;
    const height = await page.locator('main').evaluate((el) => el.scrollHeight);
    await page.setViewportSize({
      width: viewport.width,
      height: Math.min(6000, Math.max(viewport.height, height + 60)),
    });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: `${dir}/${name}-${scheme}.png` });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize(viewport);
  };
}

test('migration wizard: a transactions table to native partitions, through every step, with nothing lost', async ({
  page,
  tidemark,
  postgres,
}) => {
  test.setTimeout(240_000);
  const database = `mig_${randomBytes(4).toString('hex')}`;
  const root = await connect(postgres, 'postgres');
  await root.query(`CREATE DATABASE ${database}`);
  const db = await connect(postgres, database);
  const blocker = await connect(postgres, database, 'e2e-blocker');
  const shot = await shooter(page);

  try {
    await db.query(SCHEMA_SQL);
    await db.query(INSERT_SQL);
    await db.query('ANALYZE public.transactions, public.accounts');
    const before = (await db.query<{ n: number; hash: string }>(CONTENTS_SQL)).rows[0]!;
    expect(before.n).toBe(ROWS);

    await test.step('add the profile and open its Migrate tab: no migration yet', async () => {
      await page.goto((await tidemark.start()).url);
      await addFirstProfile(page, NAME, postgres, database);
      await profileTab(page, NAME, 'Migrate').click();
      await expect(page).toHaveURL(/#\/profiles\/[^/]+\/migrate$/);
      await expect(profileTab(page, NAME, 'Migrate')).toHaveAttribute('aria-current', 'page');
      await expect(page.getByTestId('no-migrations')).toBeVisible();
      await shot('01-list-empty');
      await page.getByTestId('new-migration').click();
      await expect(page).toHaveURL(/\/migrate\/new$/);
    });

    await test.step('1 · choose the table, its time column and the target', async () => {
      const picker = page.getByTestId('table-picker');
      const accounts = picker.locator('[data-testid="table-row"][data-table="public.accounts"]');
      await expect(accounts).toContainText('Cannot be chosen');
      await expect(accounts.getByRole('radio')).toBeDisabled();

      // A click anywhere on the row chooses it, as its hover promises (here: on its size).
      const transactions = picker.locator('[data-testid="table-row"][data-table="public.transactions"]');
      await transactions.locator('td.num').first().click();
      await expect(transactions.getByRole('radio')).toBeChecked();
      await expect(transactions).toHaveClass(/selected/);
      // A row that cannot be chosen does nothing when clicked.
      await accounts.locator('td.num').first().click();
      await expect(accounts.getByRole('radio')).not.toBeChecked();
      await expect(transactions.getByRole('radio')).toBeChecked();
      const chosen = page.getByTestId('chosen-table');
      await expect(chosen.getByTestId('chosen-rows')).toHaveText('4,000');
      await expect(chosen.getByTestId('chosen-range')).toContainText('2026-01-01');
      await expect(chosen.getByTestId('chosen-range')).toContainText('2026-01-15');
      await expect(
        page.getByTestId('time-columns').getByRole('radio', { name: /executed_at/ }),
      ).toBeChecked();

      // The e2e server has no TimescaleDB: the target says so and cannot be chosen.
      const targets = page.getByTestId('targets');
      await expect(targets.getByTestId('timescale-status')).toContainText('not installed');
      await expect(targets.getByRole('radio', { name: /TimescaleDB hypertable/ })).toBeDisabled();
      await expect(targets.getByRole('radio', { name: /Native range partitions/ })).toBeChecked();
      await shot('02-choose');
      await page.getByTestId('to-preflight').click();
    });

    await test.step('2 · the pre-flight blocks on the primary key until the composite key is accepted', async () => {
      const report = page.getByTestId('preflight');
      await expect(report.getByTestId('preflight-summary')).toBeVisible();
      const pk = page.locator('[data-testid="preflight-item"][data-id="key:transactions_pkey"]');
      await expect(pk).toHaveAttribute('data-status', 'blocking');
      await expect(pk).toContainText('Blocking');
      await expect(pk).toContainText('Primary key');

      const proposal = page.locator('[data-testid="proposed-key"][data-key="transactions_pkey"]');
      await expect(proposal.getByTestId('key-now')).toHaveText('(id)');
      await expect(proposal.getByTestId('key-proposed')).toHaveText('(id, executed_at)');
      await expect(proposal).toContainText('What changes for the application');
      await expect(page.locator('[data-testid="preflight-item"][data-id="partitioning"]')).toHaveAttribute(
        'data-status',
        'pass',
      );
      await expect(page.locator('[data-testid="preflight-item"][data-id="free_space"]')).toHaveAttribute(
        'data-status',
        'warning',
      );
      await expect(page.getByTestId('preflight-blocked')).toContainText('Primary key');
      await expect(page.getByTestId('to-settings')).toBeDisabled();
      await shot('03-preflight-blocked');

      // The summary names the server's version whole (no packager's text cut mid-parenthesis).
      await expect(report.getByTestId('preflight-summary')).toContainText(
        /on PostgreSQL \d+\.\d+, time column executed_at/,
      );

      // Each decision is checked again by itself: no "Check again" pressed.
      await page.getByLabel(/Accept the composite key/).check();
      await page.getByLabel('Free space you confirm').fill('20');
      await expect(pk).toHaveAttribute('data-status', 'warning');
      await expect(page.getByTestId('preflight-stale')).toHaveCount(0);
      await expect(page.locator('[data-testid="preflight-item"][data-id="free_space"]')).toHaveAttribute(
        'data-status',
        'pass',
      );
      await expect(page.getByTestId('preflight-blocked')).toHaveCount(0);
      await shot('04-preflight-ok');
      await page.getByTestId('to-settings').click();
    });

    let migrationId = '';
    await test.step('3 · settings with their defaults and reasons, then the plan is made', async () => {
      const interval = page.getByLabel('Partition interval');
      await expect(interval).toHaveValue('1 day');
      await expect(page.locator('[data-field="interval"]')).toContainText('Default: 1 day.');
      await expect(page.getByLabel('Keep the old table after the swap')).toHaveValue('7');
      await expect(page.getByRole('radio', { name: /Wait for me to press Swap now/ })).toBeChecked();
      const batchSeconds = page.getByLabel('Seconds a copy batch grows to');
      await expect(batchSeconds).toHaveValue('1');
      await expect(page.locator('[data-field="batchSeconds"]')).toContainText('Default: 1 s.');
      // Checked in the window, with the contract's message, before anything is sent.
      await batchSeconds.fill('abc');
      await page.getByTestId('create-plan').click();
      await expect(page.getByTestId('error-batchSeconds')).toHaveText(/^Seconds from 0 to 10/);
      await batchSeconds.fill('1');
      // A mistake is explained next to its field.
      await interval.fill('0 days');
      await page.getByTestId('create-plan').click();
      await expect(page.getByTestId('error-interval')).toBeVisible();
      await expect(interval).toHaveAttribute('aria-invalid', 'true');
      await shot('05-settings-error');
      await interval.fill('1 day');
      await page.getByTestId('create-plan').click();
      await expect(page).toHaveURL(/\/migrate\/[0-9a-f]{12}$/);
      migrationId = /\/migrate\/([0-9a-f]{12})$/.exec(page.url())![1]!;
      await expect(page.getByTestId('migration-state')).toHaveText('Planned');
    });

    await test.step('4 · the plan shows every phase with its SQL, and exports a psql script', async () => {
      const plan = page.getByTestId('plan');
      for (const phase of ['A', 'B', 'C', 'D'])
        await expect(plan.locator(`[data-phase="${phase}"]`)).toBeVisible();
      await expect(plan.locator('[data-step="create-table"]').getByTestId('plan-sql')).toContainText(
        'CREATE TABLE',
      );
      await expect(plan.locator('[data-step="partitions"]').getByTestId('plan-sql')).toContainText(
        'PARTITION OF',
      );
      await expect(plan.locator('[data-step="swap"]').getByTestId('plan-sql')).toContainText('lock_timeout');
      await shot('06-plan');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('export-script').click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/\.sql$/);
      const script = await readFile(await download.path(), 'utf8');
      expect(script).toContain('\\set ON_ERROR_STOP on');
      expect(script).toContain('PARTITION OF');
      // Nothing ran yet: the source is untouched.
      expect((await db.query(CONTENTS_SQL)).rows[0]).toEqual(before);
    });

    await test.step('5 · run: held up by a session holding the table, paused, then resumed to the end of the copy', async () => {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE public.transactions IN ROW EXCLUSIVE MODE');
      await page.getByTestId('start-run').click();
      await expect(page.getByTestId('migration-state')).toHaveText('Running');
      await expect(page.getByRole('status').filter({ hasText: 'the table is busy' })).toBeVisible();
      await shot('07-run-busy');
      await page.getByTestId('pause').click();
      await expect(page.getByTestId('migration-state')).toHaveText('Paused');
      await expect(page.getByTestId('migration-notice')).toContainText('Paused');
      await blocker.query('COMMIT');

      await page.getByTestId('resume').click();
      await expect(page.getByTestId('copy-done')).toBeVisible({ timeout: 60_000 });
      await expect(page.getByTestId('migration-state')).toHaveText('Ready to swap');
      await expect(page.getByTestId('rows-copied')).toHaveText('4,000');
      await expect(page.getByTestId('progress-text')).toContainText('4,000 rows copied');
      await expect(page.getByTestId('progress-bar')).toHaveAttribute('aria-valuenow', '100');
      await expect(page.getByTestId('swap-ready')).toBeVisible();
      await shot('08-ready-to-swap');
    });

    await test.step('the app restarts: the migration is listed as it was, and opens where it stopped', async () => {
      const host = await tidemark.restart();
      await page.goto(host.url);
      await page.getByTestId('sidebar-profile').filter({ hasText: NAME }).click();
      await profileTab(page, NAME, 'Migrate').click();
      const row = page.locator(`[data-testid="migration-row"][data-migration="${migrationId}"]`);
      await expect(row).toHaveAttribute('data-state', 'ready_to_swap');
      await expect(row).toContainText('Ready to swap');
      await shot('09-list-after-restart');
      await row.getByRole('link', { name: /Open the migration/ }).click();
      await expect(page.getByTestId('migration-state')).toHaveText('Ready to swap');
      await expect(page.getByTestId('rows-copied')).toHaveText('4,000');
    });

    await test.step('6 · the swap retries behind a blocking session, names it, then swaps', async () => {
      await blocker.query('BEGIN');
      await blocker.query('SELECT count(*) FROM public.transactions');
      const blockerPid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!
        .pid;

      await page.getByTestId('swap-now').click();
      const waited = page.locator('[data-testid="swap-attempt"][data-outcome="lock_timeout"]').first();
      await expect(waited).toBeVisible({ timeout: 30_000 });
      const who = waited.locator(`[data-testid="blocker"][data-pid="${blockerPid}"]`);
      await expect(who).toContainText('e2e-blocker');
      await expect(who).toContainText('AccessShareLock');
      // What would free the table, for the DBA to run; and the transaction's age in seconds.
      await expect(who.getByTestId('blocker-sql')).toContainText(`SELECT pg_cancel_backend(${blockerPid});`);
      await expect(who.getByTestId('blocker-sql')).toContainText(
        `SELECT pg_terminate_backend(${blockerPid});`,
      );
      await expect(who.getByTestId('xact-since')).toContainText(/\(\d+ s open at this try\)/);
      await shot('10-swap-blocked');
      await blocker.query('COMMIT');

      await expect(page.locator('[data-testid="swap-attempt"][data-outcome="swapped"]')).toBeVisible({
        timeout: 60_000,
      });
      await expect(page.getByTestId('lock-held')).toHaveText(/\d+(\.\d)? (ms|s)/);
    });

    await test.step('7 · validation: every check passes, and the server agrees on the rows', async () => {
      await expect(page.getByTestId('migration-state')).toHaveText('Swapped', { timeout: 60_000 });
      await expect(page.getByTestId('validation-summary')).toHaveAttribute('data-ok', 'true');
      const checks = page.getByTestId('validation-check');
      expect(await checks.count()).toBeGreaterThan(3);
      for (const check of await checks.all()) await expect(check).toHaveAttribute('data-status', 'pass');
      await expect(page.locator('[data-testid="validation-check"][data-id="row_counts"]')).toContainText(
        '4,000',
      );
      await shot('11-validated');

      const relkind = await db.query<{ relkind: string }>(
        `SELECT relkind FROM pg_class WHERE oid = 'public.transactions'::regclass`,
      );
      expect(relkind.rows[0]!.relkind).toBe('p');
      const old = await db.query<{ name: string }>(
        `SELECT relname AS name FROM pg_class WHERE relname LIKE 'transactions\\_old\\_%' AND relkind = 'r'`,
      );
      expect(old.rows).toHaveLength(1);
      const oldCount = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM public.${old.rows[0]!.name}`,
      );
      expect(oldCount.rows[0]!.n).toBe(ROWS);
      expect((await db.query(CONTENTS_SQL)).rows[0]).toEqual(before);
    });

    await test.step('8 · cleanup before the keep period needs the table name typed; then the old table is gone', async () => {
      await expect(page.getByTestId('keep-until')).toContainText('transactions_old_');
      await page.getByTestId('cleanup-open').click();
      const dialog = page.getByRole('dialog', { name: 'Drop the old table now?' });
      const confirm = dialog.getByTestId('cleanup-confirm');
      await expect(confirm).toBeDisabled();
      // The name asked for is the name of what is dropped, not the live table's.
      const oldName = `transactions_old_${migrationId.slice(0, 6)}`;
      const typed = dialog.getByLabel(`Type ${oldName} to confirm`);
      await typed.fill('transactions');
      await expect(confirm).toBeDisabled();
      await expect(dialog).toContainText('not the name of the old table');
      await shot('12-cleanup-confirm');
      await typed.fill(oldName);
      await confirm.click();
      await expect(page.getByTestId('migration-state')).toHaveText('Cleaned up', { timeout: 60_000 });
      await expect(page.getByTestId('finished')).toContainText('The old table');
      await shot('13-cleaned-up');

      const relkind = await db.query<{ relkind: string }>(
        `SELECT relkind FROM pg_class WHERE oid = 'public.transactions'::regclass`,
      );
      expect(relkind.rows[0]!.relkind).toBe('p');
      const left = await db.query(
        `SELECT relname FROM pg_class WHERE relname LIKE 'transactions\\_old\\_%' OR relname LIKE 'transactions\\_new\\_%'`,
      );
      expect(left.rows).toEqual([]);
      const partitions = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'public.transactions'::regclass`,
      );
      expect(partitions.rows[0]!.n).toBeGreaterThan(14);
      expect((await db.query(CONTENTS_SQL)).rows[0]).toEqual(before);

      await page.getByRole('link', { name: 'all migrations' }).click();
      await expect(
        page.locator(`[data-testid="migration-row"][data-migration="${migrationId}"]`),
      ).toHaveAttribute('data-state', 'cleaned_up');
    });
  } finally {
    await blocker.query('ROLLBACK').catch(() => {});
    await Promise.allSettled([blocker.end(), db.end()]);
    await tidemark.stop();
    await root.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    await root.end();
  }
});

/** Steps 1 to 3 the short way: transactions, executed_at, native partitions, composite key accepted. */
async function planWithWizard(page: Page): Promise<void> {
  await page.getByTestId('new-migration').click();
  await page.getByTestId('table-picker').getByLabel('public.transactions').check();
  await expect(
    page.getByTestId('targets').getByRole('radio', { name: /Native range partitions/ }),
  ).toBeChecked();
  await page.getByTestId('to-preflight').click();
  await expect(page.getByTestId('preflight-summary')).toBeVisible();
  await page.getByLabel(/Accept the composite key/).check();
  await page.getByLabel('Free space you confirm').fill('20');
  await page.getByTestId('to-settings').click();
  await expect(page.getByTestId('wizard')).toHaveAttribute('data-step', 'settings');
  await page.getByTestId('create-plan').click();
  await expect(page.getByTestId('migration-state')).toHaveText('Planned');
}

test('migration wizard: a step that fails says so where it happened, and cancel leaves the source as it was', async ({
  page,
  tidemark,
  postgres,
}) => {
  test.setTimeout(180_000);
  const database = `mig_${randomBytes(4).toString('hex')}`;
  const root = await connect(postgres, 'postgres');
  await root.query(`CREATE DATABASE ${database}`);
  const db = await connect(postgres, database);
  const blocker = await connect(postgres, database, 'e2e-blocker');
  const shot = await shooter(page);
  try {
    await db.query(SCHEMA_SQL);
    await db.query(INSERT_SQL);
    await db.query('ANALYZE public.transactions');
    const before = (await db.query<{ n: number; hash: string }>(CONTENTS_SQL)).rows[0]!;

    await page.goto((await tidemark.start()).url);
    await addFirstProfile(page, NAME, postgres, database);
    await profileTab(page, NAME, 'Migrate').click();
    await planWithWizard(page);

    await test.step('a session holding the table makes "Create the new table" fail: the page says what and what to do', async () => {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE public.transactions IN ACCESS EXCLUSIVE MODE');
      await page.getByTestId('start-run').click();
      const error = page.getByTestId('migration-error');
      await expect(error).toBeVisible({ timeout: 60_000 });
      await expect(error).toContainText('Create the new table');
      await expect(error).toContainText('lock timeout');
      await expect(error).toContainText('untouched and in use');
      await expect(page.getByTestId('migration-state')).toHaveText('Failed');
      await expect(page.locator('[data-testid="run-step"][data-step="create-table"]')).toHaveAttribute(
        'data-state',
        'failed',
      );
      await expect(page.getByTestId('resume')).toBeVisible();
      await shot('20-failed');
      await blocker.query('COMMIT');
    });

    await test.step('cancel asks first, says the source stays untouched, and removes what the migration made', async () => {
      await page.getByTestId('cancel').click();
      const dialog = page.getByRole('dialog', { name: 'Cancel the migration?' });
      await expect(dialog).toContainText('stays untouched and in use');
      await shot('21-cancel-confirm');
      await dialog.getByRole('button', { name: 'Cancel the migration' }).click();
      await expect(page.getByTestId('migration-state')).toHaveText('Cancelled', { timeout: 60_000 });
      await expect(page.getByTestId('migration-cancelled')).toBeVisible();
      await shot('22-cancelled');

      const relkind = await db.query<{ relkind: string }>(
        `SELECT relkind FROM pg_class WHERE oid = 'public.transactions'::regclass`,
      );
      expect(relkind.rows[0]!.relkind).toBe('r');
      const made = await db.query(
        `SELECT relname FROM pg_class WHERE relname LIKE 'transactions\\_new\\_%' OR relname LIKE 'transactions\\_old\\_%'`,
      );
      expect(made.rows).toEqual([]);
      const triggers = await db.query(
        `SELECT tgname FROM pg_trigger WHERE tgrelid = 'public.transactions'::regclass AND NOT tgisinternal`,
      );
      expect(triggers.rows).toEqual([]);
      expect((await db.query(CONTENTS_SQL)).rows[0]).toEqual(before);
    });
  } finally {
    await blocker.query('ROLLBACK').catch(() => {});
    await Promise.allSettled([blocker.end(), db.end()]);
    await tidemark.stop();
    await root.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    await root.end();
  }
});
