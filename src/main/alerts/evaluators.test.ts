import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES } from '../../shared/alerts';
import { formatSpan } from '../../shared/span';
import { databaseGrowthMessage, formatPct } from './messages';
import { evaluateServer, type HeartbeatState } from './server-evaluator';
import { growthBreaks, growthPct } from './storage-evaluator';

/* The arithmetic and decisions the integration tests rely on, at their edges. */

const HOUR = 3_600_000;

describe('growth against the baseline one window earlier', () => {
  const GiB = 1024 ** 3;
  const day = 24 * HOUR;
  const rules = { ...DEFAULT_ALERT_RULES, growthFloorBytes: 0 };
  const at = (bytes: number, t: number) => ({ bytes, at: t });

  it('is (cur − base) / base, never scaled up from a short interval', () => {
    expect(growthPct(100, 120)).toBeCloseTo(20);
    expect(growthPct(100, 90)).toBeCloseTo(-10);
    expect(growthPct(0, 8192)).toBeNull();
  });

  it('names the rules it breaks: percent, bytes a day, or both; none below the floor', () => {
    expect(growthBreaks(at(100 * GiB, 0), at(125 * GiB, day), 20, rules)).toMatchObject({
      pct: 25,
      bytesPerDay: 25 * GiB,
      pctAbove: 20,
      perDayAbove: 10 * GiB,
    });
    // 5 % of 500 GiB: the percentage rule is quiet, 25 GiB a day is not.
    expect(growthBreaks(at(500 * GiB, 0), at(525 * GiB, day), 20, rules)).toMatchObject({
      pctAbove: null,
      perDayAbove: 10 * GiB,
    });
    expect(growthBreaks(at(1 * GiB, 0), at(1.5 * GiB, day), 20, rules)).toMatchObject({
      pctAbove: 20,
      perDayAbove: null,
    });
    expect(growthBreaks(at(1 * GiB, 0), at(1.5 * GiB, day), null, rules)).toBeNull();
    expect(
      growthBreaks(at(1 * GiB, 0), at(1.5 * GiB, day), 20, { ...rules, growthFloorBytes: 2 * GiB }),
    ).toBeNull();
    expect(growthBreaks(at(1 * GiB, day), at(1.5 * GiB, day), 20, rules)).toBeNull();
  });

  it('says which rules fired, over the real span', () => {
    const both = growthBreaks(at(100 * GiB, 0), at(125 * GiB, day), 20, rules)!;
    expect(databaseGrowthMessage('app', both)).toBe(
      'Database app grew 25.0 % (+25.0 GiB) in 24 h (from 100 GiB to 125 GiB), above the 20 % and 10.0 GiB a day growth warnings.',
    );
    const perDay = growthBreaks(at(500 * GiB, 0), at(506 * GiB, 6 * HOUR), 20, rules)!;
    expect(databaseGrowthMessage('app', perDay)).toBe(
      'Database app grew 6.0 GiB in 6 h (24.0 GiB a day; from 500 GiB to 506 GiB), above the 10.0 GiB a day growth warning.',
    );
  });

  it('prints figures a DBA reads', () => {
    expect(formatPct(34.24)).toBe('34.2');
    expect(formatPct(2880000)).toBe('2,880,000');
    expect(formatSpan(6 * HOUR)).toBe('6 h');
    expect(formatSpan(5 * 60_000)).toBe('5 min');
    expect(formatSpan(3000)).toBe('3 s');
    expect(formatSpan(46_000)).toBe('46 s');
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
