import type { EventBus } from '../events';
import type { Logger } from '../logger';
import type { PoolManager } from '../postgres/pool-manager';
import type { Beat, BeatSink } from './ports';

export interface HeartbeatDeps {
  pools: Pick<PoolManager, 'withClient'>;
  sink: BeatSink;
  events: EventBus;
  logger: Logger;
  now: () => Date;
  /** A sample of this profile is running (its only session may be busy). */
  sampling: (profileId: string) => boolean;
  /** How long a beat may take before the server counts as not answering. */
  timeoutMs: (profileId: string) => number;
}

class BeatTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BeatTimeout(`no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One heartbeat: `SELECT 1` on a pooled session, bounded by a timeout so a
 * server that accepts connections and then never answers counts as down.
 */
export class Heartbeat {
  constructor(private readonly deps: HeartbeatDeps) {}

  async beat(profileId: string): Promise<Beat | null> {
    const { pools, sink, events, logger, now } = this.deps;
    const at = now();
    const started = performance.now();
    let beat: Beat;
    try {
      // Read first: a profile deleted meanwhile throws here, before a connection attempt is left unawaited.
      const timeoutMs = this.deps.timeoutMs(profileId);
      await withTimeout(
        pools.withClient(profileId, (client) => client.query('SELECT 1')),
        timeoutMs,
      );
      beat = { at, ok: true, latencyMs: performance.now() - started, message: null };
    } catch (err) {
      // With a single-session profile the sample holds the session: that is no evidence of an outage.
      if (err instanceof BeatTimeout && this.deps.sampling(profileId)) return null;
      beat = { at, ok: false, latencyMs: null, message: err instanceof Error ? err.message : String(err) };
    }
    try {
      sink.recordBeat(profileId, beat);
    } catch (err) {
      logger.warn({ profileId, error: (err as Error).message }, 'heartbeat not recorded');
      return null;
    }
    events.emit('profiles:statusChanged', {
      profileId,
      state: beat.ok ? 'up' : 'down',
      at: at.toISOString(),
      ...(beat.message ? { message: beat.message } : {}),
      ...(beat.latencyMs !== null ? { latencyMs: beat.latencyMs } : {}),
    });
    return beat;
  }
}
