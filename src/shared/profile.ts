import { z } from 'zod';
import { HIDDEN_CHARACTERS } from './plain-text';

/** libpq's sslmode values, with libpq's meaning (see src/main/postgres/tls.ts). */
export const sslModes = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof sslModes)[number];

/**
 * How the password is found at connect time:
 * - store: kept encrypted in the local store
 * - ask: asked for once per app session, never written to disk
 * - pgpass: left unset so ~/.pgpass / PGPASSFILE supplies it, as libpq does
 */
export const passwordModes = ['store', 'ask', 'pgpass'] as const;
export type PasswordMode = (typeof passwordModes)[number];

/**
 * The SSH tunnel's secret (a key file's passphrase, or the SSH password as a last resort):
 * none, kept encrypted like a stored password, or asked once per app session.
 */
export const sshSecretModes = ['none', 'store', 'ask'] as const;
export type SshSecretMode = (typeof sshSecretModes)[number];

/** A host shown reordered or with an invisible character would read as another one. */
const HIDDEN = new RegExp(`[${HIDDEN_CHARACTERS}]`);
const HIDDEN_IN_HOST = 'A host name cannot hold control, text-direction or invisible characters.';

const trimmed = z.string().trim();
const optionalPath = trimmed
  .max(4096)
  .optional()
  .transform((v) => (v ? v : undefined));

const profileFieldValidators = {
  name: trimmed.min(1, 'Give the profile a name.').max(100, 'Keep the name under 100 characters.'),
  host: trimmed
    .min(1, 'Enter the server host name, IP address or socket directory.')
    .max(1024)
    .refine((h) => !/\s/.test(h), 'A host name cannot contain spaces.')
    .refine((h) => !HIDDEN.test(h), HIDDEN_IN_HOST),
  port: z
    .number({ error: 'The port must be a number.' })
    .int('The port must be a whole number.')
    .min(1, 'The port must be between 1 and 65535.')
    .max(65535, 'The port must be between 1 and 65535.'),
  database: trimmed
    .min(1, 'Enter the database to connect to.')
    .max(63, 'PostgreSQL names are at most 63 bytes.'),
  user: trimmed
    .min(1, 'Enter the user name to connect as.')
    .max(63, 'PostgreSQL names are at most 63 bytes.'),
  sslmode: z.enum(sslModes),
  sslRootCert: optionalPath,
  sslCert: optionalPath,
  sslKey: optionalPath,
  connectTimeoutSec: z
    .number({ error: 'The connect timeout must be a number of seconds.' })
    .int()
    .min(1, 'The connect timeout must be at least 1 second.')
    .max(300, 'The connect timeout must be at most 300 seconds.'),
  statementTimeoutMs: z
    .number({ error: 'The statement timeout must be a number of milliseconds.' })
    .int()
    .min(100, 'The statement timeout must be at least 100 ms.')
    .max(3_600_000, 'The statement timeout must be at most one hour.'),
  poolSize: z
    .number({ error: 'The pool size must be a number.' })
    .int()
    .min(1, 'The pool size must be 1 or more.')
    .max(10, 'Tidemark never needs more than 10 sessions on a server.'),
  passwordMode: z.enum(passwordModes),
  /**
   * Send the password in clear text (pg_hba.conf method "password") over a
   * connection whose server is not verified (anything but verify-ca/verify-full).
   * Off unless set: like libpq's require_auth=!password, except over a verified link.
   */
  allowCleartextPassword: z.boolean({ error: 'Allowing cleartext passwords is on or off (true or false).' }),
  /** Only with passwordMode 'store': a new password to store. Omitted = keep the stored one. */
  password: z.string().max(1024).optional(),
  /** Groups to filter and fold the fleet by ("prod", "staging", "team-billing"); duplicates dropped. */
  tags: z
    .array(
      trimmed
        .min(1, 'A tag cannot be empty.')
        .max(40, 'Keep a tag under 40 characters.')
        .regex(/^[\p{L}\p{N}_.:/+-]+$/u, 'A tag is letters, digits and _ . : / + - (no spaces).'),
    )
    .max(20, 'A profile takes at most 20 tags.')
    .transform((tags) => [...new Set(tags)]),
  /**
   * Size of the volume the server's data directory is on, as the DBA knows it:
   * PostgreSQL cannot tell free space without an extension. Null = not given.
   */
  diskBytes: z
    .number({ error: 'The disk size must be a number of bytes.' })
    .int('The disk size must be a whole number of bytes.')
    .positive('The disk size must be above 0.')
    .max(Number.MAX_SAFE_INTEGER, 'The disk size is too large.')
    .nullable(),
  /**
   * SSH tunnel: a Host alias from ~/.ssh/config or a host name; unset = connect directly.
   * sshPort and sshUser override what the alias says.
   */
  sshHost: trimmed
    .max(255)
    .refine(
      (h) => !/[\s@]/.test(h) && !h.startsWith('-'),
      'An SSH host is an alias or host name, without spaces.',
    )
    .refine((h) => !HIDDEN.test(h), HIDDEN_IN_HOST)
    .optional()
    .transform((h) => (h ? h : undefined)),
  sshPort: z
    .number({ error: 'The SSH port must be a number.' })
    .int('The SSH port must be a whole number.')
    .min(1, 'The SSH port must be between 1 and 65535.')
    .max(65535, 'The SSH port must be between 1 and 65535.')
    .optional(),
  sshUser: trimmed
    .max(255)
    .refine((u) => !/[\s@]/.test(u), 'An SSH user name has no spaces or @.')
    .refine(
      (u) => !HIDDEN.test(u),
      'An SSH user name cannot hold control, text-direction or invisible characters.',
    )
    .optional()
    .transform((u) => (u ? u : undefined)),
  sshKeyFile: optionalPath,
  sshSecretMode: z.enum(sshSecretModes),
  /** Only with sshSecretMode 'store': a new passphrase (or SSH password) to store. */
  sshSecret: z.string().max(1024).optional(),
};

const v = profileFieldValidators;

/** What the profile form (or the CLI) sends. The password only ever travels renderer → main. */
export const profileInputSchema = z.object({
  ...v,
  sslmode: v.sslmode.default('prefer'),
  connectTimeoutSec: v.connectTimeoutSec.default(10),
  statementTimeoutMs: v.statementTimeoutMs.default(15_000),
  poolSize: v.poolSize.default(2),
  passwordMode: v.passwordMode.default('pgpass'),
  allowCleartextPassword: v.allowCleartextPassword.optional(),
  tags: v.tags.default([]),
  diskBytes: v.diskBytes.default(null),
  sshSecretMode: v.sshSecretMode.default('none'),
});
export type ProfileInput = z.input<typeof profileInputSchema>;
export type ProfileFields = z.output<typeof profileInputSchema>;

/**
 * Only what a pasted URI or a service file actually said: no defaults filled in.
 * A parsed URI echoes a password the DBA pasted (their own input, never a stored one).
 */
export const profileDraftSchema = z.object(v).partial();
export type ProfileDraft = z.infer<typeof profileDraftSchema>;

/** A profile as the renderer sees it: never the password, only whether one is stored. */
export const profileSchema = profileInputSchema.omit({ password: true, sshSecret: true }).extend({
  id: z.string(),
  hasStoredPassword: z.boolean(),
  hasStoredSshSecret: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Deleted with "keep history": not watched, no secrets, its history readable until deleted for good. */
  archivedAt: z.string().optional(),
});
export type Profile = z.infer<typeof profileSchema>;

/** A candidate found in pg_service.conf or .pgpass, not yet saved. */
export const profileCandidateSchema = z.object({
  source: z.enum(['pg_service', 'pgpass']),
  /** Unique within one discovery: the service name, or the .pgpass line. */
  label: z.string(),
  /** Never a password: one read from pg_service.conf stays in main, see `hasPassword`. */
  input: profileDraftSchema.omit({ password: true }),
  /** pg_service.conf holds a password for it; `profiles:import` stores it. */
  hasPassword: z.boolean(),
  /** Why it cannot be imported as is (e.g. wildcard host in .pgpass). */
  problem: z.string().optional(),
});
export type ProfileCandidate = z.infer<typeof profileCandidateSchema>;

/** A host key the DBA is asked to trust (first use), or that was refused (changed). */
export const sshHostKeySchema = z.object({
  /** How known_hosts names it: `host` or `[host]:port`. */
  host: z.string(),
  keyType: z.string(),
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  fingerprint: z.string(),
  knownHostsFile: z.string(),
});
export type SshHostKey = z.infer<typeof sshHostKeySchema>;

export const tunnelStates = ['connecting', 'up', 'down', 'failed'] as const;

/** A profile's SSH tunnel as the Connection page and `profiles test` show it. */
export const tunnelStatusSchema = z.object({
  state: z.enum(tunnelStates),
  /** The hops in order, e.g. ["admin@bastion:22", "postgres@db1:22"]. */
  hops: z.array(z.string()),
  /** Why it failed or went down. */
  reason: z.string().optional(),
  /** The local end pg connects to, while open. */
  localPort: z.number().optional(),
  /** How many times it was opened again after dropping. */
  reconnects: z.number(),
  at: z.string(),
});
export type TunnelStatus = z.infer<typeof tunnelStatusSchema>;

export const connectionReportSchema = z.object({
  serverVersion: z.string(),
  serverVersionNum: z.number(),
  database: z.string(),
  user: z.string(),
  hasPgMonitor: z.boolean(),
  isSuperuser: z.boolean(),
  inRecovery: z.boolean(),
  timescaledb: z.object({
    /** Offered by the server (pg_available_extensions). */
    availableVersion: z.string().nullable(),
    /** Created in this database (pg_extension). */
    installedVersion: z.string().nullable(),
  }),
  ssl: z.object({
    inUse: z.boolean(),
    version: z.string().nullable(),
    cipher: z.string().nullable(),
  }),
  latencyMs: z.number(),
  testedAt: z.string(),
  /** Present when the profile goes through an SSH tunnel. */
  tunnel: tunnelStatusSchema.optional(),
});
export type ConnectionReport = z.infer<typeof connectionReportSchema>;

/** Why a connection failed, in categories a DBA recognises. */
export const connectionFailureReasons = [
  'refused',
  'timeout',
  'host_not_found',
  'auth_failed',
  'no_password',
  'ssl_required',
  'ssl_unsupported',
  'certificate_untrusted',
  'hostname_mismatch',
  'database_missing',
  'role_missing',
  'hba_rejected',
  'too_many_connections',
  'server_starting',
  'cert_file_unreadable',
  'cleartext_refused',
  /** The SSH tunnel could not be opened (see the message: auth, network, config). */
  'ssh_failed',
  /** First use of an SSH host: its key is not in known_hosts yet; the DBA may trust it. */
  'ssh_host_key_unknown',
  /** The SSH host's key is not the one known_hosts holds: refused. */
  'ssh_host_key_changed',
  'unknown',
] as const;
export type ConnectionFailureReason = (typeof connectionFailureReasons)[number];

export const connectionTestResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), report: connectionReportSchema }),
  z.object({
    ok: z.literal(false),
    reason: z.enum(connectionFailureReasons),
    message: z.string(),
    detail: z.string().optional(),
    elapsedMs: z.number(),
    /** With ssh_host_key_unknown / ssh_host_key_changed: the key the SSH server presented. */
    hostKey: sshHostKeySchema.optional(),
    tunnel: tunnelStatusSchema.optional(),
  }),
]);
export type ConnectionTestResult = z.infer<typeof connectionTestResultSchema>;

export const profileStatusSchema = z.object({
  profileId: z.string(),
  state: z.enum(['unknown', 'up', 'down']),
  message: z.string().optional(),
  /** Round trip of the heartbeat or test that set this state. */
  latencyMs: z.number().optional(),
  at: z.string(),
});
export type ProfileStatus = z.infer<typeof profileStatusSchema>;
