import type Database from 'better-sqlite3';
import { type AlertRules, rateRequirementOf } from '../../shared/alerts';
import type { Profile } from '../../shared/profile';
import { reachOf } from '../history/growth';
import type { AlertDraft } from './alert-repository';
import { diskFullMessage } from './messages';
import type { StorageEvaluatorDeps } from './storage-evaluator';

interface SampleRow {
  takenAt: number;
  databaseName: string;
  databaseBytes: number;
  /** Every database of the server in the sample; null when none were listed. */
  allBytes: number | null;
}

/**
 * The disk-full rule against one stored sample, as the fleet overview
 * computes it: the volume holds every database of the server, so the disk
 * fills from their sum in the sample at the profile database's fitted rate
 * (the forecast's rate, with the same requirement: no fit, no forecast). A
 * sum already at or above the disk size is measured, not forecast: it fires
 * from the first sample. Only for a profile with a disk size.
 */
export class DiskFullCheck {
  private readonly sample;

  constructor(
    db: Database.Database,
    private readonly forecast: StorageEvaluatorDeps['forecast'],
  ) {
    this.sample = db.prepare<[number, string], SampleRow>(`
      SELECT s.taken_at AS takenAt, s.database_name AS databaseName, s.database_bytes AS databaseBytes,
             (SELECT sum(d.bytes) FROM sample_databases d WHERE d.sample_id = s.id) AS allBytes
      FROM samples s WHERE s.id = ? AND s.profile_id = ?`);
  }

  run(
    profile: Pick<Profile, 'id' | 'diskBytes'>,
    server: string,
    sampleId: number,
    rules: AlertRules,
    now: Date,
  ): AlertDraft[] {
    const diskBytes = profile.diskBytes;
    if (!rules.diskFullEnabled || diskBytes === null) return [];
    const sample = this.sample.get(sampleId, profile.id);
    if (!sample) return [];
    const usedBytes = sample.allBytes ?? sample.databaseBytes;
    const g = this.forecast(profile.id, diskBytes, rateRequirementOf(rules), now);
    const full = usedBytes >= diskBytes;
    if (!full && (g.fit === null || g.bytesPerDay === null || !(g.bytesPerDay > 0))) return [];
    const reach = reachOf({ t: sample.takenAt, bytes: usedBytes }, g.bytesPerDay ?? 0, diskBytes, now);
    if (reach.daysLeft === null || reach.reachesAt === null || reach.daysLeft > rules.diskFullDays) return [];
    return [
      {
        kind: 'disk_full',
        severity: 'warning',
        subject: { type: 'server', name: server, relationId: null },
        message: diskFullMessage(server, {
          usedBytes,
          usedIsSum: sample.allBytes !== null,
          diskBytes,
          rate: g.fit === null || g.bytesPerDay === null ? null : { bytesPerDay: g.bytesPerDay, fit: g.fit },
          database: sample.databaseName,
          daysLeft: reach.daysLeft,
          reachesAt: new Date(reach.reachesAt),
          diskFullDays: rules.diskFullDays,
        }),
        currentBytes: usedBytes,
        previousBytes: null,
        growthPct: null,
      },
    ];
  }
}
