import { readFileSync } from 'node:fs';
import net from 'node:net';
import { resolve } from 'node:path';
import tls from 'node:tls';

/**
 * A fake PostgreSQL server on 127.0.0.1 that asks every client for its
 * password in clear text (AuthenticationCleartextPassword), records what it
 * receives, and then fails the login. Plays the server a stored password must
 * never reach. With `tls`, it accepts SSL with the test server certificate
 * (signed by test/fixtures/tls/ca.crt, issued for localhost).
 */
export interface PasswordCatcher {
  readonly host: string;
  readonly port: number;
  /** Every password message received, in order. */
  readonly received: string[];
  /** Startup messages seen (so a test knows a client got as far as asking). */
  readonly startups: number;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const askCleartext = () => message('R', Buffer.from([0, 0, 0, 3]));
const loginFailed = () =>
  message(
    'E',
    Buffer.from('SFATAL\0C28P01\0Mpassword authentication failed (password catcher)\0\0', 'latin1'),
  );

export async function startPasswordCatcher(options: { tls?: boolean } = {}): Promise<PasswordCatcher> {
  const fixtures = resolve(process.cwd(), 'test/fixtures/tls');
  const secure = options.tls
    ? tls.createSecureContext({
        cert: readFileSync(resolve(fixtures, 'server.crt')),
        key: readFileSync(resolve(fixtures, 'server.key')),
      })
    : null;
  const received: string[] = [];
  let startups = 0;
  const sockets = new Set<net.Socket>();

  const converse = (socket: net.Socket) => {
    let buffer = Buffer.alloc(0);
    let started = false;
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST && secure && !(socket instanceof tls.TLSSocket)) {
            socket.removeAllListeners('data');
            socket.write('S');
            converse(new tls.TLSSocket(socket, { isServer: true, secureContext: secure }));
            return;
          }
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            socket.write('N');
            continue;
          }
          started = true;
          startups++;
          socket.write(askCleartext());
          continue;
        }
        if (buffer.length < 5) return;
        const length = buffer.readInt32BE(1);
        if (buffer.length < length + 1) return;
        const type = String.fromCharCode(buffer[0]!);
        const body = buffer.subarray(5, length + 1);
        buffer = buffer.subarray(length + 1);
        if (type === 'p') {
          received.push(body.toString('utf8').replace(/\0$/, ''));
          socket.end(loginFailed());
          return;
        }
      }
    });
  };

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    converse(socket);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    received,
    get startups() {
      return startups;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
