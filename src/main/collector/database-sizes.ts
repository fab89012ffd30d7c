import { listSome, plural } from './collector-rollup';
import type { DatabaseRow } from './sql/database-size';
import type { RelationRowArray } from './sql/relations';
import type { CollectedSample, KnownDatabaseSize } from './types';

/**
 * The database figures of a sample (see sql/database-size.ts for what the
 * derived size of the current database counts). Pure: no I/O.
 */

/** Classes the relation statement sizes (the rest have no storage of their own or are folded in). */
const SIZED = new Set(['r', 'm', 'l', 'c', 'z']);

/**
 * Σ heap + TOAST + indexes of what the relation statement measured, or null
 * when any relation it should have sized was not (locked, past the limit,
 * dropped meanwhile): then a derived figure would be short, so the caller asks
 * pg_database_size instead.
 */
export function measuredBytes(relations: RelationRowArray[], maxRelations: number): number | null {
  const sizableTotal = Number(relations[0]?.[17] ?? 0);
  if (sizableTotal > maxRelations) return null;
  let sum = 0;
  for (const r of relations) {
    if (!SIZED.has(r[3])) continue;
    const [heap, toast, index] = [r[6], r[7], r[8]];
    if (r[5] || heap === null || toast === null || index === null) return null;
    sum += Number(heap) + Number(toast) + Number(index);
  }
  return sum;
}

export interface DatabaseFigures {
  databases: CollectedSample['databases'];
  gaps: string[];
}

/**
 * The server's databases: the current one as sized by this sample, the others
 * either sized now (rows) or carried from the sample that last sized them,
 * with that sample's time.
 */
export function databaseFigures(
  current: { name: string; bytes: number },
  others: DatabaseRow[] | KnownDatabaseSize[],
  user: string,
): DatabaseFigures {
  const gaps: string[] = [];
  const databases: CollectedSample['databases'] = [{ name: current.name, bytes: current.bytes }];
  for (const d of others) {
    if (d.name === current.name) continue;
    if ('sizedAt' in d) databases.push({ name: d.name, bytes: d.bytes, sizedAt: d.sizedAt });
    else if (d.bytes !== null) databases.push({ name: d.name, bytes: Number(d.bytes) });
  }
  const unsized = others.filter((d) => d.bytes === null).map((d) => d.name);
  if (unsized.length > 0) {
    gaps.push(
      `${plural(unsized.length, 'database')} could not be sized: ${listSome(unsized)}. ` +
        `The user "${user}" has no CONNECT privilege on ${unsized.length === 1 ? 'it' : 'them'} ` +
        'and is not a member of pg_read_all_stats (granting pg_monitor would include it).',
    );
  }
  databases.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { databases, gaps };
}
