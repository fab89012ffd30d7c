import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliIn } from '../../../test/support/cli';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { createTransactions } from '../../../test/support/migration-engine';
import { parseTableName } from './migrate-commands';

let db: TestDatabase;
let admin: pg.Client;
const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cli-migrate-'));

beforeAll(async () => {
  db = await createTestDatabase('cli migrate');
  admin = await db.admin();
  await createTransactions(admin, 'public.cli_tx', 3_000);
  const { host, port, database, user } = db.fields;
  const url = `postgresql://${user}:${encodeURIComponent(db.password)}@${host}:${port}/${database}?sslmode=disable`;
  expect((await cli('profiles', 'add', '--url', url, '--name', 'pg18')).code).toBe(0);
});
afterAll(async () => {
  await db?.cleanup();
});

const cli = (...args: string[]) => cliIn(dataDir, ...args);

describe('tidemark migrate', () => {
  it('reads table names as SQL does', () => {
    expect(parseTableName('transactions')).toEqual({ schema: 'public', table: 'transactions' });
    expect(parseTableName('Sales.Orders')).toEqual({ schema: 'sales', table: 'orders' });
    expect(parseTableName('"My Schema"."Trade.Log ""x"""')).toEqual({
      schema: 'My Schema',
      table: 'Trade.Log "x"',
    });
    expect(() => parseTableName('a.b.c')).toThrow(/not a table name/);
  });

  it('checks, plans, runs, reports, exports, validates and cleans up', async () => {
    const blocked = await cli(
      'migrate',
      'check',
      'pg18',
      'cli_tx',
      '--time',
      'executed_at',
      '--target',
      'partitions',
    );
    expect(blocked.code).toBe(1);
    expect(blocked.out).toMatch(/STOP {2}Primary key "cli_tx_pkey"/);
    expect(blocked.out).toMatch(/fix: Accept the composite key/);

    const planned = await cli(
      'migrate',
      'plan',
      'pg18',
      'public.cli_tx',
      '--time',
      'executed_at',
      '--target',
      'partitions',
      '--accept-composite-key',
      '--free',
      '10GB',
      '--batch-rows',
      '500',
      '--batch-seconds',
      '0.5',
      '--keep-days',
      '10',
    );
    expect(planned.code, planned.err).toBe(0);
    const id = /Planned ([0-9a-f]{12})\./.exec(planned.out)?.[1] as string;
    expect(id).toBeDefined();
    expect(planned.out).toMatch(
      /Settings: interval 1 day, compress after never, segment by \(none\), batches of 500 rows, growing to about 0\.5 s each, sync capture, keep the old table 10 days/,
    );

    const ran = await cli('migrate', 'run', id);
    expect(ran.code, ran.out + ran.err).toBe(0);
    expect(ran.out).toMatch(/B Copy in batches/);
    expect(ran.out).toMatch(/3000 \/ ~3000 rows/);
    expect(ran.out).toMatch(/Swap: lock held \d+ ms after 1 tries/);
    expect(ran.out).toMatch(/Validation passed/);

    const status = await cli('migrate', 'status');
    expect(status.out).toMatch(new RegExp(`${id}\\s+pg18\\s+public\\.cli_tx\\s+partitions\\s+swapped`));

    const out = join(dataDir, 'plan.sql');
    expect((await cli('migrate', 'export', id, '--out', out)).out).toMatch(/Wrote .*plan\.sql/);
    expect(readFileSync(out, 'utf8')).toMatch(/\\set ON_ERROR_STOP on/);

    const validated = await cli('migrate', 'validate', id, '--json');
    expect(JSON.parse(validated.out)).toMatchObject({
      ok: true,
      rows: { oldTable: 3_000, newTable: 3_000, leftOut: 0 },
    });

    const early = await cli('migrate', 'cleanup', id);
    expect(early.code).toBe(1);
    const oldTable = `cli_tx_old_${id.slice(0, 6)}`;
    expect(early.err).toContain(`type the name of the table cleanup drops (${oldTable}) to confirm`);
    // The live table's name is not what is dropped: refused.
    expect((await cli('migrate', 'cleanup', id, '--confirm', 'cli_tx')).code).toBe(1);
    const cleaned = await cli('migrate', 'cleanup', id, '--confirm', oldTable);
    expect(cleaned.code, cleaned.err).toBe(0);
    expect(cleaned.out).toMatch(/cleaned_up/);
    expect(
      (await admin.query(`SELECT relkind FROM pg_class WHERE oid = 'public.cli_tx'::regclass`)).rows[0]
        .relkind,
    ).toBe('p');
  });

  it('says what is wrong with a command', async () => {
    expect((await cli('migrate', 'plan', 'pg18', 'cli_tx')).err).toMatch(
      /needs: PROFILE \[SCHEMA\.\]TABLE --time COLUMN --target/,
    );
    expect((await cli('migrate', 'run')).err).toMatch(/needs a migration id/);
    expect((await cli('migrate', 'status', 'nope')).err).toMatch(/There is no migration nope/);
    expect(
      (await cli('migrate', 'plan', 'pg18', 'missing', '--time', 't', '--target', 'partitions')).err,
    ).toMatch(/There is no table "public"\."missing"/);
  });
});
