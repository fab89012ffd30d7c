import type { KnownDatabaseSize } from '../collector/types';

/**
 * The other databases of a server are sized on their own, slower cadence:
 * pg_database_size stats every file of a database, and they change little
 * between two samples. Due when the oldest figure the latest sample holds is
 * at least `everyMinutes` old (or there is none); otherwise those figures are
 * carried, each with the time it was really taken.
 */
export function otherDatabasesFor(
  known: KnownDatabaseSize[],
  everyMinutes: number,
  now: Date,
): 'size' | KnownDatabaseSize[] {
  if (known.length === 0) return 'size';
  const oldest = Math.min(...known.map((d) => d.sizedAt.getTime()));
  return now.getTime() - oldest >= everyMinutes * 60_000 ? 'size' : known;
}
