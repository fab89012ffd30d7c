import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';

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
  mkdirSync(dir, { recursive: true });
  return pino(
    { level, redact, base: { app: 'tidemark' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: join(dir, 'tidemark.log'), mkdir: true, sync: false }),
  );
}
