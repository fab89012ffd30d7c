import { reachOf } from '../../shared/reach';
import type { Growth, StorageOverview } from '../../shared/storage';
import { formatBytes, formatDate } from './format';

type Latest = NonNullable<StorageOverview['latest']>;

/**
 * The disk-full line next to the critical-size forecast, for a profile with a
 * disk size: every database in the latest sample (their sum, as the fleet
 * overview and the disk_full alert count it) at the database's fitted rate.
 * Null without a disk size or a sample.
 */
export function diskFullText(
  g: Growth,
  latest: Latest | null,
  diskBytes: number | null,
  now: number,
): { text: string; tone: 'ok' | 'warn' | 'muted' } | null {
  if (diskBytes === null || !latest) return null;
  const used = latest.databases.length
    ? latest.databases.reduce((sum, d) => sum + d.bytes, 0)
    : latest.databaseBytes;
  const of = `all databases ${formatBytes(used)} of the ${formatBytes(diskBytes)} disk (pg_wal and other files not counted)`;
  if (used >= diskBytes) return { text: `Disk full: ${of}.`, tone: 'warn' };
  if (g.bytesPerDay === null) return { text: `No disk-full forecast without a rate; ${of}.`, tone: 'muted' };
  const reach = reachOf(
    { t: Date.parse(latest.takenAt), bytes: used },
    g.bytesPerDay,
    diskBytes,
    new Date(now),
  );
  if (reach.reachesAt === null || reach.daysLeft === null)
    return { text: `Disk not expected to fill at this rate; ${of}.`, tone: 'ok' };
  const days = Math.round(reach.daysLeft);
  const inText = reach.daysLeft < 1 ? 'within a day' : `in ~${days} ${days === 1 ? 'day' : 'days'}`;
  return {
    text: `Disk full around ${formatDate(reach.reachesAt)} (${inText}) at this rate; ${of}.`,
    tone: reach.daysLeft < 30 ? 'warn' : 'muted',
  };
}
