import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { relationPageRequestSchema, relationSortKeys } from '../../../shared/storage';
import { History } from '../../history/history';
import { applySchemaSteps } from '../database';
import { schemaSteps } from '.';
import { step022LatestRelations } from './022_latest_relations';

const DAY = 86_400_000;

/** A file as step 021 left it: 40 daily samples of a profile, written as the compact format stores them. */
function fileAt21(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  applySchemaSteps(
    db,
    schemaSteps.filter((m) => m.version < 22),
  );
  const profile = db.prepare(
    `INSERT INTO profiles (id, name, host, port, database, user_name, sslmode, connect_timeout_sec,
       statement_timeout_ms, pool_size, password_mode, created_at, updated_at)
     VALUES (?, ?, 'h', 5432, 'app', 'dba', 'prefer', 10, 15000, 2, 'pgpass', 't', 't')`,
  );
  const relation = db
    .prepare<[string, string, string, number | null], number>(
      `INSERT INTO relations (profile_id, schema, name, kind, parent_id) VALUES (?, 'public', ?, ?, ?) RETURNING id`,
    )
    .pluck();
  const sample = db.prepare(
    `INSERT INTO samples (profile_id, taken_at, duration_ms, database_name, database_bytes, relation_count,
       top_level_count) VALUES (?, ?, 5, 'app', 100, 5, ?)`,
  );
  const run = db.prepare(
    `INSERT INTO relation_runs (relation_id, from_at, last_at, measured, total_bytes, is_newest)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  profile.run('p', 'Prod');
  profile.run('idle', 'No samples');
  for (let d = 1; d <= 40; d++) sample.run('p', d * DAY, d === 40 ? 4 : null);
  const orders = relation.get('p', 'orders', 'table', null)!;
  const logs = relation.get('p', 'logs', 'partitioned', null)!;
  const part = relation.get('p', 'logs_1', 'partition', logs)!;
  const locked = relation.get('p', 'locked', 'table', null)!;
  const gone = relation.get('p', 'gone', 'table', null)!;
  // orders grows daily; logs and its partition weekly; locked is not measured now nor 7 days ago.
  for (let d = 1; d <= 40; d++) run.run(orders, d * DAY, d * DAY, 1, 1000 * d, d === 40 ? 1 : null);
  for (let w = 0; w < 6; w++) {
    const [from, to] = [w * 7 + 1, Math.min(40, w * 7 + 7)];
    run.run(logs, from * DAY, to * DAY, 1, 5000 + 700 * w, to === 40 ? 1 : null);
    run.run(part, from * DAY, to * DAY, 1, 4000 + 700 * w, to === 40 ? 1 : null);
  }
  run.run(locked, DAY, 32 * DAY, 1, 9000, null);
  run.run(locked, 33 * DAY, 33 * DAY, 0, null, null);
  run.run(locked, 34 * DAY, 39 * DAY, 1, 9500, null);
  run.run(locked, 40 * DAY, 40 * DAY, 0, null, 1);
  run.run(gone, DAY, 20 * DAY, 1, 300, 1);
  return db;
}

function answers(history: History) {
  const page = (q: object) => history.relationPage('p', relationPageRequestSchema.parse(q));
  return {
    pages: relationSortKeys.flatMap((key) =>
      (['asc', 'desc'] as const).map((dir) => page({ sort: { key, dir } })),
    ),
    search: page({ search: 'LOGS' }),
    growers: (['24h', '7d', '30d', '90d'] as const).map((range) => history.topGrowers('p', range)),
  };
}

describe('migration 022: latest relations', () => {
  it('marks each sampled profile unbuilt, and the first build fills the rows the live query reads', async () => {
    const db = fileAt21();
    step022LatestRelations.up(db);
    db.pragma('user_version = 22');
    expect(db.prepare('SELECT * FROM latest_relations_state').all()).toEqual([
      { profile_id: 'p', changes: 0, built_changes: null },
    ]);
    // The steps after this one, so today's History can read the file.
    for (const step of schemaSteps.filter((s) => s.version > 22)) step.up(db);
    const history = new History(db, () => new Date(40 * DAY));
    const live = answers(history);
    await history.refreshLatestRelations(() => Promise.resolve());
    expect(db.prepare('SELECT built_changes FROM latest_relations_state').pluck().get()).toBe(0);
    expect(answers(history)).toEqual(live);
    const rows = db
      .prepare(
        'SELECT name, search_key, total_bytes, base_bytes, base_at, base_24h_bytes FROM latest_relations ORDER BY id',
      )
      .all();
    expect(rows).toEqual([
      {
        name: 'orders',
        search_key: 'public.orders',
        total_bytes: 40_000,
        base_bytes: 33_000,
        base_at: 33 * DAY,
        base_24h_bytes: 39_000,
      },
      {
        name: 'logs',
        search_key: 'public.logs',
        total_bytes: 8500,
        base_bytes: 7800,
        base_at: 33 * DAY,
        base_24h_bytes: 8500,
      },
      {
        name: 'logs_1',
        search_key: 'public.logs_1',
        total_bytes: 7500,
        base_bytes: 6800,
        base_at: 33 * DAY,
        base_24h_bytes: 7500,
      },
      // not measured now: no growth, never a zero
      {
        name: 'locked',
        search_key: 'public.locked',
        total_bytes: null,
        base_bytes: null,
        base_at: null,
        base_24h_bytes: null,
      },
    ]);
    expect(live.growers[1]).toMatchObject([
      { name: 'orders', growthBytes: 7000 },
      { name: 'logs', growthBytes: 700 },
    ]);
  });

  it('counts every sample stored or removed, so rows built before are never read after', () => {
    const db = fileAt21();
    step022LatestRelations.up(db);
    const changes = () =>
      db.prepare("SELECT changes FROM latest_relations_state WHERE profile_id = 'p'").pluck().get();
    db.prepare(
      "INSERT INTO samples (profile_id, taken_at, duration_ms, database_name, database_bytes, relation_count) VALUES ('p', ?, 5, 'app', 1, 0)",
    ).run(41 * DAY);
    expect(changes()).toBe(1);
    db.prepare('DELETE FROM samples WHERE taken_at <= ?').run(3 * DAY);
    expect(changes()).toBe(4);
    // The first sample of a profile creates its state.
    db.prepare(
      "INSERT INTO samples (profile_id, taken_at, duration_ms, database_name, database_bytes, relation_count) VALUES ('idle', 1, 5, 'app', 1, 0)",
    ).run();
    expect(
      db.prepare("SELECT changes, built_changes FROM latest_relations_state WHERE profile_id = 'idle'").get(),
    ).toEqual({
      changes: 0,
      built_changes: null,
    });
  });
});
