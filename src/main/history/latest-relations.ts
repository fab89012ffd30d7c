import type Database from 'better-sqlite3';
import type { Grower, RelationPageQuery, RelationRow, RelationSortKey } from '../../shared/storage';
import { RUN_FIGURES, UPKEEP_FIGURES } from '../local-db/schema-steps/011_compact_history';
import {
  type RelationsQuery,
  type SizeRow,
  SORT_COLUMN,
  TOP_LEVEL,
  toGrower,
  toRelationRow,
  windowAt,
} from './relations-query';
import { DAY_MS } from './time';

export type GrowerRange = '24h' | '7d' | '30d' | '90d';

/** The growth windows kept per relation (step 022's columns); 7 d is the relations table's own. */
const WINDOWS: Record<GrowerRange, { ms: number; prefix: string }> = {
  '24h': { ms: DAY_MS, prefix: 'base_24h' },
  '7d': { ms: 7 * DAY_MS, prefix: 'base' },
  '30d': { ms: 30 * DAY_MS, prefix: 'base_30d' },
  '90d': { ms: 90 * DAY_MS, prefix: 'base_90d' },
};

/** Relations built per transaction: a few tens of milliseconds at most, so IPC keeps flowing between. */
const CHUNK = 250;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A relation's row as the live list reads it: its identity, the run and upkeep figures, then the baselines. */
const COLUMNS = [
  'id',
  'schema',
  'name',
  'kind',
  'parent_id',
  'taken_at',
  ...RUN_FIGURES,
  ...UPKEEP_FIGURES,
  ...Object.values(WINDOWS).flatMap((w) => [`${w.prefix}_bytes`, `${w.prefix}_at`]),
];

/** Which rows a window holds: as the live list (relations-query.ts PAGE_WHERE), on the stored search key. */
const WHERE = `r.profile_id = @profileId AND (@kind IS NULL OR r.kind = @kind)
  AND (CASE WHEN @q = '' THEN ${TOP_LEVEL} ELSE instr(r.search_key, @q) > 0 END)`;

/** How deep (rows before the window, in the order read) an index walk beats sorting every row. */
const INDEX_DEPTH = 2000;

/**
 * One window of the list in the live list's order. `reversed` reads the same order backwards (a window
 * near the end is then the first rows of a short sort, not the last of a sort of every row). `indexed`: by
 * total or growth, descending, over the whole list, near either end, an index yields the rows in order
 * (NULLs last; read backwards, first) and only ties are sorted; anywhere else the rows are read by profile
 * and sorted, as walking an index to the middle would cost a row lookup for every entry on the way.
 */
function pageSql(
  key: RelationSortKey,
  dir: 'asc' | 'desc',
  { reversed, whole, indexed }: { reversed: boolean; whole: boolean; indexed: boolean },
): string {
  const column = key === 'growth' ? 'r.total_bytes - r.base_bytes' : SORT_COLUMN[key].replaceAll('{r}', 'r.');
  const flip = (d: 'asc' | 'desc') => (reversed ? (d === 'asc' ? 'DESC' : 'ASC') : d.toUpperCase());
  const tie = flip('asc');
  const where = whole ? `r.profile_id = @profileId AND ${TOP_LEVEL}` : WHERE;
  // Only the key is carried through the sort (a window deep in the list keeps every row before it there).
  return `SELECT r.id FROM latest_relations r ${indexed ? `INDEXED BY latest_relations_${key}` : 'NOT INDEXED'}
    WHERE ${where}
    ORDER BY ${column} ${flip(dir)} ${reversed ? 'NULLS FIRST' : 'NULLS LAST'}, r.schema ${tie}, r.name ${tie}, r.id ${tie}
    LIMIT @limit OFFSET @offset`;
}

type PageParams = { profileId: string; q: string; kind: string | null };

/**
 * Step 022's table of each profile's latest relations with their growth baselines: built in the
 * background after the history changes, read by the Storage page while it is complete. It is filled by
 * the live query itself (RelationsQuery.chunk), so every figure is the one the live query shows.
 */
export class LatestRelations {
  private readonly stmts;
  private readonly pages = new Map<
    string,
    Database.Statement<[PageParams & { limit: number; offset: number }], number>
  >();
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly db: Database.Database,
    private readonly relations: RelationsQuery,
  ) {
    this.stmts = {
      state: db.prepare<[string], { changes: number; built_changes: number | null }>(
        'SELECT changes, built_changes FROM latest_relations_state WHERE profile_id = ?',
      ),
      unbuilt: db
        .prepare<[], string>(
          'SELECT profile_id FROM latest_relations_state WHERE built_changes IS NOT changes ORDER BY profile_id',
        )
        .pluck(),
      latestAt: db
        .prepare<[string], number>('SELECT max(taken_at) FROM samples WHERE profile_id = ?')
        .pluck(),
      upsert: db.prepare(`
        INSERT OR REPLACE INTO latest_relations (profile_id, search_key, ${COLUMNS.join(', ')})
        VALUES (@profile_id, lower(@schema || '.' || @name), ${COLUMNS.map((c) => `@${c}`).join(', ')})`),
      dropOthers: db.prepare<[string, number | null]>(
        'DELETE FROM latest_relations WHERE profile_id = ? AND taken_at IS NOT ?',
      ),
      built: db.prepare<[number, string]>(
        'UPDATE latest_relations_state SET built_changes = ? WHERE profile_id = ?',
      ),
      rows: db.prepare<[{ profileId: string; ids: string }], SizeRow>(
        'SELECT * FROM latest_relations WHERE profile_id = @profileId AND id IN (SELECT value FROM json_each(@ids))',
      ),
      count: db
        .prepare<[PageParams], number>(`SELECT count(*) FROM latest_relations r WHERE ${WHERE}`)
        .pluck(),
      growers: Object.fromEntries(
        Object.entries(WINDOWS).map(([range, { prefix }]) => [
          range,
          db.prepare<[{ profileId: string; limit: number }], SizeRow>(`
            SELECT r.id, r.schema, r.name, r.kind, r.taken_at, r.total_bytes,
                   r.${prefix}_bytes AS base_bytes, r.${prefix}_at AS base_at
            FROM latest_relations r
            WHERE r.profile_id = @profileId AND ${TOP_LEVEL} AND r.total_bytes IS NOT NULL
              AND r.${prefix}_bytes IS NOT NULL AND r.total_bytes > r.${prefix}_bytes
            ORDER BY r.total_bytes - r.${prefix}_bytes DESC, r.schema, r.name
            LIMIT @limit`),
        ]),
      ) as Record<GrowerRange, Database.Statement<[{ profileId: string; limit: number }], SizeRow>>,
    };
  }

  /** Whether the profile's rows are complete for its history as it is now. */
  ready(profileId: string): boolean {
    const state = this.stmts.state.get(profileId);
    return state !== undefined && state.built_changes === state.changes;
  }

  /**
   * Builds the rows of every profile whose history changed since they were built, CHUNK relations per
   * transaction with `pause` (a turn of the event loop) between, so the UI's requests keep being answered.
   * A change while building starts that profile again. One run at a time: a call during a run asks it to
   * look once more at the end.
   */
  build(pause: () => Promise<void> = yieldToEventLoop): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        // Begins after whoever asked (the sample's other listeners, the IPC answer) has had its turn.
        await pause();
        do {
          this.again = false;
          for (const profileId of this.stmts.unbuilt.all()) {
            let outcome = await this.buildProfile(profileId, pause);
            while (outcome === 'again') outcome = await this.buildProfile(profileId, pause);
            if (outcome === 'closed') return;
          }
        } while (this.again && this.db.open);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** 'again' when the history changed while building (the profile starts over). */
  private async buildProfile(
    profileId: string,
    pause: () => Promise<void>,
  ): Promise<'done' | 'again' | 'closed'> {
    const changes = this.stmts.state.get(profileId)?.changes;
    if (changes === undefined) return 'done';
    const latest = this.stmts.latestAt.get(profileId) ?? null;
    const ids = latest === null ? [] : this.relations.latestIds(profileId, latest);
    // Main's turn ends after the list of ids and after each chunk; the history may change in between.
    const next = async (): Promise<'again' | 'closed' | null> => {
      await pause();
      if (!this.db.open) return 'closed';
      return this.stmts.state.get(profileId)?.changes === changes ? null : 'again';
    };
    let stop = await next();
    for (let i = 0; i < ids.length && !stop; i += CHUNK) {
      this.db.transaction(() => this.writeChunk(profileId, latest!, ids.slice(i, i + CHUNK)))();
      stop = await next();
    }
    if (stop) return stop;
    this.db.transaction(() => {
      this.stmts.dropOthers.run(profileId, latest);
      this.stmts.built.run(changes, profileId);
    })();
    return 'done';
  }

  private writeChunk(profileId: string, latest: number, ids: number[]): void {
    const rows = new Map<number, Record<string, unknown>>();
    for (const { ms, prefix } of Object.values(WINDOWS)) {
      for (const row of this.relations.chunk(profileId, windowAt(latest, ms), ids)) {
        const kept = rows.get(row.id) ?? { ...row, profile_id: profileId };
        kept[`${prefix}_bytes`] = row.base_bytes;
        kept[`${prefix}_at`] = row.base_at;
        rows.set(row.id, kept);
      }
    }
    for (const row of rows.values()) this.stmts.upsert.run(row);
  }

  /** A window of the list, as RelationsQuery.page answers it; `topLevelCount` as the sample stored it. */
  page(
    profileId: string,
    topLevelCount: number | null,
    query: RelationPageQuery,
  ): { total: number; rows: RelationRow[] } {
    const params: PageParams = { profileId, q: query.search.trim().toLowerCase(), kind: query.kind };
    const unfiltered = params.q === '' && params.kind === null;
    const count = () => this.stmts.count.get(params) ?? 0;
    const total = (unfiltered ? topLevelCount : null) ?? count();
    const { offset, limit } = query;
    // Past the middle, read the order backwards: the sort then keeps only the rows up to the window. The
    // rows are counted then (never the count the sample stored), so the window is cut at the same rows.
    const matching = offset > 0 && offset + limit / 2 > total / 2 ? count() : null;
    const reversed = matching !== null && offset < matching;
    const window = reversed
      ? { offset: Math.max(0, matching - offset - limit), limit: Math.min(limit, matching - offset) }
      : { offset, limit };
    const { key: sortKey, dir } = query.sort;
    const shape = {
      reversed,
      whole: unfiltered,
      indexed:
        unfiltered &&
        dir === 'desc' &&
        (sortKey === 'total' || sortKey === 'growth') &&
        window.offset < INDEX_DEPTH,
    };
    const key = `${sortKey} ${dir} ${JSON.stringify(shape)}`;
    let stmt = this.pages.get(key);
    if (!stmt) {
      stmt = this.db
        .prepare<[PageParams & { limit: number; offset: number }], number>(pageSql(sortKey, dir, shape))
        .pluck();
      this.pages.set(key, stmt);
    }
    const ids = stmt.all({ ...params, ...window });
    if (reversed) ids.reverse();
    const byId = new Map(this.stmts.rows.all({ profileId, ids: JSON.stringify(ids) }).map((r) => [r.id, r]));
    return { total, rows: ids.map((id) => toRelationRow(byId.get(id)!)) };
  }

  /** Top-level relations that grew most over the range, as RelationsQuery.growers answers it. */
  growers(profileId: string, range: GrowerRange, limit: number): Grower[] {
    return this.stmts.growers[range].all({ profileId, limit }).map(toGrower);
  }
}
