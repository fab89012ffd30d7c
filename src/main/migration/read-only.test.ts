import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import {
  createTransactions,
  type Engine,
  PROFILE,
  plan,
  runToEnd,
  startEngine,
  why,
} from '../../../test/support/migration-engine';
import { sqlState } from '../postgres/sqlstate';

/**
 * Looking changes nothing: the pre-flight (and `tidemark migrate check`, which
 * asks for it), describing a table, listing candidates, planning and exporting
 * only read the server, so every statement they send runs in a READ ONLY
 * transaction. Each statement's session is observed as it runs.
 */

let db: TestDatabase;
let admin: pg.Client;
let engine: Engine;

describe.each(testServers)('read-only looking on %s', (server) => {
  /** transaction_read_only as each statement (other than SET/RESET) was about to run, and a write tried meanwhile. */
  const seen: { sql: string; readOnly: string }[] = [];
  let probe: string | undefined | null = null;

  beforeAll(async () => {
    db = await createTestDatabase('migration read only', server);
    admin = await db.admin();
    await createTransactions(admin, 'public.looked_at', 500);
    engine = startEngine(db.profile({ poolSize: 1 }), db.password);
    const withClient = engine.pools.withClient.bind(engine.pools);
    engine.pools.withClient = (profileId, fn) =>
      withClient(profileId, (client) => {
        const observed = new Proxy(client, {
          get(target, prop) {
            if (prop !== 'query') {
              const value = Reflect.get(target, prop, target);
              return typeof value === 'function' ? value.bind(target) : value;
            }
            return async (sql: string, params?: unknown[]) => {
              if (
                typeof sql === 'string' &&
                !/^\s*(SET|RESET)\b/i.test(sql) &&
                target.getTransactionStatus() !== 'E'
              ) {
                const { rows } = await target.query('SHOW transaction_read_only');
                seen.push({ sql: sql.slice(0, 80), readOnly: rows[0].transaction_read_only });
                if (probe === null) {
                  probe = await target
                    .query('CREATE TABLE public.written_while_looking (x int)')
                    .then(() => undefined)
                    .catch((error) => sqlState(error));
                }
              }
              return target.query(sql, params);
            };
          },
        });
        return fn(observed as pg.PoolClient);
      });
  });
  afterAll(async () => {
    await engine?.close();
    await db?.cleanup();
  });

  it('runs every statement of the pre-flight, describe, list, plan and export READ ONLY', async () => {
    const request = {
      profileId: PROFILE,
      schema: 'public',
      table: 'looked_at',
      timeColumn: 'executed_at',
      target: 'partitions' as const,
      settings: { acceptCompositeKey: true, confirmedFreeBytes: 1e12 },
    };
    await engine.dispatch('migration:listTables', { profileId: PROFILE });
    await engine.dispatch('migration:describe', {
      profileId: PROFILE,
      schema: 'public',
      table: 'looked_at',
    });
    const report = await engine.dispatch('migration:preflight', request);
    expect(report.blocked).toBe(false);
    const m = await plan(engine, 'public', 'looked_at', 'executed_at', 'partitions', request.settings);
    await engine.dispatch('migration:export', { id: m.id });

    expect(seen.length).toBeGreaterThan(20);
    expect(seen.filter((s) => s.readOnly !== 'on')).toEqual([]);
    expect(probe, 'a write in the same session').toBe('25006');
    expect(
      (await admin.query(`SELECT to_regclass('public.written_while_looking') AS t`)).rows[0].t,
    ).toBeNull();

    // The session goes back to the pool read-write: the run that follows writes on it.
    seen.length = 0;
    const ran = await runToEnd(engine, m.id);
    expect(ran.state, why(ran)).toBe('swapped');
    expect(seen.some((s) => s.readOnly === 'off')).toBe(true);
  });
});
