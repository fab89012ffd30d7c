import { describe, expect, it } from 'vitest';
import type { Alert } from '../../shared/alerts';
import type { UpkeepReport } from '../../shared/partition-upkeep';
import { shellWord } from '../../shared/plain-text';
import { checkUpkeep } from './partition-check';

const report = (over: Partial<UpkeepReport>): UpkeepReport => ({
  table: 'public.orders',
  timeColumn: 'placed_at',
  created: [],
  movedRows: 0,
  detached: [],
  ahead: 7,
  wantedAhead: 7,
  defaultPartition: 'public.orders_default',
  defaultRows: 0,
  skipped: null,
  ...over,
});

const messages = (r: Partial<UpkeepReport>, profile = 'Prod') =>
  checkUpkeep([report(r)], true, profile).drafts.map((d) => d.message);

describe('the partition_upkeep rule', () => {
  it('asks for two partitions ahead, or as many as the migration keeps when it keeps fewer', () => {
    expect(messages({ ahead: 2 })).toEqual([]);
    expect(messages({ ahead: 1 })[0]).toMatch(
      /^Only 1 partition is left ahead of now in public\.orders \(upkeep keeps 7\)/,
    );
    expect(messages({ ahead: 0 })[0]).toMatch(/^No partition is left ahead of now in public\.orders/);
    expect(messages({ ahead: 1, wantedAhead: 1 })).toEqual([]);
    expect(messages({ ahead: 0, wantedAhead: 0 })).toEqual([]);
    // An integer time column with no rows yet: nothing says where now is.
    expect(messages({ ahead: null })).toEqual([]);
  });

  it('counts DEFAULT rows as the DBA reads them, and says both conditions in one alert', () => {
    expect(messages({ defaultRows: 412 })[0]).toMatch(
      /^412 rows are in public\.orders_default, the DEFAULT partition of public\.orders: no partition takes them \(a NULL placed_at/,
    );
    expect(messages({ defaultRows: 100_000 })[0]).toMatch(
      /^At least 100,000 rows are in public\.orders_default/,
    );
    const both = messages({ defaultRows: 3, ahead: 1 });
    expect(both).toHaveLength(1);
    expect(both[0]).toMatch(
      /^3 rows are in .* Only 1 partition is left ahead .* Run tidemark partitions maintain/,
    );
    expect(messages({ defaultRows: 3, skipped: 'public.orders is no longer a partitioned table.' })).toEqual(
      [],
    );
  });

  it('quotes the profile and table in the command for a shell', () => {
    expect(messages({ defaultRows: 1 }, "Bob's prod")[0]).toContain(
      `Run tidemark partitions maintain 'Bob'"'"'s prod' public.orders:`,
    );
    expect(shellWord('public.orders')).toBe('public.orders');
    expect(shellWord('a b$(x)')).toBe(`'a b$(x)'`);
  });

  it('speaks for the tables it maintained, and for every table only after a round over all of them', () => {
    const alert = { kind: 'partition_upkeep', subject: { name: 'public.gone' } } as Alert;
    expect(checkUpkeep([report({})], false, 'Prod').speaksFor(alert)).toBe(false);
    expect(checkUpkeep([report({ table: 'public.gone' })], false, 'Prod').speaksFor(alert)).toBe(true);
    expect(checkUpkeep([], true, 'Prod').speaksFor(alert)).toBe(true);
    expect(checkUpkeep([], true, 'Prod').speaksFor({ ...alert, kind: 'size_critical' })).toBe(false);
  });
});
