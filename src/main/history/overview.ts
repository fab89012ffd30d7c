import type Database from 'better-sqlite3';
import type {
  Grower,
  RelationPage,
  RelationPageQuery,
  RelationRow,
  StorageOverview,
} from '../../shared/storage';
import { type GrowerRange, LatestRelations } from './latest-relations';
import type { Lookup } from './lookup';
import type { Reading } from './rate-fit';
import { RelationsQuery, windowAt } from './relations-query';
import type { StatusQuery } from './status';
import { DAY_MS, rangeMs } from './time';

interface SampleRow {
  id: number;
  top_level_count: number | null;
  taken_at: number;
  duration_ms: number;
  database_name: string;
  database_bytes: number;
  gaps: string;
  upkeep_read_at: number;
}

export type Change = NonNullable<StorageOverview['latest']>['change24h'];

/** How far past the window start a baseline may be, to absorb schedule jitter (03:00:02 vs 03:00:09). */
export const JITTER_SHARE = 0.1;

/** The Storage page: the latest sample, its top-level relations with 7-day growth, and top growers. */
export class OverviewQuery {
  private readonly stmts;
  private readonly relations: RelationsQuery;
  readonly latestRelations: LatestRelations;

  constructor(
    db: Database.Database,
    private readonly lookup: Lookup,
    private readonly status: StatusQuery,
  ) {
    this.relations = new RelationsQuery(db);
    this.latestRelations = new LatestRelations(db, this.relations);
    this.stmts = {
      latest: db.prepare<[string], SampleRow>(`
        SELECT id, taken_at, duration_ms, database_name, database_bytes, gaps, top_level_count,
               coalesce(upkeep_at, taken_at) AS upkeep_read_at FROM samples
        WHERE profile_id = ? ORDER BY taken_at DESC LIMIT 1`),
      atOrBefore: db.prepare<[string, number, number], { t: number; bytes: number }>(`
        SELECT taken_at AS t, database_bytes AS bytes FROM samples
        WHERE profile_id = ? AND taken_at <= ? AND taken_at >= ? ORDER BY taken_at DESC LIMIT 1`),
      after: db.prepare<[string, number, number], { t: number; bytes: number }>(`
        SELECT taken_at AS t, database_bytes AS bytes FROM samples
        WHERE profile_id = ? AND taken_at > ? AND taken_at < ? ORDER BY taken_at LIMIT 1`),
      databases: db.prepare<[number], { name: string; bytes: number; sized_at: number | null }>(
        'SELECT name, bytes, sized_at FROM sample_databases WHERE sample_id = ? ORDER BY bytes DESC, name',
      ),
    };
  }

  /** relations: false leaves the list empty, for a caller that reads it in windows. */
  overview(profileId: string, { relations = true }: { relations?: boolean } = {}): StorageOverview {
    this.lookup.profile(profileId);
    const { status } = this.status.of(profileId);
    const latest = this.stmts.latest.get(profileId);
    if (!latest) return { profileId, latest: null, relations: [], status };
    return {
      profileId,
      latest: {
        sampleId: latest.id,
        takenAt: new Date(latest.taken_at).toISOString(),
        durationMs: latest.duration_ms,
        databaseName: latest.database_name,
        databaseBytes: latest.database_bytes,
        change24h: this.change(profileId, latest, DAY_MS),
        change7d: this.change(profileId, latest, 7 * DAY_MS),
        databases: this.stmts.databases.all(latest.id).map((d) => ({
          name: d.name,
          bytes: d.bytes,
          sizedAt: d.sized_at === null ? null : new Date(d.sized_at).toISOString(),
        })),
        gaps: JSON.parse(latest.gaps) as string[],
        upkeepReadAt: new Date(latest.upkeep_read_at).toISOString(),
      },
      relations: relations ? this.relations.topLevel(profileId, windowAt(latest.taken_at, 7 * DAY_MS)) : [],
      status,
    };
  }

  /**
   * A window of the latest sample's relations, sorted, filtered and searched here (not in the renderer):
   * from the latest relations table once it is built for the history as it is, else the live query.
   */
  relationPage(profileId: string, query: RelationPageQuery): RelationPage {
    this.lookup.profile(profileId);
    const latest = this.stmts.latest.get(profileId);
    if (!latest) return { sampleId: null, total: 0, offset: query.offset, rows: [] };
    if (this.latestRelations.ready(profileId)) {
      const page = this.latestRelations.page(profileId, latest.top_level_count, query);
      return { sampleId: latest.id, offset: query.offset, ...page };
    }
    const page = this.relations.page(
      { id: latest.id, profileId, topLevelCount: latest.top_level_count },
      windowAt(latest.taken_at, 7 * DAY_MS),
      query,
    );
    return { sampleId: latest.id, offset: query.offset, ...page };
  }

  /** Chunks or partitions of a hypertable / partitioned table, as of the latest sample. */
  children(profileId: string, relationId: number): RelationRow[] {
    this.lookup.relation(profileId, relationId);
    const latest = this.stmts.latest.get(profileId);
    if (!latest) return [];
    return this.relations.children(profileId, relationId, windowAt(latest.taken_at, 7 * DAY_MS));
  }

  /**
   * Relations that grew most over the range up to the latest sample: latest
   * measured total against the measured total nearest to the range start.
   */
  topGrowers(profileId: string, range: GrowerRange, limit: number): Grower[] {
    this.lookup.profile(profileId);
    const latest = this.stmts.latest.get(profileId);
    if (!latest) return [];
    if (this.latestRelations.ready(profileId)) return this.latestRelations.growers(profileId, range, limit);
    return this.relations.growers(profileId, windowAt(latest.taken_at, rangeMs(range)!), limit);
  }

  /**
   * Change of the database size against the sample nearest before
   * latest − window (up to 10% of the window later, for schedule jitter; no
   * staler than one more window). Null when there is none: two samples ten
   * minutes apart do not make a "change over 7 days".
   */
  private change(profileId: string, latest: SampleRow, windowMs: number): Change {
    const cutoff = latest.taken_at - windowMs;
    const before = this.stmts.atOrBefore.get(profileId, cutoff, cutoff - windowMs);
    const after = this.stmts.after.get(
      profileId,
      cutoff,
      Math.min(latest.taken_at, cutoff + windowMs * JITTER_SHARE + 1),
    );
    return changeAgainst({ t: latest.taken_at, bytes: latest.database_bytes }, cutoff, before, after);
  }
}

/**
 * The change from the baseline nearer to `cutoff` — the reading `before` it
 * or the one just `after` it (either may be missing) — to `latest`.
 */
export function changeAgainst(
  latest: Reading,
  cutoff: number,
  before: Reading | undefined,
  after: Reading | undefined,
): Change {
  const base = before && after ? (cutoff - before.t <= after.t - cutoff ? before : after) : (before ?? after);
  if (!base) return null;
  const bytes = latest.bytes - base.bytes;
  return { bytes, pct: base.bytes > 0 ? (bytes / base.bytes) * 100 : null, spanMs: latest.t - base.t };
}
