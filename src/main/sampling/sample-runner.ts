import type pg from 'pg';
import type { SampleResult } from '../../shared/storage';
import type { CollectedSample } from '../collector/types';
import { AppError } from '../errors';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import type { PoolManager } from '../postgres/pool-manager';
import type { SampleAttemptLog, SampleSink } from './ports';

export type SampleReason = 'schedule' | 'manual';

export interface SampleRunnerDeps {
  pools: Pick<PoolManager, 'withClient'>;
  /** 'manual' is the DBA's "Sample now": it reads everything, whatever is due. */
  collect: (client: pg.ClientBase, profileId: string, reason: SampleReason) => Promise<CollectedSample>;
  sink: SampleSink;
  attempts: SampleAttemptLog;
  events: EventBus;
  logger: Logger;
  now: () => Date;
}

/**
 * Takes one storage sample of a profile and stores it. At most one sample per
 * profile runs at a time: a second request joins the running one.
 */
export class SampleRunner {
  private readonly running = new Map<string, Promise<SampleResult>>();

  constructor(private readonly deps: SampleRunnerDeps) {}

  isRunning(profileId: string): boolean {
    return this.running.has(profileId);
  }

  run(profileId: string, reason: SampleReason): Promise<SampleResult> {
    const existing = this.running.get(profileId);
    if (existing) return existing;
    const started = this.sample(profileId, reason).finally(() => this.running.delete(profileId));
    this.running.set(profileId, started);
    return started;
  }

  /** Waits for every running sample (on shutdown). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  private async sample(profileId: string, reason: SampleReason): Promise<SampleResult> {
    const { pools, collect, sink, attempts, events, logger, now } = this.deps;
    const at = now();
    try {
      const sample = await pools.withClient(profileId, (client) => collect(client, profileId, reason));
      const sampleId = sink.saveSample(profileId, sample);
      attempts.recordAttempt(profileId, { at: sample.takenAt, ok: true, error: null });
      logger.info(
        { profileId, reason, sampleId, relations: sample.relations.length, durationMs: sample.durationMs },
        'storage sample stored',
      );
      events.emit('storage:sampled', {
        profileId,
        ok: true,
        at: sample.takenAt.toISOString(),
        sampleId,
        message: null,
      });
      return {
        sampleId,
        takenAt: sample.takenAt.toISOString(),
        durationMs: sample.durationMs,
        relationCount: sample.relations.length,
        topLevelCount: sample.relations.filter((r) => r.parent === null).length,
        gaps: sample.gaps,
      };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // A profile deleted meanwhile has nowhere to record the attempt.
      if (!(err instanceof AppError && err.code === 'not_found')) {
        attempts.recordAttempt(profileId, { at, ok: false, error: message });
      }
      logger.warn({ profileId, reason, error: message }, 'storage sample failed');
      events.emit('storage:sampled', { profileId, ok: false, at: at.toISOString(), sampleId: null, message });
      if (err instanceof AppError) throw err;
      throw new AppError('connection_failed', `The sample could not be taken: ${message}`);
    }
  }
}
