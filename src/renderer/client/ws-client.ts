import type { Channel, EventMessage, RequestOf, ResponseOf } from '../../shared/contract';
import type { HostClientMessage, HostServerMessage } from '../../shared/host-protocol';
import type { Result } from '../../shared/result';
import { LOST_CONNECTION_MESSAGE, toEvent, toResult, transportError } from './envelope';
import type { ConnectionState, RendererClient } from './types';

/** The part of the browser's WebSocket the client uses (a fake in unit tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

const OPEN = 1;

export interface WebSocketClientOptions {
  /** Full `ws://127.0.0.1:PORT/ws?token=T` address. */
  url: string;
  /** First reconnect delay; doubles on every failed attempt up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** How long an invocation made while disconnected waits for the socket before it fails. */
  waitForOpenMs?: number;
  /** Failed reconnects in a row before the state says 'unreachable'. */
  unreachableAfter?: number;
  createSocket?: (url: string) => SocketLike;
}

type Pending = { resolve: (result: Result<unknown>) => void };
type Waiting = {
  message: HostClientMessage;
  resolve: (result: Result<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
};

/**
 * Browser mode: one WebSocket to the local host carrying the same envelopes as
 * IPC. Reconnects with backoff when the socket drops; requests still waiting
 * for an answer at that moment fail with an error envelope instead of hanging.
 */
export function createWebSocketClient(options: WebSocketClientOptions): RendererClient {
  const initialDelayMs = options.initialDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const waitForOpenMs = options.waitForOpenMs ?? 15_000;
  const unreachableAfter = options.unreachableAfter ?? 4;
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);

  let socket: SocketLike | null = null;
  let state: ConnectionState = 'connecting';
  let attempt = 0;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const waiting = new Set<Waiting>();
  const eventListeners = new Set<(message: EventMessage) => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  }

  function send(ws: SocketLike, message: HostClientMessage, resolve: Pending['resolve']): void {
    pending.set(message.id, { resolve });
    try {
      ws.send(JSON.stringify(message));
    } catch (err) {
      pending.delete(message.id);
      resolve(transportError(LOST_CONNECTION_MESSAGE, err instanceof Error ? err.message : String(err)));
    }
  }

  function onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: HostServerMessage;
    try {
      message = JSON.parse(data) as HostServerMessage;
    } catch {
      return;
    }
    if (message.type === 'result') {
      const entry = pending.get(message.id);
      if (!entry) return;
      pending.delete(message.id);
      entry.resolve(toResult(message.result));
    } else if (message.type === 'event') {
      const event = toEvent(message.message);
      if (!event) return;
      for (const listener of eventListeners) listener(event);
    }
  }

  function connect(): void {
    const ws = createSocket(options.url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setState('open');
      for (const entry of waiting) {
        clearTimeout(entry.timer);
        send(ws, entry.message, entry.resolve);
      }
      waiting.clear();
    };
    ws.onmessage = (event) => onMessage(event.data);
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      // Whatever was on the wire will never be answered by this socket.
      const lost = [...pending.values()];
      pending.clear();
      for (const entry of lost) entry.resolve(transportError(LOST_CONNECTION_MESSAGE));
      setState(attempt >= unreachableAfter ? 'unreachable' : 'reconnecting');
      const base = Math.min(maxDelayMs, initialDelayMs * 2 ** attempt);
      attempt += 1;
      setTimeout(connect, base / 2 + Math.random() * (base / 2));
    };
  }

  connect();

  return {
    invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
      return new Promise((resolve) => {
        const done = resolve as (result: Result<unknown>) => void;
        const message: HostClientMessage = { type: 'invoke', id: nextId++, channel, request };
        if (socket && socket.readyState === OPEN) {
          send(socket, message, done);
          return;
        }
        const entry: Waiting = {
          message,
          resolve: done,
          timer: setTimeout(() => {
            waiting.delete(entry);
            done(
              transportError(
                'Tidemark is not reachable. Check that it is still running (the terminal where you started it), then try again.',
              ),
            );
          }, waitForOpenMs),
        };
        waiting.add(entry);
      });
    },
    subscribe(listener) {
      eventListeners.add(listener);
      return () => {
        eventListeners.delete(listener);
      };
    },
    connectionState: () => state,
    onConnectionChange(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },
    // Browser mode: the host has no desktop to notify; the page uses the browser's own means.
    capabilities: { desktopNotifications: false, badge: false },
  };
}
