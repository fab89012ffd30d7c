import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MiB, rel, rig, sample, T0 } from '../../../test/support/history-fixtures';
import { relationPageRequestSchema, relationSortKeys } from '../../shared/storage';
import { History } from './history';

/** Every statement the history prepares, captured as it is prepared. */
function preparedBy(db: Database.Database): string[] {
  const sqls: string[] = [];
  const spy = new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === 'prepare') {
        return (sql: string) => {
          sqls.push(sql);
          return target.prepare(sql);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const history = new History(spy);
  // The windows of the relations list are prepared per sort, when first asked for.
  const profileId = db.prepare<[], string>('SELECT id FROM profiles LIMIT 1').pluck().get();
  if (profileId) {
    for (const key of relationSortKeys) {
      for (const dir of ['asc', 'desc'] as const) {
        for (const offset of [0, 1]) {
          history.relationPage(profileId, relationPageRequestSchema.parse({ sort: { key, dir }, offset }));
        }
      }
    }
  }
  return sqls;
}

const planOf = (db: Database.Database, sql: string) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...nullParams(sql)) as Array<{ detail: string }>).map(
    (p) => p.detail,
  );

/** Plans do not depend on the values; better-sqlite3 still wants every parameter bound. */
function nullParams(sql: string): unknown[] {
  const named = [...sql.matchAll(/@(\w+)/g)].map((m) => m[1]!);
  if (named.length > 0) return [Object.fromEntries(named.map((n) => [n, null]))];
  return Array.from(sql.matchAll(/\?/g), () => null);
}

// Tables that grow with history: every statement must reach them through a key or an index.
const big = [
  'samples',
  'sample_databases',
  'relations',
  'relation_sizes',
  'relation_runs',
  'relation_upkeep',
  'heartbeat_history',
  'latest_relations',
];

/** Full passes over a history table in the plans of these statements. */
function fullScans(db: Database.Database, sqls: string[]): string[] {
  const scans: string[] = [];
  for (const sql of sqls) {
    for (const detail of planOf(db, sql)) {
      // "SCAN s" (a full pass) as opposed to "SEARCH s USING ..." (a seek on a key or index).
      const scanned = /^SCAN (\w+)/.exec(detail);
      if (!scanned) continue;
      const table = scanned[1]!;
      const aliasOf = new RegExp(`\\b(${big.join('|')})\\s+(?:AS\\s+)?${table}\\b`).exec(sql)?.[1];
      if (big.includes(table) || aliasOf)
        scans.push(`${detail}  <-  ${sql.replace(/\s+/g, ' ').trim().slice(0, 120)}`);
    }
  }
  return scans;
}

describe('query plans', () => {
  it('never scans a history table in full', async () => {
    const r = rig();
    const { db } = r;
    r.history.saveSample(r.addProfile(), sample(T0, [rel('public.orders', MiB)]));
    // The live queries, then (once it is built) the table of latest relations.
    const sqls = preparedBy(db);
    await r.history.refreshLatestRelations();
    sqls.push(...preparedBy(db));
    expect(sqls.some((sql) => sql.includes('FROM latest_relations r WHERE'))).toBe(true);
    expect(sqls.length).toBeGreaterThan(30);
    // The check itself sees a scan when there is one.
    expect(fullScans(db, ['SELECT * FROM relation_sizes s WHERE s.measured = 0'])).toHaveLength(1);
    expect(fullScans(db, sqls)).toEqual([]);
  });

  it('the first screen of the relations list reads the latest sample’s rows in size order, not all of them', () => {
    const r = rig();
    r.history.saveSample(r.addProfile(), sample(T0, [rel('public.orders', MiB)]));
    const window = preparedBy(r.db).find((sql) =>
      sql.includes('ORDER BY total_bytes DESC NULLS LAST, r.schema'),
    );
    const plan = planOf(r.db, window!);
    // A seek on (last_at, total_bytes) that yields rows already sorted by size; only ties are sorted.
    expect(plan).toContain('SEARCH x USING COVERING INDEX relation_runs_last (last_at=?)');
    expect(plan).toContain('USE TEMP B-TREE FOR LAST 3 TERMS OF ORDER BY');
  });

  it('the table of latest relations yields the first screen by size or growth in order, sorting only ties', async () => {
    const r = rig();
    r.history.saveSample(r.addProfile(), sample(T0, [rel('public.orders', MiB)]));
    await r.history.refreshLatestRelations();
    const sqls = preparedBy(r.db);
    for (const index of ['latest_relations_total', 'latest_relations_growth']) {
      const plan = planOf(r.db, sqls.find((sql) => sql.includes(`INDEXED BY ${index}`))!);
      expect(plan).toContain(`SEARCH r USING INDEX ${index} (profile_id=?)`);
      expect(plan, index).toContain('USE TEMP B-TREE FOR LAST 3 TERMS OF ORDER BY');
    }
  });
});
