import type Database from 'better-sqlite3';
import { relationKey } from '../../shared/ident';
import type { RelationKind } from '../../shared/storage';
import type { CollectedRelation, CollectedSample, KnownDatabaseSize } from '../collector/types';
import { AppError } from '../errors';
import { isTopLevel } from './relations-query';
import { RunWriter } from './run-writer';
import { storeError } from './store-error';
import { int, msOf } from './time';

interface KnownRelation {
  id: number;
  kind: RelationKind;
  parent_id: number | null;
}

/** The kind of a parent the sample names but does not list (should not happen; kept consistent anyway). */
const parentKindOf = (child: RelationKind): RelationKind =>
  child === 'chunk' ? 'hypertable' : 'partitioned';

/** Writes storage samples: everything of one sample in one transaction, or nothing. */
export class SampleRepository {
  private readonly stmts;
  private readonly saveTx: (profileId: string, sample: CollectedSample) => number;

  private readonly runs: RunWriter;

  constructor(db: Database.Database) {
    this.runs = new RunWriter(db);
    this.stmts = {
      insertSample: db.prepare(`
        INSERT INTO samples (profile_id, taken_at, duration_ms, database_name, database_bytes, gaps, relation_count,
                             top_level_count, upkeep_at)
        VALUES (@profileId, @takenAt, @durationMs, @databaseName, @databaseBytes, @gaps, @relationCount,
                @topLevelCount, @upkeepAt)`),
      // When the upkeep figures the profile's latest sample holds were read (step 023: NULL = by that sample).
      upkeepReadAt: db.prepare<[string], number>(
        'SELECT coalesce(upkeep_at, taken_at) FROM samples WHERE profile_id = ? ORDER BY taken_at DESC LIMIT 1',
      ),
      insertDatabase: db.prepare(
        'INSERT INTO sample_databases (sample_id, name, bytes, sized_at) VALUES (?, ?, ?, ?)',
      ),
      // The other databases of the profile's latest sample, with when each figure was really taken.
      otherDatabases: db.prepare<[string], { name: string; bytes: number; sizedAt: number }>(`
        SELECT d.name, d.bytes, coalesce(d.sized_at, s.taken_at) AS sizedAt
        FROM sample_databases d JOIN samples s ON s.id = d.sample_id
        WHERE d.sample_id = (SELECT id FROM samples WHERE profile_id = ? ORDER BY taken_at DESC LIMIT 1) AND d.name <> s.database_name`),
      knownRelations: db.prepare<[string], KnownRelation & { schema: string; name: string }>(
        'SELECT id, schema, name, kind, parent_id FROM relations WHERE profile_id = ?',
      ),
      insertRelation: db.prepare<[string, string, string, RelationKind, number | null], { id: number }>(
        'INSERT INTO relations (profile_id, schema, name, kind, parent_id) VALUES (?, ?, ?, ?, ?) RETURNING id',
      ),
      updateRelation: db.prepare<[RelationKind, number | null, number]>(
        'UPDATE relations SET kind = ?, parent_id = ? WHERE id = ?',
      ),
      // The stored sample is the truth about "last sampled"; recorded with it, not after it.
      markSampled: db.prepare<[{ profileId: string; at: number }]>(`
        INSERT INTO schedules (profile_id, last_sample_at, last_attempt_at, last_sample_error)
        VALUES (@profileId, @at, @at, NULL)
        ON CONFLICT (profile_id) DO UPDATE SET
          last_sample_at = max(coalesce(last_sample_at, 0), excluded.last_sample_at),
          last_attempt_at = max(coalesce(last_attempt_at, 0), excluded.last_attempt_at),
          last_sample_error = CASE WHEN excluded.last_attempt_at >= coalesce(last_attempt_at, 0)
                                   THEN NULL ELSE last_sample_error END`),
    };
    this.saveTx = db.transaction((profileId: string, sample: CollectedSample) =>
      this.write(profileId, sample),
    );
  }

  /** The other databases as the profile's latest sample holds them (sized then, or carried); [] when none. */
  otherDatabases(profileId: string): KnownDatabaseSize[] {
    return this.stmts.otherDatabases
      .all(profileId)
      .map((d) => ({ name: d.name, bytes: d.bytes, sizedAt: new Date(d.sizedAt) }));
  }

  /** When the upkeep figures of the profile's latest sample were read; null without samples. */
  upkeepReadAt(profileId: string): Date | null {
    const at = this.stmts.upkeepReadAt.pluck().get(profileId);
    return at === undefined ? null : new Date(at);
  }

  /**
   * Stores a whole sample: its row, the databases, the relation dimension rows
   * (parents first) and each relation's figures (compact: see run-writer.ts), in ONE transaction. If any
   * write fails, nothing of this sample remains. Returns the sample id.
   */
  saveSample(profileId: string, sample: CollectedSample): number {
    try {
      return this.saveTx(profileId, sample);
    } catch (err) {
      const code = (err as { code?: string })?.code;
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' && String(err).includes('samples.profile_id')) {
        throw new AppError(
          'conflict',
          'A sample taken at the same moment is already stored for this profile.',
        );
      }
      throw storeError(err, 'The storage sample');
    }
  }

  private write(profileId: string, sample: CollectedSample): number {
    const takenAt = msOf(sample.takenAt);
    if (takenAt === null) throw new AppError('internal', 'The sample has no valid time.');
    const s = this.stmts;
    const { previousAt } = this.runs.begin(profileId, takenAt);
    // Not read by this sample (its own cadence): no upkeep row, the last reading stands with its time.
    const upkeepCarried = sample.upkeepAt !== undefined;
    const { ids, topLevel } = this.relationIds(profileId, sample.relations);
    const sampleId = Number(
      s.insertSample.run({
        profileId,
        takenAt,
        durationMs: int(sample.durationMs) ?? 0,
        databaseName: sample.database.name,
        databaseBytes: int(sample.database.bytes),
        gaps: JSON.stringify(sample.gaps),
        relationCount: sample.relations.length,
        topLevelCount: sample.relations.filter((r) => topLevel.has(ids.get(relationKey(r.schema, r.name))!))
          .length,
        upkeepAt: upkeepCarried ? msOf(sample.upkeepAt!) : null,
      }).lastInsertRowid,
    );
    for (const d of sample.databases) {
      s.insertDatabase.run(sampleId, d.name, int(d.bytes), d.sizedAt ? msOf(d.sizedAt) : null);
    }

    for (const r of sample.relations) {
      const measured = r.measured;
      this.runs.write(
        ids.get(relationKey(r.schema, r.name))!,
        takenAt,
        previousAt,
        {
          measured: measured ? 1 : 0,
          not_measured: measured ? null : (r.notMeasured ?? 'not measured this time'),
          heap_bytes: int(r.heapBytes),
          toast_bytes: int(r.toastBytes),
          index_bytes: int(r.indexBytes),
          total_bytes: measured ? int(r.totalBytes) : null,
          row_estimate: int(r.rowEstimate),
          children: int(r.children),
          compressed_children: int(r.compressedChildren),
          before_compression_bytes: int(r.beforeCompressionBytes),
          after_compression_bytes: int(r.afterCompressionBytes),
        },
        upkeepCarried
          ? null
          : {
              dead_tuples: int(r.deadTuples),
              last_vacuum: msOf(r.lastVacuum),
              last_analyze: msOf(r.lastAnalyze),
            },
      );
    }
    s.markSampled.run({ profileId, at: takenAt });
    return sampleId;
  }

  /**
   * Upserts the relation dimension rows of a sample and returns their ids by
   * schema + name. Parents are written before their children. Kind and parent
   * follow the latest sample (a table the wizard turned into a hypertable keeps
   * its id and history). `topLevel`: the ids the relations list shows at the top (see isTopLevel).
   */
  private relationIds(
    profileId: string,
    relations: CollectedRelation[],
  ): { ids: Map<string, number>; topLevel: Set<number> } {
    const s = this.stmts;
    const known = new Map<string, KnownRelation>();
    for (const row of s.knownRelations.all(profileId)) known.set(relationKey(row.schema, row.name), row);
    const listed = new Map<string, CollectedRelation>();
    for (const r of relations) listed.set(relationKey(r.schema, r.name), r);
    const done = new Map<string, number>();
    const topLevel = new Set<number>();

    const upsert = (schema: string, name: string, kind: RelationKind, parentId: number | null): number => {
      const k = relationKey(schema, name);
      const existing = known.get(k);
      let id: number;
      if (!existing) {
        id = s.insertRelation.get(profileId, schema, name, kind, parentId)!.id;
      } else {
        id = existing.id;
        if (existing.kind !== kind || existing.parent_id !== parentId)
          s.updateRelation.run(kind, parentId, id);
      }
      done.set(k, id);
      if (isTopLevel(kind, parentId)) topLevel.add(id);
      return id;
    };

    const resolve = (r: CollectedRelation, depth: number): number => {
      const k = relationKey(r.schema, r.name);
      const have = done.get(k);
      if (have !== undefined) return have;
      let parentId: number | null = null;
      if (r.parent && depth < 8) {
        const pk = relationKey(r.parent.schema, r.parent.name);
        const parent = listed.get(pk);
        parentId = parent
          ? resolve(parent, depth + 1)
          : (done.get(pk) ??
            known.get(pk)?.id ??
            upsert(r.parent.schema, r.parent.name, parentKindOf(r.kind), null));
      }
      return upsert(r.schema, r.name, r.kind, parentId);
    };

    for (const r of relations) resolve(r, 0);
    return { ids: done, topLevel };
  }
}
