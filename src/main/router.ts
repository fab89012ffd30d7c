import { type Channel, channels, type ParsedRequestOf, type ResponseOf } from '../shared/contract';
import { fieldErrors, type Result } from '../shared/result';
import { AppError } from './errors';
import type { Logger } from './logger';

export type Handlers = {
  [C in Channel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C>;
};

/** The handlers of one domain (a slice of the contract's channels). */
export type HandlersFor<K extends Channel> = Pick<Handlers, K>;

/** Where a request came from, for the log. */
export type Origin = 'ipc' | 'host' | 'cli' | 'test';

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
