import { describe, expect, it } from 'vitest';
import type { FleetRow } from '../../shared/fleet';
import { filterFleet, groupByTag, sortFleet } from './fleet';

const row = (name: string, over: Partial<FleetRow>): FleetRow => ({
  profileId: name,
  name,
  endpoint: `dba@${name}.example:5432/app`,
  tags: [],
  status: 'up',
  statusSince: null,
  statusMessage: null,
  lastHeartbeatAt: null,
  lastSampleAt: null,
  lastSampleError: null,
  databaseName: 'app',
  databaseBytes: null,
  change24h: null,
  change7d: null,
  bytesPerDay: null,
  fit: null,
  noRate: 'no samples yet',
  critical: { thresholdBytes: 100, reachesAt: null, daysLeft: null },
  disk: null,
  walRetainedBytes: null,
  xidAgePct: null,
  diskFactsNote: null,
  alerts: { critical: 0, warning: 0 },
  sparkline: { from: 0, bucketMs: 1, bytes: [] },
  riskRank: 0,
  riskReason: null,
  ...over,
});

const rows = [
  row('a', { riskRank: 2, databaseBytes: 10, tags: ['prod'] }),
  row('b', { riskRank: 1, databaseBytes: null, tags: ['prod', 'team-x'] }),
  row('c', { riskRank: 3, databaseBytes: 30, tags: [] }),
];

describe('fleet table', () => {
  it('sorts by risk by default and by any column, servers without the figure last either way', () => {
    expect(sortFleet(rows, { key: 'risk', descending: false }).map((r) => r.name)).toEqual(['b', 'a', 'c']);
    expect(sortFleet(rows, { key: 'size', descending: true }).map((r) => r.name)).toEqual(['c', 'a', 'b']);
    expect(sortFleet(rows, { key: 'size', descending: false }).map((r) => r.name)).toEqual(['a', 'c', 'b']);
    expect(sortFleet(rows, { key: 'name', descending: true }).map((r) => r.name)).toEqual(['c', 'b', 'a']);
  });

  it('filters by words in the name, host or tags, and by one tag', () => {
    expect(filterFleet(rows, 'TEAM', null).map((r) => r.name)).toEqual(['b']);
    expect(filterFleet(rows, 'c.example', null).map((r) => r.name)).toEqual(['c']);
    expect(filterFleet(rows, '', 'prod').map((r) => r.name)).toEqual(['a', 'b']);
    expect(filterFleet(rows, 'a.example', 'team-x')).toEqual([]);
  });

  it('groups by tag, a server in each of its tags, untagged last', () => {
    expect(groupByTag(rows).map((g) => [g.tag, g.rows.map((r) => r.name)])).toEqual([
      ['prod', ['a', 'b']],
      ['team-x', ['b']],
      [null, ['c']],
    ]);
  });
});
