import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { withTimescale } from './timescale';

/** The test rig's own promises, which later suites rely on. */

async function withClient<T>(
  info: { host: string; port: number; user: string; password: string; database: string },
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ ...info, ssl: false });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('withTimescale', () => {
  it('hands every caller a clean session, although PGlite keeps settings from one connection to the next', async () => {
    await withTimescale(async ({ info }) => {
      await withClient(info, (c) => c.query('SET default_transaction_read_only = on'));
      // Proof of the PGlite quirk the helper works around: the next connection inherits it.
      const inherited = await withClient(info, (c) => c.query('SHOW default_transaction_read_only'));
      expect(inherited.rows).toEqual([{ default_transaction_read_only: 'on' }]);
    });
    await withTimescale(async ({ info }) => {
      await withClient(info, async (c) => {
        expect((await c.query('SHOW default_transaction_read_only')).rows).toEqual([
          { default_transaction_read_only: 'off' },
        ]);
        await c.query('CREATE TABLE rig_check (t timestamptz NOT NULL)');
        await c.query('DROP TABLE rig_check');
      });
    });
  });

  it('lets callers take turns on the one-connection server', async () => {
    const versions = await Promise.all(
      [1, 2, 3].map(() =>
        withTimescale(({ info }) =>
          withClient(info, async (c) => {
            const { rows } = await c.query<{ v: string }>(
              `SELECT extversion AS v FROM pg_extension WHERE extname = 'timescaledb'`,
            );
            return rows[0]?.v;
          }),
        ),
      ),
    );
    expect(versions).toEqual([versions[0], versions[0], versions[0]]);
    expect(versions[0]).toMatch(/^2\.23\./);
  });
});

describe('the PostgreSQL test servers', () => {
  it('are major versions 18 and 15, and 15 can install pg_partman', async () => {
    const versions: Record<string, number> = {};
    for (const name of ['postgres', 'postgres15'] as const) {
      const server = inject(name);
      await withClient({ ...server, database: 'postgres' }, async (c) => {
        const { rows } = await c.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
        versions[name] = Math.floor(Number(rows[0]!.v) / 10_000);
      });
    }
    expect(versions).toEqual({ postgres: 18, postgres15: 15 });
    const { rows } = await withClient({ ...inject('postgres15'), database: 'postgres' }, (c) =>
      c.query(`SELECT name FROM pg_available_extensions WHERE name = 'pg_partman'`),
    );
    expect(rows).toEqual([{ name: 'pg_partman' }]);
  });
});
