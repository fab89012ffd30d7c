import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { type ProfileFields, type ProfileInput, profileInputSchema } from '../../src/shared/profile';
import './context';
import type { TimescaleInfo } from './servers';

export interface TimescaleSession {
  info: TimescaleInfo;
  /** A profile for the TimescaleDB server, run through the real profile schema. */
  profile(overrides?: Partial<ProfileInput>): ProfileFields;
  password: string;
}

const LOCK_WAIT_LIMIT_MS = 10 * 60_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock shared by every vitest worker process: a directory that only one mkdir can create. */
async function acquire(lockPath: string): Promise<() => Promise<void>> {
  const started = Date.now();
  for (;;) {
    try {
      await mkdir(lockPath);
      await writeFile(join(lockPath, 'owner'), String(process.pid));
      return () => rm(lockPath, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // A worker that died holding the lock must not block the run.
    const owner = Number(await readFile(join(lockPath, 'owner'), 'utf8').catch(() => ''));
    if (owner > 0 && !alive(owner)) {
      await rm(lockPath, { recursive: true, force: true });
      continue;
    }
    if (Date.now() - started > LOCK_WAIT_LIMIT_MS) {
      throw new Error(
        `Waited too long for the TimescaleDB test server (lock ${lockPath} held by pid ${owner}).`,
      );
    }
    await sleep(50);
  }
}

/**
 * PGlite is one backend: settings a session makes (our monitor sessions turn on
 * default_transaction_read_only) survive into the next connection. Reset them.
 */
async function resetSession(info: TimescaleInfo): Promise<void> {
  const client = new pg.Client({ ...info, ssl: false, connectionTimeoutMillis: 30_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    // PGlite keeps session settings across connections; after RESET ALL its search_path is pg_catalog
    // alone, so an unqualified CREATE TABLE would land there. Put the usual one back.
    await client.query(`ROLLBACK; RESET ALL; SET search_path = "$user", public`);
  } finally {
    await client.end();
  }
}

/**
 * Runs fn with exclusive use of the TimescaleDB test server, which serves one
 * connection at a time: parallel test files would otherwise queue up and time
 * out. fn must end every connection it opens.
 */
export async function withTimescale<T>(fn: (session: TimescaleSession) => Promise<T>): Promise<T> {
  const info = inject('timescale');
  const release = await acquire(join(inject('lockDir'), 'timescale'));
  try {
    await resetSession(info);
    const base: ProfileInput = {
      name: 'timescale test',
      host: info.host,
      port: info.port,
      database: info.database,
      user: info.user,
      connectTimeoutSec: 10,
      passwordMode: 'store',
    };
    return await fn({
      info,
      password: info.password,
      profile: (overrides = {}) => profileInputSchema.parse({ ...base, ...overrides }),
    });
  } finally {
    await resetSession(info).catch(() => {});
    await release();
  }
}

/**
 * A plain client on the TimescaleDB test server (inside withTimescale), ended after fn. PGlite is one
 * backend: the monitoring session's settings (read-only…) outlive it, and RESET ALL leaves
 * search_path = pg_catalog there while the TimescaleDB API lives in public.
 */
export async function withClient<T>(ts: TimescaleSession, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...ts.info, ssl: false });
  client.on('error', () => {});
  await client.connect();
  await client.query('RESET ALL; SET search_path = public');
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
