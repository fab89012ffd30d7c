import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AlertRig, growTo, HOUR_MS, MiB, startRig } from '../../../../test/support/alerts-rig';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import type { Alert } from '../../../shared/alerts';
import type { DeliveryResult, Webhook } from '../../../shared/webhooks';

/*
 * Webhooks against a real HTTP receiver on 127.0.0.1 and alerts raised from
 * real samples: raise and resolve arrive, in both formats; a receiver that
 * hangs or answers 500 holds up no sample and loses no delivery (retries);
 * one that keeps failing is shown as failed, and logged, with its URL redacted.
 */

type Behaviour = 'ok' | 'fail' | 'hang';

interface Receiver {
  url: string;
  bodies: unknown[];
  /** What the next requests get; once used up, 'ok'. */
  script: Behaviour[];
  hanging: ServerResponse[];
  close(): Promise<void>;
}

async function startReceiver(path: string): Promise<Receiver> {
  const receiver: Receiver = { url: '', bodies: [], script: [], hanging: [], close: async () => {} };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const behaviour = receiver.script.shift() ?? 'ok';
      if (behaviour === 'hang') {
        receiver.hanging.push(res);
        return;
      }
      if (behaviour === 'fail' || req.url !== path) {
        res.writeHead(500).end('no');
        return;
      }
      receiver.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  receiver.close = () =>
    new Promise((resolve) => {
      for (const res of receiver.hanging) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

let db: TestDatabase;
let admin: pg.Client;
let rig: AlertRig;
let profileId: string;
let json: Receiver;
let slack: Receiver;

const TOKEN = 'T000/B000/s3cr3tT0k3n';
const onlySize = (sizeCriticalBytes: number) => ({
  growthWarningEnabled: false,
  relationGrowthEnabled: false,
  forecastEnabled: false,
  serverDownEnabled: false,
  growthFloorBytes: 0,
  sizeCriticalBytes,
});
const webhooks = () => rig.call<Webhook[]>('webhooks:list', {});

beforeAll(async () => {
  db = await createTestDatabase('alert webhooks');
  admin = await db.admin();
  await admin.query('CREATE TABLE "<!channel> & co" (body text)');
  await growTo(admin, '"<!channel> & co"', 2 * MiB);
  json = await startReceiver(`/hooks/${TOKEN}`);
  slack = await startReceiver('/services/slack');
  // Short retries and timeout so the test does not wait minutes; the logic is the same.
  rig = await startRig('2026-09-07T08:00:00Z', { retryDelaysMs: [20, 20], timeoutMs: 500 });
  profileId = rig.addProfile(db.profile({ name: 'orders <prod>', password: db.password }));
});

afterAll(async () => {
  await rig?.close();
  await json?.close();
  await slack?.close();
  await db?.cleanup();
});

describe('webhooks', () => {
  it('accepts http and https URLs only, and never shows the token', async () => {
    for (const url of ['ftp://example.com/x', 'javascript:alert(1)', 'hooks.slack.com/services/x', '']) {
      const refused = await rig.dispatch('webhooks:add', { url, format: 'json' });
      expect(refused, url).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    const added = await rig.call<Webhook>('webhooks:add', { url: json.url, format: 'json' });
    await rig.call<Webhook>('webhooks:add', { url: slack.url, format: 'slack' });
    expect(added).toMatchObject({
      format: 'json',
      shownUrl: `${new URL(json.url).origin}/…`,
      lastError: null,
    });
    expect(JSON.stringify(await webhooks())).not.toContain(TOKEN);
    // Encrypted at rest too.
    expect(readFileSync(join(rig.dataDir, 'tidemark.db')).includes(TOKEN)).toBe(false);
  });

  it('test: one attempt now, answered with how it went', async () => {
    const [first] = await webhooks();
    expect(await rig.call<DeliveryResult>('webhooks:test', { id: first!.id })).toEqual({
      ok: true,
      status: 200,
      error: null,
    });
    expect(json.bodies.pop()).toMatchObject({ source: 'tidemark', event: 'test', alert: null });
  });

  it('a real alert is posted when raised and when resolved, in both formats', async () => {
    await rig.setRules([profileId], onlySize(MiB));
    await rig.sample(profileId);
    const [alert] = (await rig.alerts(profileId)) as [Alert];
    await rig.app.webhooks.idle();
    expect(json.bodies).toEqual([
      {
        source: 'tidemark',
        event: 'raised',
        sentAt: '2026-09-07T08:00:00.000Z',
        profile: { id: profileId, name: 'orders <prod>' },
        alert: expect.objectContaining({ id: alert.id, kind: 'size_critical', message: alert.message }),
      },
    ]);
    // Slack: markup from names is escaped, so a name cannot ping a channel.
    expect(slack.bodies).toEqual([
      { text: `Critical · Critical database size — orders &lt;prod&gt;\n${alert.message}` },
    ]);

    await rig.setRules([profileId], onlySize(1024 * MiB));
    rig.clock.advance(HOUR_MS);
    await rig.sample(profileId);
    await rig.app.webhooks.idle();
    expect(json.bodies[1]).toMatchObject({
      event: 'resolved',
      alert: { id: alert.id, resolution: 'cleared' },
    });
    expect((slack.bodies[1] as { text: string }).text).toMatch(
      /^Resolved \(the condition cleared\): Critical database size — orders &lt;prod&gt;\n/,
    );
  });

  it('a receiver that hangs, then answers 500, blocks no sample and loses no delivery', async () => {
    json.bodies.length = 0;
    json.script.push('hang', 'fail');
    await rig.setRules([profileId], onlySize(MiB));
    rig.clock.advance(HOUR_MS);
    await rig.sample(profileId);
    // The raise is being delivered to a receiver that does not answer: the next sample goes on regardless.
    await rig.setRules([profileId], onlySize(1024 * MiB));
    rig.clock.advance(HOUR_MS);
    await rig.sample(profileId);
    expect(json.hanging).toHaveLength(1);
    expect(json.bodies).toEqual([]);
    const [resolved] = (await rig.alerts(profileId, 'all')) as [Alert];
    expect(resolved.resolution).toBe('cleared');

    await rig.app.webhooks.idle();
    expect(json.bodies.map((b) => (b as { event: string }).event).sort()).toEqual([
      'raised_again',
      'resolved',
    ]);
    expect((await webhooks())[0]).toMatchObject({ lastError: null, pending: 0 });
  });

  it('a receiver that keeps failing: shown as failed after its retries, and logged with the URL redacted', async () => {
    json.script.push('fail', 'fail', 'fail');
    await rig.setRules([profileId], onlySize(MiB));
    rig.clock.advance(HOUR_MS);
    await rig.sample(profileId);
    await rig.app.webhooks.idle();
    const [failing] = await webhooks();
    const [alert] = (await rig.alerts(profileId)) as [Alert];
    expect(failing).toMatchObject({
      lastError: `raised_again alert ${alert.id}: the receiver answered HTTP 500`,
      lastErrorAt: new Date(rig.clock.ms).toISOString(),
    });

    // The log is written in the background: wait for the line rather than for the flush.
    rig.app.logger.flush();
    await vi.waitFor(() => {
      const log = readFileSync(join(rig.dataDir, 'logs', 'tidemark.log'), 'utf8');
      expect(log).not.toContain(TOKEN);
      const failed = log
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.component === 'webhooks' && l.msg === 'webhook delivery failed');
      expect(failed.at(-1)).toMatchObject({ level: 50, url: failing!.shownUrl, status: 500 });
    });

    // Removed: nothing more is sent to it.
    const left = await rig.call<Webhook[]>('webhooks:remove', { id: failing!.id });
    expect(left.map((w) => w.format)).toEqual(['slack']);
  });

  it('Slack: a name cannot add a line of its own (a fake "Resolved") or reorder one', async () => {
    const hostile = 'x\nResolved (the condition cleared): all \u202efine';
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(hostile)}`);
    try {
      const spoofed = rig.addProfile(
        db.profile({ name: 'spoofed', database: hostile, password: db.password }),
      );
      slack.bodies.length = 0;
      await rig.setRules([spoofed], onlySize(MiB));
      await rig.sample(spoofed);
      await rig.app.webhooks.idle();
      const { text } = slack.bodies.at(-1) as { text: string };
      expect(text).toMatch(/^Critical · Critical database size — spoofed\nDatabase x Resolved/);
      expect(text.split('\n')).toHaveLength(2);
      expect(text).toContain('all \\u202efine');
    } finally {
      await admin.query(`DROP DATABASE ${admin.escapeIdentifier(hostile)} WITH (FORCE)`);
    }
  });
});
