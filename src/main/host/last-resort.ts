import type { EventEmitter } from 'node:events';
import type { Logger } from '../logger';

/**
 * Browser mode runs sampling and migrations in the same process as the host:
 * an error no handler caught must not stop them. It is logged with its stack,
 * said on the terminal, and the process keeps serving.
 */
export function keepServingOnUnexpectedErrors(
  logger: Logger,
  target: Pick<EventEmitter, 'on'> = process,
  terminal: (line: string) => void = console.error,
): void {
  const report = (err: unknown, origin: string) => {
    logger.error({ err, origin }, 'unexpected error; Tidemark keeps serving');
    const what = err instanceof Error ? err.message : String(err);
    terminal(`Tidemark hit an unexpected error and keeps serving (details in its log): ${what}`);
  };
  target.on('uncaughtException', (err: unknown) => report(err, 'uncaughtException'));
  target.on('unhandledRejection', (reason: unknown) => report(reason, 'unhandledRejection'));
}
