import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertRig, DAY_MS, growTo, HOUR_MS, MiB, startRig } from '../../../test/support/alerts-rig';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { sample } from '../../../test/support/history-fixtures';
import type { Growth, StorageOverview } from '../../shared/storage';

/*
 * The disk-full rule against a real PostgreSQL 18 and a real history: two
 * profiles on the same database, one with a disk size and one without. No
 * forecast while the history is too short for a rate, but a disk smaller than
 * what is used is said from the first samples (measured, not forecast); once
 * samples over 8 hours give a fitted rate, disk_full
 * fires for the profile with a disk size, from the sum of every database in
 * the latest sample; raising the disk size clears it.
 */

const GiB = 1024 ** 3;
let db: TestDatabase;
let admin: pg.Client;
let rig: AlertRig;
let withDisk: string;
let withoutDisk: string;

const diskAlerts = async (profileId: string) =>
  (await rig.alerts(profileId)).filter((a) => a.kind === 'disk_full');
const overviewOf = (profileId: string) => rig.call<StorageOverview>('storage:getOverview', { profileId });
/** What the disk-full rule counts as used: every database in the latest sample. */
const usedBy = async (profileId: string) =>
  (await overviewOf(profileId)).latest!.databases.reduce((sum, d) => sum + d.bytes, 0);
const setDisk = (profileId: string, diskBytes: number | null) => {
  const { id: _id, ...fields } = rig.app.profiles.get(profileId) as ReturnType<
    typeof rig.app.profiles.get
  > & { id: string };
  rig.app.profiles.update(profileId, { ...fields, diskBytes });
};

beforeAll(async () => {
  db = await createTestDatabase('disk full');
  admin = await db.admin();
  await admin.query('CREATE TABLE events (body text)');
  await growTo(admin, 'events', 1 * MiB);
  rig = await startRig('2026-05-04T09:00:00Z');
  withDisk = rig.addProfile(db.profile({ name: 'with disk', password: db.password, diskBytes: 1 * MiB }));
  withoutDisk = rig.addProfile(db.profile({ name: 'without disk', password: db.password }));
});

afterAll(async () => {
  await rig?.close();
  await db?.cleanup();
});

describe('disk_full', () => {
  it('before the history has a rate, says only what is measured: a disk already smaller than used', async () => {
    await rig.sample(withDisk);
    await rig.sample(withoutDisk);
    await growTo(admin, 'events', 6 * MiB);
    rig.clock.advance(46_000);
    await rig.sample(withDisk);
    await rig.sample(withoutDisk);
    const g = await rig.call<Growth>('storage:getGrowth', { profileId: withDisk });
    expect(g.noRate).toMatch(/^not enough history yet/);
    const [full, ...more] = await diskAlerts(withDisk);
    expect(more).toEqual([]);
    expect(full!.message).toMatch(
      /: disk already full: what the databases use is at or above the disk size \(is it right\?\)\. The disk is 1\.0 MiB/,
    );
    expect(full!.message).not.toMatch(/rate|around/);
    expect(await rig.alerts(withoutDisk, 'all')).toEqual([]);
  });

  it('fires once a fitted rate fills the disk within the window, for the profile with a disk size only', async () => {
    const history = rig.app.monitoring.history;
    const perDay = 12 * MiB;
    for (const profileId of [withDisk, withoutDisk]) {
      const [earliest] = history.log.database(profileId, new Date(0));
      const firstAt = Date.parse((await overviewOf(profileId)).latest!.takenAt) - 46_000;
      // 8, 6, 4 and 2 hours before the first real sample, on a line of 12 MiB a day up to it.
      for (const hoursBefore of [8, 6, 4, 2]) {
        const bytes = Math.round(earliest!.totalBytes! - (perDay * hoursBefore) / 24);
        history.saveSample(profileId, {
          ...sample(firstAt - hoursBefore * HOUR_MS, [], bytes),
          database: { name: db.name, bytes },
        });
      }
    }
    // About 4 days of room at 12 MiB a day, over what every database used at the last sample.
    const used = await usedBy(withDisk);
    setDisk(withDisk, used + 48 * MiB);
    rig.clock.advance(60_000);
    await rig.sample(withDisk);
    await rig.sample(withoutDisk);

    const g = await rig.call<Growth>('storage:getGrowth', { profileId: withDisk });
    expect(g.fit?.samples).toBe(7);
    const [alert, ...more] = await diskAlerts(withDisk);
    expect(more).toEqual([]);
    const nowUsed = await usedBy(withDisk);
    expect(alert).toMatchObject({
      severity: 'warning',
      subject: { type: 'server', relationId: null },
      currentBytes: nowUsed,
    });
    // The sum of every database, not the profile's database alone.
    expect(nowUsed).toBeGreaterThan((await overviewOf(withDisk)).latest!.databaseBytes);
    expect(alert!.message).toMatch(
      /: disk full around \d{4}-\d\d-\d\d UTC \(in about \d+ days?\) at the rate fitted over 8 h \(7 samples\), \+[\d.]+ MiB a day for database .+, within the 14-day disk-full warning\. The disk is [\d.]+ MiB \(the profile's disk size\); every database on the server is /,
    );
    expect(alert!.message).toContain('(their sum in the latest sample)');
    const days = (Date.parse(alert!.message.match(/around (\d{4}-\d\d-\d\d)/)![1]!) - rig.clock.ms) / DAY_MS;
    expect(days).toBeLessThan(14);
    expect(rig.notified.some((n) => n.title.startsWith('Disk full soon — with disk'))).toBe(true);

    // The same history, no disk size: no disk_full (the forecast toward 50 GiB is far away).
    expect(await rig.alerts(withoutDisk, 'all')).toEqual([]);
  });

  it('does not fire when the disk is full later than the window, and clears when the disk size is raised', async () => {
    setDisk(withDisk, (await usedBy(withDisk)) + 100 * GiB);
    rig.clock.advance(60_000);
    await rig.sample(withDisk);
    expect(await diskAlerts(withDisk)).toEqual([]);
    const all = await rig.alerts(withDisk, 'all');
    expect(all.filter((a) => a.kind === 'disk_full').map((a) => a.resolution)).toEqual(['cleared']);
  });

  it('is off when the rule is switched off', async () => {
    setDisk(withDisk, (await usedBy(withDisk)) + 48 * MiB);
    await rig.setRules([withDisk], { diskFullEnabled: false });
    rig.clock.advance(60_000);
    await rig.sample(withDisk);
    expect(await diskAlerts(withDisk)).toEqual([]);
    await rig.setRules([withDisk], {});
    rig.clock.advance(60_000);
    await rig.sample(withDisk);
    expect(await diskAlerts(withDisk)).toHaveLength(1);
  });
});
