import type { PostgresInfo } from '../../test/support/servers';

/** Set by e2e/global-setup.ts for the worker processes. */
export const POSTGRES_ENV = 'TIDEMARK_E2E_POSTGRES';

export function testPostgres(): PostgresInfo {
  const raw = process.env[POSTGRES_ENV];
  if (!raw)
    throw new Error(
      `${POSTGRES_ENV} is not set: run the suite with \`npx playwright test\` (its global setup starts PostgreSQL).`,
    );
  return JSON.parse(raw) as PostgresInfo;
}
