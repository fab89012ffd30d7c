import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AlertRig,
  DAY_MS,
  growTo,
  HOUR_MS,
  MiB,
  sizeOf,
  startRig,
} from '../../../test/support/alerts-rig';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import type { Alert, RelationRule } from '../../shared/alerts';
import { formatBytes } from '../../shared/bytes';

/*
 * Rules for one relation, over its profile's: its own size limit, its own
 * growth threshold (even with the profile's relation growth rule off), and a
 * mute that clears what it raised and raises nothing more.
 */

let db: TestDatabase;
let admin: pg.Client;
let rig: AlertRig;
let profileId: string;

const relationAlerts = async (include: 'active' | 'all' = 'active') =>
  (await rig.alerts(profileId, include)).filter((a) => a.subject.type === 'relation');
const setRelation = (rule: Partial<RelationRule>) =>
  rig.call<RelationRule[]>('rules:setRelation', {
    profileId,
    rule: {
      schema: 'public',
      name: 'events',
      muted: false,
      sizeAboveBytes: null,
      growthAbovePct: null,
      ...rule,
    },
  });

beforeAll(async () => {
  db = await createTestDatabase('relation rules');
  admin = await db.admin();
  await admin.query('CREATE TABLE events (body text)');
  await admin.query('CREATE TABLE audit (body text)');
  await growTo(admin, 'events', 2 * MiB);
  await growTo(admin, 'audit', 2 * MiB);
  rig = await startRig('2026-10-05T03:00:00Z');
  profileId = rig.addProfile(db.profile({ name: 'ledger', password: db.password }));
  // The profile's own rules say nothing about these relations.
  await rig.setRules([profileId], {
    growthWarningEnabled: false,
    relationGrowthEnabled: false,
    forecastEnabled: false,
    growthFloorBytes: 0,
  });
});

afterAll(async () => {
  await rig?.close();
  await db?.cleanup();
});

describe('per-relation rules', () => {
  it('a size limit of its own raises relation_size for that relation only', async () => {
    const rules = await setRelation({ sizeAboveBytes: MiB });
    expect(rules).toEqual([
      { schema: 'public', name: 'events', muted: false, sizeAboveBytes: MiB, growthAbovePct: null },
    ]);
    await rig.sample(profileId);
    const [alert] = (await relationAlerts()) as [Alert];
    const size = await sizeOf(admin, 'events');
    expect(alert).toMatchObject({
      kind: 'relation_size',
      severity: 'warning',
      subject: { type: 'relation', name: 'public.events' },
      currentBytes: size,
    });
    expect(alert.message).toBe(
      `Table public.events is ${formatBytes(size)}, above its own 1.0 MiB size limit (absolute-size rule for this relation).`,
    );
    expect(await relationAlerts()).toHaveLength(1);
  });

  it('a growth threshold of its own, with the profile’s relation growth rule off', async () => {
    await setRelation({ sizeAboveBytes: MiB, growthAbovePct: 10 });
    rig.clock.advance(DAY_MS);
    await rig.sample(profileId);
    expect((await relationAlerts()).map((a) => a.kind)).toEqual(['relation_size']);

    // Both tables grow by a third; only events has a growth rule.
    await growTo(admin, 'events', (await sizeOf(admin, 'events')) * 1.33);
    await growTo(admin, 'audit', (await sizeOf(admin, 'audit')) * 1.33);
    rig.clock.advance(DAY_MS);
    await rig.sample(profileId);
    const growth = (await relationAlerts()).find((a) => a.kind === 'relation_growth')!;
    expect(growth.subject.name).toBe('public.events');
    expect(growth.message).toContain('above the 10 % relation growth warning');
    expect((await relationAlerts()).filter((a) => a.subject.name === 'public.audit')).toEqual([]);
  });

  it('muted: what it raised clears, and nothing more is raised', async () => {
    await setRelation({ muted: true, sizeAboveBytes: MiB, growthAbovePct: 10 });
    rig.clock.advance(HOUR_MS);
    await rig.sample(profileId);
    expect(await relationAlerts()).toEqual([]);
    expect((await relationAlerts('all')).map((a) => a.resolution)).toEqual(['cleared', 'cleared']);
  });

  it('a rule with nothing set is removed; a limit of 0 is refused', async () => {
    expect(await setRelation({})).toEqual([]);
    expect(
      await rig.dispatch('rules:setRelation', {
        profileId,
        rule: { schema: 'public', name: 'events', muted: false, sizeAboveBytes: 0, growthAbovePct: null },
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await rig.dispatch('rules:listRelations', { profileId: 'nobody' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('names a relation in its message as psql would take it; the subject keeps its stored form', async () => {
    await admin.query('CREATE TABLE public."Odd.Name" (body text)');
    await growTo(admin, 'public."Odd.Name"', 2 * MiB);
    await setRelation({ name: 'Odd.Name', sizeAboveBytes: MiB });
    rig.clock.advance(HOUR_MS);
    await rig.sample(profileId);
    const alert = (await relationAlerts()).find((a) => a.kind === 'relation_size')!;
    // Bare, the message read public.Odd.Name: a table Name in a schema "public.Odd" just as well.
    expect(alert.message).toMatch(/^Table public\."Odd\.Name" is /);
    expect(alert.subject.name).toBe('public.Odd.Name');
  });
});
