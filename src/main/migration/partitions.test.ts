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
import type { Migration } from '../../shared/migration';
import { hasSqlState, SqlState } from '../postgres/sqlstate';

/**
 * PostgreSQL 18 and 15, native partitions, with the application writing all along:
 * three writer sessions insert, update (also moving rows in time) and delete
 * while the copy, the sync and the swap run, and go on after it. Each writer
 * applies every change to a shadow table in the same transaction, so the shadow
 * is exactly what the application committed, wherever the name pointed.
 */

const ROWS = 30_000;

interface Writers {
  stop(): void;
  done: Promise<number[]>;
}

/** Three sessions writing through the table's name, each change mirrored into `shadow` in its transaction. */
async function startWriters(db: TestDatabase, admin: pg.Client, maxOpsEach: number): Promise<Writers> {
  let stopping = false;
  const clients = await Promise.all([1, 2, 3].map(() => db.admin()));
  const maxId = Number((await admin.query(`SELECT max(id) AS m FROM transactions`)).rows[0].m);
  const writer = async (client: pg.Client, seed: number): Promise<number> => {
    let ops = 0;
    let x = seed;
    const rand = (n: number) => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x % n;
    };
    while (!stopping && ops < maxOpsEach) {
      const kind = rand(10);
      const id = 1 + rand(maxId);
      await client.query('BEGIN');
      try {
        if (kind < 4) {
          const { rows } = await client.query(
            `INSERT INTO transactions (account_id, symbol, side, quantity, price, amount, fee, executed_at, note)
             VALUES ($1, 'NEW', 'buy', 1, 2, 2, NULL, timestamptz '2026-01-01' + $2 * interval '1 hour', 'written during the migration')
             RETURNING *`,
            [rand(97), rand(30 * 24)],
          );
          const r = rows[0];
          await client.query(`INSERT INTO shadow VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
            r.id,
            r.account_id,
            r.symbol,
            r.side,
            r.quantity,
            r.price,
            r.amount,
            r.fee,
            r.executed_at,
            r.note,
          ]);
        } else if (kind < 7) {
          // Some updates move the row to another day: another batch, another partition.
          const move = kind === 6 ? rand(72) - 36 : 0;
          const set = `amount = amount + 1, note = 'updated', executed_at = executed_at + $2 * interval '1 hour'`;
          await client.query(`UPDATE transactions SET ${set} WHERE id = $1`, [id, move]);
          await client.query(`UPDATE shadow SET ${set} WHERE id = $1`, [id, move]);
        } else {
          await client.query(`DELETE FROM transactions WHERE id = $1`, [id]);
          await client.query(`DELETE FROM shadow WHERE id = $1`, [id]);
        }
        await client.query('COMMIT');
      } catch (error) {
        // A row moved to another partition under a concurrent update, or a deadlock:
        // what an application retries. The shadow change rolls back with it.
        await client.query('ROLLBACK');
        if (!hasSqlState(error, SqlState.serializationFailure, SqlState.deadlockDetected)) throw error;
        continue;
      }
      ops++;
    }
    return ops;
  };
  const done = Promise.all(clients.map((c, i) => writer(c, i * 7919 + 1)));
  return {
    stop: () => {
      stopping = true;
    },
    done,
  };
}

describe.each(testServers)('native partitions on %s while the application writes', (server) => {
  let db: TestDatabase;
  let admin: pg.Client;
  let engine: Engine;

  beforeAll(async () => {
    db = await createTestDatabase('migration partitions', server);
    admin = await db.admin();
    await createTransactions(admin, 'public.transactions', ROWS);
    await admin.query(`CREATE TABLE shadow AS SELECT * FROM transactions`);
    engine = startEngine(db.profile({ poolSize: 1 }), db.password);
  });
  afterAll(async () => {
    await engine?.close();
    await db?.cleanup();
  });

  let migration: Migration;

  it('copies, syncs and swaps while three sessions insert, update and delete; nothing is lost', async () => {
    migration = await plan(engine, 'public', 'transactions', 'executed_at', 'partitions', {
      acceptCompositeKey: true,
      batchRows: 1_000,
      batchSeconds: 0, // many batches, each overlapped by the writers
      confirmedFreeBytes: 1e12,
    });
    expect(migration.state).toBe('planned');
    const writers = await startWriters(db, admin, 20_000);
    // Writes start before the run and go on through the copy, the sync and the swap.
    const done = await runToEnd(engine, migration.id);
    writers.stop();
    const ops = await writers.done;
    expect(done.state, why(done)).toBe('swapped');
    expect(ops.every((n) => n > 0)).toBe(true);

    // The batches really were many, and writes really overlapped them.
    const batches = engine.service.journal.events(migration.id, 'batch_done');
    expect(batches.length).toBeGreaterThan(10);
    const captured = done.steps.find((s) => s.key === 'sync')?.rows ?? 0;
    const inSwap = done.swap?.replayedInSwap ?? 0;
    expect(captured + inSwap).toBeGreaterThan(0);

    // The table under its name now is the partitioned one, and holds exactly what the application committed.
    const kind = await admin.query(
      `SELECT relkind FROM pg_class WHERE oid = 'public.transactions'::regclass`,
    );
    expect(kind.rows[0].relkind).toBe('p');
    expect(await difference(admin, 'transactions', 'shadow')).toEqual({ missing: 0, extra: 0 });

    // The engine's own checklist agrees (rows changed since the swap left out).
    expect(done.validation?.ok, JSON.stringify(done.validation)).toBe(true);
    expect(done.validation?.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['row_counts', 'time_range', 'contents', 'shape', 'indexes', 'pruning']),
    );
  });

  it('the old table is kept as it was at the swap and the application keeps working on the new one', async () => {
    const old = migration.plan.names.oldTable;
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${old}`);
    expect(rows[0].n).toBeGreaterThan(ROWS / 2);
    // The sequence moved with the table: new ids continue after the old ones.
    const before = Number((await admin.query(`SELECT max(id) AS m FROM transactions`)).rows[0].m);
    const inserted = await admin.query(
      `INSERT INTO transactions (account_id, symbol, side, quantity, price, amount, executed_at) VALUES (1, 'X', 'sell', 1, 1, 1, '2026-01-03') RETURNING id`,
    );
    expect(Number(inserted.rows[0].id)).toBeGreaterThan(before);
    await admin.query(`INSERT INTO shadow SELECT * FROM transactions WHERE id = $1`, [inserted.rows[0].id]);
  });

  it('rolls back with the rows written since the swap, then migrates again and cleans up', async () => {
    // More changes after the swap, to be carried back.
    await admin.query(`UPDATE transactions SET note = 'after the swap' WHERE id % 100 = 1`);
    await admin.query(`UPDATE shadow SET note = 'after the swap' WHERE id % 100 = 1`);
    await admin.query(`DELETE FROM transactions WHERE id % 100 = 2`);
    await admin.query(`DELETE FROM shadow WHERE id % 100 = 2`);

    engine.service.rollback(migration.id);
    const rolledBack = await engine.service.whenIdle(migration.id);
    expect(rolledBack.state, why(rolledBack)).toBe('rolled_back');
    const kind = await admin.query(
      `SELECT relkind, oid::int8 AS oid FROM pg_class WHERE oid = 'public.transactions'::regclass`,
    );
    expect(kind.rows[0].relkind).toBe('r');
    expect(await difference(admin, 'transactions', 'shadow')).toEqual({ missing: 0, extra: 0 });
    // The new table and the capture objects are gone; the original indexes have their names back.
    const leftovers = await admin.query(
      `SELECT relname FROM pg_class WHERE relname LIKE 'transactions\\_%' AND relkind IN ('r', 'p') AND relnamespace = 'public'::regnamespace`,
    );
    expect(leftovers.rows).toEqual([]);
    const idx = await admin.query(
      `SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = 'transactions'::regclass ORDER BY 1`,
    );
    expect(idx.rows.map((r) => r.name)).toEqual([
      'transactions_account_time',
      'transactions_pkey',
      'transactions_time',
    ]);

    const again = await plan(engine, 'public', 'transactions', 'executed_at', 'partitions', {
      acceptCompositeKey: true,
      batchRows: 5_000,
      confirmedFreeBytes: 1e12,
      keepOldDays: 14,
    });
    const swapped = await runToEnd(engine, again.id);
    expect(swapped.state, why(swapped)).toBe('swapped');
    expect(await difference(admin, 'transactions', 'shadow')).toEqual({ missing: 0, extra: 0 });

    // Before the keep period is over, cleanup wants the name of what it drops typed, not the live table's.
    expect(swapped.oldTable).toMatch(/^transactions_old_[0-9a-f]{6}$/);
    expect(() => engine.service.cleanup(again.id, undefined)).toThrow(
      new RegExp(`kept until .* type the name of the table cleanup drops \\(${swapped.oldTable}\\)`),
    );
    expect(() => engine.service.cleanup(again.id, 'transactions')).toThrow(/type the name of the table/);
    expect(() => engine.service.cleanup(again.id, swapped.oldTable.toUpperCase())).toThrow(/type the name/);
    engine.service.cleanup(again.id, swapped.oldTable);
    const cleaned = await engine.service.whenIdle(again.id);
    expect(cleaned.state, why(cleaned)).toBe('cleaned_up');
    expect(
      (await admin.query(`SELECT to_regclass($1) AS r`, [again.plan.names.oldTable])).rows[0].r,
    ).toBeNull();
    // The sequence the table's default uses survived the cleanup, and still counts on.
    const seq = await admin.query(`SELECT pg_get_serial_sequence('transactions', 'id') AS s`);
    expect(seq.rows[0].s).toBe('public.transactions_id_seq');
    await admin.query(
      `INSERT INTO transactions (account_id, symbol, side, quantity, price, amount, executed_at) VALUES (1, 'Y', 'buy', 1, 1, 1, '2026-01-04')`,
    );
    expect(await difference(admin, 'transactions', 'shadow')).toEqual({ missing: 1, extra: 0 });
    // Nothing of ours is left on the table.
    const triggers = await admin.query(
      `SELECT tgname FROM pg_trigger WHERE tgrelid = 'transactions'::regclass AND NOT tgisinternal`,
    );
    expect(triggers.rows).toEqual([]);
  });
});
