import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Real servers for the whole run (PostgreSQL 18, TimescaleDB); see test/support/servers.ts.
    globalSetup: ['test/global-setup.ts'],
    // Generous: tests talk to real servers on a 2-core CI machine. Never used as an assertion.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
