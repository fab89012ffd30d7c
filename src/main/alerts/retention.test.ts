import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertRig, DAY_MS, startRig } from '../../../test/support/alerts-rig';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import type { Alert } from '../../shared/alerts';
import { KEPT_PER_PROFILE } from './alert-repository';

/*
 * At most 30 alerts per profile: after a raise, the oldest RESOLVED ones
 * beyond 30 are deleted; an active alert is never deleted. Forty tables
 * growing at once raise forty relation_growth alerts in one sample.
 */

const TABLES = 40;
let db: TestDatabase;
let admin: pg.Client;
let rig: AlertRig;
let profileId: string;
let other: string;
// Every table counts (no floor); only the per-relation rule is on.
const rules = {
  growthFloorBytes: 0,
  growthWarningEnabled: false,
  sizeCriticalEnabled: false,
  forecastEnabled: false,
  relationGrowthPct: 20,
};
const names = Array.from({ length: TABLES }, (_, i) => `r${String(i + 1).padStart(2, '0')}`);

const growTables = async (tables: string[], rows: number) => {
  for (const t of tables) {
    await admin.query(`INSERT INTO ${t} (body) SELECT repeat('x', 900) FROM generate_series(1, $1)`, [rows]);
  }
};

beforeAll(async () => {
  db = await createTestDatabase('alerts retention');
  admin = await db.admin();
  for (const t of names) {
    await admin.query(`CREATE TABLE ${t} (body text)`);
    await admin.query(`INSERT INTO ${t} (body) VALUES ('x')`);
  }
  rig = await startRig('2026-07-01T03:00:00Z');
  profileId = rig.addProfile(db.profile({ name: 'many tables', password: db.password }));
  other = rig.addProfile(db.profile({ name: 'other', password: db.password }));
  await rig.setRules([profileId, other], rules);
  await rig.sample(profileId);
  await rig.sample(other);
});

afterAll(async () => {
  await rig?.close();
  await db?.cleanup();
});

describe('30 alerts kept per profile', () => {
  let first: Alert[];

  it('keeps all 40 while they are active: an active alert is never deleted', async () => {
    expect(KEPT_PER_PROFILE).toBe(30);
    await growTables(names, 20);
    rig.clock.advance(DAY_MS);
    await rig.sample(profileId);
    first = await rig.alerts(profileId, 'all');
    expect(first).toHaveLength(TABLES);
    expect(new Set(first.map((a) => a.subject.name)).size).toBe(TABLES);
    expect(first.every((a) => a.kind === 'relation_growth' && a.resolvedAt === null)).toBe(true);
  });

  it('after the next raise, deletes the oldest resolved ones beyond 30 and keeps every active one', async () => {
    // Only five grow again: the other 35 clear by themselves.
    await growTables(names.slice(0, 5), 40);
    rig.clock.advance(DAY_MS);
    await rig.sample(profileId);
    // Resolved alerts are only trimmed after a raise.
    expect(await rig.alerts(profileId, 'all')).toHaveLength(TABLES);
    expect(await rig.alerts(profileId)).toHaveLength(5);

    // Five others grow: five new alerts, and the first five clear.
    await growTables(names.slice(5, 10), 40);
    rig.clock.advance(DAY_MS);
    await rig.sample(profileId);

    const kept = await rig.alerts(profileId, 'all');
    expect(kept).toHaveLength(KEPT_PER_PROFILE);
    const active = kept.filter((a) => a.resolvedAt === null);
    expect(active.map((a) => a.subject.name).sort()).toEqual(names.slice(5, 10).map((n) => `public.${n}`));
    // The 15 oldest of the first batch went (all raised at the same instant: the lowest ids first).
    const firstIds = first.map((a) => a.id).sort((x, y) => x - y);
    const resolvedKept = kept.filter((a) => a.resolvedAt !== null).map((a) => a.id);
    expect(resolvedKept.sort((x, y) => x - y)).toEqual(firstIds.slice(TABLES - (KEPT_PER_PROFILE - 5)));
  });

  it("counts per profile: another profile's alerts are not trimmed by this one's", async () => {
    rig.clock.advance(DAY_MS);
    // The other profile was sampled once, four days ago: a four-day growth window reaches it.
    await rig.setRules([other], { ...rules, growthWindowHours: 96 });
    await rig.sample(other);
    // The other profile compares its own two samples: every table grew, so 40 active alerts of its own.
    expect(await rig.alerts(other, 'all')).toHaveLength(TABLES);
    expect(await rig.alerts(profileId, 'all')).toHaveLength(KEPT_PER_PROFILE);
  });
});
