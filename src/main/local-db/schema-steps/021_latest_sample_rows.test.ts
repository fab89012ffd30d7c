import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { applySchemaSteps } from '../database';
import { schemaSteps } from '.';
import { step021LatestSampleRows } from './021_latest_sample_rows';

describe('migration 021: latest sample rows', () => {
  it('indexes runs by their last sample and counts the list of each profile’s latest sample', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    applySchemaSteps(
      db,
      schemaSteps.filter((m) => m.version < 21),
    );
    const profile = db.prepare(
      `INSERT INTO profiles (id, name, host, port, database, user_name, sslmode, connect_timeout_sec,
         statement_timeout_ms, pool_size, password_mode, created_at, updated_at)
       VALUES (?, ?, 'h', 5432, 'app', 'dba', 'prefer', 10, 15000, 2, 'pgpass', 't', 't')`,
    );
    const relation = db.prepare<[string, string, string, number | null], number>(
      `INSERT INTO relations (profile_id, schema, name, kind, parent_id) VALUES (?, 'public', ?, ?, ?) RETURNING id`,
    );
    const sample = db.prepare(
      `INSERT INTO samples (profile_id, taken_at, duration_ms, database_name, database_bytes, relation_count)
       VALUES (?, ?, 5, 'app', 100, ?)`,
    );
    const run = db.prepare(
      'INSERT INTO relation_runs (relation_id, from_at, last_at, measured, total_bytes) VALUES (?, ?, ?, 1, 10)',
    );
    profile.run('p', 'Prod');
    profile.run('q', 'Idle');
    sample.run('p', 1000, 4);
    sample.run('p', 2000, 3);
    const orders = relation.pluck().get('p', 'orders', 'table', null)!;
    const logs = relation.pluck().get('p', 'logs', 'partitioned', null)!;
    const part = relation.pluck().get('p', 'logs_1', 'partition', logs)!;
    const gone = relation.pluck().get('p', 'gone', 'table', null)!;
    run.run(orders, 500, 500);
    run.run(orders, 1000, 2000);
    run.run(logs, 1000, 2000);
    run.run(part, 1000, 2000);
    run.run(gone, 1000, 1000);
    // Another profile sampled at the same moment: its rows are not counted with p's.
    sample.run('q', 2000, 1);
    run.run(relation.pluck().get('q', 'other', 'table', null)!, 2000, 2000);

    step021LatestSampleRows.up(db);
    const counts = db.prepare('SELECT profile_id, taken_at, top_level_count FROM samples ORDER BY id').all();
    expect(counts).toEqual([
      // an older sample keeps NULL: the list is only ever read for the latest one
      { profile_id: 'p', taken_at: 1000, top_level_count: null },
      { profile_id: 'p', taken_at: 2000, top_level_count: 2 },
      { profile_id: 'q', taken_at: 2000, top_level_count: 1 },
    ]);
    // Each relation's newest run is flagged; the one that ended before (orders' first figures) is not.
    expect(db.prepare('SELECT from_at FROM relation_runs WHERE is_newest IS NULL').pluck().all()).toEqual([
      500,
    ]);
    expect(db.prepare('SELECT count(*) FROM relation_runs WHERE is_newest = 1').pluck().get()).toBe(5);
    const plan = db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT relation_id FROM relation_runs WHERE last_at = 2000 AND is_newest = 1 ORDER BY total_bytes DESC',
      )
      .all() as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/relation_runs_last \(last_at=\?\)/);
    expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/TEMP B-TREE/);
    expect(() => db.exec('UPDATE samples SET top_level_count = -1')).toThrow(/CHECK/);
  });
});
