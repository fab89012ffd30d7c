import type { ConnectionFailureReason, PasswordMode, SslMode } from '../../shared/profile';
import { AppError } from '../errors';
import { SshTunnelError } from '../ssh/errors';
import { SqlState } from './sqlstate';

/** Turns whatever pg, Node's net/tls or our own config code threw into words a DBA recognises. */

export interface FailureContext {
  host: string;
  port: number;
  database: string;
  user: string;
  sslmode: SslMode;
  connectTimeoutSec: number;
  passwordMode?: PasswordMode;
  /** Whether the attempt that failed used TLS. */
  encrypted?: boolean;
  /** The failure came after the session was established (a query, not the connect). */
  afterConnect?: boolean;
}

export interface ConnectionFailure {
  reason: ConnectionFailureReason;
  message: string;
  /** The technical text (codes, the server's own words), for a "details" toggle and the log. */
  detail?: string;
}

interface ErrorLike {
  message?: string;
  code?: string;
  severity?: string;
  detail?: string;
  hint?: string;
  reason?: string;
  cause?: unknown;
  errors?: unknown[];
  fields?: Record<string, string>;
  cert?: { subjectaltname?: string; subject?: { CN?: string } };
}

const untrustedCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'CERT_CHAIN_TOO_LONG',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'ERR_TLS_CERT_SIGNATURE_ALGORITHM_UNSUPPORTED',
]);

const timeoutMessages = new Set([
  'timeout expired',
  'Connection terminated due to connection timeout',
  'Query read timeout',
]);

/** The most telling error inside wrappers (pg-pool's timeout error, Node's AggregateError for dual-stack hosts). */
function innermost(error: unknown): ErrorLike {
  let err = (error ?? {}) as ErrorLike;
  for (let depth = 0; depth < 5; depth++) {
    if (Array.isArray(err.errors) && err.errors.length > 0 && !err.code) {
      err = err.errors[err.errors.length - 1] as ErrorLike;
    } else if (err.cause && typeof err.cause === 'object' && !timeoutMessages.has(err.message ?? '')) {
      err = err.cause as ErrorLike;
    } else break;
  }
  return err;
}

function technical(err: ErrorLike): string {
  const parts = [err.code ? `${err.code}: ${err.message ?? ''}` : (err.message ?? String(err))];
  if (err.reason && err.reason !== err.message) parts.push(err.reason);
  if (err.detail) parts.push(`DETAIL: ${err.detail}`);
  if (err.hint) parts.push(`HINT: ${err.hint}`);
  return parts.join('\n');
}

export function describeConnectionFailure(error: unknown, ctx: FailureContext): ConnectionFailure {
  if (error instanceof SshTunnelError) {
    return {
      reason: error.reason,
      message: error.message,
      ...(error.detail ? { detail: error.detail } : {}),
    };
  }
  const outer = (error ?? {}) as ErrorLike;
  const err = timeoutMessages.has(outer.message ?? '') ? outer : innermost(error);
  const message = err.message ?? String(error);
  const detail = technical(err);
  const socket = ctx.host.startsWith('/');
  const where = socket ? `the socket ${ctx.host}/.s.PGSQL.${ctx.port}` : `${ctx.host}:${ctx.port}`;
  const out = (reason: ConnectionFailureReason, text: string): ConnectionFailure => ({
    reason,
    message: text,
    detail,
  });

  if (error instanceof AppError) {
    const fileField = Object.keys(error.fields ?? {}).some((f) =>
      ['sslRootCert', 'sslCert', 'sslKey'].includes(f),
    );
    return {
      reason: fileField ? 'cert_file_unreadable' : 'unknown',
      message: error.message,
      detail: error.detail,
    };
  }

  if (err.code === 'TIDEMARK_NO_PASSWORD') return out('no_password', message);
  if (err.code === 'TIDEMARK_CLEARTEXT_REFUSED') {
    return out(
      'cleartext_refused',
      `The server at ${where} asked for the password in clear text (pg_hba.conf method "password") over a connection ` +
        `whose server is not verified (sslmode ${ctx.sslmode}), so Tidemark did not send it. ` +
        "Use sslmode verify-full with the server's CA certificate, or have the server ask for scram-sha-256. " +
        'If you trust every network between here and the server, allow cleartext passwords in the profile.',
    );
  }
  if (/client password must be a (non-empty )?string|Password must be a string/i.test(message)) {
    return out(
      'no_password',
      `The server asks for a password for user "${ctx.user}", but no password is stored and none was found in ~/.pgpass.`,
    );
  }

  // Errors the server sent (SQLSTATE codes).
  switch (err.code) {
    case SqlState.invalidPassword:
      return out(
        'auth_failed',
        `Password authentication failed for user "${ctx.user}" on ${where}. ` +
          (ctx.passwordMode === 'pgpass'
            ? 'The password came from .pgpass: check that line.'
            : 'Check the password (and the user name).'),
      );
    case SqlState.invalidAuthorization: {
      if (/role .* does not exist/i.test(message)) {
        return out('role_missing', `The role "${ctx.user}" does not exist on ${where}. Check the user name.`);
      }
      if (/no encryption/i.test(message) && !ctx.encrypted && ctx.sslmode === 'disable') {
        return out(
          'ssl_required',
          `The server requires SSL for this connection (its pg_hba.conf refuses it unencrypted). Set sslmode to prefer, require or stricter.`,
        );
      }
      if (/certificate authentication failed/i.test(message)) {
        return out(
          'hba_rejected',
          `The server rejected the client certificate for user "${ctx.user}": its common name (CN) must be the user name, or mapped to it in pg_ident.conf.`,
        );
      }
      return out(
        'hba_rejected',
        `The server's pg_hba.conf does not let user "${ctx.user}" connect to database "${ctx.database}" from this machine` +
          `${ctx.encrypted ? ' over SSL' : ' without SSL'}. Ask for a pg_hba.conf entry for this host and user.`,
      );
    }
    case SqlState.invalidCatalogName:
      return out(
        'database_missing',
        `The database "${ctx.database}" does not exist on ${where}. Check its name.`,
      );
    case SqlState.tooManyConnections:
      return out(
        'too_many_connections',
        `${where} refused a new connection: ${message}. Close idle sessions, or raise max_connections or the role's connection limit.`,
      );
    case SqlState.cannotConnectNow:
      return out(
        'server_starting',
        `The server at ${where} is not accepting connections right now (${message}). Try again in a moment.`,
      );
    case SqlState.insufficientPrivilege:
      if (/permission denied for database/i.test(message)) {
        return out(
          'unknown',
          `User "${ctx.user}" may not connect to database "${ctx.database}": GRANT CONNECT ON DATABASE to it.`,
        );
      }
      break;
  }

  // TLS.
  if (message === 'The server does not support SSL connections') {
    return out(
      'ssl_unsupported',
      `${where} does not accept SSL connections, but sslmode "${ctx.sslmode}" requires SSL. ` +
        'Turn ssl on at the server, or choose sslmode prefer or disable.',
    );
  }
  if (message === 'There was an error establishing an SSL connection') {
    return out(
      'ssl_unsupported',
      `${where} gave an unexpected answer to the SSL request. Is this a PostgreSQL server (and not, say, a proxy for something else)?`,
    );
  }
  if (err.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = err.cert?.subjectaltname ? ` (it names ${err.cert.subjectaltname})` : '';
    return out(
      'hostname_mismatch',
      `The server's certificate is not issued for "${ctx.host}"${names}. Connect with a host name the certificate lists, ` +
        `or have the server's certificate reissued to name "${ctx.host}".`,
    );
  }
  if (err.code && untrustedCodes.has(err.code)) {
    const fix = 'Set the CA (root) certificate file to the CA that signed the server certificate.';
    switch (err.code) {
      case 'CERT_HAS_EXPIRED':
        return out('certificate_untrusted', `The server's certificate has expired. Renew it on the server.`);
      case 'CERT_NOT_YET_VALID':
        return out(
          'certificate_untrusted',
          `The server's certificate is not valid yet. Check this computer's clock and the server's.`,
        );
      case 'CERT_REVOKED':
        return out('certificate_untrusted', `The server's certificate has been revoked.`);
      default:
        return out(
          'certificate_untrusted',
          `The server's certificate is not trusted (${err.code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ? 'it is self-signed' : 'its CA is not trusted'}). ${fix}`,
        );
    }
  }
  if (err.code?.startsWith('ERR_SSL_') && /ALERT/.test(err.code)) {
    return out(
      'unknown',
      `The server ended the SSL handshake (${err.code}). If it asks for a client certificate, set the client certificate and key files.`,
    );
  }

  // The network.
  if (timeoutMessages.has(message) || err.code === 'ETIMEDOUT') {
    return out(
      'timeout',
      ctx.afterConnect
        ? `${where} stopped answering: no reply within ${ctx.connectTimeoutSec} s. The connection was closed.`
        : `No answer from ${where} within ${ctx.connectTimeoutSec} s. The server may be down or overloaded, or a firewall may be dropping the connection.`,
    );
  }
  switch (err.code) {
    case 'ECONNREFUSED':
    case 'ENOENT':
      return out(
        'refused',
        socket
          ? `No server is listening on ${where}. Is the server running, and is this its socket directory and port?`
          : `Connection refused by ${where}. Is the server running and listening on ${ctx.host}:${ctx.port}? Check listen_addresses and port in postgresql.conf, and any firewall.`,
      );
    case 'EACCES':
      return out('refused', `Permission denied opening ${where}.`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return out(
        'refused',
        `No network route to ${ctx.host}. Check the address, the VPN or the network connection.`,
      );
    case 'ENOTFOUND':
      return out(
        'host_not_found',
        `The host name "${ctx.host}" could not be found. Check its spelling (and DNS).`,
      );
    case 'EAI_AGAIN':
      return out(
        'host_not_found',
        `The host name "${ctx.host}" could not be looked up right now: DNS did not answer. Check the network connection.`,
      );
  }
  if (message === 'Connection terminated unexpectedly' || err.code === 'ECONNRESET' || err.code === 'EPIPE') {
    return out(
      'unknown',
      `${where} closed the connection ${ctx.afterConnect ? 'unexpectedly' : 'during start-up'}. Check the server log; a pooler or proxy in between may have refused it.`,
    );
  }
  return out('unknown', `Could not connect to ${where}: ${message}`);
}

/** An AppError carrying the failure category, for callers that show a status (e.g. the sidebar dot). */
export class ConnectionFailedError extends AppError {
  constructor(readonly failure: ConnectionFailure) {
    super('connection_failed', failure.message, undefined, failure.detail);
    this.name = 'ConnectionFailedError';
  }
}
