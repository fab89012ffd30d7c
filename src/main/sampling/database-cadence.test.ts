import { describe, expect, it } from 'vitest';
import { otherDatabasesFor } from './database-cadence';

const at = (iso: string) => new Date(iso);

describe('the other databases’ cadence', () => {
  const known = [
    { name: 'postgres', bytes: 7, sizedAt: at('2026-01-01T10:00:00Z') },
    { name: 'reports', bytes: 9, sizedAt: at('2026-01-01T10:20:00Z') },
  ];

  it('sizes them when nothing is known yet', () => {
    expect(otherDatabasesFor([], 60, at('2026-01-01T10:00:00Z'))).toBe('size');
  });

  it('carries the last figures, with their own times, until the oldest is an interval old', () => {
    expect(otherDatabasesFor(known, 60, at('2026-01-01T10:59:59Z'))).toEqual(known);
    expect(otherDatabasesFor(known, 60, at('2026-01-01T11:00:00Z'))).toBe('size');
    expect(otherDatabasesFor(known, 15, at('2026-01-01T10:15:00Z'))).toBe('size');
  });
});
