import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import {
  createTransactions,
  type Engine,
  plan,
  runToEnd,
  startEngine,
  why,
} from '../../../test/support/migration-engine';
import type { Migration } from '../../shared/migration';
import { type MigrationActionName, migrationActions } from '../../shared/migration-actions';

/**
 * The engine refuses exactly what `allowedActions` (sent with the migration,
 * shown by the wizard, checked by the CLI) leaves out: every action asked of
 * the engine through the router (as the wizard and the CLI send it), in each state a migration passes through.
 */

let db: TestDatabase;
let admin: pg.Client;
let engine: Engine;

beforeAll(async () => {
  db = await createTestDatabase('run control guards');
  admin = await db.admin();
  await createTransactions(admin, 'public.guarded', 500);
  engine = startEngine(db.profile({ poolSize: 1 }), db.password);
});
afterAll(async () => {
  await engine?.close();
  await db?.cleanup();
});

/** Asks for `action` through the router and says whether it was refused with a conflict (never leaving work running). */
async function refused(m: Migration, action: MigrationActionName): Promise<boolean> {
  const id = m.id;
  const ask: Record<MigrationActionName, () => Promise<unknown>> = {
    run: () => engine.dispatch('migration:run', { id }),
    resume: () => engine.dispatch('migration:resume', { id }),
    swap: () => engine.dispatch('migration:swap', { id }),
    pause: () => engine.dispatch('migration:pause', { id }),
    cancel: () => engine.dispatch('migration:cancel', { id }),
    validate: () => engine.dispatch('migration:validate', { id }),
    rollback: () => engine.dispatch('migration:rollback', { id }),
    cleanup: () => engine.dispatch('migration:cleanup', { id, confirmTableName: m.oldTable }),
    discard: () => engine.dispatch('migration:discard', { id }),
  };
  try {
    await ask[action]();
    return false;
  } catch (error) {
    expect(error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/cannot be .* now/) });
    return true;
  }
}

describe('the engine and allowedActions', () => {
  it('refuses, in the planned, swapped and rolled back states, every action main does not offer', async () => {
    const settings = { acceptCompositeKey: true, confirmedFreeBytes: 1e12, keepDays: 1 };
    const m = await plan(engine, 'public', 'guarded', 'executed_at', 'partitions', settings);
    expect(m.allowedActions).toEqual(['run', 'cancel', 'discard']);
    // A plan that never ran cannot be rolled back (the engine used to cancel it while the CLI refused).
    for (const action of migrationActions.filter((a) => !m.allowedActions.includes(a)))
      expect(await refused(await engine.dispatch('migration:get', { id: m.id }), action), action).toBe(true);
    expect((await engine.dispatch('migration:get', { id: m.id })).state).toBe('planned');

    const swapped = await runToEnd(engine, m.id);
    expect(swapped.state, why(swapped)).toBe('swapped');
    expect(swapped.allowedActions).toEqual(['validate', 'rollback', 'cleanup']);
    for (const action of migrationActions.filter((a) => !swapped.allowedActions.includes(a)))
      expect(await refused(swapped, action), action).toBe(true);

    await engine.dispatch('migration:rollback', { id: m.id });
    const back = await engine.service.whenIdle(m.id);
    expect(back.state, why(back)).toBe('rolled_back');
    expect(back.allowedActions).toEqual(['discard']);
    for (const action of migrationActions.filter((a) => a !== 'discard'))
      expect(await refused(back, action), action).toBe(true);
    expect(await refused(back, 'discard')).toBe(false);
  });
});
