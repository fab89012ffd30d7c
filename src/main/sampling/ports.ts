import type { CollectedSample } from '../collector/types';

/** Where the sampling layer writes; the SQLite history implements these. */
export interface SampleSink {
  /** Stores a whole sample in one transaction; returns its id. */
  saveSample(profileId: string, sample: CollectedSample): number;
}

export interface SampleAttemptLog {
  /** Remembers the last attempt, so a failure is shown and a missed run is caught up. */
  recordAttempt(profileId: string, attempt: { at: Date; ok: boolean; error: string | null }): void;
}

export interface Beat {
  at: Date;
  ok: boolean;
  latencyMs: number | null;
  message: string | null;
}

export interface BeatSink {
  /** Current state and history row, in one transaction. */
  recordBeat(profileId: string, beat: Beat): void;
}

export interface ScheduleSource {
  /** The profile's schedule as stored (defaults for a profile that has none). */
  scheduleOf(profileId: string): { storage: string; heartbeatSeconds: number; lastSampleAt: Date | null };
}
