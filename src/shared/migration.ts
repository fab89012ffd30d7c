import { z } from 'zod';
import { allowedActionsSchema } from './migration-actions';
import { migrationSettingsSchema, settingsAdviceSchema } from './migration-settings';
import { swapReportSchema, validationReportSchema } from './migration-swap';

/** Step 3 (settings) and steps 6 and 7 (the swap, the validation) live in their own files; the domain is read from here. */
export * from './migration-settings';
export * from './migration-swap';

/**
 * The migration wizard's domain: a time-series table moved into a TimescaleDB
 * hypertable or a natively range-partitioned table, in steps journaled on the
 * workstation. Shared by main (the engine), the renderer (the wizard) and the CLI.
 */

export const migrationTargets = ['timescaledb', 'partitions'] as const;
export type MigrationTarget = (typeof migrationTargets)[number];

/** How the time column is stored; other types cannot be a partition key for this wizard. */
export const timeColumnKinds = ['timestamptz', 'timestamp', 'date', 'integer'] as const;
export type TimeColumnKind = (typeof timeColumnKinds)[number];

/** UTF-8 length without TextEncoder (shared/ compiles without DOM or Node types). */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Names exactly as the catalog spells them (capitals, spaces and quotes allowed). */
const pgName = z
  .string()
  .min(1, 'A name is required.')
  .refine((s) => utf8Bytes(s) <= 63, 'PostgreSQL names are at most 63 bytes.');

export const tableRefSchema = z.object({
  profileId: z.string().min(1, 'Choose a server profile.'),
  schema: pgName,
  table: pgName,
});
export type TableRef = z.infer<typeof tableRefSchema>;

// ---------------------------------------------------------------- step 1: table

export const timeColumnSchema = z.object({
  name: z.string(),
  /** format_type(), e.g. 'timestamp with time zone'. */
  type: z.string(),
  kind: z.enum(timeColumnKinds),
  notNull: z.boolean(),
  /** An index leads with this column: each batch of the copy is an index range scan. */
  indexed: z.boolean(),
});
export type TimeColumn = z.infer<typeof timeColumnSchema>;

export const tableCandidateSchema = z.object({
  schema: z.string(),
  table: z.string(),
  /** Partitioned tables and hypertables are listed but cannot be migrated again. */
  kind: z.enum(['table', 'partitioned', 'hypertable']),
  totalBytes: z.number(),
  /** The planner's estimate; null when the table was never analyzed (not known, not 0). */
  rowEstimate: z.number().nullable(),
  timeColumns: z.array(timeColumnSchema),
  /** Why it cannot be chosen (null = it can). */
  ineligible: z.string().nullable(),
});
export type TableCandidate = z.infer<typeof tableCandidateSchema>;

export const columnSchema = z.object({
  name: z.string(),
  type: z.string(),
  notNull: z.boolean(),
  /** Identity, generated, serial default: shown so the DBA sees what moves. */
  default: z.string().nullable(),
  identity: z.enum(['always', 'by_default']).nullable(),
  generated: z.boolean(),
});

export const indexSummarySchema = z.object({
  name: z.string(),
  definition: z.string(),
  unique: z.boolean(),
  primary: z.boolean(),
  /** Key columns (expressions shown as written). */
  columns: z.array(z.string()),
});

export const timeRangeSchema = z.object({
  column: z.string(),
  /** As PostgreSQL prints them (UTC for timestamptz). Null for an empty table. */
  min: z.string().nullable(),
  max: z.string().nullable(),
  /** Rows whose time is NULL (they cannot be placed in any chunk or partition). */
  nulls: z.number(),
  /** Counted exactly, or estimated from statistics on a big table. */
  exact: z.boolean(),
});

export const tableSummarySchema = z.object({
  schema: z.string(),
  table: z.string(),
  owner: z.string(),
  kind: z.enum(['table', 'partitioned', 'hypertable']),
  totalBytes: z.number(),
  tableBytes: z.number(),
  indexBytes: z.number(),
  toastBytes: z.number(),
  /** The planner's estimate; null when the table was never analyzed (not known, not 0). */
  rowEstimate: z.number().nullable(),
  columns: z.array(columnSchema),
  timeColumns: z.array(timeColumnSchema),
  primaryKey: z.array(z.string()).nullable(),
  indexes: z.array(indexSummarySchema),
  /** For the chosen (or the first) time column. */
  timeRange: timeRangeSchema.nullable(),
});
export type TableSummary = z.infer<typeof tableSummarySchema>;

// ---------------------------------------------------------------- step 2: pre-flight

export const checkStatuses = ['pass', 'warning', 'blocking'] as const;

/** What a pre-flight item is about, in the order the report lists them. */
export const preflightCategories = [
  'server',
  'table',
  'time_column',
  'keys',
  'dependents',
  'space',
  'activity',
  'privileges',
] as const;

export const preflightItemSchema = z.object({
  /** Stable id, e.g. 'timescaledb', 'time_column_nulls', 'key:transactions_pkey', 'dependent:view'. */
  id: z.string(),
  category: z.enum(preflightCategories),
  title: z.string(),
  status: z.enum(checkStatuses),
  reason: z.string(),
  /** What to do about it, when there is something to do. */
  fix: z.string().nullable(),
  /** SQL the fix runs or proposes, shown as is. */
  sql: z.string().nullable(),
  /** The objects concerned (qualified names, pids…). */
  objects: z.array(z.string()),
});
export type PreflightItem = z.infer<typeof preflightItemSchema>;

export const serverFactsSchema = z.object({
  versionNum: z.number(),
  version: z.string(),
  user: z.string(),
  isSuperuser: z.boolean(),
  timescaledb: z.object({
    installed: z.string().nullable(),
    available: z.string().nullable(),
    /** 2.18 renamed compression to columnstore; null when not installed. */
    api: z.enum(['columnstore', 'compression']).nullable(),
  }),
});
export type ServerFacts = z.infer<typeof serverFactsSchema>;

export const proposedKeySchema = z.object({
  /** The constraint or unique index that does not contain the time column. */
  name: z.string(),
  kind: z.enum(['primary_key', 'unique_constraint', 'unique_index']),
  columns: z.array(z.string()),
  proposedColumns: z.array(z.string()),
  /** What the application loses, in a sentence. */
  consequence: z.string(),
});
export type ProposedKey = z.infer<typeof proposedKeySchema>;

export const preflightReportSchema = z.object({
  table: tableSummarySchema,
  target: z.enum(migrationTargets),
  timeColumn: z.string(),
  server: serverFactsSchema,
  items: z.array(preflightItemSchema),
  /** True when some item is blocking: the plan cannot be created. */
  blocked: z.boolean(),
  proposedKeys: z.array(proposedKeySchema),
  /** Key columns change capture uses; null = no usable key (only the offline sync mode works). */
  captureKey: z.array(z.string()).nullable(),
  /** Free space the migration needs (about 2.5x the table). */
  requiredFreeBytes: z.number(),
  advice: settingsAdviceSchema,
  /** The settings the report was checked against (defaults filled in). */
  settings: migrationSettingsSchema,
  checkedAt: z.string(),
});
export type PreflightReport = z.infer<typeof preflightReportSchema>;

// ---------------------------------------------------------------- step 4: the plan

export const phaseIds = ['A', 'B', 'C', 'D'] as const;
export type PhaseId = (typeof phaseIds)[number];

export const planStepSchema = z.object({
  key: z.string(),
  phase: z.enum(phaseIds),
  title: z.string(),
  /** Why this step exists, for the DBA reading the plan. */
  why: z.string(),
  /** Every statement as it is (or will be, for values only known at run time) sent. */
  sql: z.array(z.string()),
  /** 'per_batch' statements run once per time range; 'repeated' ones until caught up. */
  runs: z.enum(['once', 'per_batch', 'repeated', 'on_demand']),
});
export type PlanStep = z.infer<typeof planStepSchema>;

export const planSchema = z.object({
  phases: z.array(
    z.object({
      id: z.enum(phaseIds),
      title: z.string(),
      description: z.string(),
      steps: z.array(planStepSchema),
    }),
  ),
  /** Relation names the plan uses. */
  names: z.object({
    source: z.string(),
    newTable: z.string(),
    oldTable: z.string(),
    captureSchema: z.string(),
  }),
});
export type Plan = z.infer<typeof planSchema>;

// ---------------------------------------------------------------- step 5: run

export const migrationStates = [
  'planned',
  'running',
  'paused',
  /** Copied and synced, waiting for migration:swap (swap mode 'confirm'). */
  'ready_to_swap',
  /** The new table is in place under the original name; the old one is kept. */
  'swapped',
  'failed',
  'cancelling',
  'cancelled',
  'rolling_back',
  'rolled_back',
  'cleaning_up',
  'cleaned_up',
] as const;
export type MigrationState = (typeof migrationStates)[number];

export const stepStates = ['pending', 'running', 'done', 'failed', 'skipped'] as const;

export const stepStatusSchema = z.object({
  key: z.string(),
  phase: z.enum(phaseIds),
  title: z.string(),
  state: z.enum(stepStates),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  error: z.string().nullable(),
  rows: z.number().nullable(),
  /** Copy: the time up to which rows are copied (exclusive). */
  highWater: z.string().nullable(),
});
export type StepStatus = z.infer<typeof stepStatusSchema>;

export const progressSchema = z.object({
  migrationId: z.string(),
  state: z.enum(migrationStates),
  phase: z.enum(phaseIds).nullable(),
  step: z.string().nullable(),
  stepTitle: z.string().nullable(),
  rowsCopied: z.number(),
  /** An estimate at the start of the copy (statistics), so copied may pass it. */
  rowsTotal: z.number(),
  batches: z.number(),
  /** Rows per second over the copy so far in this run; null before the first batch. */
  rate: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  highWater: z.string().nullable(),
  /** Changes captured and not yet replayed. */
  pendingChanges: z.number().nullable(),
  message: z.string().nullable(),
  at: z.string(),
});
export type MigrationProgress = z.infer<typeof progressSchema>;

// ---------------------------------------------------------------- the migration

export const migrationErrorSchema = z.object({
  step: z.string().nullable(),
  message: z.string(),
  detail: z.string().nullable(),
  at: z.string(),
});

export const migrationSummarySchema = z.object({
  id: z.string(),
  profileId: z.string(),
  schema: z.string(),
  table: z.string(),
  timeColumn: z.string(),
  target: z.enum(migrationTargets),
  state: z.enum(migrationStates),
  createdAt: z.string(),
  updatedAt: z.string(),
  swappedAt: z.string().nullable(),
  /** Cleanup is allowed without typing the table name from then on. */
  keepUntil: z.string().nullable(),
  error: migrationErrorSchema.nullable(),
  /**
   * What can be done now (migration-actions.ts `allowedActions`); cleanup before
   * keepUntil still needs the old table's name typed.
   */
  allowedActions: allowedActionsSchema,
});
export type MigrationSummary = z.infer<typeof migrationSummarySchema>;

/**
 * A TimescaleDB background job on the migrated hypertable (its retention or
 * compression policy), as timescaledb_information.jobs and job_stats say now.
 */
export const timescalePolicySchema = z.object({
  jobId: z.number().int(),
  /** policy_retention, policy_compression, policy_columnstore, or another job's procedure. */
  procName: z.string(),
  scheduled: z.boolean(),
  scheduleInterval: z.string().nullable(),
  /** When the scheduler runs it next (null: not scheduled, or never planned). */
  nextStart: z.string().nullable(),
  lastRunStatus: z.string().nullable(),
  lastRunStartedAt: z.string().nullable(),
  /** The job's config as TimescaleDB holds it (drop_after, compress_after …), as JSON text. */
  config: z.string().nullable(),
});
export type TimescalePolicy = z.infer<typeof timescalePolicySchema>;

export const migrationSchema = migrationSummarySchema.extend({
  settings: migrationSettingsSchema,
  plan: planSchema,
  steps: z.array(stepStatusSchema),
  progress: progressSchema.nullable(),
  swap: swapReportSchema.nullable(),
  validation: validationReportSchema.nullable(),
  /** The original table's name (in `schema`) from the swap to the cleanup, which drops it. */
  oldTable: z.string(),
});
export type Migration = z.infer<typeof migrationSchema>;
