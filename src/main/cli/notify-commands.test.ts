import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliIn } from '../../../test/support/cli';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

/* `tidemark notify`: webhooks from the command line, tested against a local receiver. */

let db: TestDatabase;
let dataDir: string;
let server: Server;
let url: string;
const received: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cli-notify-'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      received.push(body);
      res.writeHead(req.url === '/hook/s3cret' ? 204 : 404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await db?.cleanup();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const cli = (...args: string[]) => cliIn(dataDir, ...args);

describe('tidemark notify', () => {
  it('adds, lists (redacted), tests and removes a webhook', async () => {
    expect((await cli('notify', 'list')).out).toBe(
      'No webhooks. Add one with `tidemark notify add URL [--format slack|json]`.',
    );
    const added = await cli('notify', 'add', `${url}/hook/s3cret`, '--format', 'json');
    expect(added).toMatchObject({ code: 0, err: '' });
    expect(added.out).toMatch(/^Added webhook 1 \(json, http:\/\/127\.0\.0\.1:\d+\/…\)/);

    const listed = await cli('notify', 'list');
    expect(listed.out).toMatch(/^ID\s+FORMAT\s+URL\s+LAST DELIVERED \(UTC\)\s+LAST FAILURE$/m);
    expect(listed.out).toMatch(/^1\s+json\s+http:\/\/127\.0\.0\.1:\d+\/…$/m);
    expect(listed.out).not.toContain('s3cret');

    expect(await cli('notify', 'test', '1')).toMatchObject({
      code: 0,
      out: 'Webhook 1 accepted the test message (HTTP 204).',
    });
    expect(JSON.parse(received.at(-1)!)).toMatchObject({ source: 'tidemark', event: 'test' });

    const [json] = JSON.parse((await cli('notify', 'list', '--json')).out) as Array<Record<string, unknown>>;
    expect(json).toMatchObject({ id: 1, lastError: null });
    expect(json!.lastDeliveredAt).toEqual(expect.any(String));

    expect(await cli('notify', 'remove', '1')).toMatchObject({ code: 0, out: 'Removed webhook 1.' });
    expect((await cli('notify', 'remove', '1')).err).toMatch(/There is no webhook 1/);
  });

  it('says why a test fails, and refuses what is not an http(s) URL or a known format', async () => {
    const id = /^Added webhook (\d+)/.exec((await cli('notify', 'add', `${url}/wrong`)).out)![1]!;
    const failed = await cli('notify', 'test', id);
    expect(failed.code).toBe(1);
    expect(failed.err).toBe(`The test message to webhook ${id} failed: the receiver answered HTTP 404.`);
    expect((await cli('notify', 'list')).out).toMatch(
      /^\d+\s+slack\s+\S+\s+\s*\d{4}-.* test: the receiver answered HTTP 404$/m,
    );

    expect((await cli('notify', 'add', 'file:///etc/passwd')).err).toMatch(
      /must be a full http:\/\/ or https:\/\//,
    );
    expect((await cli('notify', 'add', `${url}/x`, '--format', 'xml')).err).toBe(
      '--format xml: choose slack or json.',
    );
    expect((await cli('notify', 'add')).err).toMatch(/needs the webhook URL/);
    expect((await cli('notify', 'test', 'x')).err).toMatch(/needs the webhook id/);
    expect((await cli('notify', 'ping')).err).toBe(
      'Unknown notify command "ping". Use add, list, test or remove.',
    );
  });

  it('a sample taken from the command line posts the alert it raised before the command ends', async () => {
    db = await createTestDatabase('notify cli');
    const { host, port, database, user } = db.fields;
    const pgUrl = `postgresql://${user}:${encodeURIComponent(db.password)}@${host}:${port}/${database}?sslmode=disable`;
    expect((await cli('profiles', 'add', '--url', pgUrl, '--name', 'gamma')).code).toBe(0);
    expect(
      (await cli('rules', 'gamma', '--set', 'growthFloorBytes=0', '--set', 'sizeCriticalBytes=1MiB')).code,
    ).toBe(0);
    await cli('notify', 'add', `${url}/hook/s3cret`, '--format', 'json');
    received.length = 0;
    expect((await cli('sample', 'gamma')).code).toBe(0);
    // runCli has returned: the delivery happened before it did.
    const events = received.map((b) => JSON.parse(b) as { event: string; alert: { kind: string } | null });
    expect(events).toContainEqual(
      expect.objectContaining({ event: 'raised', alert: expect.objectContaining({ kind: 'size_critical' }) }),
    );
  });
});
