import { addWidth, batchSql, isBefore, nextWidth, span } from './copy';
import { inTransaction, type Queryable } from './db';
import { ql, qn } from './ident';
import { CAPTURE_SCHEMA } from './names';
import { onSessions, sessionsFor } from './parallel';
import type { MigrationSpec } from './spec';
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
      await db.query(
        `INSERT INTO ${SLICES} (migration_id, slice, next_lo, hi) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [spec.id, k, bounds[k], bounds[k + 1]],
      );
    }
  });
}

/** Copies one batch of a slice and moves that slice's mark in the same transaction. */
async function copySliceBatch(
  db: Queryable,
  spec: MigrationSpec,
  slice: Slice,
  hi: string | null,
): Promise<number> {
  return inTransaction(db, async () => {
    await db.query(`SET LOCAL statement_timeout = 0`);
    const { rows } = await db.query<{ next_lo: string | null; done: boolean }>(
      `SELECT next_lo, done FROM ${SLICES} WHERE migration_id = $1 AND slice = $2 FOR UPDATE`,
      [spec.id, slice.slice],
    );
    const current = rows[0];
    if (!current || current.done || current.next_lo !== slice.nextLo) {
      throw new Error(
        `slice ${slice.slice} of the copy is not where this batch starts on the server (${current?.next_lo ?? 'none'}, not ${slice.nextLo ?? 'the beginning'}); another session may be running this migration`,
      );
    }
    const n = (await db.query(batchSql(spec, slice.nextLo, hi))).rowCount ?? 0;
    await db.query(
      `UPDATE ${SLICES} SET next_lo = $3, done = $4, rows_copied = rows_copied + $5, batches = batches + 1
        WHERE migration_id = $1 AND slice = $2`,
      [spec.id, slice.slice, hi, hi === slice.hi, n],
    );
    return n;
  });
}

/** The copy in slices; returns the rows and batches of the whole copy. */
export async function copyInSlices(
  ctx: StepContext,
  range: { min: string | null; max: string | null },
  estimate: number,
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
  const firstWidth = Math.max(minimum, (whole * spec.settings.batchRows) / Math.max(1, estimate));
  const open = slices.filter((s) => !s.done);

  const copySlice = async (s: Queryable, slice: Slice, checkpoint: () => void) => {
    let width = firstWidth;
    while (!slice.done) {
      const from = slice.nextLo ?? range.min;
      let hi: string | null = slice.hi;
      if (from !== null && range.max !== null) {
        const next = await addWidth(s, spec.timeKind, from, width);
        if (slice.hi === null) hi = (await isBefore(s, spec.timeKind, range.max, next)) ? null : next;
        else if (await isBefore(s, spec.timeKind, next, slice.hi)) hi = next;
      }
      // Right before the journal entry: a batch that starts is always journaled as started.
      checkpoint();
      const where = `slice ${slice.slice}: from ${slice.nextLo ?? 'the beginning'} to ${hi ?? 'the end'}`;
      ctx.journalEvent('batch_started', `copying ${where}`, { slice: slice.slice, lo: slice.nextLo, hi });
      const n = await copySliceBatch(s, spec, slice, hi);
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
      width = nextWidth(width, n, spec.settings.batchRows, minimum);
    }
  };
  const sessions = await onSessions(ctx, wanted, open, copySlice);
  ctx.journalEvent('copy_sessions', `copied ${slices.length} time slices on ${sessions} session(s)`, {
    slices: slices.length,
    sessions,
  });
  await inTransaction(db, async () => {
    await db.query(
      `UPDATE ${RUNS} SET high_water = NULL, copy_done = true, rows_copied = $2, batches = $3, updated_at = now()
        WHERE migration_id = $1`,
      [spec.id, rows, batches],
    );
    await db.query(`DELETE FROM ${SLICES} WHERE migration_id = ${ql(spec.id)}`);
  });
  return { rows, batches };
}
