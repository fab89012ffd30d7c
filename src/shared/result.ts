import { z } from 'zod';

/**
 * Errors cross the process boundary as data, never as thrown exceptions.
 * `message` is written for a DBA; `fields` points at the form inputs that caused it.
 */
export const errorCodes = [
  'invalid_input',
  'not_found',
  'conflict',
  'connection_failed',
  /** The profile asks for its password every session and none was given yet. */
  'password_required',
  'unsupported',
  'store_error',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const appErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  fields: z.record(z.string(), z.string()).optional(),
  detail: z.string().optional(),
});
export type AppErrorData = z.infer<typeof appErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorData };

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: appErrorSchema }),
  ]);
}

/** Form-level segments that wrap the fields the DBA typed; field errors are reported without them. */
const wrapperSegments = new Set(['input', 'draft']);

/** A zod error as { field path: first message }, the shape every form shows. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).filter((p, i) => !(i === 0 && wrapperSegments.has(p)));
    const key = path.join('.') || '_';
    fields[key] ??= issue.message;
  }
  return fields;
}
