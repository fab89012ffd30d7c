import { encodeFrame } from './raw-wire';

/*
 * What a hostile page or local process can send to the browser-mode host,
 * drawn from a seeded generator so a failing run can be replayed exactly.
 */

export type HostileCase =
  | { kind: 'http'; label: string; bytes: Buffer }
  | { kind: 'frames'; label: string; bytes: Buffer };

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

function garbage(random: () => number, max: number): Buffer {
  const length = 1 + Math.floor(random() * max);
  return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
}

const TARGETS = [
  '/',
  '/%',
  '/%c0',
  '/%ff%fe',
  '/%E0%A4%A',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/..%2f..%2fetc%2fpasswd',
  '/index.html%00.png',
  'http://[',
  'http://[::1',
  'http://[zz]:1/',
  'http://127.0.0.1:99999/',
  'http://evil.example/',
  'http:///',
  '//evil.example/',
  '*',
  '/ws',
  '/ws?token=',
  '/ws?token=%',
  `/${'a'.repeat(9000)}`,
];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE', 'G\u0000T', 'GÉT'];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/0.9', 'HTTP/2.0', 'HTTP/9.9', '', 'HTTP/1.1 extra'];

function httpCase(random: () => number, port: number): HostileCase {
  const host = pick(random, [`127.0.0.1:${port}`, `localhost:${port}`, 'evil.example', '', '[', '%c0']);
  const variant = Math.floor(random() * 6);
  if (variant === 0) return { kind: 'http', label: 'garbage bytes', bytes: garbage(random, 2048) };
  if (variant === 1) {
    const target = pick(random, TARGETS);
    return { kind: 'http', label: `HTTP/0.9 ${target}`, bytes: Buffer.from(`GET ${target}\r\n`) };
  }
  if (variant === 2) {
    const name = pick(random, ['X-Filler', 'Cookie', 'Host', 'Origin', 'Transfer-Encoding']);
    const size = pick(random, [8_000, 17_000, 70_000]);
    return {
      kind: 'http',
      label: `header ${name} of ${size} bytes`,
      bytes: Buffer.from(`GET / HTTP/1.1\r\nHost: ${host}\r\n${name}: ${'x'.repeat(size)}\r\n\r\n`),
    };
  }
  if (variant === 3) {
    const key = pick(random, ['', 'short', '!!!!!!!!!!!!!!!!!!!!!!==', 'dGhlIHNhbXBsZSBub25jZQ==']);
    const version = pick(random, ['13', '8', '', 'x']);
    const target = pick(random, ['/ws?token=wrong', '/ws', 'http://[/ws', '/ws?token=%c0', '/%c0']);
    const origin = pick(random, [`http://127.0.0.1:${port}`, 'null', 'http://evil.example', '%']);
    return {
      kind: 'http',
      label: `upgrade ${target} key=${key} version=${version}`,
      bytes: Buffer.from(
        `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${origin}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: ${version}\r\n` +
          `Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=99\r\n\r\n`,
      ),
    };
  }
  const method = pick(random, METHODS);
  const target = pick(random, TARGETS);
  const version = pick(random, VERSIONS);
  const body = variant === 4 ? 'Content-Length: 5\r\n\r\nhello' : 'Content-Length: -1\r\n\r\n';
  return {
    kind: 'http',
    label: `${method} ${target.slice(0, 40)} ${version}`,
    bytes: Buffer.from(`${method} ${target} ${version}\r\nHost: ${host}\r\n${body}`, 'latin1'),
  };
}

const MESSAGES = [
  'null',
  '1',
  '[]',
  '{}',
  '""',
  'true',
  '{',
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
  '{"type":"invoke"}',
  '{"type":"invoke","id":1e300,"channel":"app:getInfo"}',
  '{"type":"invoke","id":-1,"channel":"app:getInfo"}',
  '{"type":"invoke","id":1.5,"channel":"app:getInfo"}',
  '{"type":"invoke","id":"1","channel":"app:getInfo"}',
  '{"type":"invoke","id":1,"channel":null}',
  '{"type":"invoke","id":2,"channel":"no:such"}',
  '{"type":"invoke","id":3,"channel":"__proto__"}',
  '{"type":"invoke","id":4,"channel":"constructor"}',
  '{"type":"invoke","id":5,"channel":"profiles:create","request":null}',
  '{"type":"invoke","id":6,"channel":"profiles:create","request":[1,2,3]}',
  '{"type":"invoke","id":7,"channel":"profiles:get","request":{"id":{"$gt":""}}}',
  '{"__proto__":{"type":"invoke"},"id":8,"channel":"app:getInfo"}',
  '{"type":"event","message":{}}',
];

function framesCase(random: () => number): HostileCase {
  const variant = Math.floor(random() * 9);
  const text = (payload: Buffer | string, extra: Partial<Parameters<typeof encodeFrame>[0]> = {}) =>
    encodeFrame({ opcode: 0x1, payload: Buffer.from(payload), ...extra });
  switch (variant) {
    case 0: {
      const message = pick(random, MESSAGES);
      return { kind: 'frames', label: `message ${message.slice(0, 40)}`, bytes: text(message) };
    }
    case 1:
      return {
        kind: 'frames',
        label: 'invalid UTF-8 text',
        bytes: text(Buffer.from([0x7b, 0xc0, 0xaf, 0xff, 0xfe, 0x7d])),
      };
    case 2:
      return {
        kind: 'frames',
        label: 'binary frame',
        bytes: encodeFrame({ opcode: 0x2, payload: garbage(random, 64) }),
      };
    case 3:
      return {
        kind: 'frames',
        label: 'claims a payload over the limit',
        bytes: text('x', { claimedLength: pick(random, [1024 * 1024 + 1, 2 ** 40, 2 ** 53]) }),
      };
    case 4:
      return {
        kind: 'frames',
        label: 'fragments of garbage',
        bytes: Buffer.concat([
          text(garbage(random, 30), { fin: false }),
          encodeFrame({
            opcode: pick(random, [0x0, 0x1, 0x2, 0x9]),
            payload: garbage(random, 30),
            fin: false,
          }),
          encodeFrame({ opcode: 0x0, payload: garbage(random, 30) }),
        ]),
      };
    case 5:
      return {
        kind: 'frames',
        label: 'reserved opcode or bits',
        bytes: encodeFrame({
          opcode: pick(random, [0x3, 0x7, 0xb, 0xf, 0x1]),
          rsv: pick(random, [0, 1, 2, 4, 7]),
          payload: garbage(random, 40),
        }),
      };
    case 6:
      return { kind: 'frames', label: 'unmasked frame', bytes: text('{"type":"invoke"}', { masked: false }) };
    case 7:
      return {
        kind: 'frames',
        label: 'oversized control frame or bad close code',
        bytes: pick(random, [
          encodeFrame({ opcode: 0x9, payload: Buffer.alloc(200) }),
          encodeFrame({ opcode: 0x8, payload: Buffer.from([0x00, 0x01]) }),
          encodeFrame({ opcode: 0x8, payload: Buffer.from([0x03, 0xe8, 0xc0]) }),
        ]),
      };
    default:
      return { kind: 'frames', label: 'garbage after the handshake', bytes: garbage(random, 512) };
  }
}

/** One hostile input: half raw HTTP, half WebSocket traffic after a valid handshake. */
export function hostileCase(random: () => number, port: number): HostileCase {
  return random() < 0.5 ? httpCase(random, port) : framesCase(random);
}
