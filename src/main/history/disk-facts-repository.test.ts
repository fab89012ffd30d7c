import { describe, expect, it } from 'vitest';
import { DAY_MS, GiB, HOUR_MS, MiB, rig, sample, T0 } from '../../../test/support/history-fixtures';
import type { DiskFacts } from '../../shared/disk-facts';

function facts(
  overrides: Partial<DiskFacts> = {},
  temp: Record<string, [number, string | null]> = {},
): DiskFacts {
  const database = (name: string, xidAge: number) => ({
    name,
    xidAge,
    mxidAge: 5,
    tempBytes: temp[name]?.[0] ?? 0,
    tempFiles: temp[name] ? 3 : 0,
    statsReset: temp[name]?.[1] ?? null,
  });
  return {
    inRecovery: false,
    wal: { bytes: 3 * GiB, files: 192 },
    slots: [
      {
        name: 'gone',
        kind: 'physical',
        database: null,
        active: false,
        walStatus: 'extended',
        retainedBytes: 12 * GiB,
        inactiveSince: null,
        fixSql: "SELECT pg_catalog.pg_drop_replication_slot('gone');",
      },
      {
        name: 'live',
        kind: 'logical',
        database: 'app',
        active: true,
        walStatus: 'reserved',
        retainedBytes: 1 * MiB,
        inactiveSince: null,
        fixSql: "SELECT pg_catalog.pg_drop_replication_slot('live');",
      },
    ],
    freezeMaxAge: 200_000_000,
    multixactFreezeMaxAge: 400_000_000,
    databases: [database('app', 2 ** 30), database('other', 1000)],
    oldestTables: [],
    bloat: [],
    indexes: [],
    statsReset: null,
    tablespaces: [],
    gaps: ['A gap.', 'A slow gap.'],
    measuredAt: {
      wal: at(T0),
      slots: at(T0),
      databases: at(T0),
      oldestTables: at(T0 - HOUR_MS),
      bloat: at(T0 - HOUR_MS),
      indexes: at(T0 - HOUR_MS),
      tablespaces: at(T0 - HOUR_MS),
    },
    slowGaps: ['A slow gap.'],
    ...overrides,
  };
}

const at = (ms: number) => new Date(ms).toISOString();
const bloated = {
  kind: 'table' as const,
  schema: 'public',
  name: 'items',
  table: null,
  bytes: 10 * MiB,
  bloatBytes: 6 * MiB,
  bloatPct: 60,
  fixSql: 'VACUUM (FULL, VERBOSE) "public"."items";',
};

describe('disk facts in history', () => {
  it('stores them with the sample and reads the latest back whole; nothing before the first', () => {
    const r = rig();
    const p = r.addProfile();
    expect(r.history.latestDiskFactsView(p)).toBeNull();
    expect(r.history.latestDiskFactsSummaries().size).toBe(0);
    r.history.saveSample(p, { ...sample(T0, []), diskFacts: facts() });
    const view = r.history.latestDiskFactsView(p)!;
    expect(view.facts).toEqual(facts());
    expect(view.tempRates).toEqual([]);
    expect(view.tempNote).toMatch(/second one/);
  });

  it('gives the next sample the slow facts to carry, each with the time it was measured', () => {
    const r = rig();
    const p = r.addProfile();
    expect(r.history.latestSlowDiskFacts(p)).toBeNull();
    const oldest = {
      schema: 'public',
      name: 'old',
      xidAge: 5,
      mxidAge: 1,
      bytes: 8192,
      fixSql: 'VACUUM (FREEZE, VERBOSE) "public"."old";',
    };
    r.history.saveSample(p, {
      ...sample(T0, []),
      diskFacts: facts({ bloat: [bloated], oldestTables: [oldest] }),
    });
    expect(r.history.latestSlowDiskFacts(p)).toEqual({
      oldestTables: [oldest],
      bloat: [bloated],
      indexes: [],
      tablespaces: [],
      gaps: ['A slow gap.'],
      measuredAt: {
        oldestTables: at(T0 - HOUR_MS),
        bloat: at(T0 - HOUR_MS),
        indexes: at(T0 - HOUR_MS),
        tablespaces: at(T0 - HOUR_MS),
      },
    });
  });

  it('reads a sample stored before the slow facts had a cadence as measured with it, and carries nothing from it', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.saveSample(p, { ...sample(T0, []), diskFacts: facts({ bloat: [bloated] }) });
    // What the findings JSON held before: no measuredAt, no slowGaps.
    r.db.exec(`UPDATE disk_fact_samples SET findings = json_remove(findings, '$.measuredAt', '$.slowGaps')`);
    const view = r.history.latestDiskFactsView(p)!;
    expect(view.facts.measuredAt).toEqual({
      wal: at(T0),
      slots: at(T0),
      databases: at(T0),
      oldestTables: at(T0),
      bloat: at(T0),
      indexes: at(T0),
      tablespaces: at(T0),
    });
    expect(view.facts.slowGaps).toEqual([]);
    expect(view.facts.bloat).toEqual([bloated]);
    expect(r.history.latestSlowDiskFacts(p)).toBeNull();
  });

  it('gives the fleet the WAL the slots retain and the oldest XID age in %', () => {
    const r = rig();
    const p = r.addProfile();
    const other = r.addProfile();
    r.addProfile(); // never sampled: no row
    r.history.saveSample(p, { ...sample(T0 - HOUR_MS, []), diskFacts: facts({ slots: [] }) });
    r.history.saveSample(p, { ...sample(T0, []), diskFacts: facts() });
    r.history.saveSample(other, { ...sample(T0, []), diskFacts: facts({ slots: [], databases: [] }) });
    expect(r.history.latestDiskFactsSummaries()).toEqual(
      new Map([
        [p, { takenAt: new Date(T0), walRetainedBytes: 12 * GiB, inactiveSlots: 1, oldestXidAgePct: 50 }],
        [other, { takenAt: new Date(T0), walRetainedBytes: null, inactiveSlots: 0, oldestXidAgePct: null }],
      ]),
    );
  });

  it('says temporary files written between two samples over their real span, and skips a reset counter', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.saveSample(p, {
      ...sample(T0 - 12 * HOUR_MS, []),
      diskFacts: facts({}, { app: [1 * GiB, null], other: [5 * GiB, null] }),
    });
    r.history.saveSample(p, {
      ...sample(T0, []),
      diskFacts: facts({}, { app: [3 * GiB, null], other: [1 * MiB, '2026-03-01T06:00:00.000Z'] }),
    });
    const view = r.history.latestDiskFactsView(p)!;
    expect(view.tempRates).toEqual([
      { database: 'app', bytes: 2 * GiB, files: 0, spanMs: 12 * HOUR_MS, bytesPerDay: 4 * GiB },
    ]);
    expect(view.tempNote).toBe(
      'Temporary files over 12 h between the last two samples; 1 database(s) left out: their counters started again in between (a statistics reset or a crash restart).',
    );
  });

  it('gives no figure a day from samples less than an hour apart: 40 s of temp files are not a day', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.saveSample(p, { ...sample(T0 - 40_000, []), diskFacts: facts({}, { app: [1 * GiB, null] }) });
    r.history.saveSample(p, {
      ...sample(T0, []),
      diskFacts: facts({}, { app: [1 * GiB + 100 * MiB, null] }),
    });
    const view = r.history.latestDiskFactsView(p)!;
    expect(view.tempRates[0]).toEqual({
      database: 'app',
      bytes: 100 * MiB,
      files: 0,
      spanMs: 40_000,
      bytesPerDay: null,
    });
    expect(view.tempNote).toBe(
      'Temporary files over 40 s between the last two samples (no figure a day: that needs samples at least 60 min apart).',
    );
  });

  it('goes with its sample', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.saveSample(p, { ...sample(T0 - DAY_MS, []), diskFacts: facts() });
    r.db.exec('DELETE FROM samples');
    expect(r.count('disk_fact_samples') + r.count('disk_fact_slots') + r.count('disk_fact_databases')).toBe(
      0,
    );
    expect(r.history.latestDiskFactsView(p)).toBeNull();
  });
});
