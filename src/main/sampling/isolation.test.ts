import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { freePort } from '../../../test/support/servers';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy';
import { createTidemark, type Tidemark } from '../app';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';

let db: TestDatabase;
let app: Tidemark;
let silent: TcpProxy;
let slammer: net.Server;
// The sick ones come first: if work were done one profile after another, the healthy one would finish last.
const ids: Record<'good' | 'down' | 'refusing' | 'silent', string> = {
  silent: '',
  down: '',
  refusing: '',
  good: '',
};

beforeAll(async () => {
  db = await createTestDatabase('isolation');
  const admin = await db.admin();
  await admin.query('CREATE TABLE readings (id bigserial PRIMARY KEY, at timestamptz NOT NULL, body text)');
  await admin.query(
    "INSERT INTO readings (at, body) SELECT now(), repeat('x', 200) FROM generate_series(1, 2000)",
  );

  // Accepts TCP and never says a word.
  silent = await startTcpProxy({ host: db.server.host, port: db.server.port }, { mode: 'blackhole' });
  // Accepts and slams the door at once.
  slammer = net.createServer((socket) => socket.destroy());
  await new Promise<void>((ok) => slammer.listen(0, '127.0.0.1', () => ok()));

  const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-isolation-'));
  app = await createTidemark({ dataDir, mode: 'browser', secretStore: new KeyFileSecretStore(dataDir) });
  // The sick ones give up after 8 s; the healthy one answers well within that even on a busy machine.
  const add = (name: string, port: number) =>
    app.profiles.create(db.profile({ name, port, connectTimeoutSec: 8, password: db.password })).id;
  ids.good = add('good', db.server.port);
  ids.down = add('down', await freePort());
  ids.refusing = add('refusing', (slammer.address() as net.AddressInfo).port);
  ids.silent = add('silent', silent.port);
});

afterAll(async () => {
  await app?.close();
  await silent?.close();
  await new Promise((ok) => slammer?.close(ok));
  await db?.cleanup();
});

describe('one sick server never holds up the others', () => {
  it('samples and heartbeats of a healthy server finish while the silent one is still waiting', async () => {
    const { runner, heartbeat, history } = app.monitoring;
    const finished: string[] = [];
    const track = <T>(label: string, p: Promise<T>) =>
      p.then(
        (v) => {
          finished.push(label);
          return v;
        },
        (e: unknown) => {
          finished.push(label);
          throw e;
        },
      );

    const samples = Object.entries(ids).map(([k, id]) => track(`sample:${k}`, runner.run(id, 'schedule')));
    const beats = Object.entries(ids).map(([k, id]) => track(`beat:${k}`, heartbeat.beat(id)));
    const results = await Promise.allSettled([...samples, ...beats]);

    // The healthy server's work finished before the silent one's gave up.
    expect(finished.indexOf('sample:good')).toBeLessThan(finished.indexOf('sample:silent'));
    expect(finished.indexOf('beat:good')).toBeLessThan(finished.indexOf('beat:silent'));

    // The healthy server got its sample, with the table in it; the others failed with their reason.
    expect(results[3]).toMatchObject({ status: 'fulfilled' });
    const overview = history.overview(ids.good);
    expect(overview.relations.map((r) => r.name)).toContain('readings');
    for (const k of ['down', 'refusing', 'silent'] as const) {
      expect(history.overview(ids[k]).latest).toBeNull();
      expect(history.overview(ids[k]).status.lastSampleError).toBeTruthy();
    }
    expect(history.overview(ids.down).status.lastSampleError).toMatch(/refused/i);

    // Heartbeats: up for the healthy one, down for the three others.
    expect(history.healthSummary(ids.good).status.state).toBe('up');
    for (const k of ['down', 'refusing', 'silent'] as const) {
      expect(history.healthSummary(ids[k]).status.state).toBe('down');
    }
  });
});
