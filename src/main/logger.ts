import { mkdirSync } from 'node:fs';
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
  return pino(
    { level, redact, base: { app: 'tidemark' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: join(dir, 'tidemark.log'), mkdir: true, sync: false, mode: PRIVATE_FILE_MODE }),
  );
}
