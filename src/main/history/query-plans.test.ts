import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { rig } from '../../../test/support/history-fixtures';
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
  new History(spy);
  return sqls;
}

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
];

/** Full passes over a history table in the plans of these statements. */
function fullScans(db: Database.Database, sqls: string[]): string[] {
  const scans: string[] = [];
  for (const sql of sqls) {
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...nullParams(sql)) as Array<{ detail: string }>;
    for (const { detail } of plan) {
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
  it('never scans a history table in full', () => {
    const { db } = rig();
    const sqls = preparedBy(db);
    expect(sqls.length).toBeGreaterThan(30);
    // The check itself sees a scan when there is one.
    expect(fullScans(db, ['SELECT * FROM relation_sizes s WHERE s.measured = 0'])).toHaveLength(1);
    expect(fullScans(db, sqls)).toEqual([]);
  });
});
