import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, type PostgresInfo, type StartedPostgres, specialRoles } from './servers';

const run = promisify(execFile);

/** Where Debian's packages put a major version's server binaries. */
export function debianBinDir(major: number): string {
  return `/usr/lib/postgresql/${major}/bin`;
}

/**
 * Starts a Debian-packaged PostgreSQL (15 for the suite: a second major
 * version, with pg_partman) in a temporary folder, password-authenticated like
 * the PostgreSQL 18 test server, without TLS. As root it runs as 'postgres'.
 * `.ci/run` installs it (`postgresql-15 postgresql-15-partman`).
 */
export async function startDebianPostgres(major: number): Promise<StartedPostgres> {
  const bin = debianBinDir(major);
  if (!existsSync(join(bin, 'postgres')))
    throw new Error(
      `PostgreSQL ${major} is not installed (${bin}). Install it with ` +
        `\`apt-get install -y postgresql-${major} postgresql-${major}-partman\` (bash .ci/run does).`,
    );
  const root = await mkdtemp(join(tmpdir(), `tidemark-pg${major}-`));
  await chmod(root, 0o777);
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'socket');
  await mkdir(socketDir, { mode: 0o777 });
  await chmod(socketDir, 0o777);
  const asRoot = userInfo().uid === 0;
  const owner = asRoot ? await postgresIds() : null;
  const as = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args);

  const port = await freePort();
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const pwFile = join(root, 'pw');
  await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
  if (owner) await chown(pwFile, owner.uid, owner.gid);

  try {
    await as(join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=scram-sha-256',
      `--pwfile=${pwFile}`,
      '--encoding=UTF8',
      '--no-sync',
    ]);
    const settings = [
      `port = ${port}`,
      `unix_socket_directories = '${socketDir}'`,
      "listen_addresses = '127.0.0.1'",
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
    ];
    const conf = join(dataDir, 'postgresql.conf');
    await writeFile(conf, `${await readFile(conf, 'utf8')}\n${settings.join('\n')}\n`);
    await as(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', join(root, 'log'), '-w', '-t', '60', 'start']);
  } catch (error) {
    const log = await readFile(join(root, 'log'), 'utf8').catch(() => '');
    await rm(root, { recursive: true, force: true });
    throw new Error(
      `Could not start PostgreSQL ${major} for the tests: ${String(error)}\n${log.slice(-3000)}`,
    );
  }

  const info: PostgresInfo = {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    socketDir,
    tlsHostName: 'localhost',
    tls: null,
    roles: specialRoles,
  };
  return {
    info,
    stop: async () => {
      await as(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
  return { uid: await id('-u'), gid: await id('-g') };
}
