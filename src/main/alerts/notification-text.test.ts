import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertRig, growTo, MiB, startRig } from '../../../test/support/alerts-rig';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { oneLine } from '../../shared/plain-text';

/**
 * A desktop notification is plain text the OS shows as it is: a relation
 * name from the server must not add a line to it, reorder it or hide in it.
 */

let db: TestDatabase;
let admin: pg.Client;
let rig: AlertRig;
let profileId: string;
const hostile = 'events\nResolved: all clear\u202e\u200b';

beforeAll(async () => {
  db = await createTestDatabase('notification text');
  admin = await db.admin();
  await admin.query(`CREATE TABLE ${admin.escapeIdentifier(hostile)} (body text)`);
  await growTo(admin, admin.escapeIdentifier(hostile), 2 * MiB);
  rig = await startRig('2026-10-05T03:00:00Z');
  profileId = rig.addProfile(db.profile({ name: 'ledger', password: db.password }));
  await rig.setRules([profileId], {
    growthWarningEnabled: false,
    relationGrowthEnabled: false,
    forecastEnabled: false,
  });
});

afterAll(async () => {
  await rig?.close();
  await db?.cleanup();
});

describe('desktop notifications', () => {
  it('show a hostile relation name on one line, its invisible and bidi characters escaped', async () => {
    await rig.call('rules:setRelation', {
      profileId,
      rule: { schema: 'public', name: hostile, muted: false, sizeAboveBytes: MiB, growthAbovePct: null },
    });
    await rig.sample(profileId);
    expect(rig.notified).toHaveLength(1);
    const [shown] = rig.notified;
    for (const text of [shown!.title, shown!.body]) {
      for (const raw of ['\n', '\u202e', '\u200b']) expect(text).not.toContain(raw);
    }
    expect(shown!.body).toContain('events Resolved: all clear\\u202e\\u200b');
  });
});

describe('oneLine', () => {
  it('turns line breaks into spaces and escapes controls, bidi and invisible characters', () => {
    expect(oneLine('a\r\nb\u2028c\td')).toBe('a b c d');
    expect(oneLine('x\x1b[2Jy\u202ez\u2066w\ufeffv\u00adu')).toBe(
      'x\\u001b[2Jy\\u202ez\\u2066w\\ufeffv\\u00adu',
    );
    expect(oneLine('orders ünïcode 表')).toBe('orders ünïcode 表');
  });
});
