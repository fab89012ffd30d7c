import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS, rig, T0 } from '../../../test/support/history-fixtures';

const iso = (ms: number) => new Date(ms).toISOString();

describe('health', () => {
  it('computes uptime % per window and lists outages with start, end and length', () => {
    const r = rig();
    const p = r.addProfile('Prod');
    const now = new Date(T0);
    const beats: Array<[number, boolean]> = [];
    // 10 days ago: 5 OK beats, then 5 failed ones (the app was then closed until a day ago).
    for (let i = 0; i < 10; i++) beats.push([T0 - 10 * DAY_MS + i * MINUTE_MS, i < 5]);
    // Last 24 h: a beat a minute, with an outage of 15 beats and one still going on.
    const first = T0 - DAY_MS + MINUTE_MS;
    for (let t = first; t <= T0; t += MINUTE_MS) {
      const m = (t - first) / MINUTE_MS;
      const down = (m >= 600 && m < 615) || t >= T0 - 4 * MINUTE_MS;
      beats.push([t, !down]);
    }
    r.db.transaction(() => {
      for (const [t, ok] of beats)
        r.history.recordBeat(p, {
          at: new Date(t),
          ok,
          latencyMs: ok ? 5 : null,
          message: ok ? null : 'timeout',
        });
    })();

    const d = r.history.healthDetail(p, '24h', now);
    expect(d.name).toBe('Prod');
    expect(d.uptime.h24!.pct).toBeCloseTo(((1440 - 20) / 1440) * 100, 6);
    expect(d.uptime.h24).toMatchObject({ beats: 1440, spanMs: DAY_MS - MINUTE_MS });
    expect(d.uptime.d7).toEqual(d.uptime.h24);
    expect(d.uptime.d30!.pct).toBeCloseTo(((1440 - 20 + 5) / 1450) * 100, 6);
    // Observed from the first beat 10 days ago: the 30-day figure says so.
    expect(d.uptime.d30).toMatchObject({ beats: 1450, spanMs: 10 * DAY_MS });
    expect(d.status).toMatchObject({ state: 'down', since: iso(T0 - 4 * MINUTE_MS) });
    expect(d.outages).toEqual([
      { start: iso(T0 - 4 * MINUTE_MS), end: null, durationMs: 4 * MINUTE_MS },
      { start: iso(first + 600 * MINUTE_MS), end: iso(first + 615 * MINUTE_MS), durationMs: 15 * MINUTE_MS },
    ]);

    // Latency: downsampled, null where the server did not answer, never a flood of rows.
    expect(d.latency.length).toBeLessThanOrEqual(1000);
    expect(d.latency.at(-1)).toMatchObject({ ms: null });
    expect(d.latency.filter((x) => x.ms !== null).every((x) => x.ms === 5)).toBe(true);

    // The 30-day view finds the older outage too (still newest first).
    const month = r.history.healthDetail(p, '30d', now);
    expect(month.outages.map((o) => o.start)).toEqual([
      iso(T0 - 4 * MINUTE_MS),
      iso(first + 600 * MINUTE_MS),
      iso(T0 - 10 * DAY_MS + 5 * MINUTE_MS),
    ]);
    expect(month.outages[2]!.end).toBe(iso(first));
    // App closed between the two periods: the latency line has a gap there.
    expect(month.latency.filter((x) => x.ms === null && x.t < T0 - 2 * DAY_MS)).toHaveLength(1);
  });

  it('finds the true start of an outage that began before the range', () => {
    const r = rig();
    const p = r.addProfile();
    r.db.transaction(() => {
      for (let h = 30; h >= 0; h--) {
        r.history.recordBeat(p, {
          at: new Date(T0 - h * HOUR_MS),
          ok: h === 30 || h === 0,
          latencyMs: 1,
          message: null,
        });
      }
    })();
    const d = r.history.healthDetail(p, '24h', new Date(T0));
    expect(d.outages).toEqual([{ start: iso(T0 - 29 * HOUR_MS), end: iso(T0), durationMs: 29 * HOUR_MS }]);
  });

  it('has null uptime without heartbeats, and lists every profile in the overview', () => {
    const r = rig();
    const a = r.addProfile('Alpha');
    r.addProfile('beta');
    r.history.recordBeat(a, { at: new Date(T0), ok: true, latencyMs: 12, message: null });
    const all = r.history.healthOverview(new Date(T0));
    expect(all.map((h) => [h.name, h.status.state, h.latencyMs, h.uptime.h24])).toEqual([
      ['Alpha', 'up', 12, { pct: 100, spanMs: 0, beats: 1 }],
      ['beta', 'unknown', null, null],
    ]);
    // A day later without beats, the 24 h window is empty: unknown, not 0 %.
    const one = { pct: 100, spanMs: 0, beats: 1 };
    expect(r.history.healthSummary(a, new Date(T0 + 2 * DAY_MS)).uptime).toEqual({
      h24: null,
      d7: one,
      d30: one,
    });
  });

  it('computes uptime over the span observed: a server down for 8 s is 0 % over 8 s, not over 30 days', () => {
    const r = rig();
    const p = r.addProfile();
    r.history.recordBeat(p, { at: new Date(T0 - 8_000), ok: false, latencyMs: null, message: 'refused' });
    r.history.recordBeat(p, { at: new Date(T0), ok: false, latencyMs: null, message: 'refused' });
    const { uptime } = r.history.healthSummary(p, new Date(T0));
    for (const figure of [uptime.h24, uptime.d7, uptime.d30]) {
      expect(figure).toEqual({ pct: 0, spanMs: 8_000, beats: 2 });
    }
  });
});
