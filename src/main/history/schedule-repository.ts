import type Database from 'better-sqlite3';
import type { Schedule } from '../../shared/storage';
import type { Lookup } from './lookup';
import { storeError } from './store-error';

export const DEFAULT_SCHEDULE: Schedule = { storage: 'daily 03:00', heartbeatSeconds: 60 };

export interface StoredSchedule extends Schedule {
  profileId: string;
  /** Time of the last sample stored (the sample's own time). */
  lastSampleAt: Date | null;
  /** The error of the last attempt, null when it succeeded. */
  lastSampleError: string | null;
  lastAttemptAt: Date | null;
}

interface Row {
  profile_id: string;
  storage: string | null;
  heartbeat_seconds: number | null;
  last_sample_at: number | null;
  last_sample_error: string | null;
  last_attempt_at: number | null;
}

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

function toSchedule(row: Row): StoredSchedule {
  return {
    profileId: row.profile_id,
    storage: row.storage ?? DEFAULT_SCHEDULE.storage,
    heartbeatSeconds: row.heartbeat_seconds ?? DEFAULT_SCHEDULE.heartbeatSeconds,
    lastSampleAt: date(row.last_sample_at),
    lastSampleError: row.last_sample_error,
    lastAttemptAt: date(row.last_attempt_at),
  };
}

/**
 * Each profile's sampling schedule and its last run. A profile without a row
 * has the defaults (daily 03:00 UTC, heartbeat every 60 s). Parsing the
 * schedule text is the sampling layer's job; this only keeps it.
 */
export class ScheduleRepository {
  private readonly stmts;

  constructor(
    db: Database.Database,
    private readonly lookup: Lookup,
  ) {
    const select = `
      SELECT p.id AS profile_id, s.storage, s.heartbeat_seconds, s.last_sample_at, s.last_sample_error,
             s.last_attempt_at
      FROM profiles p LEFT JOIN schedules s ON s.profile_id = p.id`;
    this.stmts = {
      one: db.prepare<[string], Row>(`${select} WHERE p.id = ?`),
      all: db.prepare<[], Row>(`${select} ORDER BY p.name COLLATE NOCASE`),
      set: db.prepare<[{ profileId: string; storage: string; heartbeatSeconds: number }]>(`
        INSERT INTO schedules (profile_id, storage, heartbeat_seconds) VALUES (@profileId, @storage, @heartbeatSeconds)
        ON CONFLICT (profile_id) DO UPDATE SET storage = excluded.storage,
          heartbeat_seconds = excluded.heartbeat_seconds`),
      succeeded: db.prepare<[{ profileId: string; at: number }]>(`
        INSERT INTO schedules (profile_id, last_sample_at, last_attempt_at) VALUES (@profileId, @at, @at)
        ON CONFLICT (profile_id) DO UPDATE SET
          last_sample_at = max(coalesce(last_sample_at, 0), excluded.last_sample_at),
          last_sample_error = CASE WHEN excluded.last_attempt_at >= coalesce(last_attempt_at, 0)
                                   THEN NULL ELSE last_sample_error END,
          last_attempt_at = max(coalesce(last_attempt_at, 0), excluded.last_attempt_at)`),
      failed: db.prepare<[{ profileId: string; at: number; error: string }]>(`
        INSERT INTO schedules (profile_id, last_attempt_at, last_sample_error) VALUES (@profileId, @at, @error)
        ON CONFLICT (profile_id) DO UPDATE SET
          last_sample_error = CASE WHEN excluded.last_attempt_at >= coalesce(last_attempt_at, 0)
                                   THEN excluded.last_sample_error ELSE last_sample_error END,
          last_attempt_at = max(coalesce(last_attempt_at, 0), excluded.last_attempt_at)`),
    };
  }

  /** The profile's schedule (defaults when none was set); a clear error for an unknown profile. */
  scheduleOf(profileId: string): StoredSchedule {
    const row = this.stmts.one.get(profileId);
    if (!row) this.lookup.profile(profileId);
    return toSchedule(row!);
  }

  /** Every profile's schedule, for the scheduler at start. */
  list(): StoredSchedule[] {
    return this.stmts.all.all().map(toSchedule);
  }

  /** Stores a schedule (validated by the contract's scheduleSchema and parsed by the sampling layer first). */
  set(profileId: string, schedule: Schedule): StoredSchedule {
    this.lookup.profile(profileId);
    try {
      this.stmts.set.run({
        profileId,
        storage: schedule.storage.trim(),
        heartbeatSeconds: schedule.heartbeatSeconds,
      });
    } catch (err) {
      throw storeError(err, 'The schedule');
    }
    return this.scheduleOf(profileId);
  }

  /** Remembers the last attempt, so a failure is shown and a missed run is caught up. */
  recordAttempt(profileId: string, attempt: { at: Date; ok: boolean; error: string | null }): void {
    const at = attempt.at.getTime();
    try {
      if (attempt.ok) this.stmts.succeeded.run({ profileId, at });
      else this.stmts.failed.run({ profileId, at, error: attempt.error ?? 'The sample failed.' });
    } catch (err) {
      throw storeError(err, 'The sample attempt');
    }
  }
}
