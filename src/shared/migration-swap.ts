import { z } from 'zod';

/** The swap and the validation after it: what the wizard reports at steps 6 and 7. */

// ---------------------------------------------------------------- step 6: the swap

export const blockerSchema = z.object({
  pid: z.number(),
  user: z.string().nullable(),
  application: z.string().nullable(),
  clientAddr: z.string().nullable(),
  state: z.string().nullable(),
  /** The lock it holds or waits for on the table. */
  lockMode: z.string(),
  granted: z.boolean(),
  xactStart: z.string().nullable(),
  queryStart: z.string().nullable(),
  query: z.string().nullable(),
});
export type Blocker = z.infer<typeof blockerSchema>;

export const swapAttemptSchema = z.object({
  attempt: z.number(),
  at: z.string(),
  outcome: z.enum(['swapped', 'lock_timeout', 'failed']),
  blockers: z.array(blockerSchema),
  message: z.string(),
});
export type SwapAttempt = z.infer<typeof swapAttemptSchema>;

export const movedObjectSchema = z.object({
  kind: z.string(),
  name: z.string(),
  /** What the swap did with it, e.g. 'recreated on the new table'. */
  action: z.string(),
});

export const swapReportSchema = z.object({
  direction: z.enum(['forward', 'rollback']),
  attempts: z.array(swapAttemptSchema),
  /** From the moment the lock was granted to the commit. */
  lockHeldMs: z.number().nullable(),
  /** Keys replayed inside the swap transaction (the rows committed just before it). */
  replayedInSwap: z.number().nullable(),
  moved: z.array(movedObjectSchema),
  completedAt: z.string().nullable(),
});
export type SwapReport = z.infer<typeof swapReportSchema>;

// ---------------------------------------------------------------- step 7: validation

export const validationCheckSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['pass', 'warn', 'fail']),
  details: z.string(),
});
export type ValidationCheck = z.infer<typeof validationCheckSchema>;

export const validationReportSchema = z.object({
  checkedAt: z.string(),
  /** No check failed. */
  ok: z.boolean(),
  checks: z.array(validationCheckSchema),
  /**
   * What the row-count check counted (rows changed since the swap left out, as `leftOut`);
   * absent from reports journaled before it was recorded.
   */
  rows: z.object({ oldTable: z.number(), newTable: z.number(), leftOut: z.number() }).nullable().optional(),
});
export type ValidationReport = z.infer<typeof validationReportSchema>;
