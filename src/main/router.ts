import type { z } from 'zod';
import {
  type Channel,
  channels,
  type EventMessage,
  type EventName,
  type EventOf,
  type ParsedRequestOf,
  type ResponseOf,
} from '../shared/contract';
import type { Result } from '../shared/result';
import { AppError } from './errors';
import type { Logger } from './logger';

export type Handlers = {
  [C in Channel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C>;
};

/** The handlers of one domain (a slice of the contract's channels). */
export type HandlersFor<K extends Channel> = Pick<Handlers, K>;

/** Where a request came from, for the log. */
export type Origin = 'ipc' | 'host' | 'cli' | 'test';

/** Form-level segments that wrap the fields the DBA typed; field errors are reported without them. */
const wrapperSegments = new Set(['input', 'draft']);

export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).filter((p, i) => !(i === 0 && wrapperSegments.has(p)));
    const key = path.join('.') || '_';
    fields[key] ??= issue.message;
  }
  return fields;
}

/**
 * The one router: every adapter (ipcMain, the host's WebSocket, the CLI,
 * tests) hands it a channel name and an untrusted payload and gets an envelope.
 */
export class Router {
  constructor(
    private readonly handlers: Handlers,
    private readonly log: Logger,
  ) {}

  async dispatch(channel: string, payload: unknown, origin: Origin = 'test'): Promise<Result<unknown>> {
    if (!Object.hasOwn(channels, channel)) {
      return { ok: false, error: { code: 'invalid_input', message: `Unknown request "${channel}".` } };
    }
    const name = channel as Channel;
    const spec = channels[name];
    const parsed = spec.request.safeParse(payload ?? {});
    if (!parsed.success) {
      const fields = fieldErrors(parsed.error);
      const first = Object.values(fields)[0] ?? 'The request is not valid.';
      return { ok: false, error: { code: 'invalid_input', message: first, fields } };
    }
    try {
      const handler = this.handlers[name] as (r: unknown) => unknown;
      const value = await handler(parsed.data);
      // Parsing the response strips anything the contract does not name (a password, say).
      return { ok: true, value: spec.response.parse(value) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, error: err.toData() };
      this.log.error({ err, channel, origin }, 'request failed');
      return {
        ok: false,
        error: {
          code: 'internal',
          message: 'Tidemark hit an unexpected error. The details are in the log file.',
          detail: err instanceof Error ? err.message : String(err),
        },
      };
    }
  }
}

type Listener = (message: EventMessage) => void;

/** Events main → renderer; each adapter subscribes and forwards. */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    const message = { event, payload } as EventMessage;
    for (const listener of this.listeners) listener(message);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
