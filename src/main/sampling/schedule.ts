import { Cron } from 'croner';
import { AppError } from '../errors';

/**
 * Storage schedules as a DBA writes them, all in UTC:
 *   "daily 03:00" (also "daily at 3:00"), "every 15m", "every 2h", "hourly",
 *   or a 5-field cron expression ("0 3 * * *").
 */
export type ParsedSchedule =
  | { kind: 'cron'; text: string; cron: Cron }
  | { kind: 'interval'; text: string; ms: number };

const MINUTE = 60_000;

function invalid(text: string, why: string): AppError {
  const message =
    `The schedule "${text}" ${why}. Use "daily 03:00" (UTC), "every 15m", "every 2h", ` +
    'or a cron expression such as "0 3 * * *" (UTC).';
  return new AppError('invalid_input', message, { 'schedule.storage': message });
}

function cron(text: string, expression: string): ParsedSchedule {
  try {
    return { kind: 'cron', text, cron: new Cron(expression, { timezone: 'UTC', paused: true }) };
  } catch (err) {
    throw invalid(text, `is not a valid cron expression (${(err as Error).message})`);
  }
}

export function parseSchedule(input: string): ParsedSchedule {
  const text = input.trim().replace(/\s+/g, ' ');
  const lower = text.toLowerCase();

  const daily = /^daily(?: at)? (\d{1,2}):(\d{2})(?: utc)?$/.exec(lower);
  if (daily) {
    const hour = Number(daily[1]);
    const minute = Number(daily[2]);
    if (hour > 23 || minute > 59) throw invalid(text, 'names a time that does not exist');
    return cron(text, `${minute} ${hour} * * *`);
  }
  if (lower === 'hourly') return { kind: 'interval', text, ms: 60 * MINUTE };

  const every = /^every (\d+) ?(m|min|mins|minutes?|h|hr|hrs|hours?)$/.exec(lower);
  if (every) {
    const n = Number(every[1]);
    const ms = n * (every[2]!.startsWith('h') ? 60 : 1) * MINUTE;
    if (ms < MINUTE) throw invalid(text, 'is more often than once a minute');
    if (ms > 31 * 24 * 60 * MINUTE) throw invalid(text, 'is less often than once a month');
    return { kind: 'interval', text, ms };
  }

  if (text.split(' ').length === 5 && /^[\d*/,\- a-z]+$/i.test(text)) return cron(text, text);
  throw invalid(text, 'is not understood');
}

/** The most recent scheduled time at or before `now` (cron), used to catch up a missed run. */
function previousCronRun(schedule: Extract<ParsedSchedule, { kind: 'cron' }>, now: Date): Date | null {
  return schedule.cron.previousRuns(1, now)[0] ?? null;
}

/**
 * Whether a storage sample is due now: never sampled, or a scheduled time
 * passed since the last run (e.g. while the app was closed).
 */
export function isDue(schedule: ParsedSchedule, lastRunAt: Date | null, now: Date): boolean {
  if (!lastRunAt) return true;
  if (schedule.kind === 'interval') return now.getTime() - lastRunAt.getTime() >= schedule.ms;
  const previous = previousCronRun(schedule, now);
  return previous !== null && previous.getTime() > lastRunAt.getTime();
}

/** The next time a sample should run, never in the past. */
export function nextRun(schedule: ParsedSchedule, lastRunAt: Date | null, now: Date): Date {
  if (isDue(schedule, lastRunAt, now)) return now;
  if (schedule.kind === 'interval') return new Date(lastRunAt!.getTime() + schedule.ms);
  return schedule.cron.nextRun(now) ?? new Date(now.getTime() + 24 * 60 * MINUTE);
}

const DAY = 24 * 60 * MINUTE;
const spacingCache = new Map<string, number>();

/**
 * The longest wait between two scheduled samples: a chart calls a silence a
 * gap only when it is well beyond this. For cron, the widest step among its
 * next runs (up to 10,100 of them, a week of a once-a-minute cron, within a
 * year), so a weekday-only schedule waits over the weekend.
 */
export function longestSpacingMs(schedule: ParsedSchedule): number {
  if (schedule.kind === 'interval') return schedule.ms;
  const cached = spacingCache.get(schedule.text);
  if (cached !== undefined) return cached;
  // A fixed UTC offset computes the same runs as timezone 'UTC', some 60 times faster.
  const cron = new Cron(schedule.cron.getPattern() ?? '', { utcOffset: 0, paused: true });
  const end = Date.UTC(2025, 0, 1);
  let previous = cron.nextRun(new Date(Date.UTC(2024, 0, 1)));
  let longest = 0;
  for (let n = 0; previous && n < 10_100; n++) {
    const next = cron.nextRun(previous);
    if (!next || next.getTime() > end) break;
    longest = Math.max(longest, next.getTime() - previous.getTime());
    previous = next;
  }
  if (longest === 0) longest = 366 * DAY;
  spacingCache.set(schedule.text, longest);
  return longest;
}
