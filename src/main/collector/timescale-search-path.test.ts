import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withClient, withTimescale } from '../../../test/support/timescale';
import { PoolManager } from '../postgres/pool-manager';
import { collectStorageSample } from './collector';

/**
 * TimescaleDB usually lives in `public`, where on PostgreSQL 13 and 14 every
 * role may create objects. The sample's TimescaleDB statement runs with the
 * extension's schema on its search_path: an operator or function someone put
 * there must never be picked over PostgreSQL's own, or it runs as the DBA's
 * role on every sample (CVE-2018-1058's pattern).
 */

describe('the TimescaleDB statement and objects in the extension schema', () => {
  it('uses PostgreSQL’s own operators and aggregates, not ones planted in public', async () => {
    await withTimescale(async (ts) => {
      const schema = `tm_trap_${randomBytes(3).toString('hex')}`;
      await withClient(ts, async (c) => {
        await c.query(`CREATE SCHEMA ${schema}`);
        await c.query(`CREATE TABLE ${schema}.metrics (t timestamptz NOT NULL, v int)`);
        await c.query(
          `SELECT create_hypertable($1::regclass, 't', chunk_time_interval => interval '1 day')`,
          [`${schema}.metrics`],
        );
        await c.query(
          `INSERT INTO ${schema}.metrics SELECT t, 1 FROM generate_series('2024-01-01'::timestamptz, '2024-01-03', '1 hour') t`,
        );
        // What a role with CREATE on public can plant: an oid "=" that runs its own code.
        await c.query(`
          CREATE FUNCTION public.tidemark_trap_eq(oid, oid) RETURNS boolean LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'planted operator ran as %', current_user; END $$;
          CREATE OPERATOR public.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = public.tidemark_trap_eq)`);
      });
      const pools = new PoolManager(
        async () => ({ fields: ts.profile({ poolSize: 1 }), password: ts.password }),
        undefined,
        { env: {} },
      );
      try {
        const s = await pools.withClient('p', (client) => collectStorageSample(client));
        expect(s.gaps.join('\n')).not.toContain('planted operator');
        const metrics = s.relations.find((r) => r.schema === schema && r.name === 'metrics');
        expect(metrics).toMatchObject({ kind: 'hypertable', measured: true, children: 3 });
      } finally {
        await pools.closeAll();
        await withClient(ts, (c) =>
          c.query(`DROP OPERATOR public.= (oid, oid); DROP FUNCTION public.tidemark_trap_eq(oid, oid);
                   DROP SCHEMA ${schema} CASCADE`),
        );
      }
    });
  });
});
