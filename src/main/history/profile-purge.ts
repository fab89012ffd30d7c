import type Database from 'better-sqlite3';

export interface PurgeResult {
  /** Rows deleted from the history tables (children counted on their own: nothing cascades inside a batch). */
  rows: number;
  /** Transactions used; each deletes at most `batchRows` rows. */
  batches: number;
  /** The longest single batch, in ms (what the UI may have waited for). */
  longestBatchMs: number;
}

export interface PurgeOptions {
  /** Rows per transaction. */
  batchRows?: number;
  /** Called between batches; by default yields to the event loop so IPC keeps flowing. */
  pause?: () => Promise<void>;
}

const DEFAULT_BATCH_ROWS = 5_000;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A profile's history tables, children before parents, so that deleting a
 * batch of rows never cascades into more rows than the batch counted. Each
 * entry: the table, its key columns, and which rows belong to @profileId.
 * `relation_sizes` is a view over relation_runs/relation_upkeep; profile
 * settings (schedule, rules, current heartbeat) are a row each and go with
 * the profile row. The migration journal has no foreign key to profiles and
 * is kept.
 */
const OF_DISK_FACTS = 'sample_id IN (SELECT sample_id FROM disk_fact_samples WHERE profile_id = @profileId)';
const OF_SAMPLES = 'sample_id IN (SELECT id FROM samples WHERE profile_id = @profileId)';
const OF_RELATIONS = 'relation_id IN (SELECT id FROM relations WHERE profile_id = @profileId)';
const OF_PROFILE = 'profile_id = @profileId';
const HISTORY: readonly { table: string; key: string; owned: string }[] = [
  { table: 'alerts', key: 'id', owned: OF_PROFILE },
  { table: 'heartbeat_history', key: 'profile_id, at', owned: OF_PROFILE },
  { table: 'disk_fact_slots', key: 'sample_id, name', owned: OF_DISK_FACTS },
  { table: 'disk_fact_databases', key: 'sample_id, name', owned: OF_DISK_FACTS },
  { table: 'disk_fact_samples', key: 'sample_id', owned: OF_PROFILE },
  { table: 'sample_databases', key: 'sample_id, name', owned: OF_SAMPLES },
  { table: 'samples', key: 'id', owned: OF_PROFILE },
  { table: 'relation_upkeep', key: 'relation_id, taken_at', owned: OF_RELATIONS },
  { table: 'relation_runs', key: 'relation_id, from_at', owned: OF_RELATIONS },
  // Children's parent_id is set NULL as parents go: rows of this same profile, deleted in a later batch.
  { table: 'relations', key: 'id', owned: OF_PROFILE },
];

/**
 * Deletes a deleted profile's stored history in bounded transactions,
 * yielding between them, so a server with years of samples does not hold the
 * database (and the app) in one long `DELETE FROM profiles` cascade.
 */
export class ProfilePurge {
  private readonly deletes;
  private readonly stepTx: (profileId: string, batchRows: number) => { rows: number; done: boolean };

  constructor(db: Database.Database) {
    this.deletes = HISTORY.map(({ table, key, owned }) =>
      db.prepare<[{ profileId: string; limit: number }]>(
        `DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM ${table} WHERE ${owned} LIMIT @limit)`,
      ),
    );
    this.stepTx = db.transaction((profileId: string, batchRows: number) => {
      let budget = batchRows;
      for (const statement of this.deletes) {
        budget -= statement.run({ profileId, limit: budget }).changes;
        if (budget <= 0) return { rows: batchRows, done: false };
      }
      return { rows: batchRows - budget, done: true };
    });
  }

  async purge(profileId: string, options: PurgeOptions = {}): Promise<PurgeResult> {
    const pause = options.pause ?? yieldToEventLoop;
    const batchRows = Math.max(1, options.batchRows ?? DEFAULT_BATCH_ROWS);
    const total: PurgeResult = { rows: 0, batches: 0, longestBatchMs: 0 };
    for (;;) {
      const started = performance.now();
      const step = this.stepTx(profileId, batchRows);
      total.longestBatchMs = Math.max(total.longestBatchMs, performance.now() - started);
      total.batches++;
      total.rows += step.rows;
      if (step.done) return total;
      await pause();
    }
  }
}
