import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { HOST_TOKEN_PARAM, HOST_WS_PATH, type HostServerMessage } from '../../shared/host-protocol';
import type { Logger } from '../logger';
import type { EventBus, Router } from '../router';

export interface HostOptions {
  router: Router;
  events: EventBus;
  logger: Logger;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token for tests; a random one per launch otherwise. */
  token?: string;
}

export interface RunningHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
const MAX_MESSAGE_BYTES = 1024 * 1024;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const securityHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Browser mode: serves the built renderer and the router over a WebSocket,
 * on 127.0.0.1 only. Guarded like any local server: a per-launch token on the
 * handshake, and Host/Origin must name this very address (a DNS-rebinding
 * page arrives with its own host name). No CORS.
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const log = options.logger.child({ component: 'host' });
  let allowedHosts = new Set<string>();

  const hostAllowed = (req: IncomingMessage) => allowedHosts.has(req.headers.host ?? '');

  const server = createServer((req, res) => {
    void serveStatic(req, res);
  });

  async function serveStatic(req: IncomingMessage, res: ServerResponse) {
    if (!hostAllowed(req)) return end(res, 421, 'Misdirected request');
    if (req.method !== 'GET' && req.method !== 'HEAD') return end(res, 405, 'Method not allowed');
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const relative = pathname === '/' ? 'index.html' : pathname.slice(1);
    const file = normalize(join(options.staticDir, relative));
    if (!file.startsWith(normalize(options.staticDir) + sep)) return end(res, 404, 'Not found');
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
        ...securityHeaders,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      end(res, 404, 'Not found');
    }
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const origin = req.headers.origin ?? '';
    const refuse = (status: number, why: string) => {
      log.warn({ why, origin, host: req.headers.host }, 'refused a WebSocket handshake');
      socket.end(`HTTP/1.1 ${status} ${why}\r\nConnection: close\r\n\r\n`);
    };
    if (url.pathname !== HOST_WS_PATH) return refuse(404, 'Not Found');
    if (!hostAllowed(req)) return refuse(421, 'Misdirected Request');
    if (!allowedHosts.has(origin.replace(/^http:\/\//, '')) || !origin.startsWith('http://')) {
      return refuse(403, 'Forbidden');
    }
    if (!sameToken(url.searchParams.get(HOST_TOKEN_PARAM), token)) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const send = (message: HostServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const unsubscribe = options.events.subscribe((message) => send({ type: 'event', message }));
    ws.on('close', unsubscribe);
    ws.on('message', (data: RawData) => {
      void (async () => {
        let parsed: { type?: unknown; id?: unknown; channel?: unknown; request?: unknown };
        try {
          parsed = JSON.parse(data.toString());
        } catch {
          return;
        }
        if (parsed.type !== 'invoke' || typeof parsed.id !== 'number' || typeof parsed.channel !== 'string')
          return;
        const result = await options.router.dispatch(parsed.channel, parsed.request, 'host');
        send({ type: 'result', id: parsed.id, result });
      })();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`${LOOPBACK}:${port}`, `localhost:${port}`]);
  const url = `http://${LOOPBACK}:${port}/?${HOST_TOKEN_PARAM}=${token}`;
  log.info({ port }, 'host listening');

  return {
    url,
    port,
    token,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function end(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders });
  res.end(text);
}
