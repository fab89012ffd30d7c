import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import { withTimescale } from '../../../test/support/timescale';
import { PoolManager } from './pool-manager';
import {
  atLeast,
  parseTimescaleVersion,
  probeServer,
  type ServerProbe,
  timescaleFeatures,
} from './server-facts';

const managers: PoolManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.closeAll()));
});

function manager(db: TestDatabase, user?: string): PoolManager {
  const fields = user ? db.profile({ user }) : db.profile();
  const m = new PoolManager(async () => ({ fields, password: db.password }), undefined, { env: {} });
  managers.push(m);
  return m;
}

const factsOf = (m: PoolManager, options?: { refresh?: boolean }): Promise<ServerProbe> =>
  m.withClient('p', (client) => m.serverFacts('p', client, options));

describe.each(testServers)('the server-facts probe on %s', (server) => {
  it('reports the version, the superuser, its rights and the extensions it may create', async () => {
    const db = await createTestDatabase('server facts', server);
    try {
      const f = await factsOf(manager(db));
      const major = server === 'postgres' ? 18 : 15;
      expect(Math.floor(f.versionNum / 10000)).toBe(major);
      expect(f.version).toMatch(new RegExp(`^${major}\\.`));
      expect(f.database).toBe(db.name);
      expect(f.isSuperuser).toBe(true);
      expect(f.inRecovery).toBe(false);
      expect(f.rights).toEqual({
        pgMonitor: true,
        readAllStats: true,
        lsWalDir: true,
        createOnDatabase: true,
      });
      expect(f.timescaledb).toEqual({ installed: null, schema: null, available: null, api: null });
      // The Debian server has the pg_partman package (4.7); embedded PostgreSQL 18 has none.
      if (server === 'postgres15') {
        expect(f.partman).toEqual({
          installed: null,
          schema: null,
          available: expect.stringMatching(/^4\./),
        });
        const admin = await db.admin();
        await admin.query('CREATE SCHEMA partman; CREATE EXTENSION pg_partman SCHEMA partman');
        const again = await factsOf(manager(db));
        expect(again.partman).toMatchObject({ installed: expect.stringMatching(/^4\./), schema: 'partman' });
      } else {
        expect(f.partman).toEqual({ installed: null, schema: null, available: null });
      }
    } finally {
      await db.cleanup();
    }
  });

  it('tells what a role without grants may do, and sees a GRANT on refresh or once the pool is rebuilt', async () => {
    const db = await createTestDatabase('server facts rights', server);
    const role = `facts_${randomBytes(4).toString('hex')}`;
    const admin = await db.admin();
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${db.password}'`);
    try {
      const m = manager(db, role);
      const before = await factsOf(m);
      expect(before.user).toBe(role);
      expect(before.isSuperuser).toBe(false);
      // PUBLIC gets CONNECT and TEMP on a database, never CREATE.
      expect(before.rights).toEqual({
        pgMonitor: false,
        readAllStats: false,
        lsWalDir: false,
        createOnDatabase: false,
      });

      await admin.query(`GRANT pg_monitor TO ${role}; GRANT CREATE ON DATABASE ${db.name} TO ${role}`);
      // Probed once per pool: the same facts until asked again...
      expect(await factsOf(m)).toBe(before);
      // ...and a refresh (the pre-flight the DBA asked for) or a rebuilt pool sees the grant.
      const refreshed = await factsOf(m, { refresh: true });
      expect(refreshed.rights).toEqual({
        pgMonitor: true,
        readAllStats: true,
        lsWalDir: true,
        createOnDatabase: true,
      });
      await admin.query(`REVOKE pg_monitor FROM ${role}`);
      await m.invalidate('p');
      expect((await factsOf(m)).rights.pgMonitor).toBe(false);
    } finally {
      await db.cleanup();
      await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
    }
  });
});

describe('the server-facts probe on TimescaleDB', () => {
  it('reports the extension, its schema and its API generation (columnstore since 2.18)', async () => {
    await withTimescale(async (ts) => {
      const client = new pg.Client({ ...ts.info, ssl: false });
      await client.connect();
      try {
        const f = await probeServer(client);
        expect(Math.floor(f.versionNum / 10000)).toBe(17);
        expect(f.timescaledb).toEqual({
          installed: expect.stringMatching(/^2\.23\./),
          schema: 'public',
          available: expect.stringMatching(/^2\.23\./),
          api: 'columnstore',
        });
        expect(f.partman).toEqual({ installed: null, schema: null, available: null });
      } finally {
        await client.end();
      }
    });
  });
});

describe('TimescaleDB versions, read once for the collector, the pre-flight and the engine', () => {
  it('reads major.minor from what pg_extension says, and nothing from what is not a version', () => {
    expect(parseTimescaleVersion('2.23.0-dev')).toEqual({ major: 2, minor: 23 });
    expect(parseTimescaleVersion('1.7.5')).toEqual({ major: 1, minor: 7 });
    expect(parseTimescaleVersion('dev')).toBeNull();
    expect(parseTimescaleVersion(null)).toBeNull();
    expect(atLeast('2.18.0', 2, 18)).toBe(true);
    expect(atLeast('2.9.3', 2, 18)).toBe(false);
    expect(atLeast('3.0.0', 2, 18)).toBe(true);
    expect(atLeast('1.7.5', 2, 0)).toBe(false);
    expect(atLeast(null, 2, 0)).toBe(false);
    expect(timescaleFeatures('2.17.2')).toEqual({ byRange: true, columnstore: false, fkToHypertable: true });
  });
});
