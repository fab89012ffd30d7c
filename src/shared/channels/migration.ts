import { z } from 'zod';
import {
  migrationSchema,
  migrationSettingsInputSchema,
  migrationStates,
  migrationSummarySchema,
  migrationTargets,
  preflightReportSchema,
  progressSchema,
  swapAttemptSchema,
  tableCandidateSchema,
  tableRefSchema,
  tableSummarySchema,
  timescalePolicySchema,
  validationReportSchema,
} from '../migration';
import { upkeepReportSchema } from '../partition-upkeep';
import { type ChannelSpec, profileIdRequest } from './common';

/**
 * The migration wizard's requests. Long work (run, resume, swap, rollback, cleanup)
 * starts in main and answers at once with the migration's state; progress arrives
 * as events.
 */

const id = z.object({ id: z.string().min(1, 'A migration id is required.') });

const choice = tableRefSchema.extend({
  timeColumn: z.string().min(1, 'Choose the time column.'),
  target: z.enum(migrationTargets),
  settings: migrationSettingsInputSchema.optional(),
});

export const migrationChannels = {
  /** Step 1: the profile's tables with their time columns, biggest first. */
  'migration:listTables': {
    request: z.object({ profileId: z.string().min(1, 'Choose a server profile.') }),
    response: z.array(tableCandidateSchema),
  },
  /** Step 1: size, row estimate, columns, indexes and time range of one table. */
  'migration:describe': {
    request: tableRefSchema.extend({ timeColumn: z.string().min(1).optional() }),
    response: tableSummarySchema,
  },
  /** Step 2 (and 3): the pre-flight report, with the suggested settings and their reasons. */
  'migration:preflight': { request: choice, response: preflightReportSchema },
  /** Step 4: checks again, then saves a plan (state 'planned'). Refused while anything is blocking. */
  'migration:create': { request: choice, response: migrationSchema },
  /** Step 4: new settings for a plan that has not started. */
  'migration:update': {
    request: id.extend({ settings: migrationSettingsInputSchema }),
    response: migrationSchema,
  },
  /** Forgets a plan that never started. */
  'migration:discard': { request: id, response: id },
  'migration:list': {
    request: z.object({ profileId: z.string().min(1).optional() }),
    response: z.array(migrationSummarySchema),
  },
  'migration:get': { request: id, response: migrationSchema },
  /** Step 4: the plan as a psql script for a maintenance window. */
  'migration:export': {
    request: id,
    response: z.object({ fileName: z.string(), script: z.string() }),
  },
  /** Step 5: starts (or resumes after a failure or an interruption) in the background. */
  'migration:run': { request: id, response: migrationSchema },
  /** Stops after the batch in progress; the source table stays in use. */
  'migration:pause': { request: id, response: migrationSchema },
  'migration:resume': { request: id, response: migrationSchema },
  /** Before the swap: stops and removes everything the migration created. After it, use rollback. */
  'migration:cancel': { request: id, response: migrationSchema },
  /** Step 6, swap mode 'confirm': swaps now. */
  'migration:swap': { request: id, response: migrationSchema },
  /** Step 7: runs the checklist (the result is also kept with the migration). */
  'migration:validate': { request: id, response: validationReportSchema },
  /** After the swap to a hypertable: its retention and compression policies with their next run (none otherwise). */
  'migration:listPolicies': { request: id, response: z.array(timescalePolicySchema) },
  /** Step 8: puts the original table back, with the rows written since the swap. */
  'migration:rollback': { request: id, response: migrationSchema },
  /** Step 8: drops the old table; before keepUntil only with its name typed to confirm. */
  /**
   * Partition upkeep now for the profile's tables moved to native partitions (or one, by
   * name or schema.name): partitions ahead made, DEFAULT rows moved, retention applied.
   */
  'partitions:maintain': {
    request: profileIdRequest.extend({
      table: z.string().min(1, 'Name the table, or leave it out.').optional(),
    }),
    response: z.array(upkeepReportSchema),
  },
  'migration:cleanup': {
    request: id.extend({ confirmTableName: z.string().optional() }),
    response: migrationSchema,
  },
} as const satisfies Record<string, ChannelSpec>;

export type MigrationChannel = keyof typeof migrationChannels;

export const migrationEvents = {
  /** Phase, step, rows copied / total, rate and ETA; at most a few per second. */
  'migration:progress': progressSchema,
  /** Every state change (list views refresh on it). */
  'migration:stateChanged': z.object({
    migrationId: z.string(),
    state: z.enum(migrationStates),
    message: z.string().nullable(),
  }),
  /** Each try of the swap (or the rollback's reverse swap), with the sessions that blocked it. */
  'migration:swapAttempted': z.object({
    migrationId: z.string(),
    direction: z.enum(['forward', 'rollback']),
    attempt: swapAttemptSchema,
    maxAttempts: z.number(),
    /** Null after the last try or a success. */
    nextRetryInMs: z.number().nullable(),
  }),
  /**
   * A round of partition upkeep ran (the sampling timer or `partitions maintain`).
   * complete: every table the profile keeps was maintained, so a table missing
   * from the reports is no longer looked after (rolled back).
   */
  'partitions:maintained': z.object({
    profileId: z.string(),
    reports: z.array(upkeepReportSchema),
    complete: z.boolean(),
  }),
} as const;
