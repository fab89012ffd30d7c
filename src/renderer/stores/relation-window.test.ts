import { describe, expect, it } from 'vitest';
import { fakeClient } from '../../../test/support/fake-client';
import type { RequestOf } from '../../shared/contract';
import type { Result } from '../../shared/result';
import type { RelationPage, RelationRow } from '../../shared/storage';
import { createRelationWindowStore, type RelationQuery, WINDOW_BLOCK } from './relation-window';

const queryOf = (c: { request: unknown }) => (c.request as RequestOf<'storage:listRelations'>).query;
const row = (relationId: number, name: string) => ({ relationId, name }) as RelationRow;
const page = (total: number, offset: number, names: string[]): Result<RelationPage> => ({
  ok: true,
  value: { sampleId: 1, total, offset, rows: names.map((n, i) => row(offset + i, n)) },
});
const query = (search = ''): RelationQuery => ({
  profileId: 'p1',
  sort: { key: 'total', dir: 'desc' },
  search,
  kind: null,
});
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('the relations window', () => {
  it('reads the first block, then only the blocks that cover what scrolls into view', async () => {
    const { client, calls } = fakeClient();
    const store = createRelationWindowStore(client);
    store.getState().setQuery(query());
    expect(calls.map(queryOf)).toEqual([
      { sort: { key: 'total', dir: 'desc' }, search: '', kind: null, offset: 0, limit: WINDOW_BLOCK },
    ]);
    calls[0]!.answer(page(50_000, 0, ['a', 'b']));
    await flush();
    expect(store.getState().total).toBe(50_000);
    expect(store.getState().rows[1]?.name).toBe('b');

    store.getState().ensure(150, 450);
    store.getState().ensure(180, 420);
    expect(calls.slice(1).map((c) => queryOf(c).offset)).toEqual([WINDOW_BLOCK, 2 * WINDOW_BLOCK]);
    calls[2]!.answer(page(50_000, 2 * WINDOW_BLOCK, ['deep']));
    await flush();
    expect(store.getState().rows[2 * WINDOW_BLOCK]?.name).toBe('deep');
  });

  it('drops the answer to a search typed over, and keeps the rows shown while a new sample is read', async () => {
    const { client, calls } = fakeClient();
    const store = createRelationWindowStore(client);
    store.getState().setQuery(query('or'));
    store.getState().setQuery(query('ord'));
    calls[1]!.answer(page(1, 0, ['orders']));
    calls[0]!.answer(page(2, 0, ['orders', 'customer_orders']));
    await flush();
    expect(store.getState().total).toBe(1);
    expect(Object.values(store.getState().rows).map((r) => r.name)).toEqual(['orders']);

    store.getState().reload();
    expect(calls).toHaveLength(3);
    expect(store.getState().rows[0]?.name).toBe('orders');
    calls[2]!.answer(page(1, 0, ['orders (new sample)']));
    await flush();
    expect(store.getState().rows[0]?.name).toBe('orders (new sample)');
  });
});
