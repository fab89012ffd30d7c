import type Database from 'better-sqlite3';
import type { SettingsRepository } from './settings-repository';
import { DAY_MS } from './time';

export interface PruneResult {
  samples: number;
  relationSizes: number;
  relations: number;
  heartbeats: number;
  /** Transactions used; each holds the database for one bounded batch. */
  batches: number;
  /** The longest single batch, in ms (what the UI may have waited for). */
  longestBatchMs: number;
}

export interface PruneOptions {
  /** Rows per transaction (a sample counts its relation rows); at least one sample per batch. */
  batchRows?: number;
  /** Called between batches; by default yields to the event loop so IPC keeps flowing. */
  pause?: () => Promise<void>;
}

const DEFAULT_BATCH_ROWS = 10_000;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

type Step = Omit<PruneResult, 'batches' | 'longestBatchMs'> & { done: boolean };

/**
 * Retention: samples older than sampleRetentionDays (with their sizes and
 * databases, and relations left without any size row) and heartbeat history
 * older than heartbeatRetentionDays, in bounded batches. The newest sample of
 * a profile is always kept, so a server that has been unreachable for longer
 * than the retention still shows what it last looked like.
 */
export class Retention {
  private readonly stmts;
  private readonly stepTx: (now: number, batchRows: number) => Step;

  constructor(
    db: Database.Database,
    private readonly settings: SettingsRepository,
  ) {
    this.stmts = {
      profiles: db.prepare<[], { id: string }>('SELECT id FROM profiles'),
      oldSamples: db.prepare<
        [{ profileId: string; cutoff: number }],
        { id: number; relation_count: number }
      >(`
        SELECT id, relation_count FROM samples
        WHERE profile_id = @profileId AND taken_at < @cutoff
          AND taken_at < (SELECT max(taken_at) FROM samples WHERE profile_id = @profileId)
        ORDER BY taken_at LIMIT 1000`),
      // Runs and upkeep rows no remaining sample reads: ended before the oldest one, or superseded before it.
      deleteRuns: db.prepare<[{ profileId: string; oldest: number }]>(`
        DELETE FROM relation_runs
        WHERE relation_id IN (SELECT id FROM relations WHERE profile_id = @profileId)
          AND from_at < @oldest AND last_at < @oldest`),
      deleteUpkeep: db.prepare<[{ profileId: string; oldest: number }]>(`
        DELETE FROM relation_upkeep
        WHERE relation_id IN (SELECT id FROM relations WHERE profile_id = @profileId)
          AND taken_at < @oldest
          AND taken_at < (SELECT max(u.taken_at) FROM relation_upkeep u
                          WHERE u.relation_id = relation_upkeep.relation_id AND u.taken_at <= @oldest)`),
      oldest: db.prepare<[string], number | null>('SELECT min(taken_at) FROM samples WHERE profile_id = ?'),
      deleteDatabases: db.prepare<[number]>('DELETE FROM sample_databases WHERE sample_id = ?'),
      deleteSample: db.prepare<[number]>('DELETE FROM samples WHERE id = ?'),
      deleteOrphans: db.prepare<[{ profileId: string; limit: number }]>(`
        DELETE FROM relations WHERE id IN (
          SELECT r.id FROM relations r
          WHERE r.profile_id = @profileId
            AND NOT EXISTS (SELECT 1 FROM relation_runs s WHERE s.relation_id = r.id)
            AND NOT EXISTS (SELECT 1 FROM relations c WHERE c.parent_id = r.id)
          LIMIT @limit)`),
      beatBatchEnd: db.prepare<[{ profileId: string; cutoff: number; offset: number }], { at: number }>(`
        SELECT at FROM heartbeat_history WHERE profile_id = @profileId AND at < @cutoff
        ORDER BY at LIMIT 1 OFFSET @offset`),
      deleteBeats: db.prepare<[{ profileId: string; through: number }]>(
        'DELETE FROM heartbeat_history WHERE profile_id = @profileId AND at <= @through',
      ),
    };
    this.stepTx = db.transaction((now: number, batchRows: number) => this.step(now, batchRows));
  }

  /** One bounded transaction of pruning; `done` when nothing is left to prune. */
  pruneStep(now: Date, batchRows = DEFAULT_BATCH_ROWS): Step {
    return this.stepTx(now.getTime(), Math.max(1, batchRows));
  }

  /** Prunes everything due, one bounded batch at a time, yielding between batches. */
  async prune(now: Date, options: PruneOptions = {}): Promise<PruneResult> {
    const pause = options.pause ?? yieldToEventLoop;
    const total: PruneResult = {
      samples: 0,
      relationSizes: 0,
      relations: 0,
      heartbeats: 0,
      batches: 0,
      longestBatchMs: 0,
    };
    for (;;) {
      const started = performance.now();
      const step = this.pruneStep(now, options.batchRows);
      total.longestBatchMs = Math.max(total.longestBatchMs, performance.now() - started);
      total.batches++;
      total.samples += step.samples;
      total.relationSizes += step.relationSizes;
      total.relations += step.relations;
      total.heartbeats += step.heartbeats;
      if (step.done) return total;
      await pause();
    }
  }

  private step(now: number, batchRows: number): Step {
    const { sampleRetentionDays, heartbeatRetentionDays } = this.settings.get();
    const s = this.stmts;
    const result: Step = { samples: 0, relationSizes: 0, relations: 0, heartbeats: 0, done: false };
    const profiles = s.profiles.all();

    // 1. Old samples, oldest first, until the row budget is spent.
    const sampleCutoff = now - sampleRetentionDays * DAY_MS;
    let budget = batchRows;
    for (const { id: profileId } of profiles) {
      let deleted = false;
      const dropRuns = () => {
        if (!deleted) return;
        const oldest = s.oldest.pluck().get(profileId);
        if (oldest === null || oldest === undefined) return;
        s.deleteRuns.run({ profileId, oldest });
        s.deleteUpkeep.run({ profileId, oldest });
      };
      for (const sample of s.oldSamples.all({ profileId, cutoff: sampleCutoff })) {
        if (result.samples > 0 && sample.relation_count > budget) {
          dropRuns();
          return result;
        }
        // One (relation, sample) reading per relation the sample listed.
        result.relationSizes += sample.relation_count;
        s.deleteDatabases.run(sample.id);
        s.deleteSample.run(sample.id);
        deleted = true;
        result.samples++;
        budget -= Math.max(1, sample.relation_count);
        if (budget <= 0) {
          dropRuns();
          return result;
        }
      }
      dropRuns();
    }

    // 2. Relations no sample mentions any more (children before their parents).
    for (const { id: profileId } of profiles) {
      for (;;) {
        const deleted = s.deleteOrphans.run({ profileId, limit: budget }).changes;
        result.relations += deleted;
        budget -= deleted;
        if (budget <= 0) return result;
        if (deleted === 0) break;
      }
    }

    // 3. Heartbeat history.
    const beatCutoff = now - heartbeatRetentionDays * DAY_MS;
    for (const { id: profileId } of profiles) {
      const end = s.beatBatchEnd.get({ profileId, cutoff: beatCutoff, offset: budget - 1 });
      const through = end ? end.at : beatCutoff - 1;
      const deleted = s.deleteBeats.run({ profileId, through }).changes;
      result.heartbeats += deleted;
      budget -= deleted;
      if (budget <= 0) return result;
    }
    result.done = true;
    return result;
  }
}
