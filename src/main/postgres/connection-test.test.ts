import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { freePort } from '../../../test/support/servers';
import { startTcpProxy } from '../../../test/support/tcp-proxy';
import { withTimescale } from '../../../test/support/timescale';
import type { ConnectionReport, ConnectionTestResult } from '../../shared/profile';
import { testConnection } from './connection-test';

let db: TestDatabase;
let home: string;
beforeAll(async () => {
  db = await createTestDatabase('connection test');
  // An empty home: no ~/.pgpass or ~/.postgresql of the machine running the tests leaks in.
  home = await mkdtemp(join(tmpdir(), 'tidemark-home-'));
});
afterAll(async () => {
  await db?.cleanup();
  await rm(home, { recursive: true, force: true });
});

/** Looks for .pgpass and ~/.postgresql only in the empty test home. */
const opts = () => ({ home, env: {} as NodeJS.ProcessEnv });

function report(result: ConnectionTestResult): ConnectionReport {
  if (!result.ok) throw new Error(`expected success, got ${result.reason}: ${result.message}`);
  return result.report;
}

function failure(result: ConnectionTestResult) {
  if (result.ok) throw new Error('expected the connection test to fail');
  return result;
}

describe('testConnection on PostgreSQL 18', () => {
  it('reports the version, database, user, rights, recovery state, latency and SSL', async () => {
    const r = report(await testConnection(db.fields, db.password, opts()));
    expect(r.serverVersion).toMatch(/^18\./);
    expect(r.serverVersionNum).toBeGreaterThanOrEqual(180000);
    expect(r.database).toBe(db.name);
    expect(r.user).toBe('postgres');
    expect(r.isSuperuser).toBe(true);
    expect(r.hasPgMonitor).toBe(true);
    expect(r.inRecovery).toBe(false);
    expect(r.timescaledb).toEqual({ availableVersion: null, installedVersion: null });
    expect(r.latencyMs).toBeGreaterThan(0);
    // The default sslmode 'prefer' encrypts when the server offers SSL.
    expect(r.ssl).toMatchObject({ inUse: true, version: expect.stringMatching(/^TLSv1\.[23]$/) });
    expect(r.ssl.cipher).toBeTruthy();
    expect(Number.isNaN(Date.parse(r.testedAt))).toBe(false);
  });

  it('tells a plain user apart from one with pg_monitor', async () => {
    const admin = await db.admin();
    const role = `plain_${Date.now().toString(36)}`;
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'plain-pw'`);
    try {
      const profile = db.profile({ user: role });
      const before = report(await testConnection(profile, 'plain-pw', opts()));
      expect(before).toMatchObject({ user: role, isSuperuser: false, hasPgMonitor: false });
      await admin.query(`GRANT pg_monitor TO ${role}`);
      const after = report(await testConnection(profile, 'plain-pw', opts()));
      expect(after.hasPgMonitor).toBe(true);
    } finally {
      await admin.query(`DROP ROLE ${role}`);
    }
  });

  it('connects through the Unix socket directory, never with TLS there', async () => {
    const r = report(await testConnection(db.profile({ host: db.server.socketDir }), db.password, opts()));
    expect(r.database).toBe(db.name);
    expect(r.ssl.inUse).toBe(false);
  });

  it('takes the password from .pgpass when the profile has none', async () => {
    const pgpass = join(home, '.pgpass');
    await writeFile(pgpass, `${db.server.host}:${db.server.port}:${db.name}:postgres:${db.password}\n`, {
      mode: 0o600,
    });
    try {
      const profile = db.profile({ passwordMode: 'pgpass' });
      expect(report(await testConnection(profile, undefined, opts())).user).toBe('postgres');
    } finally {
      await rm(pgpass);
    }
  });
});

describe('testConnection failures a DBA recognises', () => {
  it('wrong password → auth_failed', async () => {
    const f = failure(await testConnection(db.fields, 'not-the-password', opts()));
    expect(f.reason).toBe('auth_failed');
    expect(f.message).toMatch(/Password authentication failed for user "postgres"/);
    expect(f.detail).toMatch(/28P01/);
  });

  it('no password anywhere → no_password, saying where it looked', async () => {
    const f = failure(await testConnection(db.profile({ passwordMode: 'pgpass' }), undefined, opts()));
    expect(f.reason).toBe('no_password');
    expect(f.message).toMatch(/no password is stored for this profile and none was found in \.pgpass/);
    expect(f.message).toContain(join(home, '.pgpass'));
  });

  it('a database that does not exist → database_missing', async () => {
    const f = failure(await testConnection(db.profile({ database: 'no_such_db' }), db.password, opts()));
    expect(f.reason).toBe('database_missing');
    expect(f.message).toMatch(/"no_such_db" does not exist/);
  });

  it('a role that does not exist → role_missing (where the server says so: trust/peer/cert auth)', async () => {
    const user = db.server.roles.missing;
    const f = failure(await testConnection(db.profile({ user }), undefined, opts()));
    expect(f.reason).toBe('role_missing');
    expect(f.message).toBe(
      `The role "${user}" does not exist on ${db.server.host}:${db.server.port}. Check the user name.`,
    );
  });

  it('with password auth the server hides unknown roles: auth_failed, and the message mentions the user name', async () => {
    const f = failure(await testConnection(db.profile({ user: 'nobody_here' }), db.password, opts()));
    expect(f.reason).toBe('auth_failed');
    expect(f.message).toMatch(/user name/);
  });

  it('a pg_hba.conf reject line → hba_rejected', async () => {
    const f = failure(
      await testConnection(db.profile({ user: db.server.roles.hbaRejected }), db.password, opts()),
    );
    expect(f.reason).toBe('hba_rejected');
    expect(f.message).toMatch(/pg_hba\.conf does not let user "tidemark_hba_rejected"/);
  });

  it('a role at its connection limit → too_many_connections', async () => {
    const admin = await db.admin();
    const role = `limited_${Date.now().toString(36)}`;
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw' CONNECTION LIMIT 0`);
    try {
      const f = failure(await testConnection(db.profile({ user: role }), 'pw', opts()));
      expect(f.reason).toBe('too_many_connections');
      expect(f.message).toMatch(/too many connections for role/);
    } finally {
      await admin.query(`DROP ROLE ${role}`);
    }
  });

  it('a closed port → refused', async () => {
    const port = await freePort();
    const f = failure(await testConnection(db.profile({ host: '127.0.0.1', port }), db.password, opts()));
    expect(f.reason).toBe('refused');
    expect(f.message).toContain(`127.0.0.1:${port}`);
    expect(f.message).toMatch(/Is the server running/);
  });

  it('a socket directory with no server → refused', async () => {
    const f = failure(await testConnection(db.profile({ host: home }), db.password, opts()));
    expect(f.reason).toBe('refused');
    expect(f.message).toMatch(/No server is listening on the socket/);
  });

  it('an unknown host name → host_not_found', async () => {
    const f = failure(
      await testConnection(
        db.profile({ host: 'no-such-host.invalid', connectTimeoutSec: 60 }),
        db.password,
        opts(),
      ),
    );
    expect(f.reason).toBe('host_not_found');
    expect(f.message).toMatch(/"no-such-host\.invalid" could not be/);
  });

  it('a server that accepts and never answers → timeout, and the test still ends', async () => {
    const blackhole = await startTcpProxy(
      { host: db.server.host, port: db.server.port },
      { mode: 'blackhole' },
    );
    try {
      const profile = db.profile({ host: blackhole.host, port: blackhole.port, connectTimeoutSec: 1 });
      const f = failure(await testConnection(profile, db.password, opts()));
      expect(f.reason).toBe('timeout');
      expect(f.message).toMatch(/No answer from .* within 1 s/);
    } finally {
      await blackhole.close();
    }
  });

  it('an unreadable CA file → cert_file_unreadable naming the file', async () => {
    const missing = join(home, 'missing-root.crt');
    const f = failure(
      await testConnection(db.profile({ sslmode: 'verify-full', sslRootCert: missing }), db.password, opts()),
    );
    expect(f.reason).toBe('cert_file_unreadable');
    expect(f.message).toBe(`Cannot read the CA (root) certificate file ${missing}: no such file.`);
  });
});

describe('sslmode with libpq meaning', () => {
  it('against a server without SSL: require → ssl_unsupported, prefer connects unencrypted', async () => {
    const noSsl = await startTcpProxy({ host: db.server.host, port: db.server.port }, { refuseSsl: true });
    try {
      const at = { host: noSsl.host, port: noSsl.port };
      const f = failure(await testConnection(db.profile({ ...at, sslmode: 'require' }), db.password, opts()));
      expect(f.reason).toBe('ssl_unsupported');
      expect(f.message).toMatch(/does not accept SSL connections/);
      const r = report(await testConnection(db.profile({ ...at, sslmode: 'prefer' }), db.password, opts()));
      expect(r.ssl.inUse).toBe(false);
    } finally {
      await noSsl.close();
    }
  });

  it('require encrypts without checking the certificate', async () => {
    const r = report(await testConnection(db.profile({ sslmode: 'require' }), db.password, opts()));
    expect(r.ssl.inUse).toBe(true);
  });

  it('disable never encrypts', async () => {
    const r = report(await testConnection(db.profile({ sslmode: 'disable' }), db.password, opts()));
    expect(r.ssl.inUse).toBe(false);
  });

  it('verify-full with the right CA and the certificate host name succeeds', async () => {
    const tls = db.server.tls!;
    const profile = db.profile({
      sslmode: 'verify-full',
      sslRootCert: tls.caFile,
      host: db.server.tlsHostName,
    });
    expect(report(await testConnection(profile, db.password, opts())).ssl.inUse).toBe(true);
  });

  it('verify-full by IP address when the certificate names only localhost → hostname_mismatch', async () => {
    const profile = db.profile({
      sslmode: 'verify-full',
      sslRootCert: db.server.tls!.caFile,
      host: '127.0.0.1',
    });
    const f = failure(await testConnection(profile, db.password, opts()));
    expect(f.reason).toBe('hostname_mismatch');
    expect(f.message).toMatch(/not issued for "127\.0\.0\.1" \(it names DNS:localhost\)/);
    // Checking less is no fix for a certificate that names another server.
    expect(f.message).not.toMatch(/verify-ca|require/);
  });

  it('verify-ca checks the chain only: right CA by IP succeeds, an unknown CA is untrusted', async () => {
    const tls = db.server.tls!;
    const byIp = db.profile({ sslmode: 'verify-ca', sslRootCert: tls.caFile, host: '127.0.0.1' });
    expect(report(await testConnection(byIp, db.password, opts())).ssl.inUse).toBe(true);

    const otherCa = failure(
      await testConnection(
        db.profile({ sslmode: 'verify-ca', sslRootCert: tls.otherCaFile }),
        db.password,
        opts(),
      ),
    );
    expect(otherCa.reason).toBe('certificate_untrusted');
    expect(otherCa.message).toMatch(/not trusted/);
    expect(otherCa.message).not.toMatch(/sslmode require/);
  });

  it('verify-ca and verify-full without a root certificate are refused before connecting, naming root.crt', async () => {
    const rootCrt = join(home, '.postgresql', 'root.crt');
    for (const sslmode of ['verify-ca', 'verify-full'] as const) {
      const f = failure(await testConnection(db.profile({ sslmode }), db.password, opts()));
      expect(f.reason).toBe('cert_file_unreadable');
      expect(f.message).toContain(`root certificate file "${rootCrt}" does not exist`);
    }
  });

  it('uses ~/.postgresql/root.crt from $HOME: verify-ca by IP and verify-full by name connect, require checks the chain', async () => {
    const tls = db.server.tls!;
    const saved = process.env.HOME;
    const fakeHome = await mkdtemp(join(tmpdir(), 'tidemark-home-'));
    process.env.HOME = fakeHome;
    const homeOpts = { env: {} as NodeJS.ProcessEnv };
    try {
      await mkdir(join(fakeHome, '.postgresql'));
      await copyFile(tls.caFile, join(fakeHome, '.postgresql', 'root.crt'));
      const ca = db.profile({ sslmode: 'verify-ca', host: '127.0.0.1' });
      expect(report(await testConnection(ca, db.password, homeOpts)).ssl.inUse).toBe(true);
      const full = db.profile({ sslmode: 'verify-full', host: db.server.tlsHostName });
      expect(report(await testConnection(full, db.password, homeOpts)).ssl.inUse).toBe(true);

      // A root.crt that did not sign the server: require now verifies, as libpq does.
      await copyFile(tls.otherCaFile, join(fakeHome, '.postgresql', 'root.crt'));
      const require = failure(
        await testConnection(db.profile({ sslmode: 'require' }), db.password, homeOpts),
      );
      expect(require.reason).toBe('certificate_untrusted');
    } finally {
      process.env.HOME = saved;
      await rm(fakeHome, { recursive: true, force: true });
    }
  });

  it('verify-full with sslrootcert=system trusts the system store, which never signed the test CA', async () => {
    const profile = db.profile({
      sslmode: 'verify-full',
      sslRootCert: 'system',
      host: db.server.tlsHostName,
    });
    const f = failure(await testConnection(profile, db.password, opts()));
    expect(f.reason).toBe('certificate_untrusted');
    const weaker = failure(
      await testConnection(db.profile({ sslmode: 'verify-ca', sslRootCert: 'system' }), db.password, opts()),
    );
    expect(weaker.reason).toBe('cert_file_unreadable');
    expect(weaker.message).toMatch(/only allows it with verify-full/);
  });

  it('require with a root certificate behaves as verify-ca (libpq compatibility)', async () => {
    const f = failure(
      await testConnection(
        db.profile({ sslmode: 'require', sslRootCert: db.server.tls!.otherCaFile }),
        db.password,
        opts(),
      ),
    );
    expect(f.reason).toBe('certificate_untrusted');
    const right = db.profile({ sslmode: 'require', sslRootCert: db.server.tls!.caFile, host: '127.0.0.1' });
    expect(report(await testConnection(right, db.password, opts())).ssl.inUse).toBe(true);
  });

  it('a user pg_hba.conf only admits over SSL: disable → ssl_required, allow falls back to SSL', async () => {
    const user = db.server.roles.sslOnly;
    const f = failure(await testConnection(db.profile({ user, sslmode: 'disable' }), db.password, opts()));
    expect(f.reason).toBe('ssl_required');
    expect(f.message).toMatch(/requires SSL/);
    const r = report(await testConnection(db.profile({ user, sslmode: 'allow' }), db.password, opts()));
    expect(r).toMatchObject({ user, ssl: { inUse: true } });
  });

  it('logs in with a client certificate and key (pg_hba "cert")', async () => {
    const tls = db.server.tls!;
    const user = db.server.roles.certUser;
    const withCert = db.profile({
      user,
      sslmode: 'verify-full',
      host: db.server.tlsHostName,
      sslRootCert: tls.caFile,
    });
    const r = report(
      await testConnection(
        { ...withCert, sslCert: tls.clientCertFile, sslKey: tls.clientKeyFile },
        undefined,
        opts(),
      ),
    );
    expect(r.user).toBe(user);
    const f = failure(await testConnection(withCert, undefined, opts()));
    expect(f.reason).toBe('hba_rejected');
  });
});

describe('testConnection on TimescaleDB', () => {
  it('reports TimescaleDB as available and installed, on PostgreSQL 17', async () => {
    await withTimescale(async (ts) => {
      const r = report(await testConnection(ts.profile(), ts.password, opts()));
      expect(r.serverVersionNum).toBeGreaterThanOrEqual(170000);
      expect(r.serverVersionNum).toBeLessThan(180000);
      expect(r.timescaledb.installedVersion).toMatch(/^2\.23\./);
      expect(r.timescaledb.availableVersion).toMatch(/^2\.23\./);
      // The test server has no SSL; the default 'prefer' falls back to plain text.
      expect(r.ssl.inUse).toBe(false);
    });
  });
});
