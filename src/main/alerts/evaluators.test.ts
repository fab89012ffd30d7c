import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES } from '../../shared/alerts';
import { formatPct, formatSpan } from './messages';
import { evaluateServer, type HeartbeatState } from './server-evaluator';
import { growthPer24h } from './storage-evaluator';

/* The arithmetic and decisions the integration tests rely on, at their edges. */

const HOUR = 3_600_000;

describe('growth normalised to 24 h', () => {
  it('is (cur − prev) / prev × 24 h / Δt', () => {
    expect(growthPer24h(100, 120, 24 * HOUR)).toBeCloseTo(20);
    expect(growthPer24h(100, 105, 6 * HOUR)).toBeCloseTo(20);
    expect(growthPer24h(100, 140, 48 * HOUR)).toBeCloseTo(20);
    expect(growthPer24h(100, 90, 24 * HOUR)).toBeCloseTo(-10);
  });

  it('cannot be said without a base or an interval (never "infinite", never zero)', () => {
    expect(growthPer24h(0, 8192, 24 * HOUR)).toBeNull();
    expect(growthPer24h(100, 200, 0)).toBeNull();
    expect(growthPer24h(100, 200, -HOUR)).toBeNull();
  });

  it('prints figures a DBA reads', () => {
    expect(formatPct(34.24)).toBe('34.2');
    expect(formatPct(2880000)).toBe('2,880,000');
    expect(formatSpan(6 * HOUR)).toBe('6 h');
    expect(formatSpan(5 * 60_000)).toBe('5 min');
    expect(formatSpan(3000)).toBe('3 s');
    expect(formatSpan(72 * HOUR)).toBe('3 days');
  });
});

describe('server_down decision from the stored heartbeat state', () => {
  const subject = { server: 'db1:5432', profileName: 'Prod' };
  const state = (s: Partial<HeartbeatState>): HeartbeatState => ({
    state: 'down',
    since: '2026-01-01T10:00:00Z',
    lastCheckAt: '2026-01-01T10:05:00Z',
    message: 'connect ECONNREFUSED',
    ...s,
  });

  it('holds after serverDownMinutes of failing beats, counted from the first failure to the last beat', () => {
    expect(evaluateServer(state({}), DEFAULT_ALERT_RULES, subject)).toMatchObject({
      action: 'holds',
      draft: { kind: 'server_down', severity: 'critical', subject: { type: 'server', name: 'db1:5432' } },
    });
    expect(
      evaluateServer(state({ lastCheckAt: '2026-01-01T10:04:59Z' }), DEFAULT_ALERT_RULES, subject),
    ).toEqual({ action: 'none' });
  });

  it('clears when switched off; says nothing before any beat', () => {
    expect(evaluateServer(state({}), { ...DEFAULT_ALERT_RULES, serverDownEnabled: false }, subject)).toEqual({
      action: 'clear',
      resolution: 'cleared',
    });
    expect(
      evaluateServer(
        state({ state: 'unknown', since: null, lastCheckAt: null }),
        DEFAULT_ALERT_RULES,
        subject,
      ),
    ).toEqual({ action: 'none' });
  });

  it('recovers when the server answers, even with the rule switched off', () => {
    const up = state({ state: 'up' });
    expect(evaluateServer(up, { ...DEFAULT_ALERT_RULES, serverDownEnabled: false }, subject)).toEqual({
      action: 'clear',
      resolution: 'recovered',
    });
  });
});
