import { qn } from './ident';
import { buildsByPartition, partitionsOf } from './index-build';
import { rel } from './names';
import { onSessions } from './parallel';
import type { MigrationSpec } from './spec';
import type { StepContext } from './step-types';

/**
 * Statistics for the new table. ANALYZE on a partitioned table does two things:
 * it analyzes every partition for its own statistics (what the planner uses once
 * it has pruned to a partition), and it samples across the partitions for the
 * parent's (what it uses for the whole table, and its reltuples). Done by hand,
 * the partitions can be shared over several sessions (buildSessions > 1);
 * PostgreSQL 18's `ANALYZE ONLY` then gathers the parent's alone. Before 18
 * ANALYZE of the parent always analyzes every partition again, and on one
 * session it does the same work as by hand: there one ANALYZE of the parent
 * gives both. A hypertable is analyzed as before.
 */

export const ANALYZE_ONLY_SINCE = 180000;

/** What the plan shows and the export runs for the statistics step (the partitions known at the plan). */
export function statisticsSql(spec: MigrationSpec, partitions: string[]): string[] {
  const newTable = rel(spec.names).newTable;
  if (!analyzesByPartition(spec)) return [`ANALYZE ${newTable};`];
  return [...partitions.map((p) => `ANALYZE ${qn(spec.names.schema, p)};`), `ANALYZE ONLY ${newTable};`];
}

/** With one session the parent's ANALYZE does the same work; before PostgreSQL 18 it redoes the partitions. */
function analyzesByPartition(spec: MigrationSpec): boolean {
  return buildsByPartition(spec) && spec.server.versionNum >= ANALYZE_ONLY_SINCE;
}

export interface StatisticsReport {
  /** 'partitions, then the parent alone', or 'the parent with its partitions' (one statement). */
  how: 'by_partition' | 'whole';
  partitions: number;
  sessions: number;
}

export async function gatherStatistics(ctx: StepContext): Promise<StatisticsReport> {
  const { db, spec } = ctx;
  const newTable = rel(spec.names).newTable;
  if (!analyzesByPartition(spec)) {
    await db.query(`ANALYZE ${newTable}`);
    return { how: 'whole', partitions: 0, sessions: 1 };
  }
  const partitions = await partitionsOf(db, newTable);
  let done = 0;
  const sessions = await onSessions(ctx, spec.settings.buildSessions ?? 1, partitions, async (s, name) => {
    await s.query(`ANALYZE ${qn(spec.names.schema, name)}`);
    done++;
    ctx.progress({ message: `Statistics of ${done} of ${partitions.length} partitions gathered.` });
  });
  ctx.checkpoint();
  ctx.progress({ message: 'Statistics of the table as a whole.' });
  await db.query(`ANALYZE ONLY ${newTable}`);
  ctx.progress({ message: null });
  return { how: 'by_partition', partitions: partitions.length, sessions };
}
