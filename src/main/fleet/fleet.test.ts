import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS, diskFacts, GiB, HOUR_MS, MiB, sample, T0 } from '../../../test/support/history-fixtures';
import { DEFAULT_ALERT_RULES } from '../../shared/alerts';
import type { FleetOverview } from '../../shared/fleet';
import { createTidemark, type Tidemark } from '../app';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';

let app: Tidemark | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

async function start(): Promise<Tidemark> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-fleet-'));
  app = await createTidemark({
    dataDir,
    mode: 'browser',
    secretStore: new KeyFileSecretStore(dataDir),
    now: () => new Date(T0),
  });
  return app;
}

async function addProfile(a: Tidemark, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await a.router.dispatch('profiles:create', {
    name,
    host: 'db.example',
    port: 5432,
    database: 'app',
    user: 'dba',
    ...extra,
  });
  if (!r.ok) throw new Error(r.error.message);
  return (r.value as { id: string }).id;
}

/** Samples every `stepMs` from `from` to T0, the database growing `perDay` bytes a day from `start`. */
function grow(a: Tidemark, id: string, o: { from: number; stepMs: number; start: number; perDay: number }) {
  let last = 0;
  for (let t = o.from; t <= T0; t += o.stepMs) {
    last = a.monitoring.history.saveSample(id, sample(t, [], o.start + ((t - o.from) / DAY_MS) * o.perDay));
  }
  return last;
}

const beat = (a: Tidemark, id: string, ok: boolean) =>
  a.monitoring.history.recordBeat(id, {
    at: new Date(T0 - 60_000),
    ok,
    latencyMs: ok ? 3 : null,
    message: ok ? null : 'connection refused',
  });

async function overview(a: Tidemark): Promise<FleetOverview> {
  const r = await a.router.dispatch('fleet:getOverview', {});
  if (!r.ok) throw new Error(r.error.message);
  return r.value as FleetOverview;
}

describe('fleet overview', () => {
  it('ranks servers worst first: down, critical alerts, days to full, warnings, no heartbeat, then the rest', async () => {
    const a = await start();
    const healthy = await addProfile(a, 'a-healthy');
    const unknown = await addProfile(a, 'b-never-beat');
    const down = await addProfile(a, 'c-down');
    const critical = await addProfile(a, 'd-critical');
    // 11,047 MiB used (10 GiB + 8 days at 100 MiB + 7 MiB postgres) of a 12 GiB disk: full in 12.4 days.
    const filling = await addProfile(a, 'e-filling', { diskBytes: 12 * GiB });
    for (const id of [healthy, down, critical, filling]) beat(a, id, id !== down);
    for (const id of [healthy, unknown, down, critical]) {
      grow(a, id, { from: T0 - 8 * DAY_MS, stepMs: 6 * HOUR_MS, start: GiB, perDay: MiB });
    }
    grow(a, filling, { from: T0 - 8 * DAY_MS, stepMs: 6 * HOUR_MS, start: 10 * GiB, perDay: 100 * MiB });
    a.alerts.setRules([critical], { ...DEFAULT_ALERT_RULES, sizeCriticalBytes: GiB, growthFloorBytes: MiB });
    const last = a.monitoring.history.saveSample(critical, sample(T0 + 1, [], GiB + 10 * MiB));
    a.alerts.afterSample(critical, last);

    const { rows } = await overview(a);
    expect(rows.map((r) => [r.name, r.riskRank, r.riskReason])).toEqual([
      ['c-down', 1, 'down'],
      ['d-critical', 2, '1 critical alert'],
      [
        'e-filling',
        3,
        `disk full around ${new Date(T0 + 12.4 * DAY_MS).toISOString().slice(0, 10)} UTC (in 12.4 days)`,
      ],
      ['b-never-beat', 4, 'no heartbeat yet'],
      ['a-healthy', 5, null],
    ]);
    const c = rows.find((r) => r.name === 'd-critical')!;
    expect(c.alerts).toEqual({ critical: 1, warning: 0 });
    expect(rows.find((r) => r.name === 'c-down')).toMatchObject({
      status: 'down',
      statusMessage: 'connection refused',
      lastHeartbeatAt: new Date(T0 - 60_000).toISOString(),
    });
  });

  it('a disk full within a week, or already, comes before critical alerts; a full disk is said without a rate', async () => {
    const a = await start();
    const critical = await addProfile(a, 'a-critical');
    // 10 GiB + 8 days at 500 MiB + 7 MiB postgres of a 16 GiB disk: full in about 3.2 days.
    const soon = await addProfile(a, 'b-disk-soon', { diskBytes: 16 * GiB });
    // Two samples 40 s apart, no rate: the databases already take more than the disk given.
    const over = await addProfile(a, 'c-disk-over', { diskBytes: GiB });
    for (const id of [critical, soon, over]) beat(a, id, true);
    grow(a, critical, { from: T0 - 8 * DAY_MS, stepMs: 6 * HOUR_MS, start: GiB, perDay: MiB });
    grow(a, soon, { from: T0 - 8 * DAY_MS, stepMs: 6 * HOUR_MS, start: 10 * GiB, perDay: 500 * MiB });
    a.monitoring.history.saveSample(over, sample(T0 - 40_000, [], 2 * GiB));
    a.monitoring.history.saveSample(over, sample(T0, [], 2 * GiB));
    a.alerts.setRules([critical], { ...DEFAULT_ALERT_RULES, sizeCriticalBytes: GiB, growthFloorBytes: MiB });
    a.alerts.afterSample(
      critical,
      a.monitoring.history.saveSample(critical, sample(T0 + 1, [], GiB + 10 * MiB)),
    );

    const { rows } = await overview(a);
    const used = 10 * GiB + 8 * 500 * MiB + 7 * MiB;
    const days = (16 * GiB - used) / (500 * MiB);
    expect(rows.map((r) => [r.name, r.riskReason])).toEqual([
      ['c-disk-over', 'disk full: the databases take 2.0 GiB of the 1.0 GiB given'],
      [
        'b-disk-soon',
        `disk full around ${new Date(T0 + days * DAY_MS).toISOString().slice(0, 10)} UTC (in ${days.toFixed(1)} days)`,
      ],
      ['a-critical', '1 critical alert'],
    ]);
    const overRow = rows[0]!;
    expect(overRow.noRate).toMatch(/not enough/);
    expect(overRow.disk).toMatchObject({ daysLeft: 0, usedBytes: 2 * GiB + 7 * MiB });
  });

  it('gives the same rate and critical-size date as the Storage page, and a disk-full date from the volume size', async () => {
    const a = await start();
    const id = await addProfile(a, 'prod-1', { diskBytes: 20 * GiB, tags: ['prod', 'team-a'] });
    grow(a, id, { from: T0 - 10 * DAY_MS, stepMs: 2 * HOUR_MS, start: 10 * GiB, perDay: 512 * MiB });
    const [row] = (await overview(a)).rows;
    const growth = a.monitoring.history.growth(id, { thresholdBytes: 50 * GiB, now: new Date(T0) });
    expect(row!.bytesPerDay).toBeCloseTo(growth.bytesPerDay!, 3);
    expect(row!.fit).toEqual(growth.fit);
    expect(row!.critical).toEqual({
      thresholdBytes: 50 * GiB,
      reachesAt: growth.reachesAt,
      daysLeft: growth.daysLeft,
    });
    // Used = every database of the latest sample (app + postgres 7 MiB), filled at 512 MiB a day.
    const used = 10 * GiB + 10 * 512 * MiB + 7 * MiB;
    expect(row!.disk).toMatchObject({ source: 'profile', thresholdBytes: 20 * GiB, usedBytes: used });
    expect(row!.disk!.daysLeft).toBeCloseTo((20 * GiB - used) / (512 * MiB), 6);
    expect(row!.tags).toEqual(['prod', 'team-a']);
    expect(row!.endpoint).toBe('dba@db.example:5432/app');
    expect(row!.change24h).toEqual({ bytes: 512 * MiB, pct: expect.any(Number), spanMs: DAY_MS });
    expect(row!.change7d!.spanMs).toBe(7 * DAY_MS);
    expect(row!.sparkline.bytes).toHaveLength(42);
    expect(row!.sparkline.bytes.at(-1)).toBe(10 * GiB + 10 * 512 * MiB);
  });

  it('says what the history really spans: no 7-day change from two days, no rate from two samples', async () => {
    const a = await start();
    const young = await addProfile(a, 'young');
    grow(a, young, { from: T0 - 2 * DAY_MS, stepMs: 3 * HOUR_MS, start: GiB, perDay: MiB });
    const fresh = await addProfile(a, 'fresh');
    grow(a, fresh, { from: T0 - 60_000, stepMs: 60_000, start: GiB, perDay: MiB });
    const never = await addProfile(a, 'never');
    const { rows } = await overview(a);
    const y = rows.find((r) => r.profileId === young)!;
    expect(y.change24h!.spanMs).toBe(DAY_MS);
    // The Storage page's rule: no baseline near 7 days ago, so no "7-day" figure at all.
    expect(y.change7d).toBeNull();
    expect(y.bytesPerDay).not.toBeNull();
    const f = rows.find((r) => r.profileId === fresh)!;
    expect(f).toMatchObject({ bytesPerDay: null, critical: { daysLeft: null }, disk: null });
    expect(f.noRate).toMatch(/^not enough history yet \(2 samples over 1 min/);
    const n = rows.find((r) => r.profileId === never)!;
    expect(n).toMatchObject({
      databaseBytes: null,
      noRate: 'no samples yet',
      change24h: null,
      lastSampleAt: null,
    });
    // WAL and XID facts are not sampled here: null, with why.
    expect(n).toMatchObject({
      walRetainedBytes: null,
      xidAgePct: null,
      diskFactsNote: expect.stringMatching(/Not read yet/),
    });
  });

  it('shows each server’s WAL kept by slots and oldest XID age from its latest sample, read for every server at once', async () => {
    const a = await start();
    const held = await addProfile(a, 'held');
    const other = await addProfile(a, 'other');
    const h = a.monitoring.history;
    h.saveSample(held, { ...sample(T0 - HOUR_MS, [], GiB), diskFacts: diskFacts(T0 - HOUR_MS, GiB, 1000) });
    h.saveSample(held, { ...sample(T0, [], GiB), diskFacts: diskFacts(T0, 3 * GiB, 2 ** 30) });
    h.saveSample(other, { ...sample(T0, [], GiB), diskFacts: { ...diskFacts(T0, 0, 1000), slots: [] } });
    const { rows } = await overview(a);
    expect(rows.find((r) => r.profileId === held)).toMatchObject({
      walRetainedBytes: 3 * GiB,
      xidAgePct: 50,
      diskFactsNote: null,
    });
    expect(rows.find((r) => r.profileId === other)).toMatchObject({
      walRetainedBytes: null,
      diskFactsNote: `As of the sample at ${new Date(T0).toISOString()}: no replication slot keeps WAL.`,
    });
  });

  it('finds the 7-day baseline as the Storage page does, also when it is older than 7 days', async () => {
    const a = await start();
    const id = await addProfile(a, 'daily');
    // Daily samples with an hour of jitter: the one nearest 7 days ago is 7 days and 1 hour old.
    for (const [t, gib] of [
      [T0 - 8 * DAY_MS, 1],
      [T0 - 7 * DAY_MS - HOUR_MS, 2],
      [T0 - 6 * DAY_MS + 3 * HOUR_MS, 3],
      [T0 - DAY_MS, 4],
      [T0, 5],
    ] as const) {
      a.monitoring.history.saveSample(id, sample(t, [], gib * GiB));
    }
    const [row] = (await overview(a)).rows;
    const storage = a.monitoring.history.overview(id).latest!;
    expect(row!.change7d).toEqual(storage.change7d);
    expect(row!.change7d).toMatchObject({ bytes: 3 * GiB, spanMs: 7 * DAY_MS + HOUR_MS });
    expect(row!.change24h).toEqual(storage.change24h);
  });
});

describe('profile tags and disk size', () => {
  it('are stored with the profile and validated', async () => {
    const a = await start();
    const id = await addProfile(a, 'p', { tags: ['prod', ' prod ', 'team-a'], diskBytes: 500 * GiB });
    const got = await a.router.dispatch('profiles:get', { id });
    expect(got).toMatchObject({ ok: true, value: { tags: ['prod', 'team-a'], diskBytes: 500 * GiB } });
    const bad = await a.router.dispatch('profiles:create', {
      name: 'q',
      host: 'h',
      port: 5432,
      database: 'd',
      user: 'u',
      tags: ['two words'],
      diskBytes: -1,
    });
    expect(bad).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        fields: { 'tags.0': expect.stringMatching(/no spaces/), diskBytes: expect.any(String) },
      },
    });
  });
});
