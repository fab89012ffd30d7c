import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { AppError } from '../../src/main/errors';
import { EventBus } from '../../src/main/events';
import { migrationHandlers } from '../../src/main/handlers/migration';
import { openStore } from '../../src/main/local-db/database';
import { createLogger } from '../../src/main/logger';
import { MigrationService } from '../../src/main/migration/service';
import { PoolManager } from '../../src/main/postgres/pool-manager';
import { type Handlers, Router } from '../../src/main/router';
import type { MigrationChannel } from '../../src/shared/channels/migration';
import type { EventMessage, RequestOf, ResponseOf } from '../../src/shared/contract';
import type { Migration, MigrationSettingsInput, MigrationTarget } from '../../src/shared/migration';
import type { ProfileFields } from '../../src/shared/profile';

/**
 * Test rig for the engine: a real SQLite file, the real event bus, and an admin
 * PoolManager on a profile (pool size 1 unless said otherwise). Not used by the app.
 */

export interface Engine {
  service: MigrationService;
  /**
   * A request through the router, as the wizard and the CLI send it (validated, its response
   * parsed by the contract); an error envelope is thrown as an AppError.
   */
  dispatch<C extends MigrationChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  pools: PoolManager;
  events: EventMessage[];
  /** Subscribe to the engine's events as they are emitted (synchronously, from inside the engine). */
  onEvent(listener: (message: EventMessage) => void): () => void;
  dataDir: string;
  /** A query on the engine's own pool (the only way to reach the one-connection TimescaleDB server meanwhile). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params?: unknown[],
  ): Promise<pg.QueryResult<R>>;
  close(): Promise<void>;
}

export const PROFILE = 'profile-under-test';

export function startEngine(fields: ProfileFields, password: string, dataDir?: string): Engine {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'tidemark-migration-'));
  const { db } = openStore(dir);
  const bus = new EventBus();
  const events: EventMessage[] = [];
  bus.subscribe((m) => events.push(m));
  const pools = new PoolManager(async () => ({ fields, password }), undefined, {
    purpose: 'admin',
    env: {},
    queryTimeoutMs: 600_000,
  });
  const logger = createLogger(null);
  const service = new MigrationService({ db, events: bus, logger, pools });
  const router = new Router(migrationHandlers(service) as Handlers, logger);
  return {
    service,
    async dispatch(channel, request) {
      const result = await router.dispatch(channel, request);
      if (result.ok) return result.value as never;
      const { code, message, fields, detail } = result.error;
      throw new AppError(code, message, fields, detail);
    },
    pools,
    events,
    onEvent: (listener) => bus.subscribe(listener),
    dataDir: dir,
    query: (sql, params) => pools.query(PROFILE, sql, params),
    async close() {
      await service.close();
      await pools.closeAll();
      db.close();
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Plans a migration with the given settings, failing loudly with the pre-flight's words. */
export async function plan(
  engine: Engine,
  schema: string,
  table: string,
  timeColumn: string,
  target: MigrationTarget,
  settings: MigrationSettingsInput = {},
): Promise<Migration> {
  return engine.service.create({ profileId: PROFILE, schema, table, timeColumn, target, settings });
}

/** Starts the run and waits until it stops (swapped, paused, failed …). */
export async function runToEnd(engine: Engine, id: string): Promise<Migration> {
  engine.service.start(id, false);
  return engine.service.whenIdle(id);
}

/** The error of a failed migration, for assertion messages. */
export function why(m: Migration): string {
  return `${m.state}: ${m.error?.message ?? ''} ${m.steps
    .filter((s) => s.error)
    .map((s) => `${s.key}: ${s.error}`)
    .join('; ')}`;
}

type Q = { query: (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }> };

/**
 * A table shaped like seed 001's `transactions`: id alone is the primary key,
 * a secondary index, amounts as numeric. `rows` rows spread over `days` days.
 */
export async function createTransactions(db: Q, relation: string, rows: number, days = 30): Promise<void> {
  await db.query(`
    CREATE TABLE ${relation} (
      id          bigserial PRIMARY KEY,
      account_id  integer NOT NULL,
      symbol      text NOT NULL,
      side        text NOT NULL CHECK (side IN ('buy', 'sell')),
      quantity    numeric(18, 8) NOT NULL,
      price       numeric(18, 8) NOT NULL,
      amount      numeric(20, 8) NOT NULL,
      fee         numeric(12, 8),
      executed_at timestamptz NOT NULL,
      note        text
    )`);
  const bare = relation.split('.').pop()!.replace(/"/g, '');
  await db.query(
    `CREATE INDEX ${qIdent(`${bare}_account_time`)} ON ${relation} (account_id, executed_at DESC)`,
  );
  await db.query(`CREATE INDEX ${qIdent(`${bare}_time`)} ON ${relation} (executed_at)`);
  await db.query(
    `
    INSERT INTO ${relation} (account_id, symbol, side, quantity, price, amount, fee, executed_at, note)
    SELECT i % 97, (ARRAY['AAPL', 'MSFT', 'GOOG', 'AMZN', 'NVDA'])[1 + i % 5], CASE WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END,
           (i % 1000) / 7.0, 100 + (i % 500) / 3.0, ((i % 1000) / 7.0) * (100 + (i % 500) / 3.0),
           CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 13) / 100.0 END,
           timestamptz '2026-01-01 00:00:00+00' + (i::float8 / $1 * $2) * interval '1 day' + (i % 1000) * interval '1 microsecond',
           CASE WHEN i % 17 = 0 THEN 'it''s "quoted", with \\ and ; inside' END
      FROM generate_series(1, $1::int) i`,
    [rows, days],
  );
  await db.query(`ANALYZE ${relation}`);
}

export function qIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Rows of a not in b and of b not in a (EXCEPT ALL both ways, so duplicates count). */
export async function difference(
  db: Q,
  a: string,
  b: string,
  columns = '*',
): Promise<{ missing: number; extra: number }> {
  const q = async (x: string, y: string) =>
    Number(
      (
        await db.query(
          `SELECT count(*)::int AS n FROM (SELECT ${columns} FROM ${x} EXCEPT ALL SELECT ${columns} FROM ${y}) d`,
        )
      ).rows[0]?.n ?? -1,
    );
  return { missing: await q(a, b), extra: await q(b, a) };
}
