import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { HostServerMessage } from '../../shared/host-protocol';
import { pagePolicy } from '../../shared/page-policy';
import { createTidemark, type Tidemark } from '../app';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';
import { type RunningHost, startHost } from './server';

let app: Tidemark;
let host: RunningHost;
let staticDir: string;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-host-'));
  staticDir = join(dataDir, 'static');
  mkdirSync(staticDir);
  // The build puts the Electron policy in the page (electron.vite.config.ts); browser mode must not keep it.
  writeFileSync(
    join(staticDir, 'index.html'),
    `<!doctype html><meta http-equiv="Content-Security-Policy" content="${pagePolicy({ kind: 'electron' })}"><title>Tidemark</title>`,
  );
  writeFileSync(join(dataDir, 'outside.txt'), 'not for the page');
  app = await createTidemark({ dataDir, mode: 'browser', secretStore: new KeyFileSecretStore(dataDir) });
  host = await startHost({ router: app.router, events: app.events, logger: app.logger, staticDir });
});

afterAll(async () => {
  await host?.close();
  await app?.close();
});

type Answer = { status: number; body: string; headers: Record<string, unknown> };

function get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

type Opened = { ws: WebSocket; status?: number };

function connect(opts: { token?: string; origin?: string; host?: string }): Promise<Opened> {
  const token = opts.token ?? host.token;
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${encodeURIComponent(token)}`, {
    origin: opts.origin ?? `http://127.0.0.1:${host.port}`,
    headers: opts.host ? { Host: opts.host } : {},
  });
  return new Promise((resolve) => {
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ ws, status: res.statusCode }));
    ws.on('error', () => resolve({ ws, status: -1 }));
  });
}

function invoke(ws: WebSocket, channel: string, req: unknown): Promise<HostServerMessage> {
  const id = Math.floor(Math.random() * 1e9);
  return new Promise((resolve) => {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as HostServerMessage;
      if (msg.type === 'result' && msg.id === id) resolve(msg);
    });
    ws.send(JSON.stringify({ type: 'invoke', id, channel, request: req }));
  });
}

describe('browser-mode host', () => {
  it('listens on loopback only and prints a URL with its token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the page with protective headers and nothing outside the renderer folder', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Tidemark</title>');
    expect((await get('/..%2Foutside.txt')).status).toBe(404);
    expect((await get('/../outside.txt')).body).not.toContain('not for the page');
  });

  it("gives the page browser mode's CSP: its own socket and nothing else, never the built Electron policy", async () => {
    const page = await get('/');
    expect(page.body).not.toContain('Content-Security-Policy');
    const policy = String(page.headers['content-security-policy']);
    expect(policy).toContain(`connect-src 'self' ws://127.0.0.1:${host.port} ws://localhost:${host.port}`);
    expect(policy).not.toMatch(/ws:\/\/[^ ;]*:\*/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("script-src 'self'");
  });

  it('refuses a page reached through another host name (DNS rebinding)', async () => {
    expect((await get('/', { Host: `evil.example:${host.port}` })).status).toBe(421);
    expect((await connect({ host: `evil.example:${host.port}` })).status).toBe(421);
  });

  it('refuses a WebSocket without the token or from another origin', async () => {
    expect((await connect({ token: 'wrong' })).status).toBe(401);
    expect((await connect({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await connect({ origin: `http://127.0.0.1:${host.port + 1}` })).status).toBe(403);
  });

  it('answers requests through the router and pushes events', async () => {
    const { ws, status } = await connect({});
    expect(status).toBeUndefined();
    const info = await invoke(ws, 'app:getInfo', {});
    expect(info).toMatchObject({ type: 'result', result: { ok: true, value: { mode: 'browser' } } });

    const bad = await invoke(ws, 'profiles:create', {
      name: 'x',
      host: '',
      port: 99999,
      database: 'd',
      user: 'u',
    });
    expect(bad).toMatchObject({ result: { ok: false, error: { code: 'invalid_input' } } });
    const fields = (bad as { result: { error: { fields: Record<string, string> } } }).result.error.fields;
    expect(fields.port).toMatch(/between 1 and 65535/);
    expect(fields.host).toMatch(/host/);

    const event = new Promise((resolve) =>
      ws.on('message', (d) => {
        const msg = JSON.parse(d.toString()) as HostServerMessage;
        if (msg.type === 'event') resolve(msg.message);
      }),
    );
    const created = await invoke(ws, 'profiles:create', {
      name: 'x',
      host: 'h',
      port: 5432,
      database: 'd',
      user: 'u',
    });
    expect(created).toMatchObject({ result: { ok: true } });
    expect(await event).toMatchObject({ event: 'profiles:changed', payload: { reason: 'created' } });

    const unknown = await invoke(ws, 'fs:readFile', { path: '/etc/passwd' });
    expect(unknown).toMatchObject({ result: { ok: false, error: { code: 'invalid_input' } } });
    ws.close();
  });
});
