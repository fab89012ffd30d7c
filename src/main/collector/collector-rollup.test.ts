import { describe, expect, it } from 'vitest';
import { isoFromEpochMs, LOCKED, type RollupInput, rollUp } from './collector-rollup';
import type { RelationRowArray } from './sql/relations';
import type { HypertableRow } from './sql/timescale';

/**
 * The rollup on its own, for the one case the real servers cannot play: the
 * TimescaleDB test server takes a single connection, so no other session can
 * hold a lock on a chunk there. Rows are shaped as the relation and hypertable
 * statements return them.
 */

type Cls = RelationRowArray[3];

function row(
  oid: number,
  name: string,
  cls: Cls,
  parent: number | null,
  sizes: [number, number, number] | null,
  blocked = false,
): RelationRowArray {
  const [heap, toast, index] = sizes ?? [null, null, null];
  return [
    oid,
    cls === 'c' || cls === 'z' ? '_timescaledb_internal' : 'public',
    name,
    cls,
    parent,
    blocked,
    heap === null ? null : String(heap),
    toast === null ? null : String(toast),
    index === null ? null : String(index),
    cls === 'c' ? 100 : null,
    '1',
    null,
    null,
    cls === 'h' ? 'public' : null,
    cls === 'h' ? name : null,
    cls === 'h' ? false : null,
    null,
    null,
  ];
}

function hypertable(oid: number, stalled: boolean): HypertableRow {
  return {
    oid,
    stalled,
    table_bytes: stalled ? null : '3000',
    index_bytes: stalled ? null : '2000',
    toast_bytes: stalled ? null : '1000',
    total_bytes: stalled ? null : '6000',
    chunks: '2',
    compressed_chunks: '1',
    before_bytes: '9000',
    after_bytes: '1500',
    has_stats: true,
  };
}

function input(relations: RelationRowArray[], ht: HypertableRow): RollupInput {
  return {
    user: 'monitor',
    canSize: true,
    maxRelations: 50_000,
    relations,
    locks: [{ owner: 12, locked: 12, granted: true, pids: [4242] }],
    timescale: { rows: [ht], error: null },
    gaps: [],
  };
}

describe('rolling chunks up into their hypertable', () => {
  it('a locked chunk: the chunk and its hypertable are "not measured", the other chunk keeps its size', () => {
    const out = rollUp(
      input(
        [
          row(10, 'metrics', 'h', null, null),
          row(11, '_hyper_1_1_chunk', 'c', 10, [100, 10, 50]),
          row(21, 'compress_hyper_2_3_chunk', 'z', 11, [40, 8, 16]),
          row(12, '_hyper_1_2_chunk', 'c', 10, null, true),
        ],
        hypertable(10, true),
      ),
    );
    const byName = new Map(out.relations.map((r) => [r.name, r]));
    // the compressed table is folded into its chunk, never listed
    expect(byName.has('compress_hyper_2_3_chunk')).toBe(false);
    expect(byName.get('_hyper_1_1_chunk')).toMatchObject({
      measured: true,
      heapBytes: 140,
      toastBytes: 18,
      indexBytes: 66,
      totalBytes: 224,
    });
    expect(byName.get('_hyper_1_2_chunk')).toMatchObject({
      measured: false,
      notMeasured: LOCKED,
      totalBytes: null,
    });
    const ht = byName.get('metrics');
    expect(ht).toMatchObject({
      kind: 'hypertable',
      measured: false,
      totalBytes: null,
      children: 2,
      compressedChildren: 1,
    });
    expect(ht?.notMeasured).toMatch(/a chunk is locked by another session \(ACCESS EXCLUSIVE\)/);
    expect(out.gaps.join(' ')).toContain('_timescaledb_internal._hyper_1_2_chunk (pid 4242)');
  });

  it('no lock: the hypertable carries TimescaleDB’s figures, not a sum of its own', () => {
    const out = rollUp(
      input(
        [row(10, 'metrics', 'h', null, null), row(11, '_hyper_1_1_chunk', 'c', 10, [100, 10, 50])],
        hypertable(10, false),
      ),
    );
    const ht = out.relations.find((r) => r.name === 'metrics');
    expect(ht).toMatchObject({
      measured: true,
      heapBytes: 3000,
      indexBytes: 2000,
      toastBytes: 1000,
      totalBytes: 6000,
      beforeCompressionBytes: 9000,
      afterCompressionBytes: 1500,
      rowEstimate: 100,
    });
  });
});

describe('isoFromEpochMs', () => {
  it('writes exactly what Date#toISOString writes', () => {
    const values = [
      0,
      1,
      999,
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(2026, 0, 1),
      1_763_800_000_123.4,
      1_763_800_000_123.6,
      -1000,
      253_402_300_800_000,
    ];
    for (let i = 0; i < 2000; i++) values.push(Math.random() * 4e12);
    for (const v of values) expect(isoFromEpochMs(v), String(v)).toBe(new Date(Math.round(v)).toISOString());
  });
});
