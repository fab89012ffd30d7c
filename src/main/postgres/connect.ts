import { TLSSocket } from 'node:tls';
import type pg from 'pg';
import type { SslMode } from '../../shared/profile';
import type { ConnectAttempt } from './client-config';
import { shouldTryNextAttempt } from './tls';

/** Single-client connects (used by the connection test), with libpq's allow/prefer fallback. */

export type ConnectOutcome =
  | { ok: true; client: pg.Client; attempt: ConnectAttempt }
  | { ok: false; error: unknown; attempt: ConnectAttempt };

/**
 * Connects with the first attempt that works, falling back only where libpq
 * would, then runs the session setup. The client is already guarded against
 * 'error' events (a dropped socket must not crash the process).
 */
export async function connectClient(attempts: ConnectAttempt[], sslmode: SslMode): Promise<ConnectOutcome> {
  let last: ConnectOutcome | undefined;
  for (const [index, attempt] of attempts.entries()) {
    const client = new attempt.Client(attempt.config);
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (error) {
      await closeClient(client);
      last = { ok: false, error, attempt };
      if (index + 1 < attempts.length && shouldTryNextAttempt(sslmode, error)) continue;
      return last;
    }
    try {
      await client.query(attempt.setupSql);
    } catch (error) {
      await closeClient(client);
      return { ok: false, error, attempt };
    }
    return { ok: true, client, attempt };
  }
  return last as ConnectOutcome;
}

const socketOf = (client: pg.ClientBase) =>
  (client as unknown as { connection?: { stream?: import('node:stream').Duplex } }).connection?.stream;

/** Ends a client politely, and cuts the socket if the server does not answer (a black-holed host). */
export async function closeClient(client: pg.ClientBase, graceMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = (client as pg.Client).end().catch(() => {});
  const cut = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      socketOf(client)?.destroy();
      resolve();
    }, graceMs);
    timer.unref();
  });
  await Promise.race([ended, cut]);
  clearTimeout(timer);
}

/** TLS facts about our own connection, read from the socket pg uses. */
export function socketTls(client: pg.ClientBase): {
  inUse: boolean;
  version: string | null;
  cipher: string | null;
} {
  const stream = socketOf(client);
  if (stream instanceof TLSSocket) {
    return { inUse: true, version: stream.getProtocol() ?? null, cipher: stream.getCipher()?.name ?? null };
  }
  return { inUse: false, version: null, cipher: null };
}

export function hasInspectableSocket(client: pg.ClientBase): boolean {
  return socketOf(client) !== undefined;
}
