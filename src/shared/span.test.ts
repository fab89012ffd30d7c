import { describe, expect, it } from 'vitest';
import { formatSpan, matchesWindow } from './span';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('spans', () => {
  it('says how long in the words every side uses', () => {
    expect(formatSpan(0)).toBe('0 s');
    expect(formatSpan(19_000)).toBe('19 s');
    expect(formatSpan(46_000)).toBe('46 s');
    expect(formatSpan(5 * 60_000)).toBe('5 min');
    expect(formatSpan(6 * HOUR)).toBe('6 h');
    expect(formatSpan(DAY + 46_000)).toBe('24 h');
    expect(formatSpan(7 * DAY)).toBe('7 days');
  });

  it('lets a figure carry its window’s name only when its span matches it', () => {
    expect(matchesWindow(7 * DAY - HOUR, 7 * DAY)).toBe(true);
    expect(matchesWindow(7 * DAY + 2 * HOUR, 7 * DAY)).toBe(true);
    expect(matchesWindow(19_000, 7 * DAY)).toBe(false);
    // A baseline twice as old as the window is no "7 days" either.
    expect(matchesWindow(14 * DAY, 7 * DAY)).toBe(false);
  });
});
