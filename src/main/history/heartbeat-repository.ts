import type Database from 'better-sqlite3';
import { AppError } from '../errors';
import { storeError } from './store-error';
import { int, msOf } from './time';

export interface BeatInput {
  at: Date;
  ok: boolean;
  latencyMs: number | null;
  message: string | null;
}

export interface BeatOutcome {
  state: 'up' | 'down';
  /** When the current state began. */
  since: Date;
  /** The state before this beat; 'unknown' for the first beat of a profile. */
  previous: 'up' | 'down' | 'unknown';
  /** True when this beat flipped the state (or is the first one). */
  changed: boolean;
}

interface Current {
  state: 'up' | 'down';
  since: number;
  last_check_at: number;
}

/**
 * Heartbeats, seed 004 option 3: the current-state row and the history row
 * of a beat are written in ONE transaction. `since` moves only when the
 * state flips, so it answers "unreachable since when".
 */
export class HeartbeatRepository {
  private readonly stmts;
  private readonly recordTx: (profileId: string, beat: BeatInput) => BeatOutcome;

  constructor(db: Database.Database) {
    this.stmts = {
      current: db.prepare<[string], Current>(
        'SELECT state, since, last_check_at FROM heartbeat_current WHERE profile_id = ?',
      ),
      upsertCurrent: db.prepare(`
        INSERT INTO heartbeat_current (profile_id, state, since, last_check_at, latency_ms, message)
        VALUES (@profileId, @state, @since, @at, @latencyMs, @message)
        ON CONFLICT (profile_id) DO UPDATE SET state = excluded.state, since = excluded.since,
          last_check_at = excluded.last_check_at, latency_ms = excluded.latency_ms, message = excluded.message`),
      insertHistory: db.prepare(`
        INSERT INTO heartbeat_history (profile_id, at, ok, latency_ms, message)
        VALUES (@profileId, @at, @ok, @latencyMs, @message)
        ON CONFLICT (profile_id, at) DO UPDATE SET ok = excluded.ok, latency_ms = excluded.latency_ms,
          message = excluded.message`),
    };
    this.recordTx = db.transaction((profileId: string, beat: BeatInput) => this.write(profileId, beat));
  }

  recordBeat(profileId: string, beat: BeatInput): BeatOutcome {
    try {
      return this.recordTx(profileId, beat);
    } catch (err) {
      throw storeError(err, 'The heartbeat');
    }
  }

  private write(profileId: string, beat: BeatInput): BeatOutcome {
    const at = msOf(beat.at);
    if (at === null) throw new AppError('internal', 'The heartbeat has no valid time.');
    const state = beat.ok ? 'up' : 'down';
    const row = {
      profileId,
      at,
      ok: beat.ok ? 1 : 0,
      latencyMs: beat.ok ? int(beat.latencyMs) : null,
      message: beat.message,
    };
    this.stmts.insertHistory.run(row);
    const current = this.stmts.current.get(profileId);
    // A late beat (older than the last check) goes to history only; the current row stays the newest.
    if (current && at < current.last_check_at) {
      return {
        state: current.state,
        since: new Date(current.since),
        previous: current.state,
        changed: false,
      };
    }
    const changed = current?.state !== state;
    const since = changed ? at : current!.since;
    this.stmts.upsertCurrent.run({ ...row, state, since });
    return { state, since: new Date(since), previous: current?.state ?? 'unknown', changed };
  }
}
