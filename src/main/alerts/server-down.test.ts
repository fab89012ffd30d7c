import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertRig, MINUTE_MS, startRig } from '../../../test/support/alerts-rig';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy';
import type { Alert } from '../../shared/alerts';

/*
 * server_down against a real server behind a TCP proxy the test closes (the
 * port then refuses connections, like a stopped server) and reopens on the
 * same port. Beats are driven by hand; the clock decides the minutes.
 */

let db: TestDatabase;
let rig: AlertRig;
let proxy: TcpProxy;
let revived: net.Server | undefined;
const forwarded = new Set<net.Socket>();
let profileId: string;
let port: number;

/** A plain forwarder on the proxy's old port: the server is back. */
async function reopen(): Promise<void> {
  revived = net.createServer((client) => {
    const upstream = net.connect(db.server.port, db.server.host);
    for (const s of [client, upstream]) {
      forwarded.add(s);
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      s.on('close', () => forwarded.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((ok, fail) => {
    revived!.once('error', fail);
    revived!.listen(port, '127.0.0.1', () => ok());
  });
}

/** The server stops again: open connections are cut and the port refuses new ones. */
async function stop(): Promise<void> {
  const server = revived;
  revived = undefined;
  if (!server) return;
  for (const s of forwarded) s.destroy();
  await new Promise((ok) => server.close(ok));
}

beforeAll(async () => {
  db = await createTestDatabase('alerts server down');
  proxy = await startTcpProxy({ host: db.server.host, port: db.server.port });
  port = proxy.port;
  rig = await startRig('2026-06-01T10:00:00Z');
  profileId = rig.addProfile(
    db.profile({ name: 'flaky', host: '127.0.0.1', port, sslmode: 'disable', password: db.password }),
  );
  await rig.setRules([profileId], { serverDownMinutes: 5 });
});

afterAll(async () => {
  await rig?.close();
  await proxy?.close();
  await stop();
  await db?.cleanup();
});

const beatAt = async (minutes: number) => {
  rig.clock.at(new Date(Date.parse('2026-06-01T10:00:00Z') + minutes * MINUTE_MS).toISOString());
  return rig.app.monitoring.heartbeat.beat(profileId);
};
const serverAlerts = async () => (await rig.alerts(profileId, 'all')).filter((a) => a.kind === 'server_down');

describe('server_down', () => {
  it('raises nothing while the server answers', async () => {
    expect(await beatAt(0)).toMatchObject({ ok: true });
    expect(await serverAlerts()).toEqual([]);
  });

  it('raises nothing before the heartbeat has failed for 5 minutes, nor for one failed connection test', async () => {
    await proxy.close();
    expect(await beatAt(1)).toMatchObject({ ok: false });
    expect(await beatAt(3)).toMatchObject({ ok: false });
    expect(await beatAt(5.5)).toMatchObject({ ok: false });
    expect(await serverAlerts()).toEqual([]);

    // A manual test much later emits 'profiles:statusChanged' down too, but records no beat: the stored
    // heartbeat state (failing from minute 1 to 5.5) decides, and that is 4.5 minutes.
    rig.clock.at('2026-06-01T10:30:00Z');
    const tested = await rig.call<{ ok: boolean }>('profiles:test', { id: profileId });
    expect(tested.ok).toBe(false);
    expect(await serverAlerts()).toEqual([]);
  });

  it('raises server_down (critical) once the beats have been failing for the configured minutes', async () => {
    expect(await beatAt(6)).toMatchObject({ ok: false });
    const [alert] = (await serverAlerts()) as [Alert];
    expect(alert).toMatchObject({
      kind: 'server_down',
      severity: 'critical',
      subject: { type: 'server', name: `127.0.0.1:${port}`, relationId: null },
      raisedAt: '2026-06-01T10:06:00.000Z',
      resolvedAt: null,
    });
    expect(alert.message).toMatch(
      new RegExp(
        `^Server 127\\.0\\.0\\.1:${port} \\(profile flaky\\) has not answered heartbeats for 5 min ` +
          '\\(failing since 2026-06-01 10:01 UTC\\), past the 5-minute server-down rule\\. Last error: .+',
      ),
    );
    expect(rig.notified.at(-1)).toMatchObject({
      title: 'Server down — flaky',
      severity: 'critical',
      profileId,
    });

    // Still down: not raised again, but its figures follow the beats.
    await beatAt(7);
    await beatAt(8);
    const [still] = (await serverAlerts()) as [Alert];
    expect(still).toMatchObject({ id: alert.id, lastSeenAt: '2026-06-01T10:08:00.000Z' });
    expect(still.message).toContain('has not answered heartbeats for 7 min');
    expect(rig.notified.filter((n) => n.title.startsWith('Server down'))).toHaveLength(1);
    expect(rig.badge.at(-1)).toBe(1);
  });

  it('resolves it by itself ("recovered") when a beat succeeds again', async () => {
    await reopen();
    expect(await beatAt(9)).toMatchObject({ ok: true });
    const [alert] = (await serverAlerts()) as [Alert];
    expect(alert).toMatchObject({ resolvedAt: '2026-06-01T10:09:00.000Z', resolution: 'recovered' });
    expect(rig.changes.at(-1)).toMatchObject({ change: 'resolved', alert: { id: alert.id } });
    expect(rig.badge.at(-1)).toBe(0);
    // Recovered is resolved: acknowledging it now is refused.
    const again = await rig.dispatch('alerts:ack', { id: alert.id });
    expect(!again.ok && again.error.message).toMatch(
      /already resolved: it resolved itself \(the server came back\)/,
    );
  });

  it('a second outage raises a new alert; switching the rule off raises none', async () => {
    await stop();
    for (const m of [20, 23, 26]) await beatAt(m);
    expect((await serverAlerts()).map((a) => a.resolution)).toEqual([null, 'recovered']);

    await reopen();
    await beatAt(27);
    await rig.setRules([profileId], { serverDownEnabled: false });
    await stop();
    for (const m of [30, 40, 50]) await beatAt(m);
    expect(await serverAlerts()).toHaveLength(2);
  });
});
