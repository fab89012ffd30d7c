import type { SlowDiskFacts } from '../collector/disk-facts-collector';

/**
 * The slow disk facts (bloat estimate, index findings, tablespaces) are read
 * on their own cadence: on a server with many relations they cost most of
 * the disk facts' time, and they change slowly. Due when the latest sample
 * has none, when one of them was not read (it failed), or when the oldest is
 * at least `everyMinutes` old; otherwise they are carried, each with the time
 * it was really measured.
 */
export function slowDiskFactsFor(
  known: SlowDiskFacts | null,
  everyMinutes: number,
  now: Date,
): 'read' | SlowDiskFacts {
  if (!known) return 'read';
  const times = Object.values(known.measuredAt);
  if (times.some((t) => t === null)) return 'read';
  const oldest = Math.min(...times.map((t) => Date.parse(t!)));
  return now.getTime() - oldest >= everyMinutes * 60_000 ? 'read' : known;
}
