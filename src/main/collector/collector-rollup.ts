import { displayName } from '../../shared/ident';
import type { RelationKind } from '../../shared/storage';
import type { LockRow } from './sql/locks';
import type { RelationClass, RelationRowArray } from './sql/relations';
import type { HypertableRow } from './sql/timescale';
import type { CollectedRelation } from './types';

/**
 * Turns the rows of the sample's statements into what a DBA reads: partitions
 * rolled up into their top-most root, chunks (and their compressed tables) into
 * their hypertable, and every gap said in words. Pure: no I/O.
 */

export const LOCKED = 'locked by another session (ACCESS EXCLUSIVE) — not measured this time';

/** The rollup of a parent is not taken when one of its pieces is missing: a partial sum would read as a shrink. */
const pieceLocked = (what: string, count: number) =>
  count === 1
    ? `a ${what} is locked by another session (ACCESS EXCLUSIVE) — not measured this time`
    : `${count} ${what}s are locked by another session (ACCESS EXCLUSIVE) — not measured this time`;

const CHANGED = 'changed by another session while it was being measured — not measured this time';

export interface TimescaleOutcome {
  /** Rows of the hypertable statement, or the reason it failed. */
  rows: HypertableRow[] | null;
  error: string | null;
}

export interface RollupInput {
  user: string;
  canSize: boolean;
  maxRelations: number;
  relations: RelationRowArray[];
  /** The lock check the relation statement ran with. */
  locks: LockRow[];
  /** null when TimescaleDB is not installed, or its catalog could not be read. */
  timescale: TimescaleOutcome | null;
  /** Gaps found on the way (TimescaleDB catalog unreadable…). */
  gaps: string[];
}

export interface RollupOutput {
  relations: CollectedRelation[];
  gaps: string[];
}

interface Rel {
  oid: number;
  schema: string;
  name: string;
  cls: RelationClass;
  parent: number | null;
  blocked: boolean;
  heap: number | null;
  toast: number | null;
  index: number | null;
  rows: number | null;
  dead: number | null;
  lastVacuum: string | null;
  lastAnalyze: string | null;
  showSchema: string | null;
  showName: string | null;
  cagg: boolean;
  prerows: number | null;
}

const num = (value: string | number | null | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);

const DAY_MS = 86_400_000;
const isoDays = new Map<number, string>();
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * Date#toISOString for epoch milliseconds, without a Date per value: a sample
 * carries two times per relation, tens of thousands of them, and this is
 * five times faster. Years outside 1970–9999 take the ordinary path.
 */
export function isoFromEpochMs(value: number): string {
  const ms = Math.round(value);
  if (!(ms >= 0 && ms < 253_402_300_800_000)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  let date = isoDays.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 11);
    if (isoDays.size > 10_000) isoDays.clear();
    isoDays.set(day, date);
  }
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  return `${date}${pad2(h)}:${pad2(m)}:${pad2(s)}.${pad3(rest - s * 1000)}Z`;
}

const iso = (ms: number | null): string | null => (ms === null ? null : isoFromEpochMs(ms));

/** "a, b, c and 4 more" */
export function listSome(names: string[], max = 5): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function parseRow(row: RelationRowArray): Rel {
  return {
    oid: row[0],
    schema: row[1],
    name: row[2],
    cls: row[3],
    parent: row[4],
    blocked: row[5],
    heap: num(row[6]),
    toast: num(row[7]),
    index: num(row[8]),
    rows: row[9],
    dead: num(row[10]),
    lastVacuum: iso(row[11]),
    lastAnalyze: iso(row[12]),
    showSchema: row[13],
    showName: row[14],
    cagg: row[15] === true,
    prerows: num(row[16]),
  };
}

function emptyRelation(
  r: Rel,
  kind: RelationKind,
  parent: CollectedRelation['parent'],
  name?: { schema: string; name: string },
): CollectedRelation {
  return {
    schema: name?.schema ?? r.schema,
    name: name?.name ?? r.name,
    kind,
    parent,
    measured: true,
    notMeasured: null,
    heapBytes: null,
    toastBytes: null,
    indexBytes: null,
    totalBytes: null,
    rowEstimate: r.rows,
    deadTuples: r.dead,
    lastVacuum: r.lastVacuum,
    lastAnalyze: r.lastAnalyze,
    children: null,
    compressedChildren: null,
    beforeCompressionBytes: null,
    afterCompressionBytes: null,
  };
}

function notMeasured(rel: CollectedRelation, why: string): void {
  rel.measured = false;
  rel.notMeasured = why;
  rel.heapBytes = null;
  rel.toastBytes = null;
  rel.indexBytes = null;
  rel.totalBytes = null;
}

/** Sizes of one storage-bearing relation, or why there are none. */
function ownSizes(r: Rel, canSize: boolean): { heap: number; toast: number; index: number } | string {
  if (r.blocked) return LOCKED;
  if (!canSize) return 'this user may not run the size functions — not measured';
  if (r.heap === null || r.toast === null || r.index === null) return CHANGED;
  return { heap: r.heap, toast: r.toast, index: r.index };
}

function setSizes(rel: CollectedRelation, s: { heap: number; toast: number; index: number }): void {
  rel.heapBytes = s.heap;
  rel.toastBytes = s.toast;
  rel.indexBytes = s.index;
  rel.totalBytes = s.heap + s.toast + s.index;
}

/** Accumulates the pieces of a partitioned root or a hypertable. */
class Rollup {
  heap = 0;
  toast = 0;
  index = 0;
  children = 0;
  dead = 0;
  rows = 0;
  rowsKnown = 0;
  lockedPieces = 0;
  otherMissing: string | null = null;

  add(piece: CollectedRelation, r: Rel, countChild: boolean): void {
    if (countChild) this.children++;
    if (piece.rowEstimate !== null) {
      this.rows += piece.rowEstimate;
      this.rowsKnown++;
    }
    this.dead += r.dead ?? 0;
    if (piece.measured) {
      this.heap += piece.heapBytes ?? 0;
      this.toast += piece.toastBytes ?? 0;
      this.index += piece.indexBytes ?? 0;
    } else if (piece.notMeasured === LOCKED || r.blocked) {
      this.lockedPieces++;
    } else {
      this.otherMissing ??= piece.notMeasured;
    }
  }
}

export function rollUp(input: RollupInput): RollupOutput {
  const gaps = [...input.gaps];

  // ---- relations
  const rels = input.relations.map(parseRow);

  const out: CollectedRelation[] = [];
  const roots = new Map<number, { rel: CollectedRelation; sum: Rollup; self: Rel }>();
  const hypertables = new Map<number, { rel: CollectedRelation; sum: Rollup; self: Rel }>();
  const chunks = new Map<number, { rel: CollectedRelation; self: Rel; sizes: ReturnType<typeof ownSizes> }>();
  const changed: string[] = [];

  // Parents first, so pieces can find them.
  for (const r of rels) {
    if (r.cls === 'p') {
      const rel = emptyRelation(r, 'partitioned', null);
      roots.set(r.oid, { rel, sum: new Rollup(), self: r });
      out.push(rel);
    } else if (r.cls === 'h') {
      const shown = { schema: r.showSchema ?? r.schema, name: r.showName ?? r.name };
      // A continuous aggregate is a materialized view to the DBA; its materialization hypertable is shown under its name.
      const rel = emptyRelation(r, r.cagg ? 'matview' : 'hypertable', null, shown);
      hypertables.set(r.oid, { rel, sum: new Rollup(), self: r });
      out.push(rel);
    }
  }

  for (const r of rels) {
    switch (r.cls) {
      case 'r':
      case 'm': {
        const rel = emptyRelation(r, r.cls === 'm' ? 'matview' : 'table', null);
        const sizes = ownSizes(r, input.canSize);
        if (typeof sizes === 'string') notMeasured(rel, sizes);
        else setSizes(rel, sizes);
        if (sizes === CHANGED) changed.push(displayName(r.schema, r.name));
        out.push(rel);
        break;
      }
      case 'l': {
        const root = r.parent === null ? undefined : roots.get(r.parent);
        const rel = emptyRelation(
          r,
          'partition',
          root ? { schema: root.rel.schema, name: root.rel.name } : null,
        );
        const sizes = ownSizes(r, input.canSize);
        if (typeof sizes === 'string') notMeasured(rel, sizes);
        else setSizes(rel, sizes);
        if (sizes === CHANGED) changed.push(displayName(r.schema, r.name));
        root?.sum.add(rel, r, true);
        out.push(rel);
        break;
      }
      case 'i': {
        // No storage of its own: its leaves roll up to the root. A lock on it still means the tree is changing.
        const root = r.parent === null ? undefined : roots.get(r.parent);
        if (root && r.blocked) root.sum.lockedPieces++;
        break;
      }
      case 'c': {
        const ht = r.parent === null ? undefined : hypertables.get(r.parent);
        const rel = emptyRelation(r, 'chunk', ht ? { schema: ht.rel.schema, name: ht.rel.name } : null);
        // A compressed chunk's rows are in its compressed table; TimescaleDB counted them when compressing.
        if (r.prerows !== null) rel.rowEstimate = r.prerows;
        chunks.set(r.oid, { rel, self: r, sizes: ownSizes(r, input.canSize) });
        out.push(rel);
        break;
      }
      default:
        break;
    }
  }

  // Compressed chunk tables are folded into their chunk, as chunks_detailed_size does.
  for (const r of rels) {
    if (r.cls !== 'z') continue;
    const chunk = r.parent === null ? undefined : chunks.get(r.parent);
    if (!chunk) continue;
    chunk.self.dead = (chunk.self.dead ?? 0) + (r.dead ?? 0);
    chunk.rel.deadTuples = chunk.self.dead;
    const own = ownSizes(r, input.canSize);
    if (typeof chunk.sizes === 'string') continue;
    if (typeof own === 'string') chunk.sizes = own;
    else
      chunk.sizes = {
        heap: chunk.sizes.heap + own.heap,
        toast: chunk.sizes.toast + own.toast,
        index: chunk.sizes.index + own.index,
      };
  }
  for (const chunk of chunks.values()) {
    if (typeof chunk.sizes === 'string') notMeasured(chunk.rel, chunk.sizes);
    else setSizes(chunk.rel, chunk.sizes);
    if (chunk.sizes === CHANGED) changed.push(displayName(chunk.self.schema, chunk.self.name));
    const ht = chunk.self.parent === null ? undefined : hypertables.get(chunk.self.parent);
    ht?.sum.add(chunk.rel, chunk.self, true);
  }

  // ---- partitioned roots: the sum of their leaves
  for (const { rel, sum, self } of roots.values()) {
    rel.children = sum.children;
    rel.deadTuples = sum.dead + (self.dead ?? 0);
    rel.rowEstimate = sum.children === 0 ? 0 : sum.rowsKnown > 0 ? sum.rows : null;
    if (self.blocked) notMeasured(rel, LOCKED);
    else if (!input.canSize) notMeasured(rel, 'this user may not run the size functions — not measured');
    else if (sum.lockedPieces > 0) notMeasured(rel, pieceLocked('partition', sum.lockedPieces));
    else if (sum.otherMissing) notMeasured(rel, `a partition was ${CHANGED}`);
    else setSizes(rel, { heap: sum.heap, toast: sum.toast, index: sum.index });
  }

  // ---- hypertables: TimescaleDB's own numbers
  const tsRows = new Map<number, HypertableRow>();
  for (const row of input.timescale?.rows ?? []) tsRows.set(row.oid, row);
  let tsFailedNamed = false;
  for (const [oid, { rel, sum, self }] of hypertables) {
    rel.children = sum.children;
    rel.deadTuples = sum.dead + (self.dead ?? 0);
    rel.rowEstimate = sum.children === 0 ? 0 : sum.rowsKnown > 0 ? sum.rows : null;
    const ts = tsRows.get(oid);
    if (input.timescale?.error) {
      notMeasured(
        rel,
        `TimescaleDB could not report its size (${input.timescale.error}) — not measured this time`,
      );
      tsFailedNamed = true;
      continue;
    }
    if (!ts) {
      notMeasured(rel, 'TimescaleDB did not report it — not measured this time');
      continue;
    }
    rel.children = Number(ts.chunks);
    rel.compressedChildren = ts.has_stats ? Number(ts.compressed_chunks ?? 0) : 0;
    rel.beforeCompressionBytes = num(ts.before_bytes);
    rel.afterCompressionBytes = num(ts.after_bytes);
    // TimescaleDB's statement read the locks again: if it found none, its figures are whole.
    if (self.blocked) notMeasured(rel, LOCKED);
    else if (ts.stalled) notMeasured(rel, pieceLocked('chunk', Math.max(1, sum.lockedPieces)));
    else if (ts.total_bytes === null)
      notMeasured(rel, 'TimescaleDB did not report its size — not measured this time');
    else {
      rel.heapBytes = Number(ts.table_bytes ?? 0);
      rel.toastBytes = Number(ts.toast_bytes ?? 0);
      rel.indexBytes = Number(ts.index_bytes ?? 0);
      rel.totalBytes = Number(ts.total_bytes);
    }
  }
  if (tsFailedNamed && hypertables.size > 0) {
    gaps.push(
      `TimescaleDB could not report the size of the ${plural(hypertables.size, 'hypertable')} ` +
        `(${input.timescale?.error}); ${hypertables.size === 1 ? 'it is' : 'they are'} shown as not measured, ` +
        'not as empty, and compression figures are missing from this sample.',
    );
  }

  // ---- gaps about relations
  const lockedOwners = new Map<number, LockRow[]>();
  for (const lock of input.locks) {
    const list = lockedOwners.get(lock.owner) ?? [];
    list.push(lock);
    lockedOwners.set(lock.owner, list);
  }
  const lockedNames: string[] = [];
  for (const r of rels) {
    // an intermediate partitioned table is not listed; its locked leaves are
    if (!r.blocked || r.cls === 'i') continue;
    const locks = lockedOwners.get(r.oid) ?? [];
    const pids = [...new Set(locks.flatMap((l) => l.pids))];
    const waiting = locks.length > 0 && locks.every((l) => !l.granted);
    const who = pids.length > 0 ? ` (pid ${pids.join(', ')}${waiting ? ', waiting' : ''})` : '';
    const shown = r.cls === 'h' ? { schema: r.showSchema ?? r.schema, name: r.showName ?? r.name } : r;
    lockedNames.push(`${displayName(shown.schema, shown.name)}${who}`);
  }
  if (lockedNames.length > 0) {
    gaps.push(
      `${plural(lockedNames.length, 'relation')} ${lockedNames.length === 1 ? 'was' : 'were'} not measured this time ` +
        `because another session holds or awaits an ACCESS EXCLUSIVE lock on ${lockedNames.length === 1 ? 'it' : 'them'}: ` +
        `${listSome(lockedNames)}. Their size is unknown for this sample, not zero.`,
    );
  }
  if (changed.length > 0) {
    gaps.push(
      `${plural(changed.length, 'relation')} ${changed.length === 1 ? 'was' : 'were'} rewritten or dropped by another ` +
        `session while the sample ran and ${changed.length === 1 ? 'was' : 'were'} not measured: ${listSome(changed)}.`,
    );
  }
  if (!input.canSize) {
    gaps.push(
      `The user "${input.user}" may not run PostgreSQL's size functions (EXECUTE on pg_relation_size, ` +
        'pg_total_relation_size or pg_indexes_size was revoked), so no relation was measured; only database sizes ' +
        'were taken.',
    );
  }
  const sizableTotal = Number(input.relations[0]?.[17] ?? 0);
  if (sizableTotal > input.maxRelations) {
    gaps.push(
      `Only the ${input.maxRelations.toLocaleString('en-US')} largest of ${sizableTotal.toLocaleString('en-US')} ` +
        `tables, partitions and chunks were sized (the sample's limit); the ${plural(
          sizableTotal - input.maxRelations,
          'smallest one',
          'smallest ones',
        )} were left out, also from their partitioned table's totals.`,
    );
  }

  out.sort((a, b) => (a.schema === b.schema ? cmp(a.name, b.name) : cmp(a.schema, b.schema)));
  return {
    relations: out,
    gaps,
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
