import { afterEach, describe, expect, it } from 'vitest';
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  MiB,
  type Rig,
  rel,
  rig,
  sample,
  saveMany,
  T0,
} from '../../../test/support/history-fixtures';
import { relationPageRequestSchema, relationSortKeys } from '../../shared/storage';
import type { CollectedRelation } from '../collector/types';

/**
 * The Storage page reads step 022's table of latest relations once it is built; every answer must be the
 * one the live query gives (it was the only one before): the same rows, growth and baselines.
 */

const rigs: Rig[] = [];
afterEach(() => {
  for (const r of rigs.splice(0)) r.db.close();
});
const noPause = () => Promise.resolve();

const logs = { schema: 'public', name: 'logs' };
const metrics = { schema: 'public', name: 'metrics' };

/** The relations of a sample taken `k` steps into a history of `steps` (6-hourly, then every 15 minutes). */
function relationsAt(k: number, steps: number): CollectedRelation[] {
  const day = Math.floor(k / 4);
  const list: CollectedRelation[] = [];
  for (let i = 0; i < 24; i++) {
    // Some grow every sample, some every few days, some never; equal sizes make ties the order must break.
    const every = [1, 3, 12, 0][i % 4]!;
    const grown = every === 0 ? 0 : Math.floor(k / every) * (i + 1) * MiB;
    list.push(rel(`public.t_${i}`, (i % 5) * 10 * MiB + grown));
  }
  // Not measured around the 7-day and 30-day baselines and in the latest sample.
  const blind = [steps - 36, steps - 35, steps - 120, steps - 1].includes(k);
  list.push(
    blind
      ? rel('public.locked', null, { measured: false, notMeasured: 'locked by another session' })
      : rel('public.locked', 50 * MiB + k * MiB),
  );
  // Gone for a while, and back; one that appeared two days ago; one gone for good.
  if (k % 50 < 30) list.push(rel('app.comes_and_goes', 5 * MiB + k * 1024));
  if (k > steps - 12) list.push(rel('app.new_one', k * MiB));
  if (k < steps / 2) list.push(rel('app.dropped', 7 * MiB));
  // A partitioned table rolled up from a partition per 10 days, the oldest detached after 60 days.
  const parts = Array.from({ length: Math.floor(day / 10) + 1 }, (_, n) => n).filter(
    (n) => day - n * 10 < 60,
  );
  const partBytes = (n: number) => (n === Math.floor(day / 10) ? (k % 40) * MiB + MiB : 40 * MiB);
  list.push(
    rel(
      'public.logs',
      parts.reduce((sum, n) => sum + partBytes(n), 0),
      {
        kind: 'partitioned',
        children: parts.length,
      },
    ),
  );
  for (const n of parts)
    list.push(rel(`public.logs_${n}`, partBytes(n), { kind: 'partition', parent: logs }));
  list.push(rel('public.metrics', 30 * MiB + k * 2 * MiB, { kind: 'hypertable', children: 2 }));
  for (const c of [1, 2]) {
    list.push(
      rel(`_timescaledb_internal._hyper_1_${c}_chunk`, 15 * MiB + k * MiB, {
        kind: 'chunk',
        parent: metrics,
      }),
    );
  }
  return list;
}

/** 100 days: every 6 hours, then every 15 minutes for the last day; then downsampled and pruned (90 days). */
async function realisticHistory() {
  const r = rig();
  rigs.push(r);
  const p = r.addProfile();
  const times: number[] = [];
  for (let t = T0 - 100 * DAY_MS; t < T0 - DAY_MS; t += 6 * HOUR_MS) times.push(t);
  for (let t = T0 - DAY_MS; t <= T0; t += 15 * MINUTE_MS) times.push(t);
  saveMany(
    r,
    p,
    times.map((t, k) => sample(t, relationsAt(k, times.length))),
  );
  r.clock.now = T0 + 5 * MINUTE_MS;
  const pruned = await r.history.prune(new Date(r.clock.now), { pause: noPause });
  const downsampled = await r.history.downsample(new Date(r.clock.now), { pause: noPause });
  expect(pruned.samples).toBeGreaterThan(0);
  expect(downsampled.samples).toBeGreaterThan(0);
  return { r, p };
}

/** Every answer the page can ask for: each sort both ways at the start, middle and end, searches, kinds. */
function everyAnswer(r: Rig, p: string) {
  const page = (q: object) => r.history.relationPage(p, relationPageRequestSchema.parse(q));
  const answers: Record<string, unknown> = {};
  for (const key of relationSortKeys) {
    for (const dir of ['asc', 'desc'] as const) {
      for (const [offset, limit] of [
        [0, 7],
        [5, 7],
        [9, 3],
        [11, 100],
        [20, 7],
        [27, 10],
        [40, 10],
      ] as const) {
        answers[`${key} ${dir} ${offset}+${limit}`] = page({ sort: { key, dir }, offset, limit });
      }
    }
  }
  for (const search of ['logs', 'LOGS_1', '_chunk', 't_1', 'nothing', '.new']) {
    answers[`search ${search}`] = page({ search, limit: 100 });
    answers[`search ${search} by growth`] = page({ search, sort: { key: 'growth', dir: 'desc' }, offset: 1 });
  }
  for (const kind of ['table', 'partitioned', 'hypertable', 'partition', 'chunk'] as const) {
    answers[`kind ${kind}`] = page({ kind, sort: { key: 'growth', dir: 'asc' }, limit: 100 });
    answers[`kind ${kind} end`] = page({ kind, offset: 20, limit: 5 });
  }
  for (const range of ['24h', '7d', '30d', '90d'] as const) {
    answers[`growers ${range}`] = r.history.topGrowers(p, range, 10);
  }
  return answers;
}

const isReady = (r: Rig, p: string) =>
  r.db
    .prepare('SELECT built_changes IS changes FROM latest_relations_state WHERE profile_id = ?')
    .pluck()
    .get(p) === 1;

describe('the latest relations table', () => {
  it('answers every sort, window, search, filter and growth range as the live query does', async () => {
    const { r, p } = await realisticHistory();
    expect(isReady(r, p)).toBe(false);
    const live = everyAnswer(r, p);
    await r.history.refreshLatestRelations(noPause);
    expect(isReady(r, p)).toBe(true);
    expect(everyAnswer(r, p)).toEqual(live);

    // What the history holds shows in the answers: growth, not-measured rows, ranges with their real span.
    const growth = live['growth desc 0+7'] as { rows: Array<{ growth7dBytes: number | null }> };
    expect(growth.rows[0]!.growth7dBytes).toBeGreaterThan(0);
    const byTotal = live['total desc 11+100'] as { rows: Array<{ name: string; measured: boolean }> };
    expect(byTotal.rows.at(-1)).toMatchObject({ name: 'locked', measured: false });
    expect(live['growers 90d']).not.toEqual(live['growers 24h']);
    expect((live['search .new'] as { rows: unknown[] }).rows).toHaveLength(1);
  });

  it('is read once built, and left for the live query as soon as the history changes', async () => {
    const { r, p } = await realisticHistory();
    await r.history.refreshLatestRelations(noPause);
    const first = () => r.history.relationPage(p, relationPageRequestSchema.parse({ limit: 1 })).rows[0]!;
    const name = first().name;
    r.db
      .prepare("UPDATE latest_relations SET name = 'read from the table' WHERE id = ?")
      .run(first().relationId);
    expect(first().name).toBe('read from the table');

    // A new sample (or samples downsampled away) makes the table stale: the live query answers.
    r.history.saveSample(p, sample(T0 + HOUR_MS, relationsAt(500, 501)));
    expect(isReady(r, p)).toBe(false);
    expect(first().name).not.toBe('read from the table');
    const live = everyAnswer(r, p);
    await r.history.refreshLatestRelations(noPause);
    expect(everyAnswer(r, p)).toEqual(live);
    expect(name).toBeTruthy();

    r.db.prepare('DELETE FROM samples WHERE id = (SELECT min(id) FROM samples)').run();
    expect(isReady(r, p)).toBe(false);
  });

  it('starts a profile over when a sample arrives while it is being built', async () => {
    const { r, p } = await realisticHistory();
    let pauses = 0;
    // Pauses: before it begins, after the list of ids, after the one chunk (the sample arrives), then the
    // list and the chunk again.
    await r.history.refreshLatestRelations(async () => {
      if (pauses++ === 2) r.history.saveSample(p, sample(T0 + HOUR_MS, relationsAt(500, 501)));
    });
    expect(pauses).toBe(5);
    expect(isReady(r, p)).toBe(true);
    const built = everyAnswer(r, p);
    // Make it stale without changing the history's figures, to read the live answers.
    r.db.prepare('UPDATE latest_relations_state SET built_changes = NULL').run();
    expect(everyAnswer(r, p)).toEqual(built);
    // Built for the sample that arrived, not the one it started with.
    expect((built['total desc 0+7'] as { sampleId: number }).sampleId).toBe(
      r.history.overview(p, { relations: false }).latest?.sampleId,
    );
    expect(r.count('latest_relations', `taken_at <> ${T0 + HOUR_MS}`)).toBe(0);
  });
});
