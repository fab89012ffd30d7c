import { describe, expect, it } from 'vitest';
import { DAY_MS, MiB, rel, rig, sample, saveMany, T0 } from '../../../test/support/history-fixtures';

function history(r: ReturnType<typeof rig>, p: string, days: number) {
  const samples = [];
  for (let d = days; d >= 0; d--) {
    const relations = [rel('public.kept', MiB * (days - d + 1))];
    // A table dropped 50 days ago: only old samples mention it.
    if (d > 50) relations.push(rel('public.dropped', MiB));
    samples.push(sample(T0 - d * DAY_MS, relations));
  }
  saveMany(r, p, samples);
  r.db.transaction(() => {
    for (let d = days; d >= 0; d--) {
      r.history.recordBeat(p, { at: new Date(T0 - d * DAY_MS), ok: true, latencyMs: 2, message: null });
    }
  })();
}

describe('retention', () => {
  it('prunes samples, their rows and vanished relations after 90 days and heartbeats after 60, by default', async () => {
    const r = rig();
    const p = r.addProfile();
    history(r, p, 120);
    const result = await r.history.prune(new Date(T0));
    expect(result).toMatchObject({ samples: 30, relationSizes: 30 * 2, relations: 0, heartbeats: 60 });
    expect(r.db.prepare('SELECT min(taken_at) FROM samples').pluck().get()).toBe(T0 - 90 * DAY_MS);
    expect(r.count('sample_databases')).toBe(91 * 2);
    expect(r.count('relation_sizes')).toBe(91 + 40);
    expect(r.db.prepare('SELECT min(at) FROM heartbeat_history').pluck().get()).toBe(T0 - 60 * DAY_MS);
    // The current heartbeat state is not history: it stays.
    expect(r.count('heartbeat_current')).toBe(1);

    // Shorter retention from the settings page: the dropped table's last rows go, and so does the table.
    r.history.settings.update({ sampleRetentionDays: 30, heartbeatRetentionDays: 7 });
    const again = await r.history.prune(new Date(T0));
    expect(again).toMatchObject({ samples: 60, relations: 1, heartbeats: 53 });
    expect(r.db.prepare('SELECT name FROM relations').pluck().all()).toEqual(['kept']);
    expect(r.count('samples')).toBe(31);
    expect(r.count('heartbeat_history')).toBe(8);
    expect(await r.history.prune(new Date(T0))).toMatchObject({ samples: 0, heartbeats: 0, batches: 1 });
  });

  it('works in bounded batches and yields between them', async () => {
    const r = rig();
    const p = r.addProfile();
    const samples = [];
    for (let d = 100; d >= 0; d--) {
      samples.push(
        sample(
          T0 - d * DAY_MS,
          Array.from({ length: 50 }, (_, i) => rel(`public.t${i}`, MiB)),
        ),
      );
    }
    saveMany(r, p, samples);
    const seen = [r.count('relation_sizes')];
    const result = await r.history.prune(new Date(T0), {
      batchRows: 120,
      pause: async () => {
        seen.push(r.count('relation_sizes'));
      },
    });
    seen.push(r.count('relation_sizes'));
    // 10 samples of 50 rows each, at most 2 samples (100 rows) per transaction, a pause between batches.
    expect(result).toMatchObject({ samples: 10, relationSizes: 500 });
    expect(seen).toHaveLength(result.batches + 1);
    const perBatch = seen.slice(1).map((n, i) => seen[i]! - n);
    expect(Math.max(...perBatch)).toBe(100);
    expect(perBatch.reduce((a, b) => a + b, 0)).toBe(500);
    expect(r.count('samples')).toBe(91);
  });

  it('keeps the newest sample of a profile even when it is older than the retention', async () => {
    const r = rig();
    const p = r.addProfile();
    saveMany(r, p, [
      sample(T0 - 200 * DAY_MS, [rel('public.a', MiB)]),
      sample(T0 - 100 * DAY_MS, [rel('public.a', MiB)]),
    ]);
    await r.history.prune(new Date(T0));
    expect(r.count('samples')).toBe(1);
    expect(r.history.overview(p).latest!.takenAt).toBe(new Date(T0 - 100 * DAY_MS).toISOString());
    expect(r.history.overview(p).relations).toHaveLength(1);
  });

  it('removes every trace of a deleted profile and nothing of the others', async () => {
    const r = rig();
    const gone = r.addProfile();
    const stays = r.addProfile();
    for (const p of [gone, stays]) {
      history(r, p, 10);
      r.history.schedules.set(p, { storage: 'every 15m', heartbeatSeconds: 30 });
    }
    await r.profiles.delete(gone);
    for (const table of ['samples', 'relations', 'heartbeat_current', 'heartbeat_history', 'schedules']) {
      expect(r.count(table, `profile_id = '${gone}'`)).toBe(0);
      expect(r.count(table, `profile_id = '${stays}'`)).toBeGreaterThan(0);
    }
    const rows = (table: string) =>
      r.count(table, `sample_id IN (SELECT id FROM samples WHERE profile_id = '${stays}')`);
    expect(r.count('relation_sizes')).toBe(rows('relation_sizes'));
    expect(r.count('sample_databases')).toBe(rows('sample_databases'));
    expect(r.count('relation_sizes')).toBe(11);
  });
});
