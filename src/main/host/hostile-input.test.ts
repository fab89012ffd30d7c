import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningHost, startHost } from '../../../e2e/support/host';
import { ensureBuilt } from '../../../test/support/build';
import { hostileCase } from '../../../test/support/hostile-inputs';
import {
  closeCodeOf,
  encodeFrame,
  type RawWebSocket,
  rawExchange,
  rawWebSocket,
  seededRandom,
} from '../../../test/support/raw-wire';
import type { HostServerMessage } from '../../shared/host-protocol';

/*
 * The real browser-mode process (`node out/main/serve.js`), fed what any web
 * page or local process can send it. Whatever arrives, the process must keep
 * serving: an uncaught exception would end it, and every test checks that it
 * still answers afterwards and reported nothing unexpected.
 */

const FUZZ_SEED = 0x7de3a2c;
const FUZZ_CASES = 160;
/** A bound on the whole run, not an assertion: the loop stops early rather than hang a CI machine. */
const FUZZ_BUDGET_MS = 60_000;
const MAX_MESSAGE_BYTES = 1024 * 1024;

let host: RunningHost;
let dataDir: string;
let port: number;
let token: string;
let origin: string;

beforeAll(async () => {
  ensureBuilt();
  dataDir = mkdtempSync(join(tmpdir(), 'tidemark-hostile-'));
  host = await startHost({ dataDir });
  const url = new URL(host.url);
  port = Number(url.port);
  token = url.searchParams.get('token') ?? '';
  origin = `http://127.0.0.1:${port}`;
}, 120_000);

afterAll(async () => {
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const request = (line: string, headers = `Host: 127.0.0.1:${port}\r\nConnection: close\r\n`) =>
  rawExchange(port, `${line}\r\n${headers}\r\n`);

const openSocket = () => rawWebSocket(port, `/ws?token=${encodeURIComponent(token)}`, origin);

const sendText = (ws: RawWebSocket, payload: Buffer | string) =>
  ws.socket.write(encodeFrame({ opcode: 0x1, payload: Buffer.from(payload) }));

/** The host still serves its page and answers a request through a real WebSocket client. */
async function expectStillServing(after = 'hostile input'): Promise<void> {
  expect((await request('GET / HTTP/1.1')).status, `the page after ${after}`).toBe(200);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(token)}`, { origin });
  const answer = await new Promise<HostServerMessage | Error>((resolve) => {
    ws.on('error', resolve);
    ws.on('open', () =>
      ws.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'app:getInfo', request: {} })),
    );
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as HostServerMessage;
      if (message.type === 'result') resolve(message);
    });
  });
  ws.close();
  expect(answer, `a request after ${after}`).toMatchObject({
    type: 'result',
    id: 1,
    result: { ok: true, value: { mode: 'browser' } },
  });
  expect(host.output(), 'the host reported an unexpected error').not.toMatch(/unexpected error|Error:/i);
}

describe('the browser-mode host under hostile HTTP', () => {
  it('answers a bad percent-encoding (/%c0, /%) with 400 and keeps serving', async () => {
    // An <img src="http://127.0.0.1:PORT/%c0"> on any web page sends exactly this.
    for (const target of ['/%c0', '/%', '/%E0%A4%A']) {
      const answer = await request(`GET ${target} HTTP/1.1`);
      expect(answer.status, target).toBe(400);
      expect(answer.text, target).toMatch(/not a valid address/);
    }
    await expectStillServing();
  });

  it('answers an absolute-form request line with a broken host (GET http://[) with 400 and keeps serving', async () => {
    expect((await request('GET http://[ HTTP/1.1')).status).toBe(400);
    const upgrade =
      `Host: 127.0.0.1:${port}\r\nOrigin: ${origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';
    expect((await request('GET http://[/ws HTTP/1.1', upgrade)).status).toBe(400);
    await expectStillServing();
  });
});

describe('the browser-mode host under hostile WebSocket traffic', () => {
  it('closes a socket whose message is over the size limit (1009) and keeps serving', async () => {
    const ws = await openSocket();
    sendText(ws, 'x'.repeat(MAX_MESSAGE_BYTES + 1));
    expect(await closeCodeOf(ws)).toBe(1009);
    await expectStillServing();
  });

  it('closes a socket that sends invalid UTF-8 (1007) and keeps serving', async () => {
    const ws = await openSocket();
    sendText(ws, Buffer.from([0x7b, 0xc0, 0xaf, 0x7d]));
    expect(await closeCodeOf(ws)).toBe(1007);
    await expectStillServing();
  });

  it('closes a socket that sends null or another message of the wrong shape (1008) and keeps serving', async () => {
    for (const message of [
      'null',
      '1',
      '[]',
      '{}',
      'not json',
      '{"type":"invoke","id":1e300,"channel":"app:getInfo"}',
    ]) {
      const ws = await openSocket();
      sendText(ws, message);
      expect(await closeCodeOf(ws), message).toBe(1008);
    }
    const binary = await openSocket();
    binary.socket.write(encodeFrame({ opcode: 0x2, payload: Buffer.from('{}') }));
    expect(await closeCodeOf(binary), 'a binary frame').toBe(1003);
    await expectStillServing();
  });

  it('answers a request for an unknown channel with a typed error on the same socket', async () => {
    const ws = await openSocket();
    sendText(ws, JSON.stringify({ type: 'invoke', id: 9, channel: 'fs:readFile', request: null }));
    sendText(ws, JSON.stringify({ type: 'invoke', id: 10, channel: 'app:getInfo', request: {} }));
    await expect.poll(() => ws.messages.length).toBeGreaterThanOrEqual(2);
    const results = ws.messages
      .map((m) => JSON.parse(m) as HostServerMessage)
      .filter((m) => m.type === 'result');
    expect(results).toContainEqual({
      type: 'result',
      id: 9,
      result: { ok: false, error: expect.objectContaining({ code: 'invalid_input' }) },
    });
    expect(results).toContainEqual(
      expect.objectContaining({ id: 10, result: expect.objectContaining({ ok: true }) }),
    );
    ws.socket.destroy();
  });
});

describe('a seeded fuzz run', () => {
  it(
    `keeps serving after ${FUZZ_CASES} malformed requests, handshakes, frames and messages (seed ${FUZZ_SEED})`,
    async () => {
      const random = seededRandom(FUZZ_SEED);
      const deadline = Date.now() + FUZZ_BUDGET_MS;
      const sent: string[] = [];
      for (let i = 0; i < FUZZ_CASES && Date.now() < deadline; i++) {
        const hostile = hostileCase(random, port);
        sent.push(hostile.label);
        if (hostile.kind === 'http') {
          await rawExchange(port, hostile.bytes, 300);
        } else {
          const ws = await openSocket();
          ws.socket.write(hostile.bytes);
          await closeCodeOf(ws, 300);
        }
        if (i % 40 === 39) await expectStillServing(`case ${i}: ${hostile.label}`);
      }
      expect(sent.length).toBeGreaterThan(FUZZ_CASES / 2);
      await expectStillServing();
    },
    FUZZ_BUDGET_MS + 60_000,
  );
});
