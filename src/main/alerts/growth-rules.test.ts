import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AlertRig, DAY_MS, growTo, MiB, sizeOf, startRig } from '../../../test/support/alerts-rig';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import type { Alert, AlertCounts } from '../../shared/alerts';
import { formatBytes } from '../../shared/bytes';
import type { Growth, StorageOverview } from '../../shared/storage';

/*
 * Every storage rule against a real PostgreSQL 18 database: data is inserted
 * step by step, one sample a day (the test's clock), until each rule has
 * fired — exactly once.
 */

let db: TestDatabase;
let admin: pg.Client;
let rig: AlertRig;
let profileId: string;

const kinds = (alerts: Alert[]) => alerts.map((a) => a.kind).sort();
const latest = async () => (await rig.call<StorageOverview>('storage:getOverview', { profileId })).latest!;

beforeAll(async () => {
  db = await createTestDatabase('alert rules');
  admin = await db.admin();
  await admin.query('CREATE TABLE events (body text)');
  await admin.query('CREATE TABLE tiny (body text)');
  await admin.query(`INSERT INTO tiny (body) VALUES ('x')`);
  await growTo(admin, 'events', 3 * MiB);

  rig = await startRig('2026-03-02T03:00:00Z');
  profileId = rig.addProfile(db.profile({ name: 'app server', password: db.password }));
  // Low thresholds: the floor lets "events" (MiB) count and leaves "tiny" (kB) out.
  await rig.setRules([profileId], {
    growthFloorBytes: 2 * MiB,
    growthWarningPct: 20,
    relationGrowthPct: 20,
    sizeCriticalBytes: 64 * MiB,
    forecastDays: 14,
  });
});

afterAll(async () => {
  await rig?.close();
  await db?.cleanup();
});

describe('storage alert rules, one sample a day', () => {
  it('raises nothing on the first sample: no previous sample, no comparison', async () => {
    await rig.sample(profileId);
    expect(await rig.alerts(profileId, 'all')).toEqual([]);
    expect(rig.notified).toEqual([]);
  });

  it('relation_growth: a relation above the floor grew more than 20 % in 24 h; the tiny one below the floor did not count', async () => {
    const before = await sizeOf(admin, 'events');
    await growTo(admin, 'events', before * 1.3);
    // tiny triples, but stays far below the floor.
    await admin.query(`INSERT INTO tiny (body) SELECT repeat('x', 900) FROM generate_series(1, 20)`);
    rig.clock.advance(DAY_MS);
    await rig.sample(profileId);

    const alerts = await rig.alerts(profileId);
    expect(kinds(alerts)).toEqual(['relation_growth']);
    const [alert] = alerts as [Alert];
    expect(alert.severity).toBe('warning');
    expect(alert.subject).toMatchObject({ type: 'relation', name: 'public.events' });
    expect(alert.subject.relationId).toEqual(expect.any(Number));
    const prev = alert.previousBytes!;
    const cur = alert.currentBytes!;
    expect(prev).toBe(before);
    expect(cur).toBe(await sizeOf(admin, 'events'));
    const pct = ((cur - prev) / prev) * 100;
    expect(alert.growthPct).toBeCloseTo(pct, 6);
    expect(alert.message).toBe(
      `Table public.events grew ${pct.toFixed(1)} % in 24 h (from ${formatBytes(prev)} to ${formatBytes(cur)}), ` +
        'above the 20 % relation growth warning.',
    );
    expect(rig.notified).toEqual([
      { title: 'Relation growth warning — app server', body: alert.message, severity: 'warning', profileId },
    ]);
  });

  it('re-sampling while it still grows does not raise the active alert again', async () => {
    const [first] = (await rig.alerts(profileId)) as [Alert];
    await growTo(admin, 'events', (await sizeOf(admin, 'events')) * 1.3);
    rig.clock.advance(DAY_MS);
    await rig.sample(profileId);
    const alerts = await rig.alerts(profileId, 'all');
    expect(alerts.map((a) => a.id)).toEqual([first.id]);
    expect(rig.notified).toHaveLength(1);
  });

  it('growth_warning: the database grew more than 20 % in 24 h (and the relation alert stays single)', async () => {
    const prev = (await latest()).databaseBytes;
    await growTo(admin, 'events', prev * 1.3, 'database');
    rig.clock.advance(DAY_MS);
    await rig.sample(profileId);

    const alerts = await rig.alerts(profileId);
    expect(kinds(alerts)).toEqual(['growth_warning', 'relation_growth']);
    const growth = alerts.find((a) => a.kind === 'growth_warning')!;
    const cur = (await latest()).databaseBytes;
    const pct = ((cur - prev) / prev) * 100;
    expect(growth).toMatchObject({
      severity: 'warning',
      subject: { type: 'database', name: db.name, relationId: null },
      previousBytes: prev,
      currentBytes: cur,
      resolvedAt: null,
      resolution: null,
    });
    expect(growth.message).toBe(
      `Database ${db.name} grew ${pct.toFixed(1)} % in 24 h (from ${formatBytes(prev)} to ${formatBytes(cur)}), ` +
        'above the 20 % growth warning.',
    );
    expect(rig.notified.at(-1)).toMatchObject({
      title: 'Database growth warning — app server',
      severity: 'warning',
    });
  });

  it('forecast_warning: at the current rate the database reaches the critical size within 14 days', async () => {
    expect(kinds(await rig.alerts(profileId))).not.toContain('forecast_warning');
    await growTo(admin, 'events', 40 * MiB, 'database');
    rig.clock.advance(DAY_MS);
    await rig.sample(profileId);

    const alerts = await rig.alerts(profileId);
    expect(kinds(alerts)).toEqual(['forecast_warning', 'growth_warning', 'relation_growth']);
    const forecast = alerts.find((a) => a.kind === 'forecast_warning')!;
    const growth = await rig.call<Growth>('storage:getGrowth', { profileId, thresholdBytes: 64 * MiB });
    expect(growth.daysLeft).toBeLessThanOrEqual(14);
    // Five daily samples: the fit spans 4 days, past the 6 h and 3 samples a rate needs.
    expect(growth.fit).toMatchObject({ samples: 5, spanMs: 4 * DAY_MS });
    expect(forecast.severity).toBe('warning');
    expect(forecast.message).toContain(
      `At the current rate (+${formatBytes(growth.bytesPerDay!)} a day, fitted over 5 samples in 4 days)`,
    );
    expect(forecast.message).toContain('reaches the 64.0 MiB critical size');
    expect(forecast.message).toContain('within the 14-day forecast warning');
  });

  it('size_critical: the database is above the critical size (absolute-size rule); the forecast clears', async () => {
    await growTo(admin, 'events', 66 * MiB, 'database');
    rig.clock.advance(DAY_MS);
    await rig.sample(profileId);

    const alerts = await rig.alerts(profileId);
    expect(kinds(alerts)).toEqual(['growth_warning', 'relation_growth', 'size_critical']);
    const critical = alerts.find((a) => a.kind === 'size_critical')!;
    const cur = (await latest()).databaseBytes;
    expect(critical.severity).toBe('critical');
    expect(critical.message).toBe(
      `Database ${db.name} is ${formatBytes(cur)}, above the 64.0 MiB critical size (absolute-size rule).`,
    );
    // Each rule fired exactly once over the whole run; the forecast is no longer a forecast.
    expect(kinds(await rig.alerts(profileId, 'all'))).toEqual([...kinds(alerts), 'forecast_warning'].sort());
    expect((await rig.alerts(profileId, 'all')).find((a) => a.kind === 'forecast_warning')!.resolution).toBe(
      'cleared',
    );
    expect(rig.notified.map((n) => n.title.split(' — ')[0])).toEqual([
      'Relation growth warning',
      'Database growth warning',
      'Size forecast warning',
      'Critical database size',
    ]);
    expect(rig.notified.at(-1)!.severity).toBe('critical');
  });

  it('counts the active alerts for the badge and the page title', async () => {
    const counts = await rig.call<AlertCounts>('alerts:counts', {});
    expect(counts).toEqual({ total: 3, byProfile: { [profileId]: { warning: 2, critical: 1 } } });
    expect(rig.badge.at(-1)).toBe(3);
  });

  it('logs every alert with its fields to the log file in the data directory', async () => {
    const critical = (await rig.alerts(profileId)).find((a) => a.kind === 'size_critical')!;
    rig.app.logger.flush();
    const file = join(rig.dataDir, 'logs', 'tidemark.log');
    const line = await vi.waitFor(() => {
      const found = readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.msg === 'alert raised' && l.alertId === critical.id);
      expect(found).toBeDefined();
      return found!;
    });
    expect(line).toMatchObject({
      component: 'alerts',
      level: 40,
      profileId,
      profileName: 'app server',
      kind: 'size_critical',
      severity: 'critical',
      subject: db.name,
      subjectType: 'database',
      currentBytes: critical.currentBytes,
      alertMessage: critical.message,
    });
  });
});
