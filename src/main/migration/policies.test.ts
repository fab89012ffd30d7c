import { describe, expect, it } from 'vitest';
import { createTransactions, plan, runToEnd, startEngine, why } from '../../../test/support/migration-engine';
import { withTimescale } from '../../../test/support/timescale';

/**
 * After a migration to a hypertable, its compression policy (from the swap on)
 * and its retention policy (from the cleanup on) are shown with their next run,
 * as timescaledb_information.jobs and job_stats say (TimescaleDB 2.23, PGlite).
 * PGlite runs no background scheduler, so nothing plans a next run by itself:
 * the test shows that as "not planned" (null), then plans the run the way the
 * scheduler records it (alter_job next_start, into job_stats) and reads it back.
 */

const planNext = `SELECT public.alter_job($1, next_start => timestamptz '2031-01-02 03:04:05+00')`;

describe('the policies of a migrated hypertable', () => {
  it('are shown with their next run: compression after the swap, retention after the cleanup', async () => {
    await withTimescale(async (ts) => {
      const engine = startEngine(ts.profile({ poolSize: 1 }), ts.password);
      try {
        await engine.query(`DROP TABLE IF EXISTS public.policies_ts CASCADE`);
        await createTransactions(engine, 'public.policies_ts', 2_000, 10);
        const m = await plan(engine, 'public', 'policies_ts', 'executed_at', 'timescaledb', {
          acceptCompositeKey: true,
          confirmedFreeBytes: 1e12,
          compressAfter: '7 days',
          retention: '365 days',
        });
        expect(await engine.dispatch('migration:listPolicies', { id: m.id })).toEqual([]);
        const done = await runToEnd(engine, m.id);
        expect(done.state, why(done)).toBe('swapped');

        const afterSwap = await engine.dispatch('migration:listPolicies', { id: m.id });
        const compression = afterSwap.find((p) => /policy_(compression|columnstore)/.test(p.procName));
        expect(compression).toMatchObject({ scheduled: true, nextStart: null });
        expect(compression?.config).toMatch(/7 days/);
        await engine.query(planNext, [compression?.jobId]);
        expect(
          (await engine.dispatch('migration:listPolicies', { id: m.id })).find(
            (p) => p.jobId === compression?.jobId,
          )?.nextStart,
        ).toBe('2031-01-02 03:04:05+00');
        expect(afterSwap.some((p) => p.procName === 'policy_retention')).toBe(false);

        engine.service.cleanup(m.id, engine.service.get(m.id).oldTable);
        const cleaned = await engine.service.whenIdle(m.id);
        expect(cleaned.state, why(cleaned)).toBe('cleaned_up');
        const afterCleanup = await engine.dispatch('migration:listPolicies', { id: m.id });
        const retention = afterCleanup.find((p) => p.procName === 'policy_retention');
        expect(retention).toMatchObject({ scheduled: true, config: expect.stringMatching(/365 days/) });
        await engine.query(planNext, [retention?.jobId]);
        expect(
          (await engine.dispatch('migration:listPolicies', { id: m.id })).find(
            (p) => p.jobId === retention?.jobId,
          )?.nextStart,
        ).toBe('2031-01-02 03:04:05+00');
      } finally {
        await engine.close();
      }
    });
  });
});
