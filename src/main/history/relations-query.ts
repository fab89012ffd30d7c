import type Database from 'better-sqlite3';
import type {
  Grower,
  RelationKind,
  RelationPageQuery,
  RelationRow,
  RelationSortKey,
} from '../../shared/storage';
import { iso } from './time';

export interface SizeRow {
  id: number;
  schema: string;
  name: string;
  kind: RelationKind;
  parent_id: number | null;
  taken_at: number;
  measured: number;
  not_measured: string | null;
  heap_bytes: number | null;
  toast_bytes: number | null;
  index_bytes: number | null;
  total_bytes: number | null;
  row_estimate: number | null;
  dead_tuples: number | null;
  last_vacuum: number | null;
  last_analyze: number | null;
  children: number | null;
  compressed_children: number | null;
  before_compression_bytes: number | null;
  after_compression_bytes: number | null;
  /** The measured total nearest to the start of the growth window (see `baselineSql`), and when. */
  base_bytes: number | null;
  base_at: number | null;
}

/** Where the window is: it ends at the latest sample (so offline history still answers). */
export interface WindowParams {
  /** Time of the sample whose rows are read. */
  latest: number;
  /** Start of the growth window (latest − window). */
  cutoff: number;
  /** Baselines older than this are too stale to use (cutoff − window). */
  oldest: number;
}

export const windowAt = (latest: number, windowMs: number): WindowParams => ({
  latest,
  cutoff: latest - windowMs,
  oldest: latest - 2 * windowMs,
});

/** What the relations list shows at the top: never a chunk or a partition (they sit under their parent). */
export const TOP_LEVEL = "r.parent_id IS NULL AND r.kind NOT IN ('partition', 'chunk')";
/** TOP_LEVEL for a relation being written (the sample counts its list once, see SampleRepository). */
export const isTopLevel = (kind: RelationKind, parentId: number | null): boolean =>
  parentId === null && kind !== 'partition' && kind !== 'chunk';

/**
 * The rows of a profile's LATEST sample (at @latest) as `s`, with the columns of the relation_sizes view,
 * joined to `r` (relations). No run reaches past the latest sample, so its rows are the runs that end
 * there, each its relation's newest: a seek on the newest runs' (last_at, total_bytes) index, in size
 * order (step 021), where the view looks
 * up every relation of the profile. Filter with LATEST_WHERE. Without upkeep (growers), its columns are null.
 */
const latestSizes = ({ upkeep }: { upkeep: boolean }) => `(
    SELECT x.relation_id, x.last_at AS taken_at, x.measured, x.not_measured, x.heap_bytes, x.toast_bytes,
           x.index_bytes, x.total_bytes, x.row_estimate, ${
             upkeep
               ? 'u.dead_tuples, u.last_vacuum, u.last_analyze'
               : 'NULL AS dead_tuples, NULL AS last_vacuum, NULL AS last_analyze'
           }, x.children, x.compressed_children, x.before_compression_bytes, x.after_compression_bytes
    FROM relation_runs x
    ${
      upkeep
        ? `LEFT JOIN relation_upkeep u ON u.relation_id = x.relation_id
      AND u.taken_at = (SELECT max(v.taken_at) FROM relation_upkeep v
                        WHERE v.relation_id = x.relation_id AND v.taken_at <= @latest)`
        : ''
    }
    WHERE x.last_at = @latest AND x.is_newest = 1) s
  JOIN relations r ON r.id = s.relation_id`;
const LATEST_SIZES = latestSizes({ upkeep: true });
const LATEST_WHERE = 'r.profile_id = @profileId';

/** The profile's last sample at or before the window start (no staler than @oldest), and its first after. */
const SAMPLE_BEFORE = `(SELECT max(t.taken_at) FROM samples t
  WHERE t.profile_id = @profileId AND t.taken_at BETWEEN @oldest AND @cutoff)`;
const SAMPLE_AFTER = `(SELECT min(t.taken_at) FROM samples t
  WHERE t.profile_id = @profileId AND t.taken_at > @cutoff AND t.taken_at < @latest)`;

/**
 * Rows of one sample with, per relation, the measured total nearest to the
 * window start: the last one at or before it (no staler than one more window)
 * or, when history is shorter than the window, the first one after it. Not
 * measured rows never serve as a baseline, and a relation not measured now
 * gets no baseline at all (growth unknown, never zero). The baseline's time
 * goes with it, so a "7-day" figure over 19 s of history says so.
 *
 * Read from the runs themselves (a relation is in every sample of its profile from a run's from_at to its
 * last_at), a seek or two on relation_runs' (relation_id, from_at) key per relation: before the window
 * start, the last measured run that began by the profile's sample there holds it (at that sample, or at
 * the run's own last sample if it ended earlier); after it, the run holding the profile's next sample, or
 * the next measured run to begin.
 */
function baselineSql(from: string, where: string): string {
  return `
    WITH cur AS MATERIALIZED (
      SELECT r.id, r.schema, r.name, r.kind, r.parent_id, s.taken_at, s.measured, s.not_measured, s.heap_bytes,
             s.toast_bytes, s.index_bytes, s.total_bytes, s.row_estimate, s.dead_tuples, s.last_vacuum,
             s.last_analyze, s.children, s.compressed_children, s.before_compression_bytes,
             s.after_compression_bytes,
             CASE WHEN s.total_bytes IS NOT NULL THEN
               (SELECT CASE WHEN b.last_at >= ${SAMPLE_BEFORE} THEN ${SAMPLE_BEFORE}
                            ELSE (SELECT max(t.taken_at) FROM samples t WHERE t.profile_id = @profileId
                                    AND t.taken_at BETWEEN b.from_at AND b.last_at) END
                FROM relation_runs b
                WHERE b.relation_id = r.id AND b.from_at <= ${SAMPLE_BEFORE} AND b.total_bytes IS NOT NULL
                ORDER BY b.from_at DESC LIMIT 1) END AS ta,
             CASE WHEN s.total_bytes IS NOT NULL THEN coalesce(
               (SELECT CASE WHEN b.last_at >= ${SAMPLE_AFTER} AND b.total_bytes IS NOT NULL THEN ${SAMPLE_AFTER} END
                FROM relation_runs b WHERE b.relation_id = r.id AND b.from_at <= ${SAMPLE_AFTER}
                ORDER BY b.from_at DESC LIMIT 1),
               (SELECT min(b.from_at) FROM relation_runs b
                WHERE b.relation_id = r.id AND b.from_at > ${SAMPLE_AFTER} AND b.from_at < @latest
                  AND b.total_bytes IS NOT NULL)) END AS tb
      FROM ${from}
      WHERE ${where}
    )
    , based AS (
      SELECT cur.*, CASE WHEN ta < @oldest THEN NULL ELSE ta END AS ta_kept FROM cur
    )
    , chosen AS (
      SELECT based.*, CASE WHEN ta_kept IS NULL THEN tb WHEN tb IS NULL THEN ta_kept
                           WHEN @cutoff - ta_kept <= tb - @cutoff THEN ta_kept ELSE tb END AS base_at
      FROM based
    )
    SELECT chosen.*,
           (SELECT b.total_bytes FROM relation_runs b WHERE b.relation_id = chosen.id AND b.from_at <= chosen.base_at
            ORDER BY b.from_at DESC LIMIT 1) AS base_bytes
    FROM chosen`;
}

export function toRelationRow(r: SizeRow): RelationRow {
  return {
    relationId: r.id,
    schema: r.schema,
    name: r.name,
    kind: r.kind,
    parentId: r.parent_id,
    measured: r.measured === 1,
    notMeasured: r.measured === 1 ? null : r.not_measured,
    heapBytes: r.heap_bytes,
    toastBytes: r.toast_bytes,
    indexBytes: r.index_bytes,
    totalBytes: r.total_bytes,
    rowEstimate: r.row_estimate,
    deadTuples: r.dead_tuples,
    lastVacuum: iso(r.last_vacuum),
    lastAnalyze: iso(r.last_analyze),
    children: r.children,
    compressedChildren: r.compressed_children,
    beforeCompressionBytes: r.before_compression_bytes,
    afterCompressionBytes: r.after_compression_bytes,
    growth7dBytes: hasGrowth(r) ? r.total_bytes! - r.base_bytes! : null,
    growth7dSpanMs: hasGrowth(r) ? r.taken_at - r.base_at! : null,
  };
}

const hasGrowth = (r: SizeRow) => r.total_bytes !== null && r.base_bytes !== null && r.base_at !== null;

const ORDER = 'ORDER BY total_bytes DESC NULLS LAST, schema, name';

/** Sort columns of the windowed list: `{r}` becomes "r." inside the sort, "" on baselineSql's output. */
export const SORT_COLUMN: Record<Exclude<RelationSortKey, 'growth'>, string> = {
  schema: '{r}schema',
  name: '{r}name',
  kind: "CASE {r}kind WHEN 'table' THEN 0 WHEN 'partitioned' THEN 1 WHEN 'hypertable' THEN 2 WHEN 'matview' THEN 3 WHEN 'partition' THEN 4 ELSE 5 END",
  rows: 'row_estimate',
  heap: 'heap_bytes',
  toast: 'toast_bytes',
  indexes: 'index_bytes',
  total: 'total_bytes',
  dead: 'dead_tuples',
  lastVacuum: 'last_vacuum',
  lastAnalyze: 'last_analyze',
};

/**
 * Which rows of the latest sample the windowed list holds: without a search the top-level relations; with
 * one, every relation whose "schema.name" contains it (partitions and chunks too). @q is lower-case.
 */
const PAGE_WHERE = `${LATEST_WHERE}
  AND (@kind IS NULL OR r.kind = @kind)
  AND (CASE WHEN @q = '' THEN ${TOP_LEVEL} ELSE instr(lower(r.schema || '.' || r.name), @q) > 0 END)`;

type Latest = WindowParams & { profileId: string };
type PageParams = Latest & { sampleId: number; q: string; kind: RelationKind | null };

/**
 * The statement of one window, per sort. Sorted by a stored figure, the window is cut first and only its
 * rows look up their growth baseline (by total, the first screen reads only its own rows: see
 * LATEST_SIZES); sorted by growth, every matching row needs its baseline first.
 */
function pageSql(key: RelationSortKey, dir: 'asc' | 'desc'): string {
  const direction = dir === 'asc' ? 'ASC' : 'DESC';
  if (key === 'growth') {
    return `WITH g AS MATERIALIZED (${baselineSql(LATEST_SIZES, PAGE_WHERE)})
      SELECT * FROM g ORDER BY total_bytes - base_bytes ${direction} NULLS LAST, schema, name, id
      LIMIT @limit OFFSET @offset`;
  }
  const column = (prefix: string) => SORT_COLUMN[key].replaceAll('{r}', prefix);
  const order = `ORDER BY ${column('')} ${direction} NULLS LAST, schema, name, id`;
  // Only the key is carried out of the sort; the outer statement reads the window's rows again.
  const inner = `ORDER BY ${column('r.')} ${direction} NULLS LAST, r.schema, r.name, r.id`;
  const window = `(SELECT s.relation_id AS rid FROM ${LATEST_SIZES} WHERE ${PAGE_WHERE} ${inner} LIMIT @limit OFFSET @offset) w
    JOIN relations r ON r.id = w.rid JOIN relation_sizes s ON s.relation_id = w.rid AND s.sample_id = @sampleId`;
  return `${baselineSql(window, 'true')} ${order}`;
}

/** Relation rows of a profile's latest sample (children: of any sample), with their growth over a window. */
export class RelationsQuery {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.countPage = db
      .prepare<[Omit<PageParams, keyof WindowParams | 'sampleId'> & { latest: number }], number>(
        // The runs alone: a count needs no upkeep.
        `SELECT count(*) FROM relation_runs s JOIN relations r ON r.id = s.relation_id
         WHERE s.last_at = @latest AND s.is_newest = 1 AND ${PAGE_WHERE}`,
      )
      .pluck();
    this.stmts = {
      topLevel: db.prepare<[Latest], SizeRow>(
        `${baselineSql(LATEST_SIZES, `${LATEST_WHERE} AND ${TOP_LEVEL}`)} ${ORDER}`,
      ),
      // For LatestRelations: the relations of the latest sample, then a chunk of them with their figures.
      latestIds: db
        .prepare<[{ profileId: string; latest: number }], number>(
          `SELECT s.relation_id FROM relation_runs s JOIN relations r ON r.id = s.relation_id
           WHERE s.last_at = @latest AND s.is_newest = 1 AND ${LATEST_WHERE} ORDER BY s.relation_id`,
        )
        .pluck(),
      chunk: db.prepare<[Latest & { ids: string }], SizeRow>(
        baselineSql(
          'relations r JOIN relation_sizes s ON s.relation_id = r.id AND s.taken_at = @latest',
          `${LATEST_WHERE} AND r.id IN (SELECT value FROM json_each(@ids))`,
        ),
      ),
      children: db.prepare<[Latest & { parentId: number }], SizeRow>(
        `${baselineSql(
          'relations r JOIN relation_sizes s ON s.relation_id = r.id AND s.taken_at = @latest',
          'r.parent_id = @parentId',
        )} ${ORDER}`,
      ),
      growers: db.prepare<[Latest & { limit: number }], SizeRow>(`
        WITH g AS MATERIALIZED (
          ${baselineSql(latestSizes({ upkeep: false }), `${LATEST_WHERE} AND s.total_bytes IS NOT NULL AND ${TOP_LEVEL}`)})
        SELECT * FROM g
        WHERE base_bytes IS NOT NULL AND total_bytes > base_bytes
        ORDER BY total_bytes - base_bytes DESC, schema, name
        LIMIT @limit`),
    };
  }

  private readonly pages = new Map<
    string,
    Database.Statement<[PageParams & { limit: number; offset: number }], SizeRow>
  >();
  private readonly countPage;

  /**
   * One window of the profile's latest sample (`latest`), sorted and filtered here, with how many match in
   * all: for the unfiltered list, the count the sample stored when it was written.
   */
  page(
    latest: { id: number; profileId: string; topLevelCount: number | null },
    w: WindowParams,
    query: RelationPageQuery,
  ): { total: number; rows: RelationRow[] } {
    const params = {
      ...w,
      profileId: latest.profileId,
      sampleId: latest.id,
      q: query.search.trim().toLowerCase(),
      kind: query.kind,
    };
    const unfiltered = params.q === '' && params.kind === null;
    const total =
      (unfiltered ? latest.topLevelCount : null) ??
      this.countPage.get({ latest: w.latest, profileId: latest.profileId, q: params.q, kind: params.kind }) ??
      0;
    const key = `${query.sort.key} ${query.sort.dir}`;
    let stmt = this.pages.get(key);
    if (!stmt) {
      stmt = this.db.prepare(pageSql(query.sort.key, query.sort.dir));
      this.pages.set(key, stmt);
    }
    const rows = stmt.all({ ...params, limit: query.limit, offset: query.offset }).map(toRelationRow);
    return { total, rows };
  }

  /** Tables, partitioned roots, hypertables and matviews of the latest sample — never chunks or partitions. */
  topLevel(profileId: string, w: WindowParams): RelationRow[] {
    return this.stmts.topLevel.all({ ...w, profileId }).map(toRelationRow);
  }

  /** The chunks or partitions of one relation in the profile's sample taken at `w.latest`. */
  children(profileId: string, parentId: number, w: WindowParams): RelationRow[] {
    return this.stmts.children.all({ ...w, profileId, parentId }).map(toRelationRow);
  }

  /** Top-level relations of the latest sample that grew most over the window; unmeasured ones are left out, not counted as 0. */
  growers(profileId: string, w: WindowParams, limit: number): Grower[] {
    return this.stmts.growers.all({ ...w, profileId, limit }).map(toGrower);
  }

  /** The relations listed in the profile's sample at `latest` (its latest), by id. */
  latestIds(profileId: string, latest: number): number[] {
    return this.stmts.latestIds.all({ profileId, latest });
  }

  /** Some of them (`ids`) with their figures and growth baseline over the window `w`, unsorted. */
  chunk(profileId: string, w: WindowParams, ids: number[]): SizeRow[] {
    return this.stmts.chunk.all({ ...w, profileId, ids: JSON.stringify(ids) });
  }
}

export function toGrower(
  r: Pick<SizeRow, 'id' | 'schema' | 'name' | 'kind' | 'taken_at' | 'total_bytes' | 'base_bytes' | 'base_at'>,
): Grower {
  const from = r.base_bytes!;
  const to = r.total_bytes!;
  return {
    relationId: r.id,
    schema: r.schema,
    name: r.name,
    kind: r.kind,
    fromBytes: from,
    toBytes: to,
    growthBytes: to - from,
    growthPct: from > 0 ? ((to - from) / from) * 100 : null,
    spanMs: r.taken_at - r.base_at!,
  };
}
