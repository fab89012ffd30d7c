import type Database from 'better-sqlite3';
import type { SettingsRepository } from './settings-repository';
import { DAY_MS, HOUR_MS } from './time';

export interface DownsampleResult {
  /** Samples removed because a later one in the same tier bucket stands for them. */
  samples: number;
  /** Runs and upkeep rows no remaining sample reads any more. */
  runs: number;
  upkeep: number;
  /** Transactions used; each holds the database for one bounded batch. */
  batches: number;
  longestBatchMs: number;
}

export interface DownsampleOptions {
  /** Samples removed per transaction. */
  batchSamples?: number;
  /** Called between batches; by default yields to the event loop so IPC keeps flowing. */
  pause?: () => Promise<void>;
}

const DEFAULT_BATCH_SAMPLES = 200;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

type Step = { samples: number; runs: number; upkeep: number; done: boolean };
type Window = { profileId: string; a: number; b: number };

/** The relations of the profile whose rows start inside the window (a seek per relation). */
const IN_WINDOW = 'relation_id IN (SELECT id FROM relations WHERE profile_id = @profileId)';

/**
 * Downsampling into tiers (settings): one sample per `tierFineMinutes` for the
 * last `tierFineDays`, one per hour up to `tierHourlyDays`, one per day after.
 * Keeps the LAST sample of each (UTC-aligned) bucket, the one a chart of that
 * bucket shows, and only buckets that have closed. Then trims the runs that
 * started in a removed sample (to the next sample they hold) and removes runs
 * and upkeep rows no remaining sample reads. Bounded batches, yielding between.
 */
export class Tiers {
  private readonly stmts;
  private readonly stepTx: (now: number, batch: number) => Step;

  constructor(
    db: Database.Database,
    private readonly settings: SettingsRepository,
  ) {
    this.stmts = {
      profiles: db.prepare<[], string>('SELECT id FROM profiles').pluck(),
      redundant: db.prepare<
        [{ profileId: string; closed: number; hourly: number; daily: number; fine: number; limit: number }],
        { id: number; taken_at: number }
      >(`
        SELECT id, taken_at FROM (
          SELECT id, taken_at, CASE WHEN taken_at < @daily THEN ${DAY_MS} WHEN taken_at < @hourly THEN ${HOUR_MS}
                                    ELSE CAST(@fine AS INTEGER) END AS bucket
          FROM samples WHERE profile_id = @profileId AND taken_at < @closed) s
        WHERE EXISTS (SELECT 1 FROM samples n WHERE n.profile_id = @profileId AND n.taken_at > s.taken_at
                        AND n.taken_at < (s.taken_at / s.bucket + 1) * s.bucket) -- integer division
        ORDER BY taken_at LIMIT @limit`),
      deleteDatabases: db.prepare<[number]>('DELETE FROM sample_databases WHERE sample_id = ?'),
      deleteSample: db.prepare<[number]>('DELETE FROM samples WHERE id = ?'),
      deleteRuns: db.prepare<[Window]>(`
        DELETE FROM relation_runs WHERE ${IN_WINDOW} AND from_at BETWEEN @a AND @b
          AND NOT EXISTS (SELECT 1 FROM samples s WHERE s.profile_id = @profileId
                            AND s.taken_at BETWEEN relation_runs.from_at AND relation_runs.last_at)`),
      // A run starts at a sample again, so "first reading" stays min(from_at).
      trimRuns: db.prepare<[Window]>(`
        UPDATE relation_runs SET from_at = (
          SELECT min(s.taken_at) FROM samples s WHERE s.profile_id = @profileId
            AND s.taken_at BETWEEN relation_runs.from_at AND relation_runs.last_at)
        WHERE ${IN_WINDOW} AND from_at BETWEEN @a AND @b`),
      // An upkeep row is read by the samples from its time up to the next row's: none left, not needed.
      deleteUpkeep: db.prepare<[Window]>(`
        DELETE FROM relation_upkeep WHERE ${IN_WINDOW} AND taken_at BETWEEN @a AND @b
          AND NOT EXISTS (
            SELECT 1 FROM samples s WHERE s.profile_id = @profileId AND s.taken_at >= relation_upkeep.taken_at
              AND s.taken_at < coalesce((SELECT min(n.taken_at) FROM relation_upkeep n
                                         WHERE n.relation_id = relation_upkeep.relation_id
                                           AND n.taken_at > relation_upkeep.taken_at), ${Number.MAX_SAFE_INTEGER}))`),
    };
    this.stepTx = db.transaction((now: number, batch: number) => this.step(now, batch));
  }

  /** One bounded transaction; `done` when nothing is left to downsample. */
  downsampleStep(now: Date, batchSamples = DEFAULT_BATCH_SAMPLES): Step {
    return this.stepTx(now.getTime(), Math.max(1, batchSamples));
  }

  async downsample(now: Date, options: DownsampleOptions = {}): Promise<DownsampleResult> {
    const pause = options.pause ?? yieldToEventLoop;
    const total: DownsampleResult = { samples: 0, runs: 0, upkeep: 0, batches: 0, longestBatchMs: 0 };
    for (;;) {
      const started = performance.now();
      const step = this.downsampleStep(now, options.batchSamples);
      total.longestBatchMs = Math.max(total.longestBatchMs, performance.now() - started);
      total.batches++;
      total.samples += step.samples;
      total.runs += step.runs;
      total.upkeep += step.upkeep;
      if (step.done) return total;
      await pause();
    }
  }

  private step(now: number, batch: number): Step {
    const { tierFineMinutes, tierFineDays, tierHourlyDays } = this.settings.tiers();
    const fine = tierFineMinutes * 60_000;
    const hourly = now - tierFineDays * DAY_MS;
    const bounds = {
      fine,
      hourly,
      daily: Math.min(hourly, now - tierHourlyDays * DAY_MS),
      // Only whole buckets: the current one may still get its last sample.
      closed: Math.floor(now / fine) * fine,
      limit: batch,
    };
    const s = this.stmts;
    const result: Step = { samples: 0, runs: 0, upkeep: 0, done: false };
    for (const profileId of s.profiles.all()) {
      const drop = s.redundant.all({ profileId, ...bounds });
      if (drop.length === 0) continue;
      for (const { id } of drop) {
        s.deleteDatabases.run(id);
        s.deleteSample.run(id);
      }
      const w: Window = { profileId, a: drop[0]!.taken_at, b: drop.at(-1)!.taken_at };
      result.samples += drop.length;
      result.runs += s.deleteRuns.run(w).changes;
      s.trimRuns.run(w);
      result.upkeep += s.deleteUpkeep.run(w).changes;
      return result;
    }
    result.done = true;
    return result;
  }
}
