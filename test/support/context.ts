import type { PostgresInfo, TimescaleInfo } from './servers';

/** What test/global-setup.ts hands to every test file through vitest's provide/inject. */
declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresInfo;
    /** PostgreSQL 15 from Debian's packages, with pg_partman available; no TLS. */
    postgres15: PostgresInfo;
    timescale: TimescaleInfo;
    /** A folder shared by all workers, for cross-process locks (see withTimescale). */
    lockDir: string;
  }
}
