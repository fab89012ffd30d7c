import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { ConnectionReport, ConnectionTestResult } from '../../shared/profile';
import { buildConnectAttempts, type ClientConfigOptions, type ConnectionFields } from './client-config';
import { closeClient, connectClient, hasInspectableSocket, socketTls } from './connect';
import { describeConnectionFailure, type FailureContext } from './failure';
import { probeServer } from './server-facts';

/**
 * "Test connection": one client (never a pool), bounded by the profile's
 * connect timeout, read-only queries only, and the client is always closed.
 * Failures come back as a result with a reason, never as a throw.
 */

export interface TestConnectionOptions extends ClientConfigOptions {
  now?: () => Date;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function measureLatency(client: pg.Client): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await client.query('SELECT 1');
    samples.push(performance.now() - t0);
  }
  return Math.round(median(samples) * 100) / 100;
}

/** Our own link's TLS state; pg_stat_ssl only when the socket cannot be inspected. */
async function sslState(client: pg.Client): Promise<ConnectionReport['ssl']> {
  // The socket is the truth for OUR link: behind a pooler, pg_stat_ssl describes the pooler's link instead.
  if (hasInspectableSocket(client)) return socketTls(client);
  try {
    const { rows } = await client.query<{ ssl: boolean; version: string | null; cipher: string | null }>(
      'SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    );
    const row = rows[0];
    return row
      ? { inUse: row.ssl, version: row.version, cipher: row.cipher }
      : { inUse: false, version: null, cipher: null };
  } catch {
    return { inUse: false, version: null, cipher: null };
  }
}

export async function testConnection(
  profile: ConnectionFields,
  password: string | undefined,
  options: TestConnectionOptions = {},
): Promise<ConnectionTestResult> {
  const started = performance.now();
  const elapsedMs = () => Math.round(performance.now() - started);
  const ctx: FailureContext = {
    host: profile.host,
    port: profile.port,
    database: profile.database,
    user: profile.user,
    sslmode: profile.sslmode,
    connectTimeoutSec: profile.connectTimeoutSec,
    passwordMode: profile.passwordMode,
  };
  const failed = (error: unknown, extra: Partial<FailureContext> = {}): ConnectionTestResult => ({
    ok: false,
    ...describeConnectionFailure(error, { ...ctx, ...extra }),
    elapsedMs: elapsedMs(),
  });

  let attempts: ReturnType<typeof buildConnectAttempts>;
  try {
    // A test should answer within the connect timeout, queries included.
    const queryTimeoutMs = options.queryTimeoutMs ?? profile.connectTimeoutSec * 1000;
    attempts = buildConnectAttempts(profile, password, 'monitor', { ...options, queryTimeoutMs });
  } catch (error) {
    return failed(error);
  }

  const outcome = await connectClient(attempts, profile.sslmode);
  if (!outcome.ok) return failed(outcome.error, { encrypted: outcome.attempt.encrypted });
  const { client } = outcome;
  try {
    const facts = await probeServer(client);
    const latencyMs = await measureLatency(client);
    const ssl = await sslState(client);
    return {
      ok: true,
      report: {
        serverVersion: facts.version,
        serverVersionNum: facts.versionNum,
        database: facts.database,
        user: facts.user,
        hasPgMonitor: facts.rights.pgMonitor,
        isSuperuser: facts.isSuperuser,
        inRecovery: facts.inRecovery,
        timescaledb: {
          availableVersion: facts.timescaledb.available,
          installedVersion: facts.timescaledb.installed,
        },
        ssl,
        latencyMs,
        testedAt: (options.now?.() ?? new Date()).toISOString(),
      },
    };
  } catch (error) {
    return failed(error, { encrypted: outcome.attempt.encrypted, afterConnect: true });
  } finally {
    await closeClient(client);
  }
}
