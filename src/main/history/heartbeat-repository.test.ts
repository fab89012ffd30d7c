import { describe, expect, it } from 'vitest';
import { MINUTE_MS, rig, T0 } from '../../../test/support/history-fixtures';
import { AppError } from '../errors';

const beat = (minute: number, ok: boolean) => ({
  at: new Date(T0 + minute * MINUTE_MS),
  ok,
  latencyMs: ok ? 3.6 : null,
  message: ok ? null : 'connect ECONNREFUSED 10.0.0.5:5432',
});

describe('heartbeats', () => {
  it('moves `since` only when the state flips', () => {
    const r = rig();
    const p = r.addProfile();
    const states = [true, true, false, false, true].map((ok, i) => r.history.recordBeat(p, beat(i, ok)));
    expect(states.map((s) => [s.state, s.since.getTime() - T0, s.previous, s.changed])).toEqual([
      ['up', 0, 'unknown', true],
      ['up', 0, 'up', false],
      ['down', 2 * MINUTE_MS, 'up', true],
      ['down', 2 * MINUTE_MS, 'down', false],
      ['up', 4 * MINUTE_MS, 'down', true],
    ]);
    expect(
      r.db.prepare('SELECT state, since, last_check_at, latency_ms FROM heartbeat_current').get(),
    ).toEqual({
      state: 'up',
      since: T0 + 4 * MINUTE_MS,
      last_check_at: T0 + 4 * MINUTE_MS,
      latency_ms: 4,
    });
    expect(r.count('heartbeat_history', `profile_id = '${p}'`)).toBe(5);
  });

  it('writes the current row and the history row in one transaction', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.recordBeat(p, beat(0, true));
    // The second write of the pair fails (as a full disk would): the first must not stay.
    r.db.exec(
      `CREATE TEMP TRIGGER fail_current BEFORE UPDATE ON heartbeat_current BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`,
    );
    expect(() => r.history.recordBeat(p, beat(1, false))).toThrow(AppError);
    expect(r.count('heartbeat_history')).toBe(1);
    expect(r.db.prepare('SELECT state FROM heartbeat_current').pluck().get()).toBe('up');
  });

  it('keeps the newest beat as the current state when an older one arrives late', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.recordBeat(p, beat(5, true));
    const late = r.history.recordBeat(p, beat(4, false));
    expect(late).toMatchObject({ state: 'up', changed: false });
    expect(r.count('heartbeat_history')).toBe(2);
    expect(r.history.healthSummary(p).status.state).toBe('up');
  });

  it('refuses a beat for a profile that no longer exists with not_found', () => {
    const r = rig();
    try {
      r.history.recordBeat('gone', beat(0, true));
      expect.unreachable();
    } catch (err) {
      expect((err as AppError).code).toBe('not_found');
    }
  });
});
