import type Database from 'better-sqlite3';
import { displayName } from '../../shared/ident';
import { AppError } from '../errors';

export interface LoggedRelation {
  id: number;
  schema: string;
  name: string;
  kind: string;
}

export interface LoggedSize {
  takenAt: Date;
  /** null when the relation was not measured in that sample. */
  totalBytes: number | null;
  heapBytes: number | null;
  toastBytes: number | null;
  indexBytes: number | null;
  notMeasured: string | null;
}

/** Every stored sample, unbucketed, for `tidemark history` (the charts use series.ts). */
export class SampleLog {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      relations: db.prepare<[string], LoggedRelation>(
        'SELECT id, schema, name, kind FROM relations WHERE profile_id = ? ORDER BY schema, name',
      ),
      database: db.prepare<[string, number], { taken_at: number; database_bytes: number }>(
        'SELECT taken_at, database_bytes FROM samples WHERE profile_id = ? AND taken_at >= ? ORDER BY taken_at',
      ),
      relation: db.prepare<
        [number, number],
        {
          taken_at: number;
          total_bytes: number | null;
          heap_bytes: number | null;
          toast_bytes: number | null;
          index_bytes: number | null;
          not_measured: string | null;
        }
      >(`SELECT taken_at, total_bytes, heap_bytes, toast_bytes, index_bytes, not_measured
         FROM relation_sizes WHERE relation_id = ? AND taken_at >= ? ORDER BY taken_at`),
    };
  }

  /** "schema.name", or a bare name when it is unique among the profile's relations. */
  findRelation(profileId: string, text: string): LoggedRelation {
    const all = this.stmts.relations.all(profileId);
    const exact = all.filter(
      (r) => displayName(r.schema, r.name) === text || `${r.schema}.${r.name}` === text,
    );
    const matches = exact.length > 0 ? exact : all.filter((r) => r.name === text);
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      const names = matches.map((r) => displayName(r.schema, r.name)).join(', ');
      throw new AppError(
        'invalid_input',
        `"${text}" names several relations (${names}). Write it as one of these.`,
      );
    }
    throw new AppError(
      'not_found',
      `No relation "${text}" in the stored history of this profile. Take a sample first, or check the name ` +
        '(schema.name).',
    );
  }

  database(profileId: string, since: Date): LoggedSize[] {
    return this.stmts.database.all(profileId, since.getTime()).map((r) => ({
      takenAt: new Date(r.taken_at),
      totalBytes: r.database_bytes,
      heapBytes: null,
      toastBytes: null,
      indexBytes: null,
      notMeasured: null,
    }));
  }

  relation(relationId: number, since: Date): LoggedSize[] {
    return this.stmts.relation.all(relationId, since.getTime()).map((r) => ({
      takenAt: new Date(r.taken_at),
      totalBytes: r.total_bytes,
      heapBytes: r.heap_bytes,
      toastBytes: r.toast_bytes,
      indexBytes: r.index_bytes,
      notMeasured: r.not_measured,
    }));
  }
}
