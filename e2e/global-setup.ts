import { startPostgres } from '../test/support/servers';
import { assertBuilt } from './support/host';
import { POSTGRES_ENV } from './support/servers';

/**
 * One real PostgreSQL 18 for the whole Playwright run (test/support/servers.ts,
 * shared with vitest). Each test starts its own Tidemark host on its own data directory.
 */
export default async function globalSetup() {
  assertBuilt();
  const postgres = await startPostgres();
  // Workers are started after global setup and inherit its environment.
  process.env[POSTGRES_ENV] = JSON.stringify(postgres.info);
  return async () => {
    await postgres.stop();
  };
}
