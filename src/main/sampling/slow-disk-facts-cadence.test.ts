import { describe, expect, it } from 'vitest';
import type { SlowDiskFacts } from '../collector/disk-facts-collector';
import { slowDiskFactsFor } from './slow-disk-facts-cadence';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;
const known = (minutesAgo: number, tablespaces: number | null = minutesAgo): SlowDiskFacts => ({
  oldestTables: [],
  bloat: [],
  indexes: [],
  tablespaces: [],
  gaps: [],
  measuredAt: {
    oldestTables: new Date(T0 - minutesAgo * MIN).toISOString(),
    bloat: new Date(T0 - minutesAgo * MIN).toISOString(),
    indexes: new Date(T0 - minutesAgo * MIN).toISOString(),
    tablespaces: tablespaces === null ? null : new Date(T0 - tablespaces * MIN).toISOString(),
  },
});

describe('the slow disk facts cadence', () => {
  it('reads them when there are none yet', () => {
    expect(slowDiskFactsFor(null, 60, new Date(T0))).toBe('read');
  });

  it('carries them until the oldest is due, then reads them', () => {
    expect(slowDiskFactsFor(known(59), 60, new Date(T0))).toEqual(known(59));
    expect(slowDiskFactsFor(known(60), 60, new Date(T0))).toBe('read');
    expect(slowDiskFactsFor(known(10, 61), 60, new Date(T0))).toBe('read');
  });

  it('reads them again when one of them was not read last time', () => {
    expect(slowDiskFactsFor(known(1, null), 60, new Date(T0))).toBe('read');
  });
});
