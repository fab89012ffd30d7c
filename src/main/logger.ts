import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './data-dir';

export type Logger = pino.Logger;

/** Anything that may hold a secret is censored before it reaches a log line. */
const redact = {
  paths: ['password', '*.password', '*.*.password', 'input.password', 'config.password', 'secret'],
  censor: '[redacted]',
};

/** Structured log to `<dataDir>/logs/tidemark.log`; `null` dataDir logs nowhere (tests). */
export function createLogger(
  dataDir: string | null,
  level = process.env.TIDEMARK_LOG_LEVEL ?? 'info',
): Logger {
  if (!dataDir) return pino({ level: 'silent' });
  const dir = join(dataDir, 'logs');
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // Opened here, not by the destination in the background: the logger is ready at once, and a
  // logger closed (or a data folder removed) right after start-up cannot fail later.
  const fd = openSync(join(dir, 'tidemark.log'), 'a', PRIVATE_FILE_MODE);
  return pino(
    { level, redact, base: { app: 'tidemark' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ fd, sync: false }),
  );
}
