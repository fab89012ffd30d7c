import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from './types';
import { createWebSocketClient, type SocketLike } from './ws-client';

/** A stand-in for the browser's WebSocket, driven by the test. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

function setup(options: { waitForOpenMs?: number; unreachableAfter?: number } = {}) {
  const sockets: FakeSocket[] = [];
  const states: ConnectionState[] = [];
  const client = createWebSocketClient({
    url: 'ws://127.0.0.1:1/ws?token=t',
    initialDelayMs: 100,
    maxDelayMs: 400,
    ...options,
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
  });
  client.onConnectionChange((state) => states.push(state));
  const last = () => sockets[sockets.length - 1]!;
  return { client, sockets, states, last };
}

describe('the browser-mode WebSocket client', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds requests until the socket opens, then matches answers by id', async () => {
    const { client, last } = setup();
    expect(client.connectionState()).toBe('connecting');
    const answer = client.invoke('profiles:list', {});
    expect(last().sent).toEqual([]);

    last().open();
    expect(last().sent).toEqual([{ type: 'invoke', id: 1, channel: 'profiles:list', request: {} }]);
    last().receive({ type: 'result', id: 1, result: { ok: true, value: [] } });
    await expect(answer).resolves.toEqual({ ok: true, value: [] });
  });

  it('passes on events that match the contract and drops the rest', () => {
    const { client, last } = setup();
    const seen: unknown[] = [];
    client.subscribe((message) => seen.push(message));
    last().open();
    last().receive({
      type: 'event',
      message: { event: 'profiles:changed', payload: { reason: 'created', id: 'a' } },
    });
    last().receive({
      type: 'event',
      message: { event: 'profiles:changed', payload: { reason: 'exploded' } },
    });
    last().receive({ type: 'event', message: { event: 'no:such', payload: {} } });
    expect(seen).toEqual([{ event: 'profiles:changed', payload: { reason: 'created', id: 'a' } }]);
  });

  it('fails requests in flight with an error envelope when the socket drops, then reconnects', async () => {
    const { client, sockets, states, last } = setup();
    last().open();
    const answer = client.invoke('profiles:test', { id: 'a' });
    last().drop();

    const result = await answer;
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('connection_failed');
      expect(result.error.message).toMatch(/connection to Tidemark was lost/);
    }
    expect(client.connectionState()).toBe('reconnecting');

    await vi.advanceTimersByTimeAsync(500);
    expect(sockets).toHaveLength(2);
    last().open();
    expect(client.connectionState()).toBe('open');
    expect(states).toEqual(['open', 'reconnecting', 'open']);
  });

  it('fails a request made while disconnected once it has waited long enough', async () => {
    const { client } = setup({ waitForOpenMs: 1_000 });
    const answer = client.invoke('profiles:list', {});
    await vi.advanceTimersByTimeAsync(1_001);
    const result = await answer;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/not reachable/);
  });

  it('says unreachable after several failed reconnects, and keeps trying', async () => {
    const { client, sockets, last } = setup({ unreachableAfter: 2 });
    last().open();
    last().drop(); // attempt 0
    for (let i = 0; i < 2; i++) {
      await vi.advanceTimersByTimeAsync(1_000);
      last().drop();
    }
    expect(client.connectionState()).toBe('unreachable');
    await vi.advanceTimersByTimeAsync(1_000);
    const count = sockets.length;
    expect(count).toBeGreaterThanOrEqual(4);
    last().open();
    expect(client.connectionState()).toBe('open');
  });
});
