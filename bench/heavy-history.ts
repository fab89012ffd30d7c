/**
 * A heavy user's history, written straight into the compact tables (saving 1,284 samples of 50,000
 * relations through `saveSample` would take most of an hour): 90 days as downsampling leaves them (one
 * sample a day to 30 days back, hourly to 7 days, every 15 minutes after), each relation's figures in
 * runs that change every 4, 16, 64 or 256 samples or never (about 7 % of relations change per sample).
 * Also: partitioned tables with partitions, relations "not measured" around the 7-day baseline and
 * now, relations that appeared a day ago, and relations that went away halfway.
 */
import type Database from 'better-sqlite3';
import { DAY_MS, HOUR_MS, MiB, T0 } from '../test/support/history-fixtures';

export interface HeavyHistory {
  samples: number;
  topLevel: number;
  partitions: number;
  gone: number;
  runs: number;
}

const MINUTE_MS = 60_000;
const PERIODS = [4, 16, 64, 256, 0];

/** The tiers' sample times up to T0, oldest first. */
export function tierTimes(): number[] {
  const times: number[] = [];
  for (let t = T0 - 90 * DAY_MS; t < T0 - 30 * DAY_MS; t += DAY_MS) times.push(t);
  for (let t = T0 - 30 * DAY_MS; t < T0 - 7 * DAY_MS; t += HOUR_MS) times.push(t);
  for (let t = T0 - 7 * DAY_MS; t <= T0; t += 15 * MINUTE_MS) times.push(t);
  return times;
}

export function buildHeavyHistory(db: Database.Database, profileId: string, topLevel: number): HeavyHistory {
  const times = tierTimes();
  const last = times.length - 1;
  const parents = Math.floor(topLevel / 100);
  const partitionsPer = 4;
  const gone = Math.floor(topLevel / 50);
  const insertRelation = db
    .prepare<[string, string, string, string, number | null], number>(
      'INSERT INTO relations (profile_id, schema, name, kind, parent_id) VALUES (?, ?, ?, ?, ?) RETURNING id',
    )
    .pluck();
  const addRelation = (schema: string, name: string, kind: string, parent: number | null = null) =>
    insertRelation.get(profileId, schema, name, kind, parent)!;
  const addRun = db.prepare(`
    INSERT INTO relation_runs (relation_id, from_at, last_at, measured, not_measured, heap_bytes, toast_bytes,
      index_bytes, total_bytes, row_estimate, is_newest)
    VALUES (@id, @from, @to, @measured, @why, @heap, 0, @index, @total, 1000, @newest)`);
  const addUpkeep = db.prepare(
    'INSERT INTO relation_upkeep (relation_id, taken_at, dead_tuples) VALUES (?, ?, ?)',
  );
  const addSample = db.prepare(`
    INSERT INTO samples (profile_id, taken_at, duration_ms, database_name, database_bytes, relation_count,
                         top_level_count)
    VALUES (?, ?, 900, 'app', ?, ?, ?)`);
  let runs = 0;

  /** One relation's runs from sample index `first` to `end`, changing every `period` samples. */
  const relation = (id: number, i: number, first: number, end: number) => {
    const period = PERIODS[i % PERIODS.length]!;
    const base = (i % 977) * MiB + 8192;
    // Not measured around the 7-day baseline (even i) or in the last two samples (odd i).
    const blind = i % 97 === 0 ? (i % 2 === 0 ? [last - 674, last - 670] : [last - 1, last]) : null;
    const measuredAt = (k: number) => !(blind && k >= blind[0]! && k <= blind[1]!);
    let from = first;
    let step = 0;
    for (let k = first + 1; k <= end + 1; k++) {
      const breaks =
        k > end || (period > 0 && (k - first) % period === 0) || measuredAt(k) !== measuredAt(from);
      if (!breaks) continue;
      const measured = measuredAt(from);
      const total = measured ? base + step * (((i % 13) + 1) * 8192) : null;
      addRun.run({
        id,
        from: times[from],
        to: times[k - 1],
        measured: measured ? 1 : 0,
        why: measured ? null : 'locked by another session (AccessExclusiveLock)',
        heap: total === null ? null : Math.floor(total * 0.7),
        index: total === null ? null : total - Math.floor(total * 0.7),
        total,
        newest: k > end ? 1 : null,
      });
      runs++;
      step++;
      from = k;
    }
    addUpkeep.run(id, times[first], i % 1000);
  };

  db.transaction(() => {
    for (let i = 0; i < topLevel; i++) {
      const isParent = i < parents;
      const id = addRelation('public', `t_${i}`, isParent ? 'partitioned' : 'table');
      relation(id, i, i % 101 === 0 ? last - 96 : 0, last);
      if (!isParent) continue;
      for (let k = 0; k < partitionsPer; k++) {
        const child = addRelation('public', `t_${i}_p${k}`, 'partition', id);
        relation(child, i * partitionsPer + k, 0, last);
      }
    }
    for (let i = 0; i < gone; i++) {
      relation(addRelation('old', `gone_${i}`, 'table'), i, 0, Math.floor(last / 2));
    }
    for (const [k, t] of times.entries()) {
      addSample.run(profileId, t, 100_000 * MiB + k * MiB, topLevel + parents * partitionsPer, topLevel);
    }
  })();
  db.exec('ANALYZE');
  return { samples: times.length, topLevel, partitions: parents * partitionsPer, gone, runs };
}
