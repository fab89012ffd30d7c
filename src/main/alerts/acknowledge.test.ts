import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AlertRig,
  growTo,
  HOUR_MS,
  MINUTE_MS,
  MiB,
  sizeOf,
  startRig,
} from '../../../test/support/alerts-rig';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import type { Alert, AlertCounts } from '../../shared/alerts';
import { formatBytes } from '../../shared/bytes';

/*
 * Acknowledging an alert (Dismiss): quiet while its condition holds — the
 * alert still follows the figures — back as a new alert once the condition
 * has cleared and returns, and loud again when a chosen snooze ends. The
 * condition is the absolute-size rule against a real database; the clock is the test's.
 */

let db: TestDatabase;
let admin: pg.Client;
let rig: AlertRig;
let profileId: string;

const sizeAlerts = async (include: 'active' | 'all' = 'active') =>
  (await rig.alerts(profileId, include)).filter((a) => a.kind === 'size_critical');
const counts = () => rig.call<AlertCounts>('alerts:counts', {});
const criticalAt = (bytes: number) => rig.setRules([profileId], onlySize(bytes));
const onlySize = (sizeCriticalBytes: number) => ({
  growthWarningEnabled: false,
  relationGrowthEnabled: false,
  forecastEnabled: false,
  serverDownEnabled: false,
  growthFloorBytes: 0,
  sizeCriticalBytes,
});

beforeAll(async () => {
  db = await createTestDatabase('alert acknowledge');
  admin = await db.admin();
  await admin.query('CREATE TABLE events (body text)');
  await growTo(admin, 'events', 2 * MiB);
  rig = await startRig('2026-08-03T09:00:00Z');
  profileId = rig.addProfile(db.profile({ name: 'billing', password: db.password }));
  await criticalAt(MiB);
});

afterAll(async () => {
  await rig?.close();
  await db?.cleanup();
});

describe('acknowledge: quiet until the condition clears', () => {
  let first: Alert;

  it('raises once, loud: counted, notified', async () => {
    await rig.sample(profileId);
    [first] = (await sizeAlerts()) as [Alert];
    expect(first).toMatchObject({
      raisedAt: '2026-08-03T09:00:00.000Z',
      lastSeenAt: '2026-08-03T09:00:00.000Z',
      acknowledged: null,
    });
    expect(rig.notified).toHaveLength(1);
    expect((await counts()).total).toBe(1);
  });

  it('acknowledged: not counted, and still quiet at the next sample, with today’s figures', async () => {
    const acked = await rig.call<Alert>('alerts:ack', { id: first.id });
    expect(acked.acknowledged).toEqual({ at: '2026-08-03T09:00:00.000Z', until: null });
    expect(rig.changes.at(-1)).toMatchObject({ change: 'updated', alert: { id: first.id } });
    expect(await counts()).toEqual({ total: 0, byProfile: {} });
    expect(rig.badge.at(-1)).toBe(0);

    await growTo(admin, 'events', 4 * MiB);
    const grown = await sizeOf(admin);
    rig.clock.advance(HOUR_MS);
    await rig.sample(profileId);
    const [still] = (await sizeAlerts('all')) as [Alert];
    expect(still).toMatchObject({
      id: first.id,
      raisedAt: '2026-08-03T09:00:00.000Z',
      lastSeenAt: '2026-08-03T10:00:00.000Z',
      acknowledged: { until: null },
      resolvedAt: null,
    });
    // Today's figure: the sample's derived database size, within 1 MiB of pg_database_size (collector).
    expect(still.currentBytes).toBeGreaterThan(first.currentBytes!);
    expect(Math.abs(still.currentBytes! - grown)).toBeLessThan(MiB);
    expect(still.message).toContain(`is ${formatBytes(still.currentBytes!)}, above`);
    expect(rig.notified).toHaveLength(1);
    expect((await counts()).total).toBe(0);
  });

  it('the condition clears: resolved as cleared; when it returns, a new loud alert', async () => {
    await criticalAt(512 * MiB);
    rig.clock.advance(HOUR_MS);
    await rig.sample(profileId);
    expect(await sizeAlerts()).toEqual([]);
    const [cleared] = (await sizeAlerts('all')) as [Alert];
    expect(cleared).toMatchObject({
      id: first.id,
      resolution: 'cleared',
      resolvedAt: '2026-08-03T11:00:00.000Z',
    });
    expect(rig.changes.at(-1)).toMatchObject({ change: 'resolved', alert: { id: first.id } });

    await criticalAt(MiB);
    rig.clock.advance(HOUR_MS);
    await rig.sample(profileId);
    const [again] = (await sizeAlerts()) as [Alert];
    expect(again.id).not.toBe(first.id);
    expect(again).toMatchObject({ raisedAt: '2026-08-03T12:00:00.000Z', acknowledged: null });
    expect(rig.notified).toHaveLength(2);
    expect((await counts()).total).toBe(1);
  });
});

describe('acknowledge with a snooze', () => {
  let alert: Alert;

  it('quiet while the snooze runs', async () => {
    [alert] = (await sizeAlerts()) as [Alert];
    const snoozed = await rig.call<Alert>('alerts:ack', { id: alert.id, snooze: '1h' });
    expect(snoozed.acknowledged).toEqual({
      at: '2026-08-03T12:00:00.000Z',
      until: '2026-08-03T13:00:00.000Z',
    });
    rig.clock.advance(30 * MINUTE_MS);
    await rig.sample(profileId);
    expect((await sizeAlerts())[0]).toMatchObject({
      id: alert.id,
      acknowledged: { until: snoozed.acknowledged!.until },
    });
    expect(rig.notified).toHaveLength(2);
    expect((await counts()).total).toBe(0);
  });

  it('loud again once the snooze has ended: counted at once, notified by the next heartbeat', async () => {
    rig.clock.advance(31 * MINUTE_MS);
    expect((await sizeAlerts())[0]!.acknowledged).toBeNull();
    expect((await counts()).total).toBe(1);

    // Samples may be a day apart: the heartbeat (every minute) wakes it.
    await rig.app.monitoring.heartbeat.beat(profileId);
    expect((await sizeAlerts())[0]).toMatchObject({ id: alert.id, acknowledged: null });
    expect(rig.notified).toHaveLength(3);
    expect(rig.notified.at(-1)!.title).toBe('Critical database size — billing (snooze ended)');
    expect(rig.changes.at(-1)).toMatchObject({ change: 'raised', alert: { id: alert.id } });
    expect(rig.badge.at(-1)).toBe(1);
    // Once: the next beat and the next sample only refresh it.
    rig.clock.advance(MINUTE_MS);
    await rig.app.monitoring.heartbeat.beat(profileId);
    await rig.sample(profileId);
    expect(rig.notified).toHaveLength(3);
  });

  it('a snooze that ends is also noticed by the next sample, if it comes first', async () => {
    await rig.call('alerts:ack', { id: alert.id, snooze: '1h' });
    rig.clock.advance(2 * HOUR_MS);
    await rig.sample(profileId);
    expect((await sizeAlerts())[0]).toMatchObject({ id: alert.id, acknowledged: null });
    expect(rig.notified).toHaveLength(4);
  });

  it('an acknowledgement can be undone; a resolved or unknown alert cannot be acknowledged', async () => {
    await rig.call('alerts:ack', { id: alert.id, snooze: '1w' });
    expect((await counts()).total).toBe(0);
    const back = await rig.call<Alert>('alerts:unack', { id: alert.id });
    expect(back.acknowledged).toBeNull();
    expect((await counts()).total).toBe(1);

    const [resolved] = (await sizeAlerts('all')).filter((a) => a.resolvedAt !== null) as [Alert];
    const refused = await rig.dispatch('alerts:ack', { id: resolved.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(!refused.ok && refused.error.message).toMatch(
      /already resolved: it resolved itself \(its condition cleared\)/,
    );
    expect(await rig.dispatch('alerts:ack', { id: 999_999 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await rig.dispatch('alerts:ack', { id: alert.id, snooze: '2h' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });
});
