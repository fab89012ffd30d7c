import {
  addWidth,
  type BatchTaken,
  batchSql,
  batchTransaction,
  boundAfter,
  isBefore,
  nextWidth,
  span,
} from './copy';
import { inTransaction, type Queryable } from './db';
import { ql, qn } from './ident';
import { CAPTURE_SCHEMA } from './names';
import { onSessions, sessionsFor } from './parallel';
import { sqlComment } from './psql';
import type { MigrationSpec } from './spec';
import { bound, literals, type Params, psqlVariables } from './sql/params';
import type { StepContext } from './step-types';

/**
 * The copy over several sessions (setting copySessions > 1): the source's time
 * range is cut once into as many slices, and each session copies one slice in
 * batches as the one-session copy does. Each slice keeps its own high-water
 * mark on the server, moved in the same transaction as its rows, so a resumed
 * copy (on however many sessions are free then) carries on exactly where every
 * slice's last committed batch ended. The first slice is open below (with the
 * NULL times), the last open above, so rows written meanwhile outside the range
 * are still copied. When every slice is done, the run is marked copied as a
 * one-session copy would be, and the slices go.
 */

const SLICES = qn(CAPTURE_SCHEMA, 'copy_slices');
const RUNS = qn(CAPTURE_SCHEMA, 'runs');

export function slicesTableSql(): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${SLICES} (
  migration_id text NOT NULL,
  slice        integer NOT NULL,
  next_lo      text,
  hi           text,
  done         boolean NOT NULL DEFAULT false,
  rows_copied  bigint NOT NULL DEFAULT 0,
  batches      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (migration_id, slice)
);`,
    `REVOKE ALL ON TABLE ${SLICES} FROM PUBLIC;`,
  ];
}

/*
 * The slices' statements, written once: the engine binds the values (bound()),
 * the plan shows them as psql variables (psqlVariables()), so the copy step
 * shows what each session runs.
 */

/** One slice of the range, [lo, hi), written when the copy starts. */
export function makeSliceSql(
  spec: MigrationSpec,
  p: Params,
  slice?: number,
  lo?: string | null,
  hi?: string | null,
): string {
  return `INSERT INTO ${SLICES} (migration_id, slice, next_lo, hi) VALUES (${ql(spec.id)}, ${p('slice', slice)}::int, ${p('lo', lo)}, ${p('hi', hi)}) ON CONFLICT DO NOTHING`;
}

/** A batch of a slice first locks the slice's mark. */
export function lockSliceSql(spec: MigrationSpec, p: Params, slice?: number): string {
  return `SELECT next_lo, done FROM ${SLICES} WHERE migration_id = ${ql(spec.id)} AND slice = ${p('slice', slice)}::int FOR UPDATE`;
}

/** … and moves it with the rows it copied, in the same transaction. */
export function moveSliceSql(
  spec: MigrationSpec,
  p: Params,
  v: { slice?: number; hi?: string | null; done?: boolean; copied?: number } = {},
): string {
  return `UPDATE ${SLICES} SET next_lo = ${p('hi', v.hi)}, done = ${p('done', v.done)}::boolean, rows_copied = rows_copied + ${p('copied', v.copied)}::int8, batches = batches + 1 WHERE migration_id = ${ql(spec.id)} AND slice = ${p('slice', v.slice)}::int`;
}

/** When every slice is done: the run is marked copied as a one-session copy would be, and the slices go. */
export function slicesDoneSql(spec: MigrationSpec, p: Params, rows?: number, batches?: number): string[] {
  return [
    `UPDATE ${RUNS} SET high_water = NULL, copy_done = true, rows_copied = ${p('rows', rows)}::int8, batches = ${p('batches', batches)}::int, updated_at = now() WHERE migration_id = ${ql(spec.id)}`,
    `DELETE FROM ${SLICES} WHERE migration_id = ${ql(spec.id)}`,
  ];
}

/** What the plan shows for a copy on several sessions. */
export function slicedCopyShown(spec: MigrationSpec): string[] {
  const v = psqlVariables();
  return [
    ...slicesTableSql(),
    sqlComment('Once, for each slice of equal time width (the first open below, the last open above):'),
    `${makeSliceSql(spec, v)};`,
    sqlComment("Then on each session, for its slice, batch after batch until the slice's hi:"),
    'BEGIN;',
    `${lockSliceSql(spec, v)};`,
    `${batchSql(spec, 'lo', 'hi', v)};`,
    `${moveSliceSql(spec, v)};`,
    'COMMIT;',
    sqlComment('When every slice is done, in one transaction:'),
    'BEGIN;',
    ...slicesDoneSql(spec, v).map((sql) => `${sql};`),
    'COMMIT;',
  ];
}

/** Dropped with the registry (capture.ts dropRegistryIfUnusedSql) once no migration uses it. */
export const dropSlicesTableSql = `DROP TABLE IF EXISTS ${SLICES};`;

interface Slice {
  slice: number;
  nextLo: string | null;
  hi: string | null;
  done: boolean;
  rows: number;
  batches: number;
}

async function readSlices(db: Queryable, spec: MigrationSpec): Promise<Slice[]> {
  const exists = await db.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [SLICES]);
  if (!exists.rows[0]?.ok) return [];
  const { rows } = await db.query<{
    slice: number;
    next_lo: string | null;
    hi: string | null;
    done: boolean;
    rows_copied: string;
    batches: number;
  }>(
    `SELECT slice, next_lo, hi, done, rows_copied::text, batches FROM ${SLICES} WHERE migration_id = $1 ORDER BY slice`,
    [spec.id],
  );
  return rows.map((r) => ({
    slice: r.slice,
    nextLo: r.next_lo,
    hi: r.hi,
    done: r.done,
    rows: Number(r.rows_copied),
    batches: r.batches,
  }));
}

/**
 * Whether this copy runs in slices: it already does (a resumed run), or more than
 * one session is set and free, and the one-session copy has not started.
 */
export async function copiesInSlices(ctx: StepContext, batchesDone: number): Promise<boolean> {
  if ((await readSlices(ctx.db, ctx.spec)).length > 0) return true;
  return batchesDone === 0 && (await sessionsFor(ctx, ctx.spec.settings.copySessions ?? 1, 2)) > 1;
}

/** Cuts [min, max] into n slices of equal time width (written once, in one transaction). */
async function makeSlices(
  ctx: StepContext,
  range: { min: string | null; max: string | null },
  n: number,
): Promise<void> {
  const { db, spec } = ctx;
  const bounds: Array<string | null> = [null];
  if (range.min !== null && range.max !== null) {
    const whole = await span(db, spec.timeKind, range.min, range.max);
    for (let k = 1; k < n; k++) {
      const b = await addWidth(db, spec.timeKind, range.min, (whole * k) / n);
      const last = bounds[bounds.length - 1] as string | null;
      if (last === null ? true : await isBefore(db, spec.timeKind, last, b)) bounds.push(b);
    }
  }
  bounds.push(null);
  await inTransaction(db, async () => {
    for (const sql of slicesTableSql()) await db.query(sql);
    for (let k = 0; k + 1 < bounds.length; k++) {
      const p = bound();
      await db.query(makeSliceSql(spec, p, k, bounds[k], bounds[k + 1]), p.values);
    }
  });
}

/** Copies one batch of a slice and moves that slice's mark in the same transaction. */
function copySliceBatch(
  db: Queryable,
  spec: MigrationSpec,
  slice: Slice,
  hi: string | null,
): Promise<BatchTaken> {
  return batchTransaction(
    db,
    lockSliceSql(spec, literals(), slice.slice),
    (current) => {
      if (!current || current.done || current.next_lo !== slice.nextLo) {
        throw new Error(
          `slice ${slice.slice} of the copy is not where this batch starts on the server (${current?.next_lo ?? 'none'}, not ${slice.nextLo ?? 'the beginning'}); another session may be running this migration`,
        );
      }
    },
    batchSql(spec, slice.nextLo, hi),
    (copied) => moveSliceSql(spec, literals(), { slice: slice.slice, hi, done: hi === slice.hi, copied }),
  );
}

/** The copy in slices; returns the rows and batches of the whole copy. */
export async function copyInSlices(
  ctx: StepContext,
  range: { min: string | null; max: string | null },
  estimate: number,
  forBatches: number,
): Promise<{ rows: number; batches: number }> {
  const { db, spec } = ctx;
  const wanted = spec.settings.copySessions ?? 1;
  if ((await readSlices(db, spec)).length === 0)
    await makeSlices(ctx, range, await sessionsFor(ctx, wanted, wanted));
  const slices = await readSlices(db, spec);
  let rows = slices.reduce((a, s) => a + s.rows, 0);
  let batches = slices.reduce((a, s) => a + s.batches, 0);
  const rowsTotal = Math.max(estimate, rows);
  ctx.progress({ rowsCopied: rows, rowsTotal, batches, highWater: null });
  const minimum = spec.timeKind === 'timestamptz' || spec.timeKind === 'timestamp' ? 0.001 : 1;
  const whole = range.min && range.max ? await span(db, spec.timeKind, range.min, range.max) : 0;
  const firstWidth = Math.max(minimum, (whole * spec.settings.batchRows) / forBatches);
  const open = slices.filter((s) => !s.done);

  const copySlice = async (s: Queryable, slice: Slice, checkpoint: () => void) => {
    let width = firstWidth;
    while (!slice.done) {
      const from = slice.nextLo ?? range.min;
      let hi: string | null = slice.hi;
      if (from !== null && range.max !== null) {
        // The last slice ends after the newest row (open above); the others at their own hi.
        const next = await boundAfter(s, spec.timeKind, from, width, slice.hi ?? range.max);
        if (slice.hi === null ? next.vsLimit <= 0 : next.vsLimit < 0) hi = next.bound;
      }
      // Right before the journal entry: a batch that starts is always journaled as started.
      checkpoint();
      const where = `slice ${slice.slice}: from ${slice.nextLo ?? 'the beginning'} to ${hi ?? 'the end'}`;
      ctx.journalEvent('batch_started', `copying ${where}`, { slice: slice.slice, lo: slice.nextLo, hi });
      const taken = await copySliceBatch(s, spec, slice, hi);
      const n = taken.rows;
      ctx.journalEvent('batch_done', `copied ${n} rows, ${where}`, {
        slice: slice.slice,
        lo: slice.nextLo,
        hi,
        rows: n,
      });
      slice.done = hi === slice.hi;
      slice.nextLo = hi;
      rows += n;
      batches += 1;
      ctx.stepProgress(rows, null);
      ctx.progress({ rowsCopied: rows, rowsTotal: Math.max(rowsTotal, rows), batches, batchRows: n });
      width = nextWidth(width, taken, spec.settings, minimum);
    }
  };
  const sessions = await onSessions(ctx, wanted, open, copySlice);
  ctx.journalEvent('copy_sessions', `copied ${slices.length} time slices on ${sessions} session(s)`, {
    slices: slices.length,
    sessions,
  });
  await inTransaction(db, async () => {
    const p = bound();
    const [mark, drop] = slicesDoneSql(spec, p, rows, batches);
    await db.query(mark!, p.values);
    await db.query(drop!);
  });
  return { rows, batches };
}
