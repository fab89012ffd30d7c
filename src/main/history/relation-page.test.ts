import { describe, expect, it } from 'vitest';
import { DAY_MS, MiB, rel, rig, sample, saveMany, T0 } from '../../../test/support/history-fixtures';
import { type RelationPageRequest, relationPageRequestSchema } from '../../shared/storage';

/** The relations table asks main for a window of the sorted, filtered list (storage:relations). */

const hyper = { schema: 'public', name: 'metrics' };
const root = { schema: 'public', name: 'logs' };

function withPieces(at: number, grow = 0) {
  return sample(at, [
    rel('public.orders', 100 * MiB + grow),
    rel('public.users', 60 * MiB + 3 * grow),
    rel('public.locked', 0, { measured: false, notMeasured: 'locked', totalBytes: null, heapBytes: null }),
    rel('public.metrics', 40 * MiB, { kind: 'hypertable', children: 2 }),
    rel('_timescaledb_internal._hyper_1_1_chunk', 30 * MiB, { kind: 'chunk', parent: hyper }),
    rel('_timescaledb_internal._hyper_1_2_chunk', 10 * MiB, { kind: 'chunk', parent: hyper }),
    rel('public.logs', 20 * MiB, { kind: 'partitioned', children: 2 }),
    rel('public.logs_2026_02', 15 * MiB, { kind: 'partition', parent: root }),
    rel('public.logs_2026_03', 5 * MiB, { kind: 'partition', parent: root }),
    rel('public.daily_totals', MiB, { kind: 'matview' }),
  ]);
}

function setup() {
  const r = rig();
  const p = r.addProfile();
  saveMany(r, p, [withPieces(T0 - 7 * DAY_MS), withPieces(T0, 5 * MiB)]);
  const page = (q: RelationPageRequest) => r.history.relationPage(p, relationPageRequestSchema.parse(q));
  return { r, p, page };
}

const names = (rows: Array<{ name: string }>) => rows.map((x) => x.name);

describe('the windowed relations list', () => {
  it('sorted by total like the overview, cut into windows that add up to the whole list', () => {
    const { r, p, page } = setup();
    const whole = r.history.overview(p).relations;
    const first = page({ limit: 2 });
    const rest = page({ offset: 2, limit: 100 });
    expect(first.total).toBe(whole.length);
    expect(first.sampleId).toBe(r.history.overview(p).latest?.sampleId);
    expect([...first.rows, ...rest.rows]).toEqual(whole);
    expect(rest.total).toBe(whole.length);
    expect(page({ offset: 100 })).toMatchObject({ total: whole.length, rows: [] });
    expect(page({ sort: { key: 'growth', dir: 'asc' }, offset: 1 }).total).toBe(whole.length);
    // the not-measured relation sorts last, never as a zero
    expect(rest.rows.at(-1)).toMatchObject({ name: 'locked', measured: false, totalBytes: null });
  });

  it('sorts by name, kind and growth in main, in both directions', () => {
    const { page } = setup();
    expect(names(page({ sort: { key: 'name', dir: 'asc' } }).rows)).toEqual([
      'daily_totals',
      'locked',
      'logs',
      'metrics',
      'orders',
      'users',
    ]);
    expect(names(page({ sort: { key: 'growth', dir: 'desc' }, limit: 2 }).rows)).toEqual(['users', 'orders']);
    const growth = page({ sort: { key: 'growth', dir: 'desc' }, limit: 2 }).rows;
    expect(growth.map((x) => x.growth7dBytes)).toEqual([15 * MiB, 5 * MiB]);
    expect(names(page({ sort: { key: 'kind', dir: 'desc' }, limit: 1 }).rows)).toEqual(['daily_totals']);
  });

  it('a search finds partitions and chunks by name, with the count of matches; kind narrows it', () => {
    const { page } = setup();
    const logs = page({ search: 'LOGS_2026' });
    expect(logs.total).toBe(2);
    expect(logs.rows.map((x) => `${x.name}:${x.kind}:${x.parentId !== null}`)).toEqual([
      'logs_2026_02:partition:true',
      'logs_2026_03:partition:true',
    ]);
    expect(names(page({ search: '_hyper_1_2' }).rows)).toEqual(['_hyper_1_2_chunk']);
    expect(names(page({ search: 'public.met' }).rows)).toEqual(['metrics']);
    expect(page({ search: 'logs', kind: 'partition' }).total).toBe(2);
    expect(names(page({ kind: 'matview' }).rows)).toEqual(['daily_totals']);
    expect(page({ search: 'nothing like it' })).toMatchObject({ total: 0, rows: [] });
  });

  it('counts the list when the sample holds no count (written before step 021): the same total', () => {
    const { r, page } = setup();
    const stored = page({ limit: 1 }).total;
    r.db.exec('UPDATE samples SET top_level_count = NULL');
    expect(page({ limit: 1 }).total).toBe(stored);
    expect(stored).toBe(6);
  });

  it('before the first sample: an empty window, not an error', () => {
    const r = rig();
    const p = r.addProfile();
    expect(r.history.relationPage(p, relationPageRequestSchema.parse({}))).toEqual({
      sampleId: null,
      total: 0,
      offset: 0,
      rows: [],
    });
  });
});
