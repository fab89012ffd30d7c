import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import {
  createTransactions,
  type Engine,
  PROFILE,
  startEngine,
} from '../../../test/support/migration-engine';
import { migrationChannels } from '../../shared/channels/migration';

/** What the engine answers is what the contract says the wizard gets (the router parses it the same way). */

let db: TestDatabase;
let admin: pg.Client;
let engine: Engine;

beforeAll(async () => {
  db = await createTestDatabase('migration contract');
  admin = await db.admin();
  await createTransactions(admin, 'public.shape', 1_000);
  engine = startEngine(db.profile({ poolSize: 1 }), db.password);
});
afterAll(async () => {
  await engine?.close();
  await db?.cleanup();
});

describe('the migration contract', () => {
  it('every answer along the wizard parses against its response schema, and every event against its own', async () => {
    const c = migrationChannels;
    const ref = { profileId: PROFILE, schema: 'public', table: 'shape' };
    c['migration:listTables'].response.parse(
      await engine.dispatch('migration:listTables', { profileId: PROFILE }),
    );
    c['migration:describe'].response.parse(
      await engine.dispatch('migration:describe', { ...ref, timeColumn: 'executed_at' }),
    );
    const choice = {
      ...ref,
      timeColumn: 'executed_at',
      target: 'partitions' as const,
      settings: { acceptCompositeKey: true, confirmedFreeBytes: 1e12, batchRows: 200 },
    };
    c['migration:preflight'].response.parse(await engine.dispatch('migration:preflight', choice));
    const m = c['migration:create'].response.parse(await engine.dispatch('migration:create', choice));
    c['migration:update'].response.parse(
      await engine.dispatch('migration:update', { id: m.id, settings: { keepOldDays: 9 } }),
    );
    c['migration:export'].response.parse(await engine.dispatch('migration:export', { id: m.id }));
    c['migration:run'].response.parse(await engine.dispatch('migration:run', { id: m.id }));
    const done = c['migration:get'].response.parse(await engine.service.whenIdle(m.id));
    expect(done.settings.keepOldDays).toBe(9);
    c['migration:list'].response.parse(await engine.dispatch('migration:list', {}));
    c['migration:validate'].response.parse(await engine.dispatch('migration:validate', { id: m.id }));
    c['migration:rollback'].response.parse(await engine.dispatch('migration:rollback', { id: m.id }));
    await engine.service.whenIdle(m.id);
    const { migrationEvents } = await import('../../shared/channels/migration');
    const seen = new Set<string>();
    for (const e of engine.events) {
      if (!e.event.startsWith('migration:')) continue;
      (migrationEvents as Record<string, { parse(v: unknown): unknown }>)[e.event]!.parse(e.payload);
      seen.add(e.event);
    }
    expect([...seen].sort()).toEqual([
      'migration:progress',
      'migration:stateChanged',
      'migration:swapAttempted',
    ]);
  });

  it('refuses malformed requests before they reach the engine', () => {
    const c = migrationChannels;
    expect(
      c['migration:preflight'].request.safeParse({
        profileId: 'p',
        schema: 'public',
        table: 'x'.repeat(64),
        timeColumn: 't',
        target: 'partitions',
      }).success,
    ).toBe(false);
    expect(
      c['migration:preflight'].request.safeParse({
        profileId: 'p',
        schema: 'public',
        table: 't',
        timeColumn: '',
        target: 'partitions',
      }).success,
    ).toBe(false);
    expect(
      c['migration:preflight'].request.safeParse({
        profileId: 'p',
        schema: 'public',
        table: 't',
        timeColumn: 't',
        target: 'citus',
      }).success,
    ).toBe(false);
    expect(
      c['migration:create'].request.safeParse({
        profileId: 'p',
        schema: 'public',
        table: 't',
        timeColumn: 't',
        target: 'partitions',
        settings: { batchRows: 0 },
      }).success,
    ).toBe(false);
    expect(c['migration:cleanup'].request.safeParse({ id: '' }).success).toBe(false);
  });
});
