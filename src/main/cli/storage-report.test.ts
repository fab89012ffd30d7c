import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../../../test/support/cli';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import type { DiskFactsView } from '../../shared/disk-facts';
import { createTidemark } from '../app';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';

/**
 * `tidemark storage NAME` as a script sees it: the real process, its exit
 * code and output; names from the server printed through the terminal-safe
 * writer.
 */

let db: TestDatabase;
const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cli-storage-'));
const tidemark = (...args: string[]) => spawnCli(args, { dataDir });
const hostile = 'evil\x1b[31mred\nfake';

beforeAll(async () => {
  db = await createTestDatabase('cli storage');
  const admin = await db.admin();
  await admin.query(`
    CREATE TABLE orders (id int PRIMARY KEY, customer int, note text);
    INSERT INTO orders SELECT g, g % 50, 'n' || g FROM generate_series(1, 3000) g;
    CREATE INDEX orders_customer ON orders (customer);
    CREATE INDEX orders_customer_again ON orders (customer);
    CREATE TABLE ${admin.escapeIdentifier(hostile)} (id int);
    ANALYZE;
  `);
  const { host, port, database, user } = db.fields;
  const url = `postgresql://${user}:${encodeURIComponent(db.password)}@${host}:${port}/${database}?sslmode=disable`;
  expect((await tidemark('profiles', 'add', '--url', url, '--name', 'pg')).code).toBe(0);
  expect((await tidemark('profiles', 'add', '--url', url, '--name', 'unsampled')).code).toBe(0);
  expect((await tidemark('sample', 'pg')).code).toBe(0);
});
afterAll(async () => {
  await db?.cleanup();
});

describe('tidemark storage', () => {
  it('prints the latest sample with the disk facts, names escaped for the terminal', async () => {
    const run = await tidemark('storage', 'pg', '--top', '5');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const heading of [
      'Largest relations',
      'Replication slots',
      'Transaction-ID ages',
      'Index findings',
      'Tablespaces',
    ])
      expect(run.stdout).toContain(heading);
    expect(run.stdout).toMatch(new RegExp(`${db.name}\\s+[\\d,]+\\s+\\d`));
    expect(run.stdout).toContain('DROP INDEX CONCURRENTLY "public"."orders_customer_again";');
    expect(run.stdout).toContain('public."evil\\x1b[31mred\\x0afake"');
    expect(run.stdout).not.toContain('\x1b');
  });

  it('--json prints one document with the disk facts', async () => {
    const run = await tidemark('storage', 'pg', '--json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { disk: DiskFactsView; relations: Array<{ name: string }> };
    expect(report.disk.facts.databases.map((d) => d.name)).toContain(db.name);
    expect(report.disk.facts.indexes).toContainEqual(
      expect.objectContaining({
        kind: 'duplicate',
        name: 'orders_customer_again',
        coveredBy: 'orders_customer',
      }),
    );
    expect(report.relations.map((r) => r.name)).toContain(hostile);
  });

  it('says when the slow facts were measured when the next sample carries them', async () => {
    const first = JSON.parse((await tidemark('storage', 'pg', '--json')).stdout) as { disk: DiskFactsView };
    // A scheduled sample, as the app's timers take it, carries them (`tidemark sample` reads everything).
    const app = await createTidemark({ dataDir, mode: 'cli', secretStore: new KeyFileSecretStore(dataDir) });
    try {
      const pg = app.profiles.list().find((p) => p.name === 'pg')!;
      await app.monitoring.runner.run(pg.id, 'schedule');
    } finally {
      await app.close();
    }
    const run = await tidemark('storage', 'pg');
    expect(run.code).toBe(0);
    const at = first.disk.takenAt;
    for (const heading of [
      'Oldest tables of the sampled database:',
      'Estimated bloat',
      'Index findings',
      'Tablespaces',
    ])
      expect(run.stdout).toMatch(new RegExp(`${heading} .*Measured with the sample of ${at}\\.`));
    expect(run.stdout).not.toMatch(/Transaction-ID ages.*Measured/);

    // The DBA's own sample reads them all again.
    expect((await tidemark('sample', 'pg')).code).toBe(0);
    expect((await tidemark('storage', 'pg')).stdout).not.toMatch(/Measured with the sample of/);
  });

  it('exits 2 on a wrong --top and 1 when there is nothing to show', async () => {
    expect(await tidemark('storage', 'pg', '--top', '0')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--top 0/),
    });
    expect(await tidemark('storage', 'unsampled')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/No storage sample of "unsampled"/),
    });
    expect(await tidemark('storage', 'nobody')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/No profile/),
    });
  });

  it('--exact-bloat measures one relation with pgstattuple, and says how to install it when missing', async () => {
    const missing = await tidemark('storage', 'pg', '--exact-bloat', 'public.orders');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/CREATE EXTENSION pgstattuple;/);
    expect(await tidemark('storage', 'pg', '--exact-bloat', 'orders')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/SCHEMA\.NAME/),
    });
    const admin = await db.admin();
    await admin.query('CREATE EXTENSION pgstattuple');
    const table = await tidemark('storage', 'pg', '--exact-bloat', 'public.orders');
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^Table public\.orders, measured by pgstattuple_approx\(\) at /);
    expect(table.stdout).toMatch(/bloat [\d.]+ \w*B \([\d.]+ %\)/);
    const index = JSON.parse(
      (await tidemark('storage', 'pg', '--exact-bloat', 'public.orders_pkey', '--json')).stdout,
    );
    expect(index).toMatchObject({ kind: 'index', function: 'pgstattuple', name: 'orders_pkey' });
  });
});
