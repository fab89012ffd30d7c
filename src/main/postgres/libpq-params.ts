import { type ProfileDraft, type SslMode, sslModes } from '../../shared/profile';

/**
 * libpq connection keywords → profile fields. Shared by the URI / key=value
 * parser and the pg_service.conf reader, so a keyword means the same wherever
 * the DBA wrote it.
 */

export interface MappedParams {
  input: ProfileDraft;
  /** One sentence per keyword Tidemark cannot honour; empty when everything maps. */
  problems: string[];
}

/** Keywords Tidemark accepts and ignores: it sets these itself on every session. */
const managedByTidemark = new Set([
  'application_name',
  'fallback_application_name',
  'options',
  'client_encoding',
  'keepalives',
  'keepalives_idle',
  'keepalives_interval',
  'keepalives_count',
  'tcp_user_timeout',
  'sslcompression',
  'sslsni',
]);

/** Keywords whose only harmless values are the listed ones (anything else changes behaviour we don't have). */
const harmlessOnly: Record<string, string[]> = {
  gssencmode: ['disable', 'prefer'],
  channel_binding: ['disable', 'prefer'],
  target_session_attrs: ['any'],
  load_balance_hosts: ['disable'],
  sslnegotiation: ['postgres'],
  replication: ['0', 'false', 'off', 'no'],
};

const refusedWithReason: Record<string, string> = {
  service: 'service= points into pg_service.conf: use "Import from pg_service.conf" instead.',
  passfile: 'passfile= is not supported: Tidemark reads PGPASSFILE or ~/.pgpass, as libpq does by default.',
  sslpassword: 'sslpassword= is not supported: encrypted client keys cannot be used; decrypt the key file.',
  sslcrl: 'sslcrl= (certificate revocation lists) is not supported.',
  sslcrldir: 'sslcrldir= (certificate revocation lists) is not supported.',
  require_auth: 'require_auth= is not supported.',
  krbsrvname: 'Kerberos/GSSAPI authentication is not supported.',
  gsslib: 'Kerberos/GSSAPI authentication is not supported.',
  gssdelegation: 'Kerberos/GSSAPI authentication is not supported.',
  ssl_min_protocol_version: 'ssl_min_protocol_version= is not supported.',
  ssl_max_protocol_version: 'ssl_max_protocol_version= is not supported.',
  sslcertmode: 'sslcertmode= is not supported.',
  sslkeylogfile: 'sslkeylogfile= is not supported.',
};

function isSslMode(value: string): value is SslMode {
  return (sslModes as readonly string[]).includes(value);
}

function toPort(value: string, problems: string[]): number | undefined {
  if (value.includes(',')) {
    problems.push(`Several ports ("${value}") are not supported: a profile connects to one server.`);
    return undefined;
  }
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    problems.push(`The port "${value}" is not a number between 1 and 65535.`);
    return undefined;
  }
  return Number(value);
}

/**
 * Maps keyword/value pairs (later pairs win, as in libpq) to profile input.
 * Defaults are NOT applied here; see withLibpqDefaults.
 */
export function mapLibpqParams(pairs: Iterable<readonly [string, string]>): MappedParams {
  const input: ProfileDraft = {};
  const problems: string[] = [];
  let hostaddr: string | undefined;
  let requiressl: string | undefined;

  for (const [key, value] of pairs) {
    switch (key) {
      case 'host':
        if (value.includes(',')) {
          problems.push(
            `Several hosts ("${value}") are not supported: a profile connects to one server. Make one profile per host.`,
          );
        } else if (value !== '') {
          input.host = value;
        }
        break;
      case 'hostaddr':
        if (value.includes(',')) problems.push(`Several host addresses ("${value}") are not supported.`);
        else if (value !== '') hostaddr = value;
        break;
      case 'port':
        if (value !== '') {
          const port = toPort(value, problems);
          if (port !== undefined) input.port = port;
        }
        break;
      case 'dbname':
        if (value !== '') input.database = value;
        break;
      case 'user':
        if (value !== '') input.user = value;
        break;
      case 'password':
        if (value !== '') {
          input.password = value;
          input.passwordMode = 'store';
        }
        break;
      case 'sslmode':
        if (isSslMode(value)) input.sslmode = value;
        else problems.push(`sslmode "${value}" is not one of ${sslModes.join(', ')}.`);
        break;
      case 'requiressl':
        requiressl = value;
        break;
      case 'sslrootcert':
        if (value !== '') input.sslRootCert = value;
        break;
      case 'sslcert':
        if (value !== '') input.sslCert = value;
        break;
      case 'sslkey':
        if (value !== '') input.sslKey = value;
        break;
      case 'connect_timeout': {
        if (!/^-?\d+$/.test(value.trim())) {
          problems.push(`connect_timeout "${value}" is not a whole number of seconds.`);
          break;
        }
        const seconds = Number(value.trim());
        // libpq: zero or negative means "wait forever"; Tidemark always bounds the wait, so keep its default.
        if (seconds > 0) input.connectTimeoutSec = seconds;
        break;
      }
      default: {
        if (managedByTidemark.has(key)) break;
        const harmless = harmlessOnly[key];
        if (harmless) {
          if (!harmless.includes(value)) problems.push(`${key}=${value} is not supported.`);
          break;
        }
        const reason = refusedWithReason[key];
        problems.push(
          reason ?? `"${key}" is not a libpq connection parameter Tidemark knows: check its spelling.`,
        );
      }
    }
  }

  // libpq connects to hostaddr and checks the certificate against host. A
  // profile has one address, so only accept hostaddr where that loses nothing.
  if (hostaddr !== undefined) {
    if (input.host === undefined) input.host = hostaddr;
    else if (input.host !== hostaddr) {
      problems.push(
        `Both host (${input.host}) and hostaddr (${hostaddr}) are set; Tidemark connects by host only. Remove one of them.`,
      );
    }
  }
  // requiressl=1 is the pre-7.4 spelling of sslmode=require; sslmode wins when both are given.
  if (requiressl !== undefined && input.sslmode === undefined) {
    if (requiressl === '1') input.sslmode = 'require';
    else if (requiressl === '0') input.sslmode = 'prefer';
    else problems.push(`requiressl "${requiressl}" must be 0 or 1.`);
  }
  return { input, problems };
}

/** libpq's defaults for what was left out: port 5432 and a database named after the user. */
export function withLibpqDefaults(input: ProfileDraft): ProfileDraft {
  const out = { ...input };
  out.port ??= 5432;
  if (out.database === undefined && out.user !== undefined) out.database = out.user;
  return out;
}
