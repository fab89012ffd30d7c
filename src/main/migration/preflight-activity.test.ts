import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { activityItems } from './preflight-activity';

/** Pre-flight names the sessions that hold or await a lock on the table, by pid and mode. */
describe('pre-flight: activity on the table now', () => {
  let db: TestDatabase;
  let oid: number;

  beforeAll(async () => {
    db = await createTestDatabase('preflight activity');
    const admin = await db.admin();
    await admin.query('CREATE TABLE public.busy (id int, t timestamptz)');
    oid = (await admin.query<{ oid: number }>(`SELECT 'public.busy'::regclass::oid AS oid`)).rows[0]!.oid;
  });
  afterAll(async () => {
    await db?.cleanup();
  });

  it('passes with no other session on the table', async () => {
    const reader = await db.admin();
    const locks = (await activityItems(reader, oid)).find((i) => i.id === 'locks')!;
    expect(locks.status).toBe('pass');
    expect(locks.objects).toEqual([]);
  });

  it('warns about a lock that would hold up the swap, naming the session', async () => {
    const holder = await db.admin();
    await holder.query('BEGIN; LOCK TABLE public.busy IN SHARE MODE');
    const pid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    try {
      const reader = await db.admin();
      const locks = (await activityItems(reader, oid)).find((i) => i.id === 'locks')!;
      expect(locks.status).toBe('warning');
      expect(locks.objects).toEqual([`pid ${pid} ShareLock`]);
      const longTx = (await activityItems(reader, oid)).find((i) => i.id === 'long_transactions')!;
      // Open for seconds, not the 5 minutes that hold back vacuum.
      expect(longTx.status).toBe('pass');
    } finally {
      await holder.query('ROLLBACK');
    }
  });
});
