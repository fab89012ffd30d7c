import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Client } from 'ssh2';
import { shellWord } from '../../shared/plain-text';
import type { TunnelStatus } from '../../shared/profile';
import type { Logger } from '../logger';
import { authHandler, planAuth } from './auth';
import { describeHop, type Hop, resolveHops, type SshEnvironment, type TunnelSpec } from './config';
import { SshTunnelError } from './errors';
import { addKnownHost, checkHostKey, describeHostKey, fingerprintOf } from './known-hosts';

/**
 * One profile's tunnel: a listener on 127.0.0.1:0 whose every connection is
 * forwarded (direct-tcpip) through a chain of SSH sessions to the PostgreSQL
 * server. The listener and its port outlive the sessions: when the chain drops
 * it is opened again, at once and on the next connection, so a pool keeps its
 * address.
 */

export interface TunnelOptions extends SshEnvironment {
  /** Bounds each hop's TCP connect and SSH handshake. */
  connectTimeoutMs: number;
  /** Key passphrase, or the SSH password as a last resort. */
  secret?: string;
  /** A `SHA256:…` fingerprint the DBA accepted for a host seen for the first time. */
  acceptHostKey?: string;
  logger?: Logger;
  now?: () => Date;
}

export interface TunnelTarget {
  host: string;
  port: number;
}

/** Where pg connects instead of the server, and how to wait for the tunnel first. */
export interface TunnelRoute {
  host: string;
  port: number;
  ready(): Promise<void>;
  status(): TunnelStatus;
}

/** Without ServerAliveInterval, OpenSSH sends none; a tunnel must notice a dead bastion, so 30 s. */
const DEFAULT_KEEPALIVE_SEC = 30;

export class SshTunnel {
  private server: Server | undefined;
  private session: Promise<Client[]> | undefined;
  private closed = false;
  private reconnects = 0;
  private state: Omit<TunnelStatus, 'reconnects' | 'localPort'>;
  private readonly now: () => Date;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly spec: TunnelSpec,
    readonly target: TunnelTarget,
    private readonly options: TunnelOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.state = { state: 'down', hops: [], at: this.now().toISOString() };
  }

  /** Starts listening and opens the SSH chain; throws SshTunnelError when the chain cannot be opened. */
  async open(): Promise<TunnelRoute> {
    if (!this.server) {
      const server = createServer((socket) => this.forward(socket));
      this.server = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      server.unref();
    }
    await this.ready();
    return {
      host: '127.0.0.1',
      port: this.localPort() as number,
      ready: () => this.ready(),
      status: () => this.status(),
    };
  }

  /** Resolves once the chain is up, opening it again if it dropped. */
  async ready(): Promise<void> {
    await this.chain();
  }

  status(): TunnelStatus {
    return { ...this.state, reconnects: this.reconnects, localPort: this.localPort() };
  }

  async close(): Promise<void> {
    this.closed = true;
    const session = this.session;
    this.session = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (session) for (const client of await session.catch(() => [])) client.end();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.setState('down', 'closed');
  }

  private localPort(): number | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  private setState(state: TunnelStatus['state'], reason?: string, hops = this.state.hops): void {
    this.state = { state, hops, ...(reason ? { reason } : {}), at: this.now().toISOString() };
  }

  private chain(): Promise<Client[]> {
    if (this.closed) return Promise.reject(new SshTunnelError('ssh_failed', 'The SSH tunnel was closed.'));
    if (!this.session) {
      const opening = this.connect();
      this.session = opening;
      opening.catch(() => {
        if (this.session === opening) this.session = undefined;
      });
    }
    return this.session;
  }

  private async connect(): Promise<Client[]> {
    const env = this.options.env ?? process.env;
    let hops: Hop[];
    try {
      hops = resolveHops(this.spec, this.options);
    } catch (err) {
      this.setState('failed', (err as Error).message);
      throw err;
    }
    this.setState('connecting', undefined, hops.map(describeHop));
    const opened: Client[] = [];
    try {
      let sock: Duplex | undefined;
      for (const [index, hop] of hops.entries()) {
        const client = await this.openHop(hop, sock, env);
        opened.push(client);
        const next = hops[index + 1];
        if (next) sock = await forwardOut(client, next.hostName, next.port, describeHop(next));
      }
    } catch (err) {
      for (const client of opened) client.end();
      this.setState('failed', (err as Error).message);
      throw err;
    }
    const session = opened;
    for (const client of opened) {
      // A hop over a forwarded channel may only see 'end' (the channel half-closes first).
      client.on('end', () => this.dropped(session));
      client.on('close', () => this.dropped(session));
    }
    this.setState('up');
    this.options.logger?.info({ hops: this.state.hops }, 'SSH tunnel up');
    return opened;
  }

  /** A hop closed: end the rest of the chain, and open it again unless the tunnel was closed. */
  private dropped(session: Client[]): void {
    const current = this.session;
    if (!current) return;
    void current.then((clients) => {
      if (clients !== session || this.session !== current) return;
      this.session = undefined;
      for (const client of session) client.end();
      if (this.closed) return;
      this.reconnects++;
      this.setState('down', 'The SSH connection closed; opening it again.');
      this.options.logger?.warn({ hops: this.state.hops }, 'SSH tunnel dropped; reopening');
      const timer = setTimeout(() => void this.chain().catch(() => {}), 500);
      timer.unref();
    });
  }

  private openHop(hop: Hop, sock: Duplex | undefined, env: NodeJS.ProcessEnv): Promise<Client> {
    const plan = planAuth(hop, this.options.secret, env);
    const where = describeHop(hop);
    return new Promise((resolve, reject) => {
      const client = new Client();
      let refused: SshTunnelError | undefined;
      const verify = (key: Buffer): boolean => {
        const verdict = checkHostKey(hop.knownHostsFiles, hop.hostName, hop.port, key);
        const file = hop.knownHostsFiles[0] as string;
        const shown = describeHostKey(hop.hostName, hop.port, key, file);
        if (verdict.kind === 'known') return true;
        if (verdict.kind === 'unknown') {
          if (this.options.acceptHostKey === fingerprintOf(key)) {
            addKnownHost(file, hop.hostName, hop.port, key);
            return true;
          }
          refused = new SshTunnelError(
            'ssh_host_key_unknown',
            `The SSH host ${shown.host} is not in ${file} yet. Its ${shown.keyType} key has the fingerprint ` +
              `${shown.fingerprint}. Compare it with the one your administrator gave you, then trust it.`,
            shown,
          );
          return false;
        }
        refused = new SshTunnelError(
          'ssh_host_key_changed',
          verdict.kind === 'revoked'
            ? `The SSH host ${shown.host} presented a key marked @revoked in ${verdict.file}:${verdict.line}. Refused.`
            : `The SSH host key of ${shown.host} has CHANGED: it presented ${shown.keyType} ${shown.fingerprint}, ` +
                `which is not the key in ${verdict.file}:${verdict.line}. Someone may be intercepting the ` +
                'connection, or the server was reinstalled. Refused; if the change is expected, remove the old ' +
                `line (ssh-keygen -R ${shellWord(shown.host)}) and test again.`,
          shown,
        );
        return false;
      };
      client.once('ready', () => {
        client.removeAllListeners('error');
        client.on('error', (err) =>
          this.options.logger?.warn({ hop: where, error: err.message }, 'SSH error'),
        );
        resolve(client);
      });
      client.once('error', (err: Error & { level?: string }) => {
        client.end();
        if (refused) return reject(refused);
        if (err.level === 'client-authentication') {
          const tried = plan.methods.map((m) => m.type).join(', ') || 'nothing';
          const notes = plan.notes.length > 0 ? ` ${plan.notes.join('; ')}.` : '';
          return reject(
            new SshTunnelError(
              'ssh_failed',
              `SSH login to ${where} was refused (tried: ${tried}).${notes}`,
              undefined,
              err.message,
            ),
          );
        }
        const timedOut = err.level === 'client-timeout' || /timed out/i.test(err.message);
        const code = (err as { code?: string }).code;
        reject(
          new SshTunnelError(
            'ssh_failed',
            timedOut
              ? `The SSH server ${where} did not answer within ${this.options.connectTimeoutMs / 1000} s.`
              : `Could not open SSH to ${where}: ${code ?? err.message}.`,
            undefined,
            err.message,
          ),
        );
      });
      const keepaliveSec = hop.serverAliveIntervalSec || DEFAULT_KEEPALIVE_SEC;
      client.connect({
        ...(sock ? { sock } : { host: hop.hostName, port: hop.port }),
        username: hop.user,
        hostVerifier: verify,
        authHandler: authHandler(plan),
        readyTimeout: this.options.connectTimeoutMs,
        keepaliveInterval: keepaliveSec * 1000,
        keepaliveCountMax: hop.serverAliveCountMax,
      });
    });
  }

  /** One pg connection: wait for the chain, open a channel to the server, pipe both ways. */
  private forward(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    this.chain()
      .then(async (clients) => {
        const last = clients.at(-1) as Client;
        const { host, port } = this.target;
        const stream = host.startsWith('/')
          ? await forwardLocal(last, `${host}/.s.PGSQL.${port}`)
          : await forwardOut(last, host, port, `${host}:${port}`);
        if (socket.destroyed) return stream.destroy();
        stream.on('error', () => socket.destroy());
        socket.pipe(stream).pipe(socket);
        stream.on('close', () => socket.destroy());
        socket.on('close', () => stream.destroy());
      })
      .catch((err: Error) => {
        this.options.logger?.warn({ error: err.message }, 'SSH tunnel could not forward a connection');
        socket.destroy();
      });
  }
}

function forwardOut(client: Client, host: string, port: number, what: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
      if (err) {
        reject(new SshTunnelError('ssh_failed', `The SSH server could not reach ${what}: ${err.message}.`));
      } else resolve(stream);
    });
  });
}

function forwardLocal(client: Client, path: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.openssh_forwardOutStreamLocal(path, (err, stream) => {
      if (err)
        reject(new SshTunnelError('ssh_failed', `The SSH server could not reach ${path}: ${err.message}.`));
      else resolve(stream);
    });
  });
}
