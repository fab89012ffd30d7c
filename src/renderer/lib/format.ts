import type { ConnectionFailureReason, PasswordMode, Profile, SslMode } from '../../shared/profile';

/** libpq's meaning of each sslmode, in one line. */
export const sslModeHints: Record<SslMode, string> = {
  disable: 'No SSL. Everything, including the password exchange, travels unencrypted.',
  allow: 'Tries without SSL first and uses it only if the server insists. Not verified.',
  prefer: 'Uses SSL when the server offers it, without checking its certificate (libpq’s default).',
  require: 'Always encrypts, but does not check who the server is.',
  'verify-ca':
    'Encrypts and checks that a trusted CA signed the server certificate; the host name is not checked.',
  'verify-full': 'Encrypts, checks the CA and that the certificate matches the host name. The safest choice.',
};

export const passwordModeLabels: Record<PasswordMode, string> = {
  store: 'Stored encrypted on this computer',
  ask: 'Asked for once each time Tidemark starts',
  pgpass: 'Read from ~/.pgpass (or PGPASSFILE), as psql does',
};

export const failureTitles: Record<ConnectionFailureReason, string> = {
  refused: 'Connection refused',
  timeout: 'Timed out',
  host_not_found: 'Host not found',
  auth_failed: 'Authentication failed',
  no_password: 'No password available',
  ssl_required: 'The server requires SSL',
  ssl_unsupported: 'The server does not support SSL',
  certificate_untrusted: 'Certificate not trusted',
  hostname_mismatch: 'Certificate does not match the host name',
  database_missing: 'Database does not exist',
  role_missing: 'User does not exist',
  hba_rejected: 'Rejected by pg_hba.conf',
  too_many_connections: 'Too many connections',
  server_starting: 'The server is starting up or shutting down',
  cert_file_unreadable: 'A certificate or key file cannot be read',
  unknown: 'The connection failed',
};

/** "18.1" → "PostgreSQL 18.1"; a full version() string is shortened to its first words. */
export function postgresVersionLabel(serverVersion: string): string {
  const v = serverVersion.trim();
  if (/^PostgreSQL\b/i.test(v)) return v.split(/\s+on\s+|,/)[0]!.trim();
  return `PostgreSQL ${v.split(/\s+/)[0]}`;
}

export function endpointOf(p: Pick<Profile, 'host' | 'port' | 'database'>): string {
  const host = p.host.includes(':') && !p.host.startsWith('/') ? `[${p.host}]` : p.host;
  return `${host}:${p.port}/${p.database}`;
}

export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
