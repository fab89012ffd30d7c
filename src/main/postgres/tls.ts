import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import tls, { type ConnectionOptions } from 'node:tls';
import type { SslMode } from '../../shared/profile';
import { AppError } from '../errors';
import { osReason } from './os-reason';
import { hasSqlState, SqlState } from './sqlstate';

/**
 * TLS options with libpq's meaning of sslmode. node-postgres reads
 * prefer/require/verify-ca from a connection string as verify-full, so we never
 * hand pg a connection string: we build the `ssl` object ourselves.
 *
 *   disable      plain text only
 *   allow        plain text first; TLS (unverified) if the server refuses plain text
 *   prefer       TLS (unverified) first; plain text if the server has no SSL
 *   require      TLS, not verified, unless a root certificate file exists (then as verify-ca, like libpq)
 *   verify-ca    TLS, the chain must lead to the root certificate; the host name is not checked
 *   verify-full  TLS, chain and host name
 *
 * The root certificate is sslRootCert, else ~/.postgresql/root.crt if present.
 * verify-ca and verify-full refuse to start without one, as libpq does, unless
 * sslrootcert is "system" (verify-full only): then the system's trusted CAs.
 * Client certificate and key come from sslCert/sslKey, else
 * ~/.postgresql/postgresql.crt/.key as in libpq. Unix sockets never use TLS
 * (libpq ignores sslmode there too).
 */

export interface TlsFields {
  host: string;
  sslmode: SslMode;
  sslRootCert?: string | undefined;
  sslCert?: string | undefined;
  sslKey?: string | undefined;
}

/** `false` = plain text; otherwise the options for tls.connect. */
export type SslSetting = false | ConnectionOptions;

export interface TlsPlan {
  /** What to try, in order: libpq's allow and prefer have a second try. */
  attempts: SslSetting[];
  /** How the server's certificate is checked when TLS is used. */
  verification: 'none' | 'chain' | 'chain and host name';
}

export interface TlsEnvironment {
  /** Where ~/.postgresql is looked for (default: the OS home). */
  home?: string;
}

type FileField = 'sslRootCert' | 'sslCert' | 'sslKey';

const fieldWords: Record<FileField, string> = {
  sslRootCert: 'CA (root) certificate',
  sslCert: 'client certificate',
  sslKey: 'client key',
};

function fileError(field: FileField, message: string): never {
  throw new AppError('invalid_input', message, { [field]: message });
}

function expandHome(path: string, home: string): string {
  return path === '~' || path.startsWith('~/') ? join(home, path.slice(1)) : path;
}

function readPem(field: FileField, path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return fileError(field, `Cannot read the ${fieldWords[field]} file ${path}: ${osReason(error)}.`);
  }
  if (field === 'sslKey') {
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
      fileError(
        field,
        `${path} is not a PEM private key (it should contain "-----BEGIN … PRIVATE KEY-----").`,
      );
    }
    if (/ENCRYPTED/.test(text)) {
      fileError(
        field,
        `${path} is encrypted with a passphrase, which Tidemark cannot use. Decrypt a copy: openssl pkey -in ${path} -out client.key`,
      );
    }
  } else if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    fileError(field, `${path} is not a PEM certificate (it should contain "-----BEGIN CERTIFICATE-----").`);
  }
  return text;
}

/**
 * libpq's refusals about the root certificate, before any file is read:
 * sslrootcert=system with less than verify-full, and verify-ca or verify-full
 * with no root certificate at all (no sslRootCert, no ~/.postgresql/root.crt).
 */
export function rootCertProblem(fields: TlsFields, env: TlsEnvironment = {}): string | undefined {
  const { sslmode } = fields;
  if (sslmode === 'disable' || isSocket(fields.host)) return undefined;
  if (fields.sslRootCert === 'system') {
    return sslmode === 'verify-full'
      ? undefined
      : `sslrootcert "system" trusts every public CA, so libpq only allows it with verify-full; sslmode is ${sslmode}.`;
  }
  if ((sslmode !== 'verify-ca' && sslmode !== 'verify-full') || fields.sslRootCert) return undefined;
  const defaultFile = join(env.home ?? homedir(), '.postgresql', 'root.crt');
  if (existsSync(defaultFile)) return undefined;
  return (
    `root certificate file "${defaultFile}" does not exist: sslmode ${sslmode} needs the CA certificate ` +
    'that signed the server certificate. Set the CA (root) certificate file' +
    (sslmode === 'verify-full' ? ', or sslrootcert "system" to trust the system\'s CAs.' : '.')
  );
}

/**
 * The system's trusted CAs for sslrootcert=system: the OS store where this
 * Node can read it, else Node's bundled public CAs (what tls uses without `ca`).
 */
function systemCas(): string[] | undefined {
  const read = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  if (!read) return undefined;
  return [...read('system'), ...read('bundled')];
}

/** The file given in the profile, else libpq's default under ~/.postgresql if it exists. */
function chooseFile(given: string | undefined, fallback: string, home: string): string | undefined {
  if (given) return expandHome(given, home);
  return existsSync(fallback) ? fallback : undefined;
}

const isSocket = (host: string) => host.startsWith('/');

/**
 * Builds the TLS attempts for a profile. Throws AppError('invalid_input') with a
 * field error when a certificate or key file cannot be used.
 */
export function planTls(fields: TlsFields, env: TlsEnvironment = {}): TlsPlan {
  const { sslmode } = fields;
  if (sslmode === 'disable' || isSocket(fields.host)) return { attempts: [false], verification: 'none' };

  const home = env.home ?? homedir();
  const dotDir = join(home, '.postgresql');

  const rootProblem = rootCertProblem(fields, env);
  if (rootProblem) fileError('sslRootCert', rootProblem);
  const system = fields.sslRootCert === 'system';
  const rootFile = system ? undefined : chooseFile(fields.sslRootCert, join(dotDir, 'root.crt'), home);
  const ca = rootFile ? readPem('sslRootCert', rootFile) : system ? systemCas() : undefined;

  const certFile = chooseFile(fields.sslCert, join(dotDir, 'postgresql.crt'), home);
  const keyFile = chooseFile(fields.sslKey, join(dotDir, 'postgresql.key'), home);
  if (certFile && !keyFile) {
    fileError('sslKey', `The client certificate ${certFile} needs its private key: set the client key file.`);
  }
  if (keyFile && !certFile) {
    fileError('sslCert', `The client key ${keyFile} needs its certificate: set the client certificate file.`);
  }
  const client: ConnectionOptions =
    certFile && keyFile ? { cert: readPem('sslCert', certFile), key: readPem('sslKey', keyFile) } : {};

  const unverified: ConnectionOptions = { ...client, rejectUnauthorized: false };
  const chain: ConnectionOptions = {
    ...client,
    ...(ca ? { ca } : {}),
    rejectUnauthorized: true,
    // verify-ca: the chain is checked, the name in the certificate is not.
    checkServerIdentity: () => undefined,
  };
  const full: ConnectionOptions = { ...client, ...(ca ? { ca } : {}), rejectUnauthorized: true };

  switch (sslmode) {
    case 'allow':
      return { attempts: [false, unverified], verification: 'none' };
    case 'prefer':
      return { attempts: [unverified, false], verification: 'none' };
    case 'require':
      return ca
        ? { attempts: [chain], verification: 'chain' }
        : { attempts: [unverified], verification: 'none' };
    case 'verify-ca':
      return { attempts: [chain], verification: 'chain' };
    case 'verify-full':
      return { attempts: [full], verification: 'chain and host name' };
  }
}

/**
 * Whether a failed first attempt should be retried with the second one:
 * prefer → plain text when the server has no SSL (or the handshake itself fails);
 * allow → TLS when pg_hba.conf refused the plain-text connection.
 */
export function shouldTryNextAttempt(sslmode: SslMode, error: unknown): boolean {
  const err = error as { message?: string; code?: string };
  const message = err?.message ?? '';
  if (sslmode === 'prefer') {
    return (
      message === 'The server does not support SSL connections' ||
      (typeof err?.code === 'string' && (err.code.startsWith('ERR_SSL_') || err.code === 'EPROTO'))
    );
  }
  if (sslmode === 'allow')
    return hasSqlState(error, SqlState.invalidAuthorization) && /no encryption/i.test(message);
  return false;
}
