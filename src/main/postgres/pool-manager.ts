import pg from 'pg';
import type { Logger } from '../logger';
import { SshTunnelError } from '../ssh/errors';
import {
  buildConnectAttempts,
  type ClientConfigOptions,
  type ConnectAttempt,
  type ConnectionFields,
  type ConnectVia,
  type SessionPurpose,
} from './client-config';
import { ConnectionFailedError, describeConnectionFailure, type FailureContext } from './failure';
import { probeServer, type ServerProbe } from './server-facts';
import { isServerShutdown } from './sqlstate';
import { shouldTryNextAttempt } from './tls';

/**
 * One pg.Pool per profile, created on first use and ended when the profile
 * changes or is deleted. No module-level state: the composition root owns the
 * manager. pg's pool hands out dead clients and lets an 'error' on a checked-out
 * client crash the process; both are handled here.
 */

export interface ProfileCredentials {
  fields: ConnectionFields;
  password: string | undefined;
  /** The profile's SSH tunnel: the one place where connections are routed through it. */
  via?: ConnectVia;
}

export type ProfileResolver = (profileId: string) => Promise<ProfileCredentials> | ProfileCredentials;

export interface PoolManagerOptions extends ClientConfigOptions {
  /** Default 'monitor': read-only sessions with a short lock_timeout. */
  purpose?: SessionPurpose;
  /** How long an unused connection stays open (default 30 s). */
  idleTimeoutMillis?: number;
  /**
   * How long the server's facts are kept before the next serverFacts() probes again (default 10 min),
   * so a CREATE EXTENSION or a GRANT shows without the pool being rebuilt.
   */
  factsMaxAgeMs?: number;
}

interface PoolEntry {
  profileId: string;
  fields: ConnectionFields;
  via: ConnectVia | undefined;
  attempts: ConnectAttempt[];
  attemptIndex: number;
  pool: pg.Pool;
  /** Clients connected for the current borrower: no need to check them before use. */
  fresh: WeakSet<pg.ClientBase>;
  /** The server's facts, probed once for this pool (and again when older than factsMaxAgeMs). */
  facts?: { at: number; value: Promise<ServerProbe> };
}

interface Borrowed {
  client: pg.PoolClient;
  entry: PoolEntry;
  /** Set when the socket fails while the client is checked out. */
  broken: Error | undefined;
  onError: (error: Error) => void;
}

const connectionLevelMessages = new Set([
  'Query read timeout',
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Client was closed and is not queryable',
]);

/** The session is gone (or unusable), as opposed to a statement failing inside a healthy session. */
function isConnectionLevel(error: unknown): boolean {
  const err = error as { message?: string; code?: string; severity?: string };
  if (!err || typeof err !== 'object') return false;
  if (connectionLevelMessages.has(err.message ?? '')) return true;
  if (err.severity === 'FATAL' || err.severity === 'PANIC') return true;
  return isServerShutdown(error) || ['ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(err.code ?? '');
}

function failureContext(entry: PoolEntry, extra: Partial<FailureContext> = {}): FailureContext {
  const { fields } = entry;
  return {
    host: fields.host,
    port: fields.port,
    database: fields.database,
    user: fields.user,
    sslmode: fields.sslmode,
    connectTimeoutSec: fields.connectTimeoutSec,
    passwordMode: fields.passwordMode,
    encrypted: entry.attempts[entry.attemptIndex]?.encrypted,
    ...extra,
  };
}

/**
 * Ends a pool. pool.end() returns once the sessions are handed back, but each
 * socket then waits for the server's goodbye; a black-holed server never sends
 * it, and the half-closed socket would linger (and keep a CLI process alive). Cut
 * whatever is still open after a grace period.
 */
async function endPool(pool: pg.Pool, graceMs = 3_000): Promise<void> {
  const clients = [...((pool as unknown as { _clients?: pg.Client[] })._clients ?? [])];
  await pool.end().catch(() => {});
  const timer = setTimeout(() => {
    for (const client of clients) client.connection?.stream?.destroy();
  }, graceMs);
  timer.unref();
}

export class PoolManager {
  private readonly pools = new Map<string, Promise<PoolEntry>>();
  private readonly purpose: SessionPurpose;

  constructor(
    private readonly resolve: ProfileResolver,
    private readonly logger?: Logger,
    private readonly options: PoolManagerOptions = {},
  ) {
    this.purpose = options.purpose ?? 'monitor';
  }

  /** Runs fn with a healthy pooled session of the profile; the client goes back to the pool afterwards. */
  async withClient<T>(profileId: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const borrowed = await this.acquire(profileId);
    const { client, entry } = borrowed;
    let failure: unknown;
    try {
      return await fn(client);
    } catch (error) {
      failure = error;
      if (isConnectionLevel(error)) {
        borrowed.broken ??= error as Error;
        throw new ConnectionFailedError(
          describeConnectionFailure(error, failureContext(entry, { afterConnect: true })),
        );
      }
      throw error;
    } finally {
      client.off('error', borrowed.onError);
      // A session left inside a transaction (or with a failed one) must not be reused by the next caller.
      const tx = client.getTransactionStatus();
      if (!borrowed.broken && (tx === 'T' || tx === 'E')) {
        borrowed.broken = new Error('session left inside a transaction');
      }
      if (borrowed.broken && failure === undefined) {
        this.logger?.warn({ profileId, error: borrowed.broken.message }, 'discarding a PostgreSQL session');
      }
      // release(err) closes the client instead of keeping it.
      client.release(borrowed.broken);
    }
  }

  /** The most sessions this manager opens on the profile at once (its pool size). */
  async sessionLimit(profileId: string): Promise<number> {
    return (await this.entry(profileId)).fields.poolSize;
  }

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    profileId: string,
    sql: string,
    params?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    return this.withClient(profileId, (client) => client.query<R>(sql, params));
  }

  /**
   * The server's facts (version, extensions, rights), probed on the caller's session the first
   * time and kept with the pool: gone when the pool is invalidated. `refresh` probes again (a
   * pre-flight the DBA asked for must see an extension created a moment ago).
   */
  async serverFacts(
    profileId: string,
    session: Pick<pg.ClientBase, 'query'>,
    options: { refresh?: boolean } = {},
  ): Promise<ServerProbe> {
    const entry = await this.entry(profileId);
    const maxAge = this.options.factsMaxAgeMs ?? 600_000;
    const kept = entry.facts;
    if (kept && !options.refresh && performance.now() - kept.at < maxAge) return kept.value;
    const probed = { at: performance.now(), value: probeServer(session) };
    entry.facts = probed;
    // A failed probe is not kept: the next caller probes again.
    probed.value.catch(() => {
      if (entry.facts === probed) entry.facts = undefined;
    });
    return probed.value;
  }

  /** Ends the profile's pool (its settings changed, or it was deleted); the next use builds a new one. */
  async invalidate(profileId: string): Promise<void> {
    const pending = this.pools.get(profileId);
    if (!pending) return;
    this.pools.delete(profileId);
    const entry = await pending.catch(() => null);
    if (entry) await endPool(entry.pool);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.pools.keys()].map((id) => this.invalidate(id)));
  }

  private entry(profileId: string): Promise<PoolEntry> {
    const existing = this.pools.get(profileId);
    if (existing) return existing;
    const created = (async () => {
      const { fields, password, via } = await this.resolve(profileId);
      const attempts = buildConnectAttempts(fields, password, this.purpose, { ...this.options, via });
      const entry: PoolEntry = {
        profileId,
        fields,
        via,
        attempts,
        attemptIndex: 0,
        fresh: new WeakSet(),
        pool: undefined as unknown as pg.Pool,
      };
      entry.pool = this.createPool(entry);
      return entry;
    })();
    this.pools.set(profileId, created);
    // A profile that cannot be resolved (deleted, bad certificate file) is retried next time.
    created.catch(() => {
      if (this.pools.get(profileId) === created) this.pools.delete(profileId);
    });
    return created;
  }

  private createPool(entry: PoolEntry): pg.Pool {
    const attempt = entry.attempts[entry.attemptIndex] as ConnectAttempt;
    // pg-pool applies connectionTimeoutMillis to waiting for a free session too, so a caller
    // queued behind a slow sample would fail as "timed out". Bound only the connect itself.
    const { connectionTimeoutMillis, ...config } = attempt.config;
    class ProfileClient extends attempt.Client {
      constructor(options?: pg.ClientConfig) {
        // pg-pool keeps the password non-enumerable, so a spread would drop it.
        super({ ...options, password: options?.password, connectionTimeoutMillis });
      }
    }
    const pool = new pg.Pool({
      ...config,
      Client: ProfileClient,
      max: entry.fields.poolSize,
      idleTimeoutMillis: this.options.idleTimeoutMillis ?? 30_000,
      // Idle sessions must not keep a CLI process alive.
      allowExitOnIdle: true,
      onConnect: async (client: pg.ClientBase) => {
        await client.query(attempt.setupSql);
        entry.fresh.add(client);
      },
    });
    // pg-pool has already removed the dead idle client; without a listener this event would crash the process.
    pool.on('error', (error) => {
      this.logger?.warn({ profileId: entry.profileId, error: error.message }, 'idle PostgreSQL session lost');
    });
    return pool;
  }

  private async acquire(profileId: string): Promise<Borrowed> {
    let lastError: unknown;
    let entry: PoolEntry;
    try {
      entry = await this.entry(profileId);
      // A tunnel that dropped is opened again before pg is handed its address.
      await entry.via?.ready();
    } catch (error) {
      if (!(error instanceof SshTunnelError)) throw error;
      throw new ConnectionFailedError({ reason: error.reason, message: error.message, detail: error.detail });
    }
    // Every idle session may be dead (after a server restart): allow one check per pool slot, then a fresh one.
    const rounds = entry.fields.poolSize + 2;
    for (let round = 0; round < rounds; round++) {
      entry = await this.entry(profileId);
      const pool = entry.pool;
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        if (entry.pool !== pool) continue; // another caller switched attempts meanwhile
        if (
          entry.attemptIndex + 1 < entry.attempts.length &&
          shouldTryNextAttempt(entry.fields.sslmode, error)
        ) {
          entry.attemptIndex++;
          entry.pool = this.createPool(entry);
          void endPool(pool);
          continue;
        }
        throw new ConnectionFailedError(describeConnectionFailure(error, failureContext(entry)));
      }

      const borrowed: Borrowed = {
        client,
        entry,
        broken: undefined,
        onError: (error: Error) => {
          borrowed.broken = error;
          this.logger?.warn({ profileId, error: error.message }, 'PostgreSQL session failed while in use');
        },
      };
      client.on('error', borrowed.onError);
      if (entry.fresh.has(client)) {
        entry.fresh.delete(client);
        return borrowed;
      }
      // A reused session may have died while idle (terminated, server restarted, network gone) and pg
      // may not have noticed yet. A harmless query tells; if it fails, drop the client and try again.
      try {
        await client.query({
          text: 'SELECT 1',
          query_timeout: entry.fields.connectTimeoutSec * 1000,
        } as pg.QueryConfig);
        if (!borrowed.broken) return borrowed;
        lastError = borrowed.broken;
      } catch (error) {
        lastError = error;
      }
      client.off('error', borrowed.onError);
      client.release(lastError instanceof Error ? lastError : new Error(String(lastError)));
      this.logger?.info({ profileId }, 'dropped a dead pooled PostgreSQL session');
    }
    throw new ConnectionFailedError(
      describeConnectionFailure(lastError, failureContext(entry, { afterConnect: true })),
    );
  }
}
