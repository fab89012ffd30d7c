import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../../../test/support/cli';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { createTransactions } from '../../../test/support/migration-engine';
import { DEFAULT_ROWS_COUNTED_UP_TO } from '../../shared/partition-upkeep';
import { reportLines } from './partitions-commands';

/** `tidemark partitions maintain` as a script runs it: the real process and its exit code. */

let db: TestDatabase;
const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cli-partitions-'));
const tidemark = (...args: string[]) => spawnCli(args, { dataDir });

beforeAll(async () => {
  db = await createTestDatabase('cli partitions');
  const admin = await db.admin();
  // January 2026: far behind today, so rows written "now" have no partition of their own.
  await createTransactions(admin, 'public.ledger', 2_000, 20);
  const { host, port, database, user } = db.fields;
  const url = `postgresql://${user}:${encodeURIComponent(db.password)}@${host}:${port}/${database}?sslmode=disable`;
  expect((await tidemark('profiles', 'add', '--url', url, '--name', 'pg')).code).toBe(0);
});
afterAll(async () => {
  await db?.cleanup();
});

describe('tidemark partitions maintain', () => {
  it('says there is nothing to maintain before a migration, and refuses an unknown table or verb', async () => {
    expect(await tidemark('partitions', 'maintain', 'pg')).toEqual({
      code: 0,
      stdout: expect.stringMatching(/nothing to maintain/),
      stderr: '',
    });
    expect(await tidemark('partitions', 'maintain', 'pg', 'ledger')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/No table named "ledger" was moved to native partitions/),
    });
    expect((await tidemark('partitions', 'trim', 'pg')).code).toBe(2);
  });

  it('after a migration, makes partitions up to now and moves the rows that landed in DEFAULT', async () => {
    const plan = await tidemark(
      'migrate',
      'plan',
      'pg',
      'ledger',
      '--time',
      'executed_at',
      '--target',
      'partitions',
      '--accept-composite-key',
      '--free',
      '10GB',
      '--json',
    );
    expect(plan.code, plan.stderr).toBe(0);
    const id = (JSON.parse(plan.stdout) as { migration: { id: string } }).migration.id;
    const run = await tidemark('migrate', 'run', id);
    expect(run.code, run.stderr).toBe(0);

    const admin = await db.admin();
    await admin.query(
      `INSERT INTO ledger (account_id, symbol, side, quantity, price, amount, executed_at)
       VALUES (1, 'NOW', 'buy', 1, 1, 1, now()), (2, 'NOW', 'sell', 1, 1, 1, now())`,
    );
    const where = async () =>
      (await admin.query(`SELECT DISTINCT tableoid::regclass::text AS p FROM ledger WHERE symbol = 'NOW'`))
        .rows;
    expect(await where()).toEqual([{ p: 'ledger_default' }]);

    const maintained = await tidemark('partitions', 'maintain', 'pg', '--json');
    expect(maintained.code, maintained.stderr).toBe(0);
    const [report] = JSON.parse(maintained.stdout) as { table: string; movedRows: number; ahead: number }[];
    expect(report).toMatchObject({ table: 'public.ledger', movedRows: 2, defaultRows: 0 });
    expect(report!.ahead).toBeGreaterThan(0);
    const [{ p }] = (await where()) as [{ p: string }];
    expect(p).toMatch(/^ledger_p\d{8}$/);
  });
});

describe('the report of a round', () => {
  it('says a DEFAULT partition count that stopped at its limit is a lower bound', () => {
    const report = {
      table: 'public.ledger',
      timeColumn: 'executed_at',
      created: [],
      movedRows: 0,
      detached: [],
      ahead: 2,
      wantedAhead: 2,
      defaultPartition: 'public.ledger_default',
      skipped: null,
    };
    const at = (defaultRows: number) => [...reportLines([{ ...report, defaultRows }], 'pg')].join('\n');
    expect(at(DEFAULT_ROWS_COUNTED_UP_TO)).toContain(
      'At least 100,000 row(s) remain in the DEFAULT partition',
    );
    expect(at(412)).toContain('  412 row(s) remain in the DEFAULT partition');
  });
});
