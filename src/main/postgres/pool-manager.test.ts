import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy';
import { withTimescale } from '../../../test/support/timescale';
import type { ProfileFields } from '../../shared/profile';
import { ConnectionFailedError } from './failure';
import { PoolManager, type PoolManagerOptions } from './pool-manager';

let db: TestDatabase;
let admin: pg.Client;
const managers: PoolManager[] = [];
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  db = await createTestDatabase('pool manager');
  admin = await db.admin();
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.closeAll()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await db?.cleanup();
});

/** A manager whose profiles are the given fields, all with the test password. */
function manager(profiles: Record<string, ProfileFields>, options: PoolManagerOptions = {}): PoolManager {
  const m = new PoolManager(
    async (id) => {
      const fields = profiles[id];
      if (!fields) throw new Error(`no profile ${id}`);
      return { fields, password: db.password };
    },
    undefined,
    { env: {}, ...options },
  );
  managers.push(m);
  return m;
}

/** Tidemark's sessions on the test database, as the DBA sees them in pg_stat_activity. */
async function tidemarkSessions(): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'tidemark'`,
    [db.name],
  );
  return rows[0]?.n ?? 0;
}

/** Polls (without asserting on time) until the server reports the expected count. */
async function untilSessions(expected: number): Promise<number> {
  let n = await tidemarkSessions();
  for (let i = 0; i < 200 && n !== expected; i++) {
    await sleep(25);
    n = await tidemarkSessions();
  }
  return n;
}

async function proxied(): Promise<TcpProxy> {
  const proxy = await startTcpProxy({ host: db.server.host, port: db.server.port });
  proxies.push(proxy);
  return proxy;
}

describe('PoolManager sessions', () => {
  it('identifies itself and sets the timeouts on every session', async () => {
    const pools = manager({ p: db.profile({ statementTimeoutMs: 15_000 }) });
    const { rows } = await pools.query<Record<string, string>>(
      'p',
      `
      SELECT current_setting('application_name') AS app,
             current_setting('statement_timeout') AS statement_timeout,
             current_setting('lock_timeout') AS lock_timeout,
             current_setting('idle_in_transaction_session_timeout') AS idle_tx,
             current_setting('default_transaction_read_only') AS read_only`,
    );
    expect(rows[0]).toEqual({
      app: 'tidemark',
      statement_timeout: '15s',
      lock_timeout: '3s',
      idle_tx: '1min',
      read_only: 'on',
    });
    // What the DBA sees on the server.
    expect(await tidemarkSessions()).toBe(1);
  });

  it('monitor sessions cannot write; admin sessions can', async () => {
    const monitor = manager({ p: db.profile() });
    await expect(monitor.query('p', 'CREATE TABLE public.written_by_monitor (id int)')).rejects.toMatchObject(
      {
        code: '25006',
        message: expect.stringMatching(/read-only transaction/),
      },
    );
    const adminPools = manager({ p: db.profile() }, { purpose: 'admin' });
    await adminPools.query('p', 'CREATE TABLE public.written_by_admin (id int)');
    const { rows } = await admin.query(`SELECT to_regclass('public.written_by_admin') IS NOT NULL AS exists`);
    expect(rows[0]).toEqual({ exists: true });
  });

  it('a query beyond the statement timeout is cancelled by the server, and the pool keeps working', async () => {
    const pools = manager({ p: db.profile({ statementTimeoutMs: 300 }) });
    await expect(pools.query('p', 'SELECT pg_sleep(30)')).rejects.toMatchObject({
      code: '57014',
      message: 'canceling statement due to statement timeout',
    });
    expect((await pools.query('p', 'SELECT 42 AS answer')).rows).toEqual([{ answer: 42 }]);
  });

  it('keeps to the pool size: with size 1 the server never sees a second session', async () => {
    const pools = manager({ p: db.profile({ poolSize: 1 }) });
    const seen: number[] = [];
    await Promise.all(
      [1, 2, 3].map(() =>
        pools.withClient('p', async (client) => {
          await client.query('SELECT 1');
          seen.push(await tidemarkSessions());
        }),
      ),
    );
    expect(seen).toEqual([1, 1, 1]);
  });

  it('a caller waiting for a busy session is not failed by the connect timeout', async () => {
    const pools = manager({ p: db.profile({ poolSize: 1, connectTimeoutSec: 1 }) });
    const [slow, waiting] = await Promise.all([
      pools.query('p', 'SELECT pg_sleep(1.5), 1 AS n'),
      pools.query('p', 'SELECT 2 AS n'),
    ]);
    expect([slow.rows[0]?.n, waiting.rows[0]?.n]).toEqual([1, 2]);
  });

  it('does not hand a session left in a transaction to the next caller', async () => {
    const pools = manager({ p: db.profile({ poolSize: 1 }) });
    const first = await pools.withClient('p', async (client) => {
      await client.query('BEGIN');
      return (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    });
    const next = await pools.query<{ pid: number }>('p', 'SELECT pg_backend_pid() AS pid');
    expect(next.rows[0]?.pid).not.toBe(first);
  });
});

describe('PoolManager and dead connections', () => {
  it('a pooled session terminated by the server is not handed out: the next query succeeds', async () => {
    const pools = manager({ p: db.profile() });
    const { rows } = await pools.query<{ pid: number }>('p', 'SELECT pg_backend_pid() AS pid');
    const pid = rows[0]?.pid;
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    const after = await pools.query<{ pid: number }>('p', 'SELECT pg_backend_pid() AS pid');
    expect(after.rows[0]?.pid).not.toBe(pid);
  });

  it('survives a server-side kill of every pooled session at once', async () => {
    const pools = manager({ p: db.profile({ poolSize: 2 }) });
    await Promise.all([1, 2].map(() => pools.withClient('p', (c) => c.query('SELECT pg_sleep(0.05)'))));
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'tidemark'`,
      [db.name],
    );
    expect((await pools.query('p', 'SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('a connection cut in the network is replaced', async () => {
    const proxy = await proxied();
    const pools = manager({ p: db.profile({ host: proxy.host, port: proxy.port }) });
    await pools.query('p', 'SELECT 1');
    proxy.dropAll();
    expect((await pools.query('p', 'SELECT 2 AS ok')).rows).toEqual([{ ok: 2 }]);
  });

  it('a server that goes silent gives a timeout error, and the pool recovers when it answers again', async () => {
    const proxy = await proxied();
    const pools = manager({ p: db.profile({ host: proxy.host, port: proxy.port, connectTimeoutSec: 1 }) });
    await pools.query('p', 'SELECT 1');
    proxy.mode = 'blackhole';
    const error = await pools.query('p', 'SELECT 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect((error as ConnectionFailedError).failure.reason).toBe('timeout');
    proxy.mode = 'forward';
    expect((await pools.query('p', 'SELECT 3 AS ok')).rows).toEqual([{ ok: 3 }]);
  });

  it('closing pools does not hang on a server that stopped answering', async () => {
    const proxy = await proxied();
    const pools = manager({ p: db.profile({ host: proxy.host, port: proxy.port }) });
    await pools.query('p', 'SELECT 1');
    proxy.mode = 'blackhole';
    // Shutting Tidemark down must not wait for a server that stopped answering.
    await expect(pools.closeAll()).resolves.toBeUndefined();
  });

  it('reports why it cannot connect, in words a DBA recognises', async () => {
    const pools = manager({ p: db.profile({ database: 'no_such_db' }) });
    const error = await pools.query('p', 'SELECT 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error).toMatchObject({
      code: 'connection_failed',
      failure: { reason: 'database_missing' },
      message: expect.stringMatching(/"no_such_db" does not exist/),
    });
  });

  it('falls back to plain text for sslmode prefer against a server without SSL', async () => {
    const noSsl = await startTcpProxy({ host: db.server.host, port: db.server.port }, { refuseSsl: true });
    proxies.push(noSsl);
    const pools = manager({ p: db.profile({ host: noSsl.host, port: noSsl.port, sslmode: 'prefer' }) });
    const { rows } = await pools.query<{ ssl: boolean }>(
      'p',
      'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    );
    expect(rows).toEqual([{ ssl: false }]);
  });

  it('sslmode require really encrypts, as the server sees it', async () => {
    const pools = manager({ p: db.profile({ sslmode: 'require' }) });
    const { rows } = await pools.query<{ ssl: boolean }>(
      'p',
      'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    );
    expect(rows).toEqual([{ ssl: true }]);
  });
});

describe('PoolManager lifecycle', () => {
  it('invalidate ends the profile pool; the next use opens a new one with the new settings', async () => {
    const profiles = { p: db.profile({ statementTimeoutMs: 15_000 }) };
    const pools = manager(profiles);
    await pools.query('p', 'SELECT 1');
    expect(await tidemarkSessions()).toBe(1);
    await pools.invalidate('p');
    expect(await untilSessions(0)).toBe(0);

    profiles.p = db.profile({ statementTimeoutMs: 20_000 });
    const { rows } = await pools.query<{ st: string }>(
      'p',
      `SELECT current_setting('statement_timeout') AS st`,
    );
    expect(rows).toEqual([{ st: '20s' }]);
  });

  it('closeAll ends every pool', async () => {
    const pools = manager({ a: db.profile(), b: db.profile() });
    await Promise.all([pools.query('a', 'SELECT 1'), pools.query('b', 'SELECT 1')]);
    expect(await tidemarkSessions()).toBe(2);
    await pools.closeAll();
    expect(await untilSessions(0)).toBe(0);
  });

  it('a profile that cannot be resolved fails that call only, and is retried next time', async () => {
    let known = false;
    const pools = new PoolManager(async () => {
      if (!known) throw new Error('Profile not found.');
      return { fields: db.profile(), password: db.password };
    });
    managers.push(pools);
    await expect(pools.query('p', 'SELECT 1')).rejects.toThrow('Profile not found.');
    known = true;
    expect((await pools.query('p', 'SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });
});

describe('PoolManager on TimescaleDB', () => {
  it('runs read-only monitor queries against the single-connection server', async () => {
    await withTimescale(async (ts) => {
      const pools = new PoolManager(async () => ({
        fields: ts.profile({ poolSize: 1 }),
        password: ts.password,
      }));
      try {
        const { rows } = await pools.query<{ v: string }>(
          'ts',
          `SELECT extversion AS v FROM pg_extension WHERE extname = 'timescaledb'`,
        );
        expect(rows[0]?.v).toMatch(/^2\.23\./);
      } finally {
        await pools.closeAll();
      }
    });
  });
});
