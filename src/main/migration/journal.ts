import type Database from 'better-sqlite3';
import { displayName } from '../../shared/ident';
import type {
  MigrationProgress,
  MigrationState,
  MigrationSummary,
  PhaseId,
  Plan,
  StepStatus,
  SwapReport,
  ValidationReport,
} from '../../shared/migration';
import { AppError } from '../errors';
import type { MigrationSpec } from './spec';

/** The SQLite journal (schema in store/migrations/005): every write is one statement or one transaction. */

export interface MigrationRow {
  id: string;
  profileId: string;
  schema: string;
  table: string;
  timeColumn: string;
  target: MigrationSpec['target'];
  state: MigrationState;
  spec: MigrationSpec;
  plan: Plan;
  progress: MigrationProgress | null;
  swap: (SwapReport & { after?: string[] }) | null;
  validation: ValidationReport | null;
  error: MigrationSummary['error'];
  createdAt: string;
  updatedAt: string;
  swappedAt: string | null;
  keepUntil: string | null;
  finishedAt: string | null;
}

export interface JournalEvent {
  id: number;
  at: string;
  kind: string;
  stepKey: string | null;
  message: string;
  data: Record<string, unknown> | null;
}

interface RawRow {
  id: string;
  profile_id: string;
  schema_name: string;
  table_name: string;
  time_column: string;
  target: MigrationSpec['target'];
  state: MigrationState;
  spec_json: string;
  plan_json: string;
  progress_json: string | null;
  swap_json: string | null;
  validation_json: string | null;
  error_json: string | null;
  created_at: string;
  updated_at: string;
  swapped_at: string | null;
  keep_until: string | null;
  finished_at: string | null;
}

const parse = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));

function fromRaw(r: RawRow): MigrationRow {
  return {
    id: r.id,
    profileId: r.profile_id,
    schema: r.schema_name,
    table: r.table_name,
    timeColumn: r.time_column,
    target: r.target,
    state: r.state,
    spec: JSON.parse(r.spec_json) as MigrationSpec,
    plan: JSON.parse(r.plan_json) as Plan,
    progress: parse(r.progress_json),
    swap: parse(r.swap_json),
    validation: parse(r.validation_json),
    error: parse(r.error_json),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    swappedAt: r.swapped_at,
    keepUntil: r.keep_until,
    finishedAt: r.finished_at,
  };
}

export interface StepSeed {
  key: string;
  phase: PhaseId;
  title: string;
}

export class MigrationJournal {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date,
  ) {}

  private stamp(): string {
    return this.now().toISOString();
  }

  create(spec: MigrationSpec, plan: Plan, steps: StepSeed[]): MigrationRow {
    const at = this.stamp();
    const n = spec.names;
    try {
      this.db.transaction(() => {
        this.db
          .prepare(
            `INSERT INTO migrations (id, profile_id, schema_name, table_name, time_column, target, state, spec_json, plan_json,
               created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?)`,
          )
          .run(
            spec.id,
            spec.profileId,
            n.schema,
            n.table,
            spec.timeColumn,
            spec.target,
            JSON.stringify(spec),
            JSON.stringify(plan),
            at,
            at,
          );
        this.insertSteps(spec.id, steps);
      })();
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        const open = this.db
          .prepare(
            `SELECT id, state FROM migrations WHERE profile_id = ? AND schema_name = ? AND table_name = ?
               AND state NOT IN ('cancelled', 'rolled_back', 'cleaned_up')`,
          )
          .get(spec.profileId, n.schema, n.table) as { id: string; state: string } | undefined;
        throw new AppError(
          'conflict',
          `A migration of ${displayName(n.schema, n.table)} is already open (${open?.id ?? '?'}, ${open?.state ?? '?'}). ` +
            'Continue it, or cancel, roll back or clean it up before planning another.',
        );
      }
      throw error;
    }
    return this.get(spec.id)!;
  }

  private insertSteps(id: string, steps: StepSeed[]): void {
    const insert = this.db.prepare(
      `INSERT INTO migration_steps (migration_id, step_key, ordinal, phase, title, state) VALUES (?, ?, ?, ?, ?, 'pending')`,
    );
    for (const [i, s] of steps.entries()) insert.run(id, s.key, i, s.phase, s.title);
  }

  /** New plan for a migration that has not started. */
  replan(spec: MigrationSpec, plan: Plan, steps: StepSeed[]): MigrationRow {
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE migrations SET spec_json = ?, plan_json = ?, updated_at = ? WHERE id = ? AND state = 'planned'`,
        )
        .run(JSON.stringify(spec), JSON.stringify(plan), this.stamp(), spec.id);
      this.db.prepare(`DELETE FROM migration_steps WHERE migration_id = ?`).run(spec.id);
      this.insertSteps(spec.id, steps);
    })();
    return this.get(spec.id)!;
  }

  get(id: string): MigrationRow | null {
    const r = this.db.prepare(`SELECT * FROM migrations WHERE id = ?`).get(id) as RawRow | undefined;
    return r ? fromRaw(r) : null;
  }

  list(profileId?: string): MigrationRow[] {
    const rows = (
      profileId
        ? this.db
            .prepare(`SELECT * FROM migrations WHERE profile_id = ? ORDER BY created_at DESC`)
            .all(profileId)
        : this.db.prepare(`SELECT * FROM migrations ORDER BY created_at DESC`).all()
    ) as RawRow[];
    return rows.map(fromRaw);
  }

  delete(id: string): void {
    this.db.prepare(`DELETE FROM migrations WHERE id = ?`).run(id);
  }

  setState(
    id: string,
    state: MigrationState,
    extra: {
      error?: MigrationSummary['error'];
      swappedAt?: string;
      keepUntil?: string;
      finished?: boolean;
    } = {},
  ): void {
    const at = this.stamp();
    this.db
      .prepare(
        `UPDATE migrations SET state = ?, updated_at = ?,
           error_json = ?,
           swapped_at = COALESCE(?, swapped_at), keep_until = COALESCE(?, keep_until),
           finished_at = CASE WHEN ? THEN ? ELSE finished_at END
         WHERE id = ?`,
      )
      .run(
        state,
        at,
        extra.error ? JSON.stringify(extra.error) : null,
        extra.swappedAt ?? null,
        extra.keepUntil ?? null,
        extra.finished ? 1 : 0,
        at,
        id,
      );
  }

  setProgress(id: string, progress: MigrationProgress): void {
    this.db.prepare(`UPDATE migrations SET progress_json = ? WHERE id = ?`).run(JSON.stringify(progress), id);
  }

  setSwap(id: string, swap: SwapReport & { after?: string[] }): void {
    this.db
      .prepare(`UPDATE migrations SET swap_json = ?, updated_at = ? WHERE id = ?`)
      .run(JSON.stringify(swap), this.stamp(), id);
  }

  setValidation(id: string, report: ValidationReport): void {
    this.db
      .prepare(`UPDATE migrations SET validation_json = ?, updated_at = ? WHERE id = ?`)
      .run(JSON.stringify(report), this.stamp(), id);
  }

  steps(id: string): StepStatus[] {
    const rows = this.db
      .prepare(`SELECT * FROM migration_steps WHERE migration_id = ? ORDER BY ordinal`)
      .all(id) as {
      step_key: string;
      phase: PhaseId;
      title: string;
      state: StepStatus['state'];
      started_at: string | null;
      ended_at: string | null;
      error: string | null;
      rows: number | null;
      high_water: string | null;
    }[];
    return rows.map((r) => ({
      key: r.step_key,
      phase: r.phase,
      title: r.title,
      state: r.state,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      error: r.error,
      rows: r.rows,
      highWater: r.high_water,
    }));
  }

  stepDetail<T>(id: string, key: string): T | null {
    const r = this.db
      .prepare(`SELECT detail_json FROM migration_steps WHERE migration_id = ? AND step_key = ?`)
      .get(id, key) as { detail_json: string | null } | undefined;
    return parse<T>(r?.detail_json ?? null);
  }

  /** Written before the step runs. */
  stepStarted(id: string, key: string): void {
    const at = this.stamp();
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE migration_steps SET state = 'running', started_at = COALESCE(started_at, ?), ended_at = NULL, error = NULL
            WHERE migration_id = ? AND step_key = ?`,
        )
        .run(at, id, key);
      this.addEvent(id, 'step_started', key, `started ${key}`, null);
    })();
  }

  /** Written after it ran. */
  stepDone(
    id: string,
    key: string,
    result: { rows?: number; highWater?: string | null; detail?: unknown; skipped?: boolean } = {},
  ): void {
    const at = this.stamp();
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE migration_steps SET state = ?, ended_at = ?, rows = COALESCE(?, rows), high_water = COALESCE(?, high_water),
             detail_json = COALESCE(?, detail_json) WHERE migration_id = ? AND step_key = ?`,
        )
        .run(
          result.skipped ? 'skipped' : 'done',
          at,
          result.rows ?? null,
          result.highWater ?? null,
          result.detail === undefined ? null : JSON.stringify(result.detail),
          id,
          key,
        );
      this.addEvent(id, 'step_done', key, `${result.skipped ? 'skipped' : 'finished'} ${key}`, null);
    })();
  }

  stepFailed(id: string, key: string, error: string): void {
    const at = this.stamp();
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE migration_steps SET state = 'failed', ended_at = ?, error = ? WHERE migration_id = ? AND step_key = ?`,
        )
        .run(at, error, id, key);
      this.addEvent(id, 'step_failed', key, error, null);
    })();
  }

  /** Progress inside a step (the copy's high-water mark, rows so far). */
  stepProgress(id: string, key: string, rows: number, highWater: string | null): void {
    this.db
      .prepare(`UPDATE migration_steps SET rows = ?, high_water = ? WHERE migration_id = ? AND step_key = ?`)
      .run(rows, highWater, id, key);
  }

  /** Steps back to pending (a rollback or a retry of a later phase). */
  resetSteps(id: string, keys: string[]): void {
    const reset = this.db.prepare(
      `UPDATE migration_steps SET state = 'pending', started_at = NULL, ended_at = NULL, error = NULL WHERE migration_id = ? AND step_key = ?`,
    );
    this.db.transaction(() => {
      for (const k of keys) reset.run(id, k);
    })();
  }

  addEvent(id: string, kind: string, stepKey: string | null, message: string, data: unknown): void {
    this.db
      .prepare(
        `INSERT INTO migration_events (migration_id, at, kind, step_key, message, data_json) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        this.stamp(),
        kind,
        stepKey,
        message,
        data === null || data === undefined ? null : JSON.stringify(data),
      );
  }

  events(id: string, kind?: string): JournalEvent[] {
    const rows = (
      kind
        ? this.db
            .prepare(`SELECT * FROM migration_events WHERE migration_id = ? AND kind = ? ORDER BY id`)
            .all(id, kind)
        : this.db.prepare(`SELECT * FROM migration_events WHERE migration_id = ? ORDER BY id`).all(id)
    ) as {
      id: number;
      at: string;
      kind: string;
      step_key: string | null;
      message: string;
      data_json: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      kind: r.kind,
      stepKey: r.step_key,
      message: r.message,
      data: parse(r.data_json),
    }));
  }
}
