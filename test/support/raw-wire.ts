import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/*
 * Talking to the browser-mode host the way a hostile page or local process
 * can: raw bytes over TCP, hand-built WebSocket frames. Every wait is bounded
 * so a host that hangs shows up as an empty answer, never as a stuck test.
 */

const WAIT_MS = 3_000;

export interface RawAnswer {
  /** The status code of the first response line, or null when the host sent none. */
  status: number | null;
  text: string;
}

/** Sends `bytes` on a fresh connection and reads until the host closes it or goes quiet. */
export function rawExchange(port: number, bytes: Buffer | string, waitMs = WAIT_MS): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer = setTimeout(finish, waitMs);
    function finish() {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      resolve({ status: status ? Number(status) : null, text });
    }
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      clearTimeout(timer);
      // A response with its headers is enough; keep-alive would otherwise hold the socket open.
      timer = setTimeout(finish, Buffer.concat(chunks).includes('\r\n\r\n') ? 50 : waitMs);
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => socket.write(bytes));
  });
}

export interface WebSocketFrame {
  opcode: number;
  payload: Buffer;
  fin?: boolean;
  /** RSV1-3 bits, which no extension here gives a meaning. */
  rsv?: number;
  /** Clients must mask; false sends an unmasked frame, which servers must refuse. */
  masked?: boolean;
  /** Claimed payload length when it should lie about the real one. */
  claimedLength?: number;
}

/** One frame as RFC 6455 lays it out (client to server). */
export function encodeFrame(frame: WebSocketFrame): Buffer {
  const masked = frame.masked ?? true;
  const length = frame.claimedLength ?? frame.payload.length;
  const head = [((frame.fin ?? true) ? 0x80 : 0) | ((frame.rsv ?? 0) << 4) | (frame.opcode & 0x0f)];
  const maskBit = masked ? 0x80 : 0;
  let extended = Buffer.alloc(0);
  if (length < 126) head.push(maskBit | length);
  else if (length < 0x10000) {
    head.push(maskBit | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(length);
  } else {
    head.push(maskBit | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(BigInt(length));
  }
  if (!masked) return Buffer.concat([Buffer.from(head), extended, frame.payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(frame.payload.map((byte, i) => byte ^ (mask[i % 4] as number)));
  return Buffer.concat([Buffer.from(head), extended, mask, body]);
}

export interface RawWebSocket {
  socket: Socket;
  /** Resolves with the close code the host sent (null if it just dropped the connection). */
  closed: Promise<number | null>;
  /** Every text message the host sent so far. */
  messages: string[];
}

/** Completes the handshake by hand, so what follows can be any bytes at all. */
export function rawWebSocket(port: number, path: string, origin: string): Promise<RawWebSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const key = randomBytes(16).toString('base64');
    let buffered = Buffer.alloc(0);
    let open = false;
    const messages: string[] = [];
    let settleClosed: (code: number | null) => void = () => {};
    const closed = new Promise<number | null>((r) => {
      settleClosed = r;
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no WebSocket handshake answer'));
    }, WAIT_MS);

    const readFrames = () => {
      while (buffered.length >= 2) {
        const opcode = (buffered[0] as number) & 0x0f;
        let length = (buffered[1] as number) & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffered.length < 4) return;
          length = buffered.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffered.length < 10) return;
          length = Number(buffered.readBigUInt64BE(2));
          offset = 10;
        }
        if (buffered.length < offset + length) return;
        const payload = buffered.subarray(offset, offset + length);
        buffered = buffered.subarray(offset + length);
        if (opcode === 0x1) messages.push(payload.toString('utf8'));
        if (opcode === 0x8) {
          // Answering the close frame is not needed: the host has said what it had to say.
          settleClosed(payload.length >= 2 ? payload.readUInt16BE(0) : 1005);
          socket.destroy();
          return;
        }
      }
    };

    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!open) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        buffered = buffered.subarray(end + 4);
        clearTimeout(timer);
        if (!head.startsWith('HTTP/1.1 101')) {
          socket.destroy();
          reject(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
          return;
        }
        open = true;
        resolve({ socket, closed, messages });
      }
      readFrames();
    });
    socket.on('error', (err) => {
      socket.destroy();
      if (!open) {
        clearTimeout(timer);
        reject(err);
      }
    });
    socket.on('close', () => settleClosed(null));
    socket.on('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${origin}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
  });
}

/** Waits for the host to close a raw socket, but never longer than the usual bound. */
export function closeCodeOf(ws: RawWebSocket, waitMs = WAIT_MS): Promise<number | null | 'still open'> {
  return Promise.race([
    ws.closed,
    new Promise<'still open'>((resolve) =>
      setTimeout(() => {
        ws.socket.destroy();
        resolve('still open');
      }, waitMs),
    ),
  ]);
}

/** mulberry32: a small PRNG, so a fuzz run with the same seed sends the same bytes. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
