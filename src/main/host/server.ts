import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import {
  HOST_TOKEN_PARAM,
  HOST_WS_PATH,
  type HostClientMessage,
  type HostServerMessage,
} from '../../shared/host-protocol';
import { pagePolicy } from '../../shared/page-policy';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import type { Router } from '../router';
import { parseClientMessage } from './client-message';

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

/** The Electron policy the build puts in the page; browser mode sends its own as a header instead. */
const BUILT_POLICY_META = /<meta\s+http-equiv="Content-Security-Policy"[^>]*>/i;

/** The address a request names, or null when it is not one (`GET http://[`). */
function requestUrl(rawUrl: string | undefined): URL | null {
  try {
    return new URL(rawUrl ?? '/', 'http://x');
  } catch {
    return null;
  }
}

/** The decoded path a request names, or null when it does not decode (`/%c0`, `/%`). */
function requestPath(rawUrl: string | undefined): string | null {
  const url = requestUrl(rawUrl);
  if (!url) return null;
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
}

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
  // Both known once the port is: the names this host answers to, and the page's CSP.
  let allowedHosts = new Set<string>();
  let pageHeaders: Record<string, string> = {};

  const hostAllowed = (req: IncomingMessage) => allowedHosts.has(req.headers.host ?? '');

  const server = createServer((req, res) => {
    serveStatic(req, res).catch((err: unknown) => {
      log.error({ err, url: req.url }, 'serving a file failed');
      if (!res.headersSent) end(res, 500, 'Tidemark could not serve this file; the details are in its log.');
      else res.destroy();
    });
  });
  server.on('error', (err) => log.error({ err }, 'the host server reported an error'));

  async function serveStatic(req: IncomingMessage, res: ServerResponse) {
    if (!hostAllowed(req)) return end(res, 421, 'Misdirected request');
    if (req.method !== 'GET' && req.method !== 'HEAD') return end(res, 405, 'Method not allowed');
    const pathname = requestPath(req.url);
    if (pathname === null) return end(res, 400, 'Bad request: the path is not a valid address.');
    const relative = pathname === '/' ? 'index.html' : pathname.slice(1);
    const file = normalize(join(options.staticDir, relative));
    if (!file.startsWith(normalize(options.staticDir) + sep)) return end(res, 404, 'Not found');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return end(res, 404, 'Not found');
    }
    const page = extname(file) === '.html';
    res.writeHead(200, {
      'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
      ...securityHeaders,
      ...(page ? pageHeaders : {}),
    });
    if (req.method === 'HEAD') return res.end();
    res.end(page ? body.toString('utf8').replace(BUILT_POLICY_META, '') : body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  wss.on('error', (err) => log.error({ err }, 'the WebSocket server reported an error'));

  server.on('upgrade', (req, socket, head) => {
    // Node takes its own error listener off an upgraded socket; a reset must not end the process.
    socket.on('error', (err) => log.debug({ err }, 'a WebSocket connection failed'));
    const url = requestUrl(req.url);
    const origin = req.headers.origin ?? '';
    const refuse = (status: number, why: string) => {
      log.warn({ why, origin, host: req.headers.host }, 'refused a WebSocket handshake');
      socket.end(`HTTP/1.1 ${status} ${why}\r\nConnection: close\r\n\r\n`);
    };
    if (url === null) return refuse(400, 'Bad Request');
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
    const answer = async ({ id, channel, request }: HostClientMessage) => {
      const result = await options.router.dispatch(channel, request, 'host');
      send({ type: 'result', id, result });
    };
    const unsubscribe = options.events.subscribe((message) => send({ type: 'event', message }));
    ws.on('close', unsubscribe);
    // ws closes the socket itself (1009 too big, 1007 bad UTF-8, 1002 bad frame); this only records it.
    ws.on('error', (err) => log.warn({ err: err.message }, 'closed a WebSocket that broke the protocol'));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const parsed = parseClientMessage(data, isBinary);
      if (!parsed.ok) {
        log.warn(
          { reason: parsed.reason },
          'closed a WebSocket that sent a message Tidemark does not accept',
        );
        ws.close(parsed.closeCode, parsed.reason);
        return;
      }
      answer(parsed.message).catch((err: unknown) =>
        log.error({ err, channel: parsed.message.channel }, 'answering a request failed'),
      );
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`${LOOPBACK}:${port}`, `localhost:${port}`]);
  pageHeaders = {
    'Content-Security-Policy': `${pagePolicy({ kind: 'browser', port })}; frame-ancestors 'none'`,
  };
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
