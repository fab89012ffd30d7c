import { type EventMessage, events } from '../../shared/contract';
import { type AppErrorData, appErrorSchema, type Result } from '../../shared/result';

/** A failed envelope built on this side of the boundary (transport trouble, garbage on the wire). */
export function transportError(message: string, detail?: string): { ok: false; error: AppErrorData } {
  return { ok: false, error: { code: 'connection_failed', message, ...(detail ? { detail } : {}) } };
}

export const LOST_CONNECTION_MESSAGE =
  'The connection to Tidemark was lost before it answered. Check that Tidemark is still running, then try again.';

/**
 * Checks the envelope's shape. The value itself was already parsed against the
 * contract by main's router before it was sent.
 */
export function toResult<T>(raw: unknown): Result<T> {
  if (raw && typeof raw === 'object' && 'ok' in raw) {
    const envelope = raw as { ok: unknown; value?: unknown; error?: unknown };
    if (envelope.ok === true) return { ok: true, value: envelope.value as T };
    if (envelope.ok === false) {
      const error = appErrorSchema.safeParse(envelope.error);
      if (error.success) return { ok: false, error: error.data };
    }
  }
  return {
    ok: false,
    error: { code: 'internal', message: 'Tidemark sent an answer this window does not understand.' },
  };
}

/** Validates an event against the contract; anything else is dropped. */
export function toEvent(raw: unknown): EventMessage | null {
  if (!raw || typeof raw !== 'object') return null;
  const { event, payload } = raw as { event?: unknown; payload?: unknown };
  if (typeof event !== 'string' || !Object.hasOwn(events, event)) return null;
  const schema = events[event as keyof typeof events];
  const parsed = schema.safeParse(payload);
  if (!parsed.success) return null;
  return { event, payload: parsed.data } as EventMessage;
}
