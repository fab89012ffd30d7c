import net from 'node:net';

/**
 * A TCP proxy the test controls, to play the network faults a DBA's laptop meets:
 * - 'forward': pass bytes both ways;
 * - 'blackhole': accept connections and never answer (bytes are swallowed in
 *   both directions, also on connections that were already open), like a
 *   firewall that drops packets or a server that hangs;
 * - dropAll(): cut every open connection at once (a reset, not a clean close).
 *
 * `refuseSsl` answers PostgreSQL's SSLRequest/GSSENCRequest with 'N' itself, the
 * way a server built or configured without SSL does, so the target looks like a
 * plain-text-only server.
 *
 * `delayMs` holds every chunk that long each way (a round trip gains twice it),
 * like the SSH tunnel to a server in another data centre.
 */
export type ProxyMode = 'forward' | 'blackhole';

export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  mode: ProxyMode;
  /** Connections currently open on the client side. */
  openConnections(): number;
  /** Destroys every open connection (both sides). */
  dropAll(): void;
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  mode?: ProxyMode;
  refuseSsl?: boolean;
  delayMs?: number;
}

const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;

export async function startTcpProxy(
  target: { host: string; port: number },
  options: TcpProxyOptions = {},
): Promise<TcpProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket | null }>();
  const state = { mode: options.mode ?? 'forward' };
  const delay = options.delayMs ?? 0;
  // Timers of the same delay fire in the order they were set: the stream stays in order.
  const later = (fn: () => void) => (delay > 0 ? void setTimeout(fn, delay) : fn());

  // allowHalfOpen: a black hole must not answer our FIN either, so the kernel-level
  // close handshake never completes (as with a firewall that drops everything).
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const pair: { client: net.Socket; upstream: net.Socket | null } = { client, upstream: null };
    pairs.add(pair);
    client.on('error', () => {});
    client.on('close', () => {
      pairs.delete(pair);
      pair.upstream?.destroy();
    });
    if (state.mode === 'blackhole') {
      // Read and discard so the client's writes succeed, and never reply.
      client.on('data', () => {});
      return;
    }

    let pending = Buffer.alloc(0);
    let negotiating = options.refuseSsl === true;
    const upstream = net.connect({ port: target.port, host: target.host, allowHalfOpen: true });
    pair.upstream = upstream;
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => {
      if (state.mode === 'forward') client.destroy();
    });
    upstream.on('end', () => {
      if (state.mode === 'forward') later(() => client.end());
    });
    client.on('end', () => {
      if (state.mode === 'forward') later(() => upstream.end());
    });
    upstream.on('data', (chunk) => {
      if (state.mode === 'forward') later(() => client.write(chunk));
    });
    client.on('data', (chunk) => {
      if (state.mode !== 'forward') return;
      if (!negotiating) {
        later(() => upstream.write(chunk));
        return;
      }
      pending = Buffer.concat([pending, chunk]);
      const flush = () => {
        negotiating = false;
        if (pending.length > 0) upstream.write(pending);
        pending = Buffer.alloc(0);
      };
      // Negotiation requests are exactly 8 bytes: length 8, then the request code.
      for (;;) {
        if (pending.length < 4) return;
        if (pending.readInt32BE(0) !== 8) return flush();
        if (pending.length < 8) return;
        const code = pending.readInt32BE(4);
        if (code !== SSL_REQUEST_CODE && code !== GSSENC_REQUEST_CODE) return flush();
        client.write('N');
        pending = pending.subarray(8);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;

  const dropAll = () => {
    for (const pair of pairs) {
      pair.client.resetAndDestroy();
      pair.upstream?.destroy();
    }
    pairs.clear();
  };

  return {
    host: '127.0.0.1',
    port: address.port,
    get mode() {
      return state.mode;
    },
    set mode(mode: ProxyMode) {
      state.mode = mode;
    },
    openConnections: () => pairs.size,
    dropAll,
    close: () =>
      new Promise<void>((resolve) => {
        dropAll();
        server.close(() => resolve());
      }),
  };
}
