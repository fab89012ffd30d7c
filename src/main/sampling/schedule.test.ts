import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { isDue, longestSpacingMs, nextRun, parseSchedule } from './schedule';

const at = (iso: string) => new Date(iso);

describe('storage schedules', () => {
  it('runs daily at 03:00 UTC by default, and catches up a run missed while the app was closed', () => {
    const s = parseSchedule('daily 03:00');
    // Sampled yesterday at 03:00; now 10:00 the next day: today's 03:00 was missed.
    expect(isDue(s, at('2026-11-21T03:00:05Z'), at('2026-11-22T10:00:00Z'))).toBe(true);
    // Sampled today at 03:00: next is tomorrow 03:00.
    expect(isDue(s, at('2026-11-22T03:00:05Z'), at('2026-11-22T10:00:00Z'))).toBe(false);
    expect(nextRun(s, at('2026-11-22T03:00:05Z'), at('2026-11-22T10:00:00Z')).toISOString()).toBe(
      '2026-11-23T03:00:00.000Z',
    );
  });

  it('samples a profile that was never sampled right away', () => {
    expect(isDue(parseSchedule('daily 03:00'), null, at('2026-11-22T10:00:00Z'))).toBe(true);
  });

  it('understands intervals in minutes and hours', () => {
    const every15 = parseSchedule('every 15m');
    expect(every15).toMatchObject({ kind: 'interval', ms: 15 * 60_000 });
    expect(parseSchedule('Every 2 hours')).toMatchObject({ kind: 'interval', ms: 2 * 3_600_000 });
    const last = at('2026-11-22T10:00:00Z');
    expect(isDue(every15, last, at('2026-11-22T10:14:59Z'))).toBe(false);
    expect(isDue(every15, last, at('2026-11-22T10:15:00Z'))).toBe(true);
    expect(nextRun(every15, last, at('2026-11-22T10:01:00Z')).toISOString()).toBe('2026-11-22T10:15:00.000Z');
  });

  it('accepts cron expressions in UTC', () => {
    const s = parseSchedule('30 */6 * * *');
    expect(nextRun(s, at('2026-11-22T06:31:00Z'), at('2026-11-22T07:00:00Z')).toISOString()).toBe(
      '2026-11-22T12:30:00.000Z',
    );
  });

  it.each([
    ['daily 25:00', /does not exist/],
    ['every 0m', /more often than once a minute/],
    ['every 10 seconds', /not understood/],
    ['whenever', /not understood/],
    ['61 * * * *', /not a valid cron/],
  ])('refuses %s with a message that says what works', (text, why) => {
    try {
      parseSchedule(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).message).toMatch(why);
      expect((err as AppError).message).toContain('"daily 03:00"');
      expect((err as AppError).fields?.['schedule.storage']).toBeDefined();
    }
  });

  it('knows the longest wait between two scheduled samples (what a chart may call a gap)', () => {
    const hours = (text: string) => longestSpacingMs(parseSchedule(text)) / 3_600_000;
    expect(hours('daily 03:00')).toBe(24);
    expect(hours('every 15m')).toBe(0.25);
    expect(hours('hourly')).toBe(1);
    expect(hours('0 9,17 * * *')).toBe(16);
    // Weekdays only: Friday 09:00 to Monday 09:00.
    expect(hours('0 9 * * 1-5')).toBe(72);
    expect(hours('0 3 1 * *')).toBe(31 * 24);
  });
});
