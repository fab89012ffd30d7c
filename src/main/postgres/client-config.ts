import { isIP } from 'node:net';
import { checkServerIdentity } from 'node:tls';
import type pg from 'pg';
import type { ProfileFields } from '../../shared/profile';
import { clientClassFor } from './cleartext-guard';
import { lookupPgpassPassword, type PgpassLocation } from './pgpass';
import { planTls, type TlsEnvironment } from './tls';

/**
 * How Tidemark's sessions are configured. pg has no statement timeout, query
 * timeout or TCP keepalive by default; every one is set here.
 */

/** 'monitor' sessions only read; 'admin' sessions (the migration wizard) may write. */
export type SessionPurpose = 'monitor' | 'admin';

export const APPLICATION_NAME = 'tidemark';

export type ConnectionFields = Omit<ProfileFields, 'name' | 'password' | 'sshSecret'>;

/**
 * Where to connect instead of the profile's host and port: the local end of its
 * SSH tunnel. `ready` waits for the tunnel (opening it again if it dropped).
 */
export interface ConnectVia {
  host: string;
  port: number;
  ready(): Promise<void>;
}

export interface ClientConfigOptions extends TlsEnvironment {
  /** The profile's SSH tunnel, if it has one. */
  via?: ConnectVia;
  /** For PGPASSFILE (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Client-side limit for each query; default: the statement timeout plus a margin. */
  queryTimeoutMs?: number;
}

/** One way to connect: libpq's allow/prefer give two, tried in order. */
export interface ConnectAttempt {
  config: pg.ClientConfig;
  /** pg.Client, or one that refuses cleartext passwords over an unverified link (see cleartext-guard). */
  Client: typeof pg.Client;
  encrypted: boolean;
  /** Run once right after connecting (see sessionSetupSql). */
  setupSql: string;
}

/** Thrown from pg's password callback when the server asks for a password and there is none. */
export class NoPasswordError extends Error {
  readonly code = 'TIDEMARK_NO_PASSWORD';
  constructor(message: string) {
    super(message);
    this.name = 'NoPasswordError';
  }
}

/** The server-side limits every session gets. */
export function sessionSettings(purpose: SessionPurpose, fields: Pick<ProfileFields, 'statementTimeoutMs'>) {
  return {
    statement_timeout: fields.statementTimeoutMs,
    // Monitoring must never queue behind (and so block) a DBA's DDL: give up on a lock quickly.
    lock_timeout: purpose === 'monitor' ? 3_000 : 10_000,
    idle_in_transaction_session_timeout: purpose === 'monitor' ? 60_000 : 300_000,
    default_transaction_read_only: purpose === 'monitor' ? 'on' : 'off',
    // Operators and functions resolve in PostgreSQL's catalog first. The database's owner can set its
    // search_path and own public: an operator planted there (`>=` on timestamptz, `=` on oid) must never
    // run as the DBA's role. Tidemark qualifies every name it writes, so it needs no other schema.
    search_path: 'pg_catalog, pg_temp',
  } as const;
}

/**
 * One simple query, sent right after connecting. These are SET commands rather
 * than startup parameters because connection poolers such as pgbouncer refuse
 * startup parameters they do not know (statement_timeout, lock_timeout, …),
 * while application_name is one they pass through.
 */
export function sessionSetupSql(
  purpose: SessionPurpose,
  fields: Pick<ProfileFields, 'statementTimeoutMs'>,
): string {
  return Object.entries(sessionSettings(purpose, fields))
    .map(([name, value]) => `SET ${name} = ${typeof value === 'number' ? Math.trunc(value) : value}`)
    .join('; ');
}

/** A little more than the statement timeout, so the server's own cancel normally wins. */
export function defaultQueryTimeoutMs(fields: Pick<ProfileFields, 'statementTimeoutMs'>): number {
  return fields.statementTimeoutMs + Math.max(2_000, Math.round(fields.statementTimeoutMs / 10));
}

function passwordSource(
  fields: ConnectionFields,
  password: string | undefined,
  options: ClientConfigOptions,
): pg.ClientConfig['password'] {
  if (password !== undefined && password !== '') return password;
  // Called by pg only when the server asks for a password: look in .pgpass then, as libpq does.
  return async () => {
    const location: PgpassLocation = { env: options.env, home: options.home };
    const found = await lookupPgpassPassword(
      { host: fields.host, port: fields.port, database: fields.database, user: fields.user },
      location,
    );
    if (found.password !== undefined) return found.password;
    const none =
      fields.passwordMode === 'ask'
        ? 'no password was entered for this profile in this session'
        : 'no password is stored for this profile';
    throw new NoPasswordError(
      `The server asks for a password for user "${fields.user}", but ${none} and none was found in .pgpass (${found.why}).`,
    );
  };
}

/**
 * The pg configurations to try for a profile, in order. Never a
 * connectionString: pg's parser gives sslmode the wrong meaning.
 * Throws AppError('invalid_input') if a certificate or key file cannot be used.
 */
export function buildConnectAttempts(
  fields: ConnectionFields,
  password: string | undefined,
  purpose: SessionPurpose,
  options: ClientConfigOptions = {},
): ConnectAttempt[] {
  const tls = planTls(fields, options);
  const base: pg.ClientConfig = {
    // A host starting with '/' is a Unix socket directory; pg connects to <dir>/.s.PGSQL.<port>.
    host: options.via?.host ?? fields.host,
    port: options.via?.port ?? fields.port,
    database: fields.database,
    user: fields.user,
    password: passwordSource(fields, password, options),
    application_name: APPLICATION_NAME,
    connectionTimeoutMillis: fields.connectTimeoutSec * 1000,
    query_timeout: options.queryTimeoutMs ?? defaultQueryTimeoutMs(fields),
    // Notice a dead peer on an idle connection sooner than the OS default of two hours.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
  const setupSql = sessionSetupSql(purpose, fields);
  const Client = clientClassFor(fields.allowCleartextPassword);
  return tls.attempts.map((ssl) => ({
    config: { ...base, ssl: options.via ? throughTunnel(ssl, fields.host) : ssl },
    Client,
    encrypted: ssl !== false,
    setupSql,
  }));
}

/**
 * Through a tunnel pg connects to 127.0.0.1, but the certificate names the
 * server: verify-full checks the profile's host name, and SNI carries it.
 */
function throughTunnel(ssl: pg.ClientConfig['ssl'], host: string): pg.ClientConfig['ssl'] {
  if (!ssl || typeof ssl !== 'object' || ssl.checkServerIdentity) return ssl;
  const sni = isIP(host) === 0 ? { servername: host } : {};
  return { ...ssl, ...sni, checkServerIdentity: (_local, cert) => checkServerIdentity(host, cert) };
}

/** The first configuration to try (enough where sslmode has a single way to connect). */
export function buildClientConfig(
  fields: ConnectionFields,
  password: string | undefined,
  purpose: SessionPurpose,
  options: ClientConfigOptions = {},
): pg.ClientConfig {
  return (buildConnectAttempts(fields, password, purpose, options)[0] as ConnectAttempt).config;
}
