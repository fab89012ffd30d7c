import type { PostgresInfo, TimescaleInfo } from './servers';

/** What test/global-setup.ts hands to every test file through vitest's provide/inject. */
declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresInfo;
    timescale: TimescaleInfo;
    /** A folder shared by all workers, for cross-process locks (see withTimescale). */
    lockDir: string;
  }
}
