import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real OpenSSH server on loopback for tunnel tests (Debian's openssh-server,
 * /usr/sbin/sshd): its own host key, key-only logins, forwarding allowed, a
 * free high port, everything in a temp folder. Runs in the foreground (-D) as
 * a child of the test, so the test owns its process and its session children.
 */

export interface Sshd {
  host: '127.0.0.1';
  port: number;
  dir: string;
  /** `ssh-ed25519 AAAA…` */
  hostPublicKey: string;
  /** `SHA256:…` as ssh-keygen -l prints it. */
  hostFingerprint: string;
  /** The server's log (LogLevel DEBUG1 names each direct-tcpip channel). */
  log(): string;
  /** Kills the per-connection sshd processes (the sessions), leaving the listener: a dropped tunnel. */
  killSessions(): number;
  stop(): Promise<void>;
}

export interface TestKey {
  path: string;
  publicKey: string;
}

/** A new SSH key pair (ed25519) in dir; encrypted when a passphrase is given. */
export function makeKey(dir: string, name: string, passphrase = ''): TestKey {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', path]);
  return { path, publicKey: readFileSync(`${path}.pub`, 'utf8').trim() };
}

export function fingerprintOfKeyFile(publicKeyPath: string): string {
  return (execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyPath])
    .toString()
    .split(/\s+/)[1] ?? '') as string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.once('data', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** A session is a monitor process and its unprivileged child; both hold the connection. */
function descendantsOf(pid: number): number[] {
  return childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child)]);
}

/** Starts sshd accepting the given public keys; waits until it answers with its banner. */
export async function startSshd(authorizedKeys: string[]): Promise<Sshd> {
  mkdirSync('/run/sshd', { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-sshd-'));
  const hostKey = makeKey(dir, 'host_ed25519');
  writeFileSync(join(dir, 'authorized_keys'), `${authorizedKeys.join('\n')}\n`, { mode: 0o600 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey.path}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'AllowTcpForwarding yes',
      'AllowStreamLocalForwarding yes',
      'UsePAM no',
      'LogLevel DEBUG1',
      '',
    ].join('\n'),
  );
  const logFile = join(dir, 'sshd.log');
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-f', config, '-E', logFile], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  for (let i = 0; i < 100 && !(await accepts(port)); i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host: '127.0.0.1',
    port,
    dir,
    hostPublicKey: hostKey.publicKey.split(' ').slice(0, 2).join(' '),
    hostFingerprint: fingerprintOfKeyFile(`${hostKey.path}.pub`),
    log,
    killSessions() {
      const sessions = childrenOf(child.pid as number);
      for (const pid of descendantsOf(child.pid as number)) killGone(pid);
      return sessions.length;
    },
    async stop() {
      for (const pid of descendantsOf(child.pid as number)) killGone(pid);
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** SIGKILL a session process that may have ended since it was listed (ESRCH: already gone). */
function killGone(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
