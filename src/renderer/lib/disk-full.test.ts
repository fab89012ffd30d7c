import { describe, expect, it } from 'vitest';
import type { Growth, StorageOverview } from '../../shared/storage';
import { diskFullText } from './disk-full';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const NOW = Date.parse('2026-05-04T12:00:00Z');

const latest = {
  sampleId: 1,
  takenAt: new Date(NOW).toISOString(),
  durationMs: 5,
  databaseName: 'app',
  databaseBytes: 6 * GiB,
  change24h: null,
  change7d: null,
  databases: [
    { name: 'app', bytes: 6 * GiB, sizedAt: null },
    { name: 'reports', bytes: 4 * GiB, sizedAt: null },
  ],
  gaps: [],
} as unknown as NonNullable<StorageOverview['latest']>;

const growth = (bytesPerDay: number | null) =>
  ({ bytesPerDay, noRate: bytesPerDay === null ? 'not enough history yet' : null }) as Growth;

describe('diskFullText', () => {
  it('counts every database of the sample against the disk at the fitted rate', () => {
    // 10 GiB used of 20 GiB at 1 GiB a day: full in 10 days.
    expect(diskFullText(growth(GiB), latest, 20 * GiB, NOW)).toEqual({
      text: 'Disk full around 2026-05-14 (in ~10 days) at this rate; all databases 10.0 GiB of the 20.0 GiB disk (pg_wal and other files not counted).',
      tone: 'warn',
    });
  });

  it('says nothing without a disk size, and says why there is no forecast without a rate', () => {
    expect(diskFullText(growth(GiB), latest, null, NOW)).toBeNull();
    expect(diskFullText(growth(null), latest, 20 * GiB, NOW)?.text).toMatch(
      /^No disk-full forecast without a rate; all databases 10\.0 GiB/,
    );
    expect(diskFullText(growth(-MiB), latest, 20 * GiB, NOW)?.tone).toBe('ok');
    expect(diskFullText(growth(null), latest, 8 * GiB, NOW)?.text).toMatch(/^Disk full: /);
  });
});
