import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertRig, HOUR_MS, MiB, startRig } from '../../../test/support/alerts-rig';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import type { DiskFactsView } from '../../shared/disk-facts';

/**
 * The disk-facts rules end to end on real servers: an inactive physical slot
 * retaining WAL raises slot_retention at the next sample and clears once the
 * slot is dropped; a database past the wraparound share raises wraparound.
 */
describe.each(testServers)('disk-facts alerts on %s', (server) => {
  const slot = `tm_alert_slot_${randomBytes(3).toString('hex')}`;
  let db: TestDatabase;
  let admin: pg.Client;
  let rig: AlertRig;
  let profileId: string;

  beforeAll(async () => {
    db = await createTestDatabase('disk alerts', server);
    admin = await db.admin();
    rig = await startRig('2026-03-02T03:00:00Z');
    profileId = rig.addProfile(db.profile({ name: 'slot server', password: db.password }));
  });
  afterAll(async () => {
    await rig?.close();
    await admin?.query(
      'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1',
      [slot],
    );
    await db?.cleanup();
  });

  it('raises slot_retention for an inactive slot above the limit, and clears it when the slot is dropped', async () => {
    await rig.setRules([profileId], { slotRetainedBytes: 1 * MiB });
    await admin.query('SELECT pg_create_physical_replication_slot($1, true)', [slot]);
    await admin.query('CREATE TABLE churn AS SELECT g, md5(g::text) AS m FROM generate_series(1, 60000) g');
    await admin.query('SELECT pg_switch_wal()');
    await rig.sample(profileId);

    const view = await rig.call<DiskFactsView>('storage:getDiskFacts', { profileId });
    const seen = view.facts.slots.find((s) => s.name === slot);
    expect(seen?.retainedBytes).toBeGreaterThan(1 * MiB);
    const raised = (await rig.alerts(profileId)).find(
      (a) => a.kind === 'slot_retention' && a.subject.name === slot,
    );
    expect(raised).toMatchObject({ severity: 'warning', subject: { type: 'slot', name: slot } });
    expect(raised!.currentBytes).toBeGreaterThan(1 * MiB);
    expect(raised!.message).toContain(`pg_drop_replication_slot('${slot}')`);

    await admin.query('SELECT pg_drop_replication_slot($1)', [slot]);
    rig.clock.advance(HOUR_MS);
    await rig.sample(profileId);
    expect(
      (await rig.alerts(profileId)).find((a) => a.kind === 'slot_retention' && a.subject.name === slot),
    ).toBe(undefined);
    const all = await rig.alerts(profileId, 'all');
    expect(all.find((a) => a.id === raised!.id)?.resolution).toBe('cleared');
  });

  it('raises wraparound for a database past the share of 2^31, and clears it under a higher rule', async () => {
    // 50 transactions of age are above 0.000001 % of 2^31 (21 transactions).
    for (let i = 0; i < 50; i++) await admin.query('SELECT pg_current_xact_id()');
    await rig.setRules([profileId], { wraparoundPct: 0.000001 });
    rig.clock.advance(HOUR_MS);
    await rig.sample(profileId);
    const raised = (await rig.alerts(profileId)).find(
      (a) => a.kind === 'wraparound' && a.subject.name === db.name,
    );
    expect(raised).toMatchObject({ severity: 'critical', subject: { type: 'database' } });
    expect(raised!.message).toMatch(/transaction-ID wraparound \(age [\d,]+ of 2,147,483,648\)/);

    await rig.setRules([profileId], {});
    rig.clock.advance(HOUR_MS);
    await rig.sample(profileId);
    expect((await rig.alerts(profileId)).some((a) => a.kind === 'wraparound')).toBe(false);
  });
});
