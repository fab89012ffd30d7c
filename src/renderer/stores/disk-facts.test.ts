import { describe, expect, it } from 'vitest';
import { fakeClient } from '../../../test/support/fake-client';
import type { ExactBloat } from '../../shared/disk-facts';
import { relationKey } from '../../shared/ident';
import { createDiskFactsStore } from './disk-facts';

const measured: ExactBloat = {
  schema: 'public',
  name: 'items',
  kind: 'table',
  function: 'pgstattuple_approx',
  bytes: 100,
  bloatBytes: 60,
  bloatPct: 60,
  freeBytes: 40,
  deadBytes: 20,
  scannedPct: 100,
  measuredAt: '2026-03-02T12:00:00.000Z',
  durationMs: 12,
};

describe('exact bloat on the Storage page', () => {
  it('measures one relation on demand, once at a time, and keeps the error a missing extension gives', async () => {
    const { client, calls } = fakeClient();
    const store = createDiskFactsStore(client);
    store.getState().open('p1');
    calls.shift()!.answer({ ok: true, value: null });

    const first = store.getState().measureExact('public', 'items');
    void store.getState().measureExact('public', 'items'); // a second click while measuring: ignored
    expect(calls.map((c) => [c.channel, c.request])).toEqual([
      ['storage:exactBloat', { profileId: 'p1', schema: 'public', name: 'items' }],
    ]);
    expect(store.getState().exact[relationKey('public', 'items')]).toEqual({
      loading: true,
      data: null,
      error: null,
    });
    calls.shift()!.answer({ ok: true, value: measured });
    await first;
    expect(store.getState().exact[relationKey('public', 'items')]).toEqual({
      loading: false,
      data: measured,
      error: null,
    });

    const failed = store.getState().measureExact('public', 'other');
    const error = { code: 'unsupported' as const, message: 'The pgstattuple extension is not installed.' };
    calls.shift()!.answer({ ok: false, error });
    await failed;
    expect(store.getState().exact[relationKey('public', 'other')]).toEqual({
      loading: false,
      data: null,
      error,
    });

    // Another profile: the figures of the last one go.
    store.getState().open('p2');
    expect(store.getState().exact).toEqual({});
  });

  it('keeps "a.b".c and a."b.c" apart: a bare dot made them one entry, and the second click was ignored', async () => {
    const { client, calls } = fakeClient();
    const store = createDiskFactsStore(client);
    store.getState().open('p1');
    calls.shift()!.answer({ ok: true, value: null });

    const first = store.getState().measureExact('a.b', 'c');
    const second = store.getState().measureExact('a', 'b.c');
    expect(calls.map((c) => c.request)).toEqual([
      { profileId: 'p1', schema: 'a.b', name: 'c' },
      { profileId: 'p1', schema: 'a', name: 'b.c' },
    ]);
    calls.shift()!.answer({ ok: true, value: { ...measured, schema: 'a.b', name: 'c' } });
    await first;
    expect(store.getState().exact[relationKey('a', 'b.c')]).toMatchObject({ loading: true, data: null });
    calls.shift()!.answer({ ok: true, value: { ...measured, schema: 'a', name: 'b.c', bloatBytes: 5 } });
    await second;
    expect(store.getState().exact[relationKey('a.b', 'c')]?.data?.bloatBytes).toBe(60);
    expect(store.getState().exact[relationKey('a', 'b.c')]?.data?.bloatBytes).toBe(5);
  });
});
