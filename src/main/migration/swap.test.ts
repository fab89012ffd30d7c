import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import {
  createTransactions,
  difference,
  type Engine,
  plan,
  runToEnd,
  startEngine,
  why,
} from '../../../test/support/migration-engine';
import type { EventOf } from '../../shared/contract';

/**
 * The swap under contention: a session holds a lock on the table, so each try
 * gives up after lock_timeout, names that session, and tries again; the
 * application's queries keep completing meanwhile (they queue behind a try for
 * at most lock_timeout, never behind the blocker); once the blocker commits,
 * the swap goes through.
 */

let db: TestDatabase;
let admin: pg.Client;
let engine: Engine;

type Attempt = EventOf<'migration:swapAttempted'>;

describe.each(testServers)('the swap under contention on %s', (server) => {
  beforeAll(async () => {
    db = await createTestDatabase('migration swap', server);
    admin = await db.admin();
    await createTransactions(admin, 'public.contended', 5_000);
    engine = startEngine(db.profile({ poolSize: 1 }), db.password);
  });
  afterAll(async () => {
    await engine?.close();
    await db?.cleanup();
  });

  it('retries, reports the blocking session, lets application queries through, and swaps once it is gone', async () => {
    const m = await plan(engine, 'public', 'contended', 'executed_at', 'partitions', {
      acceptCompositeKey: true,
      confirmedFreeBytes: 1e12,
      swap: { mode: 'confirm', lockTimeoutMs: 300, attempts: 50, backoffMs: 100 },
    });
    const ready = await runToEnd(engine, m.id);
    expect(ready.state, why(ready)).toBe('ready_to_swap');

    // The blocker: an open transaction that holds a lock on the table.
    const blocker = await db.admin();
    await blocker.query(`SET application_name = 'report job'`);
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE contended IN ACCESS SHARE MODE');
    const blockerPid = (await blocker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;

    const attempts: Attempt[] = [];
    const unsubscribe = engine.onEvent((e) => {
      if (e.event === 'migration:swapAttempted') attempts.push(e.payload);
    });
    engine.service.start(m.id, true);

    // The application goes on reading and writing while the tries fail.
    const app = await db.admin();
    let appQueries = 0;
    while (attempts.filter((a) => a.attempt.outcome === 'lock_timeout').length < 3) {
      await app.query(`SELECT count(*) FROM contended WHERE account_id = $1`, [appQueries % 97]);
      await app.query(`UPDATE contended SET note = 'during the swap tries' WHERE id = $1`, [1 + appQueries]);
      appQueries++;
    }
    // The blocker never let go, yet the application's statements completed, many times over.
    expect(
      (await admin.query(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [blockerPid])).rows[0].state,
    ).toBe('idle in transaction');
    expect(appQueries).toBeGreaterThan(3);

    const failed = attempts.filter((a) => a.attempt.outcome === 'lock_timeout');
    expect(failed[0]?.attempt.blockers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          pid: blockerPid,
          application: 'report job',
          lockMode: 'AccessShareLock',
          granted: true,
          state: 'idle in transaction',
        }),
      ]),
    );
    expect(failed[0]?.attempt.message).toMatch(new RegExp(`pid ${blockerPid}`));
    expect(failed[0]?.nextRetryInMs).toBeGreaterThan(0);
    // The source is untouched while the tries fail.
    expect(
      (await admin.query(`SELECT relkind FROM pg_class WHERE oid = 'contended'::regclass`)).rows[0].relkind,
    ).toBe('r');

    await blocker.query('COMMIT');
    const done = await engine.service.whenIdle(m.id);
    unsubscribe();
    expect(done.state, why(done)).toBe('swapped');
    expect(done.swap?.attempts.length).toBeGreaterThanOrEqual(4);
    expect(done.swap?.attempts.at(-1)?.outcome).toBe('swapped');
    expect(done.swap?.lockHeldMs).toBeGreaterThan(0);
    // The application's updates made during the tries are in the new table.
    const updated = await admin.query(
      `SELECT count(*)::int AS n FROM contended WHERE note = 'during the swap tries'`,
    );
    expect(updated.rows[0].n).toBe(appQueries);
    expect(await difference(admin, 'contended', m.plan.names.oldTable)).toEqual({ missing: 0, extra: 0 });
    // The journal kept every try.
    expect(engine.service.journal.events(m.id, 'swap_attempt').length).toBe(done.swap?.attempts.length);
  });

  it('gives up after the allowed tries with the original table untouched and a message that says what to do', async ({
    skip,
  }) => {
    skip(server !== 'postgres', 'giving up is the engine’s retry loop, the same on every version');
    await createTransactions(admin, 'public.held', 1_000);
    const m = await plan(engine, 'public', 'held', 'executed_at', 'partitions', {
      acceptCompositeKey: true,
      confirmedFreeBytes: 1e12,
      swap: { lockTimeoutMs: 200, attempts: 2, backoffMs: 50 },
    });
    const blocker = await db.admin();
    await blocker.query('BEGIN');
    // Taken once the copy is done, so only the swap meets it.
    const unsubscribe = engine.onEvent((e) => {
      if (e.event === 'migration:progress' && e.payload.step === 'sync')
        void blocker.query('LOCK TABLE held IN ROW EXCLUSIVE MODE');
    });
    const failed = await runToEnd(engine, m.id);
    unsubscribe();
    await blocker.query('ROLLBACK');
    expect(failed.state).toBe('failed');
    expect(failed.error?.message).toMatch(/could not get its lock in 2 tries/);
    expect(failed.error?.message).toMatch(/original table "public"\."held" is untouched and in use/);
    expect(failed.error?.message).toMatch(/resume/);
    expect(
      (await admin.query(`SELECT relkind FROM pg_class WHERE oid = 'held'::regclass`)).rows[0].relkind,
    ).toBe('r');
    // Resumed once the session is gone: it finishes.
    engine.service.start(m.id, false);
    const done = await engine.service.whenIdle(m.id);
    expect(done.state, why(done)).toBe('swapped');
  });
});
