import { z } from 'zod';

/**
 * Step 3 of the migration wizard: the settings a migration runs with, their
 * ranges and the advice the engine gives. Read through shared/migration.ts.
 */

export const orderByItemSchema = z.object({
  column: z.string().min(1),
  direction: z.enum(['asc', 'desc']),
});

/** How changes the application makes during the copy reach the new table. */
export const syncModes = [
  /** A trigger logs changed keys; they are replayed by key, a last time inside the swap. Needs a key. */
  'capture',
  /**
   * For tables without a usable key: writes keep going during the copy, then the swap
   * holds the lock while every time range is compared and the ranges that differ are copied again.
   */
  'offline',
] as const;
export type SyncMode = (typeof syncModes)[number];

/** The most sessions a migration may use at once: the most a profile's pool holds. */
export const MAX_MIGRATION_SESSIONS = 10;

/** The longest a copy batch may be sized to take. */
export const MAX_BATCH_SECONDS = 10;
const BATCH_SECONDS_MESSAGE = `Seconds from 0 to ${MAX_BATCH_SECONDS} (0: every batch the same number of rows).`;

/** A whole number in a range, with one message for whatever is wrong with it (the wizard shows it as is). */
const wholeNumber = (min: number, max: number, message: string) =>
  z.number({ error: message }).int(message).min(min, message).max(max, message);

export const migrationSettingsSchema = z.object({
  /** Chunk or partition width: an interval ('1 day') or, for an integer time column, a number. */
  interval: z.string().trim().min(1, 'Give the chunk or partition interval.'),
  /** TimescaleDB: compress (columnstore) chunks older than this; null = no compression. */
  compressAfter: z.string().trim().min(1).nullable(),
  segmentBy: z.array(z.string().min(1)),
  orderBy: z.array(orderByItemSchema),
  /** Optional: drop chunks (TimescaleDB) or detach partitions (native) older than this. */
  retention: z.string().trim().min(1).nullable(),
  /** Native partitions: how many intervals to create beyond the newest row. */
  partitionsAhead: wholeNumber(0, 1000, 'A whole number from 0 to 1000.'),
  /**
   * Native partitions: who keeps partitions ahead after the swap — Tidemark's upkeep, or
   * pg_partman (create_parent on the new table, when the server has it). Absent: tidemark.
   */
  partitionUpkeep: z.enum(['tidemark', 'pg_partman']).optional(),
  /** Days the old table is kept after the swap before cleanup is allowed without typing its name. */
  keepOldDays: wholeNumber(1, 365, 'A whole number of days from 1 to 365.'),
  /**
   * Rows in the first copy batch, and the fewest each later one aims for (each batch is one
   * transaction over one time range); with batchSeconds 0, the rows of every batch.
   */
  batchRows: wholeNumber(1, 10_000_000, 'A whole number of rows from 1 to 10,000,000.'),
  /**
   * Batches grow beyond batchRows to take about this long when the server copies faster
   * (copy.ts nextWidth); 0 keeps every batch at batchRows. At most MAX_BATCH_SECONDS: a batch
   * holds its snapshot, and a share lock on the source, as long as it runs.
   * Absent in older journals: 0, the batches they were planned with.
   */
  batchSeconds: z
    .number({ error: BATCH_SECONDS_MESSAGE })
    .min(0, BATCH_SECONDS_MESSAGE)
    .max(MAX_BATCH_SECONDS, BATCH_SECONDS_MESSAGE)
    .optional(),
  syncMode: z.enum(syncModes),
  /**
   * Sessions copying disjoint time ranges at once (1: one session, as the psql export does).
   * Never more than the profile's pool size at run time. Absent in older journals: 1.
   */
  copySessions: z.number().int().min(1).max(MAX_MIGRATION_SESSIONS).optional(),
  /**
   * Sessions building the partitions' indexes and gathering their statistics at once
   * (native partitions). Never more than the profile's pool size at run time. Absent: 1.
   */
  buildSessions: z.number().int().min(1).max(MAX_MIGRATION_SESSIONS).optional(),
  /** The pre-flight's composite key (key + time column) is accepted. */
  acceptCompositeKey: z.boolean(),
  /** Foreign keys that cannot point at the new table are dropped (reported, and restored on rollback). */
  dropUnsupportedForeignKeys: z.boolean(),
  /** Bytes the DBA confirms are free on the server's disk (pre-flight compares ~2.5x the table). */
  confirmedFreeBytes: z.number().nonnegative().nullable(),
  swap: z.object({
    /** The swap's lock_timeout: the longest any application query waits behind an attempt. */
    lockTimeoutMs: wholeNumber(100, 60_000, 'Milliseconds from 100 to 60000.'),
    attempts: wholeNumber(1, 1000, 'A whole number from 1 to 1000.'),
    /** First pause between attempts; doubles each time, capped at 30 s. */
    backoffMs: z.number().int().min(0).max(60_000),
    /** 'confirm' stops before the swap (state ready_to_swap) until migration:swap. */
    mode: z.enum(['auto', 'confirm']),
  }),
});
export type MigrationSettings = z.infer<typeof migrationSettingsSchema>;

/** What a request may send: anything left out takes the engine's default. */
export const migrationSettingsInputSchema = migrationSettingsSchema
  .extend({ swap: migrationSettingsSchema.shape.swap.partial() })
  .partial();
export type MigrationSettingsInput = z.infer<typeof migrationSettingsInputSchema>;

export const settingsAdviceSchema = z.object({
  defaults: migrationSettingsSchema,
  /** Why each default was chosen, keyed by setting name (e.g. interval, segmentBy). */
  reasons: z.record(z.string(), z.string()),
  segmentByCandidates: z.array(
    z.object({ column: z.string(), distinct: z.number().nullable(), reason: z.string() }),
  ),
  orderByCandidates: z.array(z.object({ column: z.string(), reason: z.string() })),
});
export type SettingsAdvice = z.infer<typeof settingsAdviceSchema>;
