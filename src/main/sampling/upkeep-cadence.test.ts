import { describe, expect, it } from 'vitest';
import { upkeepFor } from './upkeep-cadence';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;

describe('the upkeep figures cadence', () => {
  it('reads them when there is no sample yet', () => {
    expect(upkeepFor(null, 60, new Date(T0))).toBe('read');
  });

  it('carries them, with the time they were read, until they are due', () => {
    expect(upkeepFor(new Date(T0 - 59 * MIN), 60, new Date(T0))).toEqual({ readAt: new Date(T0 - 59 * MIN) });
    expect(upkeepFor(new Date(T0 - 60 * MIN), 60, new Date(T0))).toBe('read');
  });
});
