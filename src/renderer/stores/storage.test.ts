import { describe, expect, it } from 'vitest';
import { fakeClient } from '../../../test/support/fake-client';
import type { EventMessage } from '../../shared/contract';
import type { RelationRow, StorageOverview } from '../../shared/storage';
import { sortRelations } from '../lib/relations';
import { parseThreshold } from './forecast-threshold';
import { createProfilesStore } from './profiles';
import { scheduleFieldErrors } from './schedule';
import { createStorageStore } from './storage';
import { createUnlockStore } from './unlock';

const row = (over: Partial<RelationRow>): RelationRow => ({
  relationId: 1,
  schema: 'public',
  name: 'a',
  kind: 'table',
  parentId: null,
  measured: true,
  notMeasured: null,
  heapBytes: 0,
  toastBytes: 0,
  indexBytes: 0,
  totalBytes: 0,
  rowEstimate: 0,
  deadTuples: 0,
  lastVacuum: null,
  lastAnalyze: null,
  children: null,
  compressedChildren: null,
  beforeCompressionBytes: null,
  afterCompressionBytes: null,
  growth7dBytes: null,
  growth7dSpanMs: null,
  ...over,
});

describe('the relations table', () => {
  const rows = [
    row({ relationId: 1, name: 'small', totalBytes: 10 }),
    row({ relationId: 2, name: 'locked', measured: false, totalBytes: null }),
    row({ relationId: 3, name: 'big', totalBytes: 1000, kind: 'partitioned', schema: 'sales' }),
  ];
  it('keeps relations without a value last, whichever the direction', () => {
    expect(sortRelations(rows, { key: 'total', dir: 'desc' }).map((r) => r.name)).toEqual([
      'big',
      'small',
      'locked',
    ]);
    expect(sortRelations(rows, { key: 'total', dir: 'asc' }).map((r) => r.name)).toEqual([
      'small',
      'big',
      'locked',
    ]);
  });
});

describe('form input', () => {
  it('reads a threshold in GiB', () => {
    expect(parseThreshold('50')).toEqual({ ok: true, bytes: 50 * 1024 ** 3 });
    expect(parseThreshold('0,5')).toEqual({ ok: true, bytes: 512 * 1024 ** 2 });
    expect(parseThreshold('0').ok).toBe(false);
    expect(parseThreshold('lots').ok).toBe(false);
  });
  it('maps schedule errors from either key main uses', () => {
    expect(
      scheduleFieldErrors({ code: 'invalid_input', message: 'x', fields: { 'schedule.storage': 'bad' } }),
    ).toEqual({ storage: 'bad' });
    expect(
      scheduleFieldErrors({
        code: 'invalid_input',
        message: 'x',
        fields: { storage: 'bad', heartbeatSeconds: 'low' },
      }),
    ).toEqual({ storage: 'bad', heartbeatSeconds: 'low' });
  });
});

const overviewOf = (profileId: string, state: 'up' | 'down' = 'up'): StorageOverview => ({
  profileId,
  latest: null,
  relations: [],
  status: { state, since: null, lastCheckAt: null, lastSampleAt: null, lastSampleError: null, message: null },
});

describe('the storage store', () => {
  function setup() {
    const { client, calls } = fakeClient();
    const unlock = createUnlockStore(client);
    const profiles = createProfilesStore(client, unlock);
    const storage = createStorageStore({ client, profiles, unlock });
    return { storage, calls };
  }

  it('drops answers for a profile the page has left', async () => {
    const { storage, calls } = setup();
    storage.getState().open('a');
    const first = calls.find((c) => c.channel === 'storage:getOverview')!;
    storage.getState().open('b');
    first.answer({ ok: true, value: overviewOf('a') });
    await Promise.resolve();
    expect(storage.getState().profileId).toBe('b');
    expect(storage.getState().overview.data).toBeNull();
  });

  it('keeps the last good value when a refresh fails, and says why', async () => {
    const { storage, calls } = setup();
    storage.getState().open('a');
    calls.find((c) => c.channel === 'storage:getOverview')!.answer({ ok: true, value: overviewOf('a') });
    await new Promise((r) => setTimeout(r, 0));
    const refresh = storage.getState().loadOverview();
    calls
      .filter((c) => c.channel === 'storage:getOverview')
      .at(-1)!
      .answer({ ok: false, error: { code: 'store_error', message: 'disk full' } });
    await refresh;
    expect(storage.getState().overview.data?.profileId).toBe('a');
    expect(storage.getState().overview.error?.message).toBe('disk full');
  });

  it('reads the overview again when a heartbeat changes the state, not on every beat', async () => {
    const { storage, calls } = setup();
    storage.getState().open('a');
    calls.find((c) => c.channel === 'storage:getOverview')!.answer({ ok: true, value: overviewOf('a') });
    await new Promise((r) => setTimeout(r, 0));
    const count = () => calls.filter((c) => c.channel === 'storage:getOverview').length;
    const before = count();
    const beat = (state: 'up' | 'down'): EventMessage => ({
      event: 'profiles:statusChanged',
      payload: { profileId: 'a', state, at: new Date().toISOString() },
    });
    storage.getState().applyEvent(beat('up'));
    expect(count()).toBe(before);
    storage.getState().applyEvent(beat('down'));
    expect(count()).toBe(before + 1);
  });
});
