import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import './support/context';
import { startDebianPostgres } from './support/debian-postgres';
import { keepExitCode } from './support/keep-exit-code';
import {
  type StartedPostgres,
  type StartedTimescale,
  startPostgres,
  startTimescale,
} from './support/servers';

/**
 * Starts PostgreSQL 18, PostgreSQL 15 and TimescaleDB once for the whole run;
 * every test file makes its own database.
 */
export default async function setup(project: TestProject) {
  keepExitCode();
  const started = await Promise.allSettled([startPostgres(), startTimescale(), startDebianPostgres(15)]);
  const [postgres, timescale, postgres15] = started;
  const stopAll = async () => {
    await Promise.allSettled(
      started.flatMap((s) =>
        s.status === 'fulfilled' ? [(s.value as StartedPostgres | StartedTimescale).stop()] : [],
      ),
    );
  };
  if (postgres.status === 'rejected' || timescale.status === 'rejected' || postgres15.status === 'rejected') {
    await stopAll();
    const reasons = started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
    throw new Error(`The test servers did not start:\n${reasons.join('\n')}`);
  }

  const lockDir = await mkdtemp(join(tmpdir(), 'tidemark-locks-'));
  project.provide('postgres', postgres.value.info);
  project.provide('timescale', timescale.value.info);
  project.provide('postgres15', postgres15.value.info);
  project.provide('lockDir', lockDir);

  return async () => {
    await stopAll();
    await rm(lockDir, { recursive: true, force: true });
  };
}
