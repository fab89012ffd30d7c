import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertRig, growTo, HOUR_MS, MiB, startRig } from '../../../test/support/alerts-rig';
import { cliIn } from '../../../test/support/cli';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { sample } from '../../../test/support/history-fixtures';
import { DEFAULT_ALERT_RULES } from '../../shared/alerts';
import type { Growth, StorageOverview } from '../../shared/storage';

/*
 * A new user's first minutes, against a real PostgreSQL 18: a server added,
 * data grown between two samples 46 s apart. With the default rules that
 * once raised "Critical size forecast: at +88.5 GiB a day ..." and showed
 * "+19,506 % per 24 h". Now: no rate, no forecast, no growth alert, and the
 * reason in words. Then samples written into the history over the 8 hours
 * before (with the store's own writer) give a fitted rate and a forecast.
 */

let db: TestDatabase;
let admin: pg.Client;
let rig: AlertRig;
let profileId: string;

const NAME = 'new server';
const growthOf = () => rig.call<Growth>('storage:getGrowth', { profileId });

const cli = (...args: string[]) => cliIn(rig.dataDir, ...args);

beforeAll(async () => {
  db = await createTestDatabase('short history');
  admin = await db.admin();
  await admin.query('CREATE TABLE events (body text)');
  await growTo(admin, 'events', 1 * MiB);
  rig = await startRig('2026-05-04T09:00:00Z');
  profileId = rig.addProfile(db.profile({ name: NAME, password: db.password }));
  // The defaults, but with no size floor, so the growth rules look at this small database too.
  await rig.setRules([profileId], { growthFloorBytes: 0 });
});

afterAll(async () => {
  await rig?.close();
  await db?.cleanup();
});

describe('rates and forecasts need history', () => {
  it('two samples 46 s apart: no rate, no forecast, no growth alert, and why', async () => {
    await rig.sample(profileId);
    // About 10 GiB a day if 46 s were scaled up: the forecast would reach 50 GiB within a week.
    await growTo(admin, 'events', 6 * MiB);
    rig.clock.advance(46_000);
    await rig.sample(profileId);

    const reason = 'not enough history yet (2 samples over 46 s; a rate needs 6 h)';
    expect(await growthOf()).toMatchObject({
      bytesPerDay: null,
      fit: null,
      noRate: reason,
      reachesAt: null,
      daysLeft: null,
      requirement: { minWindowMs: 6 * HOUR_MS, minSamples: 3 },
    });
    expect(await rig.alerts(profileId, 'all')).toEqual([]);
    expect(rig.notified).toEqual([]);

    // "7-day growth" says it is growth over 46 s.
    const overview = await rig.call<StorageOverview>('storage:getOverview', { profileId });
    const events = overview.relations.find((r) => r.name === 'events')!;
    expect(events.growth7dBytes).toBeGreaterThan(4 * MiB);
    expect(events.growth7dSpanMs).toBe(46_000);
    expect(overview.latest).toMatchObject({ change24h: null, change7d: null });

    const shown = await cli('growth', NAME);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`  Rate:      none: ${reason}`);
    expect(shown.out).toContain('  Forecast:  none without a rate.');
  });

  it('with samples over the 8 hours before: the fitted rate, its window and count, and the forecast', async () => {
    const history = rig.app.monitoring.history;
    const latest = (await rig.call<StorageOverview>('storage:getOverview', { profileId })).latest!;
    const latestAt = Date.parse(latest.takenAt);
    const firstAt = latestAt - 46_000;
    const [earliest] = history.log.database(profileId, new Date(0));
    const perDay = 12 * MiB;
    // 8, 6, 4 and 2 hours before the first real sample, on a line of 12 MiB a day up to it.
    for (const hoursBefore of [8, 6, 4, 2]) {
      const at = firstAt - hoursBefore * HOUR_MS;
      const bytes = Math.round(earliest!.totalBytes! - (perDay * hoursBefore) / 24);
      history.saveSample(profileId, { ...sample(at, [], bytes), database: { name: db.name, bytes } });
    }

    const g = await growthOf();
    expect(g.noRate).toBeNull();
    expect(g.fit).toEqual({
      method: 'theil-sen',
      from: new Date(firstAt - 8 * HOUR_MS).toISOString(),
      to: new Date(latestAt).toISOString(),
      spanMs: 8 * HOUR_MS + 46_000,
      samples: 6,
    });
    // The median of slopes keeps to the 12 MiB a day of the line; the 46 s jump hardly moves it.
    expect(g.bytesPerDay! / perDay).toBeGreaterThan(0.99);
    expect(g.bytesPerDay! / perDay).toBeLessThan(1.5);
    const expectedAt =
      latestAt + ((DEFAULT_ALERT_RULES.sizeCriticalBytes - g.currentBytes!) / g.bytesPerDay!) * 86_400_000;
    expect(Date.parse(g.reachesAt!)).toBeCloseTo(expectedAt, -3);
    expect(g.daysLeft).toBeGreaterThan(DEFAULT_ALERT_RULES.forecastDays);

    const shown = await cli('growth', NAME);
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/ {2}Rate: {6}\+\d+\.\d MiB a day \(Theil–Sen fit over 8 h, 6 samples, /);
    expect(shown.out).toMatch(
      / {2}Forecast: {2}reaches the 50\.0 GiB critical size in about [\d,]+ days, around \d{4}-\d\d-\d\d\./,
    );
    const json = JSON.parse((await cli('growth', NAME, '--json')).out) as Growth & { subject: string };
    expect(json).toMatchObject({ subject: 'database', fit: { samples: 6 }, noRate: null });

    // A relation: only the two real samples measured it, so no rate of its own yet.
    const events = await cli('growth', NAME, '--relation', 'events');
    expect(events.out).toContain('Growth of the relation public.events of "new server":');
    expect(events.out).toContain('not enough history yet (2 samples over 46 s; a rate needs 6 h)');
    expect(await cli('growth')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^growth needs a profile name/),
    });
    expect((await cli('growth', NAME, '--relation', 'nope')).err).toMatch(/No relation "nope"/);
  });

  it('the forecast alert fires from that fit once the critical size is near; still no growth alert without 24 h', async () => {
    const current = (await growthOf()).currentBytes!;
    await rig.setRules([profileId], { growthFloorBytes: 0, sizeCriticalBytes: current + 48 * MiB });
    rig.clock.advance(60_000);
    await rig.sample(profileId);
    const alerts = await rig.alerts(profileId);
    expect(alerts.map((a) => a.kind)).toEqual(['forecast_warning']);
    expect(alerts[0]!.message).toMatch(/a day, fitted over 7 samples in 8 h\), database /);
  });
});
