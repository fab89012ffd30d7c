import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import {
  createTransactions,
  difference,
  type Engine,
  plan,
  removeDir,
  startEngine,
  why,
} from '../../../test/support/migration-engine';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy';
import { withTimescale } from '../../../test/support/timescale';
import type { EventMessage } from '../../shared/contract';

/**
 * A copy interrupted mid-way finishes with every row exactly once: when the
 * connection drops (a TCP proxy the test cuts), and when the engine stops and a
 * new engine instance picks the migration up from the same SQLite file.
 */

let db: TestDatabase;
let admin: pg.Client;
const proxies: TcpProxy[] = [];
const engines: Engine[] = [];
const ROWS = 20_000;

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close().catch(() => {})));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

const batchesOf = (m: EventMessage) =>
  m.event === 'migration:progress' && m.payload.step === 'copy' ? m.payload.batches : 0;

/** The ranges the journal says were copied: each starts where the previous ended. */
function expectContiguous(engine: Engine, id: string) {
  const done = engine.service.journal
    .events(id, 'batch_done')
    .map((e) => e.data as { lo: string | null; hi: string | null });
  expect(done[0]?.lo).toBeNull();
  expect(done.at(-1)?.hi).toBeNull();
  const his = new Set(done.map((d) => d.hi));
  // A batch whose COMMIT reached the server but whose reply was lost has no 'done' entry: its range was not copied again.
  for (const d of done.slice(1))
    expect(
      d.lo === null ||
        his.has(d.lo) ||
        engine.service.journal
          .events(id, 'batch_started')
          .some((s) => (s.data as { hi: string }).hi === d.lo),
    ).toBe(true);
  const los = done.map((d) => d.lo);
  expect(new Set(los).size).toBe(los.length);
}

async function serverProgress(
  id: string,
  q: (sql: string, p: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>,
) {
  const { rows } = await q(
    `SELECT rows_copied::int AS rows, batches, copy_done FROM tidemark_migration.runs WHERE migration_id = $1`,
    [id],
  );
  return rows[0];
}

describe.each(testServers)('resuming an interrupted copy on %s', (server) => {
  beforeAll(async () => {
    db = await createTestDatabase('migration resume', server);
    admin = await db.admin();
  });
  afterAll(async () => {
    await db?.cleanup();
  });
  // Not doubled: a restart or a pause resumes with the statements a cut connection resumes with.
  const sameOnEveryVersion = 'resumed with the statements of a cut connection: PostgreSQL 18 is enough';

  it('a connection cut mid-copy is resumed from the high-water mark: no row twice, none missed', async () => {
    await createTransactions(admin, 'public.cut', ROWS);
    const proxy = await startTcpProxy({ host: db.server.host, port: db.server.port });
    proxies.push(proxy);
    const engine = startEngine(db.profile({ host: proxy.host, port: proxy.port, poolSize: 1 }), db.password);
    engines.push(engine);
    let cut = 0;
    const m = await plan(engine, 'public', 'cut', 'executed_at', 'partitions', {
      acceptCompositeKey: true,
      // Fixed batches: the test stops the copy after a given batch.
      batchRows: 400,
      batchSeconds: 0,
      confirmedFreeBytes: 1e12,
    });
    // Cut every connection twice, in the middle of the copy.
    const unsubscribe = engine.onEvent((message) => {
      const b = batchesOf(message);
      if ((b === 5 && cut === 0) || (b === 20 && cut === 1)) {
        cut++;
        proxy.dropAll();
      }
    });
    engine.service.start(m.id, false);
    const done = await engine.service.whenIdle(m.id);
    unsubscribe();
    expect(cut).toBe(2);
    expect(done.state, why(done)).toBe('swapped');
    expect(engine.service.journal.events(m.id, 'connection_lost').length).toBeGreaterThanOrEqual(1);
    expect(await serverProgress(m.id, (sql, p) => admin.query(sql, p))).toMatchObject({
      rows: ROWS,
      copy_done: true,
    });
    expectContiguous(engine, m.id);
    expect(await difference(admin, 'public.cut', m.plan.names.oldTable)).toEqual({ missing: 0, extra: 0 });
    expect(done.validation?.ok).toBe(true);
  });

  it('an engine stopped mid-copy is finished by a new engine on the same journal', async ({ skip }) => {
    skip(server !== 'postgres', sameOnEveryVersion);
    await createTransactions(admin, 'public.restart', ROWS);
    const first = startEngine(db.profile({ poolSize: 1 }), db.password);
    const m = await plan(first, 'public', 'restart', 'executed_at', 'partitions', {
      acceptCompositeKey: true,
      // Fixed batches: the test stops the copy after a given batch.
      batchRows: 400,
      batchSeconds: 0,
      confirmedFreeBytes: 1e12,
    });
    let closing: Promise<void> | undefined;
    first.onEvent((message) => {
      if (batchesOf(message) === 8 && !closing) closing = first.close(); // the app quits mid-copy
    });
    first.service.start(m.id, false);
    await first.service.whenIdle(m.id).catch(() => {});
    await closing;
    expect(closing).toBeDefined();
    const mid = await serverProgress(m.id, (sql, p) => admin.query(sql, p));
    expect(mid).toMatchObject({ copy_done: false });
    expect(Number(mid?.rows)).toBeGreaterThan(0);
    expect(Number(mid?.rows)).toBeLessThan(ROWS);

    // A new instance on the same data folder: the journal says the run was interrupted.
    const second = startEngine(db.profile({ poolSize: 1 }), db.password, first.dataDir);
    engines.push(second);
    const found = second.service.get(m.id);
    expect(found.state).toBe('paused');
    expect(found.error?.message).toMatch(/stopped while this migration was running.*Resume/);
    expect(found.steps.find((s) => s.key === 'copy')).toMatchObject({ state: 'running' });
    second.service.start(m.id, false);
    const done = await second.service.whenIdle(m.id);
    expect(done.state, why(done)).toBe('swapped');
    expect(await serverProgress(m.id, (sql, p) => admin.query(sql, p))).toMatchObject({
      rows: ROWS,
      copy_done: true,
    });
    expectContiguous(second, m.id);
    expect(await difference(admin, 'public.restart', m.plan.names.oldTable)).toEqual({
      missing: 0,
      extra: 0,
    });
    removeDir(first.dataDir);
  });

  it('pause stops after the batch in progress, with the source in use; resume finishes', async ({ skip }) => {
    skip(server !== 'postgres', sameOnEveryVersion);
    await createTransactions(admin, 'public.paused', ROWS);
    const engine = startEngine(db.profile({ poolSize: 1 }), db.password);
    engines.push(engine);
    const m = await plan(engine, 'public', 'paused', 'executed_at', 'partitions', {
      acceptCompositeKey: true,
      // Fixed batches: the test stops the copy after a given batch.
      batchRows: 400,
      batchSeconds: 0,
      confirmedFreeBytes: 1e12,
    });
    let asked = false;
    engine.onEvent((message) => {
      if (batchesOf(message) === 6 && !asked) {
        asked = true;
        engine.service.pause(m.id);
      }
    });
    engine.service.start(m.id, false);
    const paused = await engine.service.whenIdle(m.id);
    expect(paused.state, why(paused)).toBe('paused');
    expect(paused.progress?.message).toMatch(
      /^Paused after batch 6 \(\d+ rows copied\)\. The source table is in use; resume to continue\.$/,
    );
    expect(() => engine.service.pause(m.id)).toThrow(/not running/);
    // While paused, the application writes; the capture keeps it.
    await admin.query(`UPDATE public.paused SET note = 'while paused' WHERE id <= 50`);
    engine.dispatch('migration:resume', { id: m.id });
    const done = await engine.service.whenIdle(m.id);
    expect(done.state, why(done)).toBe('swapped');
    expect(await serverProgress(m.id, (sql, p) => admin.query(sql, p))).toMatchObject({
      rows: ROWS,
      copy_done: true,
    });
    expect(await difference(admin, 'public.paused', m.plan.names.oldTable)).toEqual({ missing: 0, extra: 0 });
    expect(
      (await admin.query(`SELECT count(*)::int AS n FROM public.paused WHERE note = 'while paused'`)).rows[0]
        .n,
    ).toBe(50);
  });
});

describe('resuming an interrupted copy on TimescaleDB', () => {
  it('on TimescaleDB too: a cut connection mid-copy, then the same contents', async () => {
    await withTimescale(async (ts) => {
      const proxy = await startTcpProxy({ host: ts.info.host, port: ts.info.port });
      proxies.push(proxy);
      const engine = startEngine(
        ts.profile({ host: proxy.host, port: proxy.port, poolSize: 1 }),
        ts.password,
      );
      const q = (sql: string, p?: unknown[]) => engine.query(sql, p);
      try {
        await q(`SET search_path = public`);
        await q(`DROP TABLE IF EXISTS public.ts_cut CASCADE`);
        await createTransactions(engine, 'public.ts_cut', 4_000, 10);
        const m = await plan(engine, 'public', 'ts_cut', 'executed_at', 'timescaledb', {
          acceptCompositeKey: true,
          batchRows: 200,
          batchSeconds: 0,
          confirmedFreeBytes: 1e12,
        });
        let cut = false;
        const unsubscribe = engine.onEvent((message) => {
          if (batchesOf(message) === 6 && !cut) {
            cut = true;
            proxy.dropAll();
          }
        });
        engine.service.start(m.id, false);
        const done = await engine.service.whenIdle(m.id);
        unsubscribe();
        expect(cut).toBe(true);
        expect(done.state, why(done)).toBe('swapped');
        expect(await serverProgress(m.id, q)).toMatchObject({ rows: 4_000, copy_done: true });
        expect(await difference(engine, 'public.ts_cut', m.plan.names.oldTable)).toEqual({
          missing: 0,
          extra: 0,
        });
        engine.service.cleanup(m.id, done.oldTable);
        expect((await engine.service.whenIdle(m.id)).state).toBe('cleaned_up');
      } finally {
        await q(`DROP TABLE IF EXISTS public.ts_cut CASCADE`).catch(() => {});
        await engine.close();
      }
    });
  });
});
