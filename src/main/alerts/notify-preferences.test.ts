import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertRig, growTo, MINUTE_MS, MiB, startRig } from '../../../test/support/alerts-rig';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

/*
 * The notification preferences in Settings decide which raised alerts reach the desktop notifier;
 * every alert is stored and announced to the window regardless. Real PostgreSQL: a critical alert
 * (database above its critical size) and a warning (a relation above its own size limit).
 */

let db: TestDatabase;
let admin: pg.Client;
let rig: AlertRig;
let profileId: string;

const prefs = (notifyDesktop: boolean, notifyMinSeverity: 'warning' | 'critical') =>
  rig.call('settings:set', {
    sampleRetentionDays: 90,
    heartbeatRetentionDays: 60,
    notifyDesktop,
    notifyMinSeverity,
  });
/** Both conditions hold (limits below the sizes) or neither does (limits far above). */
async function conditions(hold: boolean) {
  await rig.setRules([profileId], {
    growthWarningEnabled: false,
    relationGrowthEnabled: false,
    growthPerDayEnabled: false,
    forecastEnabled: false,
    serverDownEnabled: false,
    growthFloorBytes: 0,
    sizeCriticalBytes: hold ? MiB : 100_000 * MiB,
  });
  await rig.call('rules:setRelation', {
    profileId,
    rule: {
      schema: 'public',
      name: 'events',
      muted: false,
      sizeAboveBytes: hold ? MiB : 100_000 * MiB,
      growthAbovePct: null,
    },
  });
  rig.clock.advance(MINUTE_MS);
  await rig.sample(profileId);
}
const raised = () =>
  rig.changes
    .filter((c) => c.change === 'raised')
    .map((c) => c.alert.severity)
    .sort();

beforeAll(async () => {
  db = await createTestDatabase('notify preferences');
  admin = await db.admin();
  await admin.query('CREATE TABLE events (body text)');
  await growTo(admin, 'events', 2 * MiB);
  rig = await startRig('2026-08-03T09:00:00Z');
  profileId = rig.addProfile(db.profile({ name: 'billing', password: db.password }));
});

afterAll(async () => {
  await rig?.close();
  await db?.cleanup();
});

describe('notification preferences', () => {
  it('notifies every raised alert by default', async () => {
    await conditions(true);
    expect(raised()).toEqual(['critical', 'warning']);
    expect(rig.notified.map((n) => n.severity).sort()).toEqual(['critical', 'warning']);
  });

  it('off: the alerts are raised and announced, nothing reaches the desktop', async () => {
    await conditions(false);
    await prefs(false, 'warning');
    rig.notified.length = 0;
    rig.changes.length = 0;
    await conditions(true);
    expect(raised()).toEqual(['critical', 'warning']);
    expect(rig.notified).toEqual([]);
  });

  it('critical only: the warning stays off the desktop', async () => {
    await conditions(false);
    await prefs(true, 'critical');
    rig.notified.length = 0;
    rig.changes.length = 0;
    await conditions(true);
    expect(raised()).toEqual(['critical', 'warning']);
    expect(rig.notified.map((n) => n.severity)).toEqual(['critical']);
  });
});
