import { z } from 'zod';

/**
 * Partition upkeep after a migration to native partitions: what one round
 * reports, for the CLI, the alerts and the renderer.
 */

/** Counting the rows of a DEFAULT partition stops here: the figure only has to say "some" or "many". */
export const DEFAULT_ROWS_COUNTED_UP_TO = 100_000;

/** What one round of partition upkeep did to a table moved to native partitions. */
export const upkeepReportSchema = z.object({
  /** schema.table as the DBA reads it. */
  table: z.string(),
  timeColumn: z.string(),
  created: z.array(z.string()),
  /** Rows moved out of the DEFAULT partition into the partitions made for them. */
  movedRows: z.number(),
  detached: z.array(z.string()),
  /**
   * Range partitions that start after now (after the newest value, for an integer
   * time column); null when nothing says where now is (an integer time column, no rows).
   */
  ahead: z.number().nullable(),
  /** The partitions ahead the migration's settings ask for. */
  wantedAhead: z.number(),
  /** schema.name of the DEFAULT partition; null when the table has none. */
  defaultPartition: z.string().nullable(),
  /** Rows the DEFAULT partition still holds (a NULL time, or a range that could not be made), up to DEFAULT_ROWS_COUNTED_UP_TO. */
  defaultRows: z.number(),
  /** Why nothing could be done, in a DBA's words; null when upkeep ran. */
  skipped: z.string().nullable(),
});
export type UpkeepReport = z.infer<typeof upkeepReportSchema>;
