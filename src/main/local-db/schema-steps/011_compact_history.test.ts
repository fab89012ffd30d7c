import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { GrowthQuery } from '../../history/growth';
import { Lookup } from '../../history/lookup';
import { OverviewQuery } from '../../history/overview';
import { SeriesQuery } from '../../history/series';
import { StatusQuery } from '../../history/status';
import { applySchemaSteps, DB_FILE, openStore } from '../database';
import { schemaSteps } from '.';
import { step022LatestRelations } from './022_latest_relations';
import { latestSchemaVersion } from './index';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const END = Date.UTC(2026, 2, 1, 12, 0, 0);

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

interface Rel {
  id: number;
  kind: string;
  bytes: number;
  hot: boolean;
  from: number;
  to: number;
}

/**
 * A schema-010 file with the history a DBA would have: three servers on
 * different schedules (15 minutes, hourly with the laptop off for a day,
 * daily), ~165 relations each (tables, two partitioned tables with
 * partitions, a hypertable whose chunks come and go, a table dropped and
 * created again), "not measured" rows, upkeep figures that move.
 */
function buildOldFile(dir: string): void {
  const db = new Database(join(dir, DB_FILE));
  applySchemaSteps(db, schemaSteps.slice(0, 10));
  const rnd = random(42);
  const profile = db.prepare(
    `INSERT INTO profiles (id, name, host, port, database, user_name, sslmode, connect_timeout_sec,
       statement_timeout_ms, pool_size, password_mode, created_at, updated_at)
     VALUES (?, ?, 'h', 5432, 'app', 'dba', 'prefer', 10, 15000, 2, 'pgpass', 't', 't')`,
  );
  const relation = db.prepare(
    'INSERT INTO relations (profile_id, schema, name, kind, parent_id) VALUES (?, ?, ?, ?, ?) RETURNING id',
  );
  const sample = db.prepare(
    `INSERT INTO samples (profile_id, taken_at, duration_ms, database_name, database_bytes, gaps, relation_count)
     VALUES (?, ?, 200, 'app', ?, '[]', ?)`,
  );
  const database = db.prepare('INSERT INTO sample_databases VALUES (?, ?, ?)');
  const size = db.prepare(`INSERT INTO relation_sizes VALUES (@relation_id, @taken_at, @sample_id, @measured,
    @not_measured, @heap, @toast, @index, @total, @rows, @dead, @vacuum, @analyze, @children, NULL, NULL, NULL)`);
  const servers = [
    { id: 'p1', every: 15 * MIN, count: 120, off: null },
    { id: 'p2', every: HOUR, count: 150, off: [80, 104] },
    { id: 'p3', every: DAY, count: 90, off: null },
  ] as const;
  db.transaction(() => {
    for (const server of servers) {
      profile.run(server.id, `Server ${server.id}`);
      const rels: Rel[] = [];
      const add = (
        name: string,
        kind: string,
        parent: number | null,
        from = 0,
        to: number = server.count,
      ) => {
        const id = (relation.get(server.id, 'public', name, kind, parent) as { id: number }).id;
        rels.push({ id, kind, bytes: 8192 * Math.floor(1 + rnd() * 50_000), hot: rnd() < 0.1, from, to });
        return id;
      };
      for (let i = 0; i < 120; i++) add(`t${i}`, 'table', null);
      for (const p of ['orders', 'events']) {
        const root = add(p, 'partitioned', null);
        for (let i = 0; i < 10; i++) add(`${p}_p${i}`, 'partition', root);
      }
      const hyper = add('metrics', 'hypertable', null);
      for (let i = 0; i < 20; i++) add(`_hyper_1_${i}_chunk`, 'chunk', hyper, i * 4, i * 4 + 40);
      // Dropped for a while, then created again under the same name (same relation id).
      const againId = add('recreated', 'table', null);
      const again = rels.find((r) => r.id === againId)!;

      for (let n = 0; n < server.count; n++) {
        if (server.off && n >= server.off[0] && n < server.off[1]) continue;
        const at = END - (server.count - n) * server.every;
        const listed = rels.filter((r) => n >= r.from && n < r.to && !(r === again && n >= 50 && n < 70));
        const sampleId = Number(sample.run(server.id, at, 1e9 + n, listed.length).lastInsertRowid);
        database.run(sampleId, 'app', 1e9 + n);
        database.run(sampleId, 'postgres', 7e6);
        for (const r of listed) {
          if (r.hot || rnd() < 0.05) r.bytes += 8192 * Math.floor(rnd() * 100);
          const measured = rnd() > 0.02;
          size.run({
            relation_id: r.id,
            taken_at: at,
            sample_id: sampleId,
            measured: measured ? 1 : 0,
            not_measured: measured ? null : 'locked by another session (AccessExclusiveLock)',
            heap: measured ? Math.floor(r.bytes * 0.7) : null,
            toast: measured ? 0 : null,
            index: measured ? r.bytes - Math.floor(r.bytes * 0.7) : null,
            total: measured ? r.bytes : null,
            rows: measured ? Math.floor(r.bytes / 100) : null,
            dead: r.hot ? Math.floor(rnd() * 1000) : r.id % 7,
            vacuum: END - DAY * (r.hot ? Math.floor(n / 30) : 10),
            analyze: rnd() < 0.01 ? null : END - 10 * DAY,
            children: r.kind === 'partitioned' ? 10 : r.kind === 'hypertable' ? 20 : null,
          });
        }
      }
    }
  })();
  db.close();
}

/** Everything a reader can ask of the history: every stored row, and the charts, growth and overview built on it. */
function readEverything(db: Database.Database) {
  const lookup = new Lookup(db);
  const series = new SeriesQuery(db, lookup, () => HOUR);
  const growth = new GrowthQuery(db, lookup);
  const overview = new OverviewQuery(db, lookup, new StatusQuery(db));
  const now = new Date(END);
  const out: Record<string, unknown> = {
    rows: db.prepare('SELECT * FROM relation_sizes ORDER BY relation_id, taken_at').all(),
  };
  for (const p of ['p1', 'p2', 'p3']) {
    out[`${p} overview`] = overview.overview(p);
    out[`${p} growers`] = overview.topGrowers(p, '7d', 10);
    out[`${p} db`] = series.series(p, undefined, 'all', now);
    const ids = db.prepare('SELECT id FROM relations WHERE profile_id = ?').pluck().all(p) as number[];
    for (const id of ids) {
      out[`${p} ${id} all`] = series.series(p, id, 'all', now);
      out[`${p} ${id} 7d`] = series.series(p, id, '7d', now);
      out[`${p} ${id} growth`] = growth.growth(p, id, undefined, { minWindowMs: DAY, minSamples: 5 }, now);
      out[`${p} ${id} children`] = overview.children(p, id);
    }
  }
  return out;
}

describe('migration 011: compact history', () => {
  it('reads back every series of a realistic history file identically, in far fewer rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-011-'));
    buildOldFile(dir);
    // The baseline is read by today's queries, which also read what later steps add: the column of step 012
    // (NULL on old rows) and of step 023 (NULL: upkeep read with the sample), the latest sample's rows straight
    // from relation_runs / relation_upkeep (step 021), and step 022's table of latest relations (left unbuilt,
    // so the live queries answer).
    // A scratch copy gets the column, and those tables holding every old row as its own one-sample run (no
    // compaction), so the figures compared are step 010's own.
    const scratch = mkdtempSync(join(tmpdir(), 'tidemark-011-baseline-'));
    copyFileSync(join(dir, DB_FILE), join(scratch, DB_FILE));
    const old = new Database(join(scratch, DB_FILE));
    old.exec(`
      ALTER TABLE sample_databases ADD COLUMN sized_at INTEGER;
      ALTER TABLE samples ADD COLUMN top_level_count INTEGER;
      ALTER TABLE samples ADD COLUMN upkeep_at INTEGER;
      CREATE TABLE relation_runs AS SELECT *, taken_at AS from_at, taken_at AS last_at, 1 AS is_newest
        FROM relation_sizes;
      CREATE INDEX relation_runs_last ON relation_runs (last_at, total_bytes) WHERE is_newest = 1;
      CREATE TABLE relation_upkeep AS SELECT * FROM relation_sizes;
      CREATE INDEX relation_upkeep_key ON relation_upkeep (relation_id, taken_at);
    `);
    step022LatestRelations.up(old);
    const before = readEverything(old);
    const oldRows = (before.rows as unknown[]).length;
    old.close();
    expect(oldRows).toBeGreaterThan(40_000);

    // The migration runs on a copy, as on a DBA's file at first start.
    const copy = mkdtempSync(join(tmpdir(), 'tidemark-011-copy-'));
    copyFileSync(join(dir, DB_FILE), join(copy, DB_FILE));
    const { db } = openStore(copy);
    expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion);
    const after = readEverything(db);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const key of Object.keys(before)) expect(after[key], key).toEqual(before[key]);

    const runs = db.prepare('SELECT count(*) FROM relation_runs').pluck().get() as number;
    expect(runs).toBeLessThan(oldRows / 3);
    // "Not measured" stays its own state: no sizes, never a zero.
    expect(
      db
        .prepare('SELECT count(*) FROM relation_sizes WHERE measured = 0 AND total_bytes IS NULL')
        .pluck()
        .get(),
    ).toBeGreaterThan(100);
    db.close();
  }, 180_000);
});
