import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertRig, DAY_MS, growTo, MiB, sizeOf, startRig } from '../../../test/support/alerts-rig';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import type { StorageOverview } from '../../shared/storage';

/*
 * "Not measured this time" is never zero and never zero growth: a relation
 * the sample skipped (an ACCESS EXCLUSIVE lock, as during a migration) raises
 * nothing, and the sample after it has nothing to compare with. A small
 * relation below the size floor raises nothing however fast it grows.
 */

let db: TestDatabase;
let admin: pg.Client;
let rig: AlertRig;
let profileId: string;

beforeAll(async () => {
  db = await createTestDatabase('alerts not measured');
  admin = await db.admin();
  await admin.query('CREATE TABLE busy (body text)');
  await admin.query('CREATE TABLE small (body text)');
  await admin.query(`INSERT INTO small (body) VALUES ('x')`);
  await growTo(admin, 'busy', 3 * MiB);

  rig = await startRig('2026-04-01T03:00:00Z');
  profileId = rig.addProfile(db.profile({ name: 'locks', password: db.password }));
  // Only the relation rule matters here.
  await rig.setRules([profileId], {
    growthWarningEnabled: false,
    sizeCriticalEnabled: false,
    forecastEnabled: false,
    growthFloorBytes: 2 * MiB,
    relationGrowthPct: 20,
  });
  await rig.sample(profileId);
});

afterAll(async () => {
  await rig?.close();
  await db?.cleanup();
});

const relation = async (name: string) => {
  const overview = await rig.call<StorageOverview>('storage:getOverview', { profileId });
  return overview.relations.find((r) => r.name === name)!;
};

describe('growth alerts never come from what was not measured', () => {
  it('a locked relation that grew 50 % is "not measured" and raises nothing; the small one below the floor neither', async () => {
    await growTo(admin, 'busy', (await sizeOf(admin, 'busy')) * 1.5);
    // small goes from one page to several: hundreds of percent, but a few kB.
    await admin.query(`INSERT INTO small (body) SELECT repeat('x', 900) FROM generate_series(1, 40)`);
    expect(await sizeOf(admin, 'small')).toBeGreaterThan(4 * 8192);

    const locker = await db.admin();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE busy IN ACCESS EXCLUSIVE MODE');
    try {
      rig.clock.advance(DAY_MS);
      await rig.sample(profileId);
    } finally {
      await locker.query('COMMIT');
    }
    const busy = await relation('busy');
    expect(busy.measured).toBe(false);
    expect(busy.totalBytes).toBeNull();
    expect((await relation('small')).measured).toBe(true);
    expect(await rig.alerts(profileId, 'all')).toEqual([]);
  });

  it('the next day, measured again, its baseline a day before is the unmeasured one: still nothing', async () => {
    rig.clock.advance(DAY_MS);
    await rig.sample(profileId);
    expect((await relation('busy')).measured).toBe(true);
    // Treating the skipped sample as 0 bytes would make this "infinite" growth.
    expect(await rig.alerts(profileId, 'all')).toEqual([]);
  });

  it('once it was measured a growth window ago and now, its growth counts again', async () => {
    const before = await sizeOf(admin, 'busy');
    await growTo(admin, 'busy', before * 1.3);
    rig.clock.advance(DAY_MS);
    await rig.sample(profileId);
    const alerts = await rig.alerts(profileId);
    expect(alerts.map((a) => [a.kind, a.subject.name])).toEqual([['relation_growth', 'public.busy']]);
    expect(alerts[0]!.previousBytes).toBe(before);
  });
});
