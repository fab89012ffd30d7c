import type Database from 'better-sqlite3';
import { AppError } from '../errors';
import { RUN_FIGURES, UPKEEP_FIGURES } from '../local-db/schema-steps/011_compact_history';
import { HOUR_MS } from './time';

/** Dead tuples are stored at most this often per relation (vacuum and analyze times whenever they change). */
export const UPKEEP_EVERY_MS = HOUR_MS;

/** One relation's figures in one sample, in column names. */
export type SizeFigures = Record<(typeof RUN_FIGURES)[number], number | string | null>;
export type UpkeepFigures = Record<(typeof UPKEEP_FIGURES)[number], number | null>;

type Run = SizeFigures & { from_at: number; last_at: number };
type Upkeep = UpkeepFigures & { taken_at: number };

const sameAs = <T extends Record<string, unknown>>(a: T, b: T, columns: readonly (keyof T)[]) =>
  columns.every((c) => a[c] === b[c]);

/**
 * Writes a relation's figures in the compact format (migration 011): the run
 * that holds the same figures and reaches the previous sample is extended to
 * this one; anything else starts a run. Upkeep, when the sample read it (it
 * has its own cadence; null: not read, the earlier rows stand), is written when
 * vacuum or analyze time changed, or dead tuples changed and the last row is
 * older than UPKEEP_EVERY_MS. Runs inside one sample's transaction (SampleRepository).
 */
export class RunWriter {
  private readonly stmts;

  constructor(db: Database.Database) {
    const figures = RUN_FIGURES.join(', ');
    this.stmts = {
      previousAt: db.prepare<[string, number], number | null>(
        'SELECT max(taken_at) FROM samples WHERE profile_id = ? AND taken_at < ?',
      ),
      laterExists: db.prepare<[string, number], number>(
        'SELECT count(*) FROM samples WHERE profile_id = ? AND taken_at > ?',
      ),
      // Runs that reach across a sample stored out of order (rare: only the time order of writes is assumed).
      spanning: db.prepare<[{ profileId: string; at: number }], Run & { relation_id: number }>(`
        SELECT x.* FROM relations r JOIN relation_runs x ON x.relation_id = r.id AND x.from_at < @at
        WHERE r.profile_id = @profileId AND x.last_at > @at`),
      sampleAfter: db.prepare<[string, number], number>(
        'SELECT min(taken_at) FROM samples WHERE profile_id = ? AND taken_at > ?',
      ),
      lastRun: db.prepare<[number, number], Run>(
        `SELECT from_at, last_at, ${figures} FROM relation_runs
         WHERE relation_id = ? AND from_at <= ? ORDER BY from_at DESC LIMIT 1`,
      ),
      extend: db.prepare<[number, number, number]>(
        'UPDATE relation_runs SET last_at = ? WHERE relation_id = ? AND from_at = ?',
      ),
      insertRun: db.prepare(`
        INSERT INTO relation_runs (relation_id, from_at, last_at, ${figures}, is_newest)
        VALUES (@relation_id, @from_at, @last_at, ${RUN_FIGURES.map((c) => `@${c}`).join(', ')}, @is_newest)`),
      // A run is its relation's newest until a later one is stored (step 021's index holds only those).
      notNewest: db.prepare<[number, number]>(
        'UPDATE relation_runs SET is_newest = NULL WHERE relation_id = ? AND from_at = ?',
      ),
      laterRun: db.prepare<[number, number], number>(
        'SELECT count(*) FROM relation_runs WHERE relation_id = ? AND from_at > ?',
      ),
      lastUpkeep: db.prepare<[number, number], Upkeep>(`
        SELECT taken_at, ${UPKEEP_FIGURES.join(', ')} FROM relation_upkeep
        WHERE relation_id = ? AND taken_at <= ? ORDER BY taken_at DESC LIMIT 1`),
      insertUpkeep: db.prepare(`
        INSERT OR REPLACE INTO relation_upkeep (relation_id, taken_at, ${UPKEEP_FIGURES.join(', ')})
        VALUES (@relation_id, @taken_at, ${UPKEEP_FIGURES.map((c) => `@${c}`).join(', ')})`),
    };
  }

  /** Call once per sample, before its row is inserted: where the previous sample is, and runs split if needed. */
  begin(profileId: string, takenAt: number): { previousAt: number | null } {
    const s = this.stmts;
    if (s.laterExists.pluck().get(profileId, takenAt)! > 0) {
      // A sample older than the newest one: runs across its time must not claim it.
      const before = s.previousAt.pluck().get(profileId, takenAt) ?? null;
      const after = s.sampleAfter.pluck().get(profileId, takenAt)!;
      for (const run of s.spanning.all({ profileId, at: takenAt })) {
        if (before !== null && before >= run.from_at) s.extend.run(before, run.relation_id, run.from_at);
        else s.extend.run(run.from_at, run.relation_id, run.from_at);
        s.insertRun.run({ ...run, from_at: after, last_at: run.last_at });
        s.notNewest.run(run.relation_id, run.from_at);
      }
    }
    return { previousAt: s.previousAt.pluck().get(profileId, takenAt) ?? null };
  }

  write(
    relationId: number,
    takenAt: number,
    previousAt: number | null,
    sizes: SizeFigures,
    upkeep: UpkeepFigures | null,
  ): void {
    const s = this.stmts;
    const run = s.lastRun.get(relationId, takenAt);
    if (run?.last_at === takenAt) throw new AppError('internal', 'The sample lists a relation twice.');
    if (run && run.last_at === previousAt && sameAs(run, sizes, RUN_FIGURES)) {
      s.extend.run(takenAt, relationId, run.from_at);
    } else {
      // Newest unless a later run exists (a sample stored out of order); asked, not read from the flags, which
      // downsampling may have left on no run of a relation that went away and came back.
      const newest = s.laterRun.pluck().get(relationId, takenAt) === 0;
      if (run && newest) s.notNewest.run(relationId, run.from_at);
      s.insertRun.run({
        relation_id: relationId,
        from_at: takenAt,
        last_at: takenAt,
        ...sizes,
        is_newest: newest ? 1 : null,
      });
    }
    if (upkeep === null) return;
    const kept = s.lastUpkeep.get(relationId, takenAt);
    const due =
      !kept ||
      kept.last_vacuum !== upkeep.last_vacuum ||
      kept.last_analyze !== upkeep.last_analyze ||
      (kept.dead_tuples !== upkeep.dead_tuples && takenAt - kept.taken_at >= UPKEEP_EVERY_MS);
    if (due) s.insertUpkeep.run({ relation_id: relationId, taken_at: takenAt, ...upkeep });
  }
}
